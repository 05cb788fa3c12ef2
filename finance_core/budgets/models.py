"""Budget tables.

A budget (fund, year) has versions: version 0 is the original adopted by a CSP decision,
each revision a later version adopted by its own decision. A version states the amount of
every budget line and the funds carried over from earlier years; the version in force
as at a date is the latest adopted on or before it. Amounts are US cents."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
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


class Budget(SQLModel, table=True):
    """The budget of one fund for one financial year."""

    __tablename__ = "budget"
    __table_args__ = (UniqueConstraint("fund_code", "year"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    fund_code: str = Field(sa_column=Column(String(16), ForeignKey("fund.code"), nullable=False))
    year: int = Field(sa_column=Column(Integer, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class BudgetVersion(SQLModel, table=True):
    """The original budget (version 0) or a revision, with the decision adopting it.

    ``carried_over_minor``: US cents of funds from earlier years that reduce the amount
    to assess (amount to assess = sum of the lines − carried over)."""

    __tablename__ = "budget_version"
    __table_args__ = (
        UniqueConstraint("budget_id", "version"),
        CheckConstraint("carried_over_minor >= 0", name="ck_budget_version_carried_over"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    budget_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("budget.id"), nullable=False, index=True)
    )
    version: int = Field(sa_column=Column(Integer, nullable=False))
    decision_symbol: str = Field(sa_column=Column(String(120), nullable=False))
    adopted_on: date = Field(sa_column=Column(Date, nullable=False))
    carried_over_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class BudgetLine(SQLModel, table=True):
    """An activity of a budget (its identity across revisions)."""

    __tablename__ = "budget_line"
    __table_args__ = (UniqueConstraint("budget_id", "code"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    budget_id: int = Field(sa_column=Column(BigInteger, ForeignKey("budget.id"), nullable=False))
    code: str = Field(sa_column=Column(String(40), nullable=False))
    title: str = Field(sa_column=Column(String(200), nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text))


class BudgetLineAmount(SQLModel, table=True):
    """A line's amount (US cents) in one version of the budget."""

    __tablename__ = "budget_line_amount"
    __table_args__ = (CheckConstraint("amount_minor >= 0", name="ck_budget_line_amount_positive"),)

    version_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("budget_version.id"), primary_key=True)
    )
    line_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("budget_line.id"), primary_key=True)
    )
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
