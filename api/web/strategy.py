"""The strategic plan in the web interface: the plans and each plan's tree (goals,
objectives, outputs and activities; indicators with their baseline, targets and latest
approved value). While a plan is a draft, finance officers add, rename and remove its
elements, add indicators and set their baseline and targets, and record its adoption.

Measurements of an adopted plan's indicators are entered by one finance officer and
approved by another: the page tells the author that a second person must approve, and
the service refuses a self-approval anyway. The annual update is proposed for a year by
one officer and approved, which publishes it, by another (maker-checker).

Every write calls the same service as the JSON API (``api/routes/strategy.py``,
``api/routes/annual_updates.py``) and runs once per form (``forms.once``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from api.deps import SessionDep, as_utc
from api.errors import status_of
from api.web.auth import Officer, Reader, WebCaller
from api.web.forms import KEY_FIELD, errors_of, form_values, new_key, parse, write_once
from api.web.pages import render
from api.web.publications import approve_snapshot, snapshot_context
from finance_core.access.models import Role
from finance_core.db_types import utctoday
from finance_core.errors import Conflict, DomainError, NotFound, ValidationFailed
from finance_core.publication import service as publication
from finance_core.system.service import is_demo
from strategy import annual_update, queries, service
from strategy.models import ElementLevel, Indicator, MeasurementStatus, PlanStatus, Source, Unit
from strategy.progress import Direction, TargetKind
from strategy.schemas import (
    AnnualUpdateProposalIn,
    ApprovalIn,
    ElementIn,
    ElementOut,
    ElementUpdate,
    IndicatorIn,
    MeasurementIn,
    PlanAdoptionIn,
    PlanIn,
    PlanOut,
)

router = APIRouter(prefix="/app", include_in_schema=False)

_PLAN_FIELDS = ("code", "title", "description", "first_year")
_ELEMENT_FIELDS = ("level", "parent_code", "code", "title", "description", "order")
_RENAME_FIELDS = ("code", "title", "order")
_INDICATOR_FIELDS = (
    "element_code",
    "code",
    "title",
    "description",
    "unit",
    "direction",
    "baseline_value",
    "baseline_year",
    "target_kind",
    "source",
    "measure",
    "disaggregation",
)
_ADOPTION_FIELDS = ("decision_reference", "adopted_on")
_MEASUREMENT_FIELDS = (
    "indicator_id",
    "year",
    "category",
    "value",
    "narrative",
    "evidence_url",
    "supersedes",
)
_UPDATE_FIELDS = ("plan_id", "year", "as_at", "reference", "introduction")
#: What follows a value of each unit on the page.
UNIT_SUFFIX = {Unit.PERCENT: " %", Unit.USD: " US$", Unit.MONTHS: " months", Unit.DAYS: " days"}
#: How many approved values the measurements page lists.
RECENT = 10
#: What a finished write tells on the page it leads to (``?done=``).
DONE = {
    "created": "Draft plan created: add its goals, objectives and indicators.",
    "element-added": "Added to the plan.",
    "element-changed": "Changed.",
    "element-removed": "Removed from the plan.",
    "indicator-added": "Indicator added.",
    "indicator-changed": "Baseline and targets saved.",
    "adopted": "Adoption recorded: the plan's structure is now frozen.",
    "recorded": "Measurement recorded: it awaits approval by a second finance officer.",
    "approved": "Measurement approved: it is now the value in force.",
    "proposed": "Annual update proposed: a second finance officer must now approve and publish it.",
    "published": "Annual update approved and published.",
}


class MeasurementForm(MeasurementIn):
    """The measurement form: the indicator chosen and what ``POST
    /strategy/indicators/{id}/measurements`` takes."""

    indicator_id: int = Field(gt=0)


class UpdateForm(AnnualUpdateProposalIn):
    """The annual update form: the plan and what ``POST
    /strategy/plans/{id}/annual-updates`` takes."""

    plan_id: int = Field(gt=0)


class UpdateChoice(BaseModel):
    """Which update to prepare: the plan, the year, and the figures' value-date cutoff."""

    plan_id: int = Field(gt=0)
    year: int
    as_at: date


def _done(done: str | None) -> str | None:
    return DONE.get(done or "")


