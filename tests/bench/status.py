"""The status of contributions as a DataFrame (``reports.status.contributions``) against
the same aggregate written by hand (goal: <= 1.5x), over 200 States x 6 assessed funds x
30 years and a 1,000,000-posting ledger.

The data is ``tests.bench.ledger_data``'s (no payment plans). For 2026 as at 30 September
2026 (known at 31 October) and for 2015 as at 31 December 2015 (known at 31 January
2016), ``contributions(session, year=, as_at=, known_at=)`` (SQL aggregate, then pandas)
is timed, best of 5 after one warm-up, against ``RAW_SQL``, a plain SQL string run on
the DB-API cursor of ``engine.raw_connection()`` and fetched fully. Both must give the
same totals (every amount column summed over the rows: prior, assessed, received,
credits, adjustments, outstanding, the year's outstanding, advances) and the same rows
with anything to show, and the year's assessments must be the generated ones; a mismatch
is printed and the run exits with status 1.

    .venv/bin/python -m tests.bench.status [--db sqlite|postgresql|both]
        [--states 200] [--postings 1000000] [--runs 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from finance_core.db import transaction
from reports.status import AMOUNTS, CREDIT_TYPES, contributions
from tests.bench.balances import best_of
from tests.bench.common import (
    BenchEnvironment,
    Outcome,
    add_db_argument,
    compared_time,
    print_profile,
    run_on_each_database,
    say,
    sqlite_timestamp,
)
from tests.bench.ledger_data import AS_AT, FUNDS, prepare

GOAL_RATIO = 1.5
#: (year, as_at, known_at) of each case.
CASES = (
    (2026, AS_AT, datetime(2026, 10, 31, tzinfo=UTC)),
    (2015, date(2015, 12, 31), datetime(2016, 1, 31, tzinfo=UTC)),
)

_KIND = "COALESCE(o.entry_type, e.entry_type)"
_RECEIVABLE = "a.account_type = 'receivable'"
_CREDIT = "a.account_type = 'state_credit'"
_IN_YEARS = f"{_RECEIVABLE} AND p.assessment_year <= {{year}}"
_PRIOR = f"{_RECEIVABLE} AND p.assessment_year < {{year}} AND p.value_on < {{jan1}}"
_MOVED = f"{_IN_YEARS} AND NOT ({_PRIOR})"
_CREDITS = ", ".join(f"'{t}'" for t in CREDIT_TYPES)


def _sum(condition: str, sign: str = "") -> str:
    return (
        f"CAST(COALESCE(SUM(CASE WHEN {condition} THEN {sign}p.amount_minor ELSE 0 END), 0)"
        " AS BIGINT)"
    )


#: The aggregate of ``reports.status.contributions_query`` by hand; ``{year}``,
#: ``{jan1}``, ``{as_at}``, ``{known_at}`` are the driver's parameter marks, ``{pct}`` its
#: literal percent sign.
RAW_SQL = (
    "SELECT p.state_code, s.name, s.regional_group, p.fund_code, "
    + ", ".join(
        (
            _sum(_PRIOR),
            _sum(f"{_MOVED} AND {_KIND} LIKE 'assessment.{{pct}}'"),
            _sum(f"{_MOVED} AND {_KIND} = 'receipt'", "-"),
            _sum(f"{_MOVED} AND {_KIND} IN ({_CREDITS})", "-"),
            _sum(
                f"{_MOVED} AND {_KIND} NOT LIKE 'assessment.{{pct}}' AND {_KIND} <> 'receipt'"
                f" AND {_KIND} NOT IN ({_CREDITS})"
            ),
            _sum(_IN_YEARS),
            _sum(f"{_RECEIVABLE} AND p.assessment_year = {{year}}"),
            _sum(_CREDIT, "-"),
        )
    )
    + " FROM ledger_posting p"
    " JOIN ledger_account a ON a.id = p.account_id"
    " JOIN journal_entry e ON e.seq = p.entry_seq"
    " LEFT JOIN journal_entry o ON o.seq = e.reverses_seq"
    " JOIN state s ON s.code = p.state_code"
    " WHERE p.value_on <= {as_at} AND p.recorded_at <= {known_at}"
    " AND p.state_code IS NOT NULL"
    f" AND (({_IN_YEARS}) OR {_CREDIT})"
    " GROUP BY p.state_code, s.name, s.regional_group, p.fund_code"
)


def raw_statement(dialect: str) -> str:
    """``RAW_SQL`` with the driver's named parameters (sqlite3 ``:name``, psycopg
    ``%(name)s``)."""
    names = ("year", "jan1", "as_at", "known_at")
    if dialect == "sqlite":
        return RAW_SQL.format(pct="%", **{n: f":{n}" for n in names})
    return RAW_SQL.format(pct="%%", **{n: f"%({n})s" for n in names})


def raw_parameters(dialect: str, year: int, as_at: date, known_at: datetime) -> dict[str, Any]:
    """The parameters as the driver takes them (SQLite: dates and timestamps as the
    service stores them, text)."""
    jan1 = date(year, 1, 1)
    if dialect == "sqlite":
        return {
            "year": year,
            "jan1": jan1.isoformat(),
            "as_at": as_at.isoformat(),
            "known_at": sqlite_timestamp(known_at),
        }
    return {"year": year, "jan1": jan1, "as_at": as_at, "known_at": known_at}


def service_call(
    engine: Engine, year: int, as_at: date, known_at: datetime
) -> Callable[[], pd.DataFrame]:
    def call() -> pd.DataFrame:
        with transaction(engine, read_only=True) as session:
            return contributions(session, year=year, as_at=as_at, known_at=known_at)

    return call


def raw_call(
    engine: Engine, dialect: str, year: int, as_at: date, known_at: datetime
) -> Callable[[], list[tuple[Any, ...]]]:
    statement = raw_statement(dialect)
    parameters = raw_parameters(dialect, year, as_at, known_at)

    def call() -> list[tuple[Any, ...]]:
        pooled = engine.raw_connection()
        try:
            cursor = pooled.cursor()
            cursor.execute(statement, parameters)
            rows = list(cursor.fetchall())
            cursor.close()
            pooled.rollback()
            return rows
        finally:
            pooled.close()

    return call


def compare(
    label: str, frame: pd.DataFrame, raw: list[tuple[Any, ...]], expected_assessed: int
) -> list[str]:
    """What differs between the DataFrame and the raw rows (nothing: an empty list)."""
    problems: list[str] = []
    shown = [r for r in raw if any(int(v) != 0 for v in r[4:])]
    if len(frame) != len(shown):
        problems.append(f"{len(frame)} rows in the DataFrame, {len(shown)} raw rows to show")
    for i, key in enumerate(AMOUNTS):
        service, by_hand = int(frame[key].sum()), sum(int(r[4 + i]) for r in raw)
        if service != by_hand:
            problems.append(f"{key}: DataFrame {service:,} cents, raw SQL {by_hand:,} cents")
    if int(frame["assessed"].sum()) != expected_assessed:
        problems.append(
            f"assessed {int(frame['assessed'].sum()):,} cents, generated {expected_assessed:,}"
        )
    return [f"{label}: {p}" for p in problems]


def run_dialect(
    env: BenchEnvironment, dialect: str, args: argparse.Namespace, mismatches: list[str]
) -> list[Outcome]:
    db, generated = prepare(
        env,
        dialect,
        name="bench_status",
        states=args.states,
        postings=args.postings,
        seed=args.seed,
    )
    outcomes: list[Outcome] = []
    for year, as_at, known_at in CASES:
        label = f"{year} as at {as_at}"
        svc_s, frame = best_of(args.runs, service_call(db.engine, year, as_at, known_at))
        raw_s, raw = best_of(args.runs, raw_call(db.engine, dialect, year, as_at, known_at))
        problems = compare(f"{dialect} {label}", frame, raw, generated.assessed_in(year))
        for p in problems:
            say(f"!!! MISMATCH {p}")
        mismatches += problems
        ratio = svc_s / raw_s
        say(
            f"{dialect:<11} {label:<22} {len(frame):,} rows; assessed "
            f"{int(frame['assessed'].sum()) / 100:,.2f} USD, outstanding "
            f"{int(frame['outstanding'].sum()) / 100:,.2f} USD"
            + ("" if problems else " (same totals by hand)")
        )
        say(f"{dialect:<11} {label:<22} contributions() {svc_s:7.3f} s  (best of {args.runs})")
        say(f"{dialect:<11} {label:<22} raw SQL         {raw_s:7.3f} s  (best of {args.runs})")
        ok = ratio <= GOAL_RATIO
        say(
            f"{dialect:<11} {label:<22} ratio {ratio:5.2f}x"
            f"   (goal <= {GOAL_RATIO}x: {'PASS' if ok else 'MISS'})"
        )
        outcomes.append(
            compared_time(dialect, f"status {year}", svc_s, "raw SQL", raw_s, ratio_goal=GOAL_RATIO)
        )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(service_call(db.engine, year, as_at, known_at))
            print_profile(profiler, f"{dialect} contributions({year}) as at {as_at}")
    return outcomes


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.status", description=__doc__.split("\n")[0]
    )
    add_db_argument(parser)
    parser.add_argument("--states", type=int, default=200, help="States to create (default 200)")
    parser.add_argument(
        "--postings", type=int, default=1_000_000, help="postings in all (default 1000000)"
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs, best kept (default 5)")
    parser.add_argument(
        "--profile", action="store_true", help="profile one contributions() call (top 25)"
    )
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    args = parser.parse_args(argv)
    if args.runs < 1 or not 1 <= args.states <= 26**3:
        parser.error("--runs >= 1 and --states between 1 and 17576")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    mismatches: list[str] = []
    run_on_each_database(
        args.db,
        lambda env, dialect: run_dialect(env, dialect, args, mismatches),
        f"status of contributions, DataFrame against hand-written SQL; {args.states} States x "
        f"{len(FUNDS)} assessed funds x 30 years, about {args.postings:,} postings",
    )
    if mismatches:
        say(f"!!! {len(mismatches)} MISMATCHES between contributions() and the raw SQL:")
        for m in mismatches:
            say(f"!!!   {m}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
