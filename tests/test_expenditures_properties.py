"""Over random expenditures (USD and CHF, some against a commitment), bank confirmations
and reversals, on both databases: as at any date and recording cutoff, the actual of
every budget line equals the ledger's expenditure balance for that line, every fund's
postings sum to zero, and no commitment is open beyond its amount or below zero. Each
example runs in one transaction, rolled back at the end."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.db_types import utcnow
from finance_core.errors import RuleViolation
from finance_core.expenditures import service
from finance_core.expenditures.schemas import CommitmentIn, ExpenditureIn
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.payments.schemas import ReversalIn
from tests.test_expenditures import make_budgets

START = date(2024, 1, 1)
LINES = [("SEC", "A1"), ("SEC", "A2"), ("CSP", "C1")]

spend = st.tuples(
    st.just("spend"),
    st.sampled_from(LINES),
    st.integers(0, 364),
    st.integers(1, 5_000_000),
    st.sampled_from(["USD", "USD", "CHF"]),
    st.booleans(),  # against the line's commitment
)
reverse = st.tuples(st.just("reverse"), st.integers(0, 50), st.integers(0, 30))
confirm = st.tuples(st.just("confirm"), st.integers(0, 50), st.integers(-5000, 5000))
history = st.lists(st.one_of(spend, spend, reverse, confirm), min_size=1, max_size=10)
days = st.lists(st.integers(0, 400), min_size=1, max_size=3)


def test_property_actual_is_the_ledger_and_funds_balance(
    session: Session, engine: Engine, officer: Actor
) -> None:
    make_budgets(session, officer)
    actor = Actor(name="prop", origin="test")

    @given(history, days)
    def run(ops: list[tuple[object, ...]], offsets: list[int]) -> None:
        with Session(engine) as s:
            orders = {
                line: service.record_commitment(
                    s,
                    actor=actor,
                    data=CommitmentIn(
                        fund=line[0],
                        year=2024,
                        line_code=line[1],
                        committed_on=START,
                        amount="30000.00",
                        payee="Supplier",
                        reference=f"PO-{line[1]}",
                    ),
                ).id
                for line in LINES
            }
            made: list[tuple[int, date, bool]] = []
            cutoffs: list[datetime] = []
            for i, op in enumerate(ops):
                if op[0] == "spend":
                    _, line, offset, cents, currency, ordered = op
                    assert isinstance(line, tuple) and isinstance(cents, int)
                    on = START + timedelta(days=int(str(offset)))
                    data = ExpenditureIn(
                        fund=line[0],
                        year=2024,
                        line_code=line[1],
                        value_on=on,
                        amount=f"{cents // 100}.{cents % 100:02d}",
                        currency=str(currency),
                        category="other",
                        payee="Payee",
                        reference=f"E{i}",
                        commitment_id=orders[line] if ordered else None,
                    )
                    try:
                        e = service.record_expenditure(s, actor=actor, data=data)
                    except RuleViolation:  # the commitment is already fully liquidated
                        continue
                    made.append((e.id or 0, on, e.usd_provisional))
                elif op[0] == "reverse" and made:
                    expenditure_id, on, _ = made.pop(int(str(op[1])) % len(made))
                    service.reverse_expenditure(
                        s,
                        actor=actor,
                        expenditure_id=expenditure_id,
                        data=ReversalIn(
                            value_on=on + timedelta(days=int(str(op[2]))), reason="returned"
                        ),
                    )
                elif op[0] == "confirm":
                    open_ones = [m for m in made if m[2]]
                    if open_ones:
                        expenditure_id, on, _ = open_ones[int(str(op[1])) % len(open_ones)]
                        made = [m if m[0] != expenditure_id else (m[0], m[1], False) for m in made]
                        provisional = service.expenditure_out(s, expenditure_id).usd_amount
                        cents = max(1, int(provisional.replace(".", "")) + int(str(op[2])))
                        service.confirm_usd(
                            s,
                            actor=actor,
                            expenditure_id=expenditure_id,
                            usd_amount=f"{cents // 100}.{cents % 100:02d}",
                            value_on=on + timedelta(days=2),
                        )
                cutoffs.append(utcnow())
            for offset in offsets:
                as_at = START + timedelta(days=offset)
                for known_at in (cutoffs[len(cutoffs) // 2], None):
                    check(s, as_at, known_at)
            s.rollback()

    run()


def check(s: Session, as_at: date, known_at: datetime | None) -> None:
    report = service.execution_lines(s, as_at=as_at, known_at=known_at)
    ledger = {
        b.budget_line: b.amount_minor
        for b in balances(
            s,
            as_at=as_at,
            known_at=known_at,
            by=[BalanceDim.BUDGET_LINE],
            account_type="expenditure",
        )
    }
    assert {x.line_id: x.figures.actual for x in report if x.figures.actual} == ledger
    funds = balances(s, as_at=as_at, known_at=known_at, by=[BalanceDim.FUND], include_zero=True)
    assert all(b.amount_minor == 0 for b in funds), funds
    for position in service.positions(s, as_at=as_at, known_at=known_at).values():
        assert 0 <= position.open_minor <= position.usd_minor
    committed = {x.line_id: x.figures.commitments for x in report}
    for x in report:
        assert x.figures.available == x.figures.revised - committed[x.line_id] - x.figures.actual
