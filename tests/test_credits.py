"""A State's credit: applied to its next assessment by default, on request (across funds
through due-to/due-from), refunded; and the bank's US dollar figure confirmed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.assessments import service as assessments
from finance_core.budgets import service as budgets
from finance_core.budgets.schemas import LineIn, VersionIn
from finance_core.errors import Conflict, RuleViolation, ValidationFailed
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.ledger.verify import verify_ledger
from finance_core.payments import credits, service
from finance_core.payments.allocation import Earmark
from finance_core.payments.schemas import ExchangeRateIn
from tests.fixtures_finance import owed, pay


def _funds_balance(session: Session) -> None:
    for fund in balances(session, as_at=date(2099, 1, 1), by=[BalanceDim.FUND], include_zero=True):
        assert fund.amount_minor == 0
    assert verify_ledger(session).ok


def test_credit_pays_the_next_assessment_by_default(assessed: Session, officer: Actor) -> None:
    """FRA pays 25,000 and keeps 4,000 of credit. The SEC budget is revised from 100,000
    to 120,000: FRA's share rises by 4,000, which its credit pays at once."""
    pay(assessed, officer, amount="25000.00")
    assert credits.credit_of(assessed, "FRA") == 400_000
    budget = budgets.find_budget(assessed, fund_code="SEC", year=2024)
    budgets.revise_budget(
        assessed,
        actor=officer,
        budget_id=budget.id or 0,
        data=VersionIn(
            decision_symbol="REV",
            adopted_on=date(2024, 4, 1),
            lines=[LineIn(code="A1", title="Activity", amount="120000")],
        ),
    )
    assessments.assess(assessed, actor=officer, budget_id=budget.id or 0, run_on=date(2024, 4, 2))
    assessed.commit()
    assert credits.credit_of(assessed, "FRA") == 0
    assert owed(assessed, "FRA") == {}
    ((use, lines),) = credits.credit_uses(assessed, "FRA")
    assert (use.kind, use.amount_minor, lines[0].fund_code, lines[0].rule) == (
        "applied",
        400_000,
        "SEC",
        "oldest_first",
    )
    _funds_balance(assessed)


def test_credit_applied_on_request_across_funds_then_refunded(
    assessed: Session, officer: Actor
) -> None:
    """USA (a Signatory) owes CSP 5,000. It pays 6,000 earmarked for the Secretariat,
    where it owes nothing: all 6,000 is credit (held in SEC). Applied on request, 5,000
    moves to the CSP fund through due-to/due-from; 1,000 is then refunded."""
    pay(assessed, officer, state_code="USA", amount="6000.00", earmark_fund="SEC")
    assert credits.credit_of(assessed, "USA") == 600_000
    use = credits.apply_credit(
        assessed, actor=officer, state_code="USA", value_on=date(2024, 3, 10)
    )
    assessed.commit()
    assert use is not None and use.amount_minor == 500_000
    assert owed(assessed, "USA") == {}
    due = {
        (b.fund, b.account_type): b.amount_minor
        for b in balances(
            assessed,
            as_at=date(2099, 1, 1),
            by=[BalanceDim.FUND, BalanceDim.ACCOUNT_TYPE],
            state="USA",
        )
        if b.account_type in ("due_to_other_funds", "due_from_other_funds")
    }
    assert due == {
        ("SEC", "due_to_other_funds"): -500_000,
        ("CSP", "due_from_other_funds"): 500_000,
    }
    with pytest.raises(ValidationFailed):
        credits.refund_credit(
            assessed,
            actor=officer,
            state_code="USA",
            value_on=date(2024, 3, 11),
            amount="1000.01",
            bank_reference="RF1",
            reason="Overpaid",
        )
    assessed.rollback()
    credits.refund_credit(
        assessed,
        actor=officer,
        state_code="USA",
        value_on=date(2024, 3, 11),
        amount="1000.00",
        bank_reference="RF1",
        reason="Overpaid",
    )
    assessed.commit()
    assert credits.credit_of(assessed, "USA") == 0
    _funds_balance(assessed)


def test_earmarked_credit_use_and_nothing_to_apply(assessed: Session, officer: Actor) -> None:
    assert (
        credits.apply_credit(assessed, actor=officer, state_code="DEU", value_on=date(2024, 3, 1))
        is None
    )
    pay(assessed, officer, state_code="DEU", amount="5000.00", earmark_fund="CSP")
    use = credits.apply_credit(
        assessed,
        actor=officer,
        state_code="DEU",
        value_on=date(2024, 3, 2),
        earmark=Earmark(fund="SEC"),
    )
    assert use is not None and use.amount_minor == 350_000
    assert owed(assessed, "DEU") == {("SEC", 2024): 2_650_000}


def test_bank_figure_confirms_a_provisional_receipt(assessed: Session, officer: Actor) -> None:
    """CHF 10,000 recorded at 1.10 (USD 11,000); the bank credits USD 10,950: a loss of
    USD 50 on exchange."""
    service.add_rate(
        assessed,
        actor=officer,
        data=ExchangeRateIn(
            currency="CHF", valid_on=date(2024, 1, 1), usd_per_unit="1.10", source="test"
        ),
    )
    receipt_id = pay(assessed, officer, state_code="ITA", amount="10000.00", currency="CHF")
    confirmation = credits.confirm_usd(
        assessed,
        actor=officer,
        receipt_id=receipt_id,
        usd_amount="10950.00",
        value_on=date(2024, 3, 4),
    )
    assessed.commit()
    assert confirmation.difference_minor == -5_000
    loss = balances(assessed, as_at=date(2099, 1, 1), by=[], account_type="exchange_gain_loss")
    assert sum(b.amount_minor for b in loss) == 5_000
    with pytest.raises(Conflict):
        credits.confirm_usd(
            assessed,
            actor=officer,
            receipt_id=receipt_id,
            usd_amount="10950.00",
            value_on=date(2024, 3, 4),
        )
    assessed.rollback()
    usd = pay(assessed, officer, state_code="ITA", amount="10.00", bank_reference="U1")
    with pytest.raises(RuleViolation):
        credits.confirm_usd(
            assessed, actor=officer, receipt_id=usd, usd_amount="10.00", value_on=date(2024, 3, 4)
        )
    assessed.rollback()
    _funds_balance(assessed)
