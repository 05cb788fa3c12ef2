"""Conferences of States Parties."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import OfficerDep, PageDep, ReaderDep, SessionDep
from api.errors import error_responses
from api.schemas import Page
from finance_core.conferences import service
from finance_core.conferences.schemas import (
    ConferenceCreate,
    ConferenceDetail,
    ConferencePublic,
    RegistrationIn,
)

router = APIRouter(prefix="/conferences", tags=["conferences"])


class RegistrationResult(BaseModel):
    added: int


@router.get("", response_model=Page[ConferencePublic], responses=error_responses(401, 403, 422))
def list_conferences(
    session: SessionDep, _actor: ReaderDep, window: PageDep
) -> Page[ConferencePublic]:
    """Every CSP, newest first."""
    limit, offset = window
    rows = service.list_conferences(session)
    return Page.window(rows, limit=limit, offset=offset)


@router.get(
    "/{number}", response_model=ConferenceDetail, responses=error_responses(401, 403, 404, 422)
)
def get_conference(number: int, session: SessionDep, _actor: ReaderDep) -> ConferenceDetail:
    """A CSP with the States registered for it (who pay its budget)."""
    return service.conference_detail(session, number)


@router.post(
    "",
    response_model=ConferencePublic,
    status_code=201,
    responses=error_responses(401, 403, 409, 422),
)
def create_conference(
    data: ConferenceCreate, session: SessionDep, actor: OfficerDep
) -> ConferencePublic:
    """Record a CSP session."""
    conference = service.create_conference(session, actor=actor, data=data)
    return ConferencePublic(**conference.model_dump(), registered=0)


@router.post(
    "/{number}/registrations",
    response_model=RegistrationResult,
    responses=error_responses(401, 403, 404, 422),
)
def register(
    number: int, registrations: list[RegistrationIn], session: SessionDep, actor: OfficerDep
) -> RegistrationResult:
    """Register States for a CSP, each in its capacity."""
    added = service.register_states(
        session, actor=actor, number=number, registrations=registrations
    )
    return RegistrationResult(added=added)
