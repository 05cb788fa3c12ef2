"""A year's surplus and how a surplus decision shares it (pure: plain data in and out).

**Accrual basis.** For a fund and a financial year Y (amounts US cents, revenue and gains
positive, expenses positive)::

    surplus = assessed revenue + voluntary revenue + other revenue
              + exchange gain/loss (a gain positive, a loss negative)
              - write-offs - expenditure

where each figure is what the ledger shows in the fund's income and expense accounts as
at 31 December Y that a close has not yet moved into the accumulated surplus, leaving out
postings for a later assessment year (assessments of Y+1 notified in Y belong to Y+1).
A negative surplus is a deficit.

**Cash basis.** ``cash collected`` is what States paid by 31 December Y on the fund's
assessments for Y (receipts, net of reversals, and credits applied); ``cash spent`` is the
fund's expenditure dated in Y; ``cash surplus = cash collected - cash spent``.

**Sharing a surplus.** A decision sends a part to the States (as credits) and a part to
the reserve, each a percentage of the surplus or an amount; what is left stays in the
fund's accumulated surplus. The parts are rounded to cents by the largest-remainder
method, so that they sum exactly to the surplus, and the States' part is shared among the
eligible States in proportion to their assessments for Y, again by largest remainder:

- ``pro_rata_assessed``: every State assessed for Y;
- ``paid_in_full_only``: only the States that had paid their assessment for Y in full
  by the decision date.

All arithmetic is on integers and fractions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

HUNDRED = Fraction(100)


class SurplusError(ValueError):
    """The decision cannot be applied to these figures; ``field`` names the bad part."""

    def __init__(self, message: str, field: str = "decision") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Figures:
    """A fund-year's figures, US cents; see the module docstring for the signs."""

    assessed_revenue: int = 0
    voluntary_revenue: int = 0
    other_revenue: int = 0
    exchange_gain_loss: int = 0
    write_off: int = 0
    expenditure: int = 0
    cash_collected: int = 0
    cash_spent: int = 0

    @property
    def surplus(self) -> int:
        """The accrual surplus (negative: a deficit)."""
        return (
            self.assessed_revenue
            + self.voluntary_revenue
            + self.other_revenue
            + self.exchange_gain_loss
            - self.write_off
            - self.expenditure
        )

    @property
    def cash_surplus(self) -> int:
        """Cash collected for the year's assessments minus cash spent in the year."""
        return self.cash_collected - self.cash_spent


#: Income and expense account types → the Figures field and the sign that turns the
#: ledger balance (debit positive) into the figure.
ACCOUNT_FIGURES: dict[str, tuple[str, int]] = {
    "assessed_revenue": ("assessed_revenue", -1),
    "voluntary_revenue": ("voluntary_revenue", -1),
    "other_revenue": ("other_revenue", -1),
    "exchange_gain_loss": ("exchange_gain_loss", -1),
    "write_off": ("write_off", 1),
    "expenditure": ("expenditure", 1),
}


def figures_of(
    balances: Mapping[str, int], *, cash_collected: int = 0, cash_spent: int = 0
) -> Figures:
    """Figures from the ledger balances (debit positive) of the income and expense
    account types; other account types are ignored."""
    values = {name: 0 for name, _ in ACCOUNT_FIGURES.values()}
    for account_type, amount in balances.items():
        if account_type in ACCOUNT_FIGURES:
            name, sign = ACCOUNT_FIGURES[account_type]
            values[name] += sign * amount
    return Figures(**values, cash_collected=cash_collected, cash_spent=cash_spent)


