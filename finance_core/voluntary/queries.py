"""Read-only lists of the voluntary funds' records (ids, newest first, and how many
match) and the reconciliation with the ledger as the API and the command line show it.
Nothing here writes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlmodel import Session, col

from finance_core.funds.models import Fund, FundKind
from finance_core.money import format_minor
from finance_core.voluntary import service
from finance_core.voluntary.models import (
    Disbursement,
    DisbursementKind,
    Donor,
    Pledge,
    Project,
    ProjectReport,
    ProjectStatus,
    ReceiptPledgeMatch,
    Sponsorship,
    VoluntaryReceipt,
)
from finance_core.voluntary.statement import PledgeLine

#: A pledge's statuses (see ``service.pledge_lines``).
PLEDGE_STATUSES = (service.OPEN, service.PARTLY_RECEIVED, service.FULFILLED, service.WITHDRAWN)


def _fund(code: str | None) -> str | None:
    return code.strip().upper() if code and code.strip() else None


def _page(
    session: Session, query: Any, order: tuple[Any, ...], limit: int, offset: int
) -> tuple[list[int], int]:
    """(ids of the window, how many match) of a ``select(id)`` query."""
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    ids = session.execute(query.order_by(*order).limit(limit).offset(offset)).scalars()
    return [int(i) for i in ids], int(total)


def list_pledges(
    session: Session,
    *,
    donor_id: int | None = None,
    fund: str | None = None,
    status: str | None = None,
    limit: int,
    offset: int,
) -> tuple[list[int], int]:
    """Pledge ids, newest pledge date first, of a donor, fund and status (everything
    recorded counted: the status ``pledge_out`` shows), and how many match."""
    code = _fund(fund)
    if status is None:
        query = select(col(Pledge.id))
        if donor_id is not None:
            query = query.where(col(Pledge.donor_id) == donor_id)
        if code is not None:
            query = query.where(col(Pledge.fund_code) == code)
        order = (col(Pledge.pledged_on).desc(), col(Pledge.id).desc())
        return _page(session, query, order, limit, offset)
    lines = service.pledge_lines(session, as_at=date.max, donor_id=donor_id)
    ids = [
        x.pledge_id
        for x in reversed(lines)
        if x.status == status and (code is None or x.fund == code)
    ]
    return ids[offset : offset + limit], len(ids)


def list_receipts(
    session: Session,
    *,
    donor_id: int | None = None,
    fund: str | None = None,
    limit: int,
    offset: int,
) -> tuple[list[int], int]:
    """Voluntary receipt ids, newest value date first, and how many match."""
    r = VoluntaryReceipt
    query = select(col(r.id))
    if donor_id is not None:
        query = query.where(col(r.donor_id) == donor_id)
    if (code := _fund(fund)) is not None:
        query = query.where(col(r.fund_code) == code)
    return _page(session, query, (col(r.value_on).desc(), col(r.id).desc()), limit, offset)


def list_projects(
    session: Session,
    *,
    fund: str | None = None,
    status: ProjectStatus | None = None,
    limit: int,
    offset: int,
) -> tuple[list[int], int]:
    """Project ids, newest approval first, and how many match."""
    p = Project
    query = select(col(p.id))
    if (code := _fund(fund)) is not None:
        query = query.where(col(p.fund_code) == code)
    if status is not None:
        query = query.where(col(p.status) == status.value)
    return _page(session, query, (col(p.approved_on).desc(), col(p.id).desc()), limit, offset)


def project_of_report(session: Session, report_id: int) -> int | None:
    """The project a report belongs to, or None when there is no such report."""
    report = session.get(ProjectReport, report_id)
    return None if report is None else report.project_id


def list_sponsorships(
    session: Session,
    *,
    meeting: str | None = None,
    fund: str | None = None,
    limit: int,
    offset: int,
) -> tuple[list[int], int]:
    """Sponsorship ids, newest first, of a meeting (e.g. "CSP11") and fund, and how many
    match."""
    s = Sponsorship
    query = select(col(s.id))
    if meeting and meeting.strip():
        query = query.where(col(s.meeting) == meeting.strip())
    if (code := _fund(fund)) is not None:
        query = query.where(col(s.fund_code) == code)
    return _page(session, query, (col(s.id).desc(),), limit, offset)


def list_disbursements(
    session: Session,
    *,
    fund: str | None = None,
    project_id: int | None = None,
    sponsorship_id: int | None = None,
    kind: DisbursementKind | None = None,
    limit: int,
    offset: int,
) -> tuple[list[int], int]:
    """Disbursement ids, newest value date first, and how many match."""
    d = Disbursement
    query = select(col(d.id))
    if (code := _fund(fund)) is not None:
        query = query.where(col(d.fund_code) == code)
    if project_id is not None:
        query = query.where(col(d.project_id) == project_id)
    if sponsorship_id is not None:
        query = query.where(col(d.sponsorship_id) == sponsorship_id)
    if kind is not None:
        query = query.where(col(d.kind) == kind.value)
    return _page(session, query, (col(d.value_on).desc(), col(d.id).desc()), limit, offset)


def donor_names(session: Session) -> dict[int, str]:
    """Every donor's name by id."""
    rows = session.execute(select(col(Donor.id), col(Donor.name))).all()
    return {int(i): str(n) for i, n in rows}


