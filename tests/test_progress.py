"""Progress against targets, pure: worked examples as the Secretariat would read them,
then the invariants (monotonic in the value, lower_is_better the mirror of
higher_is_better, roll-ups within their bounds)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategy.progress import (
    SEVERITY,
    Assessment,
    Direction,
    Series,
    Status,
    TargetKind,
    Thresholds,
    Trend,
    assess,
    rollup,
    share_of_way,
    status_of,
)

D = Decimal
HIGHER, LOWER = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER


def series(
    *,
    direction: Direction = HIGHER,
    kind: TargetKind = TargetKind.ANNUAL,
    baseline: str = "60",
    baseline_year: int = 2025,
    targets: dict[int, str] | None = None,
    values: dict[int, str] | None = None,
) -> Series:
    return Series(
        direction=direction,
        target_kind=kind,
        baseline=D(baseline),
        baseline_year=baseline_year,
        first_year=2026,
        targets={y: D(v) for y, v in (targets or {}).items()},
        values={y: D(v) for y, v in (values or {}).items()},
    )


# --- worked examples ---------------------------------------------------------------------


def test_collection_rate_seventy_percent_of_the_way_is_at_risk() -> None:
    """Collection was 60 % in 2025; the 2026 target is 80 %; 74 % was collected."""
    a = assess(series(targets={2026: "80"}, values={2026: "74"}), 2026)
    assert a.start == D(60)
    assert a.share == Fraction(7, 10)
    assert a.status is Status.AT_RISK
    assert a.previous == D(60)  # the baseline is of 2025, the year before
    assert a.trend is Trend.IMPROVING


def test_ninety_percent_of_the_way_is_on_track_and_sixty_at_risk() -> None:
    on = assess(series(targets={2026: "80"}, values={2026: "78"}), 2026)
    assert (on.share, on.status) == (Fraction(9, 10), Status.ON_TRACK)
    risk = assess(series(targets={2026: "80"}, values={2026: "72"}), 2026)
    assert (risk.share, risk.status) == (Fraction(6, 10), Status.AT_RISK)
    off = assess(series(targets={2026: "80"}, values={2026: "71.99"}), 2026)
    assert off.status is Status.OFF_TRACK


def test_beyond_the_target_and_backwards() -> None:
    beyond = assess(series(targets={2026: "80"}, values={2026: "90"}), 2026)
    assert beyond.share == Fraction(3, 2)
    assert beyond.status is Status.ON_TRACK
    back = assess(series(targets={2026: "80"}, values={2026: "50"}), 2026)
    assert back.share == Fraction(-1, 2)
    assert (back.status, back.trend) == (Status.OFF_TRACK, Trend.WORSENING)


def test_lower_is_better_states_in_arrears() -> None:
    """Ten States were subject to Rule 8 in 2025; the target for 2026 is four; five are."""
    a = assess(
        series(direction=LOWER, baseline="10", targets={2026: "4"}, values={2026: "5"}), 2026
    )
    assert a.share == Fraction(5, 6)
    assert a.status is Status.AT_RISK
    assert a.trend is Trend.IMPROVING


def test_cumulative_targets_add_up_the_years() -> None:
    """Workshops: 10 by the end of 2026, 20 by 2027, 30 by 2028; 8 held in 2026, 9 in 2027."""
    s = series(
        kind=TargetKind.CUMULATIVE,
        baseline="7",
        targets={2026: "10", 2027: "20", 2028: "30"},
        values={2026: "8", 2027: "9"},
    )
    first = assess(s, 2026)
    assert (first.start, first.achieved, first.share) == (D(0), D(8), Fraction(4, 5))
    second = assess(s, 2027)
    assert (second.achieved, second.share, second.status) == (
        D(17),
        Fraction(17, 20),
        Status.AT_RISK,
    )
    assert (second.value, second.previous, second.trend) == (D(9), D(8), Trend.IMPROVING)
    assert first.trend is Trend.IMPROVING  # 8 against the baseline year's 7
    # a year without a value leaves the sum unknown
    third = assess(s, 2028)
    assert (third.achieved, third.share, third.status) == (None, None, Status.NO_DATA)


def test_a_missing_year_in_a_cumulative_sum_is_not_counted_as_zero() -> None:
    s = series(kind=TargetKind.CUMULATIVE, targets={2027: "20"}, values={2027: "25"})
    assert assess(s, 2027).status is Status.NO_DATA


def test_a_target_equal_to_the_baseline_is_met_or_not() -> None:
    kept = assess(series(targets={2026: "60"}, values={2026: "60"}), 2026)
    assert (kept.share, kept.status, kept.trend) == (Fraction(1), Status.ON_TRACK, Trend.STEADY)
    lost = assess(series(targets={2026: "60"}, values={2026: "59.9"}), 2026)
    assert (lost.share, lost.status) == (Fraction(0), Status.OFF_TRACK)
    lower = assess(series(direction=LOWER, targets={2026: "60"}, values={2026: "55"}), 2026)
    assert lower.status is Status.ON_TRACK


def test_a_cumulative_ceiling_for_a_lower_is_better_indicator() -> None:
    """At most 5 late reports over the plan (cumulative, lower is better)."""

    def status(late: str) -> Status:
        s = series(
            direction=LOWER,
            kind=TargetKind.CUMULATIVE,
            baseline="2",
            targets={2026: "5"},
            values={2026: late},
        )
        return assess(s, 2026).status

    assert status("3") is Status.ON_TRACK
    assert status("5") is Status.ON_TRACK
    assert status("6") is Status.OFF_TRACK


def test_no_data_without_a_target_or_a_value() -> None:
    assert assess(series(values={2026: "70"}), 2026).status is Status.NO_DATA
    assert assess(series(targets={2026: "70"}), 2026).status is Status.NO_DATA
    no_previous = assess(
        series(baseline_year=2023, targets={2026: "80"}, values={2026: "70"}), 2026
    )
    assert (no_previous.previous, no_previous.trend) == (None, None)


def test_thresholds_are_configurable() -> None:
    s = series(targets={2026: "80"}, values={2026: "74"})  # 70 % of the way
    assert (
        assess(s, 2026, Thresholds(on_track=D("0.7"), at_risk=D("0.5"))).status is Status.ON_TRACK
    )
    assert assess(s, 2026, Thresholds(on_track=D("1"), at_risk=D("0.8"))).status is Status.OFF_TRACK
    with pytest.raises(ValueError, match="at_risk"):
        Thresholds(on_track=D("0.5"), at_risk=D("0.6"))
    with pytest.raises(ValueError, match="at_risk"):
        Thresholds(on_track=D("0.5"), at_risk=D("-0.1"))


def test_values_read_back_as_text_are_understood() -> None:
    s = Series(
        direction="lower_is_better",  # type: ignore[arg-type]
        target_kind="annual",  # type: ignore[arg-type]
        baseline=D(10),
        baseline_year=2025,
        first_year=2026,
        targets={2026: D(4)},
        values={2026: D(4)},
    )
    assert assess(s, 2026).status is Status.ON_TRACK


def test_rollup_is_the_worst_status_with_the_share_on_track() -> None:
    r = rollup([Status.ON_TRACK, Status.AT_RISK, Status.ON_TRACK, Status.NO_DATA])
    assert r.status is Status.AT_RISK
    assert r.on_track_share == Fraction(2, 3)
    assert r.counts == {
        Status.ON_TRACK: 2,
        Status.AT_RISK: 1,
        Status.OFF_TRACK: 0,
        Status.NO_DATA: 1,
    }
    assert (r.with_data, r.total) == (3, 4)
    empty = rollup([Status.NO_DATA])
    assert (empty.status, empty.on_track_share) == (Status.NO_DATA, None)
    assert rollup([]).status is Status.NO_DATA


# --- invariants ----------------------------------------------------------------------------

values = st.decimals(min_value=-10_000, max_value=10_000, places=2, allow_nan=False)
RANK = {s: i for i, s in enumerate(SEVERITY)}  # off_track 0 < at_risk 1 < on_track 2


def _assess_one(
    direction: Direction, baseline: Decimal, target: Decimal, value: Decimal
) -> Assessment:
    return assess(
        Series(
            direction=direction,
            target_kind=TargetKind.ANNUAL,
            baseline=baseline,
            baseline_year=2025,
            first_year=2026,
            targets={2026: target},
            values={2026: value},
        ),
        2026,
    )


@given(values, values, values, values, st.sampled_from(list(Direction)))
def test_progress_is_monotonic_in_the_value(
    baseline: Decimal, target: Decimal, v1: Decimal, v2: Decimal, direction: Direction
) -> None:
    low, high = sorted((v1, v2))
    a, b = (_assess_one(direction, baseline, target, v) for v in (low, high))
    assert a.share is not None and b.share is not None
    if direction is HIGHER:
        assert a.share <= b.share
        assert RANK[a.status] <= RANK[b.status]
    else:
        assert a.share >= b.share
        assert RANK[a.status] >= RANK[b.status]


@given(values, values, values, values)
def test_lower_is_better_mirrors_higher_is_better(
    baseline: Decimal, target: Decimal, value: Decimal, previous: Decimal
) -> None:
    def run(direction: Direction, sign: int) -> tuple[object, ...]:
        a = assess(
            Series(
                direction=direction,
                target_kind=TargetKind.ANNUAL,
                baseline=baseline * sign,
                baseline_year=2024,
                first_year=2026,
                targets={2026: target * sign},
                values={2025: previous * sign, 2026: value * sign},
            ),
            2026,
        )
        return a.share, a.status, a.trend

    assert run(HIGHER, 1) == run(LOWER, -1)


@given(values, values)
def test_the_way_runs_from_zero_at_the_start_to_one_on_the_target(
    start: Decimal, target: Decimal
) -> None:
    for direction in Direction:
        on_target = share_of_way(start=start, target=target, achieved=target, direction=direction)
        assert on_target == 1
        improves = (target - start) * (1 if direction is HIGHER else -1) > 0
        at_start = share_of_way(start=start, target=target, achieved=start, direction=direction)
        assert at_start == (0 if improves else 1)


@given(st.lists(st.decimals(min_value=0, max_value=100, places=1), min_size=1, max_size=5))
def test_cumulative_achieved_is_the_sum_of_the_years(flows: list[Decimal]) -> None:
    years = range(2026, 2026 + len(flows))
    s = Series(
        direction=HIGHER,
        target_kind=TargetKind.CUMULATIVE,
        baseline=D(0),
        baseline_year=2025,
        first_year=2026,
        targets=dict.fromkeys(years, D(100)),
        values=dict(zip(years, flows, strict=True)),
    )
    last = assess(s, years[-1])
    assert last.achieved == sum(flows)
    assert last.share == Fraction(sum(flows)) / 100


@given(st.lists(st.sampled_from(list(Status)), max_size=30))
def test_rollup_bounds(statuses: list[Status]) -> None:
    r = rollup(statuses)
    assert r.total == len(statuses)
    with_data = [s for s in statuses if s is not Status.NO_DATA]
    assert r.with_data == len(with_data)
    if not with_data:
        assert (r.status, r.on_track_share) == (Status.NO_DATA, None)
        return
    assert r.on_track_share is not None
    assert 0 <= r.on_track_share <= 1
    assert all(RANK[r.status] <= RANK[s] for s in with_data)
    assert r.status in with_data
    assert (r.on_track_share == 1) == (r.status is Status.ON_TRACK)


@given(st.fractions(min_value=-2, max_value=3))
def test_status_follows_the_thresholds(share: Fraction) -> None:
    t = Thresholds()
    status = status_of(share, t)
    if share >= Fraction(9, 10):
        assert status is Status.ON_TRACK
    elif share >= Fraction(6, 10):
        assert status is Status.AT_RISK
    else:
        assert status is Status.OFF_TRACK
