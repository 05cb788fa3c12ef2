"""Spending plans: how a fund expects to spend a year's money, month by month.

A plan for a fund-year is stored as versions: each version has one row per calendar month
(1-12, US cents, months not given stored as zero) with the reference of the document it
comes from. The version in force as known at a time is the latest recorded by then; the
cash forecast uses it instead of the budget split evenly over twelve months."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from finance_core.db_types import BigIntPK, UTCDateTime, utcnow


class SpendingPlan(SQLModel, table=True):
    """One month of a version of a fund-year's spending plan: ``amount_minor`` US cents
    planned to be spent in ``month`` (1 = January) of ``year``."""

    __tablename__ = "spending_plan"
    __table_args__ = (
        UniqueConstraint("fund_code", "year", "version", "month"),
        CheckConstraint("month >= 1 AND month <= 12", name="ck_spending_plan_month"),
        CheckConstraint("amount_minor >= 0", name="ck_spending_plan_amount"),
        CheckConstraint("version >= 1", name="ck_spending_plan_version"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    fund_code: str = Field(sa_column=Column(String(16), ForeignKey("fund.code"), nullable=False))
    year: int = Field(sa_column=Column(Integer, nullable=False))
    version: int = Field(sa_column=Column(Integer, nullable=False))
    month: int = Field(sa_column=Column(Integer, nullable=False))
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    reference: str = Field(sa_column=Column(String(200), nullable=False))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))
