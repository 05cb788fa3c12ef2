"""Expenditures and commitments against budget lines.

An *expenditure* is money paid out of a fund's bank account for an activity (a budget
line): it keeps what was paid (``amount_minor`` in the currency's minor units) and the US
dollar amount that posts to the ledger (``usd_minor``, cents): the bank's figure, or a
provisional one from the exchange-rate table until the bank's arrives. Its entry debits
the fund's ``expenditure`` account (with the budget line and the budget's year as
dimensions) and credits the fund's ``bank``.

A *commitment* is an obligation not yet paid (a contract, a purchase order): it is not a
ledger posting, but it reduces what is still available on its line until expenditures
liquidate it or its open remainder is cancelled. Amounts are US cents unless named
otherwise; dates are business dates, ``recorded_at`` UTC timestamps."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    String,
    Text,
)
from sqlmodel import Field, SQLModel

from finance_core.db_types import BigIntPK, ExactDecimal, UTCDateTime, utcnow


class Category(StrEnum):
    """What an expenditure paid for."""

    STAFF = "staff"
    TRAVEL = "travel"
    CONTRACTUAL_SERVICES = "contractual_services"
    OPERATING_EXPENSES = "operating_expenses"
    EQUIPMENT = "equipment"
    GRANTS = "grants"
    OTHER = "other"


class Commitment(SQLModel, table=True):
    """An obligation against a budget line, not yet paid.

    ``amount_minor`` is in ``currency``'s minor units; ``usd_minor`` (cents) is its US
    dollar value (the amount itself for USD, else at ``exchange_rate``, the table's rate
    on ``committed_on``), which is what expenditures liquidate."""

    __tablename__ = "commitment"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="ck_commitment_amount_positive"),
        CheckConstraint("usd_minor > 0", name="ck_commitment_usd_positive"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    budget_line_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("budget_line.id"), nullable=False, index=True)
    )
    committed_on: date = Field(sa_column=Column(Date, nullable=False))
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    usd_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    exchange_rate: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal))
    payee: str = Field(sa_column=Column(String(200), nullable=False))
    reference: str = Field(sa_column=Column(String(120), nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class CommitmentCancellation(SQLModel, table=True):
    """The open remainder of a commitment cancelled on ``cancelled_on`` (it will not be
    paid): from that day on the commitment's open balance is zero. ``amount_minor`` is
    the US cents that were still open when it was cancelled."""

    __tablename__ = "commitment_cancellation"
    __table_args__ = (
        CheckConstraint("amount_minor >= 0", name="ck_commitment_cancellation_amount"),
    )

    commitment_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("commitment.id"), primary_key=True)
    )
    cancelled_on: date = Field(sa_column=Column(Date, nullable=False))
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class Expenditure(SQLModel, table=True):
    """Money paid for a budget line (see the module docstring).

    ``commitment_id`` names the commitment it liquidates, if any, and
    ``liquidated_minor`` (US cents) how much of that commitment's open balance it
    liquidated (zero without a commitment)."""

    __tablename__ = "expenditure"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="ck_expenditure_amount_positive"),
        CheckConstraint("usd_minor > 0", name="ck_expenditure_usd_positive"),
        CheckConstraint("liquidated_minor >= 0", name="ck_expenditure_liquidated"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    budget_line_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("budget_line.id"), nullable=False, index=True)
    )
    value_on: date = Field(sa_column=Column(Date, nullable=False))
    category: Category = Field(sa_column=Column(String(32), nullable=False))
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    usd_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    usd_provisional: bool = Field(sa_column=Column(Boolean, nullable=False))
    exchange_rate: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal))
    payee: str = Field(sa_column=Column(String(200), nullable=False))
    reference: str = Field(sa_column=Column(String(120), nullable=False, index=True))
    description: str | None = Field(default=None, sa_column=Column(Text))
    commitment_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("commitment.id"), index=True)
    )
    liquidated_minor: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    entry_seq: int = Field(
        sa_column=Column(BigInteger, ForeignKey("journal_entry.seq"), nullable=False)
    )
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class ExpenditureReversal(SQLModel, table=True):
    """An expenditure undone (returned by the bank, recorded in error): its entries are
    reversed on ``value_on`` and what it liquidated is open again from that day."""

    __tablename__ = "expenditure_reversal"

    expenditure_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("expenditure.id"), primary_key=True)
    )
    value_on: date = Field(sa_column=Column(Date, nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    entry_seq: int = Field(
        sa_column=Column(BigInteger, ForeignKey("journal_entry.seq"), nullable=False)
    )
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class ExpenditureUsdConfirmation(SQLModel, table=True):
    """The bank's US dollar figure for an expenditure first recorded at a provisional
    rate. ``difference_minor`` = bank's figure − provisional figure (US cents); it posts
    to the fund's exchange gain/loss (> 0: the bank paid out more dollars, a loss)."""

    __tablename__ = "expenditure_usd_confirmation"

    expenditure_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("expenditure.id"), primary_key=True)
    )
    usd_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    difference_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    value_on: date = Field(sa_column=Column(Date, nullable=False))
    entry_seq: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("journal_entry.seq"))
    )
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))