def largest_remainder(total: int, weights: Mapping[str, Fraction | int]) -> dict[str, int]:
    """``total`` (≥ 0) shared in proportion to ``weights`` (≥ 0, not all zero unless
    ``total`` is 0) in whole units that sum exactly to ``total``.

    Each part is the floor of its exact share; the units left go one each to the largest
    remainders (ties: the larger weight, then the smaller key), so the result does not
    depend on the order of ``weights``."""
    if total < 0:
        raise ValueError("the total to share may not be negative")
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights may not be negative")
    base = sum((Fraction(w) for w in weights.values()), Fraction(0))
    if base == 0:
        if total:
            raise ValueError("nothing to share in proportion to: every weight is zero")
        return dict.fromkeys(weights, 0)
    exact = {key: Fraction(total) * Fraction(w) / base for key, w in weights.items()}
    parts = {key: q.numerator // q.denominator for key, q in exact.items()}
    left = total - sum(parts.values())
    order = sorted(exact, key=lambda k: (-(exact[k] - parts[k]), -Fraction(weights[k]), k))
    for key in order[:left]:
        parts[key] += 1
    return parts


class CreditRule(StrEnum):
    """Which States share the part credited back to States (see the module docstring)."""

    PRO_RATA_ASSESSED = "pro_rata_assessed"
    PAID_IN_FULL_ONLY = "paid_in_full_only"


@dataclass(frozen=True, slots=True)
class Part:
    """A part of the surplus: a percentage of it, or an amount in US cents (one of them)."""

    percent: Fraction | None = None
    amount_minor: int | None = None

    def __post_init__(self) -> None:
        if (self.percent is None) == (self.amount_minor is None):
            raise SurplusError("a part is a percentage or an amount, one of them")
        if self.percent is not None and not 0 <= self.percent <= HUNDRED:
            raise SurplusError("a percentage is between 0 and 100")
        if self.amount_minor is not None and self.amount_minor < 0:
            raise SurplusError("an amount may not be negative")

    def exact(self, surplus: int) -> Fraction:
        """The part of ``surplus`` before rounding."""
        if self.percent is not None:
            return Fraction(surplus) * self.percent / HUNDRED
        assert self.amount_minor is not None
        return Fraction(self.amount_minor)


ALL = Part(percent=HUNDRED)


class Rest(StrEnum):
    """Where what the named parts leave of a surplus goes."""

    STATES = "states"
    RESERVE = "reserve"
    RETAINED = "retained"


@dataclass(frozen=True, slots=True)
class Option:
    """A way to use a surplus: ``to_states`` and ``to_reserve`` (None: nothing named),
    the States sharing by ``credit_rule``; what the named parts leave goes to ``rest``
    (by default it stays in the fund's accumulated surplus)."""

    name: str
    to_states: Part | None = None
    to_reserve: Part | None = None
    credit_rule: CreditRule = CreditRule.PRO_RATA_ASSESSED
    rest: Rest = Rest.RETAINED


def standard_options() -> list[Option]:
    """The choices the CSP always sees: everything to the States (pro rata to their
    assessments; only to those that paid in full), everything to the reserve."""
    return [
        Option("states_pro_rata_assessed", to_states=ALL),
        Option("states_paid_in_full_only", to_states=ALL, credit_rule=CreditRule.PAID_IN_FULL_ONLY),
        Option("reserve", to_reserve=ALL),
    ]


@dataclass(frozen=True, slots=True)
class StateYear:
    """A State's assessment for the year (US cents) and what was still outstanding on it
    at the decision date (≤ 0: paid in full)."""

    code: str
    assessed_minor: int
    outstanding_minor: int

    @property
    def paid_in_full(self) -> bool:
        return self.assessed_minor > 0 and self.outstanding_minor <= 0


def eligible(states: Sequence[StateYear], rule: CreditRule) -> dict[str, int]:
    """The States that share a credit under ``rule``, with their weights (assessments)."""
    return {
        s.code: s.assessed_minor
        for s in states
        if s.assessed_minor > 0 and (rule is CreditRule.PRO_RATA_ASSESSED or s.paid_in_full)
    }


@dataclass(frozen=True, slots=True)
class Split:
    """An option applied to a surplus: the three parts (summing to ``surplus_minor``)
    and each State's credit (summing to ``to_states_minor``), US cents."""

    option: Option
    surplus_minor: int
    to_states_minor: int
    to_reserve_minor: int
    retained_minor: int
    state_credits: dict[str, int] = field(default_factory=dict)


def split(surplus_minor: int, option: Option, states: Sequence[StateYear]) -> Split:
    """Apply ``option`` to a surplus (> 0). Raises SurplusError when the parts exceed the
    surplus, or when the States' part has no State to go to."""
    if surplus_minor <= 0:
        raise SurplusError("there is no surplus to share (the year closed with a deficit)")
    to_states = option.to_states.exact(surplus_minor) if option.to_states else Fraction(0)
    to_reserve = option.to_reserve.exact(surplus_minor) if option.to_reserve else Fraction(0)
    retained = surplus_minor - to_states - to_reserve
    if retained < 0:
        raise SurplusError(
            "the parts to the States and to the reserve exceed the surplus", field="parts"
        )
    if option.rest is Rest.STATES:
        to_states, retained = to_states + retained, Fraction(0)
    elif option.rest is Rest.RESERVE:
        to_reserve, retained = to_reserve + retained, Fraction(0)
    parts = largest_remainder(
        surplus_minor, {"states": to_states, "reserve": to_reserve, "retained": retained}
    )
    credits: dict[str, int] = {}
    if parts["states"]:
        weights = eligible(states, option.credit_rule)
        if not weights:
            raise SurplusError(
                "no State qualifies for a credit under the rule " + option.credit_rule.value,
                field="credit_rule",
            )
        credits = {
            code: amount
            for code, amount in sorted(largest_remainder(parts["states"], weights).items())
            if amount
        }
    return Split(
        option=option,
        surplus_minor=surplus_minor,
        to_states_minor=parts["states"],
        to_reserve_minor=parts["reserve"],
        retained_minor=parts["retained"],
        state_credits=credits,
    )


def option_for_split(
    name: str,
    to_states: Part | None,
    to_reserve: Part | None,
    credit_rule: CreditRule = CreditRule.PRO_RATA_ASSESSED,
) -> Option:
    """A split as the CSP states it: when only one part is named, the other part gets
    the rest of the surplus; when both are, what they leave stays in the fund."""
    if to_states is None and to_reserve is None:
        raise SurplusError("a split names the part to the States or to the reserve")
    rest = Rest.RETAINED
    if to_states is None:
        rest = Rest.STATES
    elif to_reserve is None:
        rest = Rest.RESERVE
    return Option(name, to_states, to_reserve, credit_rule, rest)
