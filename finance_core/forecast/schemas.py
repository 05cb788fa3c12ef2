"""API shapes of the cash forecast and of spending plans. Amounts are US dollar decimal
strings ("1234.56"); dates ISO 8601; months ``YYYY-MM``."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class SpendingMonthIn(BaseModel):
    """A month's planned spending (1 = January; US dollars)."""

    month: int = Field(ge=1, le=12)
    amount: str = Field(examples=["85000.00"])


class SpendingPlanIn(BaseModel):
    """A fund-year's spending plan; months not given plan nothing. Recording a plan for a
    fund-year that has one records a new version, which replaces it."""

    fund: str = Field(examples=["SEC"])
    year: int = Field(ge=2014, le=2100)
    reference: str = Field(min_length=1, max_length=200, examples=["ATT/SEC/2026/SP1"])
    months: list[SpendingMonthIn] = Field(min_length=1, max_length=12)


class SpendingPlanOut(BaseModel):
    """A version of a fund-year's spending plan: twelve monthly amounts, January first,
    their total, and the budget in force for the year today (None without one)."""

    fund: str
    year: int
    version: int
    reference: str
    months: list[str]
    total: str
    budget: str | None
    recorded_at: datetime
    recorded_by: str


class MethodOut(BaseModel):
    """The method's parameters: the window's assessment years, the fraction of an
    assessment whose payment marks its settlement day, the habit assumed when no State
    has one (share in percent, delay in days), and the floor cash is kept at."""

    window_years: int
    window_first_year: int
    window_last_year: int
    settled_fraction: str
    default_share: str
    default_delay_days: int
    floor: str


class HabitOut(BaseModel):
    """A State's share (percent of what it is assessed that it pays, two decimals) and
    delay (days after the due date), each ``own``, ``median`` or ``default``, with the
    window's figures behind its own."""

    state_code: str
    state_name: str
    share: str
    delay_days: int
    share_basis: str
    delay_basis: str
    window_assessed: str
    window_settled: str
    window_delays: list[int]


class SpendingYearOut(BaseModel):
    """A fund-year's spending by calendar month (January first) and where it comes from:
    ``plan``, ``budget`` (split evenly), ``assumed_budget`` (an earlier year's budget:
    ``budget_year``) or ``none``."""

    fund: str
    year: int
    source: str
    budget_year: int | None
    total: str
    months: list[str]


class ProjectionOut(BaseModel):
    """Assessments assumed for ``years``: each State assessed as for ``base_year``."""

    fund: str
    base_year: int
    years: list[int]


class MonthOut(BaseModel):
    """One month of a forecast (its first and last day counted)."""

    month: str
    start: date
    end: date
    opening_cash: str
    receipts: str
    spending: str
    closing_before_draw: str
    draw: str
    closing_after_draw: str
    reserve_after: str
    shortfall: str


class ExpectedOut(BaseModel):
    """Money expected from a State on one assessment (``projected``: an assumed one), the
    month it arrives in (None: after the horizon), and a scenario's credit that lowered
    it."""

    state_code: str
    fund: str
    assessment_year: int
    due_on: date
    arrives_on: date
    month: str | None
    amount: str
    projected: bool
    credit: str


class ScenarioOut(BaseModel):
    """A scenario's forecast: its decision (credits per State, transfer to the reserve),
    the opening cash and the reserve available it starts from, each month, the totals, and every
    expectation."""

    name: str
    state_credits: dict[str, str]
    to_reserve: str
    opening_cash: str
    reserve: str
    receipts: str
    after_horizon: str
    spending: str
    drawn: str
    first_draw_month: str | None
    largest_shortfall: str
    lowest_cash: str
    unused_credits: dict[str, str]
    months: list[MonthOut]
    expected: list[ExpectedOut]


class ForecastOut(BaseModel):
    """The cash forecast as at ``(as_at, known_at)`` of the assessed funds named: opening
    cash (bank balances) per fund, the reserve (its balance, its cash, and what it can
    advance: the cash, at most the balance), the credit each State holds (applied to its
    next assessments in every scenario), the method,
    each State's habit, the spending by year, the assessments assumed, notes on what was
    assumed, and the forecast of each scenario (the baseline first)."""

    as_at: date
    known_at: datetime | None
    funds: list[str]
    months: int
    opening_cash: str
    opening_cash_by_fund: dict[str, str]
    reserve_fund: str
    reserve_balance: str
    reserve_cash: str
    reserve_available: str
    credits_held: dict[str, str]
    method: MethodOut
    habits: list[HabitOut]
    spending_years: list[SpendingYearOut]
    projections: list[ProjectionOut]
    notes: list[str]
    scenarios: list[ScenarioOut]
