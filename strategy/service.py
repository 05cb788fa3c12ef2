"""The five-year strategic plan: its lifecycle, structure, indicators, measurements,
the links of budget lines to its objectives, what each objective costs, and progress.

**Lifecycle.** A plan is created as a draft covering five years; while a draft, its
goals, objectives, outputs and activities and its indicators with their targets may be
edited. The CSP adopts it (decision reference and date; every indicator needs a target
for every year of the plan, and no other adopted plan may cover any of its years); the
structure is then frozen. An adopted plan is closed when it ends.

**Measurements (maker-checker).** An officer records the value of an entered indicator
for a year of an adopted plan (overall, or for one category of its disaggregation); a
*different* person approves it, which makes it the value in force. Versions are never
changed: a correction of an approved value, or an edit of a version awaiting approval,
is a new version that names the latest one it supersedes; once approved it replaces the
old value, which stays in the history.

**Budget lines and objectives.** A budget line is shared among objectives of the plan
adopted for its budget's year, in basis points (at most 10,000 together; the rest is
unlinked). Each change records a new link set; the set in force as known at a time is
the latest recorded by then, so costs read as known at a past time do not change.

**Cost.** Each line's original and revised budget, commitments and actual (from
``expenditures.service.execution_lines`` as at ``(as_at, known_at)``) are split over
its objectives and the unlinked rest by largest remainder (``costs.py``); a goal costs
what its objectives cost.

**Progress.** Values of entered indicators are the approved measurements known at
``known_at``; computed ones come from ``measures.computed_value``; ``progress.py``
measures each against its targets and rolls the statuses up to objectives and goals.

Services never commit; ``recorded_at`` (default now) back-dates a write and only the
demo loader passes it."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.arrears.service import percent
from finance_core.audit import service as audit
from finance_core.budgets.models import Budget, BudgetLine
from finance_core.db_types import utcnow
from finance_core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    RuleViolation,
    ValidationFailed,
)
from finance_core.expenditures import execution
from finance_core.expenditures.service import execution_lines
from finance_core.money import format_minor
from finance_core.states.models import RegionalGroup
from strategy import costs
from strategy import progress as pure
from strategy.measures import MEASURES, computed_value, get_measure
from strategy.models import (
    PARENT_LEVEL,
    PLAN_YEARS,
    ElementLevel,
    Indicator,
    LinkSet,
    LinkShare,
    Measurement,
    MeasurementApproval,
    MeasurementStatus,
    PlanElement,
    PlanStatus,
    Source,
    StrategicPlan,
    Target,
    Unit,
)
from strategy.queries import approved_values, sets_in_force, shares_in_force, values_by_year
from strategy.schemas import (
    ApprovalIn,
    CostRowOut,
    ElementIn,
    ElementNodeOut,
    ElementOut,
    ElementUpdate,
    FiguresOut,
    IndicatorIn,
    IndicatorOut,
    IndicatorProgressOut,
    LineCostOut,
    LineLinksIn,
    LineLinksOut,
    LinePartOut,
    LinkOut,
    MeasurementIn,
    MeasurementOut,
    MeasureOut,
    PlanAdoptionIn,
    PlanClosureIn,
    PlanCostOut,
    PlanIn,
    PlanOut,
    PlanProgressOut,
    PlanTreeOut,
    PlanUpdate,
    RollupOut,
    TargetOut,
    ThresholdsOut,
)

#: Codes of plans, elements and indicators: a letter or digit, then letters, digits, ".", "-", "_".
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

#: Indicator values: at most this many decimals and this many digits before the point.
VALUE_DECIMALS = 6
VALUE_DIGITS = 15

#: Units whose values are never negative.
NON_NEGATIVE = frozenset({Unit.COUNT, Unit.MONTHS, Unit.DAYS})

#: Known disaggregation keys and their categories (other keys take any category).
CATEGORIES: dict[str, frozenset[str]] = {
    "regional_group": frozenset(g.value for g in RegionalGroup),
}


# --- input helpers ----------------------------------------------------------------------


def _code(text: str, name: str, fields: dict[str, str]) -> str:
    value = text.strip()
    if not CODE.match(value):
        fields[name] = "letters, digits, '.', '-' and '_' only, starting with a letter or digit"
    return value


def _a(word: str) -> str:
    """``word`` with its indefinite article: "a goal", "an objective"."""
    return ("an " if word[:1] in "aeiou" else "a ") + word


def _text(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None


def parse_value(text: str, *, unit: Unit, field: str) -> Decimal:
    """An indicator value in ``unit`` from its decimal string (ValidationFailed if it is
    not a finite number, has more than 6 decimals or 15 digits before the point, is
    negative for a count, months or days, a fraction for a count, or has more than two
    decimals in US dollars)."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise ValidationFailed(
            f"{field}: {text!r} is not a number", fields={field: "not a number"}
        ) from None
    problem = None
    if not value.is_finite():
        problem = "not a number"
    elif abs(value) >= Decimal(10) ** VALUE_DIGITS:
        problem = f"at most {VALUE_DIGITS} digits before the decimal point"
    elif value != value.quantize(Decimal(1).scaleb(-VALUE_DECIMALS)):
        problem = f"at most {VALUE_DECIMALS} decimals"
    elif Unit(unit) in NON_NEGATIVE and value < 0:
        problem = "may not be negative"
    elif Unit(unit) is Unit.COUNT and value != value.to_integral_value():
        problem = "a count is a whole number"
    elif Unit(unit) is Unit.USD and value != value.quantize(Decimal("0.01")):
        problem = "US dollars have at most two decimals"
    if problem:
        raise ValidationFailed(f"{field}: {problem}", fields={field: problem})
    return value


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


# --- plans ---------------------------------------------------------------------------------


def get_plan(session: Session, *, plan_id: int) -> StrategicPlan:
    """The plan with id ``plan_id`` (NotFound if there is none)."""
    plan = session.get(StrategicPlan, plan_id)
    if plan is None:
        raise NotFound(f"strategic plan {plan_id} does not exist")
    return plan


def find_plan(session: Session, *, code: str) -> StrategicPlan:
    """The plan with code ``code`` (NotFound if there is none)."""
    plan: StrategicPlan | None = session.execute(
        select(StrategicPlan).where(col(StrategicPlan.code) == code.strip())
    ).scalar_one_or_none()
    if plan is None:
        raise NotFound(f"strategic plan {code} does not exist")
    return plan


def list_plans(session: Session, *, status: PlanStatus | None = None) -> list[StrategicPlan]:
    """Every plan (of ``status``), latest period first."""
    query = select(StrategicPlan).order_by(
        col(StrategicPlan.first_year).desc(), col(StrategicPlan.id).desc()
    )
    if status is not None:
        query = query.where(col(StrategicPlan.status) == PlanStatus(status).value)
    return list(session.execute(query).scalars())


def plan_for_year(session: Session, *, year: int) -> StrategicPlan | None:
    """The plan of ``year``: the adopted plan covering it, else the latest closed plan
    covering it (None if there is none)."""
    query = (
        select(StrategicPlan)
        .where(
            col(StrategicPlan.first_year) <= year,
            col(StrategicPlan.last_year) >= year,
            col(StrategicPlan.status) != PlanStatus.DRAFT.value,
        )
        .order_by(col(StrategicPlan.closed_on).desc(), col(StrategicPlan.id).desc())
    )
    found = list(session.execute(query).scalars())
    adopted = [p for p in found if p.status == PlanStatus.ADOPTED]
    chosen = adopted or found
    return chosen[0] if chosen else None


