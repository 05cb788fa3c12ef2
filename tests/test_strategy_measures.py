"""Indicators computed from the finance data, on the arrears worked example (three
States Parties with UN rates 2, 1 and 1; a Secretariat budget of USD 100,000 assessed
each year 2022-2026: A 50,000, B 25,000, C 25,000; A pays every January, B paid 25,000
in March 2022 and 10,000 in May 2024, C applied for a payment plan and paid 25,000 in
June 2025), with a reserve and a year's spending added. Then a plan's progress on
them. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.budgets import service as budgets
from finance_core.db_types import utcnow
from finance_core.errors import ValidationFailed
from finance_core.expenditures import service as expenditures
from finance_core.expenditures.schemas import ExpenditureIn
from finance_core.reserve import service as reserve
from finance_core.reserve.schemas import MovementIn, TargetRuleIn
from strategy import service
from strategy.measures import MEASURES, computed_value
from strategy.models import ElementLevel, Unit
from strategy.progress import Direction, Status, Thresholds, Trend
from strategy.schemas import (
    ElementIn,
    IndicatorIn,
    LineLinksIn,
    LinkIn,
    MeasurementIn,
    PlanAdoptionIn,
    PlanIn,
    TargetIn,
)
from tests.test_strategy import CHECKER

END_2024, END_2025, END_2026 = date(2024, 12, 31), date(2025, 12, 31), date(2026, 12, 31)


def value(session: Session, measure: str, year: int, as_at: date, **kw: object) -> Decimal | None:
    return computed_value(session, measure=measure, year=year, as_at=as_at, **kw)  # type: ignore[arg-type]


@pytest.fixture
def finance(example: Session, officer: Actor) -> Session:
    """The worked example, a reserve target of 5 % of the Secretariat budget from 2022
    with a contribution of 25,000 on 1 March 2025, and 40,000 spent on the 2025
    Secretariat line on 1 May 2025."""
    reserve.adopt_rule(
        example,
        actor=officer,
        data=TargetRuleIn(
            effective_from=date(2022, 1, 1),
            percent="5",
            budget_funds=["SEC"],
            reference="ATT/CSP7/TEST/WCF",
        ),
    )
    reserve.record_movement(
        example,
        actor=officer,
        data=MovementIn(
            kind="contribution",
            value_on=date(2025, 3, 1),
            amount="25000.00",
            donor="Flanders",
            reference="WCF-2025-1",
        ),
    )
    example.commit()
    return example


def spend_2025(session: Session, officer: Actor) -> None:
    expenditures.record_expenditure(
        session,
        actor=officer,
        data=ExpenditureIn(
            fund="SEC",
            year=2025,
            line_code="A1",
            value_on=date(2025, 5, 1),
            amount="40000.00",
            category="staff",
            payee="Staff costs",
            reference="PAY-2025-05",
        ),
    )
    session.commit()


def test_share_of_assessed_contributions_collected(finance: Session) -> None:
    # 2022: A 50,000 and B 25,000 of 100,000 by the end of the year
    assert value(finance, "collection_rate", 2022, END_2024) == Decimal("75.00")
    # C's 25,000 of June 2025 went to its oldest debt, 2022: later, 2022 shows 100 %,
    # but the measure is as at the end of the year
    assert value(finance, "collection_rate", 2022, date(2022, 12, 31)) == Decimal("75.00")
    assert value(finance, "collection_rate", 2022, date(2022, 6, 30)) == Decimal("75.00")
    assert value(finance, "collection_rate", 2022, date(2022, 2, 1)) == Decimal("50.00")
    # 2024: A's 50,000 only (B's 10,000 of May went to its 2023 debt)
    assert value(finance, "collection_rate", 2024, END_2024) == Decimal("50.00")
    assert value(finance, "collection_rate_sec", 2024, END_2024) == Decimal("50.00")
    assert value(finance, "collection_rate_csp", 2024, END_2024) is None  # nothing assessed
    # nothing before the year begins
    assert value(finance, "collection_rate", 2025, END_2024) is None


def test_states_subject_to_rule_8(finance: Session) -> None:
    # end of 2024: C owes 2022 and 2023 (50,000 = two years' contributions); B owes 15,000
    assert value(finance, "rule8_states", 2024, END_2024) == 1
    # end of 2025: C keeps to its payment plan (exempt); B's 40,000 < 50,000
    assert value(finance, "rule8_states", 2025, END_2025) == 0
    # end of 2026: C's plan lapsed; B owes 65,000 >= 50,000
    assert value(finance, "rule8_states", 2026, END_2026) == 2


def test_share_of_payment_plans_on_track(finance: Session) -> None:
    assert value(finance, "payment_plans_on_track", 2024, END_2024) is None  # no plan yet
    assert value(finance, "payment_plans_on_track", 2025, END_2025) == Decimal("100.00")
    assert value(finance, "payment_plans_on_track", 2026, END_2026) == Decimal("0.00")


def test_reserve_in_months_of_spending(finance: Session) -> None:
    # 25,000 against a Secretariat budget of 100,000 a year: 3 months
    assert value(finance, "reserve_months", 2025, END_2025) == Decimal("3.00")
    assert value(finance, "reserve_months", 2025, date(2025, 2, 28)) == Decimal("0.00")
    assert value(finance, "reserve_months", 2024, date(2030, 1, 1)) == Decimal("0.00")


def test_budget_execution_rate_as_known_at(finance: Session, officer: Actor) -> None:
    before = utcnow()
    spend_2025(finance, officer)
    assert value(finance, "budget_execution_rate", 2025, END_2025) == Decimal("40.00")
    assert value(finance, "budget_execution_rate", 2025, date(2025, 4, 30)) == Decimal("0.00")
    assert value(finance, "budget_execution_rate", 2025, END_2025, known_at=before) == Decimal(
        "0.00"
    )
    assert value(finance, "budget_execution_rate", 2021, END_2025) is None  # no budget


def test_the_catalogue(finance: Session) -> None:
    assert MEASURES["reserve_months"].unit is Unit.MONTHS
    assert MEASURES["rule8_states"].unit is Unit.COUNT
    assert all(m.description for m in MEASURES.values())
    with pytest.raises(ValidationFailed, match="not a computed measure"):
        value(finance, "happiness", 2025, END_2025)


def _plan_2025(session: Session, officer: Actor) -> int:
    """Plan 2025-2029: G1 with O1.1 (collection rate, computed; reports submitted,
    entered) and O1.2 (States subject to Rule 8, computed), G2 with O2.1 (no indicator)."""
    plan = service.create_plan(
        session, actor=officer, data=PlanIn(code="SP-2025", title="Plan", first_year=2025)
    )
    pid = plan.id or 0
    for level, parent, code in (
        (ElementLevel.GOAL, None, "G1"),
        (ElementLevel.OBJECTIVE, "G1", "O1.1"),
        (ElementLevel.OBJECTIVE, "G1", "O1.2"),
        (ElementLevel.GOAL, None, "G2"),
        (ElementLevel.OBJECTIVE, "G2", "O2.1"),
    ):
        service.add_element(
            session,
            actor=officer,
            plan_id=pid,
            data=ElementIn(level=level, parent_code=parent, code=code, title=code),
        )

    def targets(*values: str) -> list[TargetIn]:
        return [TargetIn(year=2025 + k, value=v) for k, v in enumerate(values)]

    for data in (
        IndicatorIn(
            element_code="O1.1",
            code="C1",
            title="Assessed contributions collected",
            unit=Unit.PERCENT,
            baseline_value="40",
            baseline_year=2024,
            targets=targets("60", "65", "70", "75", "80"),
            source="computed",
            measure="collection_rate",
            order=1,
        ),
        IndicatorIn(
            element_code="O1.1",
            code="E1",
            title="Annual reports submitted",
            unit=Unit.PERCENT,
            baseline_value="50",
            baseline_year=2024,
            targets=targets("60", "65", "70", "75", "80"),
            order=2,
        ),
        IndicatorIn(
            element_code="O1.2",
            code="R8",
            title="States subject to Rule 8 measures",
            unit=Unit.COUNT,
            direction=Direction.LOWER_IS_BETTER,
            baseline_value="1",
            baseline_year=2024,
            targets=targets("0", "0", "0", "0", "0"),
            source="computed",
            measure="rule8_states",
            order=3,
        ),
    ):
        service.add_indicator(session, actor=officer, plan_id=pid, data=data)
    service.adopt_plan(
        session,
        actor=officer,
        plan_id=pid,
        data=PlanAdoptionIn(decision_reference="ATT/CSP10/2024/DEC", adopted_on=date(2024, 8, 23)),
    )
    session.commit()
    return pid


def test_progress_of_a_plan_on_computed_and_entered_indicators(
    finance: Session, officer: Actor
) -> None:
    pid = _plan_2025(finance, officer)
    e1 = next(i for i in service.indicators_of(finance, plan_id=pid) if i.code == "E1")
    m = service.record_measurement(
        finance, actor=officer, indicator_id=e1.id or 0, data=MeasurementIn(year=2025, value="57")
    )
    finance.commit()
    pending = service.progress_out(
        service.progress(finance, plan_id=pid, year=2025, as_at=END_2025)
    )
    assert {i.code: i.status for i in pending.indicators}["E1"] is Status.NO_DATA
    service.approve_measurement(finance, actor=CHECKER, measurement_id=m.id or 0)
    finance.commit()
    out = service.progress_out(service.progress(finance, plan_id=pid, year=2025, as_at=END_2025))
    rows = {i.code: i for i in out.indicators}
    c1 = rows["C1"]  # 50 % collected: half the way from 40 to 60
    assert (c1.value, c1.previous, c1.share_of_way, c1.status, c1.trend) == (
        "50.00",
        "50.00",  # 2024, computed
        "50.00",
        Status.OFF_TRACK,
        Trend.STEADY,
    )
    e = rows["E1"]  # 57 against 60, from 50
    assert (e.value, e.previous, e.share_of_way, e.status, e.trend) == (
        "57",
        "50",  # the baseline, of 2024
        "70.00",
        Status.AT_RISK,
        Trend.IMPROVING,
    )
    r8 = rows["R8"]  # from 1 State to none
    assert (r8.value, r8.previous, r8.share_of_way, r8.status, r8.trend) == (
        "0",
        "1",
        "100.00",
        Status.ON_TRACK,
        Trend.IMPROVING,
    )
    objectives = {r.code: (r.status, r.on_track_share) for r in out.objectives}
    assert objectives == {
        "O1.1": (Status.OFF_TRACK, "0.00"),
        "O1.2": (Status.ON_TRACK, "100.00"),
        "O2.1": (Status.NO_DATA, None),
    }
    goals = {r.code: (r.status, r.on_track_share, r.counts[Status.AT_RISK]) for r in out.goals}
    assert goals == {"G1": (Status.OFF_TRACK, "33.33", 1), "G2": (Status.NO_DATA, None, 0)}
    # other thresholds, another reading
    lenient = service.progress(
        finance,
        plan_id=pid,
        year=2025,
        as_at=END_2025,
        thresholds=Thresholds(on_track=Decimal("0.5"), at_risk=Decimal("0.25")),
    )
    assert lenient.goals[next(iter(lenient.goals))].status is Status.ON_TRACK
    # 2026 as at the end of 2025: nothing measured yet
    early = service.progress(finance, plan_id=pid, year=2026, as_at=END_2025)
    assert {r.assessment.status for r in early.indicators} == {Status.NO_DATA}
    with pytest.raises(ValidationFailed):
        service.progress(finance, plan_id=pid, year=2024, as_at=END_2025)


def test_spending_linked_to_objectives(finance: Session, officer: Actor) -> None:
    pid = _plan_2025(finance, officer)
    spend_2025(finance, officer)
    sec_2025 = budgets.find_budget(finance, fund_code="SEC", year=2025)
    line = budgets.budget_out(finance, sec_2025, END_2025).lines[0]
    assert value(finance, "spending_linked_share", 2025, END_2025) == Decimal("0.00")
    service.set_line_links(
        finance,
        actor=officer,
        budget_line_id=line.id,
        data=LineLinksIn(links=[LinkIn(objective_code="O1.1", share_bp=7500)]),
    )
    finance.commit()
    assert value(finance, "spending_linked_share", 2025, END_2025) == Decimal("75.00")
    cost = service.cost_out(service.cost(finance, plan_id=pid, as_at=END_2025, year=2025))
    assert {r.code: r.figures.actual for r in cost.goals} == {"G1": "30000.00", "G2": "0.00"}
    assert cost.unlinked.actual == "10000.00"
