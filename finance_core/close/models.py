"""Year-end close tables: a fund-year's close (proposed by one finance officer, approved
by another) with its figures frozen on the proposal, and the CSP's decision on the
year's surplus with the credit each State received.

Amounts are US cents (integers); see ``surplus.py`` for the figures' signs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
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
    Text,
    text,
)
from sqlmodel import Field, SQLModel

from finance_core.db_types import BigIntPK, ExactDecimal, UTCDateTime, utcnow


class CloseStatus(StrEnum):
    """``proposed`` (figures frozen, awaiting a second officer), ``approved`` (the
    closing entry posted and the period closed), or ``superseded`` (a later proposal of
    the same fund-year replaced it before approval)."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    SUPERSEDED = "superseded"


class YearClose(SQLModel, table=True):
    """The close of one fund's financial year.

    The figures are computed when the close is proposed, as at 31 December of the year
    with everything recorded by then, and stored; approval recomputes them and refuses if
    the ledger changed meanwhile. ``surplus_minor`` is the accrual surplus (negative: a
    deficit), ``cash_surplus_minor`` the cash-basis one. Only one close of a fund-year
    is proposed or approved at a time."""

    __tablename__ = "year_close"
    __table_args__ = (
        Index(
            "uq_year_close_fund_year",
            "fund_code",
            "year",
            unique=True,
            sqlite_where=text("status <> 'superseded'"),
            postgresql_where=text("status <> 'superseded'"),
        ),
        CheckConstraint(
            "status IN ('proposed', 'approved', 'superseded')", name="ck_year_close_status"
        ),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    fund_code: str = Field(sa_column=Column(String(16), ForeignKey("fund.code"), nullable=False))
    year: int = Field(sa_column=Column(Integer, nullable=False))
    status: CloseStatus = Field(sa_column=Column(String(16), nullable=False))
    assessed_revenue_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    voluntary_revenue_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    other_revenue_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    exchange_gain_loss_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    write_off_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    expenditure_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    surplus_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    cash_collected_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    cash_spent_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    cash_surplus_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text))
    proposed_by: str = Field(sa_column=Column(String(120), nullable=False))
    proposed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    approved_by: str | None = Field(default=None, sa_column=Column(String(120)))
    approved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    reference: str | None = Field(
        default=None,
        sa_column=Column(String(200)),
        description="The approval's reference, also on the closed period.",
    )
    closing_entry_seq: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("journal_entry.seq"))
    )


class DecisionOption(StrEnum):
    """What the CSP decided to do with a surplus: credit it back to the States, put it
    in the reserve, or split it (a percentage or amount to each)."""

    CREDIT_STATES = "credit_states"
    TO_RESERVE = "to_reserve"
    SPLIT = "split"


class SurplusDecision(SQLModel, table=True):
    """The CSP's decision on the surplus of an approved close, posted on ``decided_on``.

    What was asked (``states_percent`` / ``states_amount_minor``, ``reserve_percent`` /
    ``reserve_amount_minor``; see ``DecisionOption``) and what it came to:
    ``to_states_minor`` + ``to_reserve_minor`` + ``retained_minor`` = ``surplus_minor``
    exactly (``retained``: left in the fund's accumulated surplus). Credits are held in
    ``credit_fund``'s ``state_credit`` account (entry ``credit_entry_seq``); the transfer
    to the reserve is a reserve movement with, when the fund held the cash, its
    settlement."""

    __tablename__ = "surplus_decision"
    __table_args__ = (
        CheckConstraint(
            "to_states_minor >= 0 AND to_reserve_minor >= 0 AND retained_minor >= 0 "
            "AND to_states_minor + to_reserve_minor + retained_minor = surplus_minor",
            name="ck_surplus_decision_parts",
        ),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    close_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("year_close.id"), nullable=False, unique=True)
    )
    fund_code: str = Field(sa_column=Column(String(16), ForeignKey("fund.code"), nullable=False))
    year: int = Field(sa_column=Column(Integer, nullable=False))
    decided_on: date = Field(sa_column=Column(Date, nullable=False))
    reference: str = Field(sa_column=Column(String(200), nullable=False))
    option: DecisionOption = Field(sa_column=Column(String(16), nullable=False))
    credit_rule: str | None = Field(default=None, sa_column=Column(String(24)))
    states_percent: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal))
    states_amount_minor: int | None = Field(default=None, sa_column=Column(BigInteger))
    reserve_percent: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal))
    reserve_amount_minor: int | None = Field(default=None, sa_column=Column(BigInteger))
    surplus_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    to_states_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    to_reserve_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    retained_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    credit_fund: str | None = Field(
        default=None, sa_column=Column(String(16), ForeignKey("fund.code"))
    )
    credit_entry_seq: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("journal_entry.seq"))
    )
    transfer_movement_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("reserve_movement.id"))
    )
    settlement_movement_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("reserve_movement.id"))
    )
    note: str | None = Field(default=None, sa_column=Column(Text))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class SurplusCredit(SQLModel, table=True):
    """A State's credit from a surplus decision: ``amount_minor`` US cents, its share in
    proportion to ``assessed_minor`` (its assessment for the year)."""

    __tablename__ = "surplus_credit"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="ck_surplus_credit_amount"),)

    decision_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("surplus_decision.id"), primary_key=True)
    )
    state_code: str = Field(sa_column=Column(String(3), ForeignKey("state.code"), primary_key=True))
    assessed_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
