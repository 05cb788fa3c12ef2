"""The pure payment-plan compliance rule."""

from __future__ import annotations

from datetime import date

from finance_core.arrears.compliance import Flow, Standing, assess

APPLIED = date(2025, 6, 1)
PLAN = [Flow(date(2025, 7, 1), 100), Flow(date(2026, 7, 1), 100)]


def standing(as_at: date, receipts: list[Flow], new: list[Flow] | None = None, grace: int = 30):  # type: ignore[no-untyped-def]
    return assess(
        applied_on=APPLIED,
        as_at=as_at,
        instalments=PLAN,
        receipts=receipts,
        new_assessments=new or [],
        grace_days=grace,
    )


def test_on_track_before_anything_falls_due() -> None:
    c = standing(date(2025, 6, 30), [])
    assert c.standing is Standing.ON_TRACK and c.shortfall == 0


def test_behind_within_the_grace_period_then_lapsed_for_good() -> None:
    assert standing(date(2025, 7, 31), []).standing is Standing.BEHIND  # 30 days short
    lapsed = standing(date(2025, 8, 1), [])
    assert lapsed.standing is Standing.LAPSED
    assert (lapsed.short_since, lapsed.lapsed_on) == (date(2025, 7, 1), date(2025, 8, 1))
    late_payment = [Flow(date(2025, 8, 15), 100)]
    assert standing(date(2025, 9, 1), late_payment).standing is Standing.LAPSED


def test_paying_within_the_grace_period_keeps_the_plan() -> None:
    c = standing(date(2025, 9, 1), [Flow(date(2025, 7, 31), 100)])
    assert c.standing is Standing.ON_TRACK and c.short_since is None
    assert (c.received, c.instalments_due) == (100, 100)


def test_new_assessments_count_and_a_partial_payment_is_still_short() -> None:
    new = [Flow(date(2026, 1, 1), 40)]
    c = standing(date(2026, 1, 20), [Flow(date(2025, 7, 1), 100)], new)
    assert c.standing is Standing.BEHIND and c.shortfall == 40
    assert c.short_since == date(2026, 1, 1)
    paid_part = [Flow(date(2025, 7, 1), 100), Flow(date(2026, 1, 10), 39)]
    assert standing(date(2026, 3, 1), paid_part, new).standing is Standing.LAPSED


def test_completed_when_everything_is_paid_even_early() -> None:
    c = standing(date(2027, 1, 1), [Flow(date(2025, 6, 2), 200)], [Flow(date(2026, 1, 1), 50)])
    assert c.standing is Standing.COMPLETED and c.completed_on == date(2025, 6, 2)
    # The 2026 assessment fell due after the plan was completed: no longer its business.
    assert (c.received, c.assessments_due, c.shortfall) == (200, 50, 0)


def test_receipts_before_the_application_do_not_count() -> None:
    c = standing(date(2025, 8, 5), [Flow(date(2025, 5, 1), 500)])
    assert c.received == 0 and c.standing is Standing.LAPSED
