"""The 12-month cash forecast over 200 States with 30 years of history (goal: under two
seconds on SQLite).

A fresh database gets 200 States and, for each assessment year 1997-2026, a Secretariat
(SEC) and a CSP budget (the sum of that year's assessments, adopted on 28 August of the
year before and recorded two days later; 2027 adopted too, 2 % higher, not yet assessed), one assessment entry per
fund and year (every State's receivable against assessed revenue, dated 1 December of the
year before; due dates are 1 January, as without assessment runs), and the States'
payments as real ``receipt`` entries (the fund's bank debited, the receivable credited
with the State and the assessment year, one entry paying both funds, as
``record_receipt`` posts them). State i pays the share ``SHARES[i % 7]`` of each year's
assessments (1, 1, 90 %, 75 %, 50 %, 25 %, nothing) in one to three instalments from
``DELAYS[i % 6]`` days after the due date (-20 to 400), as far as 30 September 2026. Both
funds spend a twelfth of 60 % of their budget on the 25th of each month (about what the
States pay); the reserve (WCF) holds a contribution. Other funds' activity pads the ledger (``--other-postings``, default
500,000: voluntary contributions to VTF and sponsorship spending from SPP). Everything is
loaded in bulk, then ANALYZE.

``forecast(session, as_at=2026-09-30)`` and its API shape (``forecast_out``) are timed
together, best of 5 after one warm-up, for the Secretariat alone, for both assessed funds,
and for both as known at 15 September 2026; the goal (< 2 s on SQLite) is on both funds.
Each run checks that a month's receipts are the sum of its States' expectations, and
that every State's share is the one it was generated with (within 0.1 %).

    .venv/bin/python -m tests.bench.forecast [--db sqlite|postgresql|both]
        [--states 200] [--other-postings 500000] [--runs 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import heapq
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import cast

from sqlalchemy import Engine

from finance_core.budgets.models import Budget, BudgetLine, BudgetLineAmount, BudgetVersion
from finance_core.db import transaction
from finance_core.forecast import service
from finance_core.forecast.model import split_evenly
from finance_core.forecast.schemas import ForecastOut
from finance_core.ledger.models import GENESIS_HASH
from tests.bench.balances import (
    ACTOR,
    BATCH_ENTRIES,
    Batch,
    EntryRow,
    PostingRow,
    best_of,
    entry_hash,
    load_postgresql,
    load_sqlite,
)
from tests.bench.common import (
    BenchEnvironment,
    Outcome,
    Stopwatch,
    account_ids,
    add_db_argument,
    compared_time,
    insert_states,
    print_profile,
    run_on_each_database,
    say,
    state_codes,
)
from tests.bench.reference_sql import receivable_aggregate

GOAL_SQLITE_SECONDS = 2.0
FUNDS = ("SEC", "CSP")
FIRST_YEAR, LAST_YEAR = 1997, 2026
AS_AT = date(2026, 9, 30)
KNOWN_AT = datetime(2026, 9, 15, tzinfo=UTC)
SHARES = tuple(Fraction(s) for s in ("1", "1", "9/10", "3/4", "1/2", "1/4", "0"))
#: What the funds spend of their budgets each year (about what the States pay).
SPENT = Fraction(3, 5)
DELAYS = (-20, 10, 45, 100, 200, 400)
RESERVE_MINOR = 500_000_00

#: (value date, entry type, postings: (account code, amount, State, assessment year))
Entry = tuple[date, str, list[tuple[str, int, str | None, int | None]]]


@dataclass(frozen=True)
class History:
    """What was generated: each State's intended share, and each fund-year's total."""

    shares: dict[str, Fraction]
    budgets: dict[tuple[str, int], int]


def instalments_of(total: int, parts: int) -> tuple[int, ...]:
    """``total`` cents in ``parts`` instalments: 60 % first, the rest evenly."""
    if parts == 1:
        return (total,)
    first = total * 6 // 10
    return (first, *split_evenly(total - first, parts - 1))


def history(codes: Sequence[str], rng: random.Random) -> tuple[list[Entry], History]:
    """Assessments, receipts, monthly spending and the reserve's contribution, sorted by
    value date."""
    entries: list[Entry] = []
    budgets: dict[tuple[str, int], int] = {}
    shares = {c: SHARES[i % len(SHARES)] for i, c in enumerate(codes)}
    delays = {c: DELAYS[i % len(DELAYS)] for i, c in enumerate(codes)}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        due = date(year, 1, 1)
        assessed = {
            (c, f): rng.randrange(1_000_00, 50_000_00) * (3 if f == "SEC" else 1)
            for c in codes
            for f in FUNDS
        }
        for fund in FUNDS:
            budgets[(fund, year)] = sum(a for (c, f), a in assessed.items() if f == fund)
            postings: list[tuple[str, int, str | None, int | None]] = []
            for c in codes:
                amount = assessed[(c, fund)]
                postings += [
                    (f"{fund}.receivable", amount, c, year),
                    (f"{fund}.assessed_revenue", -amount, c, year),
                ]
            entries.append((date(year - 1, 12, 1), "assessment", postings))
            for month in range(1, 13):
                spent = int(budgets[(fund, year)] * SPENT) // 12
                entries.append(
                    (
                        date(year, month, 25),
                        "expenditure",
                        [
                            (f"{fund}.expenditure", spent, None, None),
                            (f"{fund}.bank", -spent, None, None),
                        ],
                    )
                )
        for i, c in enumerate(codes):
            paid = {f: int(assessed[(c, f)] * shares[c]) for f in FUNDS}
            if not any(paid.values()):
                continue
            parts = 1 + (i + year) % 3
            start = due + timedelta(days=delays[c] + rng.randrange(-10, 11))
            # the first instalment carries 60 % (all of it when there is one), the others
            # share the rest evenly
            instalments = {f: instalments_of(paid[f], parts) for f in FUNDS}
            for k in range(parts):
                on = start + timedelta(days=30 * k)
                if on > AS_AT:
                    break
                lines: list[tuple[str, int, str | None, int | None]] = []
                for f in FUNDS:
                    amount = instalments[f][k]
                    if amount > 0:
                        lines += [
                            (f"{f}.bank", amount, c, None),
                            (f"{f}.receivable", -amount, c, year),
                        ]
                if lines:
                    entries.append((on, "receipt", lines))
    for fund in FUNDS:
        budgets[(fund, LAST_YEAR + 1)] = budgets[(fund, LAST_YEAR)] * 102 // 100
    entries.append(
        (
            date(2015, 6, 30),
            "reserve.contribution",
            [("WCF.bank", RESERVE_MINOR, None, None), ("WCF.reserve", -RESERVE_MINOR, None, None)],
        )
    )
    entries.sort(key=lambda e: e[0])
    return entries, History(shares, budgets)


def other_activity(count: int, codes: Sequence[str], rng: random.Random) -> Iterator[Entry]:
    """``count`` entries of four postings in VTF and SPP, dated evenly over the 30 years."""
    first = date(FIRST_YEAR - 1, 12, 1)
    days = (AS_AT - first).days + 1
    for n in range(count):
        on = first + timedelta(days=n * days // max(count, 1))
        given, spent = rng.randrange(1_00, 100_000_00), rng.randrange(1_00, 10_000_00)
        state = rng.choice(codes)
        yield (
            on,
            "voluntary",
            [
                ("VTF.bank", given, state, None),
                ("VTF.voluntary_revenue", -given, state, None),
                ("SPP.expenditure", spent, None, None),
                ("SPP.bank", -spent, None, None),
            ],
        )


def batches(
    entries: Iterator[Entry], accounts: dict[str, int], rng: random.Random
) -> Iterator[Batch]:
    """The entries numbered in order, hash chain included, in batches for the loaders;
    each recorded 0-5 days after its value date."""
    prev = GENESIS_HASH
    postings: list[PostingRow] = []
    rows: list[EntryRow] = []
    for seq, (on, kind, lines) in enumerate(entries, start=1):
        recorded = datetime(on.year, on.month, on.day, 12, tzinfo=UTC) + timedelta(
            seconds=rng.randrange(5 * 86_400), microseconds=rng.randrange(1_000_000)
        )
        for line_no, (code, amount, state, year) in enumerate(lines, start=1):
            fund = code.split(".")[0]
            row = (seq, line_no, accounts[code], fund, on, recorded, amount, state, year)
            postings.append(cast(PostingRow, row))
        digest = entry_hash(seq)
        rows.append((seq, on, recorded, kind, f"Bench {kind} {seq}", "bench", prev, digest))
        prev = digest
        if len(rows) == BATCH_ENTRIES:
            yield Batch(postings, rows)
            postings, rows = [], []
    if rows:
        yield Batch(postings, rows)


def insert_budgets(engine: Engine, budgets: dict[tuple[str, int], int]) -> None:
    """Each fund-year's budget: one version adopted on 28 August of the year before, one
    line."""
    with transaction(engine) as session:
        for (fund, year), total in sorted(budgets.items()):
            budget = Budget(fund_code=fund, year=year)
            session.add(budget)
            session.flush()
            version = BudgetVersion(
                budget_id=budget.id or 0,
                version=0,
                decision_symbol=f"BENCH/{fund}/{year}",
                adopted_on=date(year - 1, 8, 28),
                recorded_at=datetime(year - 1, 8, 30, 12, tzinfo=UTC),
                recorded_by=ACTOR.name,
            )
            line = BudgetLine(budget_id=budget.id or 0, code="A1", title="Everything")
            session.add_all([version, line])
            session.flush()
            session.add(
                BudgetLineAmount(
                    version_id=version.id or 0, line_id=line.id or 0, amount_minor=total
                )
            )


def prepare(
    env: BenchEnvironment, dialect: str, args: argparse.Namespace
) -> tuple[Engine, History]:
    say(f"{dialect}: preparing a fresh database ...")
    db = env.database(dialect, "bench_forecast")
    codes = state_codes(args.states)
    insert_states(db.engine, codes)
    rng = random.Random(args.seed)
    entries, generated = history(codes, rng)
    noise = other_activity(args.other_postings // 4, codes, rng)
    merged = heapq.merge(entries, noise, key=lambda e: e[0])
    say(
        f"{dialect}: loading {len(entries):,} entries of history and "
        f"{args.other_postings // 4:,} of other funds ..."
    )
    with Stopwatch() as sw:
        loaded = batches(merged, account_ids(db.engine), rng)
        if dialect == "sqlite":
            load_sqlite(db.engine, loaded)
        else:
            load_postgresql(db.engine, env.engine(db.owner_url), loaded)
        insert_budgets(db.engine, generated.budgets)
    say(f"{dialect:<11} load     done in {sw.seconds:.1f} s (ANALYZE included)")
    return db.engine, generated


def call(engine: Engine, fund: str | None, known_at: datetime | None) -> Callable[[], ForecastOut]:
    def run() -> ForecastOut:
        with transaction(engine, read_only=True) as session:
            report = service.forecast(session, as_at=AS_AT, known_at=known_at, fund=fund)
            return service.forecast_out(session, report)

    return run


def check(label: str, out: ForecastOut, generated: History) -> None:
    """Months add up to their expectations; shares are the generated ones."""
    base = out.scenarios[0]
    per_month: dict[str, int] = {}
    for e in base.expected:
        if e.month is not None:
            per_month[e.month] = per_month.get(e.month, 0) + int(e.amount.replace(".", ""))
    for m in base.months:
        if int(m.receipts.replace(".", "")) != per_month.get(m.month, 0):
            raise RuntimeError(f"{label}: {m.month} receipts differ from its expectations")
    worst = max(abs(Fraction(h.share) / 100 - generated.shares[h.state_code]) for h in out.habits)
    if worst > Fraction(1, 1000):
        raise RuntimeError(f"{label}: a share is {float(worst):.4f} off the generated one")


def describe(dialect: str, label: str, out: ForecastOut) -> None:
    base = out.scenarios[0]
    own = sum(1 for h in out.habits if h.delay_basis == "own")
    say(
        f"{dialect:<11} {label:<14} {len(out.habits)} States ({own} with their own delay), "
        f"{len(base.expected):,} expectations; opening cash {out.opening_cash}, receipts "
        f"{base.receipts}, spending {base.spending}, reserve drawn {base.drawn}"
        + (f" from {base.first_draw_month}" if base.first_draw_month else "")
        + f", largest shortfall {base.largest_shortfall} USD"
    )


def run_dialect(env: BenchEnvironment, dialect: str, args: argparse.Namespace) -> list[Outcome]:
    engine, generated = prepare(env, dialect, args)
    outcomes: list[Outcome] = []
    for label, fund, known_at in (
        ("SEC", "SEC", None),
        ("SEC+CSP", None, None),
        ("SEC+CSP known", None, KNOWN_AT),
    ):
        seconds, out = best_of(args.runs, call(engine, fund, known_at))
        check(f"{dialect} {label}", out, generated)
        describe(dialect, label, out)
        goal = dialect == "sqlite" and label == "SEC+CSP"
        ok = seconds < GOAL_SQLITE_SECONDS
        say(
            f"{dialect:<11} {label:<14} forecast {seconds:7.3f} s  (best of {args.runs})"
            + (
                f"   (goal < {GOAL_SQLITE_SECONDS:.0f} s: {'PASS' if ok else 'MISS'})"
                if goal
                else ""
            )
        )
        reference_s, _ = best_of(args.runs, receivable_aggregate(engine, AS_AT, known_at))
        outcomes.append(
            compared_time(
                dialect,
                f"forecast {label}",
                seconds,
                "raw SQL aggregate",
                reference_s,
                goal="< 2 s" if goal else "",
                passed=ok if goal else None,
            )
        )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(call(engine, None, None))
        print_profile(profiler, f"{dialect} forecast as at {AS_AT}, SEC+CSP")
    return outcomes


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.forecast", description=__doc__.split("\n")[0]
    )
    add_db_argument(parser)
    parser.add_argument("--states", type=int, default=200, help="States to create (default 200)")
    parser.add_argument(
        "--other-postings",
        type=int,
        default=500_000,
        help="postings of other funds padding the ledger, four per entry (default 500000)",
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs, best kept (default 5)")
    parser.add_argument("--profile", action="store_true", help="profile one forecast (top 25)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.other_postings < 0 or not 1 <= args.states <= 26**3:
        parser.error("--runs >= 1, --other-postings >= 0, --states between 1 and 17576")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    return run_on_each_database(
        args.db,
        lambda env, dialect: run_dialect(env, dialect, args),
        f"cash forecast as at {AS_AT}, 12 months; {args.states} States x 2 funds x 30 years, "
        f"{args.other_postings:,} other postings",
    )


if __name__ == "__main__":
    raise SystemExit(main())
