"""API shapes of expenditures, commitments and budget execution. Amounts are decimal
strings: ``amount`` in the currency paid or committed (with at most its decimals), every
other amount in US dollars."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from finance_core.expenditures.models import Category


class LineRef(BaseModel):
    """The budget line: its id, or the budget's fund and year with the line's code."""

    budget_line_id: int | None = Field(default=None, description="Budget line id.")
    fund: str | None = Field(default=None, max_length=16, examples=["SEC"])
    year: int | None = Field(default=None, description="The budget's year.", examples=[2024])
    line_code: str | None = Field(default=None, max_length=40, examples=["SEC-01"])


class ExpenditureIn(LineRef):
    """A payment out of the fund's bank account for a budget line."""

    value_on: date = Field(description="The day the bank paid (not in the future).")
    amount: str = Field(description='Amount paid, e.g. "2500.00".', examples=["2500.00"])
    currency: str = Field(default="USD", description="ISO 4217 code.", examples=["CHF"])
    usd_amount: str | None = Field(
        default=None,
        description="US dollars the bank debited; if absent, a provisional amount from the "
        "exchange-rate table (USD payments: the amount itself).",
    )
    category: Category
    payee: str = Field(min_length=1, max_length=200)
    reference: str = Field(min_length=1, max_length=120, description="Invoice or bank reference.")
    description: str | None = Field(default=None, max_length=2000)
    commitment_id: int | None = Field(
        default=None, description="The commitment this payment liquidates (fully or partly)."
    )
    confirm_duplicate_reference: bool = Field(
        default=False, description="Record it although the payee's reference was used before."
    )


class CommitmentIn(LineRef):
    """An obligation against a budget line (a contract, a purchase order), not yet paid."""

    committed_on: date = Field(description="The day of the obligation (in the budget's year).")
    amount: str = Field(description='Amount committed, e.g. "12000.00".')
    currency: str = Field(
        default="USD", description="ISO 4217 code; converted at the table's rate."
    )
    payee: str = Field(min_length=1, max_length=200)
    reference: str = Field(min_length=1, max_length=120, description="Contract or order number.")
    description: str | None = Field(default=None, max_length=2000)


class CancellationIn(BaseModel):
    cancelled_on: date = Field(description="From this day the open remainder is cancelled.")
    reason: str = Field(min_length=1, max_length=2000, examples=["Contract completed under budget"])


class LineOut(BaseModel):
    """The budget line a record belongs to."""

    budget_line_id: int
    fund: str
    year: int
    line_code: str
    line_title: str


class ExpenditureReversalOut(BaseModel):
    value_on: date
    reason: str
    entry_seq: int
    recorded_by: str


class ExpenditureOut(LineOut):
    id: int
    value_on: date
    category: str
    amount: str
    currency: str
    usd_amount: str = Field(description="US dollars posted to the line's expenditure.")
    usd_provisional: bool
    usd_confirmed: str | None = Field(
        description="The bank's US dollar figure, once confirmed (the difference posted to "
        "exchange gain/loss)."
    )
    exchange_rate: str | None
    payee: str
    reference: str
    description: str | None
    commitment_id: int | None
    liquidated: str = Field(description="US dollars of the commitment it liquidated.")
    entry_seq: int
    recorded_at: datetime
    recorded_by: str
    reversal: ExpenditureReversalOut | None


class CancellationOut(BaseModel):
    cancelled_on: date
    amount: str = Field(description="US dollars that were still open.")
    reason: str
    recorded_by: str


class CommitmentOut(LineOut):
    id: int
    committed_on: date
    amount: str
    currency: str
    usd_amount: str
    exchange_rate: str | None
    payee: str
    reference: str
    description: str | None
    liquidated: str = Field(description="US dollars liquidated by expenditures not reversed.")
    open: str = Field(description="US dollars still to be paid (zero once cancelled).")
    status: str = Field(description="open, liquidated or cancelled.")
    cancellation: CancellationOut | None
    expenditure_ids: list[int]
    recorded_at: datetime
    recorded_by: str


class ExecutionFigures(BaseModel):
    """US dollars; ``available`` = revised − commitments − actual; ``execution_rate`` =
    actual / revised in percent (2 decimals; none without a revised budget)."""

    original: str = Field(description="The budget as first adopted (version 0).")
    revised: str = Field(description="The version in force as at the date.")
    commitments: str = Field(description="Open commitments.")
    actual: str = Field(description="Expenditure posted to the ledger, net of reversals.")
    available: str
    execution_rate: str | None


class ExecutionLineOut(ExecutionFigures):
    fund: str
    year: int
    budget_line_id: int
    line_code: str
    line_title: str


class ExecutionTotalOut(ExecutionFigures):
    fund: str
    year: int


class ExecutionOut(BaseModel):
    """Budget vs commitments vs actual as at ``(as_at, known_at)``."""

    as_at: date
    known_at: datetime | None
    lines: list[ExecutionLineOut]
    totals: list[ExecutionTotalOut] = Field(description="Per fund and year.")
