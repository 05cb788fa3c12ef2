"""Posting throughput: ``post_entry`` against raw SQL inserting the same rows.

Each entry has four postings balanced within the SEC fund (an assessment of a State and
its payment) and is committed in its own transaction, hash chain included. The raw
baseline inserts the same postings (one executemany) and then the entry row through the
same kind of engine, one transaction per entry; the database triggers still check the
balance and the chain. Goal: service throughput at least 25 % of raw.

    .venv/bin/python -m tests.bench.posting_throughput [--db sqlite|postgresql|both]
        [--entries 2000] [--states 200] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Date, Engine, bindparam, func, select, text
from sqlmodel import col

from finance_core.actor import Actor
from finance_core.db import transaction
from finance_core.db_types import UTCDateTime, utcnow
from finance_core.ledger.models import JournalEntry, LedgerChainHead, LedgerPosting
from finance_core.ledger.service import PostingSpec, post_entry
from finance_core.ledger.verify import verify_ledger
from tests.bench.common import (
    BenchEnvironment,
    Outcome,
    Stopwatch,
    account_ids,
    add_db_argument,
    compared_rate,
    insert_states,
    print_profile,
    run_on_each_database,
    say,
    state_codes,
)

GOAL_RATIO = 0.25
FUND = "SEC"
ENTRY_TYPE = "assessment"
ACTOR = Actor(name="bench", origin="bench")

INSERT_POSTINGS = text(
    "INSERT INTO ledger_posting (entry_seq, line_no, account_id, fund_code, value_on,"
    " recorded_at, amount_minor, state_code, assessment_year, budget_line_id)"
    " VALUES (:entry_seq, :line_no, :account_id, :fund_code, :value_on, :recorded_at,"
    " :amount_minor, :state_code, :assessment_year, :budget_line_id)"
).bindparams(bindparam("value_on", type_=Date()), bindparam("recorded_at", type_=UTCDateTime()))

INSERT_ENTRY = text(
    "INSERT INTO journal_entry (seq, value_on, recorded_at, entry_type, description,"
    " source_ref, actor, reverses_seq, prev_hash, entry_hash)"
    " VALUES (:seq, :value_on, :recorded_at, :entry_type, :description, :source_ref,"
    " :actor, :reverses_seq, :prev_hash, :entry_hash)"
).bindparams(bindparam("value_on", type_=Date()), bindparam("recorded_at", type_=UTCDateTime()))


@dataclass(frozen=True, slots=True)
class PlannedEntry:
    """What one benchmark entry says: an assessment of ``assessed`` and a payment."""

    number: int
    value_on: date
    state_code: str
    assessed: int
    paid: int

    @property
    def description(self) -> str:
        return f"Bench assessment and payment {self.number}"


def make_plan(count: int, codes: Sequence[str], seed: int) -> list[PlannedEntry]:
    """``count`` entries dated in 2025 over the States ``codes``."""
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    return [
        PlannedEntry(
            number=i,
            value_on=start + timedelta(days=rng.randrange(365)),
            state_code=rng.choice(codes),
            assessed=rng.randrange(1_000, 50_000_000),
            paid=rng.randrange(1_000, 50_000_000),
        )
        for i in range(1, count + 1)
    ]


def service_postings(p: PlannedEntry) -> list[PostingSpec]:
    year = p.value_on.year
    return [
        PostingSpec(
            f"{FUND}.receivable", p.assessed, state_code=p.state_code, assessment_year=year
        ),
        PostingSpec(f"{FUND}.assessed_revenue", -p.assessed),
        PostingSpec(f"{FUND}.bank", p.paid),
        PostingSpec(f"{FUND}.receivable", -p.paid, state_code=p.state_code, assessment_year=year),
    ]


def post_through_service(engine: Engine, plan: Sequence[PlannedEntry]) -> None:
    for p in plan:
        with transaction(engine) as session:
            post_entry(
                session,
                actor=ACTOR,
                value_on=p.value_on,
                entry_type=ENTRY_TYPE,
                description=p.description,
                postings=service_postings(p),
            )


class RawPoster:
    """Inserts planned entries with hand-written SQL, tracking the chain itself."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        ids = account_ids(engine)
        self.receivable = ids[f"{FUND}.receivable"]
        self.revenue = ids[f"{FUND}.assessed_revenue"]
        self.bank = ids[f"{FUND}.bank"]
        with engine.begin() as conn:
            head = conn.execute(
                select(col(LedgerChainHead.seq), col(LedgerChainHead.entry_hash))
            ).one()
        self.seq, self.head_hash = int(head[0]), str(head[1])

    def post(self, plan: Sequence[PlannedEntry]) -> None:
        for p in plan:
            year = p.value_on.year
            self.post_lines(
                p.value_on,
                p.description,
                [
                    (self.receivable, p.assessed, p.state_code, year),
                    (self.revenue, -p.assessed, None, None),
                    (self.bank, p.paid, None, None),
                    (self.receivable, -p.paid, p.state_code, year),
                ],
            )

    def post_lines(
        self,
        value_on: date,
        description: str,
        lines: Sequence[tuple[int, int, str | None, int | None]],
    ) -> None:
        """One entry of ``lines`` (account id, amount in cents, State, assessment year)
        in the fund ``FUND``, in its own transaction."""
        seq = self.seq + 1
        recorded_at = utcnow()
        common = {
            "entry_seq": seq,
            "fund_code": FUND,
            "value_on": value_on,
            "recorded_at": recorded_at,
            "budget_line_id": None,
        }
        postings = [
            {
                **common,
                "line_no": n,
                "account_id": account,
                "amount_minor": amount,
                "state_code": state,
                "assessment_year": ay,
            }
            for n, (account, amount, state, ay) in enumerate(lines, start=1)
        ]
        digest = hashlib.sha256(
            f"{self.head_hash}|{value_on}|{recorded_at}|{description}|{lines}".encode()
        ).hexdigest()
        with self.engine.begin() as conn:
            conn.execute(INSERT_POSTINGS, postings)
            conn.execute(
                INSERT_ENTRY,
                {
                    "seq": seq,
                    "value_on": value_on,
                    "recorded_at": recorded_at,
                    "entry_type": ENTRY_TYPE,
                    "description": description,
                    "source_ref": None,
                    "actor": ACTOR.name,
                    "reverses_seq": None,
                    "prev_hash": self.head_hash,
                    "entry_hash": digest,
                },
            )
        self.seq, self.head_hash = seq, digest