def receipts_of_pledge(session: Session, pledge_id: int) -> list[int]:
    """The ids of the receipts that settled some of a pledge (its instalments), oldest
    value date first; reversed ones included (``service.receipt_out`` says so, and their
    matches no longer count)."""
    r, m = VoluntaryReceipt, ReceiptPledgeMatch
    rows = session.execute(
        select(col(r.id))
        .join(m, col(m.receipt_id) == col(r.id))
        .where(col(m.pledge_id) == pledge_id)
        .order_by(col(r.value_on), col(r.id))
    ).scalars()
    return [int(i) for i in rows]


def open_pledges(session: Session, *, as_at: date) -> list[tuple[int, str, PledgeLine]]:
    """The pledges still open or partly received as at ``as_at`` (everything recorded
    counted), each with its donor's id and name, by donor name then pledge."""
    names = donor_names(session)
    donors = dict(session.execute(select(col(Pledge.id), col(Pledge.donor_id))).all())
    found = [
        (int(donors[x.pledge_id]), names[int(donors[x.pledge_id])], x)
        for x in service.pledge_lines(session, as_at=as_at)
        if x.status in (service.OPEN, service.PARTLY_RECEIVED)
    ]
    return sorted(found, key=lambda item: (item[1], item[2].pledge_id))


# --- the funds at a glance --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PledgeTotal:
    """The pledges to one fund in one currency as at a date (minor units of that
    currency): how many, pledged, received against them, withdrawn, outstanding, and
    how many are still open (open or partly received)."""

    fund: str
    currency: str
    pledges: int
    pledged_minor: int
    received_minor: int
    withdrawn_minor: int
    outstanding_minor: int
    still_open: int


@dataclass(frozen=True, slots=True)
class FundOverview:
    """One voluntary fund as at a date: what it received, paid out and holds (US cents,
    at the bank's figures: the sums of its pools in ``service.balances``), whether its
    ledger agrees with its records (``service.reconcile``), and its pledges per currency."""

    fund: str
    name: str
    received_minor: int
    disbursed_minor: int
    available_minor: int
    agrees: bool
    pledges: tuple[PledgeTotal, ...]


def pledge_totals(
    session: Session,
    *,
    as_at: date,
    known_at: datetime | None = None,
    donor_id: int | None = None,
) -> list[PledgeTotal]:
    """Per fund and currency, the sums of ``service.pledge_lines`` as at ``(as_at,
    known_at)`` (of ``donor_id``'s pledges, if given), by fund then currency."""
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    lines = service.pledge_lines(session, as_at=as_at, known_at=known_at, donor_id=donor_id)
    for line in lines:
        total = sums[(line.fund, line.currency)]
        total[0] += 1
        total[1] += line.amount_minor
        total[2] += line.received_minor
        total[3] += line.withdrawn_minor
        total[4] += line.outstanding_minor
        total[5] += line.status in (service.OPEN, service.PARTLY_RECEIVED)
    return [
        PledgeTotal(fund, currency, *values) for (fund, currency), values in sorted(sums.items())
    ]


