"""Balances as at a date: ``ledger.balances.balances`` against the hand-written aggregate.

A fresh database gets 200 States, a sixth fund (PRJ) and 1,000,000 postings (250,000
entries of four postings, balanced within their fund, hash chain included) loaded in
bulk, then ANALYZE. ``balances()`` grouped by account, State, fund and assessment year as
at 2024-12-31 is timed (best of 5 after one warm-up) against
``SELECT ... SUM(amount_minor) ... GROUP BY ...`` fetched fully, with and without a
``known_at`` cutoff, and the two are checked to agree. Goals: service/raw <= 1.5x and,
on SQLite, the service under one second.

    .venv/bin/python -m tests.bench.balances [--db sqlite|postgresql|both]
        [--postings 1000000] [--states 200] [--runs 5] [--profile] [--explain]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import random
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Date, Engine, bindparam, event, func, select, text

from finance_core.actor import Actor
from finance_core.db import transaction
from finance_core.db_types import UTCDateTime
from finance_core.funds.models import FundCreate, FundKind
from finance_core.funds.service import create_fund
from finance_core.ledger.balances import Balance, BalanceDim, balances
from finance_core.ledger.models import GENESIS_HASH, JournalEntry, LedgerPosting
from tests.bench.common import (
    BenchDatabase,
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
    sqlite_timestamp,
    state_codes,
)

GOAL_RATIO = 1.5
GOAL_SQLITE_SECONDS = 1.0
FUNDS = ("SEC", "CSP", "WCF", "VTF", "SPP", "PRJ")
FIRST_DAY, LAST_DAY = date(2015, 1, 1), date(2026, 9, 30)
AS_AT = date(2024, 12, 31)
#: What was known a month after the year end (entries are recorded up to 90 days late).
KNOWN_AT = datetime(2025, 1, 31, tzinfo=UTC)
BY = [BalanceDim.ACCOUNT, BalanceDim.STATE, BalanceDim.FUND, BalanceDim.ASSESSMENT_YEAR]
ACTOR = Actor(name="bench", origin="bench")
BATCH_ENTRIES = 1_000
PROGRESS_EVERY = 100_000  # postings

POSTING_COLUMNS = (
    "entry_seq",
    "line_no",
    "account_id",
    "fund_code",
    "value_on",
    "recorded_at",
    "amount_minor",
    "state_code",
    "assessment_year",
)
ENTRY_COLUMNS = (
    "seq",
    "value_on",
    "recorded_at",
    "entry_type",
    "description",
    "actor",
    "prev_hash",
    "entry_hash",
)

_RAW_SQL = (
    "SELECT account_id, fund_code, state_code, assessment_year,"
    " CAST(SUM(amount_minor) AS BIGINT) FROM ledger_posting WHERE value_on <= :d{extra}"
    " GROUP BY account_id, fund_code, state_code, assessment_year"
)
RAW_QUERY = text(_RAW_SQL.format(extra="")).bindparams(bindparam("d", type_=Date()))
RAW_QUERY_KNOWN = text(_RAW_SQL.format(extra=" AND recorded_at <= :k")).bindparams(
    bindparam("d", type_=Date()), bindparam("k", type_=UTCDateTime())
)

T = TypeVar("T")
Key = tuple[str, str | None, str | None, int | None]
PostingRow = tuple[int, int, int, str, date, datetime, int, str, int | None]
EntryRow = tuple[int, date, datetime, str, str, str, str, str]


# --- generating the ledger -------------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    """Consecutive entries with their postings, ready to insert (postings first; a
    posting's tuple holds the loader's ``columns``, ``POSTING_COLUMNS`` by default)."""

    postings: Sequence[tuple[Any, ...]]
    entries: list[EntryRow]


def entry_hash(seq: int) -> str:
    """A unique 64-hex-digit hash per entry (the load is about the database's cost)."""
    return hashlib.sha256(f"attfin-bench-entry-{seq}".encode()).hexdigest()


#: With receipts: State i never pays when i % 8 == 7; the others offer what keeps a
#: State level on average times PAY_FACTORS[i % 8], so some keep up and some fall behind.
PAY_FACTORS = (3.0, 2.5, 2.0, 1.6, 1.25, 0.9, 0.6)


class _Debts:
    """What each State owes per fund and assessment year as the generator goes, to pay
    the oldest year first."""

    def __init__(self) -> None:
        self.owed: dict[tuple[str, str, int], int] = {}
        self.open_years: dict[tuple[str, str], deque[int]] = {}

    def assess(self, state: str, fund: str, year: int, amount: int) -> None:
        owed = self.owed[(state, fund, year)] = self.owed.get((state, fund, year), 0) + amount
        years = self.open_years.setdefault((state, fund), deque())
        if owed > 0 and (not years or years[-1] != year):
            years.append(year)  # assessment years never go back, so this keeps them sorted

    def pay(self, state: str, fund: str, offered: int) -> tuple[int, int | None]:
        """(amount, assessment year) of a payment of up to ``offered`` cents on the oldest
        year with anything owed; (``offered``, None) when nothing is owed."""
        years = self.open_years.get((state, fund))
        while years and self.owed[(state, fund, years[0])] <= 0:
            years.popleft()
        if not years:
            return offered, None
        paid = min(offered, self.owed[(state, fund, years[0])])
        self.owed[(state, fund, years[0])] -= paid
        return paid, years[0]


def generate(
    n_entries: int,
    codes: Sequence[str],
    accounts: dict[str, int],
    seed: int,
    first_day: date = FIRST_DAY,
    *,
    receipt_share: float = 0.0,
) -> Iterator[Batch]:
    """The ledger in batches: entries dated evenly from ``first_day`` to 2026-09-30, each
    an assessment of two States in one of the six funds (receivable against assessed
    revenue), recorded 0-90 days after its value date.

    With ``receipt_share`` > 0, that share of the entries (drawn at random) are receipts
    instead (entry type "receipt"): in one fund, two States each pay on their oldest
    assessment year with anything owed, at most what is owed there (the fund's bank
    debited with the State, its receivable credited with the State and year, as
    ``record_receipt`` posts them; when the State owes nothing in the fund, its State
    credit is credited instead). Every eighth State never pays; the others pay amounts
    scaled by ``PAY_FACTORS``. The default (0) gives exactly the ledger it always gave."""
    rng = random.Random(seed)
    days = (LAST_DAY - first_day).days + 1
    receivable = {f: accounts[f"{f}.receivable"] for f in FUNDS}
    revenue = {f: accounts[f"{f}.assessed_revenue"] for f in FUNDS}
    bank = {f: accounts[f"{f}.bank"] for f in FUNDS} if receipt_share else {}
    credit = {f: accounts[f"{f}.state_credit"] for f in FUNDS} if receipt_share else {}
    factor = {c: PAY_FACTORS[i % 8] for i, c in enumerate(codes) if i % 8 != 7}
    payers = list(factor)
    # Mean receipt line that pays for the mean assessment line of a paying State.
    level = (1 - receipt_share) / receipt_share * len(payers) / len(codes) if receipt_share else 0
    debts = _Debts()
    prev = GENESIS_HASH
    postings: list[PostingRow] = []
    entries: list[EntryRow] = []
    for seq in range(1, n_entries + 1):
        value_on = first_day + timedelta(days=(seq - 1) * days // n_entries)
        recorded_at = datetime(
            value_on.year, value_on.month, value_on.day, 12, tzinfo=UTC
        ) + timedelta(seconds=rng.randrange(90 * 86_400), microseconds=rng.randrange(1_000_000))
        fund = rng.choice(FUNDS)
        year = value_on.year
        receipt = bool(receipt_share) and rng.random() < receipt_share
        line = 0
        for _ in range(2):
            lines: tuple[tuple[int, int, int | None], ...]
            if receipt:
                state = rng.choice(payers)
                offered = max(1, int(rng.randrange(1_000, 10_000_000) * level * factor[state]))
                amount, paid_year = debts.pay(state, fund, offered)
                paid_to = receivable[fund] if paid_year is not None else credit[fund]
                lines = ((bank[fund], amount, None), (paid_to, -amount, paid_year))
            else:
                state = rng.choice(codes)
                amount = rng.randrange(1_000, 10_000_000)
                if receipt_share:
                    debts.assess(state, fund, year, amount)
                lines = ((receivable[fund], amount, year), (revenue[fund], -amount, year))
            for account, signed, dim_year in lines:
                line += 1
                postings.append(
                    (seq, line, account, fund, value_on, recorded_at, signed, state, dim_year)
                )
        kind = "receipt" if receipt else "assessment"
        digest = entry_hash(seq)
        entries.append(
            (
                seq,
                value_on,
                recorded_at,
                kind,
                f"Bench {kind} {seq}",
                "bench",
                prev,
                digest,
            )
        )
        prev = digest
        if len(entries) == BATCH_ENTRIES:
            yield Batch(postings, entries)
            postings, entries = [], []
    if entries:
        yield Batch(postings, entries)


class Progress:
    """Prints a line every PROGRESS_EVERY postings loaded."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.postings = 0
        self.next_report = PROGRESS_EVERY
        self.start = time.perf_counter()

    def add(self, batch: Batch) -> None:
        self.postings += len(batch.postings)
        if self.postings >= self.next_report:
            seconds = time.perf_counter() - self.start
            say(
                f"{self.dialect}: loaded {self.postings:,} postings "
                f"({batch.entries[-1][0]:,} entries) in {seconds:.1f} s"
            )
            self.next_report += PROGRESS_EVERY


def load_sqlite(
    engine: Engine, batches: Iterator[Batch], columns: Sequence[str] = POSTING_COLUMNS
) -> None:
    """executemany through the driver, committing every ~PROGRESS_EVERY postings; the
    postings' tuples hold ``columns``."""
    insert_posting = (
        f"INSERT INTO ledger_posting ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})"
    )
    insert_entry = (
        f"INSERT INTO journal_entry ({', '.join(ENTRY_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(ENTRY_COLUMNS))})"
    )
    progress = Progress("sqlite")
    pooled = engine.raw_connection()
    try:
        dbapi: Any = pooled.driver_connection  # sqlite3.Connection, autocommit mode
        cursor = dbapi.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            in_transaction = 0
            for batch in batches:
                cursor.executemany(
                    insert_posting,
                    [
                        (*p[:4], p[4].isoformat(), sqlite_timestamp(p[5]), *p[6:])
                        for p in batch.postings
                    ],
                )
                cursor.executemany(
                    insert_entry,
                    [
                        (e[0], e[1].isoformat(), sqlite_timestamp(e[2]), *e[3:])
                        for e in batch.entries
                    ],
                )
                progress.add(batch)
                in_transaction += len(batch.postings)
                if in_transaction >= PROGRESS_EVERY:
                    cursor.execute("COMMIT")
                    cursor.execute("BEGIN IMMEDIATE")
                    in_transaction = 0
            cursor.execute("COMMIT")
        except BaseException:
            if dbapi.in_transaction:
                cursor.execute("ROLLBACK")
            raise
        cursor.execute("ANALYZE")
    finally:
        pooled.close()


def load_postgresql(
    engine: Engine,
    owner_engine: Engine,
    batches: Iterator[Batch],
    columns: Sequence[str] = POSTING_COLUMNS,
    analyse: Sequence[str] = ("ledger_posting", "journal_entry"),
) -> None:
    """COPY for the postings (tuples of ``columns``), a pipelined executemany for the
    entries (each entry must be its own statement: the trigger moving the chain head fires
    after each statement), one transaction per batch; then VACUUM (ANALYZE) of the tables
    ``analyse`` as the owner."""
    copy_postings = f"COPY ledger_posting ({', '.join(columns)}) FROM STDIN"
    insert_entry = (
        f"INSERT INTO journal_entry ({', '.join(ENTRY_COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(ENTRY_COLUMNS))})"
    )
    progress = Progress("postgresql")
    pooled = engine.raw_connection()
    try:
        dbapi: Any = pooled.driver_connection  # psycopg.Connection
        for batch in batches:
            with dbapi.transaction(), dbapi.cursor() as cursor:
                with cursor.copy(copy_postings) as copy:
                    for row in batch.postings:
                        copy.write_row(row)
                cursor.executemany(insert_entry, batch.entries)
            progress.add(batch)
    finally:
        pooled.close()
    with owner_engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        for table in analyse:
            conn.exec_driver_sql(f"VACUUM (ANALYZE) {table}")


def prepare(
    env: BenchEnvironment,
    dialect: str,
    args: argparse.Namespace,
    *,
    name: str = "bench_balances",
    first_day: date = FIRST_DAY,
    receipt_share: float = 0.0,
) -> BenchDatabase:
    """A fresh database loaded with ``args.postings`` postings from ``first_day`` on
    (``receipt_share`` of the entries receipts: see ``generate``)."""
    say(f"{dialect}: preparing a fresh database ...")
    db = env.database(dialect, name)
    codes = state_codes(args.states)
    insert_states(db.engine, codes)
    with transaction(db.engine) as session:
        create_fund(
            session,
            actor=ACTOR,
            data=FundCreate(code="PRJ", name="Project fund", kind=FundKind.VOLUNTARY),
        )
    n_entries = args.postings // 4
    batches = generate(
        n_entries,
        codes,
        account_ids(db.engine),
        args.seed,
        first_day,
        receipt_share=receipt_share,
    )
    say(f"{dialect}: loading {4 * n_entries:,} postings ({n_entries:,} entries) ...")
    with Stopwatch() as sw:
        if dialect == "sqlite":
            load_sqlite(db.engine, batches)
        else:
            owner = env.engine(db.owner_url)
            load_postgresql(db.engine, owner, batches)
    with db.engine.begin() as conn:
        postings = conn.execute(select(func.count()).select_from(LedgerPosting)).scalar_one()
        entries = conn.execute(select(func.count()).select_from(JournalEntry)).scalar_one()
    if (postings, entries) != (4 * n_entries, n_entries):
        raise RuntimeError(f"{dialect}: loaded {postings} postings and {entries} entries")
    say(
        f"{dialect:<11} load     {postings:,} postings, {entries:,} entries in {sw.seconds:.1f} s "
        f"({postings / sw.seconds:,.0f} postings/s, ANALYZE included)"
    )
    return db


# --- timing ----------------------------------------------------------------------------


def best_of(runs: int, fn: Callable[[], T]) -> tuple[float, T]:
    """Best wall time of ``runs`` calls after one warm-up call, and the last result."""
    result = fn()
    best = float("inf")
    for _ in range(runs):
        with Stopwatch() as sw:
            result = fn()
        best = min(best, sw.seconds)
    return best, result


def service_call(engine: Engine, known_at: datetime | None) -> Callable[[], list[Balance]]:
    def call() -> list[Balance]:
        with transaction(engine, read_only=True) as session:
            return balances(session, as_at=AS_AT, by=BY, known_at=known_at)

    return call


def raw_call(engine: Engine, known_at: datetime | None) -> Callable[[], Sequence[Sequence[Any]]]:
    def call() -> Sequence[Sequence[Any]]:
        with transaction(engine, read_only=True) as session:
            if known_at is None:
                return list(session.execute(RAW_QUERY, {"d": AS_AT}).all())
            return list(session.execute(RAW_QUERY_KNOWN, {"d": AS_AT, "k": known_at}).all())

    return call


def compare(
    label: str, service: list[Balance], raw: Sequence[Sequence[Any]], codes: dict[int, str]
) -> tuple[int, int]:
    """Check that both give the same non-zero groups; (groups, sum of debit balances)."""
    from_service: dict[Key, int] = {
        (str(b.account), b.fund, b.state, b.assessment_year): b.amount_minor for b in service
    }
    from_raw: dict[Key, int] = {
        (codes[int(r[0])], r[1], r[2], r[3]): int(r[4]) for r in raw if int(r[4]) != 0
    }
    if len(from_service) != len(service) or from_service != from_raw:
        differing = {
            k
            for k in from_service.keys() | from_raw.keys()
            if from_service.get(k) != from_raw.get(k)
        }
        raise RuntimeError(
            f"{label}: balances() and the raw query disagree on {len(differing)} groups "
            f"(e.g. {sorted(differing, key=str)[:3]}); service {len(service)} rows, "
            f"raw {len(raw)} rows"
        )
    debits = sum(v for v in from_service.values() if v > 0)
    credits = sum(v for v in from_service.values() if v < 0)
    if debits + credits != sum(int(r[4]) for r in raw):
        raise RuntimeError(f"{label}: totals differ")
    return len(from_service), debits


def explain(db: BenchDatabase, known_at: datetime | None) -> None:
    """The database's plans for the query balances() sends and for the raw query."""
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *rest: Any) -> None:
        if "GROUP BY" in statement:
            captured.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        service_call(db.engine, known_at)()
        raw_call(db.engine, known_at)()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    prefix = "EXPLAIN QUERY PLAN " if db.dialect == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    cut = "as_at" if known_at is None else "as_at+known_at"
    for label, (statement, parameters) in zip(("balances()", "raw"), captured, strict=True):
        with transaction(db.engine, read_only=True) as session:
            rows = session.connection().exec_driver_sql(prefix + statement, parameters).all()
        say(f"--- {db.dialect} plan of the {label} query, {cut} ---")
        say("  " + " ".join(statement.split()))
        for row in rows:
            say("  " + " | ".join(str(v) for v in row))


def run_dialect(env: BenchEnvironment, dialect: str, args: argparse.Namespace) -> list[Outcome]:
    db = prepare(env, dialect, args)
    codes = {v: k for k, v in account_ids(db.engine).items()}
    outcomes: list[Outcome] = []
    for label, known_at in (("as_at", None), ("as_at+known_at", KNOWN_AT)):
        svc_s, svc_rows = best_of(args.runs, service_call(db.engine, known_at))
        raw_s, raw_rows = best_of(args.runs, raw_call(db.engine, known_at))
        groups, debits = compare(f"{dialect} {label}", svc_rows, raw_rows, codes)
        ratio = svc_s / raw_s
        cut = f"as at {AS_AT}" + (f", known at {KNOWN_AT:%Y-%m-%d %H:%M}Z" if known_at else "")
        say(f"{dialect:<11} {label:<15} {cut}: {groups:,} non-zero groups, debits {debits:,} cents")
        say(f"{dialect:<11} {label:<15} service  {svc_s:7.3f} s  (best of {args.runs})")
        say(f"{dialect:<11} {label:<15} raw      {raw_s:7.3f} s  (best of {args.runs})")
        ok_ratio = ratio <= GOAL_RATIO
        say(
            f"{dialect:<11} {label:<15} ratio service/raw {ratio:5.2f}x"
            f"   (goal <= {GOAL_RATIO}x: {'PASS' if ok_ratio else 'MISS'})"
        )
        outcomes.append(
            compared_time(
                dialect, f"balances {label}", svc_s, "raw SQL", raw_s, ratio_goal=GOAL_RATIO
            )
        )
        if dialect == "sqlite":
            outcomes.append(
                compared_time(
                    dialect,
                    f"balances {label} time",
                    svc_s,
                    "raw SQL",
                    raw_s,
                    goal="< 1 s",
                    passed=svc_s < GOAL_SQLITE_SECONDS,
                )
            )
    if args.explain:
        explain(db, None)
        explain(db, KNOWN_AT)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(service_call(db.engine, None))
        print_profile(profiler, f"{dialect} balances() as at {AS_AT}")
    return outcomes


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.balances", description=__doc__.split("\n")[0]
    )
    add_db_argument(parser)
    parser.add_argument(
        "--postings",
        type=int,
        default=1_000_000,
        help="postings to load, four per entry (default 1000000)",
    )
    parser.add_argument("--states", type=int, default=200, help="States to create (default 200)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs, best kept (default 5)")
    parser.add_argument(
        "--profile", action="store_true", help="profile one balances() call, print the top 25"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the database's plan for the query"
    )
    parser.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    args = parser.parse_args(argv)
    if args.postings < 8 or args.runs < 1 or not 1 <= args.states <= 26**3:
        parser.error("--postings >= 8, --runs >= 1 and --states between 1 and 17576")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    return run_on_each_database(
        args.db,
        lambda env, dialect: run_dialect(env, dialect, args),
        f"balances as at {AS_AT} by account, State, fund, assessment year; "
        f"{args.states} States x {len(FUNDS)} funds, {args.postings // 4 * 4:,} postings",
    )


if __name__ == "__main__":
    raise SystemExit(main())
