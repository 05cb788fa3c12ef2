"""Annual public updates on progress against the strategic plan, for officers: the
figures an update would freeze, and the proposal of an update (published when a second
finance officer approves it under ``/publications/{id}/approval``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import OfficerDep, ReaderDep, SessionDep, as_utc
from api.errors import error_responses
from finance_core.publication import service as publication
from finance_core.publication.schemas import SnapshotOut
from strategy import annual_update
from strategy.schemas import AnnualUpdateProposalIn

router = APIRouter(tags=["strategy"])

_READ_ERRORS = error_responses(401, 403, 404, 409, 422)
_WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


@router.get(
    "/strategy/plans/{plan_id}/annual-updates/figures",
    response_model=dict[str, Any],
    responses=_READ_ERRORS,
)
def update_figures(
    plan_id: int,
    session: SessionDep,
    _actor: ReaderDep,
    year: Annotated[int, Query(description="The year reported on.")],
    as_at: Annotated[date, Query(description="Value-date cutoff (e.g. 31 December).")],
    known_at: Annotated[datetime | None, Query(description="Recording cutoff (UTC).")] = None,
) -> dict[str, Any]:
    """The figures an update for ``year`` would freeze as at ``(as_at, known_at)``: per
    goal its status, cost, objectives and indicators (narratives empty). Stores nothing."""
    return annual_update.figures(
        session, plan_id=plan_id, year=year, as_at=as_at, known_at=as_utc(known_at)
    ).data


@router.post(
    "/strategy/plans/{plan_id}/annual-updates",
    response_model=SnapshotOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def propose_update(
    plan_id: int, data: AnnualUpdateProposalIn, session: SessionDep, actor: OfficerDep
) -> SnapshotOut:
    """Propose the update for ``year``: its figures as at ``(as_at, known_at)`` and one
    narrative per goal are frozen as a draft snapshot (kind ``strategy.annual_update``,
    scope ``<plan code>/<year>``) with its JSON and CSV files. Another finance officer
    publishes it (``POST /publications/{id}/approval``); until then it is a draft that
    the public never sees."""
    snapshot = annual_update.propose_update(
        session,
        actor=actor,
        plan_id=plan_id,
        year=data.year,
        as_at=data.as_at,
        known_at=as_utc(data.known_at),
        data=data,
    )
    return publication.snapshot_out(session, snapshot)
