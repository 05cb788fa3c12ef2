"""The Management Committee pack as at ``(as_at, known_at)`` (confidential): arrears and
their aging, the Financial Rule 8 list, payment-plan compliance, the reserve against its
target, the 12-month cash forecast and budget execution, each part read from the service
that owns it (one aggregate per part, no loop over postings).

Every amount is in US cents; positive means owed to the Secretariat (arrears, plans),
held (reserve, cash) or budgeted and spent (budget).

- ``arrears``: one row per State, fund and assessment year with an amount outstanding
  (the receivable's ledger balance, ``arrears.service.aging``): its due date, its aging
  bucket (by assessment year against the year of ``as_at``) and days past due. A
  negative amount is an overpayment left on that year. The rows add up to the ledger
  balance of every receivable account.
- ``aging``: per bucket, the amount outstanding and how many States owe something in it.
- ``rule8``: the States owing arrears or meeting Rule 8's trigger (``arrears.rule8``):
  their treaty status, the number of years in arrears (assessment years before the year
  of ``as_at`` with an amount outstanding in the arrears funds), the arrears against the
  trigger's threshold (the contributions assessed for the preceding full years), whether
  the measures apply, each measure of the rule in force, whether an approved payment plan
  exempts the State (the plan and its standing), and the reason in one sentence
  (English, with the figures).
- ``plans``: every Rule 8(1)(d) payment plan received by ``as_at`` (and recorded by
  ``known_at``): the decision as at ``as_at``, and for approved plans what was scheduled
  to date (instalments due plus assessments falling due since the application when the
  rule counts them), what was paid since the application, the shortfall and the standing
  (``arrears.plans.compliance_of``).
- ``reserve``: the Working Capital Fund (``reserve.service.position``): its balance, the
  cash it holds, advances to funds outstanding, transfers still to be settled, what it can
  advance, the annual budget its target is set on, the target and the gap (target −
  balance; positive: below target).
- ``forecast``: the cash of the assessed funds together for the 12 months after
  ``as_at`` (``forecast.service.forecast``, the figures of ``GET /api/v1/forecast``):
  opening cash, expected receipts, planned spending, closing cash before drawing on the
  reserve, the draw, closing cash after it, the reserve left and any shortfall; one row
  per month (and per scenario when there are several).
- ``budget``: per fund, the budgets of the year reported on (``request.year``, by default
  the year of ``as_at``, ``expenditures.service.execution_lines``): original and revised
  budget, open commitments, actual expenditure, available (revised − commitments −
  actual) and the execution rate (actual ÷ revised, hundredths of a percent)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

import pandas as pd
from sqlmodel import Session

from finance_core.arrears import aging as pure_aging
from finance_core.arrears import plans as plan_service
from finance_core.arrears.compliance import Compliance
from finance_core.arrears.models import PaymentPlan, PlanDecision
from finance_core.arrears.rule8 import Rule8, rule8
from finance_core.arrears.rules import measures_of
from finance_core.arrears.service import Aging, aging, state_names
from finance_core.expenditures import execution as pure_execution
from finance_core.expenditures.service import execution_lines
from finance_core.forecast.service import CashForecast, forecast
from finance_core.reserve.service import Position, format_months, position
from finance_core.system.service import is_demo
from reports.columns import FUND_CODE, FUND_NAME, STATE_CODE, STATE_NAME
from reports.document import Chart, ChartKind, Column, ColumnKind, Fact, Report, Table, rate
from reports.request import ReportRequest
from reports.reserve_facts import reserve_facts

NAME = "committee-pack"
FORECAST_MONTHS = 12
#: Plans are few (one per application); every one is listed.
PLAN_LIMIT = 100_000

YEAR = Column("year", "col.year", ColumnKind.INTEGER)
PLAN_ID = Column("plan_id", "pack.col.plan_id", ColumnKind.INTEGER)
STANDING = Column("standing", "pack.col.standing", ColumnKind.LABEL, labels="pack.standing.")


def _money(key: str, total: bool = False) -> Column:
    return Column(key, f"pack.col.{key}", ColumnKind.MONEY, total=total)


def _yes_no(key: str, label: str | None = None) -> Column:
    return Column(key, label or f"pack.col.{key}", ColumnKind.LABEL, labels="yes_no.", width=10)


def _frame(rows: Sequence[tuple[object, ...]], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=list(columns))


def _ints(frame: pd.DataFrame, keys: Sequence[str], nullable: bool = False) -> pd.DataFrame:
    """Integer columns as int64 (or Int64 when they may be empty)."""
    for key in keys:
        frame[key] = frame[key].astype("Int64" if nullable else "int64")
    return frame


# --- arrears and aging ------------------------------------------------------------------

ARREARS = ("state_code", "state_name", "fund", "year", "due_on", "bucket", "days", "outstanding")


def arrears_frame(report: Aging, names: dict[str, str]) -> pd.DataFrame:
    """One row per State, fund and assessment year with an amount outstanding, by State
    name, year and fund."""
    rows = [
        (
            s.state,
            names.get(s.state, s.state),
            a.cell.fund,
            a.cell.year,
            a.cell.due_on,
            a.bucket,
            a.days_past_due,
            a.outstanding,
        )
        for s in report.states.values()
        for a in s.cells
        if a.outstanding != 0
    ]
    frame = _ints(_frame(rows, ARREARS), ("year", "days", "outstanding"))
    frame = frame.sort_values(["state_name", "state_code", "year", "fund"], kind="stable")
    return frame.reset_index(drop=True)


def aging_frame(report: Aging) -> pd.DataFrame:
    """One row per bucket (youngest first): the amount outstanding and the number of
    States owing something in it."""
    names = pure_aging.bucket_names(report.rules.bucket_years)
    totals = report.totals()
    owing: dict[str, int] = dict.fromkeys(names, 0)
    for s in report.states.values():
        for bucket, amount in s.buckets.items():
            if amount > 0:
                owing[bucket] = owing.get(bucket, 0) + 1
    rows = [(b, totals.get(b, 0), owing.get(b, 0)) for b in names]
    return _ints(_frame(rows, ("bucket", "outstanding", "states")), ("outstanding", "states"))


# --- Rule 8 -------------------------------------------------------------------------------

RULE8 = (
    "state_code",
    "state_name",
    "treaty_status",
    "years_in_arrears",
    "arrears",
    "threshold",
    "subject",
    "exempt",
    "plan_id",
    "standing",
    "reason",
)


def years_in_arrears(cells: Sequence[pure_aging.AgedCell], funds: frozenset[str]) -> int:
    """Assessment years with an amount outstanding in the arrears funds (summed over
    them) in a bucket older than the current year."""
    per_year: dict[int, int] = defaultdict(int)
    for a in cells:
        if a.cell.fund in funds and a.bucket not in (pure_aging.NOT_DUE, pure_aging.CURRENT):
            per_year[a.cell.year] += a.outstanding
    return sum(1 for amount in per_year.values() if amount > 0)


def rule8_frame(
    result: Rule8, names: dict[str, str], funds: frozenset[str]
) -> tuple[pd.DataFrame, list[str]]:
    """One row per State on the Rule 8 list (subject first, then exempt, then the others,
    most arrears first), with a yes/no column per measure of the rule; and the measures."""
    measures = measures_of(result.rule)
    rows = [
        (
            r.state,
            names.get(r.state, r.state),
            r.status or "none",
            years_in_arrears(r.position.cells, funds),
            r.position.arrears,
            r.trigger.threshold,
            str(r.subject).lower(),
            str(r.exempt).lower(),
            r.plan.id if r.plan is not None else None,
            r.standing.standing.value if r.standing is not None else None,
            r.reason,
            *(str(r.subject).lower() for _ in measures),
        )
        for r in result.rows
    ]
    frame = _frame(rows, (*RULE8, *(f"measure_{m}" for m in measures)))
    frame = _ints(frame, ("years_in_arrears", "arrears", "threshold"))
    return _ints(frame, ("plan_id",), nullable=True), measures


# --- payment plans ------------------------------------------------------------------------

PLANS = (
    "state_code",
    "state_name",
    "plan_id",
    "received_on",
    "decision",
    "decided_on",
    "plan_total",
    "scheduled",
    "paid",
    "behind",
    "standing",
)


def decision_as_at(plan: PaymentPlan, request: ReportRequest) -> PlanDecision:
    """The plan's decision as at ``(as_at, known_at)``: submitted until the decision is
    dated and recorded by then."""
    decision = PlanDecision(plan.decision)
    decided = (
        plan.decided_on is not None
        and plan.decided_on <= request.as_at
        and plan.decision_recorded_at is not None
        and plan.decision_recorded_at <= request.known_at
    )
    return decision if decided else PlanDecision.SUBMITTED


def plans_frame(
    session: Session, request: ReportRequest, names: dict[str, str], known: dict[int, Compliance]
) -> pd.DataFrame:
    """Every plan received by ``as_at`` and recorded by ``known_at``, newest application
    first, with the compliance of the approved ones (``known``: standings the Rule 8 list
    already worked out, by plan id)."""
    found, _count = plan_service.list_plans(session, state_code=None, limit=PLAN_LIMIT, offset=0)
    rows: list[tuple[object, ...]] = []
    for plan in found:
        if plan.received_on > request.as_at or plan.recorded_at > request.known_at:
            continue
        decision = decision_as_at(plan, request)
        standing: Compliance | None = None
        if decision is PlanDecision.APPROVED:
            standing = known.get(plan.id or 0) or plan_service.compliance_of(
                session, plan, as_at=request.as_at, known_at=request.known_at
            )
        rows.append(
            (
                plan.state_code,
                names.get(plan.state_code, plan.state_code),
                plan.id or 0,
                plan.received_on,
                decision.value,
                plan.decided_on if decision is not PlanDecision.SUBMITTED else None,
                plan.total_minor,
                standing.required if standing else None,
                standing.received if standing else None,
                standing.shortfall if standing else None,
                standing.standing.value if standing else None,
            )
        )
    frame = _ints(_frame(rows, PLANS), ("plan_id", "plan_total"))
    return _ints(frame, ("scheduled", "paid", "behind"), nullable=True)


# --- reserve ------------------------------------------------------------------------------


def reserve_frame(p: Position) -> pd.DataFrame:
    """The reserve's figures, one row each (those that are known)."""
    items = (
        ("balance", p.balance_minor),
        ("cash", p.cash_minor),
        ("advanced", sum(p.advanced.values())),
        ("receivable", sum(p.receivable.values())),
        ("available", p.available_minor),
        ("annual_budget", p.annual_budget_minor),
        ("target", p.target_minor),
        ("gap", p.gap_minor),
    )
    rows = [(item, amount) for item, amount in items if amount is not None]
    return _ints(_frame(rows, ("item", "amount")), ("amount",))


