"""API shapes of the assessment preview (the "what if" calculator)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field


class PreviewParticipant(BaseModel):
    """A payer: a UN rate in percent, or a fixed share in percent. Codes are opaque."""

    code: str = Field(min_length=1, max_length=60)
    name: str = Field(default="", max_length=200)
    un_rate: Decimal | None = Field(default=None, description="UN scale rate, percent.")
    ldc: bool = Field(default=False, description="A least developed country (LDC cap applies).")
    fixed_share: Decimal | None = Field(default=None, description="Fixed share, percent.")


class PreviewRequest(BaseModel):
    """An amount to share and the rules to share it by (percent; null: no such limit)."""

    amount: Decimal = Field(description='Amount to assess, e.g. "14078652".')
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    rounding_unit: Decimal = Field(default=Decimal(1), description="1 or 0.01.")
    ceiling: Decimal | None = Field(default=None, description="Maximum rate, percent.")
    ldc_cap: Decimal | None = Field(default=None, description="Maximum rate of an LDC, percent.")
    floor_rate: Decimal | None = Field(default=None, description="Minimum rate, percent.")
    floor_amount: Decimal | None = Field(default=None, description="Minimum amount.")
    participants: list[PreviewParticipant] = Field(min_length=1, max_length=5000)


class PreviewRow(BaseModel):
    code: str
    name: str
    un_rate: str | None
    fixed_share: str | None
    adjusted_rate: str = Field(description="Percent, 10 decimals.")
    factor: str | None = Field(
        description="What the UN rate was multiplied by (null when a cap, floor or fixed "
        "share set the rate)."
    )
    amount: str = Field(description="With the rounding unit's decimals.")
    capped: str | None = Field(description="null, ldc_cap, ceiling, floor or fixed_share.")
    rounded_up: bool = Field(description="Received one unit of the rounding remainder.")


class PreviewResponse(BaseModel):
    total: str
    currency: str
    rounding_unit: str
    iterations: int = Field(description="Rounds of fixing caps and floors.")
    rows: list[PreviewRow]


class RunIn(BaseModel):
    """When to run (the value date of the ledger entry and the date of the notices)."""

    run_on: date


class SupplementaryIn(RunIn):
    state_code: str = Field(min_length=3, max_length=3)


class RunLineOut(BaseModel):
    state_code: str
    un_rate: str | None
    rate: str = Field(description="Adjusted rate, percent.")
    limit: str | None
    pro_rata: str = Field(description="Share of the year assessed (1 = full year).")
    amount: str = Field(description="Cumulative amount for the budget, US dollars.")
    posted: str = Field(description="What this run posted, US dollars.")


class RunOut(BaseModel):
    id: int
    budget_id: int
    fund: str
    year: int
    kind: str
    run_on: date
    due_on: date
    payers_as_at: date
    scale_code: str
    amount: str = Field(description="Total assessed after this run, US dollars.")
    posted: str = Field(description="Total posted by this run, US dollars.")
    entry_seq: int | None
    supplementary_state: str | None


class RunDetail(RunOut):
    lines: list[RunLineOut]


class ExplanationOut(BaseModel):
    state_code: str
    run_id: int
    kind: str
    amount_to_assess: str
    scale_code: str
    un_rate: str | None
    ldc: bool
    rate: str
    limit: str | None
    pro_rata: str
    stored: str
    recomputed: str
    posted: str
    matches: bool
