"""Arrears tables: the dated arrears and Rule 8 rules, and Rule 8(1)(d) payment plans.

Amounts are US cents (integers)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from finance_core.db_types import BigIntPK, UTCDateTime, utcnow


class ArrearsRule(SQLModel, table=True):
    """How arrears are defined and what Financial Rule 8 does about them, from
    ``effective_from`` until the next rule (a dated rule with the decision behind it).

    - ``arrears_funds``: comma list of the funds whose amounts outstanding from years
      before the as-at year are arrears (default ``SEC,CSP``);
    - ``bucket_years``: the oldest aging bucket is "this many years and more" (default 3:
      current, 1 year, 2 years, 3 years and more);
    - ``trigger_years``: a State is subject to the measures when its arrears are at least
      the contributions assessed for this many preceding full years (default 2, after
      Article 19 of the UN Charter) and more than ``trigger_minimum_minor`` (default 0);
    - ``measures``: comma list of measure codes (see ``rules.MEASURES``);
    - ``plan_*``: Rule 8(1)(d): longest plan in years, days an application must precede
      the opening of a CSP to count for it, days a shortfall may last before the plan
      lapses, and whether assessments falling due after the application must be paid
      as well as the instalments."""

    __tablename__ = "arrears_rule"
    __table_args__ = (
        CheckConstraint("bucket_years >= 1", name="ck_arrears_rule_buckets"),
        CheckConstraint("trigger_years >= 1", name="ck_arrears_rule_trigger"),
        CheckConstraint("plan_max_years >= 1", name="ck_arrears_rule_plan_years"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    effective_from: date = Field(sa_column=Column(Date, nullable=False, unique=True))
    arrears_funds: str = Field(sa_column=Column(String(200), nullable=False))
    bucket_years: int = Field(sa_column=Column(Integer, nullable=False))
    trigger_years: int = Field(sa_column=Column(Integer, nullable=False))
    trigger_minimum_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    measures: str = Field(sa_column=Column(String(400), nullable=False))
    plan_max_years: int = Field(sa_column=Column(Integer, nullable=False))
    plan_lead_days: int = Field(sa_column=Column(Integer, nullable=False))
    plan_grace_days: int = Field(sa_column=Column(Integer, nullable=False))
    plan_counts_new_assessments: bool = Field(sa_column=Column(Boolean, nullable=False))
    reference: str = Field(sa_column=Column(String(300), nullable=False))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class PlanDecision(StrEnum):
    """Where an application stands: awaiting the Management Committee, or decided."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class PaymentPlan(SQLModel, table=True):
    """A State's application under Rule 8(1)(d) and the Management Committee's decision.

    ``total_minor`` is the total outstanding the State gave, checked equal to the
    ledger's figure as at ``received_on`` (amounts due by then in the arrears funds);
    the instalments add up to it. ``counts_for_conference`` is the CSP the plan can
    exempt the State at first (the next CSP, or the one after when the application came
    less than the lead time before it; ``counts_for_reason`` then says why). ``reasons``
    (for non-payment) are confidential."""

    __tablename__ = "payment_plan"
    __table_args__ = (CheckConstraint("total_minor > 0", name="ck_payment_plan_total"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    state_code: str = Field(
        sa_column=Column(String(3), ForeignKey("state.code"), nullable=False, index=True)
    )
    received_on: date = Field(sa_column=Column(Date, nullable=False))
    note_verbale: str = Field(sa_column=Column(String(200), nullable=False))
    reasons: str = Field(sa_column=Column(Text, nullable=False))
    total_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    rule_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("arrears_rule.id"), nullable=False)
    )
    counts_for_conference: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("conference.number"))
    )
    counts_for_reason: str | None = Field(default=None, sa_column=Column(Text))
    decision: PlanDecision = Field(sa_column=Column(String(16), nullable=False))
    decided_on: date | None = Field(default=None, sa_column=Column(Date))
    decision_reference: str | None = Field(default=None, sa_column=Column(String(200)))
    decision_note: str | None = Field(default=None, sa_column=Column(Text))
    decision_recorded_by: str | None = Field(default=None, sa_column=Column(String(120)))
    decision_recorded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class PlanInstalment(SQLModel, table=True):
    """One instalment of a plan: ``amount_minor`` US cents due on ``due_on``."""

    __tablename__ = "payment_plan_instalment"
    __table_args__ = (
        UniqueConstraint("plan_id", "line_no"),
        CheckConstraint("amount_minor > 0", name="ck_plan_instalment_amount"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    plan_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("payment_plan.id"), nullable=False, index=True)
    )
    line_no: int = Field(sa_column=Column(Integer, nullable=False))
    due_on: date = Field(sa_column=Column(Date, nullable=False))
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