# --- forecast -----------------------------------------------------------------------------

FORECAST = (
    "scenario",
    "month",
    "start",
    "end",
    "opening",
    "receipts",
    "spending",
    "closing_before_draw",
    "draw",
    "closing_after_draw",
    "reserve_after",
    "shortfall",
)


def forecast_frame(result: CashForecast) -> pd.DataFrame:
    """One row per scenario (the baseline first) and month."""
    rows = [
        (
            f.scenario.name,
            m.month.label,
            m.month.start,
            m.month.end,
            m.opening,
            m.receipts,
            m.spending,
            m.closing_before_draw,
            m.draw,
            m.closing_after_draw,
            m.reserve_after,
            m.shortfall,
        )
        for f in result.result.forecasts
        for m in f.months
    ]
    return _ints(_frame(rows, FORECAST), FORECAST[4:])


# --- budget -------------------------------------------------------------------------------

BUDGET = ("fund", "year", "original", "revised", "commitments", "actual", "available")


def budget_frame(lines: Sequence[pure_execution.Line]) -> pd.DataFrame:
    """Per fund and year: the budget figures summed over its lines, and the rate."""
    rows = [
        (fund, year, f.original, f.revised, f.commitments, f.actual, f.available)
        for (fund, year), f in pure_execution.totals(lines).items()
    ]
    frame = _ints(_frame(rows, BUDGET), BUDGET[1:])
    frame["execution_rate"] = rate(frame["actual"], frame["revised"])
    return frame


