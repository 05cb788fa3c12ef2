"""Matching a receipt to the pledges it settles: pure arithmetic over plain data.

A match is an amount in the *pledge's* currency (minor units). What a match takes of
the receipt is counted exactly in US cents, as a fraction: in the receipt's own
currency, the same share of the receipt's US dollar value as the amount is of the
receipt's amount (so matches in that currency never exceed the receipt's amount);
in another currency, its value at the table's rate (US dollars per unit) of the
pledge's currency on the receipt's date. The matches of a receipt never take more than
its US dollar value."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class ReceiptValue:
    """A receipt's amount in ``currency`` (minor units) and its US dollar value (cents)."""

    currency: str
    amount_minor: int
    usd_minor: int


@dataclass(frozen=True, slots=True)
class OpenPledge:
    """A pledge that may still be settled: what of it may be (``outstanding_minor``, in
    ``currency``'s minor units, with ``decimals``) and the table's rate of its currency on
    the receipt's date (US dollars per unit; 1 for USD; None when there is none)."""

    pledge_id: int
    currency: str
    decimals: int
    outstanding_minor: int
    usd_per_unit: Decimal | None


def share(
    receipt: ReceiptValue,
    *,
    currency: str,
    decimals: int,
    amount_minor: int,
    usd_per_unit: Decimal | None,
) -> Fraction | None:
    """The exact US cents that ``amount_minor`` of ``currency`` takes of the receipt
    (see the module docstring); None when another currency has no rate."""
    if currency == receipt.currency:
        return Fraction(amount_minor * receipt.usd_minor, receipt.amount_minor)
    if usd_per_unit is None:
        return None
    return Fraction(amount_minor, 10**decimals) * Fraction(usd_per_unit) * 100


def auto_match(
    receipt: ReceiptValue, pledges: Iterable[OpenPledge], *, taken: Fraction = Fraction(0)
) -> list[tuple[int, int]]:
    """``(pledge_id, amount_minor)`` settling ``pledges`` in the order given (oldest
    first), each up to what is outstanding, until the receipt (less what is ``taken``
    already, US cents) is used up. Another currency is converted at its rate, rounded
    half up unless that would take more than is left of the receipt; a pledge in another
    currency without a rate is left unmatched."""
    left = Fraction(receipt.usd_minor) - taken
    matched: list[tuple[int, int]] = []
    for pledge in pledges:
        if left <= 0:
            break
        if pledge.outstanding_minor <= 0:
            continue
        if pledge.currency == receipt.currency:
            amount = math.floor(left * receipt.amount_minor / receipt.usd_minor)
        elif pledge.usd_per_unit is None:
            continue
        else:
            per_minor = Fraction(pledge.usd_per_unit) * 100 / 10**pledge.decimals
            amount = math.floor(left / per_minor + Fraction(1, 2))
            if amount * per_minor > left:
                amount -= 1
        amount = min(amount, pledge.outstanding_minor)
        if amount <= 0:
            continue
        used = share(
            receipt,
            currency=pledge.currency,
            decimals=pledge.decimals,
            amount_minor=amount,
            usd_per_unit=pledge.usd_per_unit,
        )
        assert used is not None and used <= left
        matched.append((pledge.pledge_id, amount))
        left -= used
    return matched
