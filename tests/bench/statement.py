"""Statement of account of one State over 30 years in a 1,000,000-posting ledger, and
its ratio to hand-written SQL doing the same three aggregates. Goal: ≤ 1.5×.

The ledger is loaded as in ``tests.bench.balances`` (200 States × 6 funds), with value
dates spread from 1997 to 2026.

    .venv/bin/python -m tests.bench.statement [--db sqlite|postgresql|both] [--postings N]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import Date, bindparam, text
from sqlmodel import Session

from finance_core.payments.statement import statement
from tests.bench.balances import prepare
from tests.bench.common import (
    BenchEnvironment,
    Outcome,
    add_db_argument,
    compared_time,
    run_on_each_database,
    say,
)

GOAL_RATIO = 1.5
FROM, AS_AT = date(1997, 1, 1), date(2026, 9, 30)
STATE = "AAB"

_JOIN = (
    "FROM ledger_posting p JOIN ledger_account a ON a.id = p.account_id "
    "JOIN journal_entry e ON e.seq = p.entry_seq "
    "LEFT JOIN journal_entry o ON o.seq = e.reverses_seq "
)
_MINE = "p.state_code = :s AND a.account_type IN ('receivable', 'state_credit')"
RAW = [
    text(
        "SELECT a.account_type, p.fund_code, p.assessment_year, "
        "CAST(SUM(CASE WHEN p.value_on < :f THEN p.amount_minor ELSE 0 END) AS BIGINT), "
        "CAST(SUM(p.amount_minor) AS BIGINT) FROM ledger_posting p "
        "JOIN ledger_account a ON a.id = p.account_id "
        f"WHERE {_MINE} AND p.value_on <= :d GROUP BY a.account_type, p.fund_code, p.assessment_year"
    ),
    text(
        "SELECT a.account_type, p.fund_code, p.assessment_year, e.entry_type, o.entry_type, "
        f"CAST(SUM(p.amount_minor) AS BIGINT) {_JOIN}"
        f"WHERE {_MINE} AND p.value_on >= :f AND p.value_on <= :d "
        "GROUP BY a.account_type, p.fund_code, p.assessment_year, e.entry_type, o.entry_type"
    ),
    text(
        "SELECT p.value_on, e.seq, e.entry_type, e.description, p.fund_code, p.assessment_year, "
        f"a.account_type, p.amount_minor {_JOIN}"
        f"WHERE {_MINE} AND p.value_on >= :f AND p.value_on <= :d "
        "ORDER BY p.value_on, e.seq, p.line_no"
    ),
]
RAW = [q.bindparams(bindparam("f", type_=Date()), bindparam("d", type_=Date())) for q in RAW]


def _best(runs: int, fn: Callable[[], object]) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run_dialect(env: BenchEnvironment, dialect: str, args: argparse.Namespace) -> list[Outcome]:
    db = prepare(env, dialect, args, name="bench_statement", first_day=FROM)

    def service() -> object:
        with Session(db.engine) as session:
            s = statement(session, state_code=STATE, from_on=FROM, as_at=AS_AT)
            return len(s.movements)

    def raw() -> object:
        with db.engine.connect() as conn:
            params = {"s": STATE, "f": FROM, "d": AS_AT}
            return [len(conn.execute(q, params).all()) for q in RAW]

    movements = service()
    counts = raw()
    say(f"{dialect:<11} {STATE}: {movements} movements over 30 years (raw: {counts})")
    service_s, raw_s = _best(args.runs, service), _best(args.runs, raw)
    return [
        compared_time(
            dialect, "statement of account", service_s, "raw SQL", raw_s, ratio_goal=GOAL_RATIO
        )
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_db_argument(parser)
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--states", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)
    return run_on_each_database(
        args.db,
        lambda env, dialect: run_dialect(env, dialect, args),
        f"statement of account of one State over 30 years, {args.postings:,} postings",
    )


if __name__ == "__main__":
    raise SystemExit(main())
