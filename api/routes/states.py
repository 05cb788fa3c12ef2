"""States, membership and their import."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile

from api.deps import OfficerDep, PageDep, ReaderDep, SessionDep
from api.errors import error_responses
from api.schemas import Page
from finance_core.db_types import utctoday
from finance_core.states import importer, service
from finance_core.states.membership import Status
from finance_core.states.schemas import (
    ImportResult,
    MembershipEventCreate,
    MembershipEventPublic,
    StateDetail,
    StatePublic,
)

router = APIRouter(prefix="/states", tags=["states"])

AsAt = Annotated[date | None, Query(description="Status as at this date (default: today).")]

#: Largest file the import accepts (bytes).
MAX_IMPORT_BYTES = 5 * 1024 * 1024


@router.get("", response_model=Page[StatePublic], responses=error_responses(401, 403, 422))
def list_states(
    session: SessionDep,
    _actor: ReaderDep,
    window: PageDep,
    as_at: AsAt = None,
    status: Status | None = None,
    regional_group: str | None = None,
    search: Annotated[str | None, Query(description="Part of the name, or the code.")] = None,
) -> Page[StatePublic]:
    """States with their treaty status and LDC flag as at a date."""
    limit, offset = window
    rows = service.list_states(
        session,
        as_at=as_at or utctoday(),
        status=status,
        regional_group=regional_group,
        search=search,
    )
    return Page.window(rows, limit=limit, offset=offset)


@router.get("/{code}", response_model=StateDetail, responses=error_responses(401, 403, 404, 422))
def get_state(code: str, session: SessionDep, _actor: ReaderDep, as_at: AsAt = None) -> StateDetail:
    """One State with its membership history."""
    return service.state_detail(session, code, as_at=as_at or utctoday())


@router.post(
    "/{code}/membership-events",
    response_model=MembershipEventPublic,
    status_code=201,
    responses=error_responses(401, 403, 404, 409, 422),
)
def add_membership_event(
    code: str, data: MembershipEventCreate, session: SessionDep, actor: OfficerDep
) -> MembershipEventPublic:
    """Record a signature, a deposit (entry into force follows the treaty) or a withdrawal."""
    event = service.add_event(session, actor=actor, state_code=code, data=data)
    return MembershipEventPublic.model_validate(event, from_attributes=True)


@router.post(
    "/import",
    response_model=ImportResult,
    responses=error_responses(401, 403, 422),
)
async def import_states(
    session: SessionDep,
    actor: OfficerDep,
    file: Annotated[UploadFile, File(description="CSV or XLSX, one row per State.")],
) -> ImportResult:
    """Import States and membership: every row is valid, or nothing is written."""
    content = await file.read(MAX_IMPORT_BYTES + 1)
    if len(content) > MAX_IMPORT_BYTES:
        from finance_core.errors import ValidationFailed

        raise ValidationFailed("the file is larger than 5 MB", fields={"file": "too large"})
    return importer.import_states(
        session, actor=actor, content=content, filename=file.filename or "upload.csv"
    )
