"""The demo data set loaded once per database kind for the whole test run by the command a
user runs, ``attfin demo load`` (with its strategic plans and published reports), and a
fresh copy of it for each module that reads it (a copied SQLite file; a PostgreSQL database
created from a template), so that no module pays for a load of its own.

Under pytest-xdist the test processes share the load too: the first process to need a
kind loads it (the others wait on a file lock) and leaves the result in the run's shared
temporary folder: the SQLite file, or a ``pg_dump`` of the template database (each
process has its own PostgreSQL cluster, and restores the dump into it), with what the
load reported. A process that finds the kind it needs being loaded by another loads the
other kind meanwhile (if nobody has), so that the two loads run side by side."""

from __future__ import annotations

import fcntl
import itertools
import os
import pickle
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlmodel import Session

import reports.demo
from finance_core.actor import Actor
from finance_core.db import create_db_engine
from reports.demo import FullDemoWithReports
from strategy.demo import FullDemo
from tests.cli_helpers import attfin
from tests.conftest import Database, _unavailable, needs_pango
from tests.pg import APP, OWNER, PgCluster, find_bin

_TEMPLATE = "attfin_demo_template"
_counter = itertools.count(1)


@dataclass(frozen=True)
class Loaded:
    """What ``attfin demo load`` reported: the loaders' counts and the command's output."""

    result: FullDemo
    output: str


@dataclass(frozen=True)
class DemoCopy:
    """A fresh copy of the loaded demo: an open session on it, what the load reported
    (``result``; ``load_output``: what the command printed), and the database
    (``dialect``: sqlite or postgresql)."""

    session: Session
    result: FullDemo
    dialect: str
    database: Database
    load_output: str


