"""The cash forecast of the assessed funds (pure: plain data in, plain data out).

Amounts are integer US cents; dates are value dates; the horizon is made of calendar
months. All arithmetic is exact (integers and fractions).

**Horizon.** ``months`` calendar months after ``as_at``: month 1 is the month of the day
after ``as_at`` and covers the days from that day to the month's end (the whole month when
``as_at`` is a month's last day); each later month is a whole calendar month.

**A State's habit** comes from its *window*: its assessments (one per fund and assessment
year, in the funds forecast) of the ``window_years`` assessment years before the as-at
year (Y-5 … Y-1 by default), with a positive net assessed amount.

- *share* = what was settled on them (receipts allocated to them and the State's credit
  applied to them, net of reversals, as at ``as_at``) ÷ what was assessed on them, capped
  to [0, 1].
- The *settlement day* of one assessment is the first day from which the cumulative
  settlements stayed at or above ``settled_fraction`` (one half) of its assessed amount
  until ``as_at`` (a reversal that takes it back below moves the day later); an assessment
  without one (not half paid by ``as_at``) has no delay. Its *delay* is the settlement day
  minus the due date, in days (negative when paid ahead).
- The State's *delay* is the median of its window's delays.

Medians: the middle value; for an even count the mean of the two middle values (a delay
rounded down to a whole day). A State with nothing assessed in its window takes the median
State's share, and a State with no delay the median State's delay: the medians over the
States that have their own. When no State has one, ``default_share`` (1: pays in full)
and ``default_delay_days`` (0: on the due date).

**What falls due.** Every assessment recorded as at ``(as_at, known_at)`` from the
window's first year on (Y-5; older arrears are not expected to be paid in the horizon).
When a fund's latest assessed year L is Y-1 or later but the horizon reaches years after
L, each State assessed for L is assumed to be assessed the same net amount again for each
later year of the horizon (from Y on), due on L's due date moved by the years between (29
February becomes 28 February). A fund last assessed before Y-1 is not projected.

**Expected receipts.** For each assessment of a State with something outstanding:

    asked    = assessed - credit                    (the credit applied to it: Credits)
    target   = asked × share, rounded half up to the cent
    expected = min(outstanding - credit, max(0, target - settled))

so a State is expected to settle in the end its usual share of what it is asked, less what
it has already settled. The money arrives on the due date plus the State's delay, or on
the day after ``as_at`` when that day has already passed (the State is later than its
habit). Each expectation is a whole number of cents and falls in the month of its arrival
(or after the horizon); a month's receipts are the sum of its expectations.

**Spending.** A fund-year's spending plan gives its twelve monthly amounts; without one,
the budget in force for the year is split into twelve by largest remainder (the first
months take the extra cents, so the twelve sum to the budget); a year without a budget
takes the latest earlier budget (assumed), else nothing. A partial first month spends its
month's amount × days covered ÷ days in the month, rounded half up.

**Liquidity.** Each month: closing cash before a draw = opening cash (the previous month's
closing after its draw; for month 1, the opening cash) + receipts - spending. When that is
below the floor, the reserve is drawn: draw = min(floor - closing before, reserve left),
the reserve being what it can advance (its cash, at most its balance); closing after =
closing before + draw; shortfall = max(0, floor - closing after). Draws are not repaid
within the horizon.

**Credits.** A credit of c cents to a State lowers what it is asked on its next
assessments, those falling due after ``as_at`` (recorded or assumed), the earliest due
first (then fund, year), each by up to what is outstanding on it; what they cannot absorb
is reported unused. Its expected receipts fall by about credit × share. The credit a State
holds as at ``as_at`` (``Inputs.credits``) is applied so in every scenario, and a
scenario's ``state_credits`` on top of it.

**Scenarios.** ``state_credits`` as above; ``to_reserve_minor``: a transfer into the
reserve lowers the opening cash and raises the reserve by that much. The baseline is the
scenario without either."""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

MONTHS_IN_YEAR = 12


# --- small exact helpers -------------------------------------------------------------


def round_half_up(value: Fraction) -> int:
    """The nearest integer, halves rounded up (towards +infinity)."""
    return math.floor(value + Fraction(1, 2))


