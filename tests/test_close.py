"""The year-end close and the surplus decision, told as a finance officer would, on
SQLite and PostgreSQL: close → simulate → decide → no reopening, with every fund
balanced and the hash chain intact."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.close import service as close
from finance_core.close.models import CloseStatus, SurplusCredit, SurplusDecision, YearClose
from finance_core.close.schemas import PartIn, SurplusDecisionIn
from finance_core.close.surplus import CreditRule
from finance_core.errors import Conflict, PermissionDenied, RuleViolation, ValidationFailed
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.ledger.models import ClosedPeriod, JournalEntry
from finance_core.ledger.service import PostingSpec, post_entry
from finance_core.ledger.verify import verify_ledger
from finance_core.payments.statement import statement
from finance_core.reserve import service as reserve
from finance_core.reserve.models import MovementKind, ReserveMovement
from finance_core.reserve.schemas import MovementIn
from tests.fixtures_finance import credit_held, pay

MAKER = Actor(name="officer-a", origin="test")
CHECKER = Actor(name="officer-b", origin="test")


def spend(session: Session, fund: str, amount: int, on: date, year: int = 2024) -> None:
    """An expenditure posted straight to the ledger (as the expenditures module does)."""
    post_entry(
        session,
        actor=MAKER,
        value_on=on,
        entry_type="expenditure",
        description="Activity costs",
        postings=[
            PostingSpec(f"{fund}.expenditure", amount, assessment_year=year, budget_line_id=1),
            PostingSpec(f"{fund}.bank", -amount),
        ],
    )


def balanced(session: Session) -> None:
    """Every fund balances, and ``ledger verify`` finds nothing."""
    per_fund = balances(session, as_at=date(9999, 12, 31), by=[BalanceDim.FUND], include_zero=True)
    assert all(b.amount_minor == 0 for b in per_fund), per_fund
    assert verify_ledger(session).ok


def account(session: Session, code: str, as_at: date = date(9999, 12, 31)) -> int:
    fund, kind = code.split(".")
    rows = balances(session, as_at=as_at, by=[], fund=fund, account_type=kind, include_zero=True)
    return sum(b.amount_minor for b in rows)


def the_2024_story(session: Session, officer: Actor) -> Session:
    """On the ``assessed`` world: FRA pays everything, DEU half of its SEC share, USA
    its CSP share; SEC spends 60,000 and CSP 4,000 in 2024."""
    pay(session, officer, state_code="FRA", amount="21000.00", value_on=date(2024, 2, 1))
    pay(
        session,
        officer,
        state_code="DEU",
        amount="15000.00",
        value_on=date(2024, 3, 1),
        earmark_fund="SEC",
    )
    pay(session, officer, state_code="USA", amount="5000.00", value_on=date(2024, 4, 1))
    spend(session, "SEC", 60_000_00, date(2024, 6, 30))
    spend(session, "CSP", 4_000_00, date(2024, 9, 30))
    session.commit()
    return session


@pytest.fixture
def year2024(assessed: Session, officer: Actor) -> Session:
    """SEC 2024 assessed at 100,000 (FRA 20,000, DEU 30,000, ITA 50,000) and CSP 2024 at
    10,000 (FRA 1,000, DEU 1,500, ITA 2,500, USA 5,000), then ``the_2024_story``."""
    return the_2024_story(assessed, officer)


def closed(session: Session, fund: str) -> YearClose:
    proposal = close.propose_close(session, actor=MAKER, fund=fund, year=2024)
    approved = close.approve_close(
        session, actor=CHECKER, close_id=proposal.id or 0, reference=f"CLOSE/{fund}/2024"
    )
    session.commit()
    return approved


def test_close_simulate_credit_the_states_and_never_reopen(year2024: Session) -> None:
    s = year2024
    proposal = close.propose_close(s, actor=MAKER, fund="SEC", year=2024, note="draft")
    f = close.frozen(proposal)
    assert (f.assessed_revenue, f.expenditure, f.surplus) == (100_000_00, 60_000_00, 40_000_00)
    assert (f.cash_collected, f.cash_spent, f.cash_surplus) == (35_000_00, 60_000_00, -25_000_00)
    with pytest.raises(PermissionDenied, match="second finance officer"):
        close.approve_close(s, actor=MAKER, close_id=proposal.id or 0, reference="R")
    approved = close.approve_close(s, actor=CHECKER, close_id=proposal.id or 0, reference="R/1")
    s.commit()
    assert approved.status == CloseStatus.APPROVED and approved.closing_entry_seq
    assert s.get(ClosedPeriod, ("SEC", 2024)) is not None
    # the year's income and expenditure now sit in the accumulated surplus
    assert account(s, "SEC.assessed_revenue", date(2024, 12, 31)) == 0
    assert account(s, "SEC.expenditure", date(2024, 12, 31)) == 0
    assert account(s, "SEC.accumulated_surplus") == -40_000_00
    balanced(s)

    # nothing more is dated in 2024 for SEC; no second close; no reopening
    with pytest.raises(RuleViolation, match="closed"):
        spend(s, "SEC", 100, date(2024, 12, 30))
    s.rollback()
    with pytest.raises(Conflict, match="never reopened"):
        close.propose_close(s, actor=MAKER, fund="SEC", year=2024)
    with pytest.raises(Conflict):
        close.approve_close(s, actor=CHECKER, close_id=proposal.id or 0, reference="again")
    with pytest.raises(DBAPIError):
        s.execute(text("DELETE FROM ledger_closed_period WHERE fund_code = 'SEC'"))
    s.rollback()

    # the simulation stores nothing
    entries = s.execute(select(func.count()).select_from(JournalEntry)).scalar_one()
    outcomes = close.simulate(s, fund="SEC", year=2024, as_at=date(2025, 3, 1))
    assert s.execute(select(func.count()).select_from(JournalEntry)).scalar_one() == entries
    assert s.execute(select(func.count()).select_from(SurplusDecision)).scalar_one() == 0
    by_name = {o.name: o for o in outcomes}
    assert by_name["states_pro_rata_assessed"].state_credits == {
        "DEU": 12_000_00,
        "FRA": 8_000_00,
        "ITA": 20_000_00,
    }
    # DEU paid half and ITA nothing: only FRA had paid its 2024 assessment in full
    assert by_name["states_paid_in_full_only"].state_credits == {"FRA": 40_000_00}
    assert by_name["reserve"].to_reserve_minor == 40_000_00
    assert not by_name["reserve"].state_credits
    fra = next(e for e in by_name["states_pro_rata_assessed"].states if e.code == "FRA")
    assert fra.owed_minor == 0 and fra.credit_minor == 8_000_00
    assert fra.balance_after_minor == -8_000_00  # a credit
    assert fra.next_year_assessed_minor is None  # no 2025 assessment recorded
    ita = next(e for e in by_name["states_pro_rata_assessed"].states if e.code == "ITA")
    assert ita.balance_after_minor == 52_500_00 - 20_000_00

    decision = close.record_decision(
        s,
        actor=MAKER,
        fund="SEC",
        year=2024,
        data=SurplusDecisionIn(
            decided_on=date(2025, 3, 1),
            reference="ATT/CSP11/DEC/1",
            option="credit_states",
            credit_rule=CreditRule.PAID_IN_FULL_ONLY,
        ),
    )
    s.commit()
    assert (decision.to_states_minor, decision.to_reserve_minor) == (40_000_00, 0)
    assert credit_held(s, "FRA") == 40_000_00 and credit_held(s, "DEU") == 0
    lines = s.execute(select(SurplusCredit)).scalars().all()
    assert [(c.state_code, c.amount_minor) for c in lines] == [("FRA", 40_000_00)]
    # FRA's statement of account shows the credit in its own column
    fra_statement = statement(s, state_code="FRA", from_on=date(2025, 1, 1), as_at=date(2025, 3, 1))
    assert sum(r.movements.get("surplus_credited", 0) for r in fra_statement.credit) == -40_000_00
    assert not any("other" in r.movements for r in fra_statement.credit)
    assert account(s, "SEC.accumulated_surplus") == 0
    balanced(s)
    with pytest.raises(Conflict, match="decided on"):
        close.record_decision(
            s,
            actor=MAKER,
            fund="SEC",
            year=2024,
            data=SurplusDecisionIn(
                decided_on=date(2025, 3, 2), reference="again", option="to_reserve"
            ),
        )


def test_a_csp_surplus_to_the_reserve_owes_what_the_fund_cannot_pay_yet(
    year2024: Session,
) -> None:
    s = year2024
    closed(s, "CSP")
    assert close.frozen(s.execute(select(YearClose)).scalar_one()).surplus == 6_000_00
    cash = reserve.fund_cash(s, "CSP", date(2025, 3, 1))
    assert cash == 5_000_00 + 1_000_00 - 4_000_00  # paid by USA and FRA, less spent
    decision = close.record_decision(
        s,
        actor=MAKER,
        fund="CSP",
        year=2024,
        data=SurplusDecisionIn(
            decided_on=date(2025, 3, 1), reference="ATT/CSP11/DEC/2", option="to_reserve"
        ),
    )
    s.commit()
    assert decision.to_reserve_minor == 6_000_00 and decision.transfer_movement_id
    position = reserve.position(s, as_at=date(2025, 3, 1))
    assert position.balance_minor == 6_000_00
    assert position.cash_minor == 2_000_00  # what CSP held
    assert position.receivable == {"CSP": 4_000_00}
    assert account(s, "CSP.accumulated_surplus") == 0
    balanced(s)

    # CSP spent all it held: it owes the reserve 4,000 but cannot pay any of it yet
    with pytest.raises(RuleViolation, match="cannot pay"):
        reserve.record_movement(
            s,
            actor=MAKER,
            data=MovementIn(
                kind=MovementKind.SETTLEMENT,
                value_on=date(2025, 3, 2),
                amount="0.01",
                fund="CSP",
                reference="BANK-76",
            ),
        )
    # ITA and DEU pay their CSP shares; CSP then pays over the rest of the transfer
    pay(s, MAKER, state_code="ITA", amount="2500.00", value_on=date(2025, 4, 1), earmark_fund="CSP")
    pay(s, MAKER, state_code="DEU", amount="1500.00", value_on=date(2025, 4, 1), earmark_fund="CSP")

    def settle(amount: str) -> None:
        reserve.record_movement(
            s,
            actor=MAKER,
            data=MovementIn(
                kind=MovementKind.SETTLEMENT,
                value_on=date(2025, 4, 2),
                amount=amount,
                fund="CSP",
                reference="BANK-77",
            ),
        )

    with pytest.raises(RuleViolation, match="owes the reserve"):
        settle("4000.01")
    settle("4000.00")
    s.commit()
    after = reserve.position(s, as_at=date(2025, 4, 2))
    assert (after.balance_minor, after.cash_minor, after.receivable) == (6_000_00, 6_000_00, {})
    balanced(s)


def test_a_split_sums_exactly_and_the_rest_goes_to_the_other_part(year2024: Session) -> None:
    s = year2024
    closed(s, "SEC")
    decision = close.record_decision(
        s,
        actor=MAKER,
        fund="SEC",
        year=2024,
        data=SurplusDecisionIn(
            decided_on=date(2025, 3, 1),
            reference="ATT/CSP11/DEC/3",
            option="split",
            to_states=PartIn(percent="33.3333"),
        ),
    )
    s.commit()
    assert decision.to_states_minor + decision.to_reserve_minor == 40_000_00
    assert decision.retained_minor == 0
    credits = {c.state_code: c.amount_minor for c in s.execute(select(SurplusCredit)).scalars()}
    assert sum(credits.values()) == decision.to_states_minor
    assert set(credits) == {"FRA", "DEU", "ITA"}
    assert reserve.position(s, as_at=date(2025, 3, 1)).balance_minor == decision.to_reserve_minor
    balanced(s)


def test_a_split_naming_both_parts_keeps_the_rest_in_the_fund(year2024: Session) -> None:
    s = year2024
    closed(s, "SEC")
    decision = close.record_decision(
        s,
        actor=MAKER,
        fund="SEC",
        year=2024,
        data=SurplusDecisionIn(
            decided_on=date(2025, 3, 1),
            reference="D",
            option="split",
            to_states=PartIn(amount="10000.00"),
            to_reserve=PartIn(percent="50"),
        ),
    )
    s.commit()
    assert (decision.to_states_minor, decision.to_reserve_minor, decision.retained_minor) == (
        10_000_00,
        20_000_00,
        10_000_00,
    )
    assert account(s, "SEC.accumulated_surplus") == -10_000_00
    balanced(s)


def test_decisions_need_a_closed_year_a_surplus_and_valid_parts(year2024: Session) -> None:
    s = year2024

    def decide(**kw: object) -> None:
        data = {"decided_on": date(2025, 3, 1), "reference": "D", "option": "to_reserve"}
        data.update(kw)
        close.record_decision(
            s, actor=MAKER, fund="SEC", year=2024, data=SurplusDecisionIn.model_validate(data)
        )

    with pytest.raises(RuleViolation, match="not closed"):
        decide()
    closed(s, "SEC")
    with pytest.raises(ValidationFailed, match="decided_on"):
        decide(decided_on=date(2024, 12, 31))
    with pytest.raises(ValidationFailed):
        decide(option="split")
    with pytest.raises(ValidationFailed):
        decide(option="to_reserve", to_states={"percent": "10"})
    with pytest.raises(ValidationFailed, match="exceed"):
        decide(option="split", to_states={"amount": "30000"}, to_reserve={"amount": "10000.01"})
    with pytest.raises(ValidationFailed):
        decide(option="split", to_states={"percent": "101"})
    assert s.execute(select(func.count()).select_from(SurplusDecision)).scalar_one() == 0


def test_a_deficit_is_closed_but_not_shared(year2024: Session) -> None:
    s = year2024
    spend(s, "SEC", 50_000_00, date(2024, 11, 1))
    close_ = closed(s, "SEC")
    assert close_.surplus_minor == -10_000_00
    assert account(s, "SEC.accumulated_surplus") == 10_000_00
    outcomes = close.simulate(s, fund="SEC", year=2024, as_at=date(2025, 3, 1))
    assert all(not o.feasible and "deficit" in (o.note or "") for o in outcomes)
    with pytest.raises(RuleViolation, match="deficit"):
        close.record_decision(
            s,
            actor=MAKER,
            fund="SEC",
            year=2024,
            data=SurplusDecisionIn(decided_on=date(2025, 3, 1), reference="D", option="to_reserve"),
        )
    balanced(s)


def test_maker_checker_superseding_and_changed_figures(year2024: Session) -> None:
    s = year2024
    first = close.propose_close(s, actor=MAKER, fund="SEC", year=2024)
    second = close.propose_close(s, actor=CHECKER, fund="SEC", year=2024)
    s.commit()
    assert s.get(YearClose, first.id).status == CloseStatus.SUPERSEDED  # type: ignore[union-attr]
    with pytest.raises(Conflict, match="superseded"):
        close.approve_close(s, actor=CHECKER, close_id=first.id or 0, reference="R")
    with pytest.raises(PermissionDenied):
        close.approve_close(s, actor=CHECKER, close_id=second.id or 0, reference="R")
    # interest recorded late for 2024: the frozen figures no longer hold
    post_entry(
        s,
        actor=MAKER,
        value_on=date(2024, 12, 31),
        entry_type="interest",
        description="Bank interest",
        postings=[PostingSpec("SEC.bank", 12_34), PostingSpec("SEC.other_revenue", -12_34)],
    )
    with pytest.raises(Conflict, match="propose the close again"):
        close.approve_close(s, actor=MAKER, close_id=second.id or 0, reference="R")
    third = close.propose_close(s, actor=MAKER, fund="SEC", year=2024)
    assert close.frozen(third).other_revenue == 12_34
    close.approve_close(s, actor=CHECKER, close_id=third.id or 0, reference="R")
    s.commit()
    assert [c.status for c in close.list_closes(s, fund="SEC")] == [
        CloseStatus.APPROVED,
        CloseStatus.SUPERSEDED,
        CloseStatus.SUPERSEDED,
    ]


def test_years_close_in_order_and_only_once_over(year2024: Session) -> None:
    s = year2024
    spend(s, "SEC", 100, date(2023, 12, 1), year=2023)
    s.commit()
    with pytest.raises(RuleViolation, match="close 2023"):
        close.propose_close(s, actor=MAKER, fund="SEC", year=2024)
    with pytest.raises(RuleViolation, match="not over"):
        close.propose_close(s, actor=MAKER, fund="SEC", year=2999)
    c2023 = close.propose_close(s, actor=MAKER, fund="SEC", year=2023)
    close.approve_close(s, actor=CHECKER, close_id=c2023.id or 0, reference="R")
    close.propose_close(s, actor=MAKER, fund="SEC", year=2024)
    s.commit()
    # 2024's assessments were notified in January 2024: the 2023 close left them alone
    assert close.frozen(c2023).assessed_revenue == 0


def test_reserve_draw_down_beyond_balance_is_refused_and_months_are_covered(
    year2024: Session,
) -> None:
    s = year2024

    def move(kind: str, on: date, amount: str, **kw: str) -> ReserveMovement:
        return reserve.record_movement(
            s,
            actor=MAKER,
            data=MovementIn(kind=MovementKind(kind), value_on=on, amount=amount, **kw),
        )

    move("contribution", date(2024, 2, 1), "27500.00", state_code="DEU", reference="BANK-1")
    move("contribution", date(2024, 2, 2), "0.01", donor="Flanders", reference="BANK-2")
    s.commit()
    p = reserve.position(s, as_at=date(2024, 12, 31))
    # the default rule: 5 % of the 2024 SEC and CSP budgets (110,000) = 5,500
    assert p.annual_budget_minor == 110_000_00 and p.target_minor == 5_500_00
    assert p.balance_minor == 27_500_01 and p.gap_minor == 5_500_00 - 27_500_01
    assert reserve.format_months(p.months_covered) == "3.00"  # 27,500.01 / (110,000 / 12)
    # 2025 has no budget yet: the 2024 budgets are the basis
    assert reserve.position(s, as_at=date(2025, 6, 1)).budget_year == 2024

    with pytest.raises(RuleViolation, match="beyond its balance"):
        move("draw_down", date(2024, 5, 1), "27500.02", fund="SEC", reference="MC/2024/1")
    with pytest.raises(RuleViolation, match="beyond its balance"):  # before the money came
        move("draw_down", date(2024, 1, 15), "1.00", fund="SEC", reference="MC/2024/1")
    move("draw_down", date(2024, 5, 1), "20000.00", fund="SEC", reference="MC/2024/1")
    s.commit()
    drawn = reserve.position(s, as_at=date(2024, 5, 1))
    assert drawn.balance_minor == 27_500_01  # an advance: the reserve still owns it
    assert drawn.advanced == {"SEC": 20_000_00} and drawn.available_minor == 7_500_01
    with pytest.raises(RuleViolation, match="beyond its balance"):
        move("draw_down", date(2024, 5, 2), "7500.02", fund="SEC", reference="MC/2024/2")
    # SEC spent more than it received: it cannot pay anything back yet
    with pytest.raises(RuleViolation, match="cannot pay"):
        move("replenishment", date(2024, 8, 1), "0.01", fund="SEC", reference="R")
    pay(s, MAKER, state_code="ITA", amount="50000.00", value_on=date(2024, 7, 15))
    with pytest.raises(RuleViolation, match="not paid back"):
        move("replenishment", date(2024, 8, 1), "20000.01", fund="SEC", reference="R")
    with pytest.raises(ValidationFailed):
        move("draw_down", date(2024, 5, 2), "1.00", fund="VTF", reference="MC")
    with pytest.raises(RuleViolation, match="surplus decision"):
        move("transfer_in", date(2024, 5, 2), "1.00", fund="SEC", reference="X")
    move("replenishment", date(2024, 8, 1), "20000.00", fund="SEC", reference="BANK-9")
    s.commit()
    back = reserve.position(s, as_at=date(2024, 8, 1))
    assert back.advanced == {} and back.cash_minor == 27_500_01
    # known_at: nothing had been recorded before the first movement
    assert (
        reserve.position(s, as_at=date(2024, 8, 1), known_at=p.rule.recorded_at).balance_minor == 0
    )  # type: ignore[union-attr]
    balanced(s)
    assert len(reserve.list_movements(s)[0]) == 4
