"""The scale-of-assessment engine (pure: plain data in, plain data out).

An amount to assess is shared among participants:

1. Participants with a **fixed share** (e.g. a regional organisation at 2.5 %) keep it;
   the rest of 100 % is shared among the others in proportion to their UN rates.
2. A participant whose share would exceed a **ceiling** (e.g. 22 %) or, for a least
   developed country, the **LDC cap** (e.g. 0.010 %) is fixed at that limit and what it
   no longer pays is spread again over the participants still free, in proportion to
   their UN rates, until no new cap applies. Then a participant whose share would fall
   below a **floor** (a minimum rate, or a minimum amount turned into a rate) is raised
   to it, the others paying for it in proportion, until no new floor applies.
3. Amounts are the shares of the amount in whole rounding units (1 or 0.01), by the
   largest-remainder method, so they sum exactly to the amount. Ties go to the larger
   rate, then to the smaller code: the result does not depend on the input order.

All arithmetic is exact (fractions); rates are percentages."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

HUNDRED = Fraction(100)


class Limit(StrEnum):
    """Why a participant's rate is what it is, when it is not proportional."""

    LDC_CAP = "ldc_cap"
    CEILING = "ceiling"
    FLOOR = "floor"
    FIXED_SHARE = "fixed_share"


class ApportionError(ValueError):
    """The inputs cannot be apportioned; ``fields`` names what is wrong."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


@dataclass(frozen=True, slots=True)
class Participant:
    """One payer: a UN rate (percent) or a fixed share (percent), never both."""

    code: str
    name: str = ""
    un_rate: Decimal | None = None
    ldc: bool = False
    fixed_share: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Rules:
    """The methodology's limits; None means no such limit. Rates in percent."""

    ceiling: Decimal | None = None
    ldc_cap: Decimal | None = None
    floor_rate: Decimal | None = None
    floor_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Share:
    """A participant's result and its explanation.

    ``factor`` is what its UN rate was multiplied by (None for fixed or limited rates);
    ``amount_units`` the amount in rounding units; ``rounded_up`` whether it received
    one unit of the rounding remainder."""

    code: str
    name: str
    un_rate: Decimal | None
    rate: Fraction
    factor: Fraction | None
    limit: Limit | None
    exact_units: Fraction
    amount_units: int
    rounded_up: bool

    def rate_decimal(self, places: int = 10) -> Decimal:
        """The adjusted rate in percent, rounded half-up to ``places`` decimals."""
        return to_decimal(self.rate, places)

    def amount(self, rounding_unit: Decimal) -> Decimal:
        """The amount in currency (units × rounding unit)."""
        return (Decimal(self.amount_units) * rounding_unit).quantize(rounding_unit)


@dataclass(frozen=True, slots=True)
class Apportionment:
    """All shares (in code order), summing exactly to ``amount``; ``iterations`` counts
    the rounds of fixing limits."""

    amount: Decimal
    rounding_unit: Decimal
    shares: tuple[Share, ...]
    iterations: int


def to_decimal(value: Fraction, places: int) -> Decimal:
    """A fraction as a decimal rounded half-up (away from zero) to ``places`` decimals."""
    scaled = abs(value) * 10**places
    whole = math.floor(scaled + Fraction(1, 2))
    return Decimal(-whole if value < 0 else whole).scaleb(-places)


def _check(
    amount: Decimal, rounding_unit: Decimal, participants: Sequence[Participant], rules: Rules
) -> None:
    fields: dict[str, str] = {}
    if rounding_unit <= 0:
        fields["rounding_unit"] = "must be positive"
    elif amount < 0:
        fields["amount"] = "must not be negative"
    elif (amount / rounding_unit) != (amount / rounding_unit).to_integral_value():
        fields["amount"] = f"is not a whole number of rounding units ({rounding_unit})"
    for name in ("ceiling", "ldc_cap", "floor_rate", "floor_amount"):
        value = getattr(rules, name)
        if value is not None and value < 0:
            fields[name] = "must not be negative"
    if rules.ceiling is not None and rules.ceiling == 0:
        fields["ceiling"] = "must be above zero"
    seen: set[str] = set()
    fixed_total = Decimal(0)
    payers = 0
    for i, p in enumerate(participants):
        key = f"participants[{i}]"
        if not p.code:
            fields[f"{key}.code"] = "required"
        elif p.code in seen:
            fields[f"{key}.code"] = f"duplicate code {p.code}"
        seen.add(p.code)
        if p.fixed_share is not None and p.un_rate is not None:
            fields[key] = "has both a UN rate and a fixed share"
        elif p.fixed_share is None and p.un_rate is None:
            fields[key] = "needs a UN rate or a fixed share"
        if p.fixed_share is not None:
            if p.fixed_share < 0:
                fields[f"{key}.fixed_share"] = "must not be negative"
            fixed_total += p.fixed_share
        if p.un_rate is not None:
            if p.un_rate < 0:
                fields[f"{key}.un_rate"] = "must not be negative"
            elif p.un_rate > 0:
                payers += 1
    if fixed_total > 100:
        fields["fixed_share"] = f"fixed shares sum to {fixed_total} %, over 100 %"
    if not participants:
        fields["participants"] = "no participants"
    elif payers == 0 and fixed_total != 100:
        fields["participants"] = "no participant with a UN rate above zero to pay the rest"
    if fields:
        first = next(iter(fields.items()))
        raise ApportionError(f"cannot apportion: {first[0]} {first[1]}", fields)


