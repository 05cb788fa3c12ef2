"""The pure surplus calculations: figures, largest remainder, sharing a surplus."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finance_core.close import surplus as pure
from finance_core.close.surplus import CreditRule, Option, Part, StateYear


def test_figures_from_ledger_balances() -> None:
    f = pure.figures_of(
        {
            "assessed_revenue": -100_000_00,
            "other_revenue": -1_000_00,
            "exchange_gain_loss": 250_00,  # a loss: a debit balance
            "write_off": 50_00,
            "expenditure": 60_000_00,
            "bank": 12345,  # not an income or expense account: ignored
        },
        cash_collected=70_000_00,
        cash_spent=60_000_00,
    )
    assert f.assessed_revenue == 100_000_00
    assert f.exchange_gain_loss == -250_00
    assert f.surplus == 100_000_00 + 1_000_00 - 250_00 - 50_00 - 60_000_00
    assert f.cash_surplus == 10_000_00


def test_largest_remainder_sums_exactly_and_breaks_ties_by_weight_then_key() -> None:
    assert pure.largest_remainder(100, {"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    assert pure.largest_remainder(100, {"c": 1, "b": 1, "a": 1}) == {"a": 34, "b": 33, "c": 33}
    assert pure.largest_remainder(10, {"x": 1, "y": 2}) == {"x": 3, "y": 7}
    assert pure.largest_remainder(0, {"x": 0}) == {"x": 0}
    with pytest.raises(ValueError, match="every weight is zero"):
        pure.largest_remainder(5, {"x": 0})


STATES = [StateYear("AAA", 20_000_00, 0), StateYear("BBB", 30_000_00, 15_000_00)]


def test_each_option_on_a_surplus() -> None:
    pro_rata, paid_only, reserve = (
        pure.split(40_000_01, o, STATES) for o in pure.standard_options()
    )
    assert pro_rata.state_credits == {"AAA": 16_000_00, "BBB": 24_000_01}
    assert paid_only.state_credits == {"AAA": 40_000_01}  # BBB had not paid in full
    assert reserve.to_reserve_minor == 40_000_01 and not reserve.state_credits


def test_a_split_gives_the_rest_to_the_other_part_or_keeps_it() -> None:
    sixty = pure.option_for_split("s", Part(percent=Fraction(60)), None)
    result = pure.split(10_001, sixty, STATES)
    assert (result.to_states_minor, result.to_reserve_minor, result.retained_minor) == (
        6001,
        4000,
        0,
    )
    both = pure.option_for_split("s", Part(amount_minor=1000), Part(percent=Fraction(50)))
    result = pure.split(10_001, both, STATES)
    assert result.to_states_minor == 1000
    assert result.to_states_minor + result.to_reserve_minor + result.retained_minor == 10_001
    with pytest.raises(pure.SurplusError):
        pure.split(100, pure.option_for_split("s", Part(amount_minor=101), None), STATES)
    with pytest.raises(pure.SurplusError):
        pure.split(-5, pure.standard_options()[0], STATES)
    with pytest.raises(pure.SurplusError, match="no State qualifies"):
        pure.split(
            100,
            Option("x", to_states=pure.ALL, credit_rule=CreditRule.PAID_IN_FULL_ONLY),
            [StateYear("BBB", 100, 1)],
        )


@st.composite
def parts(draw: st.DrawFn) -> Part | None:
    kind = draw(st.sampled_from(["none", "percent", "amount"]))
    if kind == "percent":
        return Part(percent=Fraction(draw(st.integers(0, 10_000)), 100))
    if kind == "amount":
        return Part(amount_minor=draw(st.integers(0, 10**9)))
    return None


@given(
    surplus=st.integers(1, 10**11),
    to_states=parts(),
    to_reserve=parts(),
    assessed=st.lists(st.integers(0, 10**9), min_size=1, max_size=30),
    paid=st.lists(st.booleans(), min_size=30, max_size=30),
    rule=st.sampled_from(list(CreditRule)),
)
def test_property_any_split_of_any_surplus_sums_exactly(
    surplus: int,
    to_states: Part | None,
    to_reserve: Part | None,
    assessed: list[int],
    paid: list[bool],
    rule: CreditRule,
) -> None:
    states = [
        StateYear(f"S{i:02d}", amount, 0 if paid[i] else amount)
        for i, amount in enumerate(assessed)
    ]
    option = Option("any", to_states=to_states, to_reserve=to_reserve, credit_rule=rule)
    try:
        result = pure.split(surplus, option, states)
    except pure.SurplusError:
        exact = sum(
            (p.exact(surplus) for p in (to_states, to_reserve) if p is not None), Fraction(0)
        )
        assert exact > surplus or not pure.eligible(states, rule)
        return
    assert result.to_states_minor + result.to_reserve_minor + result.retained_minor == surplus
    assert min(result.to_states_minor, result.to_reserve_minor, result.retained_minor) >= 0
    assert sum(result.state_credits.values()) == result.to_states_minor
    weights = pure.eligible(states, rule)
    assert set(result.state_credits) <= set(weights)
    for code, amount in result.state_credits.items():  # within one cent of the exact share
        exact = Fraction(result.to_states_minor * weights[code], sum(weights.values()))
        assert abs(amount - exact) < 1


@given(
    surplus=st.integers(1, 10**11),
    percent=st.integers(0, 100),
    assessed=st.lists(st.integers(1, 10**9), min_size=1, max_size=20),
    fund=st.sampled_from(["SEC", "CSP"]),
)
def test_property_the_credit_entry_of_any_split_balances_in_each_fund(
    surplus: int, percent: int, assessed: list[int], fund: str
) -> None:
    from finance_core.close.service import credit_postings
    from finance_core.ledger.service import AccountRef, validate_postings

    states = [StateYear(f"S{i:02d}", a, 0) for i, a in enumerate(assessed)]
    option = pure.option_for_split("p", Part(percent=Fraction(percent)), None)
    result = pure.split(surplus, option, states)
    if not result.state_credits:
        return
    postings = credit_postings(fund, "SEC", result.state_credits)
    refs = {p.account: AccountRef(i, p.account.split(".")[0]) for i, p in enumerate(postings)}
    validate_postings(postings, refs)  # raises unless every fund sums to zero
    assert sum(p.amount_minor for p in postings if p.state_code) == -result.to_states_minor
