"""Methodology versions (rules as dated data) and assessment runs with their lines."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from finance_core.db_types import BigIntPK, ExactDecimal, UTCDateTime, utcnow


class Payers(StrEnum):
    """Who pays a fund's budget."""

    STATES_PARTIES = "states_parties"
    PARTIES_AND_SIGNATORIES = "parties_and_signatories"
    CSP_REGISTERED = "csp_registered"


class ProRata(StrEnum):
    """How a State that joins during the year is assessed for that year."""

    FULL_YEAR = "full_year"
    DAYS = "days"
    MONTHS = "months"
    NEXT_YEAR = "next_year"


class DueRule(StrEnum):
    """When an assessment falls due: a fixed day of the year, or N days after notice."""

    FIXED_DATE = "fixed_date"
    DAYS_AFTER_NOTICE = "days_after_notice"


class MethodologyVersion(SQLModel, table=True):
    """How a fund's budgets are assessed from ``effective_from_year`` on, until a later
    version replaces it; adopted by the CSP decision ``decision_symbol``.

    Rates are percent (None: no such limit); ``floor_amount`` and ``rounding_unit`` in
    US dollars; ``fixed_shares`` a JSON object of participant code → percent; the budget
    year Y uses the UN scale whose period covers Y − ``scale_lag_years``; payers are
    taken as at ``payers_as_at_month``/``payers_as_at_day`` of year Y."""

    __tablename__ = "methodology_version"
    __table_args__ = (UniqueConstraint("fund_code", "effective_from_year"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    fund_code: str = Field(sa_column=Column(String(16), ForeignKey("fund.code"), nullable=False))
    effective_from_year: int = Field(sa_column=Column(Integer, nullable=False))
    decision_symbol: str = Field(sa_column=Column(String(120), nullable=False))
    adopted_on: date = Field(sa_column=Column(Date, nullable=False))
    scale_lag_years: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    payers: Payers = Field(sa_column=Column(String(32), nullable=False))
    reassessment_payers: Payers | None = Field(default=None, sa_column=Column(String(32)))
    payers_as_at_month: int = Field(default=1, sa_column=Column(Integer, nullable=False))
    payers_as_at_day: int = Field(default=1, sa_column=Column(Integer, nullable=False))
    ceiling: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal))
    ldc_cap: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal))
    floor_rate: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal))
    floor_amount: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal))
    fixed_shares: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    rounding_unit: Decimal = Field(sa_column=Column(ExactDecimal, nullable=False))
    pro_rata: ProRata = Field(sa_column=Column(String(16), nullable=False))
    due_rule: DueRule = Field(sa_column=Column(String(24), nullable=False))
    due_month: int | None = Field(default=None, sa_column=Column(Integer))
    due_day: int | None = Field(default=None, sa_column=Column(Integer))
    due_days: int | None = Field(default=None, sa_column=Column(Integer))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class RunKind(StrEnum):
    """Why a run was made: the first, after a revision, for a new State, or the CSP's
    re-assessment on the States actually registered."""

    INITIAL = "initial"
    REVISION = "revision"
    SUPPLEMENTARY = "supplementary"
    CSP_REASSESSMENT = "csp_reassessment"


class AssessmentRun(SQLModel, table=True):
    """One computation of a budget's assessments, posted to the ledger as one entry.

    ``amount_minor`` is what the run apportions (US cents); ``posted_minor`` what its
    entry added to the receivables (differences only, after the first run)."""

    __tablename__ = "assessment_run"

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    budget_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("budget.id"), nullable=False, index=True)
    )
    budget_version_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("budget_version.id"), nullable=False)
    )
    methodology_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("methodology_version.id"), nullable=False)
    )
    kind: RunKind = Field(sa_column=Column(String(24), nullable=False))
    run_on: date = Field(sa_column=Column(Date, nullable=False))
    payers_as_at: date = Field(sa_column=Column(Date, nullable=False))
    due_on: date = Field(sa_column=Column(Date, nullable=False))
    scale_code: str = Field(sa_column=Column(String(40), nullable=False))
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    posted_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    entry_seq: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("journal_entry.seq"))
    )
    supplementary_state: str | None = Field(
        default=None, sa_column=Column(String(3), ForeignKey("state.code"))
    )
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class AssessmentLine(SQLModel, table=True):
    """A State's assessment after a run: the cumulative amount for the budget
    (``amount_minor``, US cents) and what this run posted (``delta_minor``).

    ``rate`` is the adjusted rate in percent (12 decimals); ``limit`` why it is not
    proportional (ldc_cap, ceiling, floor, fixed_share); ``pro_rata`` the share of the
    year assessed (1 for a full year)."""

    __tablename__ = "assessment_line"
    __table_args__ = (UniqueConstraint("run_id", "state_code"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    run_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("assessment_run.id"), nullable=False)
    )
    state_code: str = Field(sa_column=Column(String(3), ForeignKey("state.code"), nullable=False))
    un_rate: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal))
    rate: Decimal = Field(sa_column=Column(ExactDecimal, nullable=False))
    limit: str | None = Field(default=None, sa_column=Column(String(16)))
    pro_rata: Decimal = Field(sa_column=Column(ExactDecimal, nullable=False))
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    delta_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
