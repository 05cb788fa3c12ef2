"""A 30-year ledger of 200 States and six assessed funds for the report benchmarks
(``tests.bench.committee_pack``, ``tests.bench.status``).

A fresh database gets the States, four more assessed funds beside SEC and CSP (``FUNDS``),
an arrears rule in force from 2020 naming all six (the migration's default rule, SEC and
CSP only, stays in force before), and for each fund and year 1997-2027 a budget of five
lines (``LINES``; the sum of that year's assessments, adopted on 28 August of the year
before and recorded two days later; 2027 is 2 % higher and not yet assessed; 2026 revised
in May). The ledger, loaded in bulk (raw executemany on SQLite, COPY on PostgreSQL, as
``tests.bench.balances`` loads it), holds:

- one assessment entry per fund and year 1997-2026 (type ``assessment.initial``, dated 1
  December of the year before: every State's receivable against assessed revenue; due
  dates are 1 January, as without assessment runs);
- the States' payments as ``receipt`` entries paying every fund at once (bank debited,
  receivable credited with the State and the assessment year), as in
  ``tests.bench.forecast``: State i pays ``SHARES[i % 7]`` of each year (all, 90 %, 75 %,
  50 %, 25 %, nothing) in one to three instalments from ``DELAYS[i % 6]`` days after the
  due date (-20 to 400, so some late), up to ``AS_AT``; every ninth State (i % 9 == 4)
  stops paying from a year between 1999 and 2025, so arrears have every age;
- the reserve's (WCF) contribution of USD 500,000 in 2015;
- expenditures filling the ledger to the size asked (``--postings``): entries of six
  postings (each budget line of a fund-year debited, with the line and the year, the
  fund's bank credited), dated evenly from 1 January 1997 to ``AS_AT``, one fund after
  another, spending ``SPENT`` (55 %) of each original budget over a full year.

Entries are recorded 0-5 days after their value date and extend the hash chain (a
unique hash per entry: the triggers check the links, the load is about the database's
cost). Then ANALYZE, and (``plans`` > 0) CSP12 on 24 August 2026 with approved payment
plans of States meeting the Rule 8 trigger (``tests.bench.aging``)."""

from __future__ import annotations

import heapq
import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

from sqlalchemy import Engine, func, select

from finance_core.arrears.rules import adopt_rule
from finance_core.arrears.schemas import ArrearsRuleIn
from finance_core.budgets.models import Budget, BudgetLine, BudgetLineAmount, BudgetVersion
from finance_core.db import transaction
from finance_core.funds.models import FundCreate, FundKind
from finance_core.funds.service import create_fund
from finance_core.ledger.models import GENESIS_HASH, JournalEntry, LedgerPosting
from tests.bench import balances
from tests.bench.aging import insert_conference_and_plans
from tests.bench.balances import ACTOR, BATCH_ENTRIES, Batch, EntryRow, entry_hash
from tests.bench.balances import POSTING_COLUMNS as _BALANCES_COLUMNS
from tests.bench.common import (
    BenchDatabase,
    BenchEnvironment,
    Stopwatch,
    account_ids,
    insert_states,
    say,
    state_codes,
)
from tests.bench.forecast import DELAYS, RESERVE_MINOR, SHARES, instalments_of

#: The assessed funds: SEC and CSP, and four created for the benchmark.
EXTRA_FUNDS = {
    "ICT": "Bench ICT fund",
    "OUT": "Bench outreach fund",
    "TRN": "Bench training fund",
    "FAC": "Bench facilities fund",
}
FUNDS = ("SEC", "CSP", *EXTRA_FUNDS)
#: How much larger a fund's assessments are.
WEIGHTS = {"SEC": 3, "CSP": 1, "ICT": 1, "OUT": 1, "TRN": 1, "FAC": 1}
FIRST_YEAR, LAST_YEAR = 1997, 2026
AS_AT = date(2026, 9, 30)
#: Budget lines (code, title, percent of the budget).
LINES = (
    ("A1", "Staff", 30),
    ("A2", "Meetings", 25),
    ("A3", "Travel", 20),
    ("A4", "Outreach", 15),
    ("A5", "Operating costs", 10),
)
#: The 2026 revision (line code -> percent change), adopted on REVISED_ON.
REVISION = {"A2": 10, "A4": -5}
REVISED_ON = date(2026, 5, 15)
RULE_FROM = date(2020, 1, 1)
#: What the funds spend of their original budgets each year.
SPENT = Fraction(11, 20)
POSTING_COLUMNS = (*_BALANCES_COLUMNS, "budget_line_id")

