"""Splitting a budget line among objectives, pure: the parts (unlinked included) always
add up to the line, each part is its exact share rounded down or up, and the split does
not depend on the order the shares are given in."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finance_core.expenditures.execution import Figures
from strategy.costs import WHOLE, check_shares, split_amount, split_figures


@st.composite
def share_maps(draw: st.DrawFn) -> dict[int, int]:
    """Up to 8 objectives with shares of 1..10,000 basis points adding up to at most 10,000."""
    count = draw(st.integers(min_value=0, max_value=8))
    left, result = WHOLE, {}
    for key in draw(st.lists(st.integers(1, 10**6), min_size=count, max_size=count, unique=True)):
        if left == 0:
            break
        bp = draw(st.integers(min_value=1, max_value=left))
        result[key] = bp
        left -= bp
    return result


amounts = st.integers(min_value=-(10**12), max_value=10**12)


@given(amounts, share_maps())
def test_the_parts_add_up_to_the_line(amount: int, shares: dict[int, int]) -> None:
    parts, unlinked = split_amount(amount, shares)
    assert sum(parts.values()) + unlinked == amount
    assert set(parts) == set(shares)
    every: dict[int | None, int] = {None: WHOLE - sum(shares.values())}
    for objective, share in shares.items():
        every[objective] = share
    for key, bp in every.items():
        exact = Fraction(abs(amount) * bp, WHOLE)
        got = parts[key] if key is not None else unlinked
        assert exact - 1 < abs(got) < exact + 1
        assert got * amount >= 0  # a part never has the other sign


@given(amounts, share_maps())
def test_a_whole_line_linked_leaves_nothing_unlinked(amount: int, shares: dict[int, int]) -> None:
    if not shares:
        assert split_amount(amount, shares) == ({}, amount)
        return
    first = next(iter(shares))
    full = {**shares, first: shares[first] + WHOLE - sum(shares.values())}
    assert split_amount(amount, full)[1] == 0


@given(amounts, share_maps(), st.randoms())
def test_the_order_of_the_shares_does_not_matter(
    amount: int, shares: dict[int, int], rnd: object
) -> None:
    items = list(shares.items())
    rnd.shuffle(items)  # type: ignore[attr-defined]
    assert split_amount(amount, dict(items)) == split_amount(amount, shares)


@given(st.tuples(amounts, amounts, amounts, amounts), share_maps())
def test_every_figure_of_a_line_is_split_exactly(
    values: tuple[int, int, int, int], shares: dict[int, int]
) -> None:
    line = Figures(*values)
    split = split_figures(line, shares)
    assert sum(split.parts.values(), split.unlinked) == line


def test_a_worked_split_in_thirds() -> None:
    """1,000.01 in three shares of 33.33 %: 333.30 each, 0.10 unlinked, and the cent left
    goes to the first key (equal remainders and weights: the smaller key)."""
    parts, unlinked = split_amount(100001, {7: 3333, 3: 3333, 5: 3333})
    assert (parts, unlinked) == ({7: 33330, 3: 33331, 5: 33330}, 10)


@pytest.mark.parametrize("shares", [{1: 0}, {1: 10001}, {1: 6000, 2: 4001}, {1: -5}])
def test_bad_shares_are_refused(shares: dict[int, int]) -> None:
    with pytest.raises(ValueError, match="basis points"):
        check_shares(shares)
    with pytest.raises(ValueError, match="basis points"):
        split_amount(100, shares)
