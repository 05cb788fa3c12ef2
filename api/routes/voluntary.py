"""Voluntary funds: donors and their statements, pledges, receipts matched to pledges,
projects and their reports, sponsored delegates, disbursements, the balances per fund
and earmark, and the reconciliation with the ledger."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import OfficerDep, PageDep, ReaderDep, SessionDep, as_utc
from api.errors import error_responses
from api.files import file_response, file_responses
from api.idempotency import IdempotencyDep
from api.schemas import Page, Year
from finance_core.db_types import utctoday
from finance_core.errors import NotFound
from finance_core.payments.schemas import ReversalIn, UsdConfirmationIn
from finance_core.system.service import is_demo
from finance_core.voluntary import queries, service
from finance_core.voluntary.models import DisbursementKind, DonorKind, ProjectStatus
from finance_core.voluntary.queries import ReconciliationOut
from finance_core.voluntary.schemas import (
    BalancesOut,
    DisbursementIn,
    DisbursementOut,
    DonorIn,
    DonorOut,
    DonorUpdate,
    PledgeIn,
    PledgeOut,
    ProjectIn,
    ProjectOut,
    ReportIn,
    SponsorshipIn,
    SponsorshipOut,
    VoluntaryReceiptIn,
    VoluntaryReceiptOut,
    WithdrawalIn,
)
from reports import donor_statement as statements
from reports.donor_statement import DonorStatementFormat, DonorStatementOut
from reports.i18n import Language

router = APIRouter(tags=["voluntary funds"])

AsAt = Annotated[date | None, Query(description="Value-date cutoff (default today).")]
KnownAt = Annotated[datetime | None, Query(description="Recording cutoff (UTC; default now).")]
FundQuery = Annotated[str | None, Query(description="A voluntary fund, e.g. VTF or SPP.")]
_LIST_ERRORS = error_responses(401, 403, 422)
_READ_ERRORS = error_responses(401, 403, 404, 422)
_WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


# --- donors -----------------------------------------------------------------------------


@router.get("/donors", response_model=Page[DonorOut], responses=_LIST_ERRORS)
def list_donors(
    session: SessionDep, _actor: ReaderDep, window: PageDep, kind: DonorKind | None = None
) -> Page[DonorOut]:
    """Donors by name, optionally of one kind (``state`` or ``organisation``)."""
    limit, offset = window
    rows, total = service.list_donors(session, kind=kind, limit=limit, offset=offset)
    return Page(items=[service.donor_out(d) for d in rows], total=total, limit=limit, offset=offset)


@router.post("/donors", response_model=DonorOut, status_code=201, responses=_WRITE_ERRORS)
def create_donor(data: DonorIn, session: SessionDep, actor: OfficerDep) -> DonorOut:
    """Record a donor: a State (naming its State) or another donor (an organisation, a
    region), with its contact and the language it wants its reports in. A name is
    recorded once."""
    return service.donor_out(service.create_donor(session, actor=actor, data=data))


@router.get("/donors/{donor_id}", response_model=DonorOut, responses=_READ_ERRORS)
def get_donor(donor_id: int, session: SessionDep, _actor: ReaderDep) -> DonorOut:
    """One donor with its contact and reporting preferences."""
    return service.donor_out(service.get_donor(session, donor_id=donor_id))


@router.patch("/donors/{donor_id}", response_model=DonorOut, responses=_WRITE_ERRORS)
def update_donor(
    donor_id: int, data: DonorUpdate, session: SessionDep, actor: OfficerDep
) -> DonorOut:
    """Change a donor's contact details or reporting preferences: the fields sent
    change, the others stay."""
    return service.donor_out(
        service.update_donor(session, actor=actor, donor_id=donor_id, data=data)
    )


@router.get(
    "/donors/{donor_id}/statement",
    response_class=Response,
    responses={
        **file_responses(
            "The statement as JSON (DonorStatementOut), CSV, xlsx or PDF.",
            statements.MEDIA_TYPES.values(),
        ),
        200: {
            "model": DonorStatementOut,
            "description": "The statement as JSON (DonorStatementOut), CSV, xlsx or PDF.",
            "content": {media: {} for media in statements.MEDIA_TYPES.values()},
        },
    },
)
def get_donor_statement(
    donor_id: int,
    session: SessionDep,
    _actor: ReaderDep,
    year: Annotated[Year | None, Query(description="Calendar year (default as_at's).")] = None,
    as_at: AsAt = None,
    known_at: KnownAt = None,
    format: DonorStatementFormat = DonorStatementFormat.JSON,
    language: Annotated[
        Language | None,
        Query(description="Labels of the xlsx and PDF (default the donor's language)."),
    ] = None,
) -> Response:
    """A donor's statement for a year: the pledges made in the year or outstanding at
    its start (with what was received, withdrawn and is outstanding, in the pledge's
    currency), the receipts of the year (original amount and US dollars), what was spent
    in the year from its money per fund and earmark (its receipts used oldest first) and
    what is unspent, and totals per currency. Figures are as at the end of the year, or
    ``as_at`` if earlier, counting what was recorded by ``known_at``."""
    day = as_at or utctoday()
    donor = service.get_donor(session, donor_id=donor_id)
    data = service.donor_statement(
        session,
        donor_id=donor_id,
        year=year if year is not None else day.year,
        as_at=day,
        known_at=as_utc(known_at),
    )
    words = (language or Language(donor.language)).value
    body = statements.render(data, format, language=words, demo=is_demo(session))
    return file_response(body, statements.MEDIA_TYPES[format], statements.filename(data, format))


# --- pledges ----------------------------------------------------------------------------


class PledgeStatus(StrEnum):
    OPEN = "open"
    PARTLY_RECEIVED = "partly_received"
    FULFILLED = "fulfilled"
    WITHDRAWN = "withdrawn"


@router.get("/pledges", response_model=Page[PledgeOut], responses=_LIST_ERRORS)
def list_pledges(
    session: SessionDep,
    _actor: ReaderDep,
    window: PageDep,
    donor_id: int | None = None,
    fund: FundQuery = None,
    status: PledgeStatus | None = None,
) -> Page[PledgeOut]:
    """Pledges, newest first, optionally of one donor, fund or status."""
    limit, offset = window
    ids, total = queries.list_pledges(
        session,
        donor_id=donor_id,
        fund=fund,
        status=status.value if status else None,
        limit=limit,
        offset=offset,
    )
    return Page(
        items=[service.pledge_out(session, i) for i in ids],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.post("/pledges", response_model=PledgeOut, status_code=201, responses=_WRITE_ERRORS)
def record_pledge(
    data: PledgeIn, session: SessionDep, actor: OfficerDep, idem: IdempotencyDep
) -> Response:
    """Record a donor's pledge to a voluntary fund (under an earmark if any), in its
    currency. Nothing posts to the ledger: receipts settle it. An ``Idempotency-Key``
    makes a retry safe."""
    return idem.run(
        actor,
        lambda: service.pledge_out(
            session, service.record_pledge(session, actor=actor, data=data).id or 0
        ),
        status_code=201,
    )


@router.get("/pledges/{pledge_id}", response_model=PledgeOut, responses=_READ_ERRORS)
def get_pledge(pledge_id: int, session: SessionDep, _actor: ReaderDep) -> PledgeOut:
    """One pledge: what receipts settled of it, what was withdrawn, what is outstanding
    and its status."""
    return service.pledge_out(session, pledge_id)


@router.post(
    "/pledges/{pledge_id}/withdrawal",
    response_model=PledgeOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def withdraw_pledge(
    pledge_id: int, data: WithdrawalIn, session: SessionDep, actor: OfficerDep
) -> PledgeOut:
    """Withdraw what is still outstanding of a pledge (the donor will not give it), on or
    after the last receipt that settled any of it."""
    service.withdraw_pledge(session, actor=actor, pledge_id=pledge_id, data=data)
    return service.pledge_out(session, pledge_id)


# --- receipts ---------------------------------------------------------------------------


@router.post(
    "/voluntary-receipts",
    response_model=VoluntaryReceiptOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def record_receipt(
    data: VoluntaryReceiptIn, session: SessionDep, actor: OfficerDep, idem: IdempotencyDep
) -> Response:
    """Record money from a donor into a voluntary fund (under an earmark if any): it
    posts to the fund's bank and voluntary revenue in US dollars (provisional for another
    currency until the bank's figure is confirmed) and settles the donor's open pledges
    of the same fund and earmark, oldest first (``match``: ``"auto"``, ``"none"`` or the
    pledges and amounts). Send an ``Idempotency-Key``: a retry then returns the first
    receipt instead of recording the money twice."""
    return idem.run(
        actor,
        lambda: service.receipt_out(
            session, service.record_receipt(session, actor=actor, data=data).id or 0
        ),
        status_code=201,
    )


@router.get("/voluntary-receipts", response_model=Page[VoluntaryReceiptOut], responses=_LIST_ERRORS)
def list_receipts(
    session: SessionDep,
    _actor: ReaderDep,
    window: PageDep,
    donor_id: int | None = None,
    fund: FundQuery = None,
) -> Page[VoluntaryReceiptOut]:
    """Voluntary receipts, newest first, optionally of one donor or fund."""
    limit, offset = window
    ids, total = queries.list_receipts(
        session, donor_id=donor_id, fund=fund, limit=limit, offset=offset
    )
    return Page(
        items=[service.receipt_out(session, i) for i in ids],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/voluntary-receipts/{receipt_id}", response_model=VoluntaryReceiptOut, responses=_READ_ERRORS
)
def get_receipt(receipt_id: int, session: SessionDep, _actor: ReaderDep) -> VoluntaryReceiptOut:
    """One voluntary receipt: the money, the pledges it settled, its reversal if any."""
    return service.receipt_out(session, receipt_id)


@router.post(
    "/voluntary-receipts/{receipt_id}/reversal",
    response_model=VoluntaryReceiptOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def reverse_receipt(
    receipt_id: int,
    data: ReversalIn,
    session: SessionDep,
    actor: OfficerDep,
    idem: IdempotencyDep,
) -> Response:
    """Reverse a bounced or mistaken receipt: its entries are reversed and it no longer
    settles pledges; nothing is deleted. Refused when its money was already spent."""

    def write() -> VoluntaryReceiptOut:
        service.reverse_receipt(session, actor=actor, receipt_id=receipt_id, data=data)
        return service.receipt_out(session, receipt_id)

    return idem.run(actor, write, status_code=201)


@router.post(
    "/voluntary-receipts/{receipt_id}/usd-confirmation",
    response_model=VoluntaryReceiptOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def confirm_receipt_usd(
    receipt_id: int,
    data: UsdConfirmationIn,
    session: SessionDep,
    actor: OfficerDep,
    idem: IdempotencyDep,
) -> Response:
    """Record the bank's US dollar figure for a receipt recorded at a provisional rate;
    the difference posts to the fund's exchange gain/loss."""

    def write() -> VoluntaryReceiptOut:
        service.confirm_receipt_usd(
            session,
            actor=actor,
            receipt_id=receipt_id,
            usd_amount=data.usd_amount,
            value_on=data.value_on,
        )
        return service.receipt_out(session, receipt_id)

    return idem.run(actor, write, status_code=201)


