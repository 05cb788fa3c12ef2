"""The cash forecast's pure model: the method on hand-built histories, edge cases, and its
invariants under Hypothesis."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finance_core.forecast import model as m
from finance_core.forecast.model import Assessment, Basis, Scenario, Settlement, StateHistory


def paid(
    year: int,
    assessed: int,
    payments: list[tuple[date, int]],
    *,
    fund: str = "SEC",
    due_on: date | None = None,
) -> Assessment:
    """An assessment due on 1 January (or ``due_on``) with its dated payments."""
    settled = sum(a for _, a in payments)
    return Assessment(
        fund=fund,
        year=year,
        due_on=due_on or date(year, 1, 1),
        assessed=assessed,
        settled=settled,
        outstanding=assessed - settled,
        settlements=tuple(Settlement(d, a) for d, a in payments),
    )


def inputs(
    histories: list[StateHistory],
    *,
    as_at: date = date(2026, 1, 31),
    months: int = 12,
    spending: int = 0,
    opening: int = 0,
    reserve: int = 0,
    floor: int = 0,
) -> m.Inputs:
    return m.Inputs(
        as_at=as_at,
        months=months,
        histories=tuple(histories),
        spending=(spending,) * months,
        opening_cash=opening,
        reserve=reserve,
        floor=floor,
    )


# --- helpers ---------------------------------------------------------------------------


def test_split_evenly_by_largest_remainder() -> None:
    parts = m.split_evenly(100_000_00)
    # 10,000,000 cents = 12 × 833,333 + 4: the first four months take a cent more
    assert parts == (833_334,) * 4 + (833_333,) * 8
    assert sum(parts) == 100_000_00
    assert m.split_evenly(5) == (1,) * 5 + (0,) * 7
    assert m.split_evenly(0) == (0,) * 12
    with pytest.raises(ValueError, match="parts"):
        m.split_evenly(10, 0)


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=40))
def test_property_split_sums_to_the_total(total: int, parts: int) -> None:
    split = m.split_evenly(total, parts)
    assert sum(split) == total
    assert max(split) - min(split) <= 1


def test_round_half_up_and_medians() -> None:
    assert m.round_half_up(Fraction(5, 2)) == 3
    assert m.round_half_up(Fraction(7, 3)) == 2
    assert m.round_half_up(Fraction(-5, 2)) == -2
    assert m.median_fraction([Fraction(1), Fraction(1, 2)]) == Fraction(3, 4)
    assert m.median_fraction([Fraction(1, 3), Fraction(1), Fraction(0)]) == Fraction(1, 3)
    assert m.median_days([10, 100]) == 55
    assert m.median_days([10, 11]) == 10  # 10.5 rounded down
    assert m.median_days([-3, 40, 7]) == 7
    with pytest.raises(ValueError, match="nothing"):
        m.median_days([])


def test_horizon_of_whole_and_partial_months() -> None:
    whole = m.horizon(date(2026, 1, 31), 12)
    assert [x.label for x in whole][:2] == ["2026-02", "2026-03"]
    assert whole[-1].label == "2027-01" and whole[-1].end == date(2027, 1, 31)
    assert not any(x.partial for x in whole)
    part = m.horizon(date(2026, 6, 20), 3)
    assert part[0].start == date(2026, 6, 21) and part[0].days == 10 and part[0].partial
    assert [x.label for x in part] == ["2026-06", "2026-07", "2026-08"]
    assert m.month_of(part, date(2026, 6, 20)) is None
    assert m.month_of(part, date(2026, 7, 31)) == part[1]
    assert m.month_of(part, date(2026, 9, 1)) is None
    with pytest.raises(ValueError, match="at least one month"):
        m.horizon(date(2026, 1, 31), 0)


def test_shift_years_keeps_the_day_or_the_end_of_february() -> None:
    assert m.shift_years(date(2026, 1, 1), 1) == date(2027, 1, 1)
    assert m.shift_years(date(2024, 2, 29), 1) == date(2025, 2, 28)


# --- a State's habit -------------------------------------------------------------------


def test_settlement_day_is_when_half_was_paid_for_good() -> None:
    half = Fraction(1, 2)
    flows = [Settlement(date(2024, 2, 1), 30), Settlement(date(2024, 3, 1), 30)]
    assert m.settlement_day(100, flows, half) == date(2024, 3, 1)
    # a reversal on 10 March takes it below half again; paid again on 1 April
    flows += [Settlement(date(2024, 3, 10), -30), Settlement(date(2024, 4, 1), 30)]
    assert m.settlement_day(100, flows, half) == date(2024, 4, 1)
    # a payment and its reversal on the same day count as nothing
    same_day = [Settlement(date(2024, 2, 1), 80), Settlement(date(2024, 2, 1), -80)]
    assert m.settlement_day(100, same_day, half) is None
    assert m.settlement_day(100, [Settlement(date(2024, 2, 1), 49)], half) is None
    assert m.settlement_day(0, [Settlement(date(2024, 2, 1), 49)], half) is None


def three_states() -> list[StateHistory]:
    """A pays all, 10 days after 1 January; B half, 100 days after; C has no history."""
    a = StateHistory(
        "AAA",
        (
            *(paid(y, 80_000_00, [(date(y, 1, 11), 80_000_00)]) for y in range(2021, 2026)),
            paid(2026, 60_000_00, [(date(2026, 1, 11), 60_000_00)]),
        ),
    )
    b = StateHistory(
        "BBB",
        (
            *(
                paid(y, 40_000_00, [(date(y, 1, 1) + timedelta(days=100), 20_000_00)])
                for y in range(2021, 2026)
            ),
            paid(2026, 30_000_00, []),
        ),
    )
    c = StateHistory("CCC", (paid(2026, 30_000_00, []),))
    return [a, b, c]


def test_habits_own_and_median() -> None:
    habits = m.behaviours(three_states(), date(2026, 1, 31), m.Method())
    assert habits["AAA"].share == 1 and habits["AAA"].delay_days == 10
    assert habits["AAA"].delays == (10,) * 5
    assert habits["BBB"].share == Fraction(1, 2) and habits["BBB"].delay_days == 100
    assert habits["BBB"].window_assessed == 200_000_00
    assert habits["BBB"].window_settled == 100_000_00
    c = habits["CCC"]
    assert (c.share, c.delay_days) == (Fraction(3, 4), 55)  # (1 + 1/2) / 2, (10 + 100) / 2
    assert (c.share_basis, c.delay_basis) == (Basis.MEDIAN, Basis.MEDIAN)
    assert habits["AAA"].share_basis is Basis.OWN


def test_a_state_that_never_paid_has_share_zero_and_the_median_delay() -> None:
    histories = three_states()
    never = StateHistory("DDD", tuple(paid(y, 10_000_00, []) for y in range(2021, 2027)))
    habits = m.behaviours([*histories, never], date(2026, 1, 31), m.Method())
    assert habits["DDD"].share == 0 and habits["DDD"].share_basis is Basis.OWN
    assert habits["DDD"].delay_days == 55 and habits["DDD"].delay_basis is Basis.MEDIAN
    # the median share is now over A, B and D: 1/2 (C still takes it)
    assert habits["CCC"].share == Fraction(1, 2)
    result = m.forecast(inputs([*histories, never]))
    assert not [e for e in result.forecasts[0].expected if e.state == "DDD"]


def test_share_is_capped_at_one_for_a_state_that_paid_ahead() -> None:
    over = StateHistory("AAA", (paid(2025, 100, [(date(2024, 12, 1), 150)]),))
    habit = m.behaviours([over], date(2026, 1, 31), m.Method())["AAA"]
    assert habit.share == 1 and habit.delay_days == -31


def test_no_history_at_all_uses_the_default_habit() -> None:
    new = [StateHistory("NEW", (paid(2026, 1_000_00, [], due_on=date(2026, 3, 1)),))]
    habits = m.behaviours(new, date(2026, 1, 31), m.Method())
    assert habits["NEW"].share_basis is Basis.DEFAULT
    assert (habits["NEW"].share, habits["NEW"].delay_days) == (1, 0)
    result = m.forecast(inputs(new), m.Method(default_share=Fraction(1, 2), default_delay_days=3))
    e, assumed = result.forecasts[0].expected
    assert (e.amount, e.arrives_on, e.month) == (500_00, date(2026, 3, 4), 2)
    assert (assumed.year, assumed.projected, assumed.month) == (2027, True, None)


def test_no_states_means_no_receipts() -> None:
    result = m.forecast(inputs([], spending=100, opening=500, reserve=1_000))
    base = result.forecasts[0]
    assert base.receipts == 0 and base.expected == ()
    assert [x.closing_before_draw for x in base.months][:6] == [400, 300, 200, 100, 0, -100]
    assert base.first_draw is not None and base.first_draw.month.label == "2026-07"
    assert base.drawn == 700 and base.months[-1].reserve_after == 300
    assert result.habits == {} and result.projections == {}


# --- what falls due and the expectations ----------------------------------------------


def test_the_three_states_month_by_month() -> None:
    """As at 31 January 2026, twelve months February 2026 - January 2027, the SEC
    spending 10,000.00 a month, 15,000.00 in the bank and 20,000.00 in the reserve.

    - A paid 2026 on 11 January: nothing left; 2027 (not assessed: assumed 60,000.00 as
      2026, due 1 January 2027) arrives 1 January + 10 days = 11 January 2027, month 12.
    - B paid its usual half of every year before 2026: nothing more expected on them;
      2026: 30,000.00 × 1/2 = 15,000.00 on 1 January + 100 days = 11 April (month 3);
      2027: 15,000.00 on 11 April 2027, after the horizon.
    - C (median: 3/4, 55 days): 30,000.00 × 3/4 = 22,500.00 on 25 February (month 1);
      2027: 22,500.00 on 25 February 2027, after the horizon."""
    result = m.forecast(
        inputs(three_states(), spending=10_000_00, opening=15_000_00, reserve=20_000_00)
    )
    assert result.projections == {"SEC": m.Projection("SEC", 2026, (2027,))}
    base = result.forecasts[0]
    got = [(e.state, e.year, e.arrives_on, e.amount, e.month) for e in base.expected]
    assert got == [
        ("AAA", 2027, date(2027, 1, 11), 60_000_00, 12),
        ("BBB", 2026, date(2026, 4, 11), 15_000_00, 3),
        ("BBB", 2027, date(2027, 4, 11), 15_000_00, None),
        ("CCC", 2026, date(2026, 2, 25), 22_500_00, 1),
        ("CCC", 2027, date(2027, 2, 25), 22_500_00, None),
    ]
    assert base.after_horizon == 37_500_00
    rows = [
        (x.receipts, x.closing_before_draw, x.draw, x.closing_after_draw, x.reserve_after)
        for x in base.months
    ]
    k = 100  # cents per dollar
    assert rows == [
        (22_500 * k, 27_500 * k, 0, 27_500 * k, 20_000 * k),  # 15,000 + 22,500 - 10,000
        (0, 17_500 * k, 0, 17_500 * k, 20_000 * k),
        (15_000 * k, 22_500 * k, 0, 22_500 * k, 20_000 * k),
        (0, 12_500 * k, 0, 12_500 * k, 20_000 * k),
        (0, 2_500 * k, 0, 2_500 * k, 20_000 * k),
        (0, -7_500 * k, 7_500 * k, 0, 12_500 * k),  # July: the reserve is drawn
        (0, -10_000 * k, 10_000 * k, 0, 2_500 * k),
        (0, -10_000 * k, 2_500 * k, -7_500 * k, 0),  # September: the reserve runs out
        (0, -17_500 * k, 0, -17_500 * k, 0),
        (0, -27_500 * k, 0, -27_500 * k, 0),
        (0, -37_500 * k, 0, -37_500 * k, 0),
        (60_000 * k, 12_500 * k, 0, 12_500 * k, 0),
    ]
    assert [x.shortfall for x in base.months][7:11] == [
        7_500 * k,
        17_500 * k,
        27_500 * k,
        37_500 * k,
    ]
    assert base.drawn == 20_000 * k and base.first_draw == base.months[5]


def test_a_credit_lowers_the_next_assessment_by_the_credit_times_the_share() -> None:
    credit = Scenario("credit", {"AAA": 4_000_00, "BBB": 10_000_00, "ZZZ": 1_00})
    result = m.forecast(inputs(three_states(), spending=10_000_00), scenarios=[credit])
    base, scenario = result.forecasts
    # A's 2027 (assumed 60,000.00) is asked 56,000.00 × 1 = 56,000.00
    a27 = next(e for e in scenario.expected if e.state == "AAA")
    assert (a27.amount, a27.credit) == (56_000_00, 4_000_00)
    assert scenario.months[-1].receipts == base.months[-1].receipts - 4_000_00
    # B's next assessment is 2027 (2026 fell due before as_at): (30,000 - 10,000) × 1/2
    b27 = next(e for e in scenario.expected if e.state == "BBB" and e.year == 2027)
    assert (b27.amount, b27.credit) == (10_000_00, 10_000_00)
    assert scenario.unused_credits == {"ZZZ": 1_00}


def test_credits_held_apply_in_every_scenario_with_the_scenarios_own() -> None:
    held = replace(inputs(three_states(), spending=10_000_00), credits={"AAA": 1_000_00})
    result = m.forecast(held, scenarios=[Scenario("more", {"AAA": 2_000_00})])
    base, more = result.forecasts
    assert base.months[-1].receipts == 59_000_00  # 60,000 - 1,000 held
    assert more.months[-1].receipts == 57_000_00  # and 2,000 more
    with pytest.raises(ValueError, match="held"):
        m.forecast(m.Inputs(date(2026, 1, 31), 1, (), (0,), 0, 0, credits={"A": -1}))


def test_a_credit_larger_than_the_next_assessment_moves_on_then_is_unused() -> None:
    h = [StateHistory("AAA", three_states()[0].assessments)]
    result = m.forecast(inputs(h, months=24), scenarios=[Scenario("big", {"AAA": 100_000_00})])
    scenario = result.forecasts[1]
    # 2027 and 2028 are assumed (60,000.00 each): 100,000.00 of credit covers 2027 and
    # 40,000.00 of 2028, which is asked 20,000.00
    assert result.projections["SEC"].years == (2027, 2028)
    assert [(e.year, e.amount) for e in scenario.expected] == [(2028, 20_000_00)]
    assert scenario.unused_credits == {}
    small = m.forecast(inputs(h, months=12), scenarios=[Scenario("big", {"AAA": 100_000_00})])
    assert small.forecasts[1].unused_credits == {"AAA": 40_000_00}


def test_a_transfer_to_the_reserve() -> None:
    move = Scenario("reserve", to_reserve_minor=10_000_00)
    result = m.forecast(
        inputs(three_states(), spending=10_000_00, opening=15_000_00, reserve=20_000_00),
        scenarios=[move],
    )
    s = result.forecasts[1]
    assert (s.opening_cash, s.reserve) == (5_000_00, 30_000_00)
    assert s.first_draw is not None and s.first_draw.month.label == "2026-06"
    # 5,000 + 22,500 - 10,000 = 17,500; 7,500; 12,500; 2,500; June -7,500: drawn 7,500,
    # then 10,000 in July and August, the last 2,500 in September
    assert [x.draw for x in s.months][4:8] == [7_500_00, 10_000_00, 10_000_00, 2_500_00]
    assert s.months[7].shortfall == 7_500_00 and s.drawn == 30_000_00


def test_late_states_are_expected_in_month_one_and_old_arrears_not_at_all() -> None:
    late = StateHistory(
        "LATE",
        (
            paid(2019, 1_000_00, []),  # older than the window (2021-2025): not expected
            paid(2024, 1_000_00, [(date(2024, 1, 31), 1_000_00)]),
            paid(2025, 1_000_00, [(date(2025, 1, 31), 500_00)]),
        ),
    )
    # window 2021-2025: share 1,500 / 2,000 = 3/4, both half paid 30 days after the due date
    result = m.forecast(inputs([late], as_at=date(2026, 6, 15)))
    habit = result.habits["LATE"]
    assert habit.share == Fraction(3, 4) and habit.delay_days == 30
    (e,) = [x for x in result.forecasts[0].expected if not x.projected]
    # 2025: target 1,000 × 3/4 = 750, settled 500: 250 more, due 2025-01-31 has passed
    assert (e.year, e.amount, e.arrives_on, e.month) == (2025, 250_00, date(2026, 6, 16), 1)


def test_rounding_of_one_expectation_is_half_up() -> None:
    # A State that paid 1 cent of 3 (share 1/3) is asked 5 cents: 5/3 = 1.67 → 2 cents
    one = [
        StateHistory(
            "AAA",
            (
                paid(2025, 3, [(date(2025, 1, 1), 1)]),
                paid(2026, 5, [], due_on=date(2026, 3, 1)),
            ),
        )
    ]
    (e,) = [x for x in m.forecast(inputs(one)).forecasts[0].expected if x.year == 2026]
    assert e.amount == 2


def test_projection_only_for_recent_funds() -> None:
    old = StateHistory("AAA", (paid(2023, 100, [], fund="CSP"), paid(2025, 100, [])))
    found = m.projections([old], date(2026, 1, 31), date(2027, 1, 31))
    assert found == {"SEC": m.Projection("SEC", 2025, (2026, 2027))}
    (projected,) = m.project([old], found)
    assumed = [a for a in projected.assessments if a.projected]
    assert [(a.year, a.due_on, a.outstanding) for a in assumed] == [
        (2026, date(2026, 1, 1), 100),
        (2027, date(2027, 1, 1), 100),
    ]


# --- spending --------------------------------------------------------------------------


def test_year_spending_plan_budget_assumed_none() -> None:
    plan = (0,) * 7 + (50_00,) + (0,) * 4
    assert m.year_spending(2026, {2026: 1_200}, {2026: plan}).source is m.SpendingSource.PLAN
    budget = m.year_spending(2026, {2025: 12, 2026: 1_213}, {})
    assert budget.months == (102,) + (101,) * 11  # 1,213 = 12 × 101 + 1
    assumed = m.year_spending(2027, {2025: 12, 2026: 1_213}, {})
    assert (assumed.source, assumed.budget_year, assumed.total) == (
        m.SpendingSource.ASSUMED_BUDGET,
        2026,
        1_213,
    )
    none = m.year_spending(2020, {2025: 12}, {})
    assert none.source is m.SpendingSource.NONE and none.total == 0
    with pytest.raises(ValueError, match="12"):
        m.year_spending(2026, {}, {2026: (1, 2)})


def test_monthly_spending_prorates_a_partial_first_month() -> None:
    months = m.horizon(date(2026, 6, 20), 2)
    years = {2026: m.year_spending(2026, {2026: 12 * 3_000}, {})}
    # June: 3,000 × 10/30 = 1,000; July whole
    assert m.monthly_spending(months, years) == (1_000, 3_000)


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="months of spending"):
        m.forecast(m.Inputs(date(2026, 1, 31), 12, (), (0,) * 11, 0, 0))
    with pytest.raises(ValueError, match="not negative"):
        m.forecast(inputs([]), scenarios=[Scenario("x", to_reserve_minor=-1)])
    with pytest.raises(ValueError, match="window"):
        m.Method(window_years=0)


# --- invariants ------------------------------------------------------------------------

day_offsets = st.integers(min_value=-60, max_value=900)


@st.composite
def histories(draw: st.DrawFn) -> list[StateHistory]:
    result = []
    for i in range(draw(st.integers(min_value=0, max_value=6))):
        items = []
        for year in sorted(draw(st.sets(st.integers(2018, 2027), max_size=6))):
            assessed = draw(st.integers(min_value=0, max_value=10**8))
            flows = [
                Settlement(date(year, 1, 1) + timedelta(days=draw(day_offsets)), amount)
                for amount in draw(st.lists(st.integers(-(10**6), 10**8), max_size=3))
            ]
            flows = [f for f in flows if f.on <= date(2026, 5, 31)]
            settled = sum(f.amount for f in flows)
            items.append(
                Assessment(
                    "SEC",
                    year,
                    date(year, 1, 1),
                    assessed,
                    settled,
                    assessed - settled,
                    tuple(flows),
                )
            )
        result.append(StateHistory(f"S{i:02d}", tuple(items)))
    return result


@given(
    histories(),
    st.integers(min_value=1, max_value=24),
    st.integers(min_value=0, max_value=10**8),
    st.integers(min_value=-(10**8), max_value=10**9),
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=10**7),
    st.dictionaries(st.sampled_from(["S00", "S01", "S02"]), st.integers(0, 10**8)),
)
def test_property_the_forecast_adds_up(
    found: list[StateHistory],
    months: int,
    spending: int,
    opening: int,
    reserve: int,
    floor: int,
    credits: dict[str, int],
) -> None:
    data = m.Inputs(
        as_at=date(2026, 5, 31),
        months=months,
        histories=tuple(found),
        spending=(spending,) * months,
        opening_cash=opening,
        reserve=reserve,
        floor=floor,
    )
    result = m.forecast(data, scenarios=[Scenario("c", credits, 1_000)])
    for f in result.forecasts:
        in_horizon = sum(e.amount for e in f.expected if e.month is not None)
        assert f.receipts == in_horizon
        assert all(e.amount > 0 for e in f.expected)
        cash, left = f.opening_cash, f.reserve
        for x in f.months:
            assert x.opening == cash
            assert x.closing_before_draw == cash + x.receipts - x.spending
            assert x.closing_after_draw == x.closing_before_draw + x.draw
            assert 0 <= x.draw <= left and x.reserve_after == left - x.draw
            assert x.shortfall == max(0, floor - x.closing_after_draw)
            assert x.shortfall == 0 or x.reserve_after == 0
            cash, left = x.closing_after_draw, x.reserve_after
        for e in f.expected:
            assert e.month is None or result.months[e.month - 1].start <= e.arrives_on
    for h in result.habits.values():
        assert 0 <= h.share <= 1
    base, with_credit = result.forecasts
    assert with_credit.receipts + with_credit.after_horizon <= base.receipts + base.after_horizon
