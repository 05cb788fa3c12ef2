"""The aging invariant over random histories, on both databases: for every State, date
and recording cutoff, the buckets sum to the outstanding total, which equals the
ledger's receivable balance; per fund and year, each cell equals the ledger too; and
arrears are exactly the due, earlier-year amounts of the arrears funds. Each example
runs on the worked example's world in one transaction, rolled back at the end."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.arrears.aging import CURRENT, NOT_DUE
from finance_core.arrears.service import aging
from finance_core.db_types import utcnow
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.payments import credits, service
from finance_core.payments.schemas import ReceiptIn, ReversalIn

START = date(2021, 6, 1)
SPAN = (date(2027, 6, 30) - START).days
TODAY_OFFSET = (min(date(2026, 11, 1), date.today()) - START).days

receipt = st.tuples(
    st.just("pay"),
    st.sampled_from(["AAA", "BBB", "CCC"]),
    st.integers(0, TODAY_OFFSET),
    st.integers(1, 9_000_000),
    st.sampled_from([None, 2022, 2024, 2026]),
)
reversal = st.tuples(st.just("reverse"), st.integers(0, 50))
credit = st.tuples(st.just("credit"), st.sampled_from(["AAA", "BBB", "CCC"]))
history = st.lists(st.one_of(receipt, receipt, reversal, credit), min_size=1, max_size=8)
days = st.lists(st.integers(0, SPAN), min_size=1, max_size=4)


def test_property_buckets_sum_to_the_ledger(example: Session, engine: Engine) -> None:
    actor = Actor(name="prop", origin="test")

    @given(history, days)
    def run(ops: list[tuple[object, ...]], offsets: list[int]) -> None:
        with Session(engine) as s:
            made: list[tuple[int, date]] = []
            cutoffs = [utcnow()]
            for i, op in enumerate(ops):
                if op[0] == "pay":
                    _, state, offset, cents, year = op
                    on = START + timedelta(days=int(str(offset)))
                    data = ReceiptIn(
                        state_code=str(state),
                        value_on=on,
                        amount=f"{int(str(cents)) // 100}.{int(str(cents)) % 100:02d}",
                        bank_reference=f"P{i}",
                        earmark_fund="SEC" if year else None,
                        earmark_year=int(str(year)) if year else None,
                    )
                    made.append((service.record_receipt(s, actor=actor, data=data).id or 0, on))
                elif op[0] == "reverse" and made:
                    receipt_id, on = made.pop(int(str(op[1])) % len(made))
                    service.reverse_receipt(
                        s,
                        actor=actor,
                        receipt_id=receipt_id,
                        data=ReversalIn(value_on=on + timedelta(days=3), reason="bounced"),
                    )
                elif op[0] == "credit":
                    credits.apply_credit(
                        s, actor=actor, state_code=str(op[1]), value_on=date(2026, 11, 1)
                    )
                cutoffs.append(utcnow())
            for offset in offsets:
                as_at = START + timedelta(days=offset)
                for known_at in (cutoffs[len(cutoffs) // 2], None):
                    check(s, as_at, known_at)
            s.rollback()

    run()


def check(s: Session, as_at: date, known_at: object) -> None:
    from datetime import datetime

    cutoff = known_at if isinstance(known_at, datetime) else None
    report = aging(s, as_at=as_at, known_at=cutoff)
    ledger = {
        b.state: b.amount_minor
        for b in balances(
            s,
            as_at=as_at,
            known_at=cutoff,
            by=[BalanceDim.STATE],
            account_type="receivable",
            include_zero=True,
        )
    }
    cells = {
        (b.state, b.fund, b.assessment_year): b.amount_minor
        for b in balances(
            s,
            as_at=as_at,
            known_at=cutoff,
            by=[BalanceDim.STATE, BalanceDim.FUND, BalanceDim.ASSESSMENT_YEAR],
            account_type="receivable",
            include_zero=True,
        )
    }
    assert set(report.states) == set(ledger)
    for code, position in report.states.items():
        assert sum(position.buckets.values()) == position.outstanding == ledger[code]
        for aged in position.cells:
            key = (code, aged.cell.fund, aged.cell.year)
            assert aged.outstanding == cells[key]
        arrears = sum(
            a.outstanding
            for a in position.cells
            if a.bucket not in (NOT_DUE, CURRENT) and a.cell.fund in {"SEC", "CSP"}
        )
        assert position.arrears == arrears
        assert all(
            a.cell.year < as_at.year for a in position.cells if a.bucket not in (NOT_DUE, CURRENT)
        )
