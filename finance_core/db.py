"""Engines, transactions, and what happens when concurrent work gets in the way.

One request (or one CLI command) is one transaction: services never commit; the caller
opens ``transaction()`` (or the API's session dependency), which commits on success and
rolls back on error. On SQLite every write transaction starts with ``BEGIN IMMEDIATE``
(so writers queue on the busy timeout instead of failing mid-transaction), WAL and
foreign keys are on. PostgreSQL runs at READ COMMITTED.

**Concurrency.** Writes that must not interleave take explicit row locks, held to
commit and always in one order, so that they queue instead of deadlocking: the
request's idempotency key; then the rows the write checks against (the budget being
assessed, the States concerned: one, or several at once in code order, ``FOR NO KEY
UPDATE`` so that other transactions' foreign keys to a State do not wait); last the
ledger's chain head (``FOR UPDATE``: ledger writes are serialised), after which a
transaction takes no lock another may hold while it waits for the head. A SQLite write
transaction holds the database's lock from its first statement, so nothing interleaves
there.

**Retries** are the safety net for what still fails because of concurrent work
(``contention_of``): a serialization failure (SQLSTATE 40001), a deadlock (40P01), a
lock wait that ran out (55P03), a SQLite file still busy after the busy timeout.
``retrying`` re-runs a unit of work that undoes itself when it fails, pausing with
full-jitter exponential backoff (a random pause up to ``retry_backoff_ms``, doubled
after each failure up to ``retry_backoff_max_ms``), at most ``retry_attempts`` times
in all; each retry is logged (the unit's name, the failure's code and the attempt, never
a statement or its values). ``run_transaction`` runs a unit of work in a new transaction
per attempt (command-line work, jobs); the API re-runs a write in a savepoint of the
request's transaction (``api.idempotency``), which undoes a failed lock wait but not a
serialization failure (the snapshot is the transaction's). What still fails leaves
``transaction()`` as ``Busy``: nothing was recorded, and the API answers 503 with a
``Retry-After`` so that the client sends the same request (and ``Idempotency-Key``)
again."""

from __future__ import annotations

import logging
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from finance_core.errors import Busy
from finance_core.settings import get_settings

T = TypeVar("T")
log = logging.getLogger("attfin.db")

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


#: The shared engines, by URL (``get_engine``).
_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def get_engine(url: str | None = None) -> Engine:
    """The shared engine for ``url`` (default: the configured application URL): one per
    URL for the life of the process, or until ``dispose_engines``."""
    key = url or get_settings().database_url
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = create_db_engine(key)
        return engine


def dispose_engines() -> None:
    """Close every shared engine's pooled connections and forget the engines (the next
    ``get_engine`` makes a new one): for a process that must leave no connection open,
    such as one that runs commands one after another on different databases."""
    with _engines_lock:
        engines = list(_engines.values())
        _engines.clear()
    for engine in engines:
        engine.dispose()


#: Failures that concurrent work causes and a later attempt may not meet, by code.
CONTENTION = {
    "40001": "a serialization failure",
    "40P01": "a deadlock",
    "55P03": "a lock wait that ran out",
    "SQLITE_BUSY": "a busy SQLite database",
}
#: Those that a savepoint's rollback undoes: one statement's lock wait failed, the rest
#: of the transaction still stands (a serialization failure needs a new transaction).
LOCK_FAILURES = frozenset({"40P01", "55P03"})
_SQLITE_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def contention_of(exc: BaseException) -> str | None:
    """The code (a key of ``CONTENTION``) of the failure that concurrent work caused,
    if ``exc`` is one; else None."""
    if isinstance(exc, Busy):
        return exc.reason
    if not isinstance(exc, DBAPIError):
        return None
    original = exc.orig
    code = getattr(original, "sqlstate", None)
    if isinstance(code, str) and code in CONTENTION:
        return code
    if isinstance(original, sqlite3.OperationalError):
        errorcode = getattr(original, "sqlite_errorcode", None)
        if isinstance(errorcode, int) and errorcode & 0xFF in _SQLITE_BUSY_CODES:
            return "SQLITE_BUSY"
    return None


def busy(reason: str) -> Busy:
    """The error for a unit of work that ``reason`` made fail on its last attempt."""
    settings = get_settings()
    return Busy(
        f"the database is busy with concurrent changes ({CONTENTION.get(reason, reason)}); "
        "nothing was recorded: send the request again",
        reason=reason,
        retry_after=max(1, -(-settings.retry_backoff_max_ms // 1000)),
    )


def retry_pause(attempt: int) -> float:
    """Seconds to pause after failed attempt number ``attempt`` (1, 2, …): a random
    time up to the backoff, which doubles after each attempt up to its maximum."""
    settings = get_settings()
    ceiling = min(settings.retry_backoff_max_ms, settings.retry_backoff_ms * 2 ** (attempt - 1))
    return random.uniform(0, ceiling) / 1000  # noqa: S311 (a pause, not a secret)


def retrying(
    work: Callable[[], T],
    *,
    what: str,
    attempts: int | None = None,
    only: Collection[str] | None = None,
) -> T:
    """``work()``, called again after each failure that concurrent work caused (``only``:
    of these codes), at most ``attempts`` times in all (default: the settings). ``work``
    must undo itself when it fails (its own transaction or savepoint). Other errors
    pass unchanged; the last attempt's failure is raised as ``Busy``."""
    total = attempts or get_settings().retry_attempts
    attempt = 1
    while True:
        try:
            return work()
        except Exception as exc:
            reason = contention_of(exc)
            if reason is None or (only is not None and reason not in only):
                raise
            if attempt >= total:
                if isinstance(exc, Busy):
                    raise
                raise busy(reason) from exc
            pause = retry_pause(attempt)
            log.warning(
                "%s: %s (%s) on attempt %d of %d; retrying in %d ms",
                what,
                CONTENTION[reason],
                reason,
                attempt,
                total,
                round(pause * 1000),
            )
            time.sleep(pause)
            attempt += 1


@contextmanager
def transaction(engine: Engine | None = None, *, read_only: bool = False) -> Iterator[Session]:
    """A session in one transaction: committed if the block succeeds, else rolled back.
    A failure that concurrent work caused leaves as ``Busy``."""
    engine = engine or get_engine()
    if read_only:
        engine = engine.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException as exc:
            session.rollback()
            reason = contention_of(exc)
            if reason is not None and not isinstance(exc, Busy):
                raise busy(reason) from exc
            raise


def run_transaction(
    work: Callable[[Session], T],
    engine: Engine | None = None,
    *,
    read_only: bool = False,
    attempts: int | None = None,
) -> T:
    """``work(session)`` in a transaction of its own, committed; run again in a new
    transaction when concurrent work made it fail (see ``retrying``)."""

    def once() -> T:
        with transaction(engine, read_only=read_only) as session:
            return work(session)

    name = getattr(work, "__qualname__", "transaction")
    return retrying(once, what=name, attempts=attempts)


def ping(session: Session) -> None:
    """Raise if the database does not answer."""
    session.execute(text("SELECT 1")).scalar_one()