def _adopted_for(session: Session, year: int) -> StrategicPlan | None:
    found: StrategicPlan | None = session.execute(
        select(StrategicPlan).where(
            col(StrategicPlan.first_year) <= year,
            col(StrategicPlan.last_year) >= year,
            col(StrategicPlan.status) == PlanStatus.ADOPTED.value,
        )
    ).scalar_one_or_none()
    return found


def _code_free(session: Session, code: str, plan_id: int | None = None) -> bool:
    query = select(col(StrategicPlan.id)).where(col(StrategicPlan.code) == code)
    if plan_id is not None:
        query = query.where(col(StrategicPlan.id) != plan_id)
    return session.execute(query).first() is None


def create_plan(
    session: Session, *, actor: Actor, data: PlanIn, recorded_at: datetime | None = None
) -> StrategicPlan:
    """Create a draft plan covering ``first_year`` to ``first_year + 4``."""
    fields: dict[str, str] = {}
    code = _code(data.code, "code", fields)
    if "code" not in fields and not _code_free(session, code):
        raise Conflict(f"a strategic plan {code} already exists", fields={"code": "taken"})
    if not data.title.strip():
        fields["title"] = "required"
    ValidationFailed.raise_if(fields)
    plan = StrategicPlan(
        code=code,
        title=data.title.strip(),
        description=_text(data.description),
        first_year=data.first_year,
        last_year=data.first_year + PLAN_YEARS - 1,
        status=PlanStatus.DRAFT,
        recorded_by=actor.name,
    )
    return audit.store(
        session,
        plan,
        actor=actor,
        action="strategy.plan.create",
        object_type="strategic_plan",
        detail=data.model_dump(mode="json"),
        recorded_at=recorded_at,
    )


def _draft(plan: StrategicPlan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise Conflict(
            f"plan {plan.code} is {plan.status}: only a draft plan's structure can be edited"
        )


def update_plan(session: Session, *, actor: Actor, plan_id: int, data: PlanUpdate) -> StrategicPlan:
    """Change the code, title or description of a draft plan."""
    plan = get_plan(session, plan_id=plan_id)
    _draft(plan)
    fields: dict[str, str] = {}
    if data.code is not None:
        code = _code(data.code, "code", fields)
        if "code" not in fields and not _code_free(session, code, plan.id):
            raise Conflict(f"a strategic plan {code} already exists", fields={"code": "taken"})
        plan.code = code
    if data.title is not None:
        if not data.title.strip():
            fields["title"] = "required"
        plan.title = data.title.strip()
    ValidationFailed.raise_if(fields)
    if "description" in data.model_fields_set:
        plan.description = _text(data.description)
    session.add(plan)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="strategy.plan.update",
        object_type="strategic_plan",
        object_id=str(plan.id),
        detail=data.model_dump(mode="json", exclude_unset=True),
    )
    return plan


def delete_plan(session: Session, *, actor: Actor, plan_id: int) -> None:
    """Delete a draft plan with its structure, indicators and targets."""
    plan = get_plan(session, plan_id=plan_id)
    _draft(plan)
    indicator_ids = [i.id for i in indicators_of(session, plan_id=plan_id)]
    if indicator_ids:
        session.execute(delete(Target).where(col(Target.indicator_id).in_(indicator_ids)))
        session.execute(delete(Indicator).where(col(Indicator.id).in_(indicator_ids)))
    for level in (ElementLevel.OUTPUT, ElementLevel.ACTIVITY, ElementLevel.OBJECTIVE):
        session.execute(
            delete(PlanElement).where(
                col(PlanElement.plan_id) == plan_id, col(PlanElement.level) == level.value
            )
        )
    session.execute(delete(PlanElement).where(col(PlanElement.plan_id) == plan_id))
    session.delete(plan)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="strategy.plan.delete",
        object_type="strategic_plan",
        object_id=str(plan_id),
        detail={"code": plan.code},
    )


def _lock_overlapping(session: Session, plan: StrategicPlan) -> list[StrategicPlan]:
    """Every plan whose years meet ``plan``'s (``plan`` included), locked in id order and
    read again (so that two overlapping drafts are not adopted at once)."""
    return list(
        session.execute(
            select(StrategicPlan)
            .where(
                col(StrategicPlan.first_year) <= plan.last_year,
                col(StrategicPlan.last_year) >= plan.first_year,
            )
            .order_by(col(StrategicPlan.id))
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalars()
    )


def adoption_problems(session: Session, *, plan_id: int) -> dict[str, str]:
    """What keeps a draft plan from being adopted (field → message; empty: nothing):
    it needs a goal and an objective, and every indicator a target for every year."""
    plan = get_plan(session, plan_id=plan_id)
    problems: dict[str, str] = {}
    levels = {e.level for e in elements_of(session, plan_id=plan_id)}
    if ElementLevel.GOAL not in levels:
        problems["goals"] = "the plan has no goal"
    elif ElementLevel.OBJECTIVE not in levels:
        problems["objectives"] = "the plan has no objective"
    years = set(range(plan.first_year, plan.last_year + 1))
    for indicator in indicators_of(session, plan_id=plan_id):
        missing = sorted(years - set(targets_of(session, indicator_id=indicator.id or 0)))
        if missing:
            problems[f"indicators.{indicator.code}.targets"] = (
                f"no target for {', '.join(str(y) for y in missing)}"
            )
    return problems


def adopt_plan(
    session: Session,
    *,
    actor: Actor,
    plan_id: int,
    data: PlanAdoptionIn,
    recorded_at: datetime | None = None,
) -> StrategicPlan:
    """Record the CSP decision adopting a draft plan; refused while another adopted plan
    covers one of its years, or while the plan is incomplete (``adoption_problems``)."""
    plan = get_plan(session, plan_id=plan_id)
    _draft(plan)
    now = recorded_at or utcnow()
    fields: dict[str, str] = {}
    reference = data.decision_reference.strip()
    if not reference:
        fields["decision_reference"] = "required"
    if data.adopted_on > now.date():
        fields["adopted_on"] = "may not be in the future"
    ValidationFailed.raise_if(fields)
    for other in _lock_overlapping(session, plan):
        if other.id != plan.id and other.status == PlanStatus.ADOPTED:
            raise Conflict(
                f"plan {other.code} ({other.first_year}-{other.last_year}) is adopted and "
                f"covers years of plan {plan.code}: close it first"
            )
    _draft(plan)
    problems = adoption_problems(session, plan_id=plan_id)
    if problems:
        name, message = next(iter(problems.items()))
        raise RuleViolation(f"plan {plan.code} is not complete: {name}: {message}", fields=problems)
    plan.status = PlanStatus.ADOPTED
    plan.decision_reference = reference
    plan.adopted_on = data.adopted_on
    plan.adopted_by = actor.name
    plan.adopted_recorded_at = now
    session.add(plan)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="strategy.plan.adopt",
        object_type="strategic_plan",
        object_id=str(plan.id),
        detail=data.model_dump(mode="json"),
        occurred_at=recorded_at,
    )
    return plan