# --- the report ---------------------------------------------------------------------------


def _fact(key: str, kind: ColumnKind, value: object) -> Fact:
    return Fact(key, f"pack.fact.{key}", kind, value)


def _facts(report: Aging, result: Rule8, reserve: Position, cash: CashForecast) -> tuple[Fact, ...]:
    totals = report.totals()
    baseline = cash.baseline
    lowest = min(baseline.months, key=lambda m: m.closing_before_draw, default=None)
    return (
        _fact("arrears", ColumnKind.MONEY, totals["arrears"]),
        _fact("outstanding", ColumnKind.MONEY, totals["outstanding"]),
        _fact(
            "states_in_arrears",
            ColumnKind.INTEGER,
            sum(1 for s in report.states.values() if s.arrears > 0),
        ),
        _fact("subject", ColumnKind.INTEGER, sum(r.subject for r in result.rows)),
        _fact("exempt", ColumnKind.INTEGER, sum(r.exempt for r in result.rows)),
        *reserve_facts(reserve),
        _fact("months_covered", ColumnKind.TEXT, format_months(reserve.months_covered)),
        _fact("lowest_cash", ColumnKind.MONEY, baseline.lowest_cash),
        _fact("lowest_month", ColumnKind.TEXT, lowest.month.label if lowest else None),
        _fact("reserve_drawn", ColumnKind.MONEY, baseline.drawn),
    )


