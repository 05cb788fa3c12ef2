"""Over random payment histories (payments in several sizes, earmarks, write-offs,
reversals), on both databases: each receipt's allocations, credit and write-off add up
to the payment, nothing owed goes below zero, every fund balances and the chain
verifies. Each example runs in one transaction, rolled back at the end."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.errors import ValidationFailed
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.ledger.verify import verify_ledger
from finance_core.payments import service
from finance_core.payments.schemas import ReceiptIn, ReversalIn

payment = st.tuples(
    st.sampled_from(["FRA", "DEU", "ITA", "USA"]),
    st.integers(1, 6_000_000),
    st.sampled_from([None, "SEC", "CSP"]),
    st.booleans(),
)
history = st.lists(st.one_of(payment, st.integers(0, 20)), min_size=1, max_size=10)


def test_property_payment_histories(assessed: Session, engine: Engine) -> None:
    actor = Actor(name="prop", origin="test")

    @given(history)
    def run(ops: list[tuple[str, int, str | None, bool] | int]) -> None:
        with Session(engine) as s:
            made: list[int] = []
            for i, op in enumerate(ops):
                if isinstance(op, int):
                    if made:
                        receipt_id = made.pop(op % len(made))
                        service.reverse_receipt(
                            s,
                            actor=actor,
                            receipt_id=receipt_id,
                            data=ReversalIn(value_on=date(2024, 6, 1), reason="test"),
                        )
                    continue
                state, cents, earmark, write_off = op
                data = ReceiptIn(
                    state_code=state,
                    value_on=date(2024, 3, 1),
                    amount=f"{cents // 100}.{cents % 100:02d}",
                    bank_reference=f"P{i}",
                    earmark_fund=earmark,
                    write_off_shortfall=write_off,
                )
                try:
                    receipt = service.record_receipt(s, actor=actor, data=data)
                except ValidationFailed as exc:
                    if "write_off_shortfall" not in exc.fields:  # the only refusal expected
                        raise
                    continue
                doc = service.receipt_out(s, receipt.id or 0)
                parts = {a.rule: 0 for a in doc.allocations}
                for a in doc.allocations:
                    parts[a.rule] += int(a.amount.replace(".", ""))
                paid = sum(v for k, v in parts.items() if k != "write_off")
                assert paid == cents
                made.append(receipt.id or 0)
            owed = balances(
                s,
                as_at=date(2099, 1, 1),
                by=[BalanceDim.STATE, BalanceDim.FUND, BalanceDim.ASSESSMENT_YEAR],
                account_type="receivable",
            )
            assert all(b.amount_minor >= 0 for b in owed)
            for fund in balances(
                s, as_at=date(2099, 1, 1), by=[BalanceDim.FUND], include_zero=True
            ):
                assert fund.amount_minor == 0
            assert verify_ledger(s).ok
            s.rollback()

    run()
