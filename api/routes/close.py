"""The year-end close of a fund (proposed by one finance officer, approved by another),
the year's surplus, the simulation of the CSP's options, and its surplus decision."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import OfficerDep, ReaderDep, SessionDep, as_utc
from api.errors import error_responses
from api.idempotency import IdempotencyDep
from api.schemas import Page, Year
from finance_core.close import service
from finance_core.close import surplus as pure
from finance_core.close.schemas import (
    CloseApprovalIn,
    CloseOut,
    CloseProposalIn,
    PartIn,
    SimulationOut,
    SurplusDecisionIn,
    SurplusDecisionOut,
    SurplusOut,
)
from finance_core.db_types import utctoday

router = APIRouter(tags=["year-end close"])

KnownAt = Annotated[datetime | None, Query(description="Recording cutoff (UTC; default now).")]
_READ_ERRORS = error_responses(401, 403, 404, 422)
_WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


@router.get("/year-end/{fund}/{year}/surplus", response_model=SurplusOut, responses=_READ_ERRORS)
def get_surplus(
    fund: str, year: Year, session: SessionDep, _actor: ReaderDep, known_at: KnownAt = None
) -> SurplusOut:
    """The fund-year's surplus or deficit on an accrual basis (assessed, voluntary and
    other revenue plus exchange gain/loss, minus write-offs and expenditure) and on a cash
    basis (collected by 31 December on the year's assessments minus spent in the year):
    the close's frozen figures once proposed, else the ledger's as known at
    ``known_at``."""
    return service.surplus_out(session, fund=fund, year=year, known_at=as_utc(known_at))


@router.get(
    "/year-end/{fund}/{year}/simulation", response_model=SimulationOut, responses=_READ_ERRORS
)
def simulate(
    fund: str,
    year: Year,
    session: SessionDep,
    _actor: ReaderDep,
    as_at: Annotated[
        date | None, Query(description="The decision date: payments as at then (default today).")
    ] = None,
    known_at: KnownAt = None,
    split_percent: Annotated[
        list[str] | None,
        Query(description="A split to show: this percent to the States, the rest to the reserve."),
    ] = None,
    split_amount: Annotated[
        list[str] | None,
        Query(description="A split to show: this amount to the States, the rest to the reserve."),
    ] = None,
    credit_rule: Annotated[
        pure.CreditRule, Query(description="Which States share the splits' credit.")
    ] = pure.CreditRule.PRO_RATA_ASSESSED,
) -> SimulationOut:
    """What each choice would do with the surplus, side by side (nothing is stored):
    everything credited to the States in proportion to their assessments, everything to
    the States that had paid that year in full, everything to the reserve, and each split
    asked for. Per option: each State's credit, its balance after and its next-year
    assessment less the credit; the reserve's balance after and the months of spending it
    covers."""
    options: list[pure.Option] = []
    for p in split_percent or []:
        part = service.part_of(PartIn(percent=p), "split_percent")
        options.append(pure.option_for_split(f"split_{p}_percent", part, None, credit_rule))
    for a in split_amount or []:
        part = service.part_of(PartIn(amount=a), "split_amount")
        options.append(pure.option_for_split(f"split_{a}_usd", part, None, credit_rule))
    result = service.simulation(
        session,
        fund=fund,
        year=year,
        as_at=as_at or utctoday(),
        known_at=as_utc(known_at),
        options=options,
    )
    return service.simulation_out(result)


@router.post(
    "/year-end/{fund}/{year}/close",
    response_model=CloseOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def propose_close(
    fund: str, year: Year, data: CloseProposalIn, session: SessionDep, actor: OfficerDep
) -> CloseOut:
    """Propose the close of a fund-year: its figures are computed and frozen; a second
    finance officer approves it (a pending proposal of the same year is superseded)."""
    close = service.propose_close(session, actor=actor, fund=fund, year=year, note=data.note)
    return service.close_out(close)


@router.post(
    "/year-end/closes/{close_id}/approval", response_model=CloseOut, responses=_WRITE_ERRORS
)
def approve_close(
    close_id: int, data: CloseApprovalIn, session: SessionDep, actor: OfficerDep
) -> CloseOut:
    """Approve a proposed close as a finance officer other than its proposer (403 for
    the proposer): the closing entry posts on 31 December, moving the year's income and
    expenditure into the accumulated surplus, and the year closes for the fund for good
    (no posting dated in it is accepted any more; there is no reopening)."""
    close = service.approve_close(session, actor=actor, close_id=close_id, reference=data.reference)
    return service.close_out(close)


@router.get("/year-end/closes", response_model=Page[CloseOut], responses=_READ_ERRORS)
def list_closes(
    session: SessionDep, _actor: ReaderDep, fund: str | None = None, year: int | None = None
) -> Page[CloseOut]:
    """Closes, latest year first (superseded proposals included)."""
    rows = [service.close_out(c) for c in service.list_closes(session, fund=fund, year=year)]
    return Page.whole(rows)


@router.post(
    "/year-end/{fund}/{year}/surplus-decision",
    response_model=SurplusDecisionOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def record_decision(
    fund: str,
    year: Year,
    data: SurplusDecisionIn,
    session: SessionDep,
    actor: OfficerDep,
    idem: IdempotencyDep,
) -> Response:
    """Record the CSP's decision on the surplus of a closed year and post it on its date:
    credited to the States (pro rata to their assessments, or only to those that had paid
    in full), to the reserve, or split. Send an ``Idempotency-Key``."""

    def write() -> SurplusDecisionOut:
        decision = service.record_decision(session, actor=actor, fund=fund, year=year, data=data)
        return service.decision_out(session, decision)

    return idem.run(actor, write, status_code=201)


@router.get(
    "/year-end/surplus-decisions", response_model=Page[SurplusDecisionOut], responses=_READ_ERRORS
)
def list_decisions(
    session: SessionDep, _actor: ReaderDep, fund: str | None = None, year: int | None = None
) -> Page[SurplusDecisionOut]:
    """Surplus decisions, latest year first, with each State's credit."""
    rows = [
        service.decision_out(session, d)
        for d in service.list_decisions(session, fund=fund, year=year)
    ]
    return Page.whole(rows)
