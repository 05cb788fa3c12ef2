"""Indicators computed from the finance data: a catalogue of measures and their values
for a year as at ``(as_at, known_at)``.

A measure's value for year Y is taken as at ``as_at`` or, when ``as_at`` is later, as
at 31 December of Y (so a past year's value is its value at the year's end); there is
none before Y begins, nor when the measure is undefined (nothing assessed, budgeted,
spent, no plan to follow). Percentages and months have two decimals (half up); counts
are whole numbers. The assessed budgets are the Secretariat's (``SEC``) and the CSP's
(``CSP``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlmodel import Session

from finance_core.arrears import aging
from finance_core.arrears import plans as payment_plans
from finance_core.arrears.compliance import Standing
from finance_core.arrears.rule8 import rule8
from finance_core.arrears.service import cells
from finance_core.errors import ValidationFailed
from finance_core.expenditures.service import execution_lines
from finance_core.reserve import service as reserve
from strategy.costs import split_amount
from strategy.models import Unit
from strategy.queries import shares_in_force

#: The assessed budgets.
ASSESSED_FUNDS = ("SEC", "CSP")

#: Payment-plan standings counted as keeping to the plan.
KEPT = frozenset({Standing.ON_TRACK, Standing.COMPLETED})

Compute = Callable[[Session, int, date, datetime | None], Decimal | None]


@dataclass(frozen=True, slots=True)
class Measure:
    """A computed measure: its name (what an indicator names), title, what it counts
    and its unit."""

    name: str
    title: str
    description: str
    unit: Unit
    compute: Compute


def two_decimals(value: Fraction) -> Decimal:
    """``value`` with two decimals, half up (away from zero)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def as_percent(part: int, whole: int) -> Decimal | None:
    """``part / whole`` in percent with two decimals (None when ``whole`` is not
    positive)."""
    return two_decimals(Fraction(part * 100, whole)) if whole > 0 else None


def _collection(funds: tuple[str, ...]) -> Compute:
    def compute(session: Session, year: int, on: date, known_at: datetime | None) -> Decimal | None:
        found = cells(session, as_at=on, known_at=known_at, funds=list(funds))
        rows = [c for c in aging.collection(found) if c.year == year]
        return as_percent(sum(c.collected for c in rows), sum(c.assessed for c in rows))

    return compute


def _rule8_states(
    session: Session, year: int, on: date, known_at: datetime | None
) -> Decimal | None:
    result = rule8(session, as_at=on, known_at=known_at)
    return Decimal(sum(1 for row in result.rows if row.subject))


def _plans_on_track(
    session: Session, year: int, on: date, known_at: datetime | None
) -> Decimal | None:
    first_day = date(year, 1, 1)
    total = kept = 0
    for plans in payment_plans.approved_by(session, on, known_at).values():
        for plan in plans:
            standing = payment_plans.compliance_of(session, plan, as_at=on, known_at=known_at)
            if standing is None:
                continue
            ended = standing.completed_on or standing.lapsed_on
            if ended is not None and ended < first_day:
                continue  # over before the year began
            total += 1
            if standing.standing in KEPT:
                kept += 1
    return as_percent(kept, total)


def _reserve_months(
    session: Session, year: int, on: date, known_at: datetime | None
) -> Decimal | None:
    months = reserve.position(session, as_at=on, known_at=known_at).months_covered
    return None if months is None else two_decimals(months)


def _execution_rate(
    session: Session, year: int, on: date, known_at: datetime | None
) -> Decimal | None:
    lines = [
        line
        for line in execution_lines(session, as_at=on, known_at=known_at, year=year)
        if line.fund in ASSESSED_FUNDS
    ]
    return as_percent(
        sum(line.figures.actual for line in lines), sum(line.figures.revised for line in lines)
    )


def _linked_spending(
    session: Session, year: int, on: date, known_at: datetime | None
) -> Decimal | None:
    lines = execution_lines(session, as_at=on, known_at=known_at, year=year)
    shares = shares_in_force(session, line_ids=[x.line_id for x in lines], known_at=known_at)
    total = sum(line.figures.actual for line in lines)
    unlinked = sum(
        split_amount(line.figures.actual, shares.get(line.line_id, {}))[1] for line in lines
    )
    return as_percent(total - unlinked, total)


_CATALOGUE = (
    Measure(
        "collection_rate",
        "Assessed contributions collected",
        "Share of the year's assessed contributions (Secretariat and CSP budgets) paid or "
        "covered by credits.",
        Unit.PERCENT,
        _collection(ASSESSED_FUNDS),
    ),
    Measure(
        "collection_rate_sec",
        "Secretariat contributions collected",
        "Share of the year's assessed contributions to the Secretariat budget paid or "
        "covered by credits.",
        Unit.PERCENT,
        _collection(("SEC",)),
    ),
    Measure(
        "collection_rate_csp",
        "CSP contributions collected",
        "Share of the year's assessed contributions to the CSP budget paid or covered by credits.",
        Unit.PERCENT,
        _collection(("CSP",)),
    ),
    Measure(
        "rule8_states",
        "States subject to Rule 8 measures",
        "Number of States whose arrears meet the Financial Rule 8 trigger and that no "
        "payment plan exempts.",
        Unit.COUNT,
        _rule8_states,
    ),
    Measure(
        "payment_plans_on_track",
        "Payment plans kept",
        "Share of the Rule 8(1)(d) payment plans approved and not over before the year "
        "that are on track or completed.",
        Unit.PERCENT,
        _plans_on_track,
    ),
    Measure(
        "reserve_months",
        "Reserve in months of spending",
        "The reserve's balance in months of the planned spending of the budgets its "
        "target rule names.",
        Unit.MONTHS,
        _reserve_months,
    ),
    Measure(
        "budget_execution_rate",
        "Budget executed",
        "Expenditure of the year against the revised Secretariat and CSP budgets.",
        Unit.PERCENT,
        _execution_rate,
    ),
    Measure(
        "spending_linked_share",
        "Spending linked to objectives",
        "Share of the year's expenditure on budget lines that is linked to an objective "
        "of the strategic plan.",
        Unit.PERCENT,
        _linked_spending,
    ),
)

#: Every measure by name.
MEASURES: dict[str, Measure] = {m.name: m for m in _CATALOGUE}


def get_measure(name: str) -> Measure:
    """The measure called ``name`` (ValidationFailed if there is none)."""
    found = MEASURES.get(name)
    if found is None:
        raise ValidationFailed(
            f"{name!r} is not a computed measure (one of: {', '.join(MEASURES)})",
            fields={"measure": "unknown measure"},
        )
    return found


def computed_value(
    session: Session,
    *,
    measure: str,
    year: int,
    as_at: date,
    known_at: datetime | None = None,
) -> Decimal | None:
    """``measure``'s value for ``year`` as at ``(as_at, known_at)`` (see the module
    docstring); None when it is undefined."""
    found = get_measure(measure)
    if as_at < date(year, 1, 1):
        return None
    return found.compute(session, year, min(as_at, date(year, 12, 31)), known_at)