@dataclass
class DemoTemplates:
    """Loads the demo into a template the first time a dialect is asked for."""

    pg_cluster: PgCluster | Exception
    sqlite_template: Path
    folder: Path
    #: Where the test processes of one run leave a load for each other.
    shared: Path
    loaded: dict[str, Loaded] = field(default_factory=dict)

    @contextmanager
    def _shared_load(self, dialect: str, *, wait: bool) -> Iterator[tuple[bool, Path | None]]:
        """Under the run's lock for ``dialect``: (True, the shared file of an earlier
        load, to restore) or (True, None: load it, then ``_publish`` it); (False, None)
        when ``wait`` is False and another process holds the lock."""
        self.shared.mkdir(parents=True, exist_ok=True)
        with open(self.shared / f"{dialect}.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False, None
                return
            try:
                done = self.shared / f"{dialect}.result"
                yield True, (self.shared / f"{dialect}.data" if done.exists() else None)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _publish(self, dialect: str, result: Loaded) -> Path:
        """Where the loaded data go for the other processes; the result marks it done."""
        (self.shared / f"{dialect}.result").write_bytes(pickle.dumps(result))
        return self.shared / f"{dialect}.data"

    def _result(self, dialect: str) -> Loaded:
        found: Loaded = pickle.loads((self.shared / f"{dialect}.result").read_bytes())
        return found

    def _load(self, database: Database) -> Loaded:
        """``attfin demo load`` into ``database`` (in this process, see ``cli_helpers``),
        with the loaders' counts taken on the way out of ``load_demo_with_reports``."""
        needs_pango()  # the demo publishes its reports in every format, PDF included
        counts: list[FullDemoWithReports] = []
        real = reports.demo.load_demo_with_reports

        def counted(session: Session, *, actor: Actor) -> FullDemoWithReports:
            counts.append(real(session, actor=actor))
            return counts[-1]

        reports.demo.load_demo_with_reports = counted
        try:
            done = attfin(database, "demo", "load")
        finally:
            reports.demo.load_demo_with_reports = real
        if done.returncode != 0 or len(counts) != 1:
            raise RuntimeError(f"attfin demo load failed: {done.stderr}")
        return Loaded(counts[0].demo, done.stdout)

    def _ready(self, dialect: str) -> None:
        """The template of ``dialect`` ready in this process. While another process
        loads it, this one loads the other kind (if nobody has), rather than wait idle."""
        if self._ensure(dialect, wait=False):
            return
        other = "postgresql" if dialect == "sqlite" else "sqlite"
        if other == "sqlite" or not isinstance(self.pg_cluster, Exception):
            self._ensure(other, wait=False)
        self._ensure(dialect, wait=True)

    def _ensure(self, dialect: str, *, wait: bool) -> bool:
        """Make the template of ``dialect`` in this process (from a shared load, or by
        loading and sharing it); False if ``wait`` is False and another holds the lock."""
        if dialect in self.loaded:
            return True
        with self._shared_load(dialect, wait=wait) as (locked, earlier):
            if not locked:
                return False
            if dialect == "sqlite":
                self.loaded[dialect] = self._sqlite_template(earlier)
            else:
                assert not isinstance(self.pg_cluster, Exception)
                self.loaded[dialect] = self._postgresql_template(self.pg_cluster, earlier)
        return True

    @property
    def _sqlite_file(self) -> Path:
        return self.folder / "demo.sqlite3"

    def _sqlite_template(self, earlier: Path | None) -> Loaded:
        template = self._sqlite_file
        if earlier is not None:
            shutil.copyfile(earlier, template)
            return self._result("sqlite")
        shutil.copyfile(self.sqlite_template, template)
        url = f"sqlite:///{template}"
        result = self._load(Database("sqlite", url, url, url))
        shutil.copyfile(template, self.shared / "sqlite.data")
        self._publish("sqlite", result)
        return result

    def _postgresql_template(self, cluster: PgCluster, earlier: Path | None) -> Loaded:
        if earlier is not None:
            cluster.create_database(_TEMPLATE, template="template0")
            _pg_tool("pg_restore", "--exit-on-error", "-d", _libpq(cluster), str(earlier))
            return self._result("postgresql")
        cluster.create_database(_TEMPLATE, template="attfin_template")
        result = self._load(
            Database(
                "postgresql",
                cluster.url(APP, _TEMPLATE),
                cluster.url(OWNER, _TEMPLATE),
                cluster.url("postgres", _TEMPLATE),
            )
        )
        dump = self.shared / "postgresql.data"
        _pg_tool("pg_dump", "-Fc", "-f", str(dump), _libpq(cluster))
        self._publish("postgresql", result)
        return result

    def _sqlite(self, folder: Path) -> Iterator[Database]:
        self._ready("sqlite")
        path = folder / "demo.sqlite3"
        shutil.copyfile(self._sqlite_file, path)
        url = f"sqlite:///{path}"
        yield Database("sqlite", url, url, url)

    def _postgresql(self, cluster: PgCluster) -> Iterator[Database]:
        self._ready("postgresql")
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
                    loaded = self.loaded[dialect]
                    yield DemoCopy(s, loaded.result, dialect, database, loaded.output)
                    s.rollback()
            finally:
                engine.dispose()


def _libpq(cluster: PgCluster) -> str:
    """The superuser's address of the demo template, as the PostgreSQL tools take it."""
    return cluster.url("postgres", _TEMPLATE).replace("postgresql+psycopg://", "postgresql://")


def _pg_tool(name: str, *args: str) -> None:
    tool = find_bin(name)
    if tool is None:
        raise RuntimeError(f"{name} not found (apt-get install -y postgresql)")
    done = subprocess.run([tool, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed: {done.stderr}")


@pytest.fixture(scope="session")
def demo_templates(
    pg_cluster: PgCluster | Exception,
    sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> DemoTemplates:
    """The demo, loaded lazily once per dialect for the whole run (and shared by the
    run's test processes: their temporary folders have one parent for the run)."""
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "demo_shared"
    return DemoTemplates(
        pg_cluster, sqlite_template, tmp_path_factory.mktemp("demo_template"), shared
    )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo_copy(
    request: pytest.FixtureRequest,
    demo_templates: DemoTemplates,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[DemoCopy]:
    """A fresh copy of the demo per module and dialect, for tests that only read it."""
    with demo_templates.copy(request.param, tmp_path_factory.mktemp("demo")) as copy:
        yield copy