def close_plan(
    session: Session,
    *,
    actor: Actor,
    plan_id: int,
    data: PlanClosureIn,
    recorded_at: datetime | None = None,
) -> StrategicPlan:
    """Close an adopted plan; refused while a measurement awaits approval."""
    plan = get_plan(session, plan_id=plan_id)
    if plan.status != PlanStatus.ADOPTED:
        raise Conflict(f"plan {plan.code} is {plan.status}: only an adopted plan can be closed")
    now = recorded_at or utcnow()
    fields: dict[str, str] = {}
    if data.closed_on > now.date():
        fields["closed_on"] = "may not be in the future"
    if plan.adopted_on is not None and data.closed_on < plan.adopted_on:
        fields["closed_on"] = f"before the plan was adopted ({plan.adopted_on})"
    ValidationFailed.raise_if(fields)
    pending = [
        m
        for m in measurement_history(session, plan_id=plan_id)
        if m.status == MeasurementStatus.PENDING
    ]
    if pending:
        raise RuleViolation(
            f"{len(pending)} measurement(s) of plan {plan.code} await approval "
            f"(first: {pending[0].indicator_code} {pending[0].year}, id {pending[0].id}): "
            "approve them or correct them before closing the plan"
        )
    plan.status = PlanStatus.CLOSED
    plan.closed_on = data.closed_on
    plan.closing_note = _text(data.note)
    plan.closed_by = actor.name
    plan.closed_recorded_at = now
    session.add(plan)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="strategy.plan.close",
        object_type="strategic_plan",
        object_id=str(plan.id),
        detail=data.model_dump(mode="json"),
        occurred_at=recorded_at,
    )
    return plan


def plan_out(plan: StrategicPlan) -> PlanOut:
    """A plan as the API shows it."""
    return PlanOut(
        id=plan.id or 0,
        code=plan.code,
        title=plan.title,
        description=plan.description,
        first_year=plan.first_year,
        last_year=plan.last_year,
        status=PlanStatus(plan.status),
        decision_reference=plan.decision_reference,
        adopted_on=plan.adopted_on,
        adopted_by=plan.adopted_by,
        adopted_recorded_at=plan.adopted_recorded_at,
        closed_on=plan.closed_on,
        closing_note=plan.closing_note,
        closed_by=plan.closed_by,
        closed_recorded_at=plan.closed_recorded_at,
        recorded_at=plan.recorded_at,
        recorded_by=plan.recorded_by,
    )


# --- structure -----------------------------------------------------------------------------


def elements_of(session: Session, *, plan_id: int) -> list[PlanElement]:
    """Every goal, objective, output and activity of a plan, in order then code."""
    return list(
        session.execute(
            select(PlanElement)
            .where(col(PlanElement.plan_id) == plan_id)
            .order_by(col(PlanElement.sort_order), col(PlanElement.code))
        ).scalars()
    )


def get_element(session: Session, *, element_id: int) -> PlanElement:
    """The element with id ``element_id`` (NotFound if there is none)."""
    element = session.get(PlanElement, element_id)
    if element is None:
        raise NotFound(f"plan element {element_id} does not exist")
    return element


def find_element(session: Session, *, plan_id: int, code: str) -> PlanElement:
    """The element of a plan with code ``code`` (NotFound if there is none)."""
    element: PlanElement | None = session.execute(
        select(PlanElement).where(
            col(PlanElement.plan_id) == plan_id, col(PlanElement.code) == code.strip()
        )
    ).scalar_one_or_none()
    if element is None:
        raise NotFound(f"plan {plan_id} has no goal, objective, output or activity {code}")
    return element


def _code_taken(session: Session, plan_id: int, code: str, element_id: int | None = None) -> bool:
    query = select(col(PlanElement.id)).where(
        col(PlanElement.plan_id) == plan_id, col(PlanElement.code) == code
    )
    if element_id is not None:
        query = query.where(col(PlanElement.id) != element_id)
    return session.execute(query).first() is not None


def add_element(
    session: Session,
    *,
    actor: Actor,
    plan_id: int,
    data: ElementIn,
    recorded_at: datetime | None = None,
) -> PlanElement:
    """Add a goal, or an objective under a goal, or an output or activity under an
    objective, to a draft plan."""
    plan = get_plan(session, plan_id=plan_id)
    _draft(plan)
    fields: dict[str, str] = {}
    level = ElementLevel(data.level)
    code = _code(data.code, "code", fields)
    if not data.title.strip():
        fields["title"] = "required"
    parent: PlanElement | None = None
    wanted = PARENT_LEVEL[level]
    if wanted is None and data.parent_code:
        fields["parent_code"] = "a goal has no parent"
    elif wanted is not None:
        if not data.parent_code:
            fields["parent_code"] = f"an {level} needs its {wanted}"
        else:
            parent = session.execute(
                select(PlanElement).where(
                    col(PlanElement.plan_id) == plan_id,
                    col(PlanElement.code) == data.parent_code.strip(),
                )
            ).scalar_one_or_none()
            if parent is None:
                fields["parent_code"] = f"plan {plan.code} has no {data.parent_code}"
            elif parent.level != wanted:
                fields["parent_code"] = f"{parent.code} is {_a(parent.level)}, not {_a(wanted)}"
    ValidationFailed.raise_if(fields)
    if _code_taken(session, plan_id, code):
        raise Conflict(f"plan {plan.code} already has an element {code}", fields={"code": "taken"})
    element = PlanElement(
        plan_id=plan_id,
        parent_id=parent.id if parent is not None else None,
        level=level,
        code=code,
        title=data.title.strip(),
        description=_text(data.description),
        sort_order=data.order,
        recorded_by=actor.name,
    )
    return audit.store(
        session,
        element,
        actor=actor,
        action="strategy.element.add",
        object_type="plan_element",
        detail={"plan": plan.code, **data.model_dump(mode="json")},
        recorded_at=recorded_at,
    )


def update_element(
    session: Session, *, actor: Actor, element_id: int, data: ElementUpdate
) -> PlanElement:
    """Change the code, title, description or order of an element of a draft plan."""
    element = get_element(session, element_id=element_id)
    _draft(get_plan(session, plan_id=element.plan_id))
    fields: dict[str, str] = {}
    if data.code is not None:
        code = _code(data.code, "code", fields)
        if "code" not in fields and _code_taken(session, element.plan_id, code, element.id):
            raise Conflict(f"the plan already has an element {code}", fields={"code": "taken"})
        element.code = code
    if data.title is not None:
        if not data.title.strip():
            fields["title"] = "required"
        element.title = data.title.strip()
    ValidationFailed.raise_if(fields)
    if "description" in data.model_fields_set:
        element.description = _text(data.description)
    if data.order is not None:
        element.sort_order = data.order
    session.add(element)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="strategy.element.update",
        object_type="plan_element",
        object_id=str(element.id),
        detail=data.model_dump(mode="json", exclude_unset=True),
    )
    return element


def delete_element(session: Session, *, actor: Actor, element_id: int) -> None:
    """Remove an element of a draft plan that has no element or indicator under it."""
    element = get_element(session, element_id=element_id)
    _draft(get_plan(session, plan_id=element.plan_id))
    children = session.execute(
        select(func.count()).where(col(PlanElement.parent_id) == element_id)
    ).scalar_one()
    indicators = session.execute(
        select(func.count()).where(col(Indicator.element_id) == element_id)
    ).scalar_one()
    if children or indicators:
        raise Conflict(
            f"{element.code} has {children} element(s) and {indicators} indicator(s) under "
            "it: remove them first"
        )
    session.delete(element)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="strategy.element.delete",
        object_type="plan_element",
        object_id=str(element_id),
        detail={"code": element.code},
    )


