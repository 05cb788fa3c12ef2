"""API shapes of arrears, Rule 8 and payment plans. Amounts are US dollar decimal
strings ("1234.56"); dates ISO 8601."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class ArrearsRuleIn(BaseModel):
    """A rule adopted by a decision (see ``ArrearsRule`` for what each part means)."""

    effective_from: date
    arrears_funds: list[str] = Field(default=["SEC", "CSP"], min_length=1)
    bucket_years: int = Field(default=3, ge=1, le=30)
    trigger_years: int = Field(default=2, ge=1, le=30)
    trigger_minimum: str = Field(default="0.00", description="Arrears must exceed this (USD).")
    measures: list[str] = Field(
        default=[
            "no_vote",
            "no_bureau",
            "no_management_committee",
            "no_vtf_selection_committee",
            "no_sponsorship",
        ]
    )
    plan_max_years: int = Field(default=6, ge=1, le=30)
    plan_lead_days: int = Field(default=60, ge=0, le=366)
    plan_grace_days: int = Field(default=30, ge=0, le=366)
    plan_counts_new_assessments: bool = True
    reference: str = Field(
        min_length=1, max_length=300, examples=["ATT/CSP7/2021/SEC/681/Conf.Rep"]
    )


class ArrearsRuleOut(BaseModel):
    id: int
    effective_from: date
    arrears_funds: list[str]
    bucket_years: int
    trigger_years: int
    trigger_minimum: str
    measures: list[str]
    plan_max_years: int
    plan_lead_days: int
    plan_grace_days: int
    plan_counts_new_assessments: bool
    reference: str
    recorded_at: datetime
    recorded_by: str


class AgingCellOut(BaseModel):
    """One fund and assessment year of a State."""

    fund: str
    assessment_year: int
    due_on: date
    assessed: str
    paid: str = Field(description="Receipts net of reversals.")
    credited: str = Field(description="The State's credit applied.")
    written_off: str
    adjusted: str = Field(description="Other movements, signed as they change the debt.")
    outstanding: str
    bucket: str
    days_past_due: int


class StateAgingOut(BaseModel):
    state_code: str
    state_name: str
    outstanding: str = Field(description="Everything outstanding, every fund.")
    arrears: str = Field(description="Outstanding on years before the as-at year, arrears funds.")
    buckets: dict[str, str]
    oldest_year_due: int | None
    cells: list[AgingCellOut]


class AgingOut(BaseModel):
    """Arrears and aging as at ``(as_at, known_at)``: buckets sum to ``outstanding``,
    which equals the ledger's receivable balance."""

    as_at: date
    known_at: datetime | None
    rule_id: int
    rule_reference: str
    buckets: list[str] = Field(description="Bucket names, youngest first.")
    arrears_funds: list[str]
    totals: dict[str, str] = Field(description="Per bucket, plus outstanding and arrears.")
    states: list[StateAgingOut]


class CollectionOut(BaseModel):
    fund: str
    assessment_year: int
    assessed: str
    collected: str = Field(description="Paid plus credit applied.")
    written_off: str
    outstanding: str
    rate: str | None = Field(description="Collected / assessed, percent with 2 decimals.")


class HistoryPointOut(BaseModel):
    as_at: date
    outstanding: str
    arrears: str
    buckets: dict[str, str]


class TriggerOut(BaseModel):
    met: bool
    arrears: str
    threshold: str = Field(description="Contributions assessed for the preceding full years.")
    years: list[int]
    minimum: str


class Rule8StateOut(BaseModel):
    """One State as at the date: subject to the measures, exempt, or neither, and why."""

    state_code: str
    state_name: str
    status: str = Field(description="Membership status on the date.")
    outstanding: str
    arrears: str
    trigger: TriggerOut
    subject: bool = Field(description="The measures apply.")
    exempt: bool = Field(description="The trigger is met but a payment plan exempts it.")
    plan_id: int | None
    plan_standing: str | None
    measures: list[str]
    reason: str


class Rule8Out(BaseModel):
    as_at: date
    known_at: datetime | None
    conference: int | None
    conference_name: str | None
    rule_id: int
    rule_reference: str
    measures: dict[str, str] = Field(description="Measure code → what it means.")
    subject: int
    exempt: int
    items: list[Rule8StateOut] = Field(description="Every State owing arrears, most first.")


class InstalmentIn(BaseModel):
    due_on: date
    amount: str = Field(examples=["25000.00"])


class PaymentPlanIn(BaseModel):
    """An application under Rule 8(1)(d), as the note verbale gives it."""

    state_code: str = Field(min_length=1, max_length=3)
    received_on: date
    note_verbale: str = Field(min_length=1, max_length=200)
    reasons: str = Field(min_length=1, max_length=5000, description="Confidential.")
    total_outstanding: str = Field(description="Total the State says it owes (USD).")
    instalments: list[InstalmentIn] = Field(min_length=1, max_length=200)


class PlanDecisionIn(BaseModel):
    """The Management Committee's decision, recorded by a finance officer."""

    approved: bool
    decided_on: date
    reference: str = Field(min_length=1, max_length=200)
    note: str | None = Field(default=None, max_length=2000)


class InstalmentOut(BaseModel):
    due_on: date
    amount: str


class ComplianceOut(BaseModel):
    as_at: date
    standing: str = Field(description="on_track, behind, lapsed or completed.")
    received: str
    instalments_due: str
    assessments_due: str
    shortfall: str
    short_since: date | None
    lapsed_on: date | None
    completed_on: date | None
    exempts: bool = Field(description="Whether the plan exempts the State on as_at.")


class PaymentPlanOut(BaseModel):
    id: int
    state_code: str
    state_name: str
    received_on: date
    note_verbale: str
    reasons: str
    total_outstanding: str
    instalments: list[InstalmentOut]
    ends_on: date
    rule_id: int
    counts_for_conference: int | None
    counts_for_reason: str | None
    decision: str
    decided_on: date | None
    decision_reference: str | None
    decision_note: str | None
    recorded_at: datetime
    recorded_by: str
    compliance: ComplianceOut | None = Field(description="As at the date asked (approved plans).")
