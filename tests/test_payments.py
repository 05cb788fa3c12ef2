"""Receipts told as a finance officer would, on both databases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.db_types import utctoday
from finance_core.errors import Conflict, RuleViolation, ValidationFailed
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.ledger.service import close_period
from finance_core.ledger.verify import verify_ledger
from finance_core.payments import service
from finance_core.payments.models import Receipt
from finance_core.payments.schemas import ExchangeRateIn, ReceiptIn, ReversalIn
from tests.fixtures_finance import credit_held, owed, pay


def test_oldest_first_across_funds_and_credit(assessed: Session, officer: Actor) -> None:
    """FRA owes SEC 20,000 and CSP 1,000, both due on 1 January; it pays 25,000: SEC first
    (the policy's fund order), then CSP, and 4,000 stays as its credit."""
    receipt_id = pay(assessed, officer, amount="25000.00")
    doc = service.receipt_out(assessed, receipt_id)
    assert [(a.fund, a.assessment_year, a.amount, a.rule) for a in doc.allocations] == [
        ("SEC", 2024, "20000.00", "oldest_first"),
        ("CSP", 2024, "1000.00", "oldest_first"),
        ("SEC", None, "4000.00", "credit"),
    ]
    assert owed(assessed, "FRA") == {}
    assert credit_held(assessed, "FRA") == 400_000
    assert verify_ledger(assessed).ok


def test_a_back_dated_payment_never_pays_what_a_later_one_paid(
    assessed: Session, officer: Actor
) -> None:
    """FRA pays 10,000 on 1 June (SEC 2024), then a payment of 15,000 dated 1 March is
    recorded: as at 1 March SEC still shows 20,000 owed, but 10,000 of it is paid by
    June's payment, so only 10,000 of SEC and CSP's 1,000 can be paid; 4,000 is credit.
    No receivable is overpaid as at any date."""
    pay(assessed, officer, amount="10000.00", value_on=date(2024, 6, 1))
    late = service.receipt_out(
        assessed, pay(assessed, officer, amount="15000.00", value_on=date(2024, 3, 1))
    )
    assert [(a.fund, a.assessment_year, a.amount, a.rule) for a in late.allocations] == [
        ("SEC", 2024, "10000.00", "oldest_first"),
        ("CSP", 2024, "1000.00", "oldest_first"),
        ("SEC", None, "4000.00", "credit"),
    ]
    assert owed(assessed, "FRA") == {}
    assert credit_held(assessed, "FRA") == 400_000
    for day in (date(2024, 3, 1), date(2024, 5, 31), date(2024, 6, 1)):
        rows = balances(
            assessed,
            as_at=day,
            by=[BalanceDim.FUND, BalanceDim.ASSESSMENT_YEAR],
            state="FRA",
            account_type="receivable",
        )
        assert all(b.amount_minor >= 0 for b in rows), (day, rows)
    # a further back-dated payment finds nothing left to pay: all of it is credit
    again = service.receipt_out(
        assessed, pay(assessed, officer, amount="500.00", value_on=date(2024, 2, 1))
    )
    assert [(a.fund, a.amount, a.rule) for a in again.allocations] == [("SEC", "500.00", "credit")]
    assert verify_ledger(assessed).ok


def test_earmark_partial_payment(assessed: Session, officer: Actor) -> None:
    receipt_id = pay(assessed, officer, state_code="DEU", amount="500.00", earmark_fund="CSP")
    doc = service.receipt_out(assessed, receipt_id)
    assert [(a.fund, a.amount, a.rule) for a in doc.allocations] == [("CSP", "500.00", "earmark")]
    assert owed(assessed, "DEU") == {("SEC", 2024): 3_000_000, ("CSP", 2024): 100_000}


def test_foreign_currency_provisional_usd(assessed: Session, officer: Actor) -> None:
    """ITA pays CHF 10,000.00; the table says USD 1.10 per CHF: USD 11,000.00, provisional."""
    service.add_rate(
        assessed,
        actor=officer,
        data=ExchangeRateIn(
            currency="CHF", valid_on=date(2024, 1, 1), usd_per_unit="1.10", source="test"
        ),
    )
    receipt_id = pay(assessed, officer, state_code="ITA", amount="10000.00", currency="CHF")
    doc = service.receipt_out(assessed, receipt_id)
    assert (doc.amount, doc.currency, doc.usd_amount, doc.usd_provisional) == (
        "10000.00",
        "CHF",
        "11000.00",
        True,
    )
    assert owed(assessed, "ITA") == {("SEC", 2024): 3_900_000, ("CSP", 2024): 250_000}
    bank = pay(
        assessed, officer, state_code="ITA", amount="1000.00", currency="EUR", usd_amount="1085.40"
    )
    assert service.receipt_out(assessed, bank).usd_amount == "1085.40"


def test_reversal_unwinds_allocations_and_credit(assessed: Session, officer: Actor) -> None:
    receipt_id = pay(assessed, officer, amount="25000.00")
    service.reverse_receipt(
        assessed,
        actor=officer,
        receipt_id=receipt_id,
        data=ReversalIn(value_on=date(2024, 3, 5), reason="Returned by the bank"),
    )
    assessed.commit()
    assert owed(assessed, "FRA") == {("SEC", 2024): 2_000_000, ("CSP", 2024): 100_000}
    assert credit_held(assessed, "FRA") == 0
    doc = service.receipt_out(assessed, receipt_id)
    assert doc.reversal is not None and doc.reversal.reason == "Returned by the bank"
    with pytest.raises(Conflict, match="already reversed"):
        service.reverse_receipt(
            assessed,
            actor=officer,
            receipt_id=receipt_id,
            data=ReversalIn(value_on=date(2024, 3, 6), reason="again"),
        )
    assert verify_ledger(assessed).ok


def test_bank_charges_written_off(assessed: Session, officer: Actor) -> None:
    """DEU owes 30,000 + 1,500; the bank delivers 31,480.00: 20.00 short, written off."""
    receipt_id = pay(
        assessed, officer, state_code="DEU", amount="31480.00", write_off_shortfall=True
    )
    doc = service.receipt_out(assessed, receipt_id)
    assert doc.allocations[-1].rule == "write_off" and doc.allocations[-1].amount == "20.00"
    assert owed(assessed, "DEU") == {}
    service.reverse_receipt(
        assessed,
        actor=officer,
        receipt_id=receipt_id,
        data=ReversalIn(value_on=date(2024, 3, 5), reason="Bounced"),
    )
    assessed.commit()
    assert owed(assessed, "DEU") == {("SEC", 2024): 3_000_000, ("CSP", 2024): 150_000}
    with pytest.raises(ValidationFailed, match="nothing to write off"):
        pay(assessed, officer, state_code="DEU", amount="100.00", write_off_shortfall=True)


def _count(session: Session) -> tuple[int, int]:
    receipts = session.execute(select(func.count()).select_from(Receipt)).scalar_one()
    entries = session.execute(text("SELECT COUNT(*) FROM journal_entry")).scalar_one()
    return int(receipts), int(entries)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "0.00"}, "amount"),
        ({"amount": "-5.00"}, "amount"),
        ({"amount": "1e3"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "Infinity"}, "amount"),
        ({"amount": "1,000.00"}, "amount"),
        ({"amount": "10.001"}, "amount"),
        ({"amount": "12.5", "currency": "JPY"}, "amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"state_code": "ZZZ"}, "state_code"),
        ({"value_on": "tomorrow"}, "value_on"),
        ({"currency": "CHF"}, "usd_amount"),
        ({"usd_amount": "12.345"}, "usd_amount"),
        ({"earmark_fund": "NOPE"}, "earmark_fund"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    assessed: Session, officer: Actor, change: dict[str, object], field: str
) -> None:
    if change.get("value_on") == "tomorrow":  # computed when the test runs, not collected
        change = {"value_on": utctoday() + timedelta(days=1)}
    before = _count(assessed)
    with pytest.raises(ValidationFailed) as info:
        pay(assessed, officer, **change)
    assert field in info.value.fields, info.value.fields
    assessed.rollback()
    assert _count(assessed) == before


def test_repeated_bank_reference_needs_confirmation(assessed: Session, officer: Actor) -> None:
    pay(assessed, officer, bank_reference="SAME")
    with pytest.raises(ValidationFailed) as info:
        pay(assessed, officer, bank_reference="SAME", amount="5.00")
    assert "bank_reference" in info.value.fields
    assessed.rollback()
    pay(assessed, officer, bank_reference="SAME", amount="5.00", confirm_duplicate_reference=True)


def test_closed_period_is_refused(assessed: Session, officer: Actor) -> None:
    close_period(assessed, actor=officer, fund_code="SEC", year=2023, reference="closed")
    assessed.commit()
    before = _count(assessed)
    with pytest.raises(RuleViolation, match="closed"):
        pay(assessed, officer, value_on=date(2023, 12, 20))
    assessed.rollback()
    assert _count(assessed) == before


@pytest.fixture
def shared(assessed: Session, engine: Engine) -> Engine:
    """The engine of the assessed database, for threads of their own."""
    return engine


def test_concurrent_payments_never_allocate_one_debt_twice(shared: Engine, officer: Actor) -> None:
    """Eight officers record 5,000.00 for FRA at once (it owes 21,000.00): 21,000 is
    allocated in all, 19,000 becomes credit, never more."""
    from concurrent.futures import ThreadPoolExecutor

    from finance_core.db import transaction

    def pay(i: int) -> int:
        with transaction(shared) as s:
            r = service.record_receipt(
                s,
                actor=officer,
                data=ReceiptIn(
                    state_code="FRA",
                    value_on=date(2024, 3, 1),
                    amount="5000.00",
                    bank_reference=f"C{i}",
                ),
            )
            return r.id or 0

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(pay, range(8)))
    with Session(shared) as s:
        docs = [service.receipt_out(s, i) for i in ids]
        placed = sum(
            int(a.amount.replace(".", ""))
            for d in docs
            for a in d.allocations
            if a.rule != "credit"
        )
        credit = sum(
            int(a.amount.replace(".", ""))
            for d in docs
            for a in d.allocations
            if a.rule == "credit"
        )
        assert (placed, credit) == (2_100_000, 1_900_000)
        assert owed(s, "FRA") == {}
        assert credit_held(s, "FRA") == 1_900_000
        assert verify_ledger(s).ok


def test_receipt_document(assessed: Session, officer: Actor) -> None:
    from reports.receipts import ReceiptFormat, render
    from tests.conftest import needs_pango

    receipt_id = pay(assessed, officer, amount="25000.00")
    html = render(service.receipt_out(assessed, receipt_id), ReceiptFormat.HTML).decode()
    assert "oldest amount due first" in html and "kept as the State&#x27;s credit" in html
    needs_pango()
    assert render(service.receipt_out(assessed, receipt_id), ReceiptFormat.PDF).startswith(b"%PDF-")
