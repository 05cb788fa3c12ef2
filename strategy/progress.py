"""Progress against the plan's targets: pure functions over plain data.

**Share of the way.** For an indicator and a year Y, the *start* is the baseline value
(annual targets) or zero (cumulative targets), the *target* is Y's target and the
*achieved* value is Y's value (annual) or the sum of the values of every plan year up to
and including Y (cumulative: each year's value is what was done that year, each target
the total wanted by the end of that year; a year without a value leaves the sum
unknown). The share of the way is ``(achieved − start) / (target − start)``: 0 at the
start, 1 on the target, above 1 beyond it, negative when the indicator moved the wrong
way. ``lower_is_better`` indicators are measured exactly as ``higher_is_better`` ones
with every value negated, so the two directions are symmetric. A target that asks for no
improvement (equal to the start, or on its wrong side, such as a ceiling for a
cumulative ``lower_is_better`` indicator) is met or not: the share is 1 when the achieved
value is at least as good as the target, else 0.

**Status.** The target of year Y is where the indicator is expected to be in Y, so the
share of the way *is* the share of the expected way: ``on_track`` from
``Thresholds.on_track`` (default 90 %) up, ``at_risk`` from ``Thresholds.at_risk``
(default 60 %) up, else ``off_track``; ``no_data`` without a target or an achieved value.

**Trend.** Y's value against the year before's (for cumulative targets, the year's own
values, not the sums), or against the baseline when the baseline year is the year
before: ``improving``, ``steady`` (equal) or ``worsening`` in the indicator's direction;
None without both values.

**Roll-up.** An objective rolls up the indicators attached to it; a goal the indicators
attached to it and to its objectives. Its status is the *worst* status among those with
data (``off_track`` < ``at_risk`` < ``on_track``; ``no_data`` when none has data); the
roll-up also gives the count per status and the share of indicators with data that are
on track, so that a reader sees both the warning and its extent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction


class Direction(StrEnum):
    """Which way an indicator should move."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class TargetKind(StrEnum):
    """``annual``: each year's target is the level wanted that year; ``cumulative``:
    each year's target is the total wanted from the plan's first year to that year."""

    ANNUAL = "annual"
    CUMULATIVE = "cumulative"


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"


class Trend(StrEnum):
    IMPROVING = "improving"
    STEADY = "steady"
    WORSENING = "worsening"


#: Statuses with data, worst first.
SEVERITY: tuple[Status, ...] = (Status.OFF_TRACK, Status.AT_RISK, Status.ON_TRACK)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Shares of the expected way (0 to 1) from which an indicator is on track or at
    risk (below ``at_risk``: off track)."""

    on_track: Decimal = Decimal("0.9")
    at_risk: Decimal = Decimal("0.6")

    def __post_init__(self) -> None:
        if not (self.on_track.is_finite() and self.at_risk.is_finite()):
            raise ValueError("thresholds must be finite")
        if not Decimal(0) <= self.at_risk <= self.on_track:
            raise ValueError("thresholds need 0 <= at_risk <= on_track")


@dataclass(frozen=True, slots=True)
class Series:
    """An indicator's definition and its values by year (approved or computed; years
    outside the plan may be given, e.g. the year before the first for the trend)."""

    direction: Direction
    target_kind: TargetKind
    baseline: Decimal
    baseline_year: int
    first_year: int
    targets: Mapping[int, Decimal] = field(default_factory=dict)
    values: Mapping[int, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # values read back from the database are plain strings
        object.__setattr__(self, "direction", Direction(self.direction))
        object.__setattr__(self, "target_kind", TargetKind(self.target_kind))


@dataclass(frozen=True, slots=True)
class Assessment:
    """One indicator in one year (see the module docstring)."""

    year: int
    start: Decimal
    target: Decimal | None
    achieved: Decimal | None
    value: Decimal | None
    previous: Decimal | None
    share: Fraction | None
    status: Status
    trend: Trend | None


def _sign(direction: Direction) -> int:
    return 1 if direction is Direction.HIGHER_IS_BETTER else -1


def share_of_way(
    *, start: Decimal, target: Decimal, achieved: Decimal, direction: Direction
) -> Fraction:
    """How far ``achieved`` went from ``start`` to ``target`` (exact; see the module
    docstring for a target that asks for no improvement)."""
    sign = _sign(Direction(direction))
    s, t, a = Fraction(start) * sign, Fraction(target) * sign, Fraction(achieved) * sign
    if t > s:
        return (a - s) / (t - s)
    return Fraction(1) if a >= t else Fraction(0)


def status_of(share: Fraction | None, thresholds: Thresholds = Thresholds()) -> Status:
    """The status for a share of the expected way (``no_data`` for None)."""
    if share is None:
        return Status.NO_DATA
    if share >= Fraction(thresholds.on_track):
        return Status.ON_TRACK
    if share >= Fraction(thresholds.at_risk):
        return Status.AT_RISK
    return Status.OFF_TRACK


def trend_of(value: Decimal, previous: Decimal, direction: Direction) -> Trend:
    """``value`` against ``previous`` in the indicator's direction."""
    change = (value - previous) * _sign(Direction(direction))
    if change > 0:
        return Trend.IMPROVING
    if change < 0:
        return Trend.WORSENING
    return Trend.STEADY


