"""The five-year strategic plan: plans and their lifecycle (draft, adopted, closed), goals,
objectives, outputs and activities, indicators with their targets, measurements recorded
by one officer and approved by another, the links of budget lines to objectives, what
each objective and goal costs, and progress against the targets."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import Session

from api.deps import OfficerDep, PageDep, ReaderDep, SessionDep, as_utc
from api.errors import error_responses
from api.files import file_response, file_responses
from api.schemas import Page
from finance_core.db_types import utctoday
from reports.plan_cost import cost_csv
from strategy import service
from strategy.models import PlanElement, PlanStatus
from strategy.schemas import (
    ApprovalIn,
    ElementIn,
    ElementOut,
    ElementUpdate,
    IndicatorIn,
    IndicatorOut,
    LineLinksIn,
    LineLinksOut,
    MeasurementIn,
    MeasurementOut,
    MeasureOut,
    PlanAdoptionIn,
    PlanClosureIn,
    PlanIn,
    PlanOut,
    PlanProgressOut,
    PlanTreeOut,
    PlanUpdate,
)

router = APIRouter(tags=["strategy"])

AsAt = Annotated[date | None, Query(description="Value-date cutoff (default today).")]
KnownAt = Annotated[datetime | None, Query(description="Recording cutoff (UTC; default now).")]
_LIST_ERRORS = error_responses(401, 403, 422)
_READ_ERRORS = error_responses(401, 403, 404, 422)
_WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


class AdoptionProblemsOut(BaseModel):
    """What keeps a draft plan from being adopted (``problems``: field → message)."""

    plan_id: int
    status: PlanStatus
    ready: bool
    problems: dict[str, str]


class CostFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


def _element_out(session: Session, element: PlanElement) -> ElementOut:
    codes = {e.id or 0: e.code for e in service.elements_of(session, plan_id=element.plan_id)}
    return service.element_out(element, codes)


# --- plans ---------------------------------------------------------------------------------


@router.get("/strategy/plans", response_model=Page[PlanOut], responses=_LIST_ERRORS)
def list_plans(
    session: SessionDep, _actor: ReaderDep, status: PlanStatus | None = None
) -> Page[PlanOut]:
    """Strategic plans, latest period first, optionally of one status (``draft``,
    ``adopted``, ``closed``)."""
    return Page.whole([service.plan_out(p) for p in service.list_plans(session, status=status)])


@router.post("/strategy/plans", response_model=PlanOut, status_code=201, responses=_WRITE_ERRORS)
def create_plan(data: PlanIn, session: SessionDep, actor: OfficerDep) -> PlanOut:
    """Create a draft plan covering ``first_year`` to ``first_year + 4``; its code is
    unique."""
    return service.plan_out(service.create_plan(session, actor=actor, data=data))


@router.get("/strategy/plans/{plan_id}", response_model=PlanOut, responses=_READ_ERRORS)
def get_plan(plan_id: int, session: SessionDep, _actor: ReaderDep) -> PlanOut:
    """One plan with its status, adoption and closing."""
    return service.plan_out(service.get_plan(session, plan_id=plan_id))


@router.patch("/strategy/plans/{plan_id}", response_model=PlanOut, responses=_WRITE_ERRORS)
def update_plan(plan_id: int, data: PlanUpdate, session: SessionDep, actor: OfficerDep) -> PlanOut:
    """Change the code, title or description of a draft plan (the fields sent change,
    the others stay); an adopted or closed plan is refused (409)."""
    return service.plan_out(service.update_plan(session, actor=actor, plan_id=plan_id, data=data))


@router.delete("/strategy/plans/{plan_id}", status_code=204, responses=_WRITE_ERRORS)
def delete_plan(plan_id: int, session: SessionDep, actor: OfficerDep) -> None:
    """Delete a draft plan with its structure, indicators and targets (409 once adopted)."""
    service.delete_plan(session, actor=actor, plan_id=plan_id)


@router.get("/strategy/plans/{plan_id}/tree", response_model=PlanTreeOut, responses=_READ_ERRORS)
def get_tree(plan_id: int, session: SessionDep, _actor: ReaderDep) -> PlanTreeOut:
    """The plan with its goals, each with its indicators (and their targets) and the
    objectives, outputs and activities under it, in order."""
    return service.plan_tree(session, plan_id=plan_id)


@router.get(
    "/strategy/plans/{plan_id}/adoption-problems",
    response_model=AdoptionProblemsOut,
    responses=_READ_ERRORS,
)
def get_adoption_problems(
    plan_id: int, session: SessionDep, _actor: ReaderDep
) -> AdoptionProblemsOut:
    """What keeps the plan from being adopted: it needs a goal and an objective, and
    every indicator a target for every year of the plan (``ready``: a draft that nothing
    keeps back; the CSP decision and the other adopted plans are checked on adoption)."""
    plan = service.get_plan(session, plan_id=plan_id)
    problems = service.adoption_problems(session, plan_id=plan_id)
    return AdoptionProblemsOut(
        plan_id=plan_id,
        status=PlanStatus(plan.status),
        ready=plan.status == PlanStatus.DRAFT and not problems,
        problems=problems,
    )


@router.post("/strategy/plans/{plan_id}/adoption", response_model=PlanOut, responses=_WRITE_ERRORS)
def adopt_plan(
    plan_id: int, data: PlanAdoptionIn, session: SessionDep, actor: OfficerDep
) -> PlanOut:
    """Record the CSP decision adopting a draft plan: its structure is then frozen.
    Refused (422, ``fields`` naming what is missing) while the plan is incomplete, and
    (409) while another adopted plan covers one of its years."""
    return service.plan_out(service.adopt_plan(session, actor=actor, plan_id=plan_id, data=data))


@router.post("/strategy/plans/{plan_id}/closure", response_model=PlanOut, responses=_WRITE_ERRORS)
def close_plan(
    plan_id: int, data: PlanClosureIn, session: SessionDep, actor: OfficerDep
) -> PlanOut:
    """Close an adopted plan when it ends (or is replaced); refused while a measurement
    awaits approval. Nothing more is recorded for a closed plan."""
    return service.plan_out(service.close_plan(session, actor=actor, plan_id=plan_id, data=data))


# --- structure -----------------------------------------------------------------------------


@router.post(
    "/strategy/plans/{plan_id}/elements",
    response_model=ElementOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def add_element(
    plan_id: int, data: ElementIn, session: SessionDep, actor: OfficerDep
) -> ElementOut:
    """Add a goal (no parent), an objective under a goal, or an output or activity under
    an objective (``parent_code``) to a draft plan; codes are unique within the plan."""
    element = service.add_element(session, actor=actor, plan_id=plan_id, data=data)
    return _element_out(session, element)


@router.patch("/strategy/elements/{element_id}", response_model=ElementOut, responses=_WRITE_ERRORS)
def update_element(
    element_id: int, data: ElementUpdate, session: SessionDep, actor: OfficerDep
) -> ElementOut:
    """Change the code, title, description or order of an element of a draft plan (the
    fields sent change, the others stay)."""
    element = service.update_element(session, actor=actor, element_id=element_id, data=data)
    return _element_out(session, element)


@router.delete("/strategy/elements/{element_id}", status_code=204, responses=_WRITE_ERRORS)
def delete_element(element_id: int, session: SessionDep, actor: OfficerDep) -> None:
    """Remove an element of a draft plan that has no element or indicator under it (409
    otherwise)."""
    service.delete_element(session, actor=actor, element_id=element_id)


# --- indicators ----------------------------------------------------------------------------


@router.get("/strategy/measures", response_model=Page[MeasureOut], responses=_LIST_ERRORS)
def list_measures(_actor: ReaderDep) -> Page[MeasureOut]:
    """The catalogue of measures computed from the finance data that a ``computed``
    indicator may name, each with its unit."""
    return Page.whole(service.measure_catalogue())


@router.post(
    "/strategy/plans/{plan_id}/indicators",
    response_model=IndicatorOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def add_indicator(
    plan_id: int, data: IndicatorIn, session: SessionDep, actor: OfficerDep
) -> IndicatorOut:
    """Add an indicator with its baseline and targets (exact decimal strings in its unit)
    to a goal or an objective of a draft plan: ``entered`` (measured by officers,
    optionally per category of a disaggregation) or ``computed`` (naming a measure of
    ``/strategy/measures``, with annual targets)."""
    indicator = service.add_indicator(session, actor=actor, plan_id=plan_id, data=data)
    return service.indicator_out(session, indicator)


@router.get(
    "/strategy/indicators/{indicator_id}", response_model=IndicatorOut, responses=_READ_ERRORS
)
def get_indicator(indicator_id: int, session: SessionDep, _actor: ReaderDep) -> IndicatorOut:
    """One indicator with its baseline and targets."""
    return service.indicator_out(session, service.get_indicator(session, indicator_id=indicator_id))


@router.put(
    "/strategy/indicators/{indicator_id}", response_model=IndicatorOut, responses=_WRITE_ERRORS
)
def replace_indicator(
    indicator_id: int, data: IndicatorIn, session: SessionDep, actor: OfficerDep
) -> IndicatorOut:
    """Replace the whole definition and the targets of an indicator of a draft plan."""
    indicator = service.update_indicator(session, actor=actor, indicator_id=indicator_id, data=data)
    return service.indicator_out(session, indicator)


@router.delete("/strategy/indicators/{indicator_id}", status_code=204, responses=_WRITE_ERRORS)
def delete_indicator(indicator_id: int, session: SessionDep, actor: OfficerDep) -> None:
    """Remove an indicator, and its targets, from a draft plan."""
    service.delete_indicator(session, actor=actor, indicator_id=indicator_id)


# --- measurements --------------------------------------------------------------------------


@router.post(
    "/strategy/indicators/{indicator_id}/measurements",
    response_model=MeasurementOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def record_measurement(
    indicator_id: int, data: MeasurementIn, session: SessionDep, actor: OfficerDep
) -> MeasurementOut:
    """Record the value of an entered indicator for a year of its adopted plan (overall,
    or for a ``category`` of its disaggregation), awaiting approval by another person.
    When the year already has a version, ``supersedes`` names the latest (409 otherwise):
    a correction of an approved value, or an edit of one awaiting approval."""
    measurement = service.record_measurement(
        session, actor=actor, indicator_id=indicator_id, data=data
    )
    return service.measurement_out(session, measurement_id=measurement.id or 0)


@router.get("/strategy/measurements", response_model=Page[MeasurementOut], responses=_READ_ERRORS)
def list_measurements(
    session: SessionDep,
    _actor: ReaderDep,
    window: PageDep,
    plan_id: int | None = None,
    indicator_id: int | None = None,
    year: int | None = None,
    known_at: KnownAt = None,
) -> Page[MeasurementOut]:
    """Every version of the measurements (of a plan, an indicator, a year) by indicator,
    year, category and version, each with its status as known at ``known_at``:
    ``pending``, ``replaced`` (never approved), ``approved`` (the value in force) or
    ``superseded`` (approved, then corrected)."""
    if plan_id is not None:
        service.get_plan(session, plan_id=plan_id)
    if indicator_id is not None:
        service.get_indicator(session, indicator_id=indicator_id)
    limit, offset = window
    rows = service.measurement_history(
        session, plan_id=plan_id, indicator_id=indicator_id, year=year, known_at=as_utc(known_at)
    )
    return Page.window(rows, limit=limit, offset=offset)


@router.get(
    "/strategy/measurements/{measurement_id}",
    response_model=MeasurementOut,
    responses=_READ_ERRORS,
)
def get_measurement(
    measurement_id: int, session: SessionDep, _actor: ReaderDep, known_at: KnownAt = None
) -> MeasurementOut:
    """One version of a measurement with its status (and approval) as known at
    ``known_at``."""
    return service.measurement_out(
        session, measurement_id=measurement_id, known_at=as_utc(known_at)
    )


@router.post(
    "/strategy/measurements/{measurement_id}/approval",
    response_model=MeasurementOut,
    responses=_WRITE_ERRORS,
)
def approve_measurement(
    measurement_id: int,
    session: SessionDep,
    actor: OfficerDep,
    data: ApprovalIn | None = None,
) -> MeasurementOut:
    """Approve a measurement awaiting approval as a person other than its author (403
    for the author): it becomes the value in force, replacing any earlier approved
    value, which stays in the history as ``superseded``. The body (a note) may be left
    out."""
    service.approve_measurement(session, actor=actor, measurement_id=measurement_id, data=data)
    return service.measurement_out(session, measurement_id=measurement_id)


# --- budget lines and objectives -----------------------------------------------------------


@router.get(
    "/budget-lines/{budget_line_id}/objectives",
    response_model=LineLinksOut,
    responses=_READ_ERRORS,
)
def get_line_links(
    budget_line_id: int, session: SessionDep, _actor: ReaderDep, known_at: KnownAt = None
) -> LineLinksOut:
    """How a budget line is shared among objectives (basis points, 10000 = 100 %) as
    known at ``known_at``, and the unlinked rest."""
    return service.line_links(session, budget_line_id=budget_line_id, known_at=as_utc(known_at))


@router.put(
    "/budget-lines/{budget_line_id}/objectives",
    response_model=LineLinksOut,
    responses=_WRITE_ERRORS,
)
def set_line_links(
    budget_line_id: int, data: LineLinksIn, session: SessionDep, actor: OfficerDep
) -> LineLinksOut:
    """Share a budget line among objectives of the plan adopted for its budget's year:
    the whole distribution at once (an empty list unlinks it), in basis points adding up
    to at most 10000; the rest is unlinked. Each change is a new record: costs read as
    known at an earlier time keep the links of then."""
    service.set_line_links(session, actor=actor, budget_line_id=budget_line_id, data=data)
    return service.line_links(session, budget_line_id=budget_line_id)


# --- cost and progress ---------------------------------------------------------------------


@router.get(
    "/strategy/plans/{plan_id}/cost",
    response_class=Response,
    responses=file_responses(
        "Cost per goal and objective as JSON (PlanCostOut) or CSV (one row per goal, "
        "each followed by its objectives, then the unlinked rest and the total).",
        ["application/json", "text/csv; charset=utf-8"],
    ),
)
def get_cost(
    plan_id: int,
    session: SessionDep,
    _actor: ReaderDep,
    as_at: AsAt = None,
    known_at: KnownAt = None,
    year: Annotated[int | None, Query(description="One year of the plan (default all).")] = None,
    format: CostFormat = CostFormat.JSON,
) -> Response:
    """What each objective and goal costs as at ``(as_at, known_at)``: the original and
    revised budget, commitments, actual and available of the budget lines of the plan's
    years (or of ``year``), each line split among its objectives by its links in force as
    known at ``known_at`` (largest remainder, to the cent). The goals and the unlinked
    rest add up to the total of the lines."""
    result = service.cost(
        session,
        plan_id=plan_id,
        as_at=as_at or utctoday(),
        known_at=as_utc(known_at),
        year=year,
    )
    report = service.cost_out(result)
    if format is CostFormat.CSV:
        name = f"plan-cost-{report.plan_code}-{report.as_at.isoformat()}.csv"
        return file_response(cost_csv(report), "text/csv; charset=utf-8", name)
    return Response(report.model_dump_json(), media_type="application/json")


@router.get(
    "/strategy/plans/{plan_id}/progress", response_model=PlanProgressOut, responses=_READ_ERRORS
)
def get_progress(
    plan_id: int,
    session: SessionDep,
    _actor: ReaderDep,
    year: Annotated[int | None, Query(description="A year of the plan (default as_at's).")] = None,
    as_at: AsAt = None,
    known_at: KnownAt = None,
    on_track: Annotated[
        str | None, Query(description="Share of the expected way from which on track (0.9).")
    ] = None,
    at_risk: Annotated[
        str | None, Query(description="Share of the expected way from which at risk (0.6).")
    ] = None,
) -> PlanProgressOut:
    """Every indicator of the plan against its target for ``year`` as at ``(as_at,
    known_at)`` (approved values as known then; computed ones from the finance data):
    the share of the way from the start to the target, ``on_track``, ``at_risk``,
    ``off_track`` or ``no_data``, and the trend; rolled up per objective and goal (the
    worst status, the count per status and the share on track)."""
    thresholds = service.parse_thresholds(on_track, at_risk)
    day = as_at or utctoday()
    result = service.progress(
        session,
        plan_id=plan_id,
        year=year if year is not None else day.year,
        as_at=day,
        known_at=as_utc(known_at),
        thresholds=thresholds,
    )
    return service.progress_out(result)
