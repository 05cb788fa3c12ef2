"""What each objective and goal costs: budget lines shared among objectives in basis
points, the figures split to the cent with the unlinked remainder, and the links read
as known at a past time. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.budgets import service as budgets
from finance_core.budgets.schemas import BudgetIn, LineIn, VersionIn
from finance_core.db_types import utcnow
from finance_core.errors import RuleViolation, ValidationFailed
from finance_core.expenditures import service as expenditures
from finance_core.expenditures.execution import Figures
from finance_core.expenditures.schemas import CommitmentIn, ExpenditureIn
from strategy import service
from strategy.measures import computed_value
from strategy.models import StrategicPlan
from strategy.schemas import LineLinksIn, LinkIn
from tests.test_strategy import adopt, build_plan

FIELDS = ("original", "revised", "commitments", "actual")


def make_budgets(session: Session, officer: Actor) -> dict[str, int]:
    """SEC 2024: A1 60,000.00 and A2 40,000.00, revised on 30 June 2024 to 70,000.00 and
    30,000.00; CSP 2024: C1 10,000.00; SEC 2023: Z1 5,000.00. A commitment of 20,000.00
    and a payment of 1,000.01 on A1. Returns line ids by code."""
    lines = [LineIn(code="A1", title="Staff", amount="60000.00")]
    lines.append(LineIn(code="A2", title="Outreach", amount="40000.00"))
    sec = budgets.adopt_budget(
        session,
        actor=officer,
        data=BudgetIn(
            fund="SEC",
            year=2024,
            decision_symbol="ATT/CSP9/SEC",
            adopted_on=date(2023, 8, 25),
            lines=lines,
        ),
    )
    budgets.revise_budget(
        session,
        actor=officer,
        budget_id=sec.id or 0,
        data=VersionIn(
            decision_symbol="ATT/CSP9/SEC/Rev.1",
            adopted_on=date(2024, 6, 30),
            lines=[
                LineIn(code="A1", title="Staff", amount="70000.00"),
                LineIn(code="A2", title="Outreach", amount="30000.00"),
            ],
        ),
    )
    for fund, year, code, amount in (("CSP", 2024, "C1", "10000.00"), ("SEC", 2023, "Z1", "5000")):
        budgets.adopt_budget(
            session,
            actor=officer,
            data=BudgetIn(
                fund=fund,
                year=year,
                decision_symbol=f"ATT/CSP/{fund}/{year}",
                adopted_on=date(year - 1, 8, 25),
                lines=[LineIn(code=code, title=f"Line {code}", amount=amount)],
            ),
        )
    expenditures.record_commitment(
        session,
        actor=officer,
        data=CommitmentIn(
            fund="SEC",
            year=2024,
            line_code="A1",
            committed_on=date(2024, 2, 1),
            amount="20000.00",
            payee="Venue SA",
            reference="PO-1",
        ),
    )
    expenditures.record_expenditure(
        session,
        actor=officer,
        data=ExpenditureIn(
            fund="SEC",
            year=2024,
            line_code="A1",
            value_on=date(2024, 3, 1),
            amount="1000.01",
            category="travel",
            payee="Hotel Cornavin",
            reference="INV-1",
        ),
    )
    session.commit()
    found = {
        (line.fund, line.code): line.line_id
        for line in expenditures.execution_lines(session, as_at=date(2024, 12, 31))
    }
    return {code: line_id for (_fund, code), line_id in found.items()}


@pytest.fixture
def world(session: Session, officer: Actor) -> tuple[StrategicPlan, dict[str, int]]:
    lines = make_budgets(session, officer)
    plan = adopt(session, officer, build_plan(session, officer))
    session.commit()
    return plan, lines


def link(session: Session, officer: Actor, line_id: int, **shares: int) -> None:
    service.set_line_links(
        session,
        actor=officer,
        budget_line_id=line_id,
        data=LineLinksIn(
            links=[
                LinkIn(objective_code=c.replace("_", "."), share_bp=bp) for c, bp in shares.items()
            ]
        ),
    )


def figures(out: object) -> tuple[str, ...]:
    return tuple(getattr(out, name) for name in FIELDS)


def test_cost_per_objective_and_goal_to_the_cent(
    session: Session, officer: Actor, world: tuple[StrategicPlan, dict[str, int]]
) -> None:
    plan, lines = world
    link(session, officer, lines["A1"], O1_1=3333, O1_2=3333, O2_1=3333)  # 1 bp unlinked
    link(session, officer, lines["A2"], O1_1=10000)
    session.commit()
    result = service.cost(session, plan_id=plan.id or 0, as_at=date(2024, 12, 31))
    out = service.cost_out(result)
    objectives = {r.code: figures(r.figures) for r in out.objectives}
    # A1 (60,000 / 70,000 / 20,000 committed / 1,000.01 paid) in thirds of 33.33 %, A2 to O1.1
    assert objectives == {
        "O1.1": ("59998.00", "53331.00", "6666.00", "333.31"),  # the cent left goes to O1.1
        "O1.2": ("19998.00", "23331.00", "6666.00", "333.30"),
        "O2.1": ("19998.00", "23331.00", "6666.00", "333.30"),
    }
    goals = {r.code: figures(r.figures) for r in out.goals}
    assert goals == {
        "G1": ("79996.00", "76662.00", "13332.00", "666.61"),
        "G2": ("19998.00", "23331.00", "6666.00", "333.30"),
    }
    # the unlinked part: 0.01 % of A1 and the whole of C1 (Z1 is of 2023, before the plan)
    assert figures(out.unlinked) == ("10006.00", "10007.00", "2.00", "0.10")
    assert figures(out.total) == ("110000.00", "110000.00", "20000.00", "1000.01")
    assert [r.goal_code for r in out.objectives] == ["G1", "G1", "G2"]
    assert out.objectives[0].figures.execution_rate == "0.62"  # 333.31 / 53,331.00
    # each line's parts, unlinked included, add up to the line
    a1 = next(x for x in out.lines if x.line_code == "A1")
    assert [(p.objective_code, p.share_bp, p.figures.actual) for p in a1.parts] == [
        ("O1.1", 3333, "333.31"),
        ("O1.2", 3333, "333.30"),
        ("O2.1", 3333, "333.30"),
    ]
    assert a1.unlinked.actual == "0.10"
    assert {x.line_code for x in out.lines} == {"A1", "A2", "C1"}
    # the cost of a goal is the sum of the linked line shares, to the cent
    for goal_id, goal in result.goals.items():
        parts = [
            part
            for x in result.lines
            for o, part in x.split.parts.items()
            if result.elements[o].parent_id == goal_id
        ]
        assert goal == sum(parts, Figures())
    for name in FIELDS:
        linked = sum(getattr(f, name) for f in result.goals.values())
        assert linked + getattr(result.unlinked, name) == getattr(result.total, name)


def test_cost_as_at_a_date_and_for_one_year(
    session: Session, officer: Actor, world: tuple[StrategicPlan, dict[str, int]]
) -> None:
    plan, lines = world
    link(session, officer, lines["A2"], O1_2=5000)
    session.commit()
    before_revision = service.cost(
        session, plan_id=plan.id or 0, as_at=date(2024, 3, 31), year=2024
    )
    o12 = next(r for r in service.cost_out(before_revision).objectives if r.code == "O1.2")
    assert figures(o12.figures) == ("20000.00", "20000.00", "0.00", "0.00")
    with pytest.raises(ValidationFailed):
        service.cost(session, plan_id=plan.id or 0, as_at=date(2024, 3, 31), year=2023)


def test_links_are_read_as_known_at_a_past_time(
    session: Session, officer: Actor, world: tuple[StrategicPlan, dict[str, int]]
) -> None:
    plan, lines = world
    link(session, officer, lines["A1"], O1_1=7500)
    session.commit()
    then = utcnow()
    link(session, officer, lines["A1"], O2_1=10000)
    session.commit()
    now = service.line_links(session, budget_line_id=lines["A1"])
    assert [(x.objective_code, x.share_bp) for x in now.links] == [("O2.1", 10000)]
    assert (now.unlinked_bp, now.recorded_by, now.fund, now.year) == (0, "officer", "SEC", 2024)
    earlier = service.line_links(session, budget_line_id=lines["A1"], known_at=then)
    assert [(x.objective_code, x.share_bp) for x in earlier.links] == [("O1.1", 7500)]
    assert earlier.unlinked_bp == 2500
    as_at = date(2024, 12, 31)
    old = service.cost_out(service.cost(session, plan_id=plan.id or 0, as_at=as_at, known_at=then))
    assert {r.code: r.figures.revised for r in old.goals} == {"G1": "52500.00", "G2": "0.00"}
    new = service.cost_out(service.cost(session, plan_id=plan.id or 0, as_at=as_at))
    assert {r.code: r.figures.revised for r in new.goals} == {"G1": "0.00", "G2": "70000.00"}
    # unlinking is a new (empty) set
    link(session, officer, lines["A1"])
    session.commit()
    assert service.line_links(session, budget_line_id=lines["A1"]).unlinked_bp == 10000
    never = service.line_links(session, budget_line_id=lines["A2"])
    assert (never.links, never.unlinked_bp, never.recorded_at) == ([], 10000, None)


def test_links_are_checked(
    session: Session, officer: Actor, world: tuple[StrategicPlan, dict[str, int]]
) -> None:
    _plan, lines = world
    cases: list[tuple[dict[str, int], str]] = [
        ({"G1": 100}, "links[0].objective_code"),  # a goal, not an objective
        ({"A1_1_1": 100}, "links[0].objective_code"),
        ({"O9": 100}, "links[0].objective_code"),
        ({"O1_1": 6000, "O1_2": 4001}, "links"),
    ]
    for shares, field in cases:
        with pytest.raises(ValidationFailed) as exc:
            link(session, officer, lines["A1"], **shares)
        assert field in exc.value.fields
    with pytest.raises(ValidationFailed, match="twice"):
        service.set_line_links(
            session,
            actor=officer,
            budget_line_id=lines["A1"],
            data=LineLinksIn(
                links=[
                    LinkIn(objective_code="O1.1", share_bp=1),
                    LinkIn(objective_code="O1.1", share_bp=2),
                ]
            ),
        )
    with pytest.raises(RuleViolation, match="no adopted strategic plan covers 2023"):
        link(session, officer, lines["Z1"], O1_1=100)


def test_links_wait_for_the_adopted_plan(session: Session, officer: Actor) -> None:
    lines = make_budgets(session, officer)
    build_plan(session, officer)
    with pytest.raises(RuleViolation, match="no adopted strategic plan"):
        link(session, officer, lines["A1"], O1_1=100)


def test_the_database_caps_a_line_at_100_percent(
    session: Session, officer: Actor, world: tuple[StrategicPlan, dict[str, int]]
) -> None:
    plan, lines = world
    link(session, officer, lines["A1"], O1_1=10000)
    session.commit()
    o12 = service.find_element(session, plan_id=plan.id or 0, code="O1.2").id
    set_id = session.execute(text("SELECT MAX(id) FROM strategy_link_set")).scalar_one()
    with pytest.raises(DBAPIError, match="more than 10000"):
        session.execute(
            text(
                "INSERT INTO strategy_link_share (set_id, objective_id, share_bp) "
                f"VALUES ({set_id}, {o12}, 1)"
            )
        )
    session.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text("UPDATE strategy_link_share SET share_bp = 5000"))
    session.rollback()


def test_spending_measures_follow_the_links(
    session: Session, officer: Actor, world: tuple[StrategicPlan, dict[str, int]]
) -> None:
    _plan, lines = world
    on = date(2024, 12, 31)
    assert computed_value(session, measure="spending_linked_share", year=2024, as_at=on) == 0
    link(session, officer, lines["A1"], O1_1=3333, O1_2=3333, O2_1=3333)
    session.commit()
    # 1,000.01 spent, 0.10 of it unlinked
    assert computed_value(session, measure="spending_linked_share", year=2024, as_at=on) == Decimal(
        "99.99"
    )
    # 1,000.01 of 110,000.00 revised (SEC and CSP)
    assert computed_value(session, measure="budget_execution_rate", year=2024, as_at=on) == Decimal(
        "0.91"
    )
    assert computed_value(session, measure="spending_linked_share", year=2023, as_at=on) is None


shares = st.lists(st.integers(min_value=0, max_value=4000), min_size=3, max_size=3)


@settings(max_examples=10)
@given(a1=shares, a2=shares)
def test_linked_shares_add_up_to_each_line(
    session: Session,
    officer: Actor,
    world: tuple[StrategicPlan, dict[str, int]],
    a1: list[int],
    a2: list[int],
) -> None:
    plan, lines = world
    codes = ("O1_1", "O1_2", "O2_1")
    for line, bps in (("A1", a1), ("A2", a2)):
        link(
            session, officer, lines[line], **{c: bp for c, bp in zip(codes, bps, strict=True) if bp}
        )
    session.commit()
    result = service.cost(session, plan_id=plan.id or 0, as_at=date(2024, 12, 31))
    for x in result.lines:
        assert sum(x.split.parts.values(), x.split.unlinked) == x.line.figures
    for name in FIELDS:
        total = getattr(result.total, name)
        assert (
            sum(getattr(f, name) for f in result.objectives.values())
            + getattr(result.unlinked, name)
            == total
        )
        assert (
            sum(getattr(f, name) for f in result.goals.values()) + getattr(result.unlinked, name)
            == total
        )
