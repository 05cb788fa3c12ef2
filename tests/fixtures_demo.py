"""The demo data set loaded once per database kind for the whole test run, and a fresh
copy of it for each module that reads it (a copied SQLite file; a PostgreSQL database
created from a template), so that no module pays for a load of its own."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.db import create_db_engine
from strategy.demo import FullDemo, load_full_demo
from tests.conftest import Database, _unavailable
from tests.pg import APP, OWNER, PgCluster

_TEMPLATE = "attfin_demo_template"
_counter = itertools.count(1)


@dataclass(frozen=True)
class DemoCopy:
    """A fresh copy of the loaded demo: an open session on it, what the load reported,
    and the database (``dialect``: sqlite or postgresql)."""

    session: Session
    result: FullDemo
    dialect: str
    database: Database


@dataclass
class DemoTemplates:
    """Loads the demo into a template the first time a dialect is asked for."""

    pg_cluster: PgCluster | Exception
    sqlite_template: Path
    folder: Path
    loaded: dict[str, FullDemo] = field(default_factory=dict)

    def _load(self, database: Database) -> FullDemo:
        engine = create_db_engine(database.url)
        try:
            with Session(engine, expire_on_commit=False) as s:
                result = load_full_demo(s, actor=Actor(name="demo", origin="test"))
                s.commit()
        finally:
            engine.dispose()
        return result

    def _sqlite(self, folder: Path) -> Iterator[Database]:
        template = self.folder / "demo.sqlite3"
        if "sqlite" not in self.loaded:
            shutil.copyfile(self.sqlite_template, template)
            url = f"sqlite:///{template}"
            self.loaded["sqlite"] = self._load(Database("sqlite", url, url, url))
        path = folder / "demo.sqlite3"
        shutil.copyfile(template, path)
        url = f"sqlite:///{path}"
        yield Database("sqlite", url, url, url)

    def _postgresql(self, cluster: PgCluster) -> Iterator[Database]:
        if "postgresql" not in self.loaded:
            cluster.create_database(_TEMPLATE, template="attfin_template")
            self.loaded["postgresql"] = self._load(
                Database(
                    "postgresql",
                    cluster.url(APP, _TEMPLATE),
                    cluster.url(OWNER, _TEMPLATE),
                    cluster.url("postgres", _TEMPLATE),
                )
            )
        name = f"attfin_demo_{os.getpid()}_{next(_counter)}"
        cluster.create_database(name, template=_TEMPLATE)
        try:
            yield Database(
                "postgresql",
                cluster.url(APP, name),
                cluster.url(OWNER, name),
                cluster.url("postgres", name),
            )
        finally:
            cluster.drop_database(name)

    @contextmanager
    def copy(self, dialect: str, folder: Path) -> Iterator[DemoCopy]:
        """A fresh copy of the loaded demo with a session on it (rolled back at the end)."""
        if dialect == "sqlite":
            databases = self._sqlite(folder)
        elif isinstance(self.pg_cluster, Exception):
            _unavailable(str(self.pg_cluster))
            return
        else:
            databases = self._postgresql(self.pg_cluster)
        for database in databases:
            engine = create_db_engine(database.url)
            try:
                with Session(engine, expire_on_commit=False) as s:
                    yield DemoCopy(s, self.loaded[dialect], dialect, database)
                    s.rollback()
            finally:
                engine.dispose()


@pytest.fixture(scope="session")
def demo_templates(
    pg_cluster: PgCluster | Exception,
    sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> DemoTemplates:
    """The demo, loaded lazily once per dialect for the whole run."""
    return DemoTemplates(pg_cluster, sqlite_template, tmp_path_factory.mktemp("demo_template"))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo_copy(
    request: pytest.FixtureRequest,
    demo_templates: DemoTemplates,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[DemoCopy]:
    """A fresh copy of the demo per module and dialect, for tests that only read it."""
    with demo_templates.copy(request.param, tmp_path_factory.mktemp("demo")) as copy:
        yield copy
