"""Budget execution and commitment arithmetic: pure functions over plain data.

All amounts are US cents. Per budget line: ``original`` (the budget as first adopted),
``revised`` (the version in force), ``commitments`` (open obligations), ``actual``
(expenditure posted, net of reversals); ``available = revised - commitments - actual``
(negative when the line is overspent or overcommitted) and the execution rate
``actual / revised`` (None without a revised budget)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class Figures:
    """One line's (or one fund and year's) figures in US cents."""

    original: int = 0
    revised: int = 0
    commitments: int = 0
    actual: int = 0

    @property
    def available(self) -> int:
        """What may still be committed or spent: revised − commitments − actual."""
        return self.revised - self.commitments - self.actual

    @property
    def rate(self) -> Fraction | None:
        """Actual / revised, or None when nothing is budgeted."""
        return Fraction(self.actual, self.revised) if self.revised else None

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.original + other.original,
            self.revised + other.revised,
            self.commitments + other.commitments,
            self.actual + other.actual,
        )


@dataclass(frozen=True, slots=True)
class Line:
    """A budget line with the fund and year of its budget, and its figures."""

    fund: str
    year: int
    line_id: int
    code: str
    title: str
    figures: Figures


def totals(lines: Iterable[Line]) -> dict[tuple[str, int], Figures]:
    """Figures summed per (fund, year), in fund then year order."""
    result: dict[tuple[str, int], Figures] = defaultdict(Figures)
    for line in lines:
        result[(line.fund, line.year)] += line.figures
    return dict(sorted(result.items()))


def open_balance(amount: int, liquidated: int, *, cancelled: bool) -> int:
    """A commitment's open balance: amount − liquidated, or zero once cancelled."""
    return 0 if cancelled else amount - liquidated


def lowest_open(amount: int, movements: Iterable[tuple[date, int]], day: date) -> int:
    """The least open balance a commitment of ``amount`` has on any day from ``day`` on,
    given its ``movements`` (value date, change: − what a payment liquidated, + the same
    when the payment is reversed). A payment dated ``day`` may liquidate at most this
    much, so that the commitment is never overliquidated as at any date."""
    per_day: dict[date, int] = defaultdict(int)
    for on, change in movements:
        per_day[on] += change
    balance = amount + sum(change for on, change in per_day.items() if on <= day)
    lowest = balance
    for on in sorted(d for d in per_day if d > day):
        balance += per_day[on]
        lowest = min(lowest, balance)
    return lowest


def usd_value(amount_minor: int, decimals: int, usd_per_unit: Decimal) -> int:
    """``amount_minor`` (of a currency with ``decimals``) in US cents at ``usd_per_unit``,
    rounded half up."""
    exact = Fraction(amount_minor, 10**decimals) * Fraction(usd_per_unit) * 100
    return math.floor(exact + Fraction(1, 2))


def liquidation(
    *,
    open_minor: int,
    paid_usd_minor: int,
    paid_amount_minor: int,
    same_currency: bool,
    commitment_amount_minor: int,
    commitment_usd_minor: int,
) -> int:
    """How much of a commitment's open balance (US cents) a payment liquidates.

    A payment in the commitment's own currency liquidates the same share of the
    commitment as it pays of the committed amount (so paying the whole foreign-currency
    amount liquidates the whole commitment, whatever the rate on the day of payment);
    any other payment liquidates its US dollar amount. Never more than is open."""
    if same_currency:
        share = Fraction(paid_amount_minor * commitment_usd_minor, commitment_amount_minor)
        value = math.floor(share + Fraction(1, 2))
    else:
        value = paid_usd_minor
    return max(0, min(open_minor, value))
