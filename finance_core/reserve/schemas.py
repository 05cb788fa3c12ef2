"""API shapes of the reserve. Amounts are US dollar decimal strings ("1234.56"), dates
ISO 8601, percentages and months decimal strings."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from finance_core.reserve.models import MovementKind, TargetBasis


class TargetRuleIn(BaseModel):
    """A target rule adopted by a decision, in force from ``effective_from``."""

    effective_from: date
    basis: TargetBasis = TargetBasis.BUDGET_SHARE
    percent: str | None = Field(
        default=None, description="For budget_share: percent of the annual budget, e.g. 5."
    )
    months: str | None = Field(
        default=None, description="For months_of_spending: months of planned spending, e.g. 3."
    )
    budget_funds: list[str] = Field(
        default=["SEC", "CSP"],
        min_length=1,
        description="The funds whose budgets make the annual budget (and the monthly "
        "planned spending: that budget ÷ 12).",
    )
    reference: str = Field(min_length=1, max_length=300, examples=["ATT/CSP8/2022/WP.4"])


class TargetRuleOut(BaseModel):
    id: int
    effective_from: date
    basis: TargetBasis
    percent: str | None
    months: str | None
    budget_funds: list[str]
    reference: str
    recorded_at: datetime
    recorded_by: str


class MovementIn(BaseModel):
    """A movement an officer records (``transfer_in`` comes from a surplus decision).

    - ``contribution``: money given for the reserve by a State (``state_code``) or
      another donor (``donor``); ``reference`` is the bank reference or pledge;
    - ``draw_down``: cash advanced to ``fund`` (default SEC) to bridge a liquidity gap;
      ``reference`` is the approval (e.g. the Management Committee's decision);
    - ``replenishment``: ``fund`` paying back what it drew;
    - ``settlement``: ``fund`` paying over the cash of a surplus transfer still owed."""

    kind: MovementKind
    value_on: date
    amount: str = Field(examples=["150000.00"])
    fund: str | None = Field(default=None, description="The other fund (default SEC).")
    state_code: str | None = None
    donor: str | None = Field(default=None, max_length=200)
    reference: str = Field(min_length=1, max_length=200)
    note: str | None = Field(default=None, max_length=2000)


class MovementOut(BaseModel):
    id: int
    kind: MovementKind
    value_on: date
    amount: str
    fund: str | None
    state_code: str | None
    donor: str | None
    reference: str
    note: str | None
    entry_seq: int
    recorded_at: datetime
    recorded_by: str


class ReservePositionOut(BaseModel):
    """The reserve as at ``(as_at, known_at)``."""

    as_at: date
    known_at: datetime | None
    balance: str = Field(description="The reserve: the credit balance of WCF.reserve.")
    cash: str = Field(description="Cash the Working Capital Fund holds (WCF.bank).")
    advanced: dict[str, str] = Field(
        description="Draw-downs not yet replenished, per fund that drew them."
    )
    receivable: dict[str, str] = Field(
        description="Surplus transfers whose cash a fund still owes, per fund."
    )
    available: str = Field(description="What a draw-down may take now.")
    rule: TargetRuleOut | None
    budget_year: int | None = Field(description="The year whose budgets give the basis.")
    annual_budget: str | None
    monthly_spending: str | None = Field(description="Planned spending a month: budget ÷ 12.")
    target: str | None
    gap: str | None = Field(description="Target minus balance (positive: below target).")
    months_covered: str | None = Field(description="Balance ÷ monthly planned spending.")
