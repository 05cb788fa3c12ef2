"""Receipts, their allocations and reversals; the allocation policy; exchange rates.

A receipt keeps what the bank received (``amount_minor`` in the currency's minor units)
and the US dollar amount that posts to the ledger (``usd_minor``, cents): the bank's
figure, or a provisional one from the exchange-rate table until the bank's arrives."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

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

from finance_core.db_types import BigIntPK, ExactDecimal, UTCDateTime, utcnow


class ExchangeRate(SQLModel, table=True):
    """US dollars per unit of ``currency`` from ``valid_on`` until the next rate."""

    __tablename__ = "exchange_rate"
    __table_args__ = (UniqueConstraint("currency", "valid_on"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    valid_on: date = Field(sa_column=Column(Date, nullable=False))
    usd_per_unit: Decimal = Field(sa_column=Column(ExactDecimal, nullable=False))
    source: str = Field(sa_column=Column(String(200), nullable=False))


class AllocationPolicy(SQLModel, table=True):
    """How payments are allocated from ``effective_from`` on (a dated rule).

    ``fund_order``: comma list of funds for debts due the same day; ``credit_fund``: the
    fund that holds a State's unallocated money; ``write_off_tolerance_minor``: the
    largest shortfall (US cents) that may be written off as bank charges;
    ``apply_credit_on_assessment``: whether a State's credit pays its new assessments as
    soon as they are posted (else only on request)."""

    __tablename__ = "allocation_policy"

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    effective_from: date = Field(sa_column=Column(Date, nullable=False, unique=True))
    fund_order: str = Field(sa_column=Column(String(200), nullable=False))
    honour_earmarks: bool = Field(sa_column=Column(Boolean, nullable=False))
    credit_fund: str = Field(sa_column=Column(String(16), ForeignKey("fund.code"), nullable=False))
    write_off_tolerance_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    apply_credit_on_assessment: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default="1")
    )
    reference: str = Field(sa_column=Column(String(200), nullable=False))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Receipt(SQLModel, table=True):
    """Money received from a State (see the module docstring)."""

    __tablename__ = "receipt"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="ck_receipt_amount_positive"),
        CheckConstraint("usd_minor > 0", name="ck_receipt_usd_positive"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    state_code: str = Field(
        sa_column=Column(String(3), ForeignKey("state.code"), nullable=False, index=True)
    )
    value_on: date = Field(sa_column=Column(Date, nullable=False))
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    usd_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    usd_provisional: bool = Field(sa_column=Column(Boolean, nullable=False))
    exchange_rate: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal))
    bank_reference: str = Field(sa_column=Column(String(120), nullable=False, index=True))
    earmark_fund: str | None = Field(
        default=None, sa_column=Column(String(16), ForeignKey("fund.code"))
    )
    earmark_year: int | None = Field(default=None, sa_column=Column(Integer))
    note: str | None = Field(default=None, sa_column=Column(Text))
    entry_seq: int = Field(
        sa_column=Column(BigInteger, ForeignKey("journal_entry.seq"), nullable=False)
    )
    write_off_entry_seq: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("journal_entry.seq"))
    )
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class ReceiptAllocation(SQLModel, table=True):
    """Where part of a receipt went (a debt, the State's credit, a write-off) and why."""

    __tablename__ = "receipt_allocation"
    __table_args__ = (UniqueConstraint("receipt_id", "line_no"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    receipt_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("receipt.id"), nullable=False, index=True)
    )
    line_no: int = Field(sa_column=Column(Integer, nullable=False))
    fund_code: str = Field(sa_column=Column(String(16), ForeignKey("fund.code"), nullable=False))
    assessment_year: int | None = Field(default=None, sa_column=Column(Integer))
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    rule: str = Field(sa_column=Column(String(24), nullable=False))


class ReceiptReversal(SQLModel, table=True):
    """A receipt undone (bounced or mistaken): its entry reversed on ``value_on``."""

    __tablename__ = "receipt_reversal"

    receipt_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("receipt.id"), primary_key=True)
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


class CreditUse(SQLModel, table=True):
    """A State's credit applied to what it owes, or refunded to it.

    ``kind`` is ``applied`` (lines say where, with their rule) or ``refund`` (money sent
    back: ``bank_reference`` and ``reason`` say how and why). Amounts in US cents."""

    __tablename__ = "credit_use"

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    state_code: str = Field(
        sa_column=Column(String(3), ForeignKey("state.code"), nullable=False, index=True)
    )
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    value_on: date = Field(sa_column=Column(Date, nullable=False))
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    bank_reference: str | None = Field(default=None, sa_column=Column(String(120)))
    reason: str | None = Field(default=None, sa_column=Column(Text))
    entry_seq: int = Field(
        sa_column=Column(BigInteger, ForeignKey("journal_entry.seq"), nullable=False)
    )
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class CreditUseLine(SQLModel, table=True):
    """Where an applied credit went (fund, assessment year) and the rule that placed it."""

    __tablename__ = "credit_use_line"
    __table_args__ = (UniqueConstraint("credit_use_id", "line_no"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    credit_use_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("credit_use.id"), nullable=False, index=True)
    )
    line_no: int = Field(sa_column=Column(Integer, nullable=False))
    fund_code: str = Field(sa_column=Column(String(16), ForeignKey("fund.code"), nullable=False))
    assessment_year: int | None = Field(default=None, sa_column=Column(Integer))
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    rule: str = Field(sa_column=Column(String(24), nullable=False))


class UsdConfirmation(SQLModel, table=True):
    """The bank's US dollar figure for a receipt first recorded at a provisional rate;
    the difference posts to exchange gain/loss (``difference_minor`` > 0 is a gain)."""

    __tablename__ = "receipt_usd_confirmation"

    receipt_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("receipt.id"), primary_key=True)
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
