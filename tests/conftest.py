"""Fixtures: every database test runs on SQLite and on PostgreSQL.

Each test gets a fresh database copied from a template built once by
``alembic upgrade head`` (a copied file on SQLite, ``CREATE DATABASE … TEMPLATE`` on
PostgreSQL) — never reset by DELETE. PostgreSQL tests skip loudly when no server can be
started, and fail instead under ``CI=true``."""

from __future__ import annotations

import itertools
import os
import shutil
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine
from sqlmodel import Session

import finance_core.models  # noqa: F401
import strategy.models  # noqa: F401
from finance_core.actor import Actor
from finance_core.db import create_db_engine
from finance_core.migrate import upgrade
from tests.pg import APP, OWNER, PgCluster

pytest_plugins = [
    "tests.fixtures_finance",
    "tests.fixtures_arrears",
    "tests.fixtures_demo",
    "tests.browser",
    "tests.fixtures_portal",
    "tests.fixtures_web",
]

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

settings.register_profile(
    "default",
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "fuzz",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
_counter = itertools.count(1)


@dataclass(frozen=True)
class Database:
    """A fresh test database: ``url`` as the application, ``owner_url`` as the schema owner."""

    dialect: str
    url: str
    owner_url: str
    superuser_url: str


def _unavailable(reason: str) -> None:
    message = f"PostgreSQL unavailable: {reason}"
    if IN_CI:
        pytest.fail(message + " (CI=true: PostgreSQL tests must run)")
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster | Exception]:
    try:
        cluster = PgCluster().start()
    except Exception as exc:  # reported by the tests that need it
        yield exc
        return
    try:
        cluster.create_database("attfin_template")
        upgrade(
            url=cluster.url(OWNER, "attfin_template"),
            app_url=cluster.url(APP, "attfin_template"),
        )
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(url=f"sqlite:///{path}", app_url=f"sqlite:///{path}")
    return path


def _fresh(
    dialect: str, pg_cluster: PgCluster | Exception, sqlite_template: Path, tmp_path: Path
) -> Iterator[Database]:
    if dialect == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(sqlite_template, path)
        url = f"sqlite:///{path}"
        yield Database("sqlite", url, url, url)
        return
    if isinstance(pg_cluster, Exception):
        _unavailable(str(pg_cluster))
        return
    name = f"attfin_test_{os.getpid()}_{next(_counter)}"
    pg_cluster.create_database(name, template="attfin_template")
    try:
        yield Database(
            "postgresql",
            pg_cluster.url(APP, name),
            pg_cluster.url(OWNER, name),
            pg_cluster.url("postgres", name),
        )
    finally:
        pg_cluster.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(
    request: pytest.FixtureRequest,
    pg_cluster: PgCluster | Exception,
    sqlite_template: Path,
    tmp_path: Path,
) -> Iterator[Database]:
    """A fresh migrated database, once per dialect."""
    yield from _fresh(request.param, pg_cluster, sqlite_template, tmp_path)


@pytest.fixture
def engine(db: Database) -> Iterator[Engine]:
    engine = create_db_engine(db.url)
    yield engine
    engine.dispose()


@pytest.fixture
def owner_engine(db: Database) -> Iterator[Engine]:
    """An engine connected as the schema owner (to show that even it cannot change the ledger)."""
    engine = create_db_engine(db.owner_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work the test commits or not (closed at the end)."""
    with Session(engine, expire_on_commit=False) as s:
        yield s
        s.rollback()


@pytest.fixture
def officer() -> Actor:
    from finance_core.access.models import Role

    return Actor(name="officer", origin="test", roles=frozenset({Role.FINANCE_OFFICER}))


def needs_pango() -> None:
    """PDF tests skip loudly without the system's Pango library, and fail under CI=true."""
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        if IN_CI:
            pytest.fail(f"Pango unavailable under CI=true: {exc}")
        pytest.skip(f"Pango unavailable (apt-get install libpango-1.0-0): {exc}")


#: The test files that take longest (command-line journeys, demo loads), longest first.
#: They are collected first, so that the parallel test processes take them on early and
#: finish together instead of one process ending the run alone with a long file.
LONGEST_FIRST = (
    "test_portal.py",
    "test_web_payments.py",
    "test_cli_strategy.py",
    "test_cli_voluntary.py",
    "test_cli.py",
    "test_demo_strategy.py",
    "test_demo_voluntary.py",
    "test_api_expenditures.py",
    "test_cli_close.py",
    "test_publication_cli.py",
    "test_cli_arrears.py",
    "test_forecast.py",
    "test_cli_assessments.py",
    "test_plan_workbook.py",
    "test_cli_report.py",
    "test_access.py",
    "test_voluntary_properties.py",
    "test_cli_annual_update.py",
    "test_committee_pack.py",
    "test_report_formats.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the files of ``LONGEST_FIRST`` first, in that order; the rest keep theirs."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
