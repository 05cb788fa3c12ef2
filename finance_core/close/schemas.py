"""API shapes of the year-end close and the surplus decision. Amounts are US dollar
decimal strings ("1234.56"; revenue, gains and expenses positive, a deficit negative),
dates ISO 8601, percentages and months decimal strings."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from finance_core.close.models import CloseStatus, DecisionOption
from finance_core.close.surplus import CreditRule


class FiguresOut(BaseModel):
    """A fund-year's surplus on an accrual and on a cash basis."""

    assessed_revenue: str
    voluntary_revenue: str
    other_revenue: str
    exchange_gain_loss: str = Field(description="A gain positive, a loss negative.")
    write_off: str
    expenditure: str
    surplus: str = Field(
        description="assessed + voluntary + other revenue + exchange gain/loss "
        "- write-offs - expenditure (negative: a deficit)."
    )
    cash_collected: str = Field(
        description="Paid by 31 December on the year's assessments (receipts and credits)."
    )
    cash_spent: str = Field(description="Expenditure dated in the year.")
    cash_surplus: str


class CloseProposalIn(BaseModel):
    """A finance officer proposing the close of a fund-year (the figures are frozen)."""

    note: str | None = Field(default=None, max_length=2000)


class CloseApprovalIn(BaseModel):
    """A second finance officer approving the close."""

    reference: str = Field(min_length=1, max_length=200, examples=["ATT/SEC/FIN/CLOSE/2024/SEC"])


class CloseOut(BaseModel):
    id: int
    fund: str
    year: int
    status: CloseStatus
    figures: FiguresOut
    note: str | None
    proposed_by: str
    proposed_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    reference: str | None
    closing_entry_seq: int | None


class SurplusOut(BaseModel):
    """A fund-year's figures: from the approved (or proposed) close when there is one,
    else from the ledger as known at ``known_at``."""

    fund: str
    year: int
    as_at: date
    known_at: datetime | None
    source: str = Field(description="approved close N, proposed close N, or ledger")
    closed: bool
    figures: FiguresOut
    close: CloseOut | None


class PartIn(BaseModel):
    """A part of the surplus: a percentage of it, or an amount (one of them)."""

    percent: str | None = Field(default=None, examples=["60"])
    amount: str | None = Field(default=None, examples=["125000.00"])


class SurplusDecisionIn(BaseModel):
    """The CSP's decision on the surplus of a closed fund-year.

    ``credit_states``: all of it credited to the States by ``credit_rule``;
    ``to_reserve``: all of it to the reserve; ``split``: ``to_states`` and/or
    ``to_reserve`` (a percentage or an amount each): when only one part is named the
    other gets the rest, when both are, what they leave stays in the fund."""

    decided_on: date
    reference: str = Field(min_length=1, max_length=200, examples=["ATT/CSP11/2025/CONF/4"])
    option: DecisionOption
    credit_rule: CreditRule = CreditRule.PRO_RATA_ASSESSED
    to_states: PartIn | None = None
    to_reserve: PartIn | None = None
    note: str | None = Field(default=None, max_length=2000)


class StateCreditOut(BaseModel):
    state_code: str
    state_name: str
    assessed: str = Field(description="The State's assessment for the year (its weight).")
    amount: str


class SurplusDecisionOut(BaseModel):
    id: int
    close_id: int
    fund: str
    year: int
    decided_on: date
    reference: str
    option: DecisionOption
    credit_rule: CreditRule | None
    states_percent: str | None
    states_amount: str | None
    reserve_percent: str | None
    reserve_amount: str | None
    surplus: str
    to_states: str
    to_reserve: str
    retained: str = Field(description="Left in the fund's accumulated surplus.")
    credit_fund: str | None
    credit_entry_seq: int | None
    transfer_movement_id: int | None
    settlement_movement_id: int | None
    credits: list[StateCreditOut]
    note: str | None
    recorded_at: datetime
    recorded_by: str


class StateEffectOut(BaseModel):
    """One State under one option (positive balances are owed by the State)."""

    state_code: str
    state_name: str
    assessed: str = Field(description="Its assessment for the year of the surplus.")
    paid_in_full: bool = Field(description="Whether it had paid that assessment by as_at.")
    credit: str = Field(description="The credit it would receive.")
    owed: str = Field(description="Everything it owes as at as_at, every fund and year.")
    credit_held: str = Field(description="Credit it already holds.")
    balance_after: str = Field(description="owed - credit held - credit (negative: credit).")
    next_year_assessed: str | None = Field(description="Its next-year assessment, if recorded.")
    next_year_to_pay: str | None = Field(
        description="next_year_assessed - credit (negative: credit left over)."
    )


class OutcomeOut(BaseModel):
    name: str
    feasible: bool
    note: str | None
    credit_rule: CreditRule
    to_states: str
    to_reserve: str
    retained: str
    reserve_balance_after: str
    months_covered_after: str | None
    states: list[StateEffectOut]


class SimulationOut(BaseModel):
    """Each option's outcome side by side; nothing is stored."""

    fund: str
    year: int
    as_at: date
    known_at: datetime | None
    surplus: str
    surplus_source: str
    reserve_balance: str
    months_covered: str | None
    outcomes: list[OutcomeOut]