def element_out(element: PlanElement, codes: dict[int, str]) -> ElementOut:
    """An element as the API shows it (``codes``: element id → code, for the parent)."""
    return ElementOut(
        id=element.id or 0,
        plan_id=element.plan_id,
        level=ElementLevel(element.level),
        parent_id=element.parent_id,
        parent_code=codes.get(element.parent_id) if element.parent_id is not None else None,
        code=element.code,
        title=element.title,
        description=element.description,
        order=element.sort_order,
    )


def plan_tree(session: Session, *, plan_id: int) -> PlanTreeOut:
    """The plan with its goals, each with its indicators and the elements under it."""
    plan = get_plan(session, plan_id=plan_id)
    elements = elements_of(session, plan_id=plan_id)
    codes = {e.id or 0: e.code for e in elements}
    indicators: dict[int, list[IndicatorOut]] = defaultdict(list)
    for indicator in indicators_of(session, plan_id=plan_id):
        indicators[indicator.element_id].append(indicator_out(session, indicator, codes))
    children: dict[int | None, list[PlanElement]] = defaultdict(list)
    for element in elements:
        children[element.parent_id].append(element)

    def node(element: PlanElement) -> ElementNodeOut:
        return ElementNodeOut(
            **element_out(element, codes).model_dump(),
            indicators=indicators.get(element.id or 0, []),
            children=[node(child) for child in children.get(element.id, [])],
        )

    return PlanTreeOut(plan=plan_out(plan), goals=[node(goal) for goal in children[None]])


# --- indicators ----------------------------------------------------------------------------


def get_indicator(session: Session, *, indicator_id: int) -> Indicator:
    """The indicator with id ``indicator_id`` (NotFound if there is none)."""
    indicator = session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound(f"indicator {indicator_id} does not exist")
    return indicator


def indicators_of(session: Session, *, plan_id: int) -> list[Indicator]:
    """Every indicator of a plan, in order then code."""
    return list(
        session.execute(
            select(Indicator)
            .where(col(Indicator.plan_id) == plan_id)
            .order_by(col(Indicator.sort_order), col(Indicator.code))
        ).scalars()
    )


def targets_of(session: Session, *, indicator_id: int) -> dict[int, Decimal]:
    """An indicator's targets by year."""
    rows = session.execute(
        select(Target).where(col(Target.indicator_id) == indicator_id).order_by(col(Target.year))
    ).scalars()
    return {t.year: t.value for t in rows}


@dataclass(frozen=True, slots=True)
class _Checked:
    element: PlanElement
    code: str
    baseline: Decimal
    targets: dict[int, Decimal]
    measure: str | None
    disaggregation: str | None


def _check_indicator(
    session: Session, plan: StrategicPlan, data: IndicatorIn, indicator_id: int | None
) -> _Checked:
    fields: dict[str, str] = {}
    code = _code(data.code, "code", fields)
    if not data.title.strip():
        fields["title"] = "required"
    element = session.execute(
        select(PlanElement).where(
            col(PlanElement.plan_id) == plan.id,
            col(PlanElement.code) == data.element_code.strip(),
        )
    ).scalar_one_or_none()
    if element is None:
        fields["element_code"] = f"plan {plan.code} has no {data.element_code}"
    elif element.level not in (ElementLevel.GOAL, ElementLevel.OBJECTIVE):
        fields["element_code"] = (
            f"{element.code} is an {element.level}: indicators measure goals and objectives"
        )
    unit = Unit(data.unit)
    baseline = Decimal(0)
    try:
        baseline = parse_value(data.baseline_value, unit=unit, field="baseline_value")
    except ValidationFailed as exc:
        fields.update(exc.fields)
    if data.baseline_year > plan.first_year:
        fields["baseline_year"] = f"at the latest the plan's first year, {plan.first_year}"
    elif data.baseline_year < plan.first_year - 20:
        fields["baseline_year"] = "more than twenty years before the plan"
    targets: dict[int, Decimal] = {}
    for i, target in enumerate(data.targets):
        name = f"targets[{i}]"
        if not plan.first_year <= target.year <= plan.last_year:
            fields[f"{name}.year"] = f"not a year of the plan ({plan.first_year}-{plan.last_year})"
        elif target.year in targets:
            fields[f"{name}.year"] = f"{target.year} given twice"
        try:
            targets[target.year] = parse_value(target.value, unit=unit, field=f"{name}.value")
        except ValidationFailed as exc:
            fields.update(exc.fields)
    measure = _text(data.measure)
    disaggregation = _text(data.disaggregation)
    if Source(data.source) is Source.COMPUTED:
        if measure is None:
            fields["measure"] = "a computed indicator names its measure"
        elif measure not in MEASURES:
            fields["measure"] = f"unknown measure (one of: {', '.join(MEASURES)})"
        elif get_measure(measure).unit != unit:
            fields["unit"] = f"{measure} is in {get_measure(measure).unit}"
        if pure.TargetKind(data.target_kind) is not pure.TargetKind.ANNUAL:
            fields["target_kind"] = "a computed indicator has annual targets"
        if disaggregation is not None:
            fields["disaggregation"] = "a computed indicator is not disaggregated"
    elif measure is not None:
        fields["measure"] = "only a computed indicator names a measure"
    ValidationFailed.raise_if(fields)
    assert element is not None
    query = select(col(Indicator.id)).where(
        col(Indicator.plan_id) == plan.id, col(Indicator.code) == code
    )
    if indicator_id is not None:
        query = query.where(col(Indicator.id) != indicator_id)
    if session.execute(query).first() is not None:
        raise Conflict(
            f"plan {plan.code} already has an indicator {code}", fields={"code": "taken"}
        )
    return _Checked(element, code, baseline, targets, measure, disaggregation)


def _replace_targets(session: Session, indicator_id: int, targets: dict[int, Decimal]) -> None:
    session.execute(delete(Target).where(col(Target.indicator_id) == indicator_id))
    for year, value in sorted(targets.items()):
        session.add(Target(indicator_id=indicator_id, year=year, value=value))
    session.flush()


def add_indicator(
    session: Session,
    *,
    actor: Actor,
    plan_id: int,
    data: IndicatorIn,
    recorded_at: datetime | None = None,
) -> Indicator:
    """Add an indicator, with its targets, to a goal or an objective of a draft plan."""
    plan = get_plan(session, plan_id=plan_id)
    _draft(plan)
    checked = _check_indicator(session, plan, data, None)
    indicator = Indicator(
        plan_id=plan_id,
        element_id=checked.element.id or 0,
        code=checked.code,
        title=data.title.strip(),
        description=_text(data.description),
        unit=Unit(data.unit),
        direction=pure.Direction(data.direction),
        baseline_value=checked.baseline,
        baseline_year=data.baseline_year,
        target_kind=pure.TargetKind(data.target_kind),
        source=Source(data.source),
        measure=checked.measure,
        disaggregation=checked.disaggregation,
        sort_order=data.order,
        recorded_by=actor.name,
    )
    audit.store(
        session,
        indicator,
        actor=actor,
        action="strategy.indicator.add",
        object_type="indicator",
        detail={"plan": plan.code, **data.model_dump(mode="json")},
        recorded_at=recorded_at,
    )
    _replace_targets(session, indicator.id or 0, checked.targets)
    return indicator


