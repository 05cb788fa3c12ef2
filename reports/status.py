"""The status of contributions for a year, as at ``(as_at, known_at)``.

Per State and assessed fund, in US cents (positive: owed by the State):

- ``prior``: owed for earlier years on 1 January of the year;
- ``assessed``: assessed for the year (net of revisions and reversals);
- ``received``: paid in the year (receipts, net of their reversals), positive;
- ``credits``: settled from the State's credits and surplus returns, positive;
- ``adjustments``: everything else that changed the balance (write-offs, exchange
  differences, refunds), signed as its effect on what is owed;
- ``outstanding`` = prior + assessed − received − credits + adjustments: owed as at
  ``as_at`` for the year and earlier years (equal to the receivable's ledger balance);
- ``year_outstanding``: of that, owed for the year itself;
- ``advances``: credit the Secretariat holds for the State (paid ahead or credited).

One SQL aggregate over the postings (integer sums in SQL); the rest is column arithmetic
in pandas. A State's ``status`` for the year: ``paid`` (the year's assessment settled),
``partial`` or ``unpaid`` (nothing settled), ``none`` when nothing was assessed.
The headline figures also give the Working Capital Fund's balance against its target
(public once published, like the rest of this report)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import BigInteger, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session, col

from finance_core.errors import ValidationFailed
from finance_core.ledger.models import AccountType, JournalEntry, LedgerAccount, LedgerPosting
from finance_core.reserve.service import position
from finance_core.states.models import State
from finance_core.system.service import is_demo
from reports.columns import FUND_CODE, FUND_NAME, STATE_CODE, STATE_NAME
from reports.document import Chart, ChartKind, Column, ColumnKind, Fact, Report, Table, plain, rate
from reports.request import ReportRequest
from reports.reserve_facts import reserve_facts

AMOUNTS = (
    "prior",
    "assessed",
    "received",
    "credits",
    "adjustments",
    "outstanding",
    "year_outstanding",
    "advances",
)
COLUMNS = ("state_code", "state_name", "regional_group", "fund", *AMOUNTS)
CREDIT_TYPES = ("credit.applied", "surplus.credit")


def _sum(condition: ColumnElement[bool], sign: int = 1) -> ColumnElement[int]:
    """The integer sum of the amounts of the postings meeting ``condition`` (× sign)."""
    amount = col(LedgerPosting.amount_minor) if sign > 0 else -col(LedgerPosting.amount_minor)
    return cast(func.coalesce(func.sum(case((condition, amount), else_=0)), 0), BigInteger)


def contributions_query(
    *, year: int, as_at: date, known_at: datetime | None, funds: list[str] | None = None
) -> Select[*tuple[Any, ...]]:
    """The SQL aggregate: one row per State and fund with the raw sums (see module)."""
    p, a, e = LedgerPosting, LedgerAccount, JournalEntry
    original = aliased(JournalEntry)
    jan1 = date(year, 1, 1)
    kind = func.coalesce(col(original.entry_type), col(e.entry_type))
    receivable = col(a.account_type) == AccountType.RECEIVABLE.value
    in_years = and_(receivable, col(p.assessment_year) <= year)
    prior = and_(in_years, col(p.assessment_year) < year, col(p.value_on) < jan1)
    moved = and_(in_years, ~prior)
    known = col(p.recorded_at) <= known_at if known_at is not None else literal(True)
    where = [
        col(p.value_on) <= as_at,
        known,
        col(p.state_code).is_not(None),
        or_(
            and_(receivable, col(p.assessment_year) <= year),
            col(a.account_type) == AccountType.STATE_CREDIT.value,
        ),
    ]
    if funds:
        where.append(col(p.fund_code).in_(funds))
    return (
        select(
            col(p.state_code),
            col(State.name),
            col(State.regional_group),
            col(p.fund_code),
            _sum(prior).label("prior"),
            _sum(and_(moved, kind.like("assessment.%"))).label("assessed"),
            _sum(and_(moved, kind == "receipt"), -1).label("received"),
            _sum(and_(moved, kind.in_(CREDIT_TYPES)), -1).label("credits"),
            _sum(
                and_(moved, ~kind.like("assessment.%"), kind != "receipt", ~kind.in_(CREDIT_TYPES))
            ).label("adjustments"),
            _sum(in_years).label("outstanding"),
            _sum(and_(receivable, col(p.assessment_year) == year)).label("year_outstanding"),
            _sum(col(a.account_type) == AccountType.STATE_CREDIT.value, -1).label("advances"),
        )
        .join(a, col(a.id) == col(p.account_id))
        .join(e, col(e.seq) == col(p.entry_seq))
        .outerjoin(original, col(original.seq) == col(e.reverses_seq))
        .join(State, col(State.code) == col(p.state_code))
        .where(*where)
        .group_by(col(p.state_code), col(State.name), col(State.regional_group), col(p.fund_code))
    )


def contributions(
    session: Session,
    *,
    year: int,
    as_at: date,
    known_at: datetime | None = None,
    funds: list[str] | None = None,
) -> pd.DataFrame:
    """The status of contributions as a DataFrame (columns ``COLUMNS`` plus ``status``),
    one row per State and fund with anything to show, sorted by fund then State name."""
    rows = (
        session.connection()
        .execute(contributions_query(year=year, as_at=as_at, known_at=known_at, funds=funds))
        .all()
    )
    frame = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    frame[list(AMOUNTS)] = frame[list(AMOUNTS)].astype("int64")
    shown = (frame[list(AMOUNTS)] != 0).any(axis=1)
    frame = frame[shown].sort_values(["fund", "state_name"], kind="stable")
    frame["status"] = status_of(frame["assessed"], frame["year_outstanding"])
    return frame.reset_index(drop=True)


def status_of(assessed: pd.Series, year_outstanding: pd.Series) -> pd.Series:
    """paid / partial / unpaid / none for each row (or State) from its year's figures."""
    status = pd.Series("partial", index=assessed.index, dtype="object")
    status[year_outstanding <= 0] = "paid"
    status[(year_outstanding >= assessed) & (assessed > 0)] = "unpaid"
    status[assessed <= 0] = "none"
    return status