def fund_overview(
    session: Session, *, as_at: date, known_at: datetime | None = None
) -> list[FundOverview]:
    """Every voluntary fund, by code, as at ``(as_at, known_at)`` (see ``FundOverview``)."""
    names = dict(
        session.execute(
            select(col(Fund.code), col(Fund.name)).where(col(Fund.kind) == FundKind.VOLUNTARY.value)
        ).all()
    )
    money: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for pool in service.balances(session, as_at=as_at, known_at=known_at):
        money[pool.fund][0] += pool.received_minor
        money[pool.fund][1] += pool.disbursed_minor
    agrees = {f.fund: f.agrees for f in service.reconcile(session, as_at=as_at, known_at=known_at)}
    pledges: dict[str, list[PledgeTotal]] = defaultdict(list)
    for total in pledge_totals(session, as_at=as_at, known_at=known_at):
        pledges[total.fund].append(total)
    return [
        FundOverview(
            fund=str(code),
            name=str(names[code]),
            received_minor=money[code][0],
            disbursed_minor=money[code][1],
            available_minor=money[code][0] - money[code][1],
            agrees=agrees.get(code, True),
            pledges=tuple(pledges[code]),
        )
        for code in sorted(names)
    ]


# --- the reconciliation with the ledger -------------------------------------------------


class FundReconciliationOut(BaseModel):
    """One voluntary fund: its ledger balances (US dollars, debit positive, credit
    negative) against the sums of its receipts and disbursements not reversed."""

    fund: str
    ledger_bank: str
    ledger_revenue: str = Field(description="voluntary_revenue (a credit: negative).")
    ledger_expenditure: str
    ledger_exchange_gain_loss: str = Field(description="A gain is negative (a credit).")
    ledger_other: str = Field(description="Any other account of the fund moved (should be 0).")
    received: str = Field(description="Receipts not reversed, US dollars as posted.")
    received_difference: str = Field(description="Their bank figures' differences.")
    disbursed: str = Field(description="Disbursements not reversed, US dollars as posted.")
    disbursed_difference: str = Field(description="Their bank figures' differences.")
    expected_bank: str = Field(description="Received less disbursed, at the bank's figures.")
    agrees: bool


class ReconciliationOut(BaseModel):
    """Every voluntary fund's ledger against its records as at ``(as_at, known_at)``;
    ``agrees`` when every fund does."""

    as_at: date
    known_at: datetime | None
    agrees: bool
    funds: list[FundReconciliationOut]


def reconciliation_out(
    session: Session, *, as_at: date, known_at: datetime | None = None
) -> ReconciliationOut:
    """``service.reconcile`` with amounts as decimal strings."""
    funds = [
        FundReconciliationOut(
            fund=f.fund,
            ledger_bank=format_minor(f.ledger_bank_minor),
            ledger_revenue=format_minor(f.ledger_revenue_minor),
            ledger_expenditure=format_minor(f.ledger_expenditure_minor),
            ledger_exchange_gain_loss=format_minor(f.ledger_exchange_minor),
            ledger_other=format_minor(f.ledger_other_minor),
            received=format_minor(f.received_minor),
            received_difference=format_minor(f.received_difference_minor),
            disbursed=format_minor(f.disbursed_minor),
            disbursed_difference=format_minor(f.disbursed_difference_minor),
            expected_bank=format_minor(f.expected_bank_minor),
            agrees=f.agrees,
        )
        for f in service.reconcile(session, as_at=as_at, known_at=known_at)
    ]
    return ReconciliationOut(
        as_at=as_at, known_at=known_at, agrees=all(f.agrees for f in funds), funds=funds
    )