def update_indicator(
    session: Session, *, actor: Actor, indicator_id: int, data: IndicatorIn
) -> Indicator:
    """Replace the definition and targets of an indicator of a draft plan."""
    indicator = get_indicator(session, indicator_id=indicator_id)
    plan = get_plan(session, plan_id=indicator.plan_id)
    _draft(plan)
    checked = _check_indicator(session, plan, data, indicator_id)
    indicator.element_id = checked.element.id or 0
    indicator.code = checked.code
    indicator.title = data.title.strip()
    indicator.description = _text(data.description)
    indicator.unit = Unit(data.unit)
    indicator.direction = pure.Direction(data.direction)
    indicator.baseline_value = checked.baseline
    indicator.baseline_year = data.baseline_year
    indicator.target_kind = pure.TargetKind(data.target_kind)
    indicator.source = Source(data.source)
    indicator.measure = checked.measure
    indicator.disaggregation = checked.disaggregation
    indicator.sort_order = data.order
    session.add(indicator)
    session.flush()
    _replace_targets(session, indicator_id, checked.targets)
    audit.record(
        session,
        actor=actor,
        action="strategy.indicator.update",
        object_type="indicator",
        object_id=str(indicator_id),
        detail=data.model_dump(mode="json"),
    )
    return indicator


def delete_indicator(session: Session, *, actor: Actor, indicator_id: int) -> None:
    """Remove an indicator, and its targets, from a draft plan."""
    indicator = get_indicator(session, indicator_id=indicator_id)
    _draft(get_plan(session, plan_id=indicator.plan_id))
    session.execute(delete(Target).where(col(Target.indicator_id) == indicator_id))
    session.delete(indicator)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="strategy.indicator.delete",
        object_type="indicator",
        object_id=str(indicator_id),
        detail={"code": indicator.code},
    )


def indicator_out(
    session: Session, indicator: Indicator, codes: dict[int, str] | None = None
) -> IndicatorOut:
    """An indicator as the API shows it (``codes``: element id → code, when known)."""
    element_code = (codes or {}).get(indicator.element_id)
    if element_code is None:
        element_code = get_element(session, element_id=indicator.element_id).code
    return IndicatorOut(
        id=indicator.id or 0,
        plan_id=indicator.plan_id,
        element_id=indicator.element_id,
        element_code=element_code,
        code=indicator.code,
        title=indicator.title,
        description=indicator.description,
        unit=Unit(indicator.unit),
        direction=pure.Direction(indicator.direction),
        baseline_value=format(indicator.baseline_value, "f"),
        baseline_year=indicator.baseline_year,
        target_kind=pure.TargetKind(indicator.target_kind),
        targets=[
            TargetOut(year=y, value=format(v, "f"))
            for y, v in targets_of(session, indicator_id=indicator.id or 0).items()
        ],
        source=Source(indicator.source),
        measure=indicator.measure,
        disaggregation=indicator.disaggregation,
        order=indicator.sort_order,
    )


def measure_catalogue() -> list[MeasureOut]:
    """The measures a computed indicator may name."""
    return [
        MeasureOut(name=m.name, title=m.title, description=m.description, unit=m.unit)
        for m in MEASURES.values()
    ]


# --- measurements --------------------------------------------------------------------------


def _slot(session: Session, indicator_id: int, year: int, category: str) -> list[Measurement]:
    """Every version of an indicator's value for a year and category, oldest first."""
    return list(
        session.execute(
            select(Measurement)
            .where(
                col(Measurement.indicator_id) == indicator_id,
                col(Measurement.year) == year,
                col(Measurement.category) == category,
            )
            .order_by(col(Measurement.id))
        ).scalars()
    )


def _category(indicator: Indicator, text: str, fields: dict[str, str]) -> str:
    category = text.strip()
    if not category:
        return ""
    if indicator.disaggregation is None:
        fields["category"] = f"indicator {indicator.code} is not disaggregated"
    elif indicator.disaggregation in CATEGORIES:
        known = CATEGORIES[indicator.disaggregation]
        if category not in known:
            fields["category"] = f"not a {indicator.disaggregation} ({', '.join(sorted(known))})"
    return category


def _evidence(text: str | None, fields: dict[str, str]) -> str | None:
    url = _text(text)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        fields["evidence_url"] = "an http or https address"
    return url


def record_measurement(
    session: Session,
    *,
    actor: Actor,
    indicator_id: int,
    data: MeasurementIn,
    recorded_at: datetime | None = None,
) -> Measurement:
    """Record a value of an entered indicator for a year of its adopted plan, awaiting
    approval by someone else. When the indicator already has a version for the year and
    category, ``data.supersedes`` must name the latest (Conflict otherwise)."""
    indicator = get_indicator(session, indicator_id=indicator_id)
    plan = get_plan(session, plan_id=indicator.plan_id)
    if plan.status != PlanStatus.ADOPTED:
        raise RuleViolation(
            f"plan {plan.code} is {plan.status}: measurements are recorded for an adopted plan"
        )
    if indicator.source != Source.ENTERED:
        raise RuleViolation(
            f"indicator {indicator.code} is computed from the finance data ({indicator.measure})"
        )
    now = recorded_at or utcnow()
    fields: dict[str, str] = {}
    if not plan.first_year <= data.year <= plan.last_year:
        fields["year"] = f"not a year of the plan ({plan.first_year}-{plan.last_year})"
    elif data.year > now.year:
        fields["year"] = "a year that has not begun"
    category = _category(indicator, data.category, fields)
    value = Decimal(0)
    try:
        value = parse_value(data.value, unit=Unit(indicator.unit), field="value")
    except ValidationFailed as exc:
        fields.update(exc.fields)
    evidence = _evidence(data.evidence_url, fields)
    ValidationFailed.raise_if(fields)
    versions = _slot(session, indicator_id, data.year, category)
    latest = versions[-1] if versions else None
    slot = f"{indicator.code} {data.year}" + (f" ({category})" if category else "")
    if latest is None and data.supersedes is not None:
        raise Conflict(
            f"{slot} has no value yet: there is nothing to supersede",
            fields={"supersedes": "nothing to supersede"},
        )
    if latest is not None and data.supersedes != latest.id:
        raise Conflict(
            f"{slot} already has measurement {latest.id}: a new version supersedes it "
            f"(supersedes={latest.id})",
            fields={"supersedes": f"must be {latest.id}"},
        )
    measurement = Measurement(
        indicator_id=indicator_id,
        year=data.year,
        category=category,
        value=value,
        narrative=_text(data.narrative),
        evidence_url=evidence,
        supersedes_id=latest.id if latest is not None else None,
        recorded_by=actor.name,
    )
    return audit.store(
        session,
        measurement,
        actor=actor,
        action="strategy.measurement.record",
        object_type="measurement",
        detail={"indicator": indicator.code, **data.model_dump(mode="json")},
        recorded_at=recorded_at,
    )


