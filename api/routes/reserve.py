"""The reserve (Working Capital Fund): its position, target rules and movements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import OfficerDep, PageDep, ReaderDep, SessionDep, as_utc
from api.errors import error_responses
from api.idempotency import IdempotencyDep
from api.schemas import Page
from finance_core.db_types import utctoday
from finance_core.reserve import service
from finance_core.reserve.models import MovementKind
from finance_core.reserve.schemas import (
    MovementIn,
    MovementOut,
    ReservePositionOut,
    TargetRuleIn,
    TargetRuleOut,
)

router = APIRouter(tags=["reserve"])

AsAt = Annotated[date | None, Query(description="Value-date cutoff (default today).")]
KnownAt = Annotated[datetime | None, Query(description="Recording cutoff (UTC; default now).")]
_READ_ERRORS = error_responses(401, 403, 422)
_WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


@router.get("/reserve", response_model=ReservePositionOut, responses=_READ_ERRORS)
def get_position(
    session: SessionDep, _actor: ReaderDep, as_at: AsAt = None, known_at: KnownAt = None
) -> ReservePositionOut:
    """The reserve as at ``(as_at, known_at)``: its balance (WCF.reserve), the cash it
    holds, draw-downs not yet replenished and surplus transfers not yet paid over, what
    is available for a draw-down, the target under the rule in force, the gap, and the
    months of planned spending (annual budget ÷ 12) the balance covers."""
    position = service.position(session, as_at=as_at or utctoday(), known_at=as_utc(known_at))
    return service.position_out(position)


@router.get("/reserve/rules", response_model=Page[TargetRuleOut], responses=_READ_ERRORS)
def list_rules(session: SessionDep, _actor: ReaderDep) -> Page[TargetRuleOut]:
    """The dated target rules, oldest first, each with the decision that adopted it."""
    rows = [service.rule_out(r) for r in service.list_rules(session)]
    return Page.whole(rows)


@router.post(
    "/reserve/rules", response_model=TargetRuleOut, status_code=201, responses=_WRITE_ERRORS
)
def adopt_rule(data: TargetRuleIn, session: SessionDep, actor: OfficerDep) -> TargetRuleOut:
    """Record a target rule adopted by a decision, in force from its date: a percentage
    of the annual budget of the named funds, or a number of months of planned spending."""
    return service.rule_out(service.adopt_rule(session, actor=actor, data=data))


@router.get("/reserve/movements", response_model=Page[MovementOut], responses=_READ_ERRORS)
def list_movements(
    session: SessionDep,
    _actor: ReaderDep,
    window: PageDep,
    kind: MovementKind | None = None,
    fund: Annotated[str | None, Query(description="The other fund, e.g. SEC.")] = None,
) -> Page[MovementOut]:
    """Movements of the reserve, newest first, each with its reference and entry."""
    limit, offset = window
    rows, total = service.list_movements(session, kind=kind, fund=fund, limit=limit, offset=offset)
    return Page(
        items=[service.movement_out(m) for m in rows], total=total, limit=limit, offset=offset
    )


@router.post(
    "/reserve/movements", response_model=MovementOut, status_code=201, responses=_WRITE_ERRORS
)
def record_movement(
    data: MovementIn, session: SessionDep, actor: OfficerDep, idem: IdempotencyDep
) -> Response:
    """Record a voluntary contribution to the reserve, a draw-down (with its approval's
    reference; refused beyond what is available), a replenishment, or the settlement of
    a surplus transfer. Send an ``Idempotency-Key``: a retry returns the first movement."""
    return idem.run(
        actor,
        lambda: service.movement_out(service.record_movement(session, actor=actor, data=data)),
        status_code=201,
    )