def _tables(
    arrears: pd.DataFrame,
    buckets: pd.DataFrame,
    listed: pd.DataFrame,
    measures: list[str],
    plans: pd.DataFrame,
    reserve: pd.DataFrame,
    cash: pd.DataFrame,
    budget: pd.DataFrame,
) -> tuple[Table, ...]:
    bucket = Column("bucket", "pack.col.bucket", ColumnKind.LABEL, labels="bucket.", width=18)
    several = cash["scenario"].nunique() > 1
    forecast_columns = (
        *((Column("scenario", "pack.col.scenario"),) if several else ()),
        Column("month", "pack.col.month", width=9),
        Column("start", "pack.col.start", ColumnKind.DATE),
        Column("end", "pack.col.end", ColumnKind.DATE),
        _money("opening"),
        _money("receipts", total=True),
        _money("spending", total=True),
        _money("closing_before_draw"),
        _money("draw", total=True),
        _money("closing_after_draw"),
        _money("reserve_after"),
        _money("shortfall"),
    )
    return (
        Table(
            "arrears",
            "pack.table.arrears",
            (
                STATE_CODE,
                STATE_NAME,
                FUND_CODE,
                YEAR,
                Column("due_on", "pack.col.due_on", ColumnKind.DATE),
                bucket,
                Column("days", "pack.col.days", ColumnKind.INTEGER),
                _money("outstanding", total=True),
            ),
            arrears,
            note="pack.note.arrears",
        ),
        Table(
            "aging",
            "pack.table.aging",
            (
                bucket,
                _money("outstanding", total=True),
                Column("states", "pack.col.states", ColumnKind.INTEGER),
            ),
            buckets,
            chart=Chart(ChartKind.BAR, "bucket", ("outstanding",), "pack.chart.aging"),
        ),
        Table(
            "rule8",
            "pack.table.rule8",
            (
                STATE_CODE,
                STATE_NAME,
                Column(
                    "treaty_status",
                    "pack.col.treaty_status",
                    ColumnKind.LABEL,
                    labels="pack.treaty_status.",
                    width=14,
                ),
                Column("years_in_arrears", "pack.col.years_in_arrears", ColumnKind.INTEGER),
                _money("arrears", total=True),
                _money("threshold"),
                _yes_no("subject"),
                *(_yes_no(f"measure_{m}", f"pack.col.measure.{m}") for m in measures),
                _yes_no("exempt"),
                PLAN_ID,
                STANDING,
                Column("reason", "pack.col.reason", width=60),
            ),
            listed,
            note="pack.note.rule8",
        ),
        Table(
            "plans",
            "pack.table.plans",
            (
                STATE_CODE,
                STATE_NAME,
                PLAN_ID,
                Column("received_on", "pack.col.received_on", ColumnKind.DATE),
                Column("decision", "pack.col.decision", ColumnKind.LABEL, labels="pack.decision."),
                Column("decided_on", "pack.col.decided_on", ColumnKind.DATE),
                _money("plan_total"),
                _money("scheduled"),
                _money("paid"),
                _money("behind"),
                STANDING,
            ),
            plans,
            note="pack.note.plans",
        ),
        Table(
            "reserve",
            "pack.table.reserve",
            (
                Column("item", "pack.col.item", ColumnKind.LABEL, labels="pack.reserve.", width=40),
                _money("amount"),
            ),
            reserve,
            note="pack.note.reserve",
        ),
        Table(
            "forecast",
            "pack.table.forecast",
            forecast_columns,
            cash,
            chart=Chart(
                ChartKind.LINE,
                "month",
                ("closing_before_draw", "closing_after_draw"),
                "pack.chart.forecast",
                limit=None if not several else FORECAST_MONTHS,
            ),
            note="pack.note.forecast",
        ),
        Table(
            "budget",
            "pack.table.budget",
            (
                FUND_NAME,
                YEAR,
                *(
                    _money(k, total=True)
                    for k in ("original", "revised", "commitments", "actual", "available")
                ),
                Column("execution_rate", "pack.col.execution_rate", ColumnKind.RATE),
            ),
            budget,
            chart=Chart(ChartKind.BAR, "fund", ("revised", "actual"), "pack.chart.budget"),
            note="pack.note.budget",
        ),
    )


