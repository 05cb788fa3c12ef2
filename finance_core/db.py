"""Engines and transactions.

One request (or one CLI command) is one transaction: services never commit; the caller
opens ``transaction()`` (or the API's session dependency), which commits on success and
rolls back on error. On SQLite every write transaction starts with ``BEGIN IMMEDIATE``
(so writers queue on the busy timeout instead of failing mid-transaction), WAL and
foreign keys are on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from finance_core.settings import get_settings

#: Execution option naming how a SQLite transaction begins: "IMMEDIATE" or "DEFERRED".
SQLITE_BEGIN_OPTION = "attfin_sqlite_begin"


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN_OPTION, "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {'DEFERRED' if mode == 'DEFERRED' else 'IMMEDIATE'}")


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """An engine configured for this service's rules on SQLite or PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine, get_settings().sqlite_busy_timeout_ms)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    """The shared engine for ``url`` (default: the configured application URL)."""
    return create_db_engine(url or get_settings().database_url)


@contextmanager
def transaction(engine: Engine | None = None, *, read_only: bool = False) -> Iterator[Session]:
    """A session in one transaction: committed if the block succeeds, else rolled back."""
    engine = engine or get_engine()
    if read_only:
        engine = engine.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def ping(session: Session) -> None:
    """Raise if the database does not answer."""
    session.execute(text("SELECT 1")).scalar_one()
