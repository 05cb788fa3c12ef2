"""Allocating a payment to what a State owes (pure: plain data in, plain data out).

Debts are the State's outstanding assessments, one per fund and assessment year.
The default policy places a payment on the oldest debt first (earliest due date, then
earliest year, then the policy's fund order), across funds. An earmark (a fund and/or an
assessment year named by the State) is honoured: the payment goes to the matching debts
only. Whatever is left becomes the State's credit. Amounts are integer minor units (US
cents); every placement records the rule that placed it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Rule(StrEnum):
    """Why an amount went where it went."""

    EARMARK = "earmark"
    OLDEST_FIRST = "oldest_first"
    CREDIT = "credit"
    WRITE_OFF = "write_off"


@dataclass(frozen=True, slots=True)
class Debt:
    """An outstanding amount: ``outstanding_minor`` > 0 cents, due on ``due_on``;
    ``year`` is the assessment year (None for an amount owed outside any assessment)."""

    fund: str
    year: int | None
    due_on: date
    outstanding_minor: int


@dataclass(frozen=True, slots=True)
class Earmark:
    """What the State said the payment is for (None: any)."""

    fund: str | None = None
    year: int | None = None

    def matches(self, debt: Debt) -> bool:
        return (self.fund is None or self.fund == debt.fund) and (
            self.year is None or self.year == debt.year
        )


@dataclass(frozen=True, slots=True)
class Policy:
    """The allocation policy: fund order for debts due the same day; earmarks honoured."""

    fund_order: tuple[str, ...] = ("SEC", "CSP")
    honour_earmarks: bool = True


@dataclass(frozen=True, slots=True)
class Placement:
    """``amount_minor`` placed on the debt (fund, year) by ``rule``."""

    fund: str
    year: int | None
    amount_minor: int
    rule: Rule


@dataclass(frozen=True, slots=True)
class Allocation:
    """Placements (in the order made) and what is left as the State's credit."""

    placements: tuple[Placement, ...]
    credit_minor: int

    @property
    def allocated_minor(self) -> int:
        return sum(p.amount_minor for p in self.placements)


def order_debts(debts: Sequence[Debt], policy: Policy) -> list[Debt]:
    """Oldest first: due date, then year, then the policy's fund order, then fund code."""
    rank = {fund: i for i, fund in enumerate(policy.fund_order)}
    return sorted(
        (d for d in debts if d.outstanding_minor > 0),
        key=lambda d: (d.due_on, d.year or 0, rank.get(d.fund, len(rank)), d.fund),
    )


def allocate(
    amount_minor: int,
    debts: Sequence[Debt],
    *,
    earmark: Earmark | None = None,
    policy: Policy = Policy(),
) -> Allocation:
    """Place ``amount_minor`` (> 0) on ``debts`` under ``policy``; the rest is credit."""
    if amount_minor <= 0:
        raise ValueError("a payment to allocate is positive")
    keys = [(d.fund, d.year) for d in debts]
    if len(set(keys)) != len(keys):
        raise ValueError("one debt per fund and year")
    candidates = order_debts(debts, policy)
    rule = Rule.OLDEST_FIRST
    if earmark is not None and policy.honour_earmarks and (earmark.fund or earmark.year):
        candidates = [d for d in candidates if earmark.matches(d)]
        rule = Rule.EARMARK
    left = amount_minor
    placements: list[Placement] = []
    for debt in candidates:
        if left == 0:
            break
        placed = min(left, debt.outstanding_minor)
        placements.append(Placement(debt.fund, debt.year, placed, rule))
        left -= placed
    return Allocation(tuple(placements), left)


def shortfall(
    allocation: Allocation, debts: Sequence[Debt], tolerance_minor: int
) -> Placement | None:
    """The write-off that would clear a debt left short by at most ``tolerance_minor``
    (bank charges): only the last debt the payment reached, and only when nothing was
    left over as credit. None when there is nothing to write off."""
    if allocation.credit_minor or not allocation.placements or tolerance_minor <= 0:
        return None
    last = allocation.placements[-1]
    debt = next(d for d in debts if (d.fund, d.year) == (last.fund, last.year))
    remaining = debt.outstanding_minor - last.amount_minor
    if 0 < remaining <= tolerance_minor:
        return Placement(last.fund, last.year, remaining, Rule.WRITE_OFF)
    return None