def committee_pack(session: Session, request: ReportRequest) -> Report:
    """The Management Committee pack as at ``(request.as_at, request.known_at)``."""
    as_at: date = request.as_at
    known_at = request.known_at
    names = state_names(session)
    report = aging(session, as_at=as_at, known_at=known_at)
    listed = rule8(session, as_at=as_at, known_at=known_at, aged=report)
    rule8_rows, measures = rule8_frame(listed, names, report.rules.arrears_funds)
    standings = {
        r.plan.id: r.standing
        for r in listed.rows
        if r.plan is not None and r.plan.id is not None and r.standing is not None
    }
    reserve = position(session, as_at=as_at, known_at=known_at)
    cash = forecast(session, as_at=as_at, known_at=known_at, months=FORECAST_MONTHS, fund=None)
    lines = execution_lines(session, as_at=as_at, known_at=known_at, year=request.year)
    return Report(
        name=NAME,
        title="pack.title",
        as_at=as_at,
        known_at=known_at,
        demo=is_demo(session),
        parameters={
            "as_at": as_at.isoformat(),
            "year": str(request.year),
            "forecast_funds": ",".join(cash.funds),
        },
        subtitle="pack.subtitle",
        facts=_facts(report, listed, reserve, cash),
        tables=_tables(
            arrears_frame(report, names),
            aging_frame(report),
            rule8_rows,
            measures,
            plans_frame(session, request, names, standings),
            reserve_frame(reserve),
            forecast_frame(cash),
            budget_frame(lines),
        ),
    )
