"""The crash run's bookkeeping checks on hand-made logs and stored rows: each fails on
the fault it is there to catch (no database, no server)."""

from __future__ import annotations

from datetime import date

from tests.crash.checks import (
    Check,
    Stored,
    StoredReceipt,
    check_acknowledged_once,
    check_balanced,
    check_contents,
    check_ids,
    check_nothing_else,
    check_unacknowledged,
)
from tests.crash.clients import Payment

DAY = date(2025, 3, 1)


def _payment(n: int, receipt_id: int | None, amount_minor: int = 1250) -> Payment:
    p = Payment(
        key=f"k-{n}",
        client=0,
        state_code="AAA",
        amount=f"{amount_minor // 100}.{amount_minor % 100:02d}",
        amount_minor=amount_minor,
        value_on=DAY,
        attempts=1,
        receipt_id=receipt_id,
    )
    if receipt_id is not None:
        p.answered = {
            "id": receipt_id,
            "state_code": "AAA",
            "value_on": DAY.isoformat(),
            "usd_amount": p.amount,
            "bank_reference": p.bank_reference,
        }
    return p


def _receipt(receipt_id: int, key: str, amount_minor: int = 1250) -> StoredReceipt:
    return StoredReceipt(receipt_id, "AAA", DAY, "USD", amount_minor, amount_minor, f"CRASH-{key}")


def _stored(
    receipts: list[StoredReceipt],
    idempotency: dict[str, tuple[int, int | None]] | None = None,
    unbalanced: list[tuple[int, str, int]] | None = None,
) -> Stored:
    if idempotency is None:
        idempotency = {r.bank_reference.removeprefix("CRASH-"): (201, r.id) for r in receipts}
    return Stored(receipts, idempotency, {}, unbalanced or [])


def _all(payments: list[Payment], stored: Stored) -> list[Check]:
    return [
        check_acknowledged_once(payments, stored),
        check_ids(payments, stored),
        check_contents(payments, stored),
        check_nothing_else(payments, stored),
        check_unacknowledged(payments, stored),
        check_balanced(stored),
    ]


def _failed(checks: list[Check]) -> set[str]:
    return {c.name for c in checks if not c.passed}


def test_a_clean_run_passes_every_check() -> None:
    payments = [_payment(1, 1), _payment(2, 2), _payment(3, None)]
    stored = _stored([_receipt(1, "k-1"), _receipt(2, "k-2")])
    assert _failed(_all(payments, stored)) == set()


def test_an_acknowledged_payment_not_recorded_is_lost() -> None:
    payments = [_payment(1, 1), _payment(2, 2)]
    failed = _failed(_all(payments, _stored([_receipt(1, "k-1")])))
    assert "every acknowledged payment is recorded exactly once" in failed
    assert "nothing else is recorded" in failed


def test_a_payment_recorded_twice_is_a_duplicate() -> None:
    payments = [_payment(1, 1), _payment(2, None)]
    stored = _stored(
        [_receipt(1, "k-1"), _receipt(2, "k-1"), _receipt(3, "k-2"), _receipt(4, "k-2")],
        idempotency={"k-1": (201, 1), "k-2": (201, 3)},
    )
    failed = _failed(_all(payments, stored))
    assert {
        "every acknowledged payment is recorded exactly once",
        "acknowledged receipt ids match the receipts and the idempotency records",
        "nothing else is recorded",
        "never-acknowledged payments are recorded at most once",
    } <= failed


def test_a_receipt_no_client_sent_and_a_key_left_running_are_caught() -> None:
    payments = [_payment(1, 1)]
    stored = _stored(
        [_receipt(1, "k-1"), _receipt(2, "stray")],
        idempotency={"k-1": (201, 1), "k-9": (0, None)},
    )
    check = check_nothing_else(payments, stored)
    assert not check.passed
    assert "never sent" in check.detail and "left running" in check.detail


def test_another_receipt_id_or_amount_than_acknowledged_is_caught() -> None:
    payments = [_payment(1, 7)]
    assert not check_ids(payments, _stored([_receipt(1, "k-1")])).passed
    wrong_amount = _stored([_receipt(7, "k-1", amount_minor=1251)])
    assert not check_contents(payments, wrong_amount).passed


def test_an_unbalanced_entry_is_caught() -> None:
    assert not check_balanced(_stored([], unbalanced=[(5, "SEC", 1)])).passed
