"""The pure aging calculation and the Rule 8 trigger."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from finance_core.arrears.aging import (
    AgingRules,
    Cell,
    age_cells,
    bucket_names,
    bucket_of,
    collection,
    trigger,
)

RULES = AgingRules()


def test_bucket_names_follow_the_rule() -> None:
    assert bucket_names(3) == ["not_due", "current", "1_year", "2_years", "3_years_plus"]
    assert bucket_names(1) == ["not_due", "current", "1_year_plus"]
    assert bucket_names(5)[-2:] == ["4_years", "5_years_plus"]


def test_buckets_by_year_and_due_date() -> None:
    as_at = date(2025, 6, 1)
    assert bucket_of(2026, date(2026, 1, 1), as_at, 3) == "not_due"
    assert bucket_of(2025, date(2025, 7, 1), as_at, 3) == "not_due"  # due later this year
    assert bucket_of(2025, date(2025, 6, 1), as_at, 3) == "current"  # due today
    assert bucket_of(2024, date(2024, 1, 1), as_at, 3) == "1_year"
    assert bucket_of(2023, date(2023, 1, 1), as_at, 3) == "2_years"
    assert bucket_of(2022, date(2022, 1, 1), as_at, 3) == "3_years_plus"
    assert bucket_of(1999, date(1999, 1, 1), as_at, 3) == "3_years_plus"
    assert bucket_of(2023, date(2023, 1, 1), as_at, 1) == "1_year_plus"


def test_arrears_are_earlier_years_of_the_arrears_funds_only() -> None:
    cells = [
        Cell("X", "SEC", 2025, date(2025, 1, 1), assessed=100),
        Cell("X", "SEC", 2024, date(2024, 1, 1), assessed=100, paid=30),
        Cell("X", "CSP", 2023, date(2023, 1, 1), assessed=50),
        Cell("X", "VTF", 2022, date(2022, 1, 1), assessed=7),
        Cell("X", "SEC", 2026, date(2026, 1, 1), assessed=90),
    ]
    x = age_cells(cells, date(2025, 6, 1), RULES)["X"]
    assert x.outstanding == 100 + 70 + 50 + 7 + 90
    assert x.arrears == 70 + 50  # not the VTF amount, not current, not next year
    assert x.buckets == {
        "not_due": 90,
        "current": 100,
        "1_year": 70,
        "2_years": 50,
        "3_years_plus": 7,
    }
    assert x.oldest_year_due == 2022
    days = {a.cell.year: a.days_past_due for a in x.cells}
    assert days == {2025: 151, 2024: 517, 2023: 882, 2022: 1247, 2026: 0}


def test_a_credit_balance_is_kept_signed_and_not_overdue() -> None:
    cells = [Cell("X", "SEC", 2024, date(2024, 1, 1), assessed=100, paid=130)]
    x = age_cells(cells, date(2025, 6, 1), RULES)["X"]
    assert x.outstanding == -30 == x.buckets["1_year"]
    assert x.cells[0].days_past_due == 0 and x.oldest_year_due is None


cell = st.builds(
    Cell,
    state=st.sampled_from(["A", "B", "C"]),
    fund=st.sampled_from(["SEC", "CSP", "VTF"]),
    year=st.integers(2010, 2030),
    due_on=st.dates(date(2010, 1, 1), date(2031, 1, 1)),
    assessed=st.integers(-(10**9), 10**9),
    paid=st.integers(-(10**9), 10**9),
    credited=st.integers(-(10**9), 10**9),
    written_off=st.integers(-(10**9), 10**9),
    adjusted=st.integers(-(10**9), 10**9),
)


@given(st.lists(cell, max_size=30), st.dates(date(2010, 1, 1), date(2031, 1, 1)), st.integers(1, 6))
def test_property_buckets_sum_to_outstanding(cells: list[Cell], as_at: date, n: int) -> None:
    rules = AgingRules(bucket_years=n)
    states = age_cells(cells, as_at, rules)
    for code, position in states.items():
        mine = [c for c in cells if c.state == code]
        assert sum(position.buckets.values()) == position.outstanding
        assert position.outstanding == sum(c.outstanding for c in mine)
        assert list(position.buckets) == bucket_names(n)
    assert sum(c.outstanding for c in collection(cells)) == sum(c.outstanding for c in cells)


def test_trigger_at_and_below_the_threshold() -> None:
    def cells(arrears_2023: int) -> list[Cell]:
        return [
            Cell("X", "SEC", 2023, date(2023, 1, 1), assessed=25_000, paid=25_000 - arrears_2023),
            Cell("X", "SEC", 2024, date(2024, 1, 1), assessed=25_000),
            Cell("X", "SEC", 2025, date(2025, 1, 1), assessed=25_000),
        ]

    as_at = date(2025, 8, 25)
    for arrears_2023, met in ((25_000, True), (24_999, False)):
        found = cells(arrears_2023)
        t = trigger(age_cells(found, as_at, RULES)["X"], found, as_at, RULES)
        assert (t.arrears, t.threshold, t.years) == (25_000 + arrears_2023, 50_000, (2024, 2023))
        assert t.met is met
    nothing: list[Cell] = []
    assert not trigger(None, nothing, as_at, RULES).met  # no arrears, no threshold: not met
    strict = AgingRules(trigger_minimum=100_000)
    found = cells(25_000)
    assert not trigger(age_cells(found, as_at, strict)["X"], found, as_at, strict).met


def test_collection_rate() -> None:
    rows = collection(
        [
            Cell("A", "SEC", 2024, date(2024, 1, 1), assessed=300, paid=200, credited=25),
            Cell("B", "SEC", 2024, date(2024, 1, 1), assessed=100, written_off=5),
            Cell("A", "CSP", 2024, date(2024, 1, 1)),
        ]
    )
    by_fund = {r.fund: r for r in rows}
    assert (by_fund["SEC"].collected, by_fund["SEC"].outstanding) == (225, 170)
    assert by_fund["SEC"].rate is not None and float(by_fund["SEC"].rate) == 225 / 400
    assert by_fund["CSP"].rate is None