def _frac(value: Decimal) -> Fraction:
    return Fraction(value)


def apportion(
    amount: Decimal,
    participants: Sequence[Participant],
    rules: Rules,
    rounding_unit: Decimal = Decimal(1),
) -> Apportionment:
    """Share ``amount`` among ``participants`` under ``rules`` (see the module docstring)."""
    _check(amount, rounding_unit, participants, rules)
    rate: dict[str, Fraction] = {}
    limit: dict[str, Limit] = {}
    for p in participants:
        if p.fixed_share is not None:
            rate[p.code] = _frac(p.fixed_share)
            limit[p.code] = Limit.FIXED_SHARE
    floor = _frac(rules.floor_rate) if rules.floor_rate is not None else None
    if rules.floor_amount is not None and amount > 0:
        by_amount = _frac(rules.floor_amount) / _frac(amount) * HUNDRED
        floor = max(floor, by_amount) if floor is not None else by_amount
    un = {p.code: _frac(p.un_rate) for p in participants if p.un_rate is not None}
    ldc = {p.code for p in participants if p.ldc}
    free = set(un)
    factor = Fraction(0)
    iterations = 0
    while True:
        iterations += 1
        left = HUNDRED - sum(rate.values(), Fraction(0))
        base = sum((un[c] for c in free), Fraction(0))
        factor = left / base if base else Fraction(0)
        capped: dict[str, tuple[Fraction, Limit]] = {}
        floored: dict[str, tuple[Fraction, Limit]] = {}
        for code in free:
            proposed = un[code] * factor
            if code in ldc and rules.ldc_cap is not None and proposed > _frac(rules.ldc_cap):
                capped[code] = (_frac(rules.ldc_cap), Limit.LDC_CAP)
            elif rules.ceiling is not None and proposed > _frac(rules.ceiling):
                capped[code] = (_frac(rules.ceiling), Limit.CEILING)
            elif floor is not None and proposed < floor and un[code] > 0:
                floored[code] = (floor, Limit.FLOOR)
        # Caps first: they raise the others' shares, which may lift some above the floor.
        newly = capped or floored
        if not newly:
            break
        fixed_after = sum(rate.values(), Fraction(0)) + sum(
            (r for r, _ in newly.values()), Fraction(0)
        )
        if fixed_after > HUNDRED or (len(newly) == len(free) and fixed_after != HUNDRED):
            raise ApportionError(
                "the limits cannot all hold: the capped and floored shares do not leave "
                "a positive share for the others",
                {"rules": "ceiling, caps and floor are inconsistent for these participants"},
            )
        for code, (value, why) in newly.items():
            rate[code] = value
            limit[code] = why
            free.discard(code)
    for code in free:
        rate[code] = un[code] * factor
    units_total = int(amount / rounding_unit)
    exact = {code: Fraction(units_total) * r / HUNDRED for code, r in rate.items()}
    floors = {code: q.numerator // q.denominator for code, q in exact.items()}
    remainder = units_total - sum(floors.values())
    order = sorted(exact, key=lambda c: (-(exact[c] - floors[c]), -rate[c], c))
    extra = set(order[:remainder])
    shares = tuple(
        Share(
            code=p.code,
            name=p.name,
            un_rate=p.un_rate,
            rate=rate[p.code],
            factor=factor if p.code in free else None,
            limit=limit.get(p.code),
            exact_units=exact[p.code],
            amount_units=floors[p.code] + (1 if p.code in extra else 0),
            rounded_up=p.code in extra,
        )
        for p in sorted(participants, key=lambda p: p.code)
    )
    return Apportionment(amount, rounding_unit, shares, iterations)
