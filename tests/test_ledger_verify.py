"""`attfin ledger verify` names the first altered, missing or reordered entry, even when
the tampering bypassed the triggers (SQLite: triggers dropped; PostgreSQL: a superuser
with ``session_replication_role = replica``)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Connection, Engine, text
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.db import create_db_engine
from finance_core.ledger import triggers
from finance_core.ledger.service import PostingSpec, post_entry
from finance_core.ledger.verify import verify_ledger
from tests.conftest import Database


def _ledger(engine: Engine, officer: Actor, n: int = 5) -> None:
    with Session(engine) as s:
        for i in range(1, n + 1):
            post_entry(
                s,
                actor=officer,
                value_on=date(2024, 1, i),
                entry_type="assessment",
                description=f"entry {i}",
                postings=[
                    PostingSpec("SEC.receivable", 1000 * i),
                    PostingSpec("SEC.assessed_revenue", -1000 * i),
                ],
            )
        s.commit()


def _tamper(db: Database, change: Callable[[Connection], None]) -> None:
    """Run ``change`` with every ledger trigger and foreign key out of the way."""
    engine = create_db_engine(db.superuser_url)
    try:
        with engine.connect() as conn:
            if db.dialect == "sqlite":
                conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
                with conn.begin():
                    for statement in triggers.drop_statements("sqlite"):
                        conn.execute(text(statement))
                    change(conn)
            else:
                with conn.begin():
                    conn.execute(text("SET LOCAL session_replication_role = replica"))
                    change(conn)
    finally:
        engine.dispose()


def _change_amount(conn: Connection) -> None:
    conn.execute(
        text(
            "UPDATE ledger_posting SET amount_minor = amount_minor + 100 WHERE entry_seq = 3 AND line_no = 1"
        )
    )
    conn.execute(
        text(
            "UPDATE ledger_posting SET amount_minor = amount_minor - 100 WHERE entry_seq = 3 AND line_no = 2"
        )
    )


def _delete_entry(conn: Connection) -> None:
    conn.execute(text("DELETE FROM ledger_posting WHERE entry_seq = 3"))
    conn.execute(text("DELETE FROM journal_entry WHERE seq = 3"))


def _delete_and_renumber(conn: Connection) -> None:
    _delete_entry(conn)
    for seq in (4, 5):
        conn.execute(
            text("UPDATE ledger_posting SET entry_seq = :n WHERE entry_seq = :o"),
            {"n": seq - 1, "o": seq},
        )
        conn.execute(
            text("UPDATE journal_entry SET seq = :n WHERE seq = :o"), {"n": seq - 1, "o": seq}
        )


def _swap(conn: Connection) -> None:
    for old, new in ((3, -3), (4, 3), (-3, 4)):
        conn.execute(
            text("UPDATE ledger_posting SET entry_seq = :n WHERE entry_seq = :o"),
            {"n": new, "o": old},
        )
        conn.execute(text("UPDATE journal_entry SET seq = :n WHERE seq = :o"), {"n": new, "o": old})


def _delete_last(conn: Connection) -> None:
    conn.execute(text("DELETE FROM ledger_posting WHERE entry_seq = 5"))
    conn.execute(text("DELETE FROM journal_entry WHERE seq = 5"))


@pytest.mark.parametrize(
    ("change", "kind", "seq"),
    [
        (_change_amount, "altered", 3),
        (_delete_entry, "missing", 3),
        (_delete_and_renumber, "missing", 3),
        (_swap, "out_of_order", 3),
        (_delete_last, "missing", 5),
    ],
)
def test_verify_names_the_first_problem(
    db: Database,
    engine: Engine,
    officer: Actor,
    change: Callable[[Connection], None],
    kind: str,
    seq: int,
) -> None:
    _ledger(engine, officer)
    with Session(engine) as s:
        assert verify_ledger(s).ok
    _tamper(db, change)
    with Session(engine) as s:
        report = verify_ledger(s)
    assert not report.ok
    first = report.problems[0]
    assert (first.kind, first.seq) == (kind, seq), report.problems


def test_cli_verify_exit_codes(db: Database, engine: Engine, officer: Actor) -> None:
    _ledger(engine, officer, n=3)
    env = {**os.environ, "ATTFIN_DATABASE_URL": db.url}
    ok = subprocess.run(
        [sys.executable, "-m", "api", "ledger", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert "ledger ok: 3 entries, 6 postings" in ok.stdout
    _tamper(
        db, lambda c: c.execute(text("UPDATE journal_entry SET description = 'x' WHERE seq = 2"))
    )
    bad = subprocess.run(
        [sys.executable, "-m", "api", "ledger", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines()[-1] == (
        "error: ledger verification failed at entry 2: entry 2 does not match its hash"
    )
