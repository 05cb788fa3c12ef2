"""What each objective costs: a budget line's figures shared among the objectives it
serves, exactly to the cent. Pure functions over plain data.

A line is linked to objectives with shares in basis points (1 to 10,000 each, at most
10,000 together); what the shares leave is *unlinked*. Each of the line's figures
(original and revised budget, commitments, actual; US cents) is split by the
largest-remainder method over the shares and the unlinked remainder together, so the
parts of a figure always add up to the figure. A negative figure is split as its
opposite, then negated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from finance_core.close.surplus import largest_remainder
from finance_core.expenditures.execution import Figures

#: 100 % in basis points.
WHOLE = 10_000

_UNLINKED = "unlinked"


def check_shares(shares: Mapping[int, int]) -> None:
    """Refuse shares outside 1..10,000 basis points or adding up to more than 10,000."""
    if any(not 1 <= bp <= WHOLE for bp in shares.values()):
        raise ValueError("each share is between 1 and 10000 basis points")
    if sum(shares.values()) > WHOLE:
        raise ValueError("the shares of a line add up to more than 10000 basis points")


def split_amount(amount: int, shares: Mapping[int, int]) -> tuple[dict[int, int], int]:
    """``amount`` (US cents) shared by ``shares`` (key → basis points): the part of each
    key and the unlinked part, summing exactly to ``amount``."""
    check_shares(shares)
    weights: dict[str, int] = {f"{key:020d}": bp for key, bp in shares.items()}
    weights[_UNLINKED] = WHOLE - sum(shares.values())
    sign = -1 if amount < 0 else 1
    parts = largest_remainder(abs(amount), weights)
    by_key = {key: sign * parts[f"{key:020d}"] for key in shares}
    return by_key, sign * parts[_UNLINKED]


@dataclass(frozen=True, slots=True)
class Split:
    """A line's figures shared out: the part of each key and the unlinked part."""

    parts: dict[int, Figures]
    unlinked: Figures


def split_figures(figures: Figures, shares: Mapping[int, int]) -> Split:
    """Every figure of a line split by ``shares`` (see ``split_amount``)."""
    columns = {
        name: split_amount(getattr(figures, name), shares)
        for name in ("original", "revised", "commitments", "actual")
    }
    parts = {key: Figures(**{name: columns[name][0][key] for name in columns}) for key in shares}
    unlinked = Figures(**{name: columns[name][1] for name in columns})
    return Split(parts=parts, unlinked=unlinked)