def approve_measurement(
    session: Session,
    *,
    actor: Actor,
    measurement_id: int,
    data: ApprovalIn | None = None,
    recorded_at: datetime | None = None,
) -> MeasurementApproval:
    """Approve a measurement awaiting approval, which makes it the value in force. Its
    author may not approve it (maker-checker)."""
    measurement = session.get(Measurement, measurement_id)
    if measurement is None:
        raise NotFound(f"measurement {measurement_id} does not exist")
    indicator = get_indicator(session, indicator_id=measurement.indicator_id)
    plan = get_plan(session, plan_id=indicator.plan_id)
    if session.get(MeasurementApproval, measurement_id) is not None:
        raise Conflict(
            f"measurement {measurement_id} is already approved: a correction is a new version"
        )
    later = session.execute(
        select(col(Measurement.id)).where(col(Measurement.supersedes_id) == measurement_id)
    ).scalar_one_or_none()
    if later is not None:
        raise Conflict(
            f"measurement {measurement_id} was replaced by measurement {later}: approve that one"
        )
    if plan.status != PlanStatus.ADOPTED:
        raise RuleViolation(f"plan {plan.code} is {plan.status}: nothing more is approved")
    if actor.name == measurement.recorded_by:
        raise PermissionDenied(
            f"{actor.name} recorded measurement {measurement_id}: another person must approve it"
        )
    approval = MeasurementApproval(
        measurement_id=measurement_id,
        approved_by=actor.name,
        note=_text(data.note) if data is not None else None,
    )
    return audit.store(
        session,
        approval,
        actor=actor,
        action="strategy.measurement.approve",
        object_type="measurement",
        object_id=str(measurement_id),
        detail={
            "indicator": indicator.code,
            "year": measurement.year,
            "category": measurement.category,
            "value": format(measurement.value, "f"),
            "supersedes": measurement.supersedes_id,
        },
        recorded_at=recorded_at,
    )


def measurement_history(
    session: Session,
    *,
    plan_id: int | None = None,
    indicator_id: int | None = None,
    year: int | None = None,
    known_at: datetime | None = None,
) -> list[MeasurementOut]:
    """Every version of the measurements of a plan or an indicator (of a year), with its
    status as known at ``known_at``, by indicator, year, category and version."""
    m, a, i = Measurement, MeasurementApproval, Indicator
    query = (
        select(m, a, col(i.code))
        .join(i, col(i.id) == col(m.indicator_id))
        .outerjoin(a, col(a.measurement_id) == col(m.id))
        .order_by(col(i.sort_order), col(i.code), col(m.year), col(m.category), col(m.id))
    )
    if plan_id is not None:
        query = query.where(col(i.plan_id) == plan_id)
    if indicator_id is not None:
        query = query.where(col(m.indicator_id) == indicator_id)
    if year is not None:
        query = query.where(col(m.year) == year)
    if known_at is not None:
        query = query.where(col(m.recorded_at) <= known_at)
    rows: list[tuple[Measurement, MeasurementApproval | None, str]] = [
        (row[0], row[1], str(row[2])) for row in session.execute(query).all()
    ]
    visible = [
        (measurement, approval if approval and _known(approval, known_at) else None, code)
        for measurement, approval, code in rows
    ]
    superseded = {x.supersedes_id for x, _, _ in visible if x.supersedes_id is not None}
    latest_approved: dict[tuple[int, int, str], int] = {}
    for measurement, approval, _ in visible:
        if approval is not None:
            key = (measurement.indicator_id, measurement.year, measurement.category)
            latest_approved[key] = max(latest_approved.get(key, 0), measurement.id or 0)
    result = []
    for measurement, approval, code in visible:
        key = (measurement.indicator_id, measurement.year, measurement.category)
        if approval is not None:
            status = (
                MeasurementStatus.APPROVED
                if latest_approved[key] == measurement.id
                else MeasurementStatus.SUPERSEDED
            )
        elif measurement.id in superseded:
            status = MeasurementStatus.REPLACED
        else:
            status = MeasurementStatus.PENDING
        result.append(_measurement_out(measurement, approval, code, status))
    return result


def _known(approval: MeasurementApproval, known_at: datetime | None) -> bool:
    return known_at is None or approval.recorded_at <= known_at


def _measurement_out(
    m: Measurement, a: MeasurementApproval | None, code: str, status: MeasurementStatus
) -> MeasurementOut:
    return MeasurementOut(
        id=m.id or 0,
        indicator_id=m.indicator_id,
        indicator_code=code,
        year=m.year,
        category=m.category,
        value=format(m.value, "f"),
        narrative=m.narrative,
        evidence_url=m.evidence_url,
        supersedes=m.supersedes_id,
        status=status,
        recorded_by=m.recorded_by,
        recorded_at=m.recorded_at,
        approved_by=a.approved_by if a is not None else None,
        approved_at=a.recorded_at if a is not None else None,
        approval_note=a.note if a is not None else None,
    )


def measurement_out(
    session: Session, *, measurement_id: int, known_at: datetime | None = None
) -> MeasurementOut:
    """One measurement with its status as known at ``known_at``."""
    measurement = session.get(Measurement, measurement_id)
    if measurement is None:
        raise NotFound(f"measurement {measurement_id} does not exist")
    for out in measurement_history(
        session, indicator_id=measurement.indicator_id, year=measurement.year, known_at=known_at
    ):
        if out.id == measurement_id:
            return out
    raise NotFound(f"measurement {measurement_id} was not recorded by {known_at}")


def values_in_force(
    session: Session, *, indicator_id: int, known_at: datetime | None = None
) -> dict[tuple[int, str], Decimal]:
    """An indicator's approved values in force as known at ``known_at``, by (year,
    category)."""
    found = approved_values(
        session, indicator_ids=[indicator_id], known_at=known_at, category=None
    )[indicator_id]
    return {key: m.value for key, m in sorted(found.items())}


# --- budget lines and objectives -----------------------------------------------------------


def _line(
    session: Session, budget_line_id: int, *, lock: bool = False
) -> tuple[BudgetLine, Budget]:
    line = session.get(BudgetLine, budget_line_id, with_for_update=lock)
    if line is None:
        raise NotFound(f"budget line {budget_line_id} does not exist")
    budget = session.get(Budget, line.budget_id)
    assert budget is not None
    return line, budget


def set_line_links(
    session: Session,
    *,
    actor: Actor,
    budget_line_id: int,
    data: LineLinksIn,
    recorded_at: datetime | None = None,
) -> LinkSet:
    """Share a budget line among objectives of the plan adopted for its budget's year
    (the whole distribution at once; no links: unlinked). Shares add up to at most
    10,000 basis points; the rest is unlinked."""
    line, budget = _line(session, budget_line_id, lock=True)
    plan = _adopted_for(session, budget.year)
    if plan is None:
        raise RuleViolation(
            f"no adopted strategic plan covers {budget.year}: budget line {line.code} of "
            f"{budget.fund_code} {budget.year} cannot be linked to objectives"
        )
    fields: dict[str, str] = {}
    shares: dict[int, int] = {}
    for i, link in enumerate(data.links):
        code = link.objective_code.strip()
        objective = session.execute(
            select(PlanElement).where(
                col(PlanElement.plan_id) == plan.id, col(PlanElement.code) == code
            )
        ).scalar_one_or_none()
        name = f"links[{i}].objective_code"
        if objective is None:
            fields[name] = f"plan {plan.code} has no {code}"
        elif objective.level != ElementLevel.OBJECTIVE:
            fields[name] = f"{code} is {_a(objective.level)}, not an objective"
        elif (objective.id or 0) in shares:
            fields[name] = f"{code} given twice"
        else:
            shares[objective.id or 0] = link.share_bp
    total = sum(link.share_bp for link in data.links)
    if total > costs.WHOLE:
        fields["links"] = f"the shares add up to {total} basis points, more than 10000"
    ValidationFailed.raise_if(fields)
    link_set = LinkSet(budget_line_id=budget_line_id, note=_text(data.note), recorded_by=actor.name)
    audit.store(
        session,
        link_set,
        actor=actor,
        action="strategy.links.set",
        object_type="budget_line",
        object_id=str(budget_line_id),
        detail={
            "plan": plan.code,
            "fund": budget.fund_code,
            "year": budget.year,
            "line": line.code,
            **data.model_dump(mode="json"),
        },
        recorded_at=recorded_at,
    )
    for objective_id, share in sorted(shares.items()):
        session.add(LinkShare(set_id=link_set.id or 0, objective_id=objective_id, share_bp=share))
    session.flush()
    return link_set


