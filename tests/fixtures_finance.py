"""Finance fixtures shared by the tests (registered in conftest as a plugin): a small
world of States with a test scale, methodologies, and assessed 2024 budgets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.assessments import methodology
from finance_core.assessments import service as assessments
from finance_core.assessments.methodology import MethodologyIn
from finance_core.assessments.models import Payers, ProRata
from finance_core.budgets import service as budgets
from finance_core.budgets.schemas import BudgetIn, LineIn
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.payments import service as payments
from finance_core.payments.schemas import ReceiptIn
from finance_core.states.models import ScaleRate, State
from finance_core.states.schemas import MembershipEventCreate
from finance_core.states.service import add_event

RATES = {"FRA": "2", "DEU": "3", "ITA": "5", "ESP": "10", "USA": "10", "GHA": "5"}


@pytest.fixture
def world(session: Session, officer: Actor) -> Session:
    """Six States on a test scale for 2024; FRA, DEU, ITA Parties since 2014, USA a
    Signatory, ESP a Party from 2 July 2024, GHA nothing."""
    for code, rate in RATES.items():
        session.add(State(code=code, name=f"State {code}", un_member=True))
        session.flush()
        session.add(
            ScaleRate(
                scale_code="TEST 2024",
                first_year=2024,
                last_year=2024,
                state_code=code,
                rate_percent=Decimal(rate),
                kind="un",
                source="test",
            )
        )
    session.flush()
    for code in ("FRA", "DEU", "ITA"):
        add_event(
            session,
            actor=officer,
            state_code=code,
            data=MembershipEventCreate(
                event_type="deposit", event_on=date(2014, 4, 2), instrument="ratification"
            ),
        )
    add_event(
        session,
        actor=officer,
        state_code="USA",
        data=MembershipEventCreate(event_type="signature", event_on=date(2013, 9, 25)),
    )
    add_event(
        session,
        actor=officer,
        state_code="ESP",
        data=MembershipEventCreate(
            event_type="deposit", event_on=date(2024, 4, 3), instrument="accession"
        ),
    )
    for fund, payers, again in (
        ("SEC", Payers.STATES_PARTIES, None),
        ("CSP", Payers.PARTIES_AND_SIGNATORIES, Payers.CSP_REGISTERED),
    ):
        methodology.adopt(
            session,
            actor=officer,
            data=MethodologyIn(
                fund=fund,
                effective_from_year=2024,
                decision_symbol="ATT/CSP9/TEST",
                adopted_on=date(2023, 8, 25),
                payers=payers,
                reassessment_payers=again,
                pro_rata=ProRata.DAYS,
            ),
        )
    session.commit()
    return session


def budget_of(session: Session, officer: Actor, fund: str, amount: str, carried: str = "0") -> int:
    budget = budgets.adopt_budget(
        session,
        actor=officer,
        data=BudgetIn(
            fund=fund,
            year=2024,
            decision_symbol=f"ATT/CSP9/{fund}",
            adopted_on=date(2023, 8, 25),
            carried_over=carried,
            lines=[LineIn(code="A1", title="Activity", amount=amount)],
        ),
    )
    assert budget.id is not None
    return budget.id


@pytest.fixture
def assessed(world: Session, officer: Actor) -> Session:
    """SEC 2024 (100,000: FRA 20,000, DEU 30,000, ITA 50,000) and CSP 2024 (10,000: FRA
    1,000, DEU 1,500, ITA 2,500, USA 5,000), both due on 1 January 2024."""
    for fund, amount in (("SEC", "100000"), ("CSP", "10000")):
        budget_id = budget_of(world, officer, fund, amount)
        assessments.assess(world, actor=officer, budget_id=budget_id, run_on=date(2024, 1, 10))
    world.commit()
    return world


def pay(session: Session, officer: Actor, **kw: object) -> int:
    data = {
        "state_code": "FRA",
        "value_on": date(2024, 3, 1),
        "amount": "1000.00",
        "bank_reference": f"REF-{kw.get('amount')}-{kw.get('state_code')}-{kw.get('value_on')}",
    }
    data.update(kw)
    receipt = payments.record_receipt(session, actor=officer, data=ReceiptIn.model_validate(data))
    session.commit()
    return receipt.id or 0


def owed(session: Session, state: str) -> dict[tuple[str, int], int]:
    rows = balances(
        session,
        as_at=date(2099, 1, 1),
        by=[BalanceDim.FUND, BalanceDim.ASSESSMENT_YEAR],
        state=state,
        account_type="receivable",
    )
    return {(str(b.fund), int(b.assessment_year or 0)): b.amount_minor for b in rows}


def credit_held(session: Session, state: str) -> int:
    rows = balances(
        session, as_at=date(2099, 1, 1), by=[], state=state, account_type="state_credit"
    )
    return -sum(b.amount_minor for b in rows)
