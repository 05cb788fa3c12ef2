"""Assessment runs told as worked examples, with figures computed by hand."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.assessments import methodology, service
from finance_core.assessments.models import ProRata, RunKind
from finance_core.budgets import service as budgets
from finance_core.budgets.schemas import LineIn, VersionIn
from finance_core.conferences.models import Capacity
from finance_core.conferences.schemas import ConferenceCreate, RegistrationIn
from finance_core.conferences.service import create_conference, register_states
from finance_core.errors import Conflict, RuleViolation
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.ledger.verify import verify_ledger
from finance_core.states.models import State
from finance_core.states.schemas import MembershipEventCreate
from finance_core.states.service import add_event
from tests.fixtures_finance import budget_of


def _receivable(session: Session, fund: str) -> dict[str, int]:
    rows = balances(
        session,
        as_at=date(2024, 12, 31),
        by=[BalanceDim.STATE],
        fund=fund,
        account_type="receivable",
    )
    return {str(b.state): b.amount_minor for b in rows}


def _explained(session: Session, run_id: int) -> None:
    _, lines = service.get_run(session, run_id)
    for line in lines:
        e = service.explain(session, run_id=run_id, state_code=line.state_code)
        assert e.matches, e


def test_initial_then_revision_posts_only_the_differences(world: Session, officer: Actor) -> None:
    """100,000 among FRA 2, DEU 3, ITA 5 → 20,000 / 30,000 / 50,000. The budget is revised
    to 120,000: the revision posts +4,000 / +6,000 / +10,000."""
    budget_id = budget_of(world, officer, "SEC", "100000")
    run = service.assess(world, actor=officer, budget_id=budget_id, run_on=date(2024, 1, 10))
    world.commit()
    assert run.kind == RunKind.INITIAL and run.due_on == date(2024, 1, 1)
    assert _receivable(world, "SEC") == {"FRA": 2_000_000, "DEU": 3_000_000, "ITA": 5_000_000}
    with pytest.raises(Conflict, match="already assessed"):
        service.assess(world, actor=officer, budget_id=budget_id, run_on=date(2024, 1, 11))
    world.rollback()
    budgets.revise_budget(
        world,
        actor=officer,
        budget_id=budget_id,
        data=VersionIn(
            decision_symbol="ATT/CSP9/SEC/REV1",
            adopted_on=date(2024, 3, 1),
            lines=[LineIn(code="A1", title="Activity", amount="120000")],
        ),
    )
    revision = service.assess(world, actor=officer, budget_id=budget_id, run_on=date(2024, 3, 2))
    world.commit()
    assert revision.kind == RunKind.REVISION
    assert revision.posted_minor == 2_000_000
    _, lines = service.get_run(world, revision.id or 0)
    assert {x.state_code: x.delta_minor for x in lines} == {
        "FRA": 400_000,
        "DEU": 600_000,
        "ITA": 1_000_000,
    }
    assert _receivable(world, "SEC") == {"FRA": 2_400_000, "DEU": 3_600_000, "ITA": 6_000_000}
    _explained(world, revision.id or 0)
    assert verify_ledger(world).ok


def test_supplementary_assessment_for_a_state_joining_during_the_year(
    world: Session, officer: Actor
) -> None:
    """ESP deposits on 3 April 2024, a Party from 2 July. Among FRA 2, DEU 3, ITA 5 and
    ESP 10 it would pay 10/20 of 100,000 = 50,000 for a full year; by days, 183 of 366
    days: 25,000. FRA, DEU and ITA keep 20,000 / 30,000 / 50,000."""
    budget_id = budget_of(world, officer, "SEC", "100000")
    service.assess(world, actor=officer, budget_id=budget_id, run_on=date(2024, 1, 10))
    run = service.assess_supplementary(
        world, actor=officer, budget_id=budget_id, state_code="ESP", run_on=date(2024, 7, 15)
    )
    world.commit()
    assert run.kind == RunKind.SUPPLEMENTARY and run.posted_minor == 2_500_000
    assert _receivable(world, "SEC") == {
        "FRA": 2_000_000,
        "DEU": 3_000_000,
        "ITA": 5_000_000,
        "ESP": 2_500_000,
    }
    _explained(world, run.id or 0)
    with pytest.raises(Conflict):
        service.assess_supplementary(
            world, actor=officer, budget_id=budget_id, state_code="ESP", run_on=date(2024, 7, 16)
        )
    world.rollback()
    with pytest.raises(RuleViolation, match="did not become a State Party"):
        service.assess_supplementary(
            world, actor=officer, budget_id=budget_id, state_code="USA", run_on=date(2024, 7, 16)
        )


def test_csp_reassessment_on_the_registered_states(world: Session, officer: Actor) -> None:
    """The CSP budget of 10,000 is first assessed on the Parties and Signatories as at
    1 January: FRA 2, DEU 3, ITA 5, USA 10 → 1,000 / 1,500 / 2,500 / 5,000. FRA, DEU and
    GHA (an observer, 5) register for the CSP: 2,000 / 3,000 / 5,000; the re-assessment
    posts +1,000, +1,500, +5,000 (GHA), −2,500 (ITA), −5,000 (USA), summing to zero."""
    budget_id = budget_of(world, officer, "CSP", "10000")
    service.assess(world, actor=officer, budget_id=budget_id, run_on=date(2024, 1, 10))
    assert _receivable(world, "CSP") == {
        "FRA": 100_000,
        "DEU": 150_000,
        "ITA": 250_000,
        "USA": 500_000,
    }
    create_conference(
        world,
        actor=officer,
        data=ConferenceCreate(
            number=10, venue="Geneva", start_on=date(2024, 8, 19), end_on=date(2024, 8, 23)
        ),
    )
    register_states(
        world,
        actor=officer,
        number=10,
        registrations=[
            RegistrationIn(state_code="FRA", capacity=Capacity.STATE_PARTY),
            RegistrationIn(state_code="DEU", capacity=Capacity.STATE_PARTY),
            RegistrationIn(state_code="GHA", capacity=Capacity.OBSERVER),
        ],
    )
    run = service.reassess_csp(world, actor=officer, budget_id=budget_id, run_on=date(2024, 9, 1))
    world.commit()
    assert run.kind == RunKind.CSP_REASSESSMENT and run.posted_minor == 0
    _, lines = service.get_run(world, run.id or 0)
    assert {x.state_code: x.delta_minor for x in lines} == {
        "FRA": 100_000,
        "DEU": 150_000,
        "GHA": 500_000,
        "ITA": -250_000,
        "USA": -500_000,
    }
    assert _receivable(world, "CSP") == {"FRA": 200_000, "DEU": 300_000, "GHA": 500_000}
    _explained(world, run.id or 0)
    with pytest.raises(Conflict, match="already re-assessed"):
        service.reassess_csp(world, actor=officer, budget_id=budget_id, run_on=date(2024, 9, 2))


def test_carried_over_funds_reduce_the_amount_to_assess(world: Session, officer: Actor) -> None:
    """The 2018 figures: budget 975,927, 270,370 carried over, 705,557 assessed."""
    budget_id = budget_of(world, officer, "SEC", "975927", carried="270370")
    run = service.assess(world, actor=officer, budget_id=budget_id, run_on=date(2024, 1, 10))
    assert run.amount_minor == 70_555_700
    assert sum(_receivable(world, "SEC").values()) == 70_555_700


def test_missing_rates_and_methodology_are_clear_errors(world: Session, officer: Actor) -> None:
    from finance_core.errors import NotFound

    world.add(State(code="PSE", name="State of Palestine", un_member=False))
    world.flush()
    add_event(
        world,
        actor=officer,
        state_code="PSE",
        data=MembershipEventCreate(
            event_type="deposit", event_on=date(2017, 12, 29), instrument="accession"
        ),
    )
    budget_id = budget_of(world, officer, "SEC", "100000")
    with pytest.raises(RuleViolation, match="no rate on the TEST 2024 scale for PSE"):
        service.assess(world, actor=officer, budget_id=budget_id, run_on=date(2024, 1, 10))
    world.rollback()
    with pytest.raises(NotFound, match="no methodology"):
        methodology.for_budget(world, fund_code="SEC", year=2020)


def test_pro_rata_rules() -> None:
    from fractions import Fraction

    joined = date(2024, 7, 2)
    assert service.pro_rata_factor(ProRata.FULL_YEAR, joined, 2024) == 1
    assert service.pro_rata_factor(ProRata.DAYS, joined, 2024) == Fraction(183, 366)
    assert service.pro_rata_factor(ProRata.MONTHS, joined, 2024) == Fraction(5, 12)
    assert service.pro_rata_factor(ProRata.MONTHS, date(2024, 7, 1), 2024) == Fraction(6, 12)
    assert service.pro_rata_factor(ProRata.NEXT_YEAR, joined, 2024) == 0
    assert service.pro_rata_factor(ProRata.DAYS, date(2023, 5, 1), 2024) == 1
