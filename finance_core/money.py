"""Money at the edges: integer minor units inside, decimal strings outside.

The ledger's currency is the US dollar with 2 decimals; every stored amount is an integer
number of cents. Only these helpers turn text into amounts and back."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from finance_core.errors import ValidationFailed

USD_DECIMALS = 2


def format_minor(amount_minor: int, decimals: int = USD_DECIMALS) -> str:
    """``123456`` → ``"1234.56"`` (sign kept, exactly ``decimals`` digits)."""
    if decimals == 0:
        return str(amount_minor)
    sign = "-" if amount_minor < 0 else ""
    whole, frac = divmod(abs(amount_minor), 10**decimals)
    return f"{sign}{whole}.{frac:0{decimals}d}"


def parse_minor(text: str, decimals: int = USD_DECIMALS, *, field: str = "amount") -> int:
    """``"1234.56"`` → ``123456``; refuses more decimals than the currency has."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise ValidationFailed(
            f"{text!r} is not an amount", fields={field: "not a number"}
        ) from None
    if not value.is_finite():
        raise ValidationFailed(f"{text!r} is not an amount", fields={field: "not a number"})
    scaled = value.scaleb(decimals)
    if scaled != scaled.to_integral_value():
        raise ValidationFailed(
            f"{text!r} has more than {decimals} decimals", fields={field: "too many decimals"}
        )
    return int(scaled)