def by_state(frame: pd.DataFrame) -> pd.DataFrame:
    """The figures summed over funds per State, with the State's status for the year."""
    states = (
        frame.groupby(["state_code", "state_name"], as_index=False, sort=False)[list(AMOUNTS)]
        .sum()
        .sort_values("state_name", kind="stable")
    )
    states["status"] = status_of(states["assessed"], states["year_outstanding"])
    return states.reset_index(drop=True)


# --- the reports -------------------------------------------------------------------------

STATUS = Column("status", "status.col.status", ColumnKind.LABEL, labels="status.", width=14)


def _money(key: str) -> Column:
    return Column(key, f"status.col.{key}", ColumnKind.MONEY, total=True)


def check_year(request: ReportRequest) -> None:
    if request.as_at < date(request.year, 1, 1):
        raise ValidationFailed(
            "as_at is before the year reported on",
            fields={"as_at": f"must be on or after {request.year}-01-01"},
        )


def status_report(session: Session, request: ReportRequest) -> Report:
    """The status of contributions for ``request.year`` as at ``(as_at, known_at)``."""
    check_year(request)
    frame = contributions(
        session, year=request.year, as_at=request.as_at, known_at=request.known_at
    )
    states = by_state(frame)
    funds = frame.groupby("fund", as_index=False, sort=True)[list(AMOUNTS)].sum()
    funds["collected"] = funds["assessed"] - funds["year_outstanding"]
    funds["collection_rate"] = rate(funds["collected"], funds["assessed"])
    counts = (
        states[states["status"] != "none"]
        .groupby("status", as_index=False)
        .agg(
            states=("state_code", "count"),
            assessed=("assessed", "sum"),
            year_outstanding=("year_outstanding", "sum"),
        )
    )
    order = {"paid": 0, "partial": 1, "unpaid": 2}
    counts = counts.sort_values("status", key=lambda s: s.map(order)).reset_index(drop=True)
    assessed = int(funds["assessed"].sum())
    collected = int(funds["collected"].sum())
    tally = dict(zip(counts["status"], counts["states"], strict=True))
    facts = (
        Fact("assessed", "status.fact.assessed", ColumnKind.MONEY, assessed),
        Fact("collected", "status.fact.collected", ColumnKind.MONEY, collected),
        Fact(
            "collection_rate",
            "status.fact.collection_rate",
            ColumnKind.RATE,
            plain(rate(pd.Series([collected]), pd.Series([assessed])).iloc[0]),
        ),
        Fact("prior", "status.fact.prior", ColumnKind.MONEY, int(funds["prior"].sum())),
        Fact(
            "outstanding",
            "status.fact.outstanding",
            ColumnKind.MONEY,
            int(funds["outstanding"].sum()),
        ),
        Fact("paid", "status.fact.paid", ColumnKind.INTEGER, int(tally.get("paid", 0))),
        Fact("partial", "status.fact.partial", ColumnKind.INTEGER, int(tally.get("partial", 0))),
        Fact("unpaid", "status.fact.unpaid", ColumnKind.INTEGER, int(tally.get("unpaid", 0))),
        *reserve_facts(position(session, as_at=request.as_at, known_at=request.known_at)),
    )
    detail = (
        FUND_CODE,
        STATE_CODE,
        STATE_NAME,
        STATUS,
        *(
            _money(k)
            for k in (
                "prior",
                "assessed",
                "received",
                "credits",
                "adjustments",
                "outstanding",
                "advances",
            )
        ),
    )
    return Report(
        name="status-of-contributions",
        title="status.title",
        as_at=request.as_at,
        known_at=request.known_at,
        demo=is_demo(session),
        parameters={"year": str(request.year)},
        subtitle="status.subtitle",
        facts=facts,
        tables=(
            Table(
                "funds",
                "status.table.funds",
                (
                    FUND_NAME,
                    *(_money(k) for k in ("prior", "assessed", "collected", "outstanding")),
                    Column("collection_rate", "status.col.collection_rate", ColumnKind.RATE),
                ),
                funds,
                chart=Chart(ChartKind.BAR, "fund", ("assessed", "collected"), "status.chart.funds"),
            ),
            Table(
                "contributions",
                "status.table.contributions",
                detail,
                frame,
                total_by="fund",
                note="status.note.signs",
                on_page=False,
            ),
            Table(
                "states",
                "status.table.states",
                (STATE_CODE, STATE_NAME, STATUS, *detail[4:]),
                states,
                note="status.note.signs",
            ),
            Table(
                "by_status",
                "status.table.by_status",
                (
                    STATUS,
                    Column("states", "status.col.states", ColumnKind.INTEGER, total=True),
                    _money("assessed"),
                    _money("year_outstanding"),
                ),
                counts,
                chart=Chart(
                    ChartKind.BAR,
                    "status",
                    ("assessed", "year_outstanding"),
                    "status.chart.by_status",
                ),
            ),
        ),
    )
