"""Aging as at a date for 200 States x 6 funds x 30 years over a 1,000,000-posting
ledger, against the hand-written SQL aggregate (goal: <= 1.5x), and the Rule 8 list as
at a CSP's opening on the same data (goal: under one second on SQLite).

The ledger is loaded as in ``tests.bench.balances`` (200 States x 6 funds, value dates
from 1997-01-01 to 2026-09-30, so 30 assessment years) with 30 % of the entries receipts
(``generate(receipt_share=...)``: States pay their oldest year first; every eighth State
never pays and the others pay more or less than they are assessed). CSP12 opens on
AS_AT; ten States meeting the Rule 8 trigger in March 2025 get an approved payment plan
(rows inserted directly: the total is the ledger's figure, as ``apply_plan`` checks).

``aging(session, as_at=AS_AT)`` (every cell, bucketed) is timed, best of 5 after one
warm-up, against ``SELECT ... SUM(CASE ...) ... GROUP BY state, fund, year`` over the
receivable postings joined to their entries (and to the entry a reversal undoes) fetched
fully, with and without a ``known_at`` cutoff; both must agree on every cell. Then
``rule8(session, as_at=AS_AT)`` is timed the same way.

    .venv/bin/python -m tests.bench.aging [--db sqlite|postgresql|both]
        [--postings 1000000] [--states 200] [--runs 5] [--plans 10]
        [--receipt-share 0.3] [--profile] [--explain]
"""

from __future__ import annotations

import argparse
import cProfile
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, event

from finance_core.arrears import aging as pure
from finance_core.arrears.models import PaymentPlan, PlanDecision, PlanInstalment
from finance_core.arrears.plans import add_years, outstanding_due
from finance_core.arrears.rule8 import Rule8, rule8
from finance_core.arrears.rules import rule_on
from finance_core.arrears.service import Aging, aging
from finance_core.conferences.schemas import ConferenceCreate
from finance_core.conferences.service import create_conference
from finance_core.db import transaction
from finance_core.money import format_minor
from tests.bench.balances import ACTOR, FUNDS, best_of, prepare
from tests.bench.common import (
    BenchDatabase,
    BenchEnvironment,
    Outcome,
    add_db_argument,
    compared_time,
    print_profile,
    run_on_each_database,
    say,
)
from tests.bench.reference_sql import receivable_aggregate

GOAL_RATIO = 1.5
GOAL_RULE8_SQLITE_SECONDS = 1.0
FIRST_DAY = date(1997, 1, 1)
#: The opening of CSP12, the date of the aging and of the Rule 8 list.
AS_AT = date(2026, 8, 24)
#: What had been recorded by 1 August (entries are recorded up to 90 days late).
KNOWN_AT = datetime(2026, 8, 1, tzinfo=UTC)
#: Payment plans are received from this day on (a week apart), approved 45 days later.
PLANS_FROM = date(2025, 3, 3)
PLAN_INSTALMENTS = 10  # half-yearly from 31 December of the year received

CellKey = tuple[str, str, int]
CellSums = tuple[int, int, int, int, int]  # assessed, paid, credited, written off, total


# --- the data beyond the ledger --------------------------------------------------------