def line_links(
    session: Session, *, budget_line_id: int, known_at: datetime | None = None
) -> LineLinksOut:
    """A budget line's shares among objectives as known at ``known_at``."""
    line, budget = _line(session, budget_line_id)
    found = sets_in_force(session, line_ids=[budget_line_id], known_at=known_at).get(budget_line_id)
    shares = shares_in_force(session, line_ids=[budget_line_id], known_at=known_at).get(
        budget_line_id, {}
    )
    objectives = {
        e.id: e
        for e in session.execute(
            select(PlanElement).where(col(PlanElement.id).in_(list(shares)))
        ).scalars()
    }
    links = sorted(
        (
            LinkOut(
                objective_id=oid,
                objective_code=objectives[oid].code,
                objective_title=objectives[oid].title,
                share_bp=bp,
            )
            for oid, bp in shares.items()
        ),
        key=lambda x: x.objective_code,
    )
    return LineLinksOut(
        budget_line_id=budget_line_id,
        fund=budget.fund_code,
        year=budget.year,
        line_code=line.code,
        line_title=line.title,
        links=links,
        unlinked_bp=costs.WHOLE - sum(shares.values()),
        recorded_at=found.recorded_at if found is not None else None,
        recorded_by=found.recorded_by if found is not None else None,
    )


# --- cost per objective and goal -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineCost:
    """A budget line, its shares among the plan's objectives, and its figures split."""

    line: execution.Line
    shares: dict[int, int]
    split: costs.Split


@dataclass(frozen=True, slots=True)
class PlanCost:
    """What the plan's goals and objectives cost as at ``(as_at, known_at)`` (US cents):
    ``goals`` and ``unlinked`` add up to ``total``, as do ``objectives`` and
    ``unlinked``; lines shared with another plan's objectives count as unlinked here."""

    plan: StrategicPlan
    as_at: date
    known_at: datetime | None
    year: int | None
    elements: dict[int, PlanElement]
    lines: list[LineCost]
    objectives: dict[int, execution.Figures]
    goals: dict[int, execution.Figures]
    unlinked: execution.Figures
    total: execution.Figures


def cost(
    session: Session,
    *,
    plan_id: int,
    as_at: date,
    known_at: datetime | None = None,
    year: int | None = None,
) -> PlanCost:
    """Cost per objective and goal of the budget lines of the plan's years (or of
    ``year``) as at ``(as_at, known_at)``, split by the links in force as known at
    ``known_at``."""
    plan = get_plan(session, plan_id=plan_id)
    if year is not None and not plan.first_year <= year <= plan.last_year:
        raise ValidationFailed(
            f"year: not a year of plan {plan.code} ({plan.first_year}-{plan.last_year})",
            fields={"year": "not a year of the plan"},
        )
    elements = {e.id or 0: e for e in elements_of(session, plan_id=plan_id)}
    objectives = {k: e for k, e in elements.items() if e.level == ElementLevel.OBJECTIVE}
    goals = {k: e for k, e in elements.items() if e.level == ElementLevel.GOAL}
    lines = [
        x
        for x in execution_lines(session, as_at=as_at, known_at=known_at, year=year)
        if plan.first_year <= x.year <= plan.last_year
    ]
    shares = shares_in_force(session, line_ids=[x.line_id for x in lines], known_at=known_at)
    by_objective = dict.fromkeys(objectives, execution.Figures())
    by_goal = dict.fromkeys(goals, execution.Figures())
    unlinked = total = execution.Figures()
    result: list[LineCost] = []
    for line in lines:
        mine = {o: bp for o, bp in shares.get(line.line_id, {}).items() if o in objectives}
        split = costs.split_figures(line.figures, mine)
        result.append(LineCost(line, mine, split))
        for objective_id, part in split.parts.items():
            by_objective[objective_id] += part
            goal_id = objectives[objective_id].parent_id or 0
            by_goal[goal_id] += part
        unlinked += split.unlinked
        total += line.figures
    return PlanCost(
        plan=plan,
        as_at=as_at,
        known_at=known_at,
        year=year,
        elements=elements,
        lines=result,
        objectives=by_objective,
        goals=by_goal,
        unlinked=unlinked,
        total=total,
    )


def figures_out(figures: execution.Figures) -> FiguresOut:
    """Figures as decimal strings, with the execution rate in percent."""
    return FiguresOut(
        original=format_minor(figures.original),
        revised=format_minor(figures.revised),
        commitments=format_minor(figures.commitments),
        actual=format_minor(figures.actual),
        available=format_minor(figures.available),
        execution_rate=percent(figures.rate),
    )


def _order(elements: dict[int, PlanElement]) -> list[PlanElement]:
    """Goals in order, each followed by its descendants in order (depth first)."""
    children: dict[int | None, list[PlanElement]] = defaultdict(list)
    for e in sorted(elements.values(), key=lambda e: (e.sort_order, e.code)):
        children[e.parent_id].append(e)
    ordered: list[PlanElement] = []

    def walk(parent: int | None) -> None:
        for e in children.get(parent, []):
            ordered.append(e)
            walk(e.id)

    walk(None)
    return ordered


def cost_out(result: PlanCost) -> PlanCostOut:
    """The cost per goal and objective as the API shows it."""
    elements = result.elements

    def row(element_id: int, figures: execution.Figures) -> CostRowOut:
        e = elements[element_id]
        parent = elements.get(e.parent_id or 0)
        return CostRowOut(
            element_id=element_id,
            level=ElementLevel(e.level),
            code=e.code,
            title=e.title,
            goal_code=parent.code if parent is not None else None,
            figures=figures_out(figures),
        )

    ordered = [e.id or 0 for e in _order(elements)]
    return PlanCostOut(
        plan_id=result.plan.id or 0,
        plan_code=result.plan.code,
        as_at=result.as_at,
        known_at=result.known_at,
        year=result.year,
        goals=[row(i, result.goals[i]) for i in ordered if i in result.goals],
        objectives=[row(i, result.objectives[i]) for i in ordered if i in result.objectives],
        unlinked=figures_out(result.unlinked),
        total=figures_out(result.total),
        lines=[
            LineCostOut(
                budget_line_id=x.line.line_id,
                fund=x.line.fund,
                year=x.line.year,
                line_code=x.line.code,
                line_title=x.line.title,
                figures=figures_out(x.line.figures),
                parts=[
                    LinePartOut(
                        objective_code=elements[o].code,
                        share_bp=x.shares[o],
                        figures=figures_out(part),
                    )
                    for o, part in sorted(x.split.parts.items(), key=lambda p: elements[p[0]].code)
                ],
                unlinked=figures_out(x.split.unlinked),
            )
            for x in result.lines
        ],
    )


# --- progress ------------------------------------------------------------------------------


