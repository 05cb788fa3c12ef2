"""The strategic plan told as the Secretariat lives it: a draft plan is built and
adopted by the CSP, only one adopted plan covers a year, measurements are entered by one
officer and approved by another, corrected by new versions, and the history stays.
Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col

from finance_core.access.models import Role
from finance_core.actor import Actor
from finance_core.audit.models import AuditEvent
from finance_core.db_types import utcnow
from finance_core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    RuleViolation,
    ValidationFailed,
)
from strategy import service
from strategy.models import ElementLevel, MeasurementStatus, PlanStatus, StrategicPlan, Unit
from strategy.progress import Direction, TargetKind
from strategy.schemas import (
    ApprovalIn,
    ElementIn,
    ElementUpdate,
    IndicatorIn,
    MeasurementIn,
    PlanAdoptionIn,
    PlanClosureIn,
    PlanIn,
    PlanUpdate,
    TargetIn,
)

CHECKER = Actor(name="checker", origin="test", roles=frozenset({Role.FINANCE_OFFICER}))


def indicator_in(**kw: object) -> IndicatorIn:
    """Share of States Parties that submitted their annual report: 50 % in 2023, targets
    60 … 80 % for 2024 … 2028 (entered, percent, higher is better)."""
    data: dict[str, object] = {
        "element_code": "O1.1",
        "code": "I1.1.1",
        "title": "States Parties that submitted their annual report",
        "unit": Unit.PERCENT,
        "baseline_value": "50",
        "baseline_year": 2023,
        "targets": [TargetIn(year=2024 + k, value=str(60 + 5 * k)) for k in range(5)],
    }
    data.update(kw)
    return IndicatorIn.model_validate(data)


def build_plan(
    session: Session, officer: Actor, *, code: str = "SP-2024", first_year: int = 2024
) -> StrategicPlan:
    """A draft plan: G1 (O1.1 with activity A1.1.1, O1.2) and G2 (O2.1), with an entered
    indicator on O1.1 when the plan starts in 2024."""
    plan = service.create_plan(
        session,
        actor=officer,
        data=PlanIn(code=code, title=f"Strategic Plan {code}", first_year=first_year),
    )
    pid = plan.id or 0
    for level, parent, element_code, order in (
        (ElementLevel.GOAL, None, "G1", 1),
        (ElementLevel.OBJECTIVE, "G1", "O1.1", 1),
        (ElementLevel.ACTIVITY, "O1.1", "A1.1.1", 1),
        (ElementLevel.OBJECTIVE, "G1", "O1.2", 2),
        (ElementLevel.GOAL, None, "G2", 2),
        (ElementLevel.OBJECTIVE, "G2", "O2.1", 1),
    ):
        service.add_element(
            session,
            actor=officer,
            plan_id=pid,
            data=ElementIn(
                level=level,
                parent_code=parent,
                code=element_code,
                title=f"Element {element_code}",
                order=order,
            ),
        )
    if first_year == 2024:
        service.add_indicator(session, actor=officer, plan_id=pid, data=indicator_in())
    return plan


def adopt(session: Session, officer: Actor, plan: StrategicPlan) -> StrategicPlan:
    return service.adopt_plan(
        session,
        actor=officer,
        plan_id=plan.id or 0,
        data=PlanAdoptionIn(
            decision_reference=f"ATT/CSP/{plan.first_year - 1}/DEC.{plan.code}",
            adopted_on=min(date(plan.first_year - 1, 8, 25), date.today()),
        ),
    )


@pytest.fixture
def adopted(session: Session, officer: Actor) -> StrategicPlan:
    plan = adopt(session, officer, build_plan(session, officer))
    session.commit()
    return plan


def indicator_id(session: Session, plan: StrategicPlan, code: str = "I1.1.1") -> int:
    found = [i for i in service.indicators_of(session, plan_id=plan.id or 0) if i.code == code]
    return found[0].id or 0


def measure(session: Session, actor: Actor, plan: StrategicPlan, **kw: object) -> int:
    data: dict[str, object] = {"year": 2024, "value": "62.5"}
    data.update(kw)
    code = str(data.pop("indicator", "I1.1.1"))
    m = service.record_measurement(
        session,
        actor=actor,
        indicator_id=indicator_id(session, plan, code),
        data=MeasurementIn.model_validate(data),
    )
    return m.id or 0


# --- plans ---------------------------------------------------------------------------------


def test_a_plan_covers_five_years_and_starts_as_a_draft(session: Session, officer: Actor) -> None:
    plan = build_plan(session, officer)
    session.commit()
    assert (plan.first_year, plan.last_year, plan.status) == (2024, 2028, PlanStatus.DRAFT)
    out = service.plan_out(plan)
    assert (out.status, out.adopted_on, out.recorded_by) == ("draft", None, "officer")
    assert service.find_plan(session, code="SP-2024").id == plan.id
    with pytest.raises(Conflict):
        service.create_plan(
            session, actor=officer, data=PlanIn(code="SP-2024", title="Again", first_year=2030)
        )
    with pytest.raises(ValidationFailed) as bad:
        service.create_plan(
            session, actor=officer, data=PlanIn(code="SP 2024!", title="x", first_year=2030)
        )
    assert "code" in bad.value.fields
    with pytest.raises(NotFound):
        service.get_plan(session, plan_id=999)


def test_the_tree_nests_goals_objectives_activities_and_indicators(
    session: Session, officer: Actor
) -> None:
    plan = build_plan(session, officer)
    tree = service.plan_tree(session, plan_id=plan.id or 0)
    assert [g.code for g in tree.goals] == ["G1", "G2"]
    g1 = tree.goals[0]
    assert [o.code for o in g1.children] == ["O1.1", "O1.2"]
    o11 = g1.children[0]
    assert (o11.parent_code, o11.level) == ("G1", "objective")
    assert [a.code for a in o11.children] == ["A1.1.1"]
    assert [i.code for i in o11.indicators] == ["I1.1.1"]
    ind = o11.indicators[0]
    assert [(t.year, t.value) for t in ind.targets] == [
        (2024, "60"),
        (2025, "65"),
        (2026, "70"),
        (2027, "75"),
        (2028, "80"),
    ]
    assert (ind.baseline_value, ind.direction, ind.target_kind) == (
        "50",
        "higher_is_better",
        "annual",
    )


def test_the_structure_follows_goal_objective_output(session: Session, officer: Actor) -> None:
    plan = build_plan(session, officer)
    pid = plan.id or 0

    def add(level: ElementLevel, parent: str | None, code: str = "X1") -> None:
        service.add_element(
            session,
            actor=officer,
            plan_id=pid,
            data=ElementIn(level=level, parent_code=parent, code=code, title="x"),
        )

    for level, parent in (
        (ElementLevel.OBJECTIVE, None),  # an objective needs its goal
        (ElementLevel.OBJECTIVE, "O1.1"),  # under a goal, not an objective
        (ElementLevel.OUTPUT, "G1"),  # under an objective
        (ElementLevel.GOAL, "G1"),  # a goal has no parent
        (ElementLevel.OUTPUT, "NOPE"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            add(level, parent)
        assert "parent_code" in exc.value.fields
    with pytest.raises(Conflict):  # codes are unique within the plan, across levels
        add(ElementLevel.OUTPUT, "O1.2", code="G2")
    add(ElementLevel.OUTPUT, "O1.2", code="OUT1.2.1")
    # the same code is free in another plan
    other = build_plan(session, officer, code="SP-2030", first_year=2030)
    assert service.find_element(session, plan_id=other.id or 0, code="G1").plan_id == other.id


def test_a_draft_is_edited_and_an_element_with_children_is_not_deleted(
    session: Session, officer: Actor
) -> None:
    plan = build_plan(session, officer)
    pid = plan.id or 0
    o12 = service.find_element(session, plan_id=pid, code="O1.2")
    service.update_element(
        session,
        actor=officer,
        element_id=o12.id or 0,
        data=ElementUpdate(code="O1.3", title="Outreach", order=5),
    )
    assert (o12.code, o12.title, o12.sort_order) == ("O1.3", "Outreach", 5)
    with pytest.raises(Conflict):
        service.update_element(
            session, actor=officer, element_id=o12.id or 0, data=ElementUpdate(code="O1.1")
        )
    g1 = service.find_element(session, plan_id=pid, code="G1")
    with pytest.raises(Conflict, match="remove them first"):
        service.delete_element(session, actor=officer, element_id=g1.id or 0)
    service.delete_element(session, actor=officer, element_id=o12.id or 0)
    with pytest.raises(NotFound):
        service.find_element(session, plan_id=pid, code="O1.3")
    service.update_plan(
        session, actor=officer, plan_id=pid, data=PlanUpdate(title="Renamed", description="Why")
    )
    assert (plan.title, plan.description) == ("Renamed", "Why")
    session.commit()
    service.delete_plan(session, actor=officer, plan_id=pid)
    session.commit()
    with pytest.raises(NotFound):
        service.get_plan(session, plan_id=pid)


def test_adoption_needs_a_complete_plan(session: Session, officer: Actor) -> None:
    empty = service.create_plan(
        session, actor=officer, data=PlanIn(code="EMPTY", title="Empty", first_year=2024)
    )
    with pytest.raises(RuleViolation, match="no goal"):
        adopt(session, officer, empty)
    plan = build_plan(session, officer, code="SP-A")
    service.add_indicator(
        session,
        actor=officer,
        plan_id=plan.id or 0,
        data=indicator_in(code="I2", targets=[TargetIn(year=2024, value="1")], unit=Unit.COUNT),
    )
    with pytest.raises(RuleViolation) as missing:
        adopt(session, officer, plan)
    assert missing.value.fields == {"indicators.I2.targets": "no target for 2025, 2026, 2027, 2028"}
    with pytest.raises(ValidationFailed, match="future"):
        service.adopt_plan(
            session,
            actor=officer,
            plan_id=plan.id or 0,
            data=PlanAdoptionIn(
                decision_reference="X", adopted_on=date.today() + timedelta(days=2)
            ),
        )
    assert plan.status == PlanStatus.DRAFT


def test_an_adopted_plan_is_frozen(
    session: Session, officer: Actor, adopted: StrategicPlan
) -> None:
    pid = adopted.id or 0
    assert adopted.status == PlanStatus.ADOPTED
    out = service.plan_out(adopted)
    assert (out.decision_reference, out.adopted_on, out.adopted_by) == (
        "ATT/CSP/2023/DEC.SP-2024",
        date(2023, 8, 25),
        "officer",
    )
    g1 = service.find_element(session, plan_id=pid, code="G1")
    ind = indicator_id(session, adopted)
    edits: list[Callable[[], object]] = [
        lambda: service.add_element(
            session,
            actor=officer,
            plan_id=pid,
            data=ElementIn(level=ElementLevel.GOAL, code="G9", title="x"),
        ),
        lambda: service.update_element(
            session, actor=officer, element_id=g1.id or 0, data=ElementUpdate(title="y")
        ),
        lambda: service.delete_element(session, actor=officer, element_id=g1.id or 0),
        lambda: service.add_indicator(
            session, actor=officer, plan_id=pid, data=indicator_in(code="I9")
        ),
        lambda: service.update_indicator(
            session, actor=officer, indicator_id=ind, data=indicator_in()
        ),
        lambda: service.delete_indicator(session, actor=officer, indicator_id=ind),
        lambda: service.update_plan(
            session, actor=officer, plan_id=pid, data=PlanUpdate(title="z")
        ),
        lambda: service.delete_plan(session, actor=officer, plan_id=pid),
        lambda: adopt(session, officer, adopted),
    ]
    for edit in edits:
        with pytest.raises(Conflict, match="adopted"):
            edit()


def test_one_adopted_plan_per_year(
    session: Session, officer: Actor, adopted: StrategicPlan
) -> None:
    overlapping = build_plan(session, officer, code="SP-2026", first_year=2026)
    later = build_plan(session, officer, code="SP-2029", first_year=2029)
    session.commit()
    with pytest.raises(Conflict, match="SP-2024"):
        adopt(session, officer, overlapping)  # 2026-2030 meets 2024-2028
    session.rollback()
    adopt(session, officer, later)  # 2029-2033 does not
    session.commit()
    service.close_plan(
        session,
        actor=officer,
        plan_id=adopted.id or 0,
        data=PlanClosureIn(closed_on=date(2025, 12, 31), note="Replaced mid-term"),
    )
    session.commit()
    with pytest.raises(Conflict, match="SP-2029"):
        adopt(session, officer, overlapping)  # a closed plan no longer counts; 2029 does
    session.rollback()
    assert service.plan_for_year(session, year=2026) == adopted  # the closed one
    assert service.plan_for_year(session, year=2030) == later
    assert service.plan_for_year(session, year=2040) is None
    assert [p.code for p in service.list_plans(session, status=PlanStatus.ADOPTED)] == ["SP-2029"]
    assert [p.code for p in service.list_plans(session)] == ["SP-2029", "SP-2026", "SP-2024"]


def test_closing_a_plan(session: Session, officer: Actor, adopted: StrategicPlan) -> None:
    pid = adopted.id or 0
    m = measure(session, officer, adopted)
    session.commit()
    closure = PlanClosureIn(closed_on=date(2025, 12, 31))
    with pytest.raises(RuleViolation, match="await approval"):
        service.close_plan(session, actor=officer, plan_id=pid, data=closure)
    with pytest.raises(ValidationFailed, match="adopted"):
        service.close_plan(
            session, actor=officer, plan_id=pid, data=PlanClosureIn(closed_on=date(2020, 1, 1))
        )
    service.approve_measurement(session, actor=CHECKER, measurement_id=m)
    closed = service.close_plan(session, actor=officer, plan_id=pid, data=closure)
    session.commit()
    assert (closed.status, closed.closed_on, closed.closed_by) == (
        PlanStatus.CLOSED,
        date(2025, 12, 31),
        "officer",
    )
    with pytest.raises(Conflict):
        service.close_plan(session, actor=officer, plan_id=pid, data=closure)
    with pytest.raises(RuleViolation, match="closed"):
        measure(session, officer, adopted, year=2025)
    draft = build_plan(session, officer, code="SP-D", first_year=2040)
    with pytest.raises(Conflict, match="draft"):
        service.close_plan(session, actor=officer, plan_id=draft.id or 0, data=closure)


# --- indicators ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"element_code": "A1.1.1"}, "element_code"),  # activities have no indicators
        ({"element_code": "NOPE"}, "element_code"),
        ({"baseline_year": 2025}, "baseline_year"),
        ({"baseline_value": "abc"}, "baseline_value"),
        ({"baseline_value": "1.0000001"}, "baseline_value"),
        ({"unit": Unit.COUNT, "baseline_value": "2.5"}, "baseline_value"),
        ({"unit": Unit.MONTHS, "baseline_value": "-1"}, "baseline_value"),
        ({"unit": Unit.USD, "baseline_value": "10.001"}, "baseline_value"),
        ({"targets": [TargetIn(year=2029, value="1")]}, "targets[0].year"),
        ({"targets": [TargetIn(year=2024, value="1")] * 2}, "targets[1].year"),
        ({"targets": [TargetIn(year=2024, value="x")]}, "targets[0].value"),
        ({"source": "computed"}, "measure"),
        ({"source": "computed", "measure": "nope"}, "measure"),
        ({"source": "computed", "measure": "rule8_states"}, "unit"),
        (
            {"source": "computed", "measure": "collection_rate", "target_kind": "cumulative"},
            "target_kind",
        ),
        (
            {
                "source": "computed",
                "measure": "collection_rate",
                "disaggregation": "regional_group",
            },
            "disaggregation",
        ),
        ({"measure": "collection_rate"}, "measure"),
        ({"code": "I 1"}, "code"),
    ],
)
def test_indicator_definitions_are_checked(
    session: Session, officer: Actor, change: dict[str, object], field: str
) -> None:
    plan = build_plan(session, officer)
    with pytest.raises(ValidationFailed) as exc:
        service.add_indicator(
            session,
            actor=officer,
            plan_id=plan.id or 0,
            data=indicator_in(**{"code": "I9", **change}),
        )
    assert field in exc.value.fields


def test_indicators_of_goals_computed_and_updated(session: Session, officer: Actor) -> None:
    plan = build_plan(session, officer)
    pid = plan.id or 0
    computed = service.add_indicator(
        session,
        actor=officer,
        plan_id=pid,
        data=indicator_in(
            element_code="G2",
            code="I2",
            source="computed",
            measure="rule8_states",
            unit=Unit.COUNT,
            direction=Direction.LOWER_IS_BETTER,
            baseline_value="10",
            targets=[TargetIn(year=2024 + k, value=str(8 - k)) for k in range(5)],
        ),
    )
    assert (computed.measure, computed.direction, computed.unit) == (
        "rule8_states",
        "lower_is_better",
        "count",
    )
    with pytest.raises(Conflict):
        service.add_indicator(session, actor=officer, plan_id=pid, data=indicator_in(code="I2"))
    service.update_indicator(
        session,
        actor=officer,
        indicator_id=computed.id or 0,
        data=indicator_in(
            element_code="O2.1",
            code="I2.1",
            target_kind=TargetKind.CUMULATIVE,
            unit=Unit.COUNT,
            baseline_value="3",
            targets=[TargetIn(year=2024, value="4"), TargetIn(year=2025, value="9")],
            disaggregation="regional_group",
        ),
    )
    out = service.indicator_out(session, computed)
    assert (out.code, out.element_code, out.source, out.measure, out.target_kind) == (
        "I2.1",
        "O2.1",
        "entered",
        None,
        "cumulative",
    )
    assert [(t.year, t.value) for t in out.targets] == [(2024, "4"), (2025, "9")]
    assert out.disaggregation == "regional_group"
    service.delete_indicator(session, actor=officer, indicator_id=computed.id or 0)
    assert [i.code for i in service.indicators_of(session, plan_id=pid)] == ["I1.1.1"]
    assert {m.name for m in service.measure_catalogue()} >= {
        "collection_rate",
        "rule8_states",
        "payment_plans_on_track",
        "reserve_months",
        "budget_execution_rate",
        "spending_linked_share",
    }


# --- measurements (maker-checker) --------------------------------------------------------


def test_a_measurement_is_approved_by_another_person(
    session: Session, officer: Actor, adopted: StrategicPlan
) -> None:
    ind = indicator_id(session, adopted)
    m = measure(
        session,
        officer,
        adopted,
        value="62.50",
        narrative="62 of 99 States Parties reported by 31 May",
        evidence_url="https://thearmstradetreaty.org/annual-reports",
    )
    session.commit()
    assert service.values_in_force(session, indicator_id=ind) == {}
    [pending] = service.measurement_history(session, indicator_id=ind)
    assert (pending.status, pending.value, pending.approved_by) == ("pending", "62.50", None)
    with pytest.raises(PermissionDenied, match="another person"):
        service.approve_measurement(session, actor=officer, measurement_id=m)
    approval = service.approve_measurement(
        session, actor=CHECKER, measurement_id=m, data=ApprovalIn(note="Checked the list")
    )
    session.commit()
    assert approval.approved_by == "checker"
    assert service.values_in_force(session, indicator_id=ind) == {(2024, ""): Decimal("62.50")}
    out = service.measurement_out(session, measurement_id=m)
    assert (out.status, out.approved_by, out.approval_note) == (
        "approved",
        "checker",
        "Checked the list",
    )
    with pytest.raises(Conflict, match="already approved"):
        service.approve_measurement(session, actor=CHECKER, measurement_id=m)
    actions = list(
        session.execute(
            select(col(AuditEvent.action))
            .where(col(AuditEvent.object_type) == "measurement")
            .order_by(col(AuditEvent.id))
        ).scalars()
    )
    assert actions == ["strategy.measurement.record", "strategy.measurement.approve"]


def test_a_correction_supersedes_once_approved_and_history_keeps_every_version(
    session: Session, officer: Actor, adopted: StrategicPlan
) -> None:
    ind = indicator_id(session, adopted)
    first = measure(session, officer, adopted, value="62.5")
    service.approve_measurement(session, actor=CHECKER, measurement_id=first)
    session.commit()
    before = utcnow()
    with pytest.raises(Conflict, match=f"supersedes={first}"):
        measure(session, officer, adopted, value="63")  # the slot has a value already
    with pytest.raises(Conflict):
        measure(session, officer, adopted, value="63", supersedes=first + 100)
    correction = measure(session, CHECKER, adopted, value="64.1", supersedes=first)
    session.commit()
    # until approved, the old value stands
    assert service.values_in_force(session, indicator_id=ind) == {(2024, ""): Decimal("62.5")}
    with pytest.raises(PermissionDenied):
        service.approve_measurement(session, actor=CHECKER, measurement_id=correction)
    service.approve_measurement(session, actor=officer, measurement_id=correction)
    session.commit()
    assert service.values_in_force(session, indicator_id=ind) == {(2024, ""): Decimal("64.1")}
    # as known before the correction, the old value
    assert service.values_in_force(session, indicator_id=ind, known_at=before) == {
        (2024, ""): Decimal("62.5")
    }
    history = service.measurement_history(session, indicator_id=ind)
    assert [(h.id, h.value, h.status, h.supersedes) for h in history] == [
        (first, "62.5", MeasurementStatus.SUPERSEDED, None),
        (correction, "64.1", MeasurementStatus.APPROVED, first),
    ]
    then = service.measurement_history(session, indicator_id=ind, known_at=before)
    assert [(h.id, h.status) for h in then] == [(first, MeasurementStatus.APPROVED)]


def test_an_edit_awaiting_approval_replaces_the_pending_version(
    session: Session, officer: Actor, adopted: StrategicPlan
) -> None:
    draft = measure(session, officer, adopted, value="61")
    edit = measure(session, officer, adopted, value="61.5", supersedes=draft)
    session.commit()
    with pytest.raises(Conflict, match=f"replaced by measurement {edit}"):
        service.approve_measurement(session, actor=CHECKER, measurement_id=draft)
    service.approve_measurement(session, actor=CHECKER, measurement_id=edit)
    session.commit()
    statuses = [
        (h.id, h.status)
        for h in service.measurement_history(session, plan_id=adopted.id or 0, year=2024)
    ]
    assert statuses == [(draft, MeasurementStatus.REPLACED), (edit, MeasurementStatus.APPROVED)]


def test_measurements_are_checked(session: Session, officer: Actor, adopted: StrategicPlan) -> None:
    cases: list[tuple[dict[str, object], str]] = [
        ({"year": 2023}, "year"),
        ({"year": date.today().year + 1}, "year"),
        ({"value": "x"}, "value"),
        ({"category": "African Group"}, "category"),  # not disaggregated
        ({"evidence_url": "ftp://example.org/x"}, "evidence_url"),
        ({"evidence_url": "not a url"}, "evidence_url"),
    ]
    for change, field in cases:
        with pytest.raises(ValidationFailed) as exc:
            measure(session, officer, adopted, **change)
        assert field in exc.value.fields, change
    with pytest.raises(Conflict, match="nothing to supersede"):
        measure(session, officer, adopted, supersedes=1)
    with pytest.raises(NotFound):
        service.approve_measurement(session, actor=CHECKER, measurement_id=12345)


def test_measurements_per_category(session: Session, officer: Actor) -> None:
    plan = build_plan(session, officer)
    service.add_indicator(
        session,
        actor=officer,
        plan_id=plan.id or 0,
        data=indicator_in(
            code="I-RG",
            unit=Unit.COUNT,
            baseline_value="40",
            disaggregation="regional_group",
            targets=[TargetIn(year=2024 + k, value=str(45 + k)) for k in range(5)],
        ),
    )
    adopt(session, officer, plan)
    ind = indicator_id(session, plan, "I-RG")
    with pytest.raises(ValidationFailed, match="regional_group"):
        measure(session, officer, plan, indicator="I-RG", value="5", category="Europe")
    africa = measure(session, officer, plan, indicator="I-RG", value="12", category="African Group")
    total = measure(session, officer, plan, indicator="I-RG", value="46")
    for m in (africa, total):
        service.approve_measurement(session, actor=CHECKER, measurement_id=m)
    session.commit()
    assert service.values_in_force(session, indicator_id=ind) == {
        (2024, ""): Decimal(46),
        (2024, "African Group"): Decimal(12),
    }


def test_computed_indicators_take_no_measurement(session: Session, officer: Actor) -> None:
    plan = build_plan(session, officer)
    service.add_indicator(
        session,
        actor=officer,
        plan_id=plan.id or 0,
        data=indicator_in(code="C1", source="computed", measure="collection_rate"),
    )
    with pytest.raises(RuleViolation, match="draft"):
        measure(session, officer, plan, indicator="C1")
    adopt(session, officer, plan)
    with pytest.raises(RuleViolation, match="computed"):
        measure(session, officer, plan, indicator="C1")


def test_the_database_keeps_measurements_append_only(
    session: Session, officer: Actor, adopted: StrategicPlan
) -> None:
    m = measure(session, officer, adopted)
    service.approve_measurement(session, actor=CHECKER, measurement_id=m)
    session.commit()
    for statement in (
        f"UPDATE strategy_measurement SET value = '99' WHERE id = {m}",
        f"DELETE FROM strategy_measurement_approval WHERE measurement_id = {m}",
        "DELETE FROM strategy_measurement",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
        session.rollback()


def test_the_database_refuses_an_author_approving_their_own_measurement(
    session: Session, officer: Actor, adopted: StrategicPlan
) -> None:
    m = measure(session, officer, adopted)
    session.commit()
    with pytest.raises(DBAPIError, match="approver must not be the author"):
        session.execute(
            text(
                "INSERT INTO strategy_measurement_approval (measurement_id, approved_by, recorded_at)"
                f" VALUES ({m}, 'officer', '2026-01-01 00:00:00')"
            )
        )
    session.rollback()
