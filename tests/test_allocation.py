"""The allocation of a payment: worked examples and properties over random debts."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finance_core.payments.allocation import (
    Debt,
    Earmark,
    Placement,
    Policy,
    Rule,
    allocate,
    shortfall,
)

DEBTS = [
    Debt("CSP", 2023, date(2023, 1, 1), 30_000),
    Debt("SEC", 2023, date(2023, 1, 1), 50_000),
    Debt("SEC", 2024, date(2024, 1, 1), 70_000),
]


def test_oldest_first_across_funds_then_credit() -> None:
    """1,600.00 pays SEC 2023 (500.00, the policy puts SEC before CSP on the same day),
    CSP 2023 (300.00), SEC 2024 (700.00) and leaves 100.00 as credit."""
    result = allocate(160_000, DEBTS)
    assert result.placements == (
        Placement("SEC", 2023, 50_000, Rule.OLDEST_FIRST),
        Placement("CSP", 2023, 30_000, Rule.OLDEST_FIRST),
        Placement("SEC", 2024, 70_000, Rule.OLDEST_FIRST),
    )
    assert result.credit_minor == 10_000


def test_partial_payment_stops_on_the_oldest() -> None:
    result = allocate(60_000, DEBTS)
    assert [(p.fund, p.year, p.amount_minor) for p in result.placements] == [
        ("SEC", 2023, 50_000),
        ("CSP", 2023, 10_000),
    ]
    assert result.credit_minor == 0


def test_earmark_is_honoured_and_the_rest_is_credit() -> None:
    result = allocate(80_000, DEBTS, earmark=Earmark(fund="SEC", year=2024))
    assert result.placements == (Placement("SEC", 2024, 70_000, Rule.EARMARK),)
    assert result.credit_minor == 10_000
    by_fund = allocate(100_000, DEBTS, earmark=Earmark(fund="CSP"))
    assert by_fund.placements == (Placement("CSP", 2023, 30_000, Rule.EARMARK),)
    ignored = allocate(
        80_000, DEBTS, earmark=Earmark(fund="CSP"), policy=Policy(honour_earmarks=False)
    )
    assert ignored.placements[0].rule is Rule.OLDEST_FIRST


def test_no_debt_means_all_credit() -> None:
    assert allocate(5_000, []).credit_minor == 5_000


def test_bank_charges_within_tolerance_are_written_off() -> None:
    """A State owing 500.00 pays 497.50: 2.50 short, within a 5.00 tolerance."""
    debts = [Debt("SEC", 2024, date(2024, 1, 1), 50_000)]
    result = allocate(49_750, debts)
    assert shortfall(result, debts, 500) == Placement("SEC", 2024, 250, Rule.WRITE_OFF)
    assert shortfall(result, debts, 200) is None
    assert shortfall(allocate(60_000, debts), debts, 500) is None


def test_bad_calls() -> None:
    with pytest.raises(ValueError, match="positive"):
        allocate(0, DEBTS)
    with pytest.raises(ValueError, match="one debt"):
        allocate(10, [DEBTS[0], DEBTS[0]])


debts_strategy = st.lists(
    st.builds(
        Debt,
        fund=st.sampled_from(["SEC", "CSP", "WCF"]),
        year=st.integers(2015, 2026),
        due_on=st.dates(date(2015, 1, 1), date(2026, 12, 31)),
        outstanding_minor=st.integers(1, 10**10),
    ),
    max_size=20,
    unique_by=lambda d: (d.fund, d.year),
)


@given(
    st.integers(1, 10**11),
    debts_strategy,
    st.one_of(
        st.none(),
        st.builds(
            Earmark,
            fund=st.sampled_from([None, "SEC", "CSP"]),
            year=st.one_of(st.none(), st.integers(2015, 2026)),
        ),
    ),
    st.randoms(),
)
def test_property_allocation_plus_credit_is_the_payment(
    amount: int, debts: list[Debt], earmark: Earmark | None, rnd: object
) -> None:
    result = allocate(amount, debts, earmark=earmark)
    assert result.allocated_minor + result.credit_minor == amount
    owed = {(d.fund, d.year): d.outstanding_minor for d in debts}
    for p in result.placements:
        assert 0 < p.amount_minor <= owed[(p.fund, p.year)]
    assert len({(p.fund, p.year) for p in result.placements}) == len(result.placements)
    if result.credit_minor:  # credit only once every eligible debt is paid
        eligible = [
            d
            for d in debts
            if earmark is None or not (earmark.fund or earmark.year) or earmark.matches(d)
        ]
        assert result.allocated_minor == sum(d.outstanding_minor for d in eligible)
    shuffled = list(debts)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert allocate(amount, shuffled, earmark=earmark) == result
    write_off = shortfall(result, debts, 1000)
    if write_off is not None:
        last = result.placements[-1]
        assert last.amount_minor + write_off.amount_minor == owed[(last.fund, last.year)]