#: (account code, amount, State, assessment year, budget line id)
Line = tuple[str, int, str | None, int | None, int | None]
#: (value date, entry type, postings)
Entry = tuple[date, str, list[Line]]
PostingRow = tuple[int, int, int, str, date, datetime, int, str | None, int | None, int | None]


@dataclass(frozen=True)
class Generated:
    """What was generated: per State, fund and year the amount assessed; the ledger's
    size; the load time (seconds, ANALYZE included)."""

    codes: list[str]
    assessed: dict[tuple[str, str, int], int]
    postings: int
    entries: int
    plans: list[str]
    seconds: float

    def assessed_in(self, year: int) -> int:
        return sum(a for (_s, _f, y), a in self.assessed.items() if y == year)


# --- what is generated -----------------------------------------------------------------


def assessments(codes: Sequence[str], rng: random.Random) -> dict[tuple[str, str, int], int]:
    """Every State's assessment per fund and year (US cents)."""
    return {
        (c, f, y): rng.randrange(1_000_00, 50_000_00) * WEIGHTS[f]
        for y in range(FIRST_YEAR, LAST_YEAR + 1)
        for f in FUNDS
        for c in codes
    }


def budget_totals(assessed: dict[tuple[str, str, int], int]) -> dict[tuple[str, int], int]:
    """Each fund-year's budget: its assessments; the year after the last 2 % higher."""
    totals: dict[tuple[str, int], int] = defaultdict(int)
    for (_state, fund, year), amount in assessed.items():
        totals[(fund, year)] += amount
    for fund in FUNDS:
        totals[(fund, LAST_YEAR + 1)] = totals[(fund, LAST_YEAR)] * 102 // 100
    return dict(totals)