#: Thresholds are shares of the expected way, from 0 to 1, with at most this many decimals.
_THRESHOLD_DECIMALS = 6


def _share(text: str | None, name: str, default: Decimal, fields: dict[str, str]) -> Decimal:
    if text is None:
        return default
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        fields[name] = "not a number"
        return default
    if not value.is_finite():
        fields[name] = "not a number"
    elif not Decimal(0) <= value <= Decimal(1):
        fields[name] = "a share of the expected way, from 0 to 1"
    elif value != value.quantize(Decimal(1).scaleb(-_THRESHOLD_DECIMALS)):
        fields[name] = f"at most {_THRESHOLD_DECIMALS} decimals"
    else:
        return value
    return default


def parse_thresholds(on_track: str | None, at_risk: str | None) -> pure.Thresholds:
    """Thresholds given as decimal text (None: the default), or ValidationFailed naming
    each bad one."""
    fields: dict[str, str] = {}
    default = pure.Thresholds()
    high = _share(on_track, "on_track", default.on_track, fields)
    low = _share(at_risk, "at_risk", default.at_risk, fields)
    if not fields and low > high:
        fields["at_risk"] = f"more than on_track ({high})"
    ValidationFailed.raise_if(fields)
    return pure.Thresholds(on_track=high, at_risk=low)


@dataclass(frozen=True, slots=True)
class IndicatorProgress:
    indicator: Indicator
    element: PlanElement
    series: pure.Series
    assessment: pure.Assessment


@dataclass(frozen=True, slots=True)
class PlanProgress:
    """Every indicator of the plan assessed for ``year`` as at ``(as_at, known_at)``,
    rolled up per objective and per goal (see ``progress.py``)."""

    plan: StrategicPlan
    year: int
    as_at: date
    known_at: datetime | None
    thresholds: pure.Thresholds
    elements: dict[int, PlanElement]
    indicators: list[IndicatorProgress]
    objectives: dict[int, pure.Rollup]
    goals: dict[int, pure.Rollup]


def _years_needed(indicator: Indicator, plan: StrategicPlan, year: int) -> list[int]:
    if indicator.target_kind == pure.TargetKind.CUMULATIVE:
        return list(range(min(plan.first_year, year - 1), year + 1))
    return [year - 1, year]


def progress(
    session: Session,
    *,
    plan_id: int,
    year: int,
    as_at: date,
    known_at: datetime | None = None,
    thresholds: pure.Thresholds | None = None,
) -> PlanProgress:
    """Progress of every indicator of the plan in ``year`` as at ``(as_at, known_at)``:
    entered values approved as known at ``known_at`` (of years up to ``as_at``'s), and
    computed values (``measures.computed_value``); rolled up to objectives and goals."""
    plan = get_plan(session, plan_id=plan_id)
    if not plan.first_year <= year <= plan.last_year:
        raise ValidationFailed(
            f"year: not a year of plan {plan.code} ({plan.first_year}-{plan.last_year})",
            fields={"year": "not a year of the plan"},
        )
    thresholds = thresholds or pure.Thresholds()
    elements = {e.id or 0: e for e in elements_of(session, plan_id=plan_id)}
    indicators = indicators_of(session, plan_id=plan_id)
    entered = approved_values(
        session,
        indicator_ids=[i.id or 0 for i in indicators if i.source == Source.ENTERED],
        known_at=known_at,
    )
    cache: dict[tuple[str, int], Decimal | None] = {}
    rows: list[IndicatorProgress] = []
    for indicator in indicators:
        values: dict[int, Decimal] = {}
        if indicator.source == Source.ENTERED:
            values = {
                y: v
                for y, v in values_by_year(entered.get(indicator.id or 0, {})).items()
                if y <= as_at.year
            }
        else:
            measure = indicator.measure or ""
            for y in _years_needed(indicator, plan, year):
                if (measure, y) not in cache:
                    cache[(measure, y)] = computed_value(
                        session, measure=measure, year=y, as_at=as_at, known_at=known_at
                    )
                found = cache[(measure, y)]
                if found is not None:
                    values[y] = found
        series = pure.Series(
            direction=pure.Direction(indicator.direction),
            target_kind=pure.TargetKind(indicator.target_kind),
            baseline=indicator.baseline_value,
            baseline_year=indicator.baseline_year,
            first_year=plan.first_year,
            targets=targets_of(session, indicator_id=indicator.id or 0),
            values=values,
        )
        rows.append(
            IndicatorProgress(
                indicator=indicator,
                element=elements[indicator.element_id],
                series=series,
                assessment=pure.assess(series, year, thresholds),
            )
        )
    by_element: dict[int, list[pure.Status]] = defaultdict(list)
    for row in rows:
        by_element[row.indicator.element_id].append(row.assessment.status)
    objectives: dict[int, pure.Rollup] = {}
    goals: dict[int, list[pure.Status]] = {
        k: list(by_element.get(k, [])) for k, e in elements.items() if e.level == ElementLevel.GOAL
    }
    for k, e in elements.items():
        if e.level == ElementLevel.OBJECTIVE:
            objectives[k] = pure.rollup(by_element.get(k, []))
            goals[e.parent_id or 0].extend(by_element.get(k, []))
    return PlanProgress(
        plan=plan,
        year=year,
        as_at=as_at,
        known_at=known_at,
        thresholds=thresholds,
        elements=elements,
        indicators=rows,
        objectives=objectives,
        goals={k: pure.rollup(v) for k, v in goals.items()},
    )


def progress_out(result: PlanProgress) -> PlanProgressOut:
    """Progress as the API shows it."""
    elements = result.elements

    def rollup_out(element_id: int, r: pure.Rollup) -> RollupOut:
        e = elements[element_id]
        return RollupOut(
            element_id=element_id,
            level=ElementLevel(e.level),
            code=e.code,
            title=e.title,
            status=r.status,
            counts=r.counts,
            on_track_share=percent(r.on_track_share),
        )

    ordered = [e.id or 0 for e in _order(elements)]
    return PlanProgressOut(
        plan_id=result.plan.id or 0,
        plan_code=result.plan.code,
        year=result.year,
        as_at=result.as_at,
        known_at=result.known_at,
        thresholds=ThresholdsOut(
            on_track=format(result.thresholds.on_track, "f"),
            at_risk=format(result.thresholds.at_risk, "f"),
        ),
        indicators=[
            IndicatorProgressOut(
                indicator_id=row.indicator.id or 0,
                code=row.indicator.code,
                title=row.indicator.title,
                element_code=row.element.code,
                unit=Unit(row.indicator.unit),
                direction=pure.Direction(row.indicator.direction),
                target_kind=pure.TargetKind(row.indicator.target_kind),
                source=Source(row.indicator.source),
                year=row.assessment.year,
                baseline=format(row.indicator.baseline_value, "f"),
                baseline_year=row.indicator.baseline_year,
                start=format(row.assessment.start, "f"),
                target=_decimal(row.assessment.target),
                achieved=_decimal(row.assessment.achieved),
                value=_decimal(row.assessment.value),
                previous=_decimal(row.assessment.previous),
                share_of_way=percent(row.assessment.share),
                status=row.assessment.status,
                trend=row.assessment.trend,
            )
            for row in result.indicators
        ],
        objectives=[rollup_out(i, result.objectives[i]) for i in ordered if i in result.objectives],
        goals=[rollup_out(i, result.goals[i]) for i in ordered if i in result.goals],
    )
