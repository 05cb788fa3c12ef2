"""What a test compares to tell that a request wrote nothing: per table its row count and
a mark that moves on every insert (SQLite: the largest rowid) or on every insert and
update (PostgreSQL: the largest ``xmin``, the id of the transaction that wrote the row);
on SQLite also ``PRAGMA data_version``, which changes whenever another connection
commits a change to the file.

Reading every table costs tens of milliseconds on the demo, so it is skipped when the
database cannot have changed since the last reading: SQLite's ``data_version`` is the
same, or PostgreSQL's write-ahead log has not moved (every committed change to a table
is written there first; a rolled-back one, or the server's own work, moves it too, and
then the tables are read)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from sqlalchemy import create_engine, inspect, pool, text

from tests.conftest import Database

#: A database's state as far as the tests compare it: table → (rows, mark).
Digest = dict[str, tuple[Any, ...]]


def digester(database: Database) -> tuple[Callable[[], Digest], Callable[[], None]]:
    """``(digest, close)``: a function that reads the database's digest now (on a
    connection of its own, as the superuser on PostgreSQL), and one that closes it."""
    engine = create_engine(database.superuser_url, poolclass=pool.StaticPool)
    tables = sorted(inspect(engine).get_table_names())
    mark = "max(rowid)" if database.dialect == "sqlite" else "max(xmin::text::bigint)"
    query = text(
        " UNION ALL ".join(f"SELECT '{name}', count(*), {mark} FROM \"{name}\"" for name in tables)
    )
    watcher = _sqlite_watcher(database) if database.dialect == "sqlite" else None
    last: dict[str, Any] = {}

    def moved() -> Any:
        """What changes when the database may have: SQLite's data_version, PostgreSQL's
        write-ahead log position."""
        if watcher is not None:
            return watcher.execute("PRAGMA data_version").fetchone()
        with engine.connect() as conn:
            return conn.execute(text("SELECT pg_current_wal_insert_lsn()")).scalar_one()

    def digest() -> Digest:
        position = moved()
        if last and last["position"] == position:
            return dict(last["digest"])
        with engine.connect() as conn:
            found: Digest = {row[0]: (row[1], row[2]) for row in conn.execute(query)}
        if watcher is not None:
            found["PRAGMA data_version"] = (position,)
        last.update(position=position, digest=found)
        return dict(found)

    def close() -> None:
        engine.dispose()
        if watcher is not None:
            watcher.close()

    return digest, close


def _sqlite_watcher(database: Database) -> sqlite3.Connection:
    path = database.url.removeprefix("sqlite:///")
    return sqlite3.connect(path, check_same_thread=False)


def changes(before: Digest, after: Digest) -> dict[str, tuple[Any, Any]]:
    """The tables (or marks) that differ: name → (before, after)."""
    names = sorted(set(before) | set(after))
    return {n: (before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n)}
