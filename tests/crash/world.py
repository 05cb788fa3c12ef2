"""The debt the crash run's payments settle: a few States Parties assessed by the real
assessment service for the SEC and CSP funds over three years, and a finance officer's
API token.

Each State's rate differs (60 % down to 0.1 %), so under evenly spread payments the
small payers run into credit while the large ones still owe, and a payment's oldest-first
allocation crosses years and funds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Engine

from finance_core.access.service import create_user
from finance_core.actor import Actor
from finance_core.assessments import methodology
from finance_core.assessments import service as assessments
from finance_core.assessments.methodology import MethodologyIn
from finance_core.assessments.models import Payers
from finance_core.budgets import service as budgets
from finance_core.budgets.schemas import BudgetIn, LineIn
from finance_core.db import transaction
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.ledger.models import AccountType
from finance_core.states.models import Instrument, MembershipEventType, ScaleRate
from finance_core.states.schemas import MembershipEventCreate
from finance_core.states.service import add_event
from tests.bench.common import insert_states, state_codes

#: Each State's rate on the run's scale of assessments, in percent (they sum to 100).
RATES = tuple(Decimal(r) for r in ("60", "25", "10", "4", "0.9", "0.1"))
#: The budget of each assessed fund for each year, US dollars.
BUDGETS = {"SEC": "1000000", "CSP": "200000"}
#: Every date far enough ahead to see the whole ledger.
FAR_AHEAD = date(2100, 1, 1)
ACTOR = Actor(name="crash-setup", origin="crash run")


@dataclass(frozen=True)
class World:
    """What the run's clients need and what the checks compare against: the States, the
    years assessed, what each State was assessed (US cents), the finance officer's token
    and the owner its idempotency keys are stored under."""

    codes: tuple[str, ...]
    years: tuple[int, ...]
    assessed_minor: dict[str, int]
    token: str
    owner: str


def receivable_by_state(engine: Engine) -> dict[str, int]:
    """Each State's receivable balance over every fund and year (US cents)."""
    with transaction(engine, read_only=True) as session:
        rows = balances(
            session,
            as_at=FAR_AHEAD,
            by=[BalanceDim.STATE],
            account_type=AccountType.RECEIVABLE.value,
        )
        return {str(b.state): b.amount_minor for b in rows}


def build_world(engine: Engine, years: tuple[int, ...]) -> World:
    """States Parties since 2014, SEC and CSP assessed for each of ``years`` (run on
    10 January, due 1 January), and a finance officer; all through the services."""
    codes = tuple(state_codes(len(RATES)))
    insert_states(engine, codes)
    first, last = years[0], years[-1]
    with transaction(engine) as session:
        for code, rate in zip(codes, RATES, strict=True):
            session.add(
                ScaleRate(
                    scale_code=f"CRASH {first}-{last}",
                    first_year=first,
                    last_year=last,
                    state_code=code,
                    rate_percent=rate,
                    kind="un",
                    source="crash run",
                )
            )
            add_event(
                session,
                actor=ACTOR,
                state_code=code,
                data=MembershipEventCreate(
                    event_type=MembershipEventType.DEPOSIT,
                    event_on=date(2014, 4, 2),
                    instrument=Instrument.RATIFICATION,
                ),
            )
        for fund in BUDGETS:
            methodology.adopt(
                session,
                actor=ACTOR,
                data=MethodologyIn(
                    fund=fund,
                    effective_from_year=first,
                    decision_symbol=f"ATT/CRASH/{fund}",
                    adopted_on=date(first - 1, 8, 25),
                    payers=Payers.STATES_PARTIES,
                ),
            )
    for year in years:
        for fund, amount in BUDGETS.items():
            with transaction(engine) as session:
                budget = budgets.adopt_budget(
                    session,
                    actor=ACTOR,
                    data=BudgetIn(
                        fund=fund,
                        year=year,
                        decision_symbol=f"ATT/CRASH/{fund}/{year}",
                        adopted_on=date(year - 1, 8, 25),
                        lines=[LineIn(code="A1", title="Activity", amount=amount)],
                    ),
                )
                assessments.assess(
                    session, actor=ACTOR, budget_id=budget.id or 0, run_on=date(year, 1, 10)
                )
    with transaction(engine) as session:
        user, token = create_user(
            session, actor=ACTOR, name="crash-officer", roles=["finance_officer"]
        )
        owner = f"user:{user.id}"
    return World(codes, years, receivable_by_state(engine), token, owner)
