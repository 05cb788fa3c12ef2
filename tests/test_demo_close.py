"""The demo's reserve and year-end closes, loaded once per database: 2015–2024 closed for
SEC and CSP, a surplus decision of each kind, a reserve with history, nothing postable
into a closed year, every fund balanced."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.close import service as close
from finance_core.close.models import CloseStatus
from finance_core.errors import RuleViolation
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.ledger.service import PostingSpec, post_entry
from finance_core.ledger.verify import verify_ledger
from finance_core.reserve import service as reserve
from finance_core.reserve.models import MovementKind
from tests.fixtures_demo import DemoCopy


@pytest.fixture(scope="module")
def demo(demo_copy: DemoCopy) -> Session:
    """A fresh copy of the demo data set per database, for every test of this module
    (which only read it)."""
    return demo_copy.session


def test_every_year_closed_by_two_officers_and_decided(demo: Session) -> None:
    closes = [c for c in close.list_closes(demo) if c.status == CloseStatus.APPROVED]
    assert {(c.fund_code, c.year) for c in closes} == {
        (f, y) for f in ("SEC", "CSP") for y in range(2015, 2025)
    }
    assert all(c.proposed_by != c.approved_by and c.closing_entry_seq for c in closes)
    decisions = close.list_decisions(demo)
    kinds = {(d.option, d.credit_rule) for d in decisions}
    assert {("credit_states", "pro_rata_assessed"), ("to_reserve", None)} <= kinds
    assert ("credit_states", "paid_in_full_only") in kinds
    assert any(d.option == "split" for d in decisions)
    for d in decisions:
        assert d.to_states_minor + d.to_reserve_minor + d.retained_minor == d.surplus_minor
        assert d.decided_on.year == d.year + 1


def test_the_reserve_has_a_history(demo: Session) -> None:
    moves, _total = reserve.list_movements(demo, limit=500)
    kinds = {m.kind for m in moves}
    assert {
        MovementKind.CONTRIBUTION,
        MovementKind.TRANSFER_IN,
        MovementKind.DRAW_DOWN,
        MovementKind.REPLENISHMENT,
    } <= kinds
    draws = [m for m in moves if m.kind == MovementKind.DRAW_DOWN]
    assert all(m.reference.startswith("ATT/MC/") for m in draws)
    in_2019 = reserve.position(demo, as_at=date(2019, 3, 1))
    assert in_2019.advanced.get("SEC", 0) > 0
    assert reserve.position(demo, as_at=date(2019, 12, 31)).advanced == {}
    now = reserve.position(demo, as_at=date(2026, 9, 30))
    assert now.balance_minor > 0 and now.target_minor and now.months_covered
    # the CSP's rule of 2022 (three months of planned spending) replaced the default
    assert now.rule is not None and now.rule.effective_from == date(2022, 8, 26)
    assert now.target_minor == (now.annual_budget_minor or 0) * 3 // 12
    before = reserve.position(demo, as_at=date(2020, 9, 30)).rule
    assert before is not None and before.reference.startswith("Default")


def test_closed_years_refuse_postings_and_the_ledger_balances(demo: Session) -> None:
    with pytest.raises(RuleViolation, match="closed"):
        post_entry(
            demo,
            actor=Actor(name="t", origin="test"),
            value_on=date(2020, 6, 1),
            entry_type="interest",
            description="late",
            postings=[PostingSpec("SEC.bank", 1), PostingSpec("SEC.other_revenue", -1)],
        )
    demo.rollback()
    per_fund = balances(demo, as_at=date(9999, 12, 31), by=[BalanceDim.FUND], include_zero=True)
    assert all(b.amount_minor == 0 for b in per_fund)
    assert verify_ledger(demo).ok
    outcomes = close.simulate(demo, fund="SEC", year=2024, as_at=date(2025, 8, 29))
    assert [o.name for o in outcomes][:3] == [
        "states_pro_rata_assessed",
        "states_paid_in_full_only",
        "reserve",
    ]