def _years(plan: PlanOut) -> list[int]:
    return list(range(plan.first_year, plan.last_year + 1))


def _targets(values: dict[str, str], years: list[int]) -> list[dict[str, Any]]:
    """The targets typed (``target_<year>``; blank ones left out), in year order."""
    return [
        {"year": y, "value": values[f"target_{y}"].strip()}
        for y in years
        if values.get(f"target_{y}", "").strip()
    ]


def _target_errors(errors: dict[str, str], targets: list[dict[str, Any]]) -> dict[str, str]:
    """The service's ``targets[i].value`` (or ``targets.i.value``) as ``target_<year>``."""
    named = {}
    for name, message in errors.items():
        for i, t in enumerate(targets):
            if name.startswith((f"targets[{i}]", f"targets.{i}.")):
                name = f"target_{t['year']}"
        named[name] = message
    return named


def _element_out(session: Session, element_id: int) -> ElementOut:
    element = service.get_element(session, element_id=element_id)
    codes = {e.id or 0: e.code for e in service.elements_of(session, plan_id=element.plan_id)}
    return service.element_out(element, codes)


# --- plans -------------------------------------------------------------------------------


def _plans_page(
    request: Request,
    session: Session,
    caller: WebCaller,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    plans = [service.plan_out(p) for p in service.list_plans(session)]
    default = {KEY_FIELD: new_key(), "first_year": str(utctoday().year + 1)}
    return render(
        request,
        "strategy_plans.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        plans=plans,
        values=values or default,
        errors=errors or {},
    )


@router.get("/strategy")
def plans(request: Request, session: SessionDep, caller: Reader) -> Response:
    return _plans_page(request, session, caller)


@router.post("/strategy/plans")
async def create_plan(request: Request, session: SessionDep, caller: Officer) -> Response:
    values = await form_values(request, _PLAN_FIELDS)
    return write_once(
        session,
        request,
        caller,
        route="POST /app/strategy/plans",
        key=values[KEY_FIELD],
        data=lambda: parse(PlanIn, values),
        write=lambda actor, data: service.plan_out(
            service.create_plan(session, actor=actor, data=data)
        ),
        then=lambda done: f"/app/strategy/plans/{done['id']}?done=created",
        refused=lambda exc: _plans_page(
            request, session, caller, values=values, errors=errors_of(exc), status_code=422
        ),
    )


def _plan_page(
    request: Request,
    session: Session,
    caller: WebCaller,
    plan_id: int,
    *,
    form: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    done: str | None = None,
) -> Response:
    """The plan's page; ``form`` names the form ``values`` and ``errors`` belong to."""
    tree = service.plan_tree(session, plan_id=plan_id)
    indicators = service.indicators_of(session, plan_id=plan_id)
    latest = queries.latest_approved(session, indicator_ids=[i.id or 0 for i in indicators])
    elements = service.elements_of(session, plan_id=plan_id)
    draft = tree.plan.status == PlanStatus.DRAFT
    indicator_values = {
        i.id or 0: {
            "baseline_value": format(i.baseline_value, "f"),
            "baseline_year": str(i.baseline_year),
            **{
                f"target_{y}": format(v, "f")
                for y, v in service.targets_of(session, indicator_id=i.id or 0).items()
            },
        }
        for i in indicators
    }
    return render(
        request,
        "strategy_plan.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        tree=tree,
        plan=tree.plan,
        years=_years(tree.plan),
        latest={i: {"value": format(m.value, "f"), "year": m.year} for i, m in latest.items()},
        counts=_counts(tree.goals),
        goal_counts={g.id: _counts([g]) for g in tree.goals},
        draft=draft,
        editable=draft and caller.may(Role.FINANCE_OFFICER),
        suffix=UNIT_SUFFIX,
        indicator_values=indicator_values if draft else {},
        problems=service.adoption_problems(session, plan_id=plan_id) if draft else {},
        parents=[
            (e.code, f"{e.code} {e.title} ({e.level})")
            for e in elements
            if e.level in (ElementLevel.GOAL, ElementLevel.OBJECTIVE)
        ],
        objectives=[
            (e.code, f"{e.code} {e.title}") for e in elements if e.level == ElementLevel.OBJECTIVE
        ],
        levels=[(v.value, v.value.capitalize()) for v in ElementLevel],
        units=[(v.value, v.value) for v in Unit],
        directions=[(v.value, v.value.replace("_", " ")) for v in Direction],
        target_kinds=[(v.value, v.value) for v in TargetKind],
        sources=[(v.value, v.value) for v in Source],
        measures=[(m.name, f"{m.name}: {m.title} ({m.unit})") for m in service.measure_catalogue()],
        form=form,
        values=values or {},
        errors=errors or {},
        done=_done(done),
        new_key=new_key,
        today=utctoday().isoformat(),
    )


def _counts(goals: list[Any]) -> dict[str, int]:
    """How many goals, objectives, other elements and indicators the tree holds."""
    counts = {"goals": len(goals), "objectives": 0, "others": 0, "indicators": 0}

    def visit(node: Any) -> None:
        counts["indicators"] += len(node.indicators)
        for child in node.children:
            counts["objectives" if child.level == ElementLevel.OBJECTIVE else "others"] += 1
            visit(child)

    for goal in goals:
        visit(goal)
    return counts


@router.get("/strategy/plans/{plan_id}")
def plan_page(
    plan_id: int, request: Request, session: SessionDep, caller: Reader, done: str | None = None
) -> Response:
    return _plan_page(request, session, caller, plan_id, done=done)


@router.post("/strategy/plans/{plan_id}/elements")
async def add_element(
    plan_id: int, request: Request, session: SessionDep, caller: Officer
) -> Response:
    values = await form_values(request, _ELEMENT_FIELDS)
    return write_once(
        session,
        request,
        caller,
        route="POST /app/strategy/plans/{plan_id}/elements",
        key=values[KEY_FIELD],
        data=lambda: parse(ElementIn, values),
        payload=lambda data: {"plan_id": plan_id, **data.model_dump(mode="json")},
        write=lambda actor, data: _element_out(
            session,
            service.add_element(session, actor=actor, plan_id=plan_id, data=data).id or 0,
        ),
        then=lambda _done: f"/app/strategy/plans/{plan_id}?done=element-added#structure",
        refused=lambda exc: _plan_page(
            request,
            session,
            caller,
            plan_id,
            form="add-element",
            values=values,
            errors=errors_of(exc),
            status_code=422,
        ),
    )


@router.post("/strategy/elements/{element_id}")
async def change_element(
    element_id: int, request: Request, session: SessionDep, caller: Officer
) -> Response:
    plan_id = service.get_element(session, element_id=element_id).plan_id
    values = await form_values(request, _RENAME_FIELDS)
    return write_once(
        session,
        request,
        caller,
        route="POST /app/strategy/elements/{element_id}",
        key=values[KEY_FIELD],
        data=lambda: parse(ElementUpdate, values),
        payload=lambda data: {"element_id": element_id, **data.model_dump(mode="json")},
        write=lambda actor, data: _element_out(
            session,
            service.update_element(session, actor=actor, element_id=element_id, data=data).id or 0,
        ),
        then=lambda _done: (
            f"/app/strategy/plans/{plan_id}?done=element-changed#element-{element_id}"
        ),
        refused=lambda exc: _plan_page(
            request,
            session,
            caller,
            plan_id,
            form=f"element-{element_id}",
            values=values,
            errors=errors_of(exc),
            status_code=422,
        ),
    )


@router.post("/strategy/elements/{element_id}/removal")
async def remove_element(
    element_id: int, request: Request, session: SessionDep, caller: Officer
) -> Response:
    element = service.get_element(session, element_id=element_id)
    plan_id = element.plan_id
    values = await form_values(request, ())
    shown = {"code": element.code, "title": element.title, "order": str(element.sort_order)}

    def remove(actor: Any, _payload: dict[str, int]) -> ElementOut:
        out = _element_out(session, element_id)
        service.delete_element(session, actor=actor, element_id=element_id)
        return out

    return write_once(
        session,
        request,
        caller,
        route="POST /app/strategy/elements/{element_id}/removal",
        key=values[KEY_FIELD],
        data=lambda: {"element_id": element_id},
        write=remove,
        then=lambda _done: f"/app/strategy/plans/{plan_id}?done=element-removed#structure",
        refused=lambda exc: _plan_page(
            request,
            session,
            caller,
            plan_id,
            form=f"element-{element_id}",
            values=shown,
            errors=errors_of(exc),
            status_code=status_of(exc),
        ),
    )


@router.post("/strategy/plans/{plan_id}/indicators")
async def add_indicator(
    plan_id: int, request: Request, session: SessionDep, caller: Officer
) -> Response:
    years = _years(service.plan_out(service.get_plan(session, plan_id=plan_id)))
    values = await form_values(request, (*_INDICATOR_FIELDS, *(f"target_{y}" for y in years)))
    targets = _targets(values, years)
    return write_once(
        session,
        request,
        caller,
        route="POST /app/strategy/plans/{plan_id}/indicators",
        key=values[KEY_FIELD],
        data=lambda: parse(
            IndicatorIn, {**{k: values[k] for k in _INDICATOR_FIELDS}, "targets": targets}
        ),
        payload=lambda data: {"plan_id": plan_id, **data.model_dump(mode="json")},
        write=lambda actor, data: service.indicator_out(
            session, service.add_indicator(session, actor=actor, plan_id=plan_id, data=data)
        ),
        then=lambda _done: f"/app/strategy/plans/{plan_id}?done=indicator-added#structure",
        refused=lambda exc: _plan_page(
            request,
            session,
            caller,
            plan_id,
            form="add-indicator",
            values=values,
            errors=_target_errors(errors_of(exc), targets),
            status_code=422,
        ),
    )


def _indicator_in(
    session: Session, indicator: Indicator, values: dict[str, str], targets: list[dict[str, Any]]
) -> IndicatorIn:
    """The indicator's whole definition as stored, with the baseline and targets typed
    (``PUT /strategy/indicators/{id}`` replaces the whole)."""
    current = service.indicator_out(session, indicator)
    kept = current.model_dump(mode="json", include=set(IndicatorIn.model_fields))
    kept.update(
        baseline_value=values["baseline_value"],
        baseline_year=values["baseline_year"],
        targets=targets,
    )
    return parse(IndicatorIn, kept)


@router.post("/strategy/indicators/{indicator_id}")
async def set_indicator(
    indicator_id: int, request: Request, session: SessionDep, caller: Officer
) -> Response:
    indicator = service.get_indicator(session, indicator_id=indicator_id)
    plan_id = indicator.plan_id
    years = _years(service.plan_out(service.get_plan(session, plan_id=plan_id)))
    names = ("baseline_value", "baseline_year", *(f"target_{y}" for y in years))
    values = await form_values(request, names)
    targets = _targets(values, years)
    return write_once(
        session,
        request,
        caller,
        route="POST /app/strategy/indicators/{indicator_id}",
        key=values[KEY_FIELD],
        data=lambda: _indicator_in(session, indicator, values, targets),
        payload=lambda data: {"indicator_id": indicator_id, **data.model_dump(mode="json")},
        write=lambda actor, data: service.indicator_out(
            session,
            service.update_indicator(session, actor=actor, indicator_id=indicator_id, data=data),
        ),
        then=lambda _done: (
            f"/app/strategy/plans/{plan_id}?done=indicator-changed#indicator-{indicator_id}"
        ),
        refused=lambda exc: _plan_page(
            request,
            session,
            caller,
            plan_id,
            form=f"indicator-{indicator_id}",
            values=values,
            errors=_target_errors(errors_of(exc), targets),
            status_code=422,
        ),
    )


@router.post("/strategy/plans/{plan_id}/adoption")
async def adopt_plan(
    plan_id: int, request: Request, session: SessionDep, caller: Officer
) -> Response:
    values = await form_values(request, _ADOPTION_FIELDS)
    return write_once(
        session,
        request,
        caller,
        route="POST /app/strategy/plans/{plan_id}/adoption",
        key=values[KEY_FIELD],
        data=lambda: parse(PlanAdoptionIn, values),
        payload=lambda data: {"plan_id": plan_id, **data.model_dump(mode="json")},
        write=lambda actor, data: service.plan_out(
            service.adopt_plan(session, actor=actor, plan_id=plan_id, data=data)
        ),
        then=lambda _done: f"/app/strategy/plans/{plan_id}?done=adopted",
        refused=lambda exc: _plan_page(
            request,
            session,
            caller,
            plan_id,
            form="adoption",
            values=values,
            errors=errors_of(exc),
            status_code=422,
        ),
    )


# --- measurements --------------------------------------------------------------------------


def _measurements_page(
    request: Request,
    session: Session,
    caller: WebCaller,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    replacing: Any = None,
    status_code: int = 200,
    done: str | None = None,
) -> Response:
    """Measurements awaiting approval and the latest approved ones, of every adopted
    plan, and the form to enter one (``replacing``: the version a value would replace)."""
    pending: list[dict[str, Any]] = []
    approved: list[dict[str, Any]] = []
    choices: list[tuple[str, list[tuple[str, str]]]] = []
    year_options: set[int] = set()
    this_year = utctoday().year
    for plan in service.list_plans(session, status=PlanStatus.ADOPTED):
        indicators = {i.id: i for i in service.indicators_of(session, plan_id=plan.id or 0)}
        for m in service.measurement_history(session, plan_id=plan.id):
            row = {"m": m, "plan": plan, "indicator": indicators[m.indicator_id]}
            if m.status == MeasurementStatus.PENDING:
                pending.append(row)
            elif m.status == MeasurementStatus.APPROVED:
                approved.append(row)
        entered = [i for i in indicators.values() if i.source == Source.ENTERED]
        choices.append(
            (f"{plan.code} {plan.title}", [(str(i.id), f"{i.code} {i.title}") for i in entered])
        )
        year_options.update(range(plan.first_year, min(plan.last_year, this_year) + 1))
    approved.sort(key=lambda r: (r["m"].approved_at, r["m"].id), reverse=True)
    default = {KEY_FIELD: new_key(), "year": str(this_year)}
    return render(
        request,
        "strategy_measurements.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        pending=pending,
        approved=approved[:RECENT],
        choices=choices,
        years=[(str(y), str(y)) for y in sorted(year_options, reverse=True)],
        categories=[
            (c, f"{c} ({key.replace('_', ' ')})")
            for key, found in sorted(service.CATEGORIES.items())
            for c in sorted(found)
        ],
        values=values or default,
        errors=errors or {},
        replacing=replacing,
        done=_done(done),
        new_key=new_key,
    )


@router.get("/strategy/measurements")
def measurements(
    request: Request,
    session: SessionDep,
    caller: Reader,
    done: str | None = None,
    indicator_id: int | None = None,
) -> Response:
    values = {KEY_FIELD: new_key(), "year": str(utctoday().year)}
    if indicator_id is not None:
        values["indicator_id"] = str(indicator_id)
    return _measurements_page(request, session, caller, values=values, done=done)


@router.post("/strategy/measurements")
async def record_measurement(request: Request, session: SessionDep, caller: Officer) -> Response:
    values = await form_values(request, _MEASUREMENT_FIELDS)

    def measurement() -> tuple[MeasurementForm, MeasurementIn]:
        """The form and the measurement it records."""
        form = parse(MeasurementForm, values)
        return form, MeasurementIn.model_validate(form.model_dump(exclude={"indicator_id"}))

    def write(actor: Any, asked: tuple[MeasurementForm, MeasurementIn]) -> Any:
        form, data = asked
        recorded = service.record_measurement(
            session, actor=actor, indicator_id=form.indicator_id, data=data
        )
        return service.measurement_out(session, measurement_id=recorded.id or 0)

    def refused(exc: DomainError) -> Response:
        if isinstance(exc, Conflict):
            return _replace_or_refuse(request, session, caller, values, exc)
        return _measurements_page(
            request, session, caller, values=values, errors=errors_of(exc), status_code=422
        )

    return write_once(
        session,
        request,
        caller,
        route="POST /app/strategy/measurements",
        key=values[KEY_FIELD],
        data=measurement,
        payload=lambda asked: asked[0],
        write=write,
        then=lambda _done: "/app/strategy/measurements?done=recorded#pending",
        refused=refused,
    )


def _replace_or_refuse(
    request: Request, session: Session, caller: WebCaller, values: dict[str, str], exc: Conflict
) -> Response:
    """The form again when the year already has a version: recording the value once more
    replaces that version (``supersedes`` names it), after the officer has seen it."""
    replacing = None
    if "supersedes" in exc.fields:
        form = parse(MeasurementForm, {**values, "supersedes": ""})
        latest = queries.latest_version(
            session, indicator_id=form.indicator_id, year=form.year, category=form.category
        )
        if latest is not None:
            replacing = service.measurement_out(session, measurement_id=latest.id or 0)
            values = {**values, "supersedes": str(latest.id), KEY_FIELD: new_key()}
    errors = {"form": exc.detail} if replacing is None else {}
    return _measurements_page(
        request,
        session,
        caller,
        values=values,
        errors=errors,
        replacing=replacing,
        status_code=422,
    )


@router.post("/strategy/measurements/{measurement_id}/approval")
async def approve_measurement(
    measurement_id: int, request: Request, session: SessionDep, caller: Officer
) -> Response:
    values = await form_values(request, ("note",))
    return write_once(
        session,
        request,
        caller,
        route="POST /app/strategy/measurements/{measurement_id}/approval",
        key=values[KEY_FIELD],
        data=lambda: parse(ApprovalIn, values),
        payload=lambda data: {"measurement_id": measurement_id, **data.model_dump(mode="json")},
        write=lambda actor, data: _approved(session, actor, measurement_id, data),
        then=lambda _done: "/app/strategy/measurements?done=approved#approved",
        refused=lambda exc: _measurements_page(
            request,
            session,
            caller,
            errors={"approval": exc.detail},
            status_code=status_of(exc),
        ),
    )


def _approved(session: Session, actor: Any, measurement_id: int, data: ApprovalIn) -> Any:
    service.approve_measurement(session, actor=actor, measurement_id=measurement_id, data=data)
    return service.measurement_out(session, measurement_id=measurement_id)


# --- annual updates ------------------------------------------------------------------------


@router.get("/strategy/annual-updates")
def annual_updates(
    request: Request, session: SessionDep, caller: Reader, done: str | None = None
) -> Response:
    items, total = publication.list_snapshots(session, kind=annual_update.KIND, limit=100)
    reported = [p for p in service.list_plans(session) if p.status != PlanStatus.DRAFT]
    return render(
        request,
        "strategy_updates.html.j2",
        caller=caller,
        demo=is_demo(session),
        items=items,
        total=total,
        plans=[(str(p.id), f"{p.code} ({p.first_year}-{p.last_year})") for p in reported],
        values={"year": str(utctoday().year)},
        errors={},
        done=_done(done),
    )


def _default_as_at(year: int) -> date:
    """31 December of ``year``, or today while the year runs (today for a year out of
    the calendar's range)."""
    try:
        return min(date(year, 12, 31), utctoday())
    except ValueError:
        return utctoday()


def _update_form(
    request: Request,
    session: Session,
    caller: WebCaller,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The proposal form of an update with the figures it would freeze; or, without a
    plan and a year, the choice of them."""
    errors = dict(errors or {})
    reported = [p for p in service.list_plans(session) if p.status != PlanStatus.DRAFT]
    context: dict[str, Any] = {"plan": None, "figures": None, "goals": [], "existing": []}
    form: UpdateChoice | None = None
    if values.get("plan_id"):
        try:
            form = parse(UpdateChoice, values)
        except ValidationFailed as exc:
            errors.update(exc.fields)
            status_code = 422
    if form is not None:
        plan = service.get_plan(session, plan_id=form.plan_id)
        context["plan"] = service.plan_out(plan)
        context["goals"] = [
            e
            for e in service.elements_of(session, plan_id=form.plan_id)
            if e.level == ElementLevel.GOAL
        ]
        context["existing"] = publication.list_snapshots(
            session, kind=annual_update.KIND, scope=annual_update.scope_of(plan.code, form.year)
        )[0]
        try:
            context["figures"] = annual_update.figures(
                session, plan_id=form.plan_id, year=form.year, as_at=form.as_at
            ).data
        except DomainError as exc:
            errors.setdefault("form", exc.detail)
            errors.update(exc.fields)
            status_code = 422
    return render(
        request,
        "strategy_update_form.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        plans=[(str(p.id), f"{p.code} ({p.first_year}-{p.last_year})") for p in reported],
        values=values,
        errors=errors,
        **context,
    )


@router.get("/strategy/annual-updates/new")
def new_update(
    request: Request,
    session: SessionDep,
    caller: Officer,
    plan_id: int | None = None,
    year: int | None = None,
    as_at: date | None = None,
) -> Response:
    values = {KEY_FIELD: new_key()}
    if plan_id is not None:
        values["plan_id"] = str(plan_id)
    chosen = year if year is not None else utctoday().year
    values["year"] = str(chosen)
    values["as_at"] = (as_at or _default_as_at(chosen)).isoformat()
    return _update_form(request, session, caller, values)


@router.post("/strategy/annual-updates")
async def propose_update(request: Request, session: SessionDep, caller: Officer) -> Response:
    values = await form_values(request, _UPDATE_FIELDS)
    goals: list[str] = []
    if values["plan_id"].strip().isdigit():
        try:
            elements = service.elements_of(session, plan_id=int(values["plan_id"]))
        except NotFound:
            elements = []
        goals = [e.code for e in elements if e.level == ElementLevel.GOAL]
        values.update(await form_values(request, [f"narrative_{g}" for g in goals]))
    given = [g for g in goals if values.get(f"narrative_{g}", "").strip()]
    narratives = [{"goal_code": g, "text": values[f"narrative_{g}"]} for g in given]

    def proposal() -> tuple[UpdateForm, AnnualUpdateProposalIn]:
        """The form and the proposal it makes."""
        form = parse(UpdateForm, {**values, "narratives": narratives})
        data = AnnualUpdateProposalIn.model_validate(form.model_dump(exclude={"plan_id"}))
        return form, data

    def write(actor: Any, asked: tuple[UpdateForm, AnnualUpdateProposalIn]) -> Any:
        form, data = asked
        return publication.snapshot_out(
            session,
            annual_update.propose_update(
                session,
                actor=actor,
                plan_id=form.plan_id,
                year=data.year,
                as_at=data.as_at,
                known_at=as_utc(data.known_at),
                data=data,
            ),
        )

    def refused(exc: DomainError) -> Response:
        errors = errors_of(exc)
        for name in list(errors):  # narratives[i].text → narrative_<goal>
            for i, g in enumerate(given):
                if name.startswith((f"narratives[{i}]", f"narratives.{i}.")):
                    errors[f"narrative_{g}"] = errors.pop(name)
        return _update_form(request, session, caller, values, errors=errors, status_code=422)

    return write_once(
        session,
        request,
        caller,
        route="POST /app/strategy/annual-updates",
        key=values[KEY_FIELD],
        data=proposal,
        payload=lambda asked: asked[0],
        write=write,
        then=lambda done: f"/app/strategy/annual-updates/{done['id']}?done=proposed",
        refused=refused,
    )


def _update_page(
    request: Request,
    session: Session,
    caller: WebCaller,
    snapshot_id: int,
    *,
    done: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = snapshot_context(session, snapshot_id)
    if context["snap"].kind != annual_update.KIND:
        raise NotFound(f"snapshot {snapshot_id} is not an annual update")
    return render(
        request,
        "strategy_update.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        done=_done(done),
        errors=errors or {},
        values=values or {},
        new_key=new_key,
        approve_url=f"/app/strategy/annual-updates/{snapshot_id}/approval",
        withdraw_url=None,
        **context,
    )


@router.get("/strategy/annual-updates/{snapshot_id}")
def update_page(
    snapshot_id: int,
    request: Request,
    session: SessionDep,
    caller: Reader,
    done: str | None = None,
) -> Response:
    return _update_page(request, session, caller, snapshot_id, done=done)


@router.post("/strategy/annual-updates/{snapshot_id}/approval")
async def approve_update(
    snapshot_id: int, request: Request, session: SessionDep, caller: Officer
) -> Response:
    if publication.get(session, snapshot_id).kind != annual_update.KIND:
        raise NotFound(f"snapshot {snapshot_id} is not an annual update")
    values = await form_values(request, ("reference",))
    return approve_snapshot(
        session,
        request,
        caller,
        snapshot_id,
        values,
        then=f"/app/strategy/annual-updates/{snapshot_id}?done=published",
        refused=lambda exc: _update_page(
            request,
            session,
            caller,
            snapshot_id,
            errors={"approval": exc.detail},
            values=values,
            status_code=status_of(exc),
        ),
    )
