"""Budgets and methodology versions (decisions of the CSP, recorded by finance officers)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import OfficerDep, PageDep, ReaderDep, SessionDep
from api.errors import error_responses
from api.schemas import Page
from finance_core.assessments import methodology
from finance_core.assessments.methodology import MethodologyIn, MethodologyOut
from finance_core.budgets import service
from finance_core.budgets.schemas import BudgetIn, BudgetOut, VersionIn
from finance_core.db_types import utctoday

router = APIRouter(tags=["budgets"])

AsAt = Annotated[date | None, Query(description="Version in force as at (default today).")]


@router.get("/budgets", response_model=Page[BudgetOut], responses=error_responses(401, 403, 422))
def list_budgets(
    session: SessionDep,
    _actor: ReaderDep,
    window: PageDep,
    fund: str | None = None,
    year: int | None = None,
    as_at: AsAt = None,
) -> Page[BudgetOut]:
    """Budgets with the version in force as at a date."""
    limit, offset = window
    rows = service.list_budgets(session, fund=fund, year=year)
    items = [
        service.budget_out(session, b, as_at or utctoday()) for b in rows[offset : offset + limit]
    ]
    return Page(items=items, total=len(rows), limit=limit, offset=offset)


@router.get(
    "/budgets/{budget_id}", response_model=BudgetOut, responses=error_responses(401, 403, 404, 422)
)
def get_budget(
    budget_id: int, session: SessionDep, _actor: ReaderDep, as_at: AsAt = None
) -> BudgetOut:
    """A budget, the version in force as at a date with its lines, and every version."""
    return service.budget_out(session, service.get_budget(session, budget_id), as_at or utctoday())


@router.post(
    "/budgets",
    response_model=BudgetOut,
    status_code=201,
    responses=error_responses(401, 403, 404, 409, 422),
)
def adopt_budget(data: BudgetIn, session: SessionDep, actor: OfficerDep) -> BudgetOut:
    """Record a budget adopted by the CSP: its lines, and funds carried over."""
    budget = service.adopt_budget(session, actor=actor, data=data)
    return service.budget_out(session, budget, data.adopted_on)


@router.post(
    "/budgets/{budget_id}/revisions",
    response_model=BudgetOut,
    status_code=201,
    responses=error_responses(401, 403, 404, 409, 422),
)
def revise_budget(
    budget_id: int, data: VersionIn, session: SessionDep, actor: OfficerDep
) -> BudgetOut:
    """Record a revision (every line with its new amount; lines left out become zero)."""
    service.revise_budget(session, actor=actor, budget_id=budget_id, data=data)
    return service.budget_out(session, service.get_budget(session, budget_id), data.adopted_on)


@router.get(
    "/methodologies", response_model=Page[MethodologyOut], responses=error_responses(401, 403, 422)
)
def list_methodologies(
    session: SessionDep, _actor: ReaderDep, fund: str | None = None
) -> Page[MethodologyOut]:
    """Methodology versions by fund and first year."""
    rows = [methodology.to_out(v) for v in methodology.list_versions(session, fund_code=fund)]
    return Page.whole(rows)


@router.post(
    "/methodologies",
    response_model=MethodologyOut,
    status_code=201,
    responses=error_responses(401, 403, 404, 409, 422),
)
def adopt_methodology(
    data: MethodologyIn, session: SessionDep, actor: OfficerDep
) -> MethodologyOut:
    """Record how a fund's budgets are assessed from a year on (a CSP decision)."""
    return methodology.to_out(methodology.adopt(session, actor=actor, data=data))
