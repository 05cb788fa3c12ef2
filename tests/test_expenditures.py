"""Expenditures and commitments against budget lines, told as a finance officer would:
payments in US dollars and Swiss francs, the bank's figure confirmed later, reversals,
closed periods, commitments liquidated and cancelled, and budget vs commitments vs
actual to the cent. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.budgets import service as budgets
from finance_core.budgets.schemas import BudgetIn, LineIn, VersionIn
from finance_core.db_types import utcnow, utctoday
from finance_core.errors import Conflict, RuleViolation, ValidationFailed
from finance_core.expenditures import execution as pure
from finance_core.expenditures import service
from finance_core.expenditures.models import Commitment, Expenditure
from finance_core.expenditures.schemas import CancellationIn, CommitmentIn, ExpenditureIn
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.ledger.models import JournalEntry
from finance_core.ledger.service import close_period, get_entry
from finance_core.payments.schemas import ExchangeRateIn, ReversalIn
from finance_core.payments.service import add_rate

_refs = itertools.count(1)


def make_budgets(session: Session, officer: Actor) -> dict[str, int]:
    """SEC 2024, adopted 25 Aug 2023: A1 60,000.00 and A2 40,000.00, revised on 30 June
    2024 to 70,000.00 and 30,000.00; CSP 2024: C1 10,000.00. CHF at 1.10 USD from 1 Jan
    2024 and 1.20 from 1 July 2024. Returns line ids by code."""
    sec = budgets.adopt_budget(
        session,
        actor=officer,
        data=BudgetIn(
            fund="SEC",
            year=2024,
            decision_symbol="ATT/CSP9/SEC",
            adopted_on=date(2023, 8, 25),
            lines=[
                LineIn(code="A1", title="Staff", amount="60000.00"),
                LineIn(code="A2", title="Outreach", amount="40000.00"),
            ],
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
    budgets.adopt_budget(
        session,
        actor=officer,
        data=BudgetIn(
            fund="CSP",
            year=2024,
            decision_symbol="ATT/CSP9/CSP",
            adopted_on=date(2023, 8, 25),
            lines=[LineIn(code="C1", title="Conference", amount="10000.00")],
        ),
    )
    for valid_on, rate in ((date(2024, 1, 1), "1.10"), (date(2024, 7, 1), "1.20")):
        add_rate(
            session,
            actor=officer,
            data=ExchangeRateIn(currency="CHF", valid_on=valid_on, usd_per_unit=rate, source="t"),
        )
    session.commit()
    out = budgets.budget_out(session, sec, date(2024, 12, 31))
    lines = {line.code: line.id for line in out.lines}
    csp = budgets.find_budget(session, fund_code="CSP", year=2024)
    lines.update({x.code: x.id for x in budgets.budget_out(session, csp, date(2024, 12, 31)).lines})
    session.commit()  # ends the reading transaction too (SQLite's write lock)
    return lines


@pytest.fixture
def lines(session: Session, officer: Actor) -> dict[str, int]:
    return make_budgets(session, officer)


def expense(**kw: Any) -> ExpenditureIn:
    data: dict[str, Any] = {
        "fund": "SEC",
        "year": 2024,
        "line_code": "A1",
        "value_on": date(2024, 3, 1),
        "amount": "1000.00",
        "category": "travel",
        "payee": "Hotel Cornavin",
        "reference": f"INV-{next(_refs)}",
    }
    data.update(kw)
    return ExpenditureIn.model_validate(data)


def commit_to(**kw: Any) -> CommitmentIn:
    data: dict[str, Any] = {
        "fund": "SEC",
        "year": 2024,
        "line_code": "A1",
        "committed_on": date(2024, 2, 1),
        "amount": "20000.00",
        "payee": "Venue SA",
        "reference": f"PO-{next(_refs)}",
    }
    data.update(kw)
    return CommitmentIn.model_validate(data)


def account(session: Session, code: str, as_at: date = date(2099, 1, 1)) -> int:
    fund, kind = code.split(".")
    rows = balances(session, as_at=as_at, by=[], fund=fund, account_type=kind, include_zero=True)
    return sum(b.amount_minor for b in rows)


def by_line(session: Session) -> dict[int, int]:
    rows = balances(
        session, as_at=date(2099, 1, 1), by=[BalanceDim.BUDGET_LINE], account_type="expenditure"
    )
    return {int(b.budget_line or 0): b.amount_minor for b in rows}


def count(session: Session, model: type[Any]) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_a_usd_payment_posts_to_the_line_against_the_bank(
    session: Session, officer: Actor, lines: dict[str, int]
) -> None:
    e = service.record_expenditure(
        session, actor=officer, data=expense(amount="1234.56", category="travel")
    )
    session.commit()
    assert (e.currency, e.amount_minor, e.usd_minor, e.usd_provisional) == (
        "USD",
        123456,
        123456,
        False,
    )
    entry, postings = get_entry(session, e.entry_seq)
    assert entry.entry_type == "expenditure"
    got = [(code, p.amount_minor, p.budget_line_id, p.assessment_year) for p, code in postings]
    assert got == [
        ("SEC.expenditure", 123456, lines["A1"], 2024),
        ("SEC.bank", -123456, None, None),
    ]
    out = service.expenditure_out(session, e.id or 0)
    assert (out.fund, out.year, out.line_code, out.usd_amount) == ("SEC", 2024, "A1", "1234.56")
    # by line id too
    e2 = service.record_expenditure(
        session,
        actor=officer,
        data=expense(fund=None, year=None, line_code=None, budget_line_id=lines["C1"]),
    )
    assert service.expenditure_out(session, e2.id or 0).fund == "CSP"
    assert by_line(session) == {lines["A1"]: 123456, lines["C1"]: 100000}


def test_chf_is_provisional_until_the_bank_confirms_the_difference_to_exchange(
    session: Session, officer: Actor, lines: dict[str, int]
) -> None:
    e = service.record_expenditure(
        session, actor=officer, data=expense(amount="1000.00", currency="chf")
    )
    assert (e.currency, e.amount_minor, e.usd_minor, e.usd_provisional) == (
        "CHF",
        100000,
        110000,
        True,
    )
    assert str(e.exchange_rate) == "1.10"
    confirmed = service.confirm_usd(
        session,
        actor=officer,
        expenditure_id=e.id or 0,
        usd_amount="1112.50",
        value_on=date(2024, 3, 4),
    )
    session.commit()
    assert confirmed.difference_minor == 1250
    # the line keeps the provisional figure; the bank paid 12.50 more, a loss
    assert by_line(session) == {lines["A1"]: 110000}
    assert account(session, "SEC.bank") == -111250
    assert account(session, "SEC.exchange_gain_loss") == 1250
    out = service.expenditure_out(session, e.id or 0)
    assert (out.usd_amount, out.usd_confirmed, out.amount) == ("1100.00", "1112.50", "1000.00")
    with pytest.raises(Conflict):
        service.confirm_usd(
            session,
            actor=officer,
            expenditure_id=e.id or 0,
            usd_amount="1.00",
            value_on=date(2024, 3, 5),
        )
    usd = service.record_expenditure(session, actor=officer, data=expense())
    with pytest.raises(RuleViolation, match="already carries"):
        service.confirm_usd(
            session,
            actor=officer,
            expenditure_id=usd.id or 0,
            usd_amount="1.00",
            value_on=date(2024, 3, 5),
        )
    # the bank's figure given at once: not provisional
    bank = service.record_expenditure(
        session, actor=officer, data=expense(currency="EUR", usd_amount="1085.20")
    )
    assert (bank.usd_minor, bank.usd_provisional, bank.exchange_rate) == (108520, False, None)


def test_a_reversal_nets_to_zero_and_nothing_is_deleted(
    session: Session, officer: Actor, lines: dict[str, int]
) -> None:
    e = service.record_expenditure(session, actor=officer, data=expense(currency="CHF"))
    service.confirm_usd(
        session,
        actor=officer,
        expenditure_id=e.id or 0,
        usd_amount="1090.00",
        value_on=date(2024, 3, 3),
    )
    entries = count(session, JournalEntry)
    service.reverse_expenditure(
        session,
        actor=officer,
        expenditure_id=e.id or 0,
        data=ReversalIn(value_on=date(2024, 3, 10), reason="Returned by the bank"),
    )
    session.commit()
    assert count(session, JournalEntry) == entries + 2  # the payment and its exchange difference
    for code in ("SEC.expenditure", "SEC.bank", "SEC.exchange_gain_loss"):
        assert account(session, code) == 0, code
    assert account(session, "SEC.expenditure", as_at=date(2024, 3, 9)) == 110000
    assert count(session, Expenditure) == 1
    assert service.expenditure_out(session, e.id or 0).reversal is not None
    with pytest.raises(Conflict):
        service.reverse_expenditure(
            session,
            actor=officer,
            expenditure_id=e.id or 0,
            data=ReversalIn(value_on=date(2024, 3, 11), reason="again"),
        )
    other = service.record_expenditure(session, actor=officer, data=expense())
    with pytest.raises(ValidationFailed, match="before the expenditure"):
        service.reverse_expenditure(
            session,
            actor=officer,
            expenditure_id=other.id or 0,
            data=ReversalIn(value_on=date(2024, 2, 1), reason="x"),
        )


def test_a_closed_period_refuses_the_payment_and_writes_nothing(
    session: Session, officer: Actor, lines: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    close_period(session, actor=officer, fund_code="SEC", year=2024, reference="closed")
    session.commit()
    entries = count(session, JournalEntry)
    with pytest.raises(RuleViolation, match="2024 is closed for fund SEC") as caught:
        service.record_expenditure(session, actor=officer, data=expense())
    assert caught.value.fields == {"value_on": "2024 is closed for fund SEC"}
    session.rollback()
    with pytest.raises(RuleViolation, match="closed"):
        service.record_commitment(session, actor=officer, data=commit_to())
    session.rollback()
    # without the service's own check, the ledger refuses it and the error stays clear
    monkeypatch.setattr(service, "refuse_closed", lambda *a, **k: None)
    with pytest.raises(RuleViolation, match="closed"):
        service.record_expenditure(session, actor=officer, data=expense())
    session.rollback()
    assert count(session, JournalEntry) == entries
    assert count(session, Expenditure) == 0
    # the CSP fund's 2024 is still open
    service.record_expenditure(session, actor=officer, data=expense(fund="CSP", line_code="C1"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5.00"}, "amount"),
        ({"amount": "1e3"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "1,000.00"}, "amount"),
        ({"amount": "10.001"}, "amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "GBP"}, "usd_amount"),  # no rate recorded
        ({"usd_amount": "0"}, "usd_amount"),
        ({"value_on": utctoday() + timedelta(days=1)}, "value_on"),
        ({"value_on": date(2023, 12, 31)}, "value_on"),
        ({"value_on": date(2025, 1, 2)}, "value_on"),
        ({"line_code": "ZZ"}, "line_code"),
        ({"year": 2019}, "year"),
        ({"fund": None}, "fund"),
        ({"budget_line_id": 999_999}, "budget_line_id"),
        ({"commitment_id": 999_999}, "commitment_id"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    session: Session, officer: Actor, lines: dict[str, int], change: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.record_expenditure(session, actor=officer, data=expense(**change))
    assert field in caught.value.fields, caught.value.fields
    session.rollback()
    assert count(session, Expenditure) == count(session, JournalEntry) == 0


def test_a_reference_of_the_same_payee_is_recorded_once_unless_confirmed(
    session: Session, officer: Actor, lines: dict[str, int]
) -> None:
    service.record_expenditure(session, actor=officer, data=expense(reference="INV-7"))
    with pytest.raises(ValidationFailed, match="already on expenditure"):
        service.record_expenditure(session, actor=officer, data=expense(reference="INV-7"))
    service.record_expenditure(
        session, actor=officer, data=expense(reference="INV-7", payee="Another supplier")
    )
    service.record_expenditure(
        session, actor=officer, data=expense(reference="INV-7", confirm_duplicate_reference=True)
    )
    assert count(session, Expenditure) == 3


def test_commitments_are_liquidated_partly_then_fully_and_never_posted(
    session: Session, officer: Actor, lines: dict[str, int]
) -> None:
    entries = count(session, JournalEntry)
    po = service.record_commitment(session, actor=officer, data=commit_to(amount="20000.00"))
    assert count(session, JournalEntry) == entries
    first = service.record_expenditure(
        session, actor=officer, data=expense(amount="12345.67", commitment_id=po.id)
    )
    assert first.liquidated_minor == 1_234_567
    out = service.commitment_out(session, po.id or 0)
    assert (out.liquidated, out.open, out.status) == ("12345.67", "7654.33", "open")
    # the last invoice is larger than what is open: it liquidates the rest, and all of it
    # is spent on the line
    last = service.record_expenditure(
        session, actor=officer, data=expense(amount="8000.00", commitment_id=po.id)
    )
    assert last.liquidated_minor == 765_433
    out = service.commitment_out(session, po.id or 0)
    assert (out.open, out.status, out.expenditure_ids) == (
        "0.00",
        "liquidated",
        [first.id, last.id],
    )
    with pytest.raises(RuleViolation, match="fully liquidated"):
        service.record_expenditure(
            session, actor=officer, data=expense(amount="1.00", commitment_id=po.id)
        )
    # reversing a payment opens its part again
    service.reverse_expenditure(
        session,
        actor=officer,
        expenditure_id=last.id or 0,
        data=ReversalIn(value_on=date(2024, 3, 20), reason="Invoice disputed"),
    )
    assert service.commitment_out(session, po.id or 0).open == "7654.33"
    # a commitment is paid from its own line only, after it was made
    with pytest.raises(ValidationFailed, match="another budget line"):
        service.record_expenditure(
            session, actor=officer, data=expense(line_code="A2", commitment_id=po.id)
        )
    with pytest.raises(ValidationFailed, match="dated after the payment"):
        service.record_expenditure(
            session,
            actor=officer,
            data=expense(value_on=date(2024, 1, 15), commitment_id=po.id),
        )
    # a commitment of 2024 may still be paid in 2025, other spending may not
    paid_late = service.record_expenditure(
        session,
        actor=officer,
        data=expense(value_on=date(2025, 1, 20), amount="100.00", commitment_id=po.id),
    )
    assert paid_late.liquidated_minor == 10_000


def test_a_chf_commitment_paid_in_chf_at_another_rate_is_fully_liquidated(
    session: Session, officer: Actor, lines: dict[str, int]
) -> None:
    po = service.record_commitment(
        session, actor=officer, data=commit_to(currency="CHF", amount="10000.00")
    )
    assert (po.usd_minor, str(po.exchange_rate)) == (1_100_000, "1.10")
    half = service.record_expenditure(
        session,
        actor=officer,
        data=expense(
            value_on=date(2024, 7, 10), currency="CHF", amount="4000.00", commitment_id=po.id
        ),
    )
    assert (half.usd_minor, half.liquidated_minor) == (480_000, 440_000)  # at 1.20; 40 % of 11,000
    rest = service.record_expenditure(
        session,
        actor=officer,
        data=expense(
            value_on=date(2024, 7, 11), currency="CHF", amount="6000.00", commitment_id=po.id
        ),
    )
    assert rest.liquidated_minor == 660_000
    assert service.commitment_out(session, po.id or 0).status == "liquidated"


def test_cancelling_the_open_remainder(
    session: Session, officer: Actor, lines: dict[str, int]
) -> None:
    po = service.record_commitment(session, actor=officer, data=commit_to(amount="5000.00"))
    service.record_expenditure(
        session, actor=officer, data=expense(amount="3000.00", commitment_id=po.id)
    )
    with pytest.raises(ValidationFailed, match="last payment"):
        service.cancel_commitment(
            session,
            actor=officer,
            commitment_id=po.id or 0,
            data=CancellationIn(cancelled_on=date(2024, 2, 15), reason="x"),
        )
    cancelled = service.cancel_commitment(
        session,
        actor=officer,
        commitment_id=po.id or 0,
        data=CancellationIn(cancelled_on=date(2024, 4, 30), reason="Completed under budget"),
    )
    assert cancelled.amount_minor == 200_000
    out = service.commitment_out(session, po.id or 0)
    assert (out.status, out.open, out.liquidated) == ("cancelled", "0.00", "3000.00")
    assert out.cancellation is not None and out.cancellation.amount == "2000.00"
    with pytest.raises(Conflict):
        service.cancel_commitment(
            session,
            actor=officer,
            commitment_id=po.id or 0,
            data=CancellationIn(cancelled_on=date(2024, 5, 1), reason="again"),
        )
    with pytest.raises(RuleViolation, match="cancelled"):
        service.record_expenditure(
            session, actor=officer, data=expense(amount="10.00", commitment_id=po.id)
        )
    # as at a day before the cancellation, 2,000.00 was still open
    before = service.positions(session, as_at=date(2024, 4, 29))[po.id or 0]
    assert before.open_minor == 200_000
    assert service.positions(session, as_at=date(2024, 4, 30))[po.id or 0].open_minor == 0
    listed, total = service.list_commitments(session, status="cancelled", limit=10, offset=0)
    assert total == 1 and listed[0].id == po.id
    full = service.record_commitment(session, actor=officer, data=commit_to(amount="10.00"))
    service.record_expenditure(
        session, actor=officer, data=expense(amount="10.00", commitment_id=full.id)
    )
    with pytest.raises(RuleViolation, match="nothing to cancel"):
        service.cancel_commitment(
            session,
            actor=officer,
            commitment_id=full.id or 0,
            data=CancellationIn(cancelled_on=date(2024, 5, 1), reason="x"),
        )
    assert count(session, Commitment) == 2


def _figures(report: Any, code: str) -> tuple[str, ...]:
    for x in report.lines:
        if x.line_code == code:
            return (
                x.original,
                x.revised,
                x.commitments,
                x.actual,
                x.available,
                x.execution_rate,
            )
    raise AssertionError(code)


def test_budget_vs_commitments_vs_actual_to_the_cent(
    session: Session, officer: Actor, lines: dict[str, int]
) -> None:
    """A1: a purchase order of 20,000.00 on 1 Feb; 5,000.00 of travel on 15 Feb; an
    invoice of 12,345.67 against the order on 10 Mar; the rest of the order cancelled on
    20 Dec. A2: an order of CHF 10,000.00 (11,000.00 at 1.10) on 1 Mar; CHF 4,000.00 paid
    against it on 1 Apr (4,400.00, liquidating 4,400.00), the bank's figure 4,410.25 (the
    difference to exchange, not to the line); 999.99 paid on 1 May and returned on
    10 May. The budget is revised on 30 June."""
    po1 = service.record_commitment(session, actor=officer, data=commit_to(amount="20000.00"))
    po2 = service.record_commitment(
        session,
        actor=officer,
        data=commit_to(
            line_code="A2", currency="CHF", amount="10000.00", committed_on=date(2024, 3, 1)
        ),
    )
    session.commit()
    service.record_expenditure(
        session, actor=officer, data=expense(amount="5000.00", value_on=date(2024, 2, 15))
    )
    session.commit()
    before_invoice = utcnow()
    service.record_expenditure(
        session,
        actor=officer,
        data=expense(amount="12345.67", value_on=date(2024, 3, 10), commitment_id=po1.id),
    )
    chf = service.record_expenditure(
        session,
        actor=officer,
        data=expense(
            line_code="A2",
            currency="CHF",
            amount="4000.00",
            value_on=date(2024, 4, 1),
            commitment_id=po2.id,
        ),
    )
    service.confirm_usd(
        session,
        actor=officer,
        expenditure_id=chf.id or 0,
        usd_amount="4410.25",
        value_on=date(2024, 4, 5),
    )
    back = service.record_expenditure(
        session,
        actor=officer,
        data=expense(line_code="A2", amount="999.99", value_on=date(2024, 5, 1)),
    )
    service.reverse_expenditure(
        session,
        actor=officer,
        expenditure_id=back.id or 0,
        data=ReversalIn(value_on=date(2024, 5, 10), reason="Paid twice"),
    )
    service.cancel_commitment(
        session,
        actor=officer,
        commitment_id=po1.id or 0,
        data=CancellationIn(cancelled_on=date(2024, 12, 20), reason="Order closed"),
    )
    session.commit()

    year_end = service.execution(session, as_at=date(2024, 12, 31), fund="SEC", year=2024)
    assert _figures(year_end, "A1") == (
        "60000.00", "70000.00", "0.00", "17345.67", "52654.33", "24.78"
    )  # fmt: skip
    assert _figures(year_end, "A2") == (
        "40000.00", "30000.00", "6600.00", "4400.00", "19000.00", "14.67"
    )  # fmt: skip
    (total,) = year_end.totals
    assert (total.fund, total.year) == ("SEC", 2024)
    assert (total.original, total.revised, total.commitments, total.actual, total.available) == (
        "100000.00", "100000.00", "6600.00", "21745.67", "71654.33"
    )  # fmt: skip
    assert total.execution_rate == "21.75"

    # before the cancellation the rest of the first order is still committed
    december = service.execution(session, as_at=date(2024, 12, 19), fund="SEC")
    assert _figures(december, "A1")[2:5] == ("7654.33", "17345.67", "45000.00")
    # in March: the original budget is in force; the first order is wholly open
    march = service.execution(session, as_at=date(2024, 3, 5), fund="SEC", year=2024)
    assert _figures(march, "A1") == (
        "60000.00", "60000.00", "20000.00", "5000.00", "35000.00", "8.33"
    )  # fmt: skip
    assert _figures(march, "A2") == (
        "40000.00", "40000.00", "11000.00", "0.00", "29000.00", "0.00"
    )  # fmt: skip
    # on 5 May the 999.99 is spent, on 10 May it is back
    assert _figures(service.execution(session, as_at=date(2024, 5, 5)), "A2")[3] == "5399.99"
    assert _figures(service.execution(session, as_at=date(2024, 5, 10)), "A2")[3] == "4400.00"
    # as known before the invoice was recorded
    known = service.execution(session, as_at=date(2024, 12, 31), known_at=before_invoice)
    assert _figures(known, "A1")[2:4] == ("20000.00", "5000.00")
    assert _figures(known, "A2")[2:4] == ("11000.00", "0.00")
    # the CSP budget is there with nothing spent; the ledger agrees line by line
    everything = service.execution(session, as_at=date(2024, 12, 31))
    assert _figures(everything, "C1") == (
        "10000.00", "10000.00", "0.00", "0.00", "10000.00", "0.00"
    )  # fmt: skip
    actual = {x.budget_line_id: x.actual for x in everything.lines if x.actual != "0.00"}
    assert {k: int(v.replace(".", "")) for k, v in actual.items()} == by_line(session)
    assert [t.fund for t in everything.totals] == ["CSP", "SEC"]


def test_the_pure_arithmetic() -> None:
    f = pure.Figures(original=100, revised=200, commitments=30, actual=50)
    assert (f.available, f.rate) == (120, pytest.approx(0.25))
    assert pure.Figures().rate is None
    assert pure.open_balance(100, 40, cancelled=False) == 60
    assert pure.open_balance(100, 40, cancelled=True) == 0
    # 100 liquidated on 1 Jan and given back on 2 Jan: nothing is open on 1 Jan
    moves = [(date(2024, 1, 1), -100), (date(2024, 1, 2), 100)]
    assert pure.lowest_open(100, moves, date(2023, 12, 31)) == 0
    assert pure.lowest_open(100, moves, date(2024, 1, 1)) == 0
    assert pure.lowest_open(100, moves, date(2024, 1, 2)) == 100
    common = {"commitment_amount_minor": 3, "commitment_usd_minor": 10}
    # a third of a 3-unit commitment worth 10 cents: 3.33 → 3 cents
    assert (
        pure.liquidation(
            open_minor=10, paid_usd_minor=99, paid_amount_minor=1, same_currency=True, **common
        )
        == 3
    )
    assert (
        pure.liquidation(
            open_minor=10, paid_usd_minor=4, paid_amount_minor=1, same_currency=False, **common
        )
        == 4
    )
    assert (
        pure.liquidation(
            open_minor=2, paid_usd_minor=4, paid_amount_minor=1, same_currency=False, **common
        )
        == 2
    )
    lines = [
        pure.Line("SEC", 2024, 1, "A", "a", pure.Figures(1, 2, 3, 4)),
        pure.Line("SEC", 2024, 2, "B", "b", pure.Figures(10, 20, 30, 40)),
        pure.Line("CSP", 2024, 3, "C", "c", pure.Figures(5, 5, 5, 5)),
    ]
    assert pure.totals(lines) == {
        ("CSP", 2024): pure.Figures(5, 5, 5, 5),
        ("SEC", 2024): pure.Figures(11, 22, 33, 44),
    }