def line_amounts(total: int) -> list[int]:
    """``total`` split over ``LINES`` by their percent (the rest on the first)."""
    amounts = [total * share // 100 for _code, _title, share in LINES]
    amounts[0] += total - sum(amounts)
    return amounts


def stops_paying(i: int) -> int | None:
    """The first assessment year State i leaves unpaid for good (every ninth State)."""
    return 1999 + (i * 7) % 27 if i % 9 == 4 else None


def history(
    codes: Sequence[str], assessed: dict[tuple[str, str, int], int], rng: random.Random
) -> list[Entry]:
    """Assessments, receipts and the reserve's contribution, sorted by value date."""
    entries: list[Entry] = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for fund in FUNDS:
            postings: list[Line] = []
            for c in codes:
                amount = assessed[(c, fund, year)]
                postings += [
                    (f"{fund}.receivable", amount, c, year, None),
                    (f"{fund}.assessed_revenue", -amount, c, year, None),
                ]
            entries.append((date(year - 1, 12, 1), "assessment.initial", postings))
        due = date(year, 1, 1)
        for i, c in enumerate(codes):
            stop = stops_paying(i)
            share = SHARES[i % len(SHARES)]
            if share == 0 or (stop is not None and year >= stop):
                continue
            parts = 1 + (i + year) % 3
            start = due + timedelta(days=DELAYS[i % len(DELAYS)] + rng.randrange(-10, 11))
            instalments = {
                f: instalments_of(int(assessed[(c, f, year)] * share), parts) for f in FUNDS
            }
            for k in range(parts):
                on = start + timedelta(days=30 * k)
                if on > AS_AT:
                    break
                lines: list[Line] = []
                for f in FUNDS:
                    amount = instalments[f][k]
                    if amount > 0:
                        lines += [
                            (f"{f}.bank", amount, c, None, None),
                            (f"{f}.receivable", -amount, c, year, None),
                        ]
                if lines:
                    entries.append((on, "receipt", lines))
    entries.append(
        (
            date(2015, 6, 30),
            "reserve.contribution",
            [
                ("WCF.bank", RESERVE_MINOR, None, None, None),
                ("WCF.reserve", -RESERVE_MINOR, None, None, None),
            ],
        )
    )
    entries.sort(key=lambda e: e[0])
    return entries


def expenditures(
    count: int, lines: dict[tuple[str, int], list[tuple[int, int]]]
) -> Iterator[Entry]:
    """``count`` expenditure entries dated evenly from 1 January of the first year to
    AS_AT, funds in turn: each debits every line of its fund-year (``lines``: (line id,
    original amount)) with ``SPENT`` of its amount spread over a full year's entries, and
    credits the fund's bank."""
    first = date(FIRST_YEAR, 1, 1)
    days = (AS_AT - first).days + 1
    per_day = Fraction(count, days * len(FUNDS))
    per_year = {
        y: max(1, round(per_day * (date(y + 1, 1, 1) - date(y, 1, 1)).days))
        for y in range(FIRST_YEAR, LAST_YEAR + 1)
    }
    for n in range(count):
        on = first + timedelta(days=n * days // max(count, 1))
        fund = FUNDS[n % len(FUNDS)]
        postings: list[Line] = []
        for line_id, amount in lines[(fund, on.year)]:
            spent = max(1, int(amount * SPENT) // per_year[on.year])
            postings.append((f"{fund}.expenditure", spent, None, on.year, line_id))
        total = sum(p[1] for p in postings)
        postings.append((f"{fund}.bank", -total, None, None, None))
        yield on, "expenditure", postings


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
        for line_no, (code, amount, state, year, line_id) in enumerate(lines, start=1):
            fund = code.split(".")[0]
            postings.append(
                (seq, line_no, accounts[code], fund, on, recorded, amount, state, year, line_id)
            )
        digest = entry_hash(seq)
        rows.append((seq, on, recorded, kind, f"Bench {kind} {seq}", "bench", prev, digest))
        prev = digest
        if len(rows) == BATCH_ENTRIES:
            yield Batch(postings, rows)
            postings, rows = [], []
    if rows:
        yield Batch(postings, rows)


# --- loading ---------------------------------------------------------------------------


def load_sqlite(engine: Engine, loaded: Iterator[Batch]) -> None:
    """``tests.bench.balances.load_sqlite`` with the budget line of each posting."""
    balances.load_sqlite(engine, loaded, POSTING_COLUMNS)


def load_postgresql(engine: Engine, owner_engine: Engine, loaded: Iterator[Batch]) -> None:
    """``tests.bench.balances.load_postgresql`` with the budget line of each posting, and
    the budget tables analysed too."""
    balances.load_postgresql(
        engine,
        owner_engine,
        loaded,
        POSTING_COLUMNS,
        ("ledger_posting", "journal_entry", "budget_line_amount", "budget_line"),
    )


# --- the rest of the database ----------------------------------------------------------


def insert_funds_and_rule(engine: Engine) -> None:
    """The extra assessed funds, and the arrears rule naming every assessed fund."""
    with transaction(engine) as session:
        for code, name in EXTRA_FUNDS.items():
            create_fund(
                session, actor=ACTOR, data=FundCreate(code=code, name=name, kind=FundKind.ASSESSED)
            )
        adopt_rule(
            session,
            actor=ACTOR,
            data=ArrearsRuleIn(
                effective_from=RULE_FROM,
                arrears_funds=list(FUNDS),
                reference="Bench: Financial Rule 8 over every assessed fund",
            ),
        )


def insert_budgets(
    engine: Engine, totals: dict[tuple[str, int], int]
) -> dict[tuple[str, int], list[tuple[int, int]]]:
    """Each fund-year's budget (version 0 adopted on 28 August of the year before, the
    last year revised on REVISED_ON); per fund-year its lines' (id, original amount)."""
    result: dict[tuple[str, int], list[tuple[int, int]]] = {}
    with transaction(engine) as session:
        for (fund, year), total in sorted(totals.items()):
            budget = Budget(fund_code=fund, year=year)
            session.add(budget)
            session.flush()
            budget_id = budget.id or 0
            versions = [
                BudgetVersion(
                    budget_id=budget_id,
                    version=0,
                    decision_symbol=f"BENCH/{fund}/{year}",
                    adopted_on=date(year - 1, 8, 28),
                    recorded_at=datetime(year - 1, 8, 30, 12, tzinfo=UTC),
                    recorded_by=ACTOR.name,
                )
            ]
            if year == LAST_YEAR:
                versions.append(
                    BudgetVersion(
                        budget_id=budget_id,
                        version=1,
                        decision_symbol=f"BENCH/{fund}/{year}/REV1",
                        adopted_on=REVISED_ON,
                        recorded_at=datetime.combine(REVISED_ON, datetime.min.time(), UTC)
                        + timedelta(days=3),
                        recorded_by=ACTOR.name,
                    )
                )
            lines = [BudgetLine(budget_id=budget_id, code=c, title=t) for c, t, _s in LINES]
            session.add_all([*versions, *lines])
            session.flush()
            amounts = line_amounts(total)
            for line, amount in zip(lines, amounts, strict=True):
                for v in versions:
                    change = REVISION.get(line.code, 0) if v.version else 0
                    session.add(
                        BudgetLineAmount(
                            version_id=v.id or 0,
                            line_id=line.id or 0,
                            amount_minor=amount * (100 + change) // 100,
                        )
                    )
            result[(fund, year)] = [
                (line.id or 0, a) for line, a in zip(lines, amounts, strict=True)
            ]
    return result


def prepare(
    env: BenchEnvironment,
    dialect: str,
    *,
    name: str,
    states: int,
    postings: int,
    seed: int,
    plans: int = 0,
) -> tuple[BenchDatabase, Generated]:
    """A fresh database with the data described in the module docstring, about
    ``postings`` postings in all."""
    say(f"{dialect}: preparing a fresh database ...")
    db = env.database(dialect, name)
    codes = state_codes(states)
    insert_states(db.engine, codes)
    insert_funds_and_rule(db.engine)
    rng = random.Random(seed)
    assessed = assessments(codes, rng)
    lines = insert_budgets(db.engine, budget_totals(assessed))
    entries = history(codes, assessed, rng)
    in_history = sum(len(e[2]) for e in entries)
    per_expenditure = len(LINES) + 1
    spending = max(0, (postings - in_history) // per_expenditure)
    say(
        f"{dialect}: loading {len(entries):,} entries of assessments and receipts "
        f"({in_history:,} postings) and {spending:,} expenditures "
        f"({spending * per_expenditure:,} postings) ..."
    )
    merged = heapq.merge(entries, expenditures(spending, lines), key=lambda e: e[0])
    with Stopwatch() as sw:
        loaded = batches(merged, account_ids(db.engine), rng)
        if dialect == "sqlite":
            load_sqlite(db.engine, loaded)
        else:
            load_postgresql(db.engine, env.engine(db.owner_url), loaded)
    with db.engine.begin() as conn:
        n_postings = conn.execute(select(func.count()).select_from(LedgerPosting)).scalar_one()
        n_entries = conn.execute(select(func.count()).select_from(JournalEntry)).scalar_one()
    expected = (in_history + spending * per_expenditure, len(entries) + spending)
    if (n_postings, n_entries) != expected:
        raise RuntimeError(f"{dialect}: loaded {n_postings} postings and {n_entries} entries")
    say(
        f"{dialect:<11} load     {n_postings:,} postings, {n_entries:,} entries in "
        f"{sw.seconds:.1f} s ({n_postings / sw.seconds:,.0f} postings/s, ANALYZE included)"
    )
    planned = insert_conference_and_plans(db.engine, plans) if plans else []
    if plans:
        say(f"{dialect:<11} plans    {len(planned)} approved plans: {', '.join(planned)}")
    return db, Generated(codes, assessed, n_postings, n_entries, planned, sw.seconds)