def ledger_counts(engine: Engine) -> tuple[int, int]:
    """(entries, postings) in the ledger."""
    with engine.begin() as conn:
        entries = conn.execute(select(func.count()).select_from(JournalEntry)).scalar_one()
        postings = conn.execute(select(func.count()).select_from(LedgerPosting)).scalar_one()
    return int(entries), int(postings)


def check_ledger(label: str, engine: Engine, expected_entries: int, *, verify: bool) -> None:
    entries, postings = ledger_counts(engine)
    if (entries, postings) != (expected_entries, 4 * expected_entries):
        raise RuntimeError(
            f"{label}: {entries} entries and {postings} postings, "
            f"expected {expected_entries} and {4 * expected_entries}"
        )
    if verify:
        with transaction(engine, read_only=True) as session:
            report = verify_ledger(session)
        if report.problems:
            raise RuntimeError(f"{label}: ledger verify found {report.problems[:3]}")


def run_dialect(env: BenchEnvironment, dialect: str, args: argparse.Namespace) -> list[Outcome]:
    n, warmup = args.entries, args.warmup
    codes = state_codes(args.states)
    plan = make_plan(warmup + n + args.profile_entries, codes, args.seed)
    warm, timed, extra = plan[:warmup], plan[warmup : warmup + n], plan[warmup + n :]

    say(f"{dialect}: preparing two fresh databases with {len(codes)} States ...")
    service_db = env.database(dialect, "bench_posting_service")
    raw_db = env.database(dialect, "bench_posting_raw")
    insert_states(service_db.engine, codes)
    insert_states(raw_db.engine, codes)

    post_through_service(service_db.engine, warm)
    with Stopwatch() as sw_service:
        post_through_service(service_db.engine, timed)
    check_ledger(f"{dialect} service", service_db.engine, warmup + n, verify=True)

    raw = RawPoster(raw_db.engine)
    raw.post(warm)
    with Stopwatch() as sw_raw:
        raw.post(timed)
    check_ledger(f"{dialect} raw", raw_db.engine, warmup + n, verify=False)

    service_rate = n / sw_service.seconds
    raw_rate = n / sw_raw.seconds
    ratio = service_rate / raw_rate
    say(
        f"{dialect:<11} service  {service_rate:8.0f} entries/s"
        f"   ({n} entries in {sw_service.seconds:.2f} s, hash chain verified)"
    )
    say(
        f"{dialect:<11} raw      {raw_rate:8.0f} entries/s   ({n} entries in {sw_raw.seconds:.2f} s)"
    )
    say(
        f"{dialect:<11} ratio service/raw {ratio:6.1%}"
        f"   (goal >= {GOAL_RATIO:.0%}: {'PASS' if ratio >= GOAL_RATIO else 'MISS'})"
    )

    if args.profile and extra:
        profiler = cProfile.Profile()
        with Stopwatch() as sw_profiled:
            profiler.runcall(post_through_service, service_db.engine, extra)
        say(
            f"{dialect:<11} service under cProfile: {len(extra) / sw_profiled.seconds:.0f} "
            f"entries/s ({len(extra)} more entries)"
        )
        print_profile(profiler, f"{dialect} post_entry, one transaction per entry")

    return [
        compared_rate(
            dialect,
            "posting (post_entry)",
            service_rate,
            "raw SQL inserts",
            raw_rate,
            "entries/s",
            ratio_goal=GOAL_RATIO,
        )
    ]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.posting_throughput", description=__doc__.split("\n")[0]
    )
    add_db_argument(parser)
    parser.add_argument(
        "--entries", type=int, default=2000, help="timed entries per database (default 2000)"
    )
    parser.add_argument("--states", type=int, default=200, help="States to create (default 200)")
    parser.add_argument(
        "--warmup", type=int, default=20, help="untimed entries posted first (default 20)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="then post more entries through the service under cProfile and print the top 25",
    )
    parser.add_argument(
        "--profile-entries",
        type=int,
        default=500,
        help="entries posted under the profiler (default 500)",
    )
    parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    args = parser.parse_args(argv)
    if not args.profile:
        args.profile_entries = 0
    if args.entries < 1 or not 1 <= args.states <= 26**3:
        parser.error("--entries must be >= 1 and --states between 1 and 17576")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    return run_on_each_database(
        args.db,
        lambda env, dialect: run_dialect(env, dialect, args),
        f"posting throughput, {args.entries} entries of 4 postings, one transaction each",
    )


if __name__ == "__main__":
    raise SystemExit(main())
