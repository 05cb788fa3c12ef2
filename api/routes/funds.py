"""Funds."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import OfficerDep, ReaderDep, SessionDep
from api.errors import error_responses
from api.schemas import Page
from finance_core.funds import service
from finance_core.funds.models import FundCreate, FundPublic

router = APIRouter(prefix="/funds", tags=["funds"])


@router.get("", response_model=Page[FundPublic], responses=error_responses(401, 403))
def list_funds(session: SessionDep, _actor: ReaderDep) -> Page[FundPublic]:
    """Every fund (assessed, reserve, voluntary)."""
    funds = [
        FundPublic.model_validate(f, from_attributes=True) for f in service.list_funds(session)
    ]
    return Page.whole(funds)


@router.post(
    "",
    response_model=FundPublic,
    status_code=201,
    responses=error_responses(401, 403, 409, 422),
)
def create_fund(data: FundCreate, session: SessionDep, actor: OfficerDep) -> FundPublic:
    """Add a fund (e.g. a named project); its ledger accounts are created with it."""
    fund = service.create_fund(session, actor=actor, data=data)
    return FundPublic.model_validate(fund, from_attributes=True)
