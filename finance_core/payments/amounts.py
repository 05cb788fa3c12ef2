"""Reading amounts and currencies as a bank statement or a form gives them: strict, so
that nothing ambiguous ("1e3", "NaN", "1,000", too many decimals) is ever guessed."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from babel.numbers import get_currency_precision, list_currencies

from finance_core.errors import ValidationFailed

_PLAIN = re.compile(r"^(0|[1-9][0-9]*)(\.[0-9]+)?$")


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    """The ISO 4217 currency codes."""
    return frozenset(list_currencies())


def check_currency(code: str, *, field: str = "currency") -> str:
    """``code`` if it is an ISO 4217 currency, else ValidationFailed."""
    if code not in currencies():
        raise ValidationFailed(
            f"{code!r} is not an ISO 4217 currency code", fields={field: "unknown currency"}
        )
    return code


def decimals_of(currency: str) -> int:
    """How many decimals the currency has (USD 2, JPY 0, KWD 3)."""
    return int(get_currency_precision(currency))


def parse_amount(text: str, currency: str, *, field: str = "amount") -> int:
    """A positive amount in ``currency`` as minor units; refuses exponents, NaN,
    infinities, signs, separators and more decimals than the currency has."""
    value = text.strip() if isinstance(text, str) else str(text)
    if not _PLAIN.match(value):
        raise ValidationFailed(
            f"{text!r} is not a plain decimal amount (digits and one decimal point)",
            fields={field: "not a plain decimal amount"},
        )
    places = decimals_of(currency)
    number = Decimal(value)
    if -number.as_tuple().exponent > places:  # type: ignore[operator]
        raise ValidationFailed(
            f"{text!r} has more decimals than {currency} has ({places})",
            fields={field: f"at most {places} decimals"},
        )
    minor = int(number.scaleb(places))
    if minor <= 0:
        raise ValidationFailed("an amount received is positive", fields={field: "must be > 0"})
    return minor
