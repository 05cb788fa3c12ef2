"""API shapes of receipts. Amounts are decimal strings: ``amount`` in the currency
received (with at most its decimals), ``usd_amount`` in US dollars."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class ReceiptIn(BaseModel):
    """A payment as the bank shows it."""

    state_code: str = Field(min_length=1, max_length=3, examples=["FRA"])
    value_on: date
    amount: str = Field(description='Amount received, e.g. "12500.00".', examples=["12500.00"])
    currency: str = Field(default="USD", description="ISO 4217 code.", examples=["CHF"])
    usd_amount: str | None = Field(
        default=None,
        description="US dollars credited by the bank; if absent, a provisional amount "
        "from the exchange-rate table (USD receipts: the amount itself).",
    )
    bank_reference: str = Field(min_length=1, max_length=120)
    earmark_fund: str | None = Field(default=None, description="Fund the State named.")
    earmark_year: int | None = Field(default=None, description="Assessment year named.")
    note: str | None = Field(default=None, max_length=2000)
    confirm_duplicate_reference: bool = Field(
        default=False, description="Record it although the bank reference was used before."
    )
    write_off_shortfall: bool = Field(
        default=False,
        description="Write off a shortfall within the policy's tolerance (bank charges).",
    )


class AllocationOut(BaseModel):
    fund: str
    assessment_year: int | None
    amount: str = Field(description="US dollars.")
    rule: str = Field(description="oldest_first, earmark, credit or write_off.")


class ReversalOut(BaseModel):
    value_on: date
    reason: str
    entry_seq: int
    recorded_by: str


class ReceiptOut(BaseModel):
    """The receipt document: what came in and where it went, and why."""

    id: int
    state_code: str
    state_name: str
    value_on: date
    amount: str
    currency: str
    usd_amount: str
    usd_provisional: bool
    usd_confirmed: str | None = Field(
        description="The bank's US dollar figure, once confirmed (the difference posted to "
        "exchange gain/loss)."
    )
    exchange_rate: str | None
    bank_reference: str
    earmark_fund: str | None
    earmark_year: int | None
    note: str | None
    entry_seq: int
    write_off_entry_seq: int | None
    recorded_at: datetime
    recorded_by: str
    allocations: list[AllocationOut]
    reversal: ReversalOut | None


class ReversalIn(BaseModel):
    value_on: date = Field(description="When the money went back (an open period).")
    reason: str = Field(min_length=1, max_length=2000, examples=["Returned by the bank"])


class ExchangeRateIn(BaseModel):
    currency: str = Field(min_length=3, max_length=3)
    valid_on: date
    usd_per_unit: str = Field(description='US dollars per unit, e.g. "1.1234".')
    source: str = Field(min_length=1, max_length=200)


class ExchangeRateOut(BaseModel):
    currency: str
    valid_on: date
    usd_per_unit: str
    source: str


class CreditApplyIn(BaseModel):
    value_on: date
    amount: str | None = Field(default=None, description="US dollars; default: all credit.")
    earmark_fund: str | None = None
    earmark_year: int | None = None


class RefundIn(BaseModel):
    value_on: date
    amount: str = Field(description="US dollars.")
    bank_reference: str = Field(min_length=1, max_length=120)
    reason: str = Field(min_length=1, max_length=2000)


class UsdConfirmationIn(BaseModel):
    usd_amount: str = Field(description="US dollars the bank credited.")
    value_on: date


class CreditUseOut(BaseModel):
    id: int
    kind: str = Field(description="applied or refund.")
    value_on: date
    amount: str
    bank_reference: str | None
    reason: str | None
    entry_seq: int
    allocations: list[AllocationOut]


class CreditOut(BaseModel):
    state_code: str
    credit: str = Field(description="US dollars the Secretariat holds for the State.")
    uses: list[CreditUseOut]