def split_evenly(total: int, parts: int = MONTHS_IN_YEAR) -> tuple[int, ...]:
    """``total`` cents in ``parts`` nearly equal whole parts summing exactly to it (largest
    remainder: the remainders are equal, so the first parts take the extra cents)."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    quotient, remainder = divmod(total, parts)
    return tuple(quotient + (1 if k < remainder else 0) for k in range(parts))


def median_fraction(values: Sequence[Fraction]) -> Fraction:
    """The median (the mean of the two middle values for an even count)."""
    if not values:
        raise ValueError("the median of nothing")
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def median_days(values: Sequence[int]) -> int:
    """The median number of days (the mean of the two middle values rounded down for an
    even count)."""
    if not values:
        raise ValueError("the median of nothing")
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) // 2


def shift_years(day: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# --- the horizon -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Month:
    """Month ``index`` (1 …) of the horizon: the days from ``start`` to ``end`` (the last
    day of a calendar month; ``start`` is its first day except in a partial month 1)."""

    index: int
    start: date
    end: date

    @property
    def label(self) -> str:
        """``YYYY-MM``."""
        return f"{self.end.year:04d}-{self.end.month:02d}"

    @property
    def days(self) -> int:
        """Days of the month in the horizon."""
        return (self.end - self.start).days + 1

    @property
    def days_in_month(self) -> int:
        return self.end.day

    @property
    def partial(self) -> bool:
        return self.days < self.days_in_month


def horizon(as_at: date, months: int) -> tuple[Month, ...]:
    """The ``months`` months after ``as_at`` (see the module docstring)."""
    if months < 1:
        raise ValueError("a forecast covers at least one month")
    result: list[Month] = []
    start = as_at + timedelta(days=1)
    for index in range(1, months + 1):
        end = month_end(start)
        result.append(Month(index, start, end))
        start = end + timedelta(days=1)
    return tuple(result)


def month_of(months: Sequence[Month], day: date) -> Month | None:
    """The month of the horizon ``day`` falls in, or None (before or after it)."""
    if not months or day < months[0].start or day > months[-1].end:
        return None
    first = months[0].end
    return months[(day.year - first.year) * MONTHS_IN_YEAR + day.month - first.month]


# --- inputs ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Settlement:
    """What settled an assessment on one day: receipts allocated to it and credit applied
    to it (US cents; a reversal is negative)."""

    on: date
    amount: int


@dataclass(frozen=True, slots=True)
class Assessment:
    """One State's assessment of one fund for one year as at ``as_at``: ``assessed`` (net
    of revisions), ``settled`` (paid and credited, net of reversals), ``outstanding`` (the
    receivable's balance), all US cents; ``settlements`` the dated flows behind
    ``settled`` (needed for the window's years only). ``projected``: assumed, not
    recorded."""

    fund: str
    year: int
    due_on: date
    assessed: int
    settled: int
    outstanding: int
    settlements: tuple[Settlement, ...] = ()
    projected: bool = False


@dataclass(frozen=True, slots=True)
class StateHistory:
    """A State's assessments (at most one per fund and year)."""

    state: str
    assessments: tuple[Assessment, ...]


@dataclass(frozen=True, slots=True)
class Method:
    """The method's parameters: the window in years, the fraction of an assessment that
    marks its settlement day, and the habit assumed when no State has a history."""

    window_years: int = 5
    settled_fraction: Fraction = Fraction(1, 2)
    default_share: Fraction = Fraction(1)
    default_delay_days: int = 0

    def __post_init__(self) -> None:
        if self.window_years < 1:
            raise ValueError("the window is at least one year")
        if not 0 < self.settled_fraction <= 1:
            raise ValueError("the settled fraction is above 0 and at most 1")
        if not 0 <= self.default_share <= 1:
            raise ValueError("the default share is between 0 and 1")


@dataclass(frozen=True, slots=True)
class Scenario:
    """A decision to test: credits to States (US cents each) and a transfer into the
    reserve (US cents). The baseline has neither."""

    name: str
    state_credits: Mapping[str, int] = field(default_factory=dict)
    to_reserve_minor: int = 0


BASELINE = Scenario("baseline")


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything a forecast needs: the States' histories, the planned spending of each
    month of the horizon, the opening cash of the funds forecast and what the reserve can
    advance as at ``as_at``, the floor cash is kept at while the reserve lasts, and the
    credit each State holds (US cents)."""

    as_at: date
    months: int
    histories: tuple[StateHistory, ...]
    spending: tuple[int, ...]
    opening_cash: int
    reserve: int
    floor: int = 0
    credits: Mapping[str, int] = field(default_factory=dict)


# --- a State's habit -------------------------------------------------------------------


class Basis(StrEnum):
    """Where a State's share or delay comes from."""

    OWN = "own"
    MEDIAN = "median"
    DEFAULT = "default"


@dataclass(frozen=True, slots=True)
class Behaviour:
    """A State's share (0 … 1) and delay (days after the due date), each with its basis,
    and the window's figures behind its own (US cents; delays in days)."""

    state: str
    share: Fraction
    delay_days: int
    share_basis: Basis
    delay_basis: Basis
    window_assessed: int = 0
    window_settled: int = 0
    delays: tuple[int, ...] = ()


def window(as_at: date, method: Method) -> range:
    """The window's assessment years: the ``window_years`` years before as_at's year."""
    return range(as_at.year - method.window_years, as_at.year)


def settlement_day(
    assessed: int, settlements: Iterable[Settlement], fraction: Fraction
) -> date | None:
    """The first day from which the cumulative settlements stayed at or above
    ``fraction`` of ``assessed``; None if they are below it at the end."""
    if assessed <= 0:
        return None
    per_day: dict[date, int] = {}
    for s in settlements:
        per_day[s.on] = per_day.get(s.on, 0) + s.amount
    threshold = assessed * fraction
    cumulative, day = 0, None
    for on in sorted(per_day):
        cumulative += per_day[on]
        day = (day or on) if cumulative >= threshold else None
    return day


def own_behaviour(
    history: StateHistory, as_at: date, method: Method
) -> tuple[Fraction | None, int | None, int, int, tuple[int, ...]]:
    """(share, delay, assessed, settled, delays) from the State's window; share None
    when nothing was assessed in it, delay None when no assessment has a delay."""
    years = window(as_at, method)
    items = [
        a for a in history.assessments if not a.projected and a.year in years and a.assessed > 0
    ]
    if not items:
        return None, None, 0, 0, ()
    assessed = sum(a.assessed for a in items)
    settled = sum(a.settled for a in items)
    share = min(Fraction(1), max(Fraction(0), Fraction(settled, assessed)))
    delays: list[int] = []
    for a in items:
        day = settlement_day(a.assessed, a.settlements, method.settled_fraction)
        if day is not None:
            delays.append((day - a.due_on).days)
    delays.sort()
    return share, (median_days(delays) if delays else None), assessed, settled, tuple(delays)


def behaviours(
    histories: Iterable[StateHistory], as_at: date, method: Method
) -> dict[str, Behaviour]:
    """Every State's share and delay (see the module docstring)."""
    own = {h.state: own_behaviour(h, as_at, method) for h in histories}
    shares = [o[0] for o in own.values() if o[0] is not None]
    delays = [o[1] for o in own.values() if o[1] is not None]
    median_share = median_fraction(shares) if shares else method.default_share
    median_delay = median_days(delays) if delays else method.default_delay_days
    fallback = Basis.MEDIAN if shares else Basis.DEFAULT
    fallback_delay = Basis.MEDIAN if delays else Basis.DEFAULT
    result: dict[str, Behaviour] = {}
    for state, (share, delay, assessed, settled, found) in sorted(own.items()):
        result[state] = Behaviour(
            state=state,
            share=share if share is not None else median_share,
            delay_days=delay if delay is not None else median_delay,
            share_basis=Basis.OWN if share is not None else fallback,
            delay_basis=Basis.OWN if delay is not None else fallback_delay,
            window_assessed=assessed,
            window_settled=settled,
            delays=found,
        )
    return result


# --- what falls due --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Projection:
    """A fund's assessments assumed for ``years``, like those of ``base_year``."""

    fund: str
    base_year: int
    years: tuple[int, ...]


def projections(
    histories: Iterable[StateHistory], as_at: date, last_day: date
) -> dict[str, Projection]:
    """Per fund, the years of the horizon assumed assessed like the latest assessed year
    (see the module docstring); funds with nothing to assume are left out."""
    latest: dict[str, int] = {}
    for h in histories:
        for a in h.assessments:
            if not a.projected and a.assessed > 0 and a.year > latest.get(a.fund, a.year - 1):
                latest[a.fund] = a.year
    result: dict[str, Projection] = {}
    for fund, base in sorted(latest.items()):
        if base < as_at.year - 1:
            continue
        years = tuple(range(max(base + 1, as_at.year), last_day.year + 1))
        if years:
            result[fund] = Projection(fund, base, years)
    return result


def project(
    histories: Iterable[StateHistory], found: Mapping[str, Projection]
) -> tuple[StateHistory, ...]:
    """The histories with the assumed assessments of ``found`` added."""
    result: list[StateHistory] = []
    for h in histories:
        added: list[Assessment] = []
        for a in h.assessments:
            p = found.get(a.fund)
            if p is None or a.projected or a.year != p.base_year or a.assessed <= 0:
                continue
            added += [
                Assessment(
                    fund=a.fund,
                    year=year,
                    due_on=shift_years(a.due_on, year - a.year),
                    assessed=a.assessed,
                    settled=0,
                    outstanding=a.assessed,
                    projected=True,
                )
                for year in p.years
            ]
        result.append(StateHistory(h.state, h.assessments + tuple(added)) if added else h)
    return tuple(result)


# --- expected receipts -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expected:
    """Money expected from a State on one assessment: ``amount`` US cents arriving on
    ``arrives_on``, in month ``month`` of the horizon (None: after it); ``credit`` is the
    scenario's credit that lowered what the State is asked."""

    state: str
    fund: str
    year: int
    due_on: date
    arrives_on: date
    amount: int
    month: int | None
    projected: bool = False
    credit: int = 0


def expected_receipts(
    histories: Iterable[StateHistory],
    habits: Mapping[str, Behaviour],
    months: Sequence[Month],
    method: Method,
    credits: Mapping[str, int] | None = None,
) -> tuple[list[Expected], dict[str, int]]:
    """Every expectation (by State, then due date, fund, year) and the credits left
    unused per State (see the module docstring)."""
    as_at = months[0].start - timedelta(days=1)
    oldest = as_at.year - method.window_years
    credits = dict(credits or {})
    result: list[Expected] = []
    for h in sorted(histories, key=lambda h: h.state):
        habit = habits[h.state]
        remaining = credits.pop(h.state, 0)
        for a in sorted(h.assessments, key=lambda a: (a.due_on, a.fund, a.year)):
            if a.year < oldest or a.outstanding <= 0:
                continue
            applied = 0
            if remaining > 0 and a.due_on > as_at:
                applied = min(remaining, a.outstanding)
                remaining -= applied
            target = round_half_up((a.assessed - applied) * habit.share)
            amount = min(a.outstanding - applied, max(0, target - a.settled))
            if amount <= 0:
                continue
            arrives = max(a.due_on + timedelta(days=habit.delay_days), months[0].start)
            month = month_of(months, arrives)
            result.append(
                Expected(
                    state=h.state,
                    fund=a.fund,
                    year=a.year,
                    due_on=a.due_on,
                    arrives_on=arrives,
                    amount=amount,
                    month=month.index if month else None,
                    projected=a.projected,
                    credit=applied,
                )
            )
        if remaining:
            credits[h.state] = remaining
    return result, {s: c for s, c in sorted(credits.items()) if c}


# --- spending --------------------------------------------------------------------------


class SpendingSource(StrEnum):
    """Where a year's spending comes from."""

    PLAN = "plan"
    BUDGET = "budget"
    ASSUMED_BUDGET = "assumed_budget"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class YearSpending:
    """A fund-year's spending per calendar month (January first, US cents), where it
    comes from, and the budget year behind it (None for a plan or nothing)."""

    year: int
    months: tuple[int, ...]
    source: SpendingSource
    budget_year: int | None = None

    @property
    def total(self) -> int:
        return sum(self.months)


def year_spending(
    year: int, budgets: Mapping[int, int], plans: Mapping[int, Sequence[int]]
) -> YearSpending:
    """A fund's spending in ``year``: its plan, else its budget in force split evenly,
    else the latest earlier budget's, else nothing (``budgets``: year → total in cents;
    ``plans``: year → twelve monthly amounts)."""
    if year in plans:
        plan = tuple(plans[year])
        if len(plan) != MONTHS_IN_YEAR:
            raise ValueError(f"the {year} spending plan has {len(plan)} months, not 12")
        return YearSpending(year, plan, SpendingSource.PLAN)
    if year in budgets:
        return YearSpending(year, split_evenly(budgets[year]), SpendingSource.BUDGET, year)
    earlier = [y for y in budgets if y < year]
    if earlier:
        base = max(earlier)
        return YearSpending(year, split_evenly(budgets[base]), SpendingSource.ASSUMED_BUDGET, base)
    return YearSpending(year, (0,) * MONTHS_IN_YEAR, SpendingSource.NONE)


def monthly_spending(months: Sequence[Month], years: Mapping[int, YearSpending]) -> tuple[int, ...]:
    """Each month's spending from its year's (a partial month pro rata by days, rounded
    half up)."""
    result: list[int] = []
    for m in months:
        amount = years[m.end.year].months[m.end.month - 1]
        if m.partial:
            amount = round_half_up(Fraction(amount * m.days, m.days_in_month))
        result.append(amount)
    return tuple(result)


# --- liquidity and the forecast --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthResult:
    """One month of a forecast (US cents): opening cash, expected receipts, planned
    spending, closing cash before and after the reserve is drawn, the draw, the reserve
    left after it, and the shortfall below the floor that remains."""

    month: Month
    opening: int
    receipts: int
    spending: int
    closing_before_draw: int
    draw: int
    closing_after_draw: int
    reserve_after: int
    shortfall: int


def liquidity(
    months: Sequence[Month],
    receipts: Sequence[int],
    spending: Sequence[int],
    *,
    opening_cash: int,
    reserve: int,
    floor: int = 0,
) -> tuple[MonthResult, ...]:
    """Cash month by month, the reserve drawn to keep it at the floor while it lasts."""
    cash, left = opening_cash, reserve
    result: list[MonthResult] = []
    for m, received, spent in zip(months, receipts, spending, strict=True):
        before = cash + received - spent
        draw = min(max(0, floor - before), max(0, left))
        after = before + draw
        left -= draw
        result.append(
            MonthResult(m, cash, received, spent, before, draw, after, left, max(0, floor - after))
        )
        cash = after
    return tuple(result)


@dataclass(frozen=True, slots=True)
class Forecast:
    """One scenario's forecast: the months, every expectation, the credits (held and the
    scenario's) it could not place, and the opening cash and reserve it started from (US cents)."""

    scenario: Scenario
    months: tuple[MonthResult, ...]
    expected: tuple[Expected, ...]
    unused_credits: dict[str, int]
    opening_cash: int
    reserve: int

    @property
    def receipts(self) -> int:
        """Receipts expected within the horizon."""
        return sum(m.receipts for m in self.months)

    @property
    def after_horizon(self) -> int:
        """Receipts expected after the horizon."""
        return sum(e.amount for e in self.expected if e.month is None)

    @property
    def spending(self) -> int:
        return sum(m.spending for m in self.months)

    @property
    def drawn(self) -> int:
        """The reserve drawn over the horizon."""
        return sum(m.draw for m in self.months)

    @property
    def first_draw(self) -> MonthResult | None:
        return next((m for m in self.months if m.draw > 0), None)

    @property
    def largest_shortfall(self) -> int:
        return max((m.shortfall for m in self.months), default=0)

    @property
    def lowest_cash(self) -> int:
        """The lowest closing cash before any draw."""
        return min((m.closing_before_draw for m in self.months), default=self.opening_cash)


@dataclass(frozen=True, slots=True)
class Result:
    """The forecasts of every scenario (the baseline first), with what they share: the
    horizon, each State's habit and the assessments assumed."""

    months: tuple[Month, ...]
    habits: dict[str, Behaviour]
    projections: dict[str, Projection]
    forecasts: tuple[Forecast, ...]


def combined(*credits: Mapping[str, int]) -> dict[str, int]:
    """Credits per State added up."""
    total: dict[str, int] = {}
    for part in credits:
        for state, amount in part.items():
            total[state] = total.get(state, 0) + amount
    return total


def _check(inputs: Inputs, scenarios: Sequence[Scenario]) -> None:
    if len(inputs.spending) != inputs.months:
        raise ValueError(f"{len(inputs.spending)} months of spending for {inputs.months} months")
    if any(c < 0 for c in inputs.credits.values()):
        raise ValueError("credits held are not negative")
    for s in scenarios:
        if s.to_reserve_minor < 0 or any(c < 0 for c in s.state_credits.values()):
            raise ValueError(f"scenario {s.name!r}: credits and transfers are not negative")


def forecast(
    inputs: Inputs, method: Method | None = None, scenarios: Sequence[Scenario] = ()
) -> Result:
    """The baseline and each scenario's forecast (see the module docstring)."""
    method = method or Method()
    _check(inputs, scenarios)
    months = horizon(inputs.as_at, inputs.months)
    habits = behaviours(inputs.histories, inputs.as_at, method)
    assumed = projections(inputs.histories, inputs.as_at, months[-1].end)
    histories = project(inputs.histories, assumed)
    results: list[Forecast] = []
    for scenario in (BASELINE, *scenarios):
        expected, unused = expected_receipts(
            histories, habits, months, method, combined(inputs.credits, scenario.state_credits)
        )
        receipts = [0] * len(months)
        for e in expected:
            if e.month is not None:
                receipts[e.month - 1] += e.amount
        opening = inputs.opening_cash - scenario.to_reserve_minor
        reserve = inputs.reserve + scenario.to_reserve_minor
        results.append(
            Forecast(
                scenario=scenario,
                months=liquidity(
                    months,
                    receipts,
                    inputs.spending,
                    opening_cash=opening,
                    reserve=reserve,
                    floor=inputs.floor,
                ),
                expected=tuple(expected),
                unused_credits=unused,
                opening_cash=opening,
                reserve=reserve,
            )
        )
    return Result(months, habits, assumed, tuple(results))
