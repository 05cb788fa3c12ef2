"""The arrears worked example as a fixture (registered in conftest as a plugin): three
States Parties since 2020 with UN rates 2, 1 and 1, a Secretariat budget of USD 100,000
assessed each year 2022-2026 and due on 1 January, CSP11 opening on 25 August 2025 and
CSP12 on 24 August 2026, and the payments of the story (A pays every January, B pays
some, C pays once, on 28 June 2025, after applying for a payment plan)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.arrears import plans
from finance_core.arrears.schemas import InstalmentIn, PaymentPlanIn, PlanDecisionIn
from finance_core.assessments import methodology
from finance_core.assessments import service as assessments
from finance_core.assessments.methodology import MethodologyIn
from finance_core.assessments.models import Payers
from finance_core.budgets import service as budgets
from finance_core.budgets.schemas import BudgetIn, LineIn
from finance_core.conferences.schemas import ConferenceCreate
from finance_core.conferences.service import create_conference
from finance_core.payments import service as payments
from finance_core.payments.schemas import ReceiptIn
from finance_core.states.models import ScaleRate, State
from finance_core.states.schemas import MembershipEventCreate
from finance_core.states.service import add_event

EXAMPLE_RATES = {"AAA": "2", "BBB": "1", "CCC": "1"}
YEARS = range(2022, 2027)
CSP11, CSP12 = date(2025, 8, 25), date(2026, 8, 24)


def receive(session: Session, officer: Actor, state: str, on: date, amount: str) -> None:
    payments.record_receipt(
        session,
        actor=officer,
        data=ReceiptIn(
            state_code=state, value_on=on, amount=amount, bank_reference=f"{state}-{on}"
        ),
    )


def c_plan(session: Session, officer: Actor) -> int:
    """C's application of 1 June 2025 (four yearly instalments of 25,000 from 1 July
    2025), approved by the Management Committee on 20 June 2025."""
    plan = plans.apply_plan(
        session,
        actor=officer,
        data=PaymentPlanIn(
            state_code="CCC",
            received_on=date(2025, 6, 1),
            note_verbale="NV/CCC/2025/14",
            reasons="Budgetary constraints after a natural disaster",
            total_outstanding="100000.00",
            instalments=[
                InstalmentIn(due_on=date(y, 7, 1), amount="25000.00")
                for y in (2025, 2026, 2027, 2028)
            ],
        ),
    )
    plans.decide_plan(
        session,
        actor=officer,
        plan_id=plan.id or 0,
        data=PlanDecisionIn(approved=True, decided_on=date(2025, 6, 20), reference="MC/2025/7"),
    )
    return plan.id or 0


@pytest.fixture
def example(session: Session, officer: Actor) -> Session:
    """The worked example up to 24 August 2026 (C's plan included)."""
    for code, rate in EXAMPLE_RATES.items():
        session.add(State(code=code, name=f"State {code[0]}", un_member=True))
        session.flush()
        session.add(
            ScaleRate(
                scale_code="TEST 2022-2026",
                first_year=2022,
                last_year=2026,
                state_code=code,
                rate_percent=Decimal(rate),
                kind="un",
                source="test",
            )
        )
        add_event(
            session,
            actor=officer,
            state_code=code,
            data=MembershipEventCreate(
                event_type="deposit", event_on=date(2019, 5, 2), instrument="ratification"
            ),
        )
    methodology.adopt(
        session,
        actor=officer,
        data=MethodologyIn(
            fund="SEC",
            effective_from_year=2022,
            decision_symbol="ATT/CSP7/TEST",
            adopted_on=date(2021, 9, 3),
            payers=Payers.STATES_PARTIES,
        ),
    )
    for number, start in ((11, CSP11), (12, CSP12)):
        create_conference(
            session,
            actor=officer,
            data=ConferenceCreate(number=number, venue="Geneva", start_on=start, end_on=start),
        )
    for year in YEARS:
        budget = budgets.adopt_budget(
            session,
            actor=officer,
            data=BudgetIn(
                fund="SEC",
                year=year,
                decision_symbol=f"ATT/CSP/{year}/SEC",
                adopted_on=date(year - 1, 8, 25),
                lines=[LineIn(code="A1", title="Secretariat", amount="100000")],
            ),
        )
        assessments.assess(
            session, actor=officer, budget_id=budget.id or 0, run_on=date(year - 1, 12, 1)
        )
    for year in YEARS:
        receive(session, officer, "AAA", date(year, 1, 10), "50000.00")
    receive(session, officer, "BBB", date(2022, 3, 1), "25000.00")
    receive(session, officer, "BBB", date(2024, 5, 1), "10000.00")
    session.commit()
    c_plan(session, officer)
    receive(session, officer, "CCC", date(2025, 6, 28), "25000.00")
    session.commit()
    return session