def start_of(series: Series) -> Decimal:
    """Where the way starts: the baseline (annual targets) or zero (cumulative)."""
    return series.baseline if series.target_kind is TargetKind.ANNUAL else Decimal(0)


def achieved(series: Series, year: int) -> Decimal | None:
    """The value compared with ``year``'s target (None if unknown)."""
    if series.target_kind is TargetKind.ANNUAL:
        return series.values.get(year)
    total = Decimal(0)
    for y in range(series.first_year, year + 1):
        value = series.values.get(y)
        if value is None:
            return None
        total += value
    return total


def previous_value(series: Series, year: int) -> Decimal | None:
    """The value the trend compares ``year``'s with: the year before's, else the
    baseline when it is of the year before."""
    found = series.values.get(year - 1)
    if found is None and series.baseline_year == year - 1:
        return series.baseline
    return found


def assess(series: Series, year: int, thresholds: Thresholds = Thresholds()) -> Assessment:
    """The indicator in ``year``: share of the way, status and trend."""
    start = start_of(series)
    target = series.targets.get(year)
    reached = achieved(series, year) if year >= series.first_year else None
    share = (
        share_of_way(start=start, target=target, achieved=reached, direction=series.direction)
        if target is not None and reached is not None
        else None
    )
    value = series.values.get(year)
    previous = previous_value(series, year)
    trend = (
        trend_of(value, previous, series.direction)
        if value is not None and previous is not None
        else None
    )
    return Assessment(
        year=year,
        start=start,
        target=target,
        achieved=reached,
        value=value,
        previous=previous,
        share=share,
        status=status_of(share, thresholds),
        trend=trend,
    )


@dataclass(frozen=True, slots=True)
class Rollup:
    """Indicators rolled up (see the module docstring): the worst status with data,
    the count per status (every status present), and the share of those with data that
    are on track (None when none has data)."""

    status: Status
    counts: dict[Status, int]
    on_track_share: Fraction | None

    @property
    def with_data(self) -> int:
        return sum(n for s, n in self.counts.items() if s is not Status.NO_DATA)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def rollup(statuses: Iterable[Status]) -> Rollup:
    """Roll up indicator statuses to an objective or a goal."""
    counts = Counter(Status(s) for s in statuses)
    every = {s: counts.get(s, 0) for s in Status}
    with_data = sum(every[s] for s in SEVERITY)
    worst = next((s for s in SEVERITY if every[s]), Status.NO_DATA)
    share = Fraction(every[Status.ON_TRACK], with_data) if with_data else None
    return Rollup(status=worst, counts=every, on_track_share=share)