# --- projects ---------------------------------------------------------------------------


class ProjectStatusIn(BaseModel):
    status: ProjectStatus = Field(description="Only an approved project receives tranches.")


class ReportReceivedIn(BaseModel):
    received_on: date = Field(description="Between the project's approval and today.")


@router.get("/projects", response_model=Page[ProjectOut], responses=_LIST_ERRORS)
def list_projects(
    session: SessionDep,
    _actor: ReaderDep,
    window: PageDep,
    fund: FundQuery = None,
    status: ProjectStatus | None = None,
) -> Page[ProjectOut]:
    """Projects, newest approval first, with what was disbursed and their reports."""
    limit, offset = window
    ids, total = queries.list_projects(
        session, fund=fund, status=status, limit=limit, offset=offset
    )
    return Page(
        items=[service.project_out(session, i) for i in ids],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.post("/projects", response_model=ProjectOut, status_code=201, responses=_WRITE_ERRORS)
def create_project(data: ProjectIn, session: SessionDep, actor: OfficerDep) -> ProjectOut:
    """Record a project approved by the selection committee (its decision's reference),
    paid from a voluntary fund (by default the VTF) and earmark in tranches up to the
    approved US dollar amount."""
    project = service.create_project(session, actor=actor, data=data)
    return service.project_out(session, project.id or 0)


@router.get("/projects/{project_id}", response_model=ProjectOut, responses=_READ_ERRORS)
def get_project(project_id: int, session: SessionDep, _actor: ReaderDep) -> ProjectOut:
    """One project: approved, disbursed, remaining, its status and reports."""
    return service.project_out(session, project_id)


@router.post("/projects/{project_id}/status", response_model=ProjectOut, responses=_WRITE_ERRORS)
def set_project_status(
    project_id: int, data: ProjectStatusIn, session: SessionDep, actor: OfficerDep
) -> ProjectOut:
    """Mark a project completed or cancelled (or approved again)."""
    service.set_project_status(session, actor=actor, project_id=project_id, status=data.status)
    return service.project_out(session, project_id)


@router.post(
    "/projects/{project_id}/reports",
    response_model=ProjectOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def add_project_report(
    project_id: int, data: ReportIn, session: SessionDep, actor: OfficerDep
) -> ProjectOut:
    """Record a report the project's grantee owes by a date; the project is returned
    with its reports."""
    service.add_project_report(session, actor=actor, project_id=project_id, data=data)
    return service.project_out(session, project_id)


@router.post(
    "/projects/{project_id}/reports/{report_id}/received",
    response_model=ProjectOut,
    responses=_WRITE_ERRORS,
)
def mark_report_received(
    project_id: int,
    report_id: int,
    data: ReportReceivedIn,
    session: SessionDep,
    actor: OfficerDep,
) -> ProjectOut:
    """Record the day a project's report arrived."""
    if queries.project_of_report(session, report_id) != project_id:
        raise NotFound(f"project {project_id} has no report {report_id}")
    service.mark_report_received(
        session, actor=actor, report_id=report_id, received_on=data.received_on
    )
    return service.project_out(session, project_id)


# --- sponsorships -----------------------------------------------------------------------


@router.get("/sponsorships", response_model=Page[SponsorshipOut], responses=_LIST_ERRORS)
def list_sponsorships(
    session: SessionDep,
    _actor: ReaderDep,
    window: PageDep,
    meeting: Annotated[str | None, Query(description='e.g. "CSP11".')] = None,
    fund: FundQuery = None,
) -> Page[SponsorshipOut]:
    """Sponsored delegates, newest first, optionally of one meeting or fund."""
    limit, offset = window
    ids, total = queries.list_sponsorships(
        session, meeting=meeting, fund=fund, limit=limit, offset=offset
    )
    return Page(
        items=[service.sponsorship_out(session, i) for i in ids],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.post(
    "/sponsorships", response_model=SponsorshipOut, status_code=201, responses=_WRITE_ERRORS
)
def create_sponsorship(
    data: SponsorshipIn, session: SessionDep, actor: OfficerDep
) -> SponsorshipOut:
    """Record a delegate sponsored to attend a meeting (by default from the SPP), with
    the costs its disbursements may pay (US dollars)."""
    sponsorship = service.create_sponsorship(session, actor=actor, data=data)
    return service.sponsorship_out(session, sponsorship.id or 0)


@router.get("/sponsorships/{sponsorship_id}", response_model=SponsorshipOut, responses=_READ_ERRORS)
def get_sponsorship(sponsorship_id: int, session: SessionDep, _actor: ReaderDep) -> SponsorshipOut:
    """One sponsored delegate: the costs and what was paid of them."""
    return service.sponsorship_out(session, sponsorship_id)


# --- disbursements ----------------------------------------------------------------------


@router.post(
    "/disbursements", response_model=DisbursementOut, status_code=201, responses=_WRITE_ERRORS
)
def record_disbursement(
    data: DisbursementIn, session: SessionDep, actor: OfficerDep, idem: IdempotencyDep
) -> Response:
    """Pay money out of a voluntary fund: a project's tranche, a sponsored delegate's
    costs, or other. It posts to the fund's expenditure against its bank in US dollars
    and is refused (422, ``fields["amount"]`` saying at most how much) beyond what its
    fund and earmark hold on its date or later, what is left of the project's approved
    amount or of the sponsorship's costs. Send an ``Idempotency-Key``: a retry then
    returns the first disbursement instead of paying twice."""
    return idem.run(
        actor,
        lambda: service.disbursement_out(
            session, service.record_disbursement(session, actor=actor, data=data).id or 0
        ),
        status_code=201,
    )


@router.get("/disbursements", response_model=Page[DisbursementOut], responses=_LIST_ERRORS)
def list_disbursements(
    session: SessionDep,
    _actor: ReaderDep,
    window: PageDep,
    fund: FundQuery = None,
    project_id: int | None = None,
    sponsorship_id: int | None = None,
    kind: DisbursementKind | None = None,
) -> Page[DisbursementOut]:
    """Disbursements, newest first, optionally of one fund, project, sponsorship or kind."""
    limit, offset = window
    ids, total = queries.list_disbursements(
        session,
        fund=fund,
        project_id=project_id,
        sponsorship_id=sponsorship_id,
        kind=kind,
        limit=limit,
        offset=offset,
    )
    return Page(
        items=[service.disbursement_out(session, i) for i in ids],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/disbursements/{disbursement_id}", response_model=DisbursementOut, responses=_READ_ERRORS
)
def get_disbursement(
    disbursement_id: int, session: SessionDep, _actor: ReaderDep
) -> DisbursementOut:
    """One disbursement, with its reversal and the bank's US dollar figure if any."""
    return service.disbursement_out(session, disbursement_id)


@router.post(
    "/disbursements/{disbursement_id}/reversal",
    response_model=DisbursementOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def reverse_disbursement(
    disbursement_id: int,
    data: ReversalIn,
    session: SessionDep,
    actor: OfficerDep,
    idem: IdempotencyDep,
) -> Response:
    """Reverse a disbursement (returned by the bank, recorded in error): its entries are
    reversed and its money is available again from the reversal's date."""

    def write() -> DisbursementOut:
        service.reverse_disbursement(
            session, actor=actor, disbursement_id=disbursement_id, data=data
        )
        return service.disbursement_out(session, disbursement_id)

    return idem.run(actor, write, status_code=201)


@router.post(
    "/disbursements/{disbursement_id}/usd-confirmation",
    response_model=DisbursementOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def confirm_disbursement_usd(
    disbursement_id: int,
    data: UsdConfirmationIn,
    session: SessionDep,
    actor: OfficerDep,
    idem: IdempotencyDep,
) -> Response:
    """Record the bank's US dollar figure for a disbursement recorded at a provisional
    rate; the difference posts to the fund's exchange gain/loss."""

    def write() -> DisbursementOut:
        service.confirm_disbursement_usd(
            session,
            actor=actor,
            disbursement_id=disbursement_id,
            usd_amount=data.usd_amount,
            value_on=data.value_on,
        )
        return service.disbursement_out(session, disbursement_id)

    return idem.run(actor, write, status_code=201)


# --- balances and reconciliation --------------------------------------------------------


@router.get("/voluntary-balances", response_model=BalancesOut, responses=_LIST_ERRORS)
def get_balances(
    session: SessionDep, _actor: ReaderDep, as_at: AsAt = None, known_at: KnownAt = None
) -> BalancesOut:
    """Per voluntary fund and earmark (unearmarked first), in US dollars: received (net
    of reversals, at the bank's figures), disbursed likewise, and available."""
    return service.balances_out(session, as_at=as_at or utctoday(), known_at=as_utc(known_at))


@router.get("/voluntary-reconciliation", response_model=ReconciliationOut, responses=_LIST_ERRORS)
def get_reconciliation(
    session: SessionDep, _actor: ReaderDep, as_at: AsAt = None, known_at: KnownAt = None
) -> ReconciliationOut:
    """Every voluntary fund's ledger balances (bank, voluntary revenue, expenditure,
    exchange gain/loss, any other account) against the sums of its receipts and
    disbursements not reversed; ``agrees`` is true when every fund's figures match."""
    return queries.reconciliation_out(session, as_at=as_at or utctoday(), known_at=as_utc(known_at))
