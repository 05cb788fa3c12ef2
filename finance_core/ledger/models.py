"""Ledger tables.

Amounts are signed integer minor units of US dollars (cents): positive is a debit,
negative a credit. A journal entry's postings are inserted first and the entry row last:
inserting the entry *seals* it, and the database then checks that its postings balance
within each fund and that it extends the hash chain (see ``triggers.py``)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from finance_core.db_types import BigIntPK, UTCDateTime, utcnow

#: ``prev_hash`` of the first entry.
GENESIS_HASH = "0" * 64


class AccountType(StrEnum):
    """Account types; every fund gets one account of each."""

    BANK = "bank"
    RECEIVABLE = "receivable"
    STATE_CREDIT = "state_credit"
    ASSESSED_REVENUE = "assessed_revenue"
    VOLUNTARY_REVENUE = "voluntary_revenue"
    OTHER_REVENUE = "other_revenue"
    EXPENDITURE = "expenditure"
    WRITE_OFF = "write_off"
    EXCHANGE_GAIN_LOSS = "exchange_gain_loss"
    DUE_FROM_OTHER_FUNDS = "due_from_other_funds"
    DUE_TO_OTHER_FUNDS = "due_to_other_funds"
    RESERVE = "reserve"
    ACCUMULATED_SURPLUS = "accumulated_surplus"


class LedgerAccount(SQLModel, table=True):
    """An account of one fund, e.g. ``SEC.receivable``."""

    __tablename__ = "ledger_account"
    __table_args__ = (UniqueConstraint("fund_code", "account_type"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    code: str = Field(sa_column=Column(String(60), nullable=False, unique=True))
    fund_code: str = Field(sa_column=Column(String(16), ForeignKey("fund.code"), nullable=False))
    account_type: AccountType = Field(sa_column=Column(String(32), nullable=False))
    name: str = Field(sa_column=Column(String(160), nullable=False))


class JournalEntry(SQLModel, table=True):
    """One balanced movement of money. ``seq`` orders the hash chain (1, 2, 3, ...)."""

    __tablename__ = "journal_entry"

    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    value_on: date = Field(sa_column=Column(Date, nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    entry_type: str = Field(sa_column=Column(String(40), nullable=False))
    description: str = Field(sa_column=Column(String(500), nullable=False))
    source_ref: str | None = Field(default=None, sa_column=Column(String(200)))
    actor: str = Field(sa_column=Column(String(120), nullable=False))
    reverses_seq: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("journal_entry.seq"))
    )
    prev_hash: str = Field(sa_column=Column(String(64), nullable=False))
    entry_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))


class LedgerPosting(SQLModel, table=True):
    """One line of an entry: ``amount_minor`` US cents, debit > 0, credit < 0.

    ``fund_code``, ``value_on`` and ``recorded_at`` repeat the account's fund and the
    entry's dates (checked by the database when the entry is sealed) so that balances
    as at ``(as_at, known_at)`` are one scan of this table."""

    __tablename__ = "ledger_posting"
    __table_args__ = (
        UniqueConstraint("entry_seq", "line_no"),
        CheckConstraint("amount_minor <> 0", name="ck_ledger_posting_nonzero"),
        Index("ix_ledger_posting_value_on", "value_on"),
        Index("ix_ledger_posting_state", "state_code", "fund_code"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    entry_seq: int = Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("journal_entry.seq", deferrable=True, initially="DEFERRED"),
            nullable=False,
        )
    )
    line_no: int = Field(sa_column=Column(Integer, nullable=False))
    account_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("ledger_account.id"), nullable=False)
    )
    fund_code: str = Field(sa_column=Column(String(16), ForeignKey("fund.code"), nullable=False))
    value_on: date = Field(sa_column=Column(Date, nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    state_code: str | None = Field(
        default=None, sa_column=Column(String(3), ForeignKey("state.code"))
    )
    assessment_year: int | None = Field(default=None, sa_column=Column(Integer))
    budget_line_id: int | None = Field(default=None, sa_column=Column(BigInteger))


class LedgerChainHead(SQLModel, table=True):
    """The single row holding the last sealed entry: locked by every ledger write."""

    __tablename__ = "ledger_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="ck_ledger_chain_head_single"),)

    id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    entry_hash: str = Field(sa_column=Column(String(64), nullable=False))


class ClosedPeriod(SQLModel, table=True):
    """A fund's financial year that refuses new postings dated inside it."""

    __tablename__ = "ledger_closed_period"

    fund_code: str = Field(sa_column=Column(String(16), ForeignKey("fund.code"), primary_key=True))
    year: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    closed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    closed_by: str = Field(sa_column=Column(String(120), nullable=False))
    reference: str = Field(sa_column=Column(String(200), nullable=False))