def insert_conference_and_plans(engine: Engine, count: int) -> list[str]:
    """CSP12 opening on AS_AT, and ``count`` approved plans of States meeting the
    trigger on PLANS_FROM; the States given a plan."""
    with transaction(engine) as session:
        create_conference(
            session,
            actor=ACTOR,
            data=ConferenceCreate(
                number=12, venue="Geneva", start_on=AS_AT, end_on=AS_AT + timedelta(days=4)
            ),
        )
        report = aging(session, as_at=PLANS_FROM)
        by_state: dict[str, list[pure.Cell]] = {}
        for cell in report.cells:
            by_state.setdefault(cell.state, []).append(cell)
        triggered = sorted(
            (
                s
                for s in report.states.values()
                if pure.trigger(s, by_state.get(s.state, []), PLANS_FROM, report.rules).met
            ),
            key=lambda s: (s.arrears, s.state),
        )
        # Half the plans for the States least in arrears (plans they can keep), half
        # spread over the others, up to the most in arrears.
        half = count // 2
        least, others = triggered[: count - half], triggered[count - half :]
        picks = (
            {len(others) - 1 - i * len(others) // half for i in range(half)} if others else set()
        )
        chosen = [s.state for s in least] + [others[k].state for k in sorted(picks)]
        planned: list[str] = []
        for i, code in enumerate(chosen):
            received_on = PLANS_FROM + timedelta(days=7 * i)
            rule = rule_on(session, received_on)
            total = outstanding_due(session, code, received_on, rule, None)
            if total <= 0:
                continue
            plan = PaymentPlan(
                state_code=code,
                received_on=received_on,
                note_verbale=f"Bench note verbale {i + 1}",
                reasons="Bench: liquidity constraints",
                total_minor=total,
                rule_id=rule.id or 0,
                counts_for_conference=12,
                decision=PlanDecision.APPROVED,
                decided_on=received_on + timedelta(days=45),
                decision_reference=f"MC/2025/{i + 1}",
                decision_recorded_by=ACTOR.name,
                decision_recorded_at=datetime.now(UTC),
                recorded_by=ACTOR.name,
            )
            session.add(plan)
            session.flush()
            planned.append(code)
            share, rest = divmod(total, PLAN_INSTALMENTS)
            for n in range(1, PLAN_INSTALMENTS + 1):
                due_on = add_years(date(received_on.year, 12, 31), n // 2)
                if n % 2 == 0:
                    due_on = due_on.replace(month=6, day=30)
                session.add(
                    PlanInstalment(
                        plan_id=plan.id or 0,
                        line_no=n,
                        due_on=due_on,
                        amount_minor=share + (rest if n == PLAN_INSTALMENTS else 0),
                    )
                )
        session.flush()
    return planned


# --- timing ----------------------------------------------------------------------------


def service_call(engine: Engine, known_at: datetime | None) -> Callable[[], Aging]:
    def call() -> Aging:
        with transaction(engine, read_only=True) as session:
            return aging(session, as_at=AS_AT, known_at=known_at)

    return call


def rule8_call(engine: Engine) -> Callable[[], Rule8]:
    def call() -> Rule8:
        with transaction(engine, read_only=True) as session:
            return rule8(session, as_at=AS_AT)

    return call


def compare(label: str, report: Aging, raw: Sequence[Sequence[Any]]) -> None:
    """Check that the service's cells and the raw rows agree on every cell (each sum,
    hence the outstanding)."""
    from_service: dict[CellKey, CellSums] = {
        (c.state, c.fund, c.year): (c.assessed, -c.paid, -c.credited, -c.written_off, c.outstanding)
        for c in report.cells
    }
    from_raw: dict[CellKey, CellSums] = {
        (str(r[0]), str(r[1]), int(r[2] or 0)): (
            int(r[3]),
            int(r[4]),
            int(r[5]),
            int(r[6]),
            int(r[7]),
        )
        for r in raw
    }
    if len(from_service) != len(report.cells) or from_service != from_raw:
        differing = {
            k
            for k in from_service.keys() | from_raw.keys()
            if from_service.get(k) != from_raw.get(k)
        }
        raise RuntimeError(
            f"{label}: aging() and the raw query disagree on {len(differing)} cells "
            f"(e.g. {sorted(differing)[:3]}); service {len(report.cells)} cells, "
            f"raw {len(raw)} rows"
        )


def describe(dialect: str, label: str, report: Aging) -> None:
    totals = report.totals()
    owing = sum(1 for s in report.states.values() if s.outstanding > 0)
    in_arrears = sum(1 for s in report.states.values() if s.arrears > 0)
    buckets = ", ".join(
        f"{name} {format_minor(totals[name])}"
        for name in pure.bucket_names(report.rules.bucket_years)
    )
    say(
        f"{dialect:<11} {label:<15} {len(report.cells):,} cells, {owing} States owing "
        f"{format_minor(totals['outstanding'])} USD, {in_arrears} in arrears "
        f"({format_minor(totals['arrears'])} USD)"
    )
    say(f"{dialect:<11} {label:<15} buckets: {buckets}")


def explain(db: BenchDatabase, known_at: datetime | None) -> None:
    """The database's plans for the cells query aging() sends and for the raw query."""
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *rest: Any) -> None:
        if "GROUP BY" in statement and "ledger_posting" in statement:
            captured.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        service_call(db.engine, known_at)()
        receivable_aggregate(db.engine, AS_AT, known_at)()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    prefix = "EXPLAIN QUERY PLAN " if db.dialect == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    cut = "as_at" if known_at is None else "as_at+known_at"
    for label, (statement, parameters) in zip(("aging()", "raw"), captured, strict=True):
        with transaction(db.engine, read_only=True) as session:
            rows = session.connection().exec_driver_sql(prefix + statement, parameters).all()
        say(f"--- {db.dialect} plan of the {label} query, {cut} ---")
        say("  " + " ".join(statement.split()))
        for row in rows:
            say("  " + " | ".join(str(v) for v in row))


def run_dialect(env: BenchEnvironment, dialect: str, args: argparse.Namespace) -> list[Outcome]:
    db = prepare(
        env,
        dialect,
        args,
        name="bench_aging",
        first_day=FIRST_DAY,
        receipt_share=args.receipt_share,
    )
    planned = insert_conference_and_plans(db.engine, args.plans)
    say(f"{dialect:<11} plans    {len(planned)} approved plans: {', '.join(planned)}")
    outcomes: list[Outcome] = []
    for label, known_at in (("as_at", None), ("as_at+known_at", KNOWN_AT)):
        svc_s, report = best_of(args.runs, service_call(db.engine, known_at))
        raw_s, raw_rows = best_of(args.runs, receivable_aggregate(db.engine, AS_AT, known_at))
        compare(f"{dialect} {label}", report, raw_rows)
        ratio = svc_s / raw_s
        cut = f"as at {AS_AT}" + (f", known at {KNOWN_AT:%Y-%m-%d %H:%M}Z" if known_at else "")
        say(f"{dialect:<11} {label:<15} {cut}: every cell agrees with the raw query")
        describe(dialect, label, report)
        say(f"{dialect:<11} {label:<15} aging()  {svc_s:7.3f} s  (best of {args.runs})")
        say(f"{dialect:<11} {label:<15} raw      {raw_s:7.3f} s  (best of {args.runs})")
        ok_ratio = ratio <= GOAL_RATIO
        say(
            f"{dialect:<11} {label:<15} ratio aging/raw {ratio:5.2f}x"
            f"   (goal <= {GOAL_RATIO}x: {'PASS' if ok_ratio else 'MISS'})"
        )
        outcomes.append(
            compared_time(dialect, f"aging {label}", svc_s, "raw SQL", raw_s, ratio_goal=GOAL_RATIO)
        )
    r8_s, result = best_of(args.runs, rule8_call(db.engine))
    r8_raw_s, _ = best_of(args.runs, receivable_aggregate(db.engine, AS_AT))
    subject = sum(r.subject for r in result.rows)
    exempt = sum(r.exempt for r in result.rows)
    standings = Counter(r.standing.standing.value for r in result.rows if r.standing)
    say(
        f"{dialect:<11} rule8    as at {AS_AT} (CSP12 opens): {len(result.rows)} States listed, "
        f"{subject} subject to the measures, {exempt} exempt by a plan "
        f"(plans: {', '.join(f'{n} {s}' for s, n in sorted(standings.items())) or 'none'})"
    )
    if dialect == "sqlite":
        ok_r8 = r8_s < GOAL_RULE8_SQLITE_SECONDS
        say(
            f"{dialect:<11} rule8    {r8_s:7.3f} s  (best of {args.runs})"
            f"   (goal < {GOAL_RULE8_SQLITE_SECONDS:.0f} s: {'PASS' if ok_r8 else 'MISS'})"
        )
    else:
        ok_r8 = None
        say(f"{dialect:<11} rule8    {r8_s:7.3f} s  (best of {args.runs})")
    outcomes.append(
        compared_time(
            dialect,
            "rule8 as at CSP12",
            r8_s,
            "raw SQL aggregate",
            r8_raw_s,
            goal="< 1 s" if ok_r8 is not None else "",
            passed=ok_r8,
        )
    )
    if args.explain:
        explain(db, None)
        explain(db, KNOWN_AT)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(service_call(db.engine, None))
        print_profile(profiler, f"{dialect} aging() as at {AS_AT}")
        profiler = cProfile.Profile()
        profiler.runcall(rule8_call(db.engine))
        print_profile(profiler, f"{dialect} rule8() as at {AS_AT}")
    return outcomes


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.aging", description=__doc__.split("\n")[0]
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
        "--plans", type=int, default=10, help="approved payment plans to insert (default 10)"
    )
    parser.add_argument(
        "--receipt-share",
        type=float,
        default=0.3,
        help="share of the entries that are receipts (default 0.3)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile one aging() and one rule8() call, print the top 25 of each",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the database's plans for the queries"
    )
    parser.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    args = parser.parse_args(argv)
    if args.postings < 8 or args.runs < 1 or not 1 <= args.states <= 26**3:
        parser.error("--postings >= 8, --runs >= 1 and --states between 1 and 17576")
    if not 0 <= args.receipt_share < 1 or args.plans < 0:
        parser.error("--receipt-share from 0 to below 1, --plans >= 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    return run_on_each_database(
        args.db,
        lambda env, dialect: run_dialect(env, dialect, args),
        f"aging and Rule 8 as at {AS_AT}; {args.states} States x {len(FUNDS)} funds x 30 "
        f"years, {args.postings // 4 * 4:,} postings ({args.receipt_share:.0%} receipts)",
    )


if __name__ == "__main__":
    raise SystemExit(main())
