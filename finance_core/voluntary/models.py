"""Voluntary funds' tables: donors, pledges, receipts and their matches to pledges,
projects and their reports, sponsored delegates, disbursements.

A voluntary fund is a fund of kind ``voluntary`` (``VTF``, ``SPP`` or a named project).
Its money is kept apart per *earmark* (a short text such as ``"gender"`` or
``"Africa"``; none for unearmarked money): money given under an earmark pays only
disbursements under the same earmark. A *pledge* is a promise (in the donor's currency,
not a ledger posting); a *receipt* is money in, a *disbursement* money out, each posting
one entry in its fund:

- receipt: Dr ``<fund>.bank`` / Cr ``<fund>.voluntary_revenue`` (State dimension: the
  donor's State when the donor is a State);
- disbursement: Dr ``<fund>.expenditure`` / Cr ``<fund>.bank``.

Original amounts are integer minor units of their ``currency``; ``usd_minor`` is US
cents (the bank's figure, or provisional from the exchange-rate table until the bank's
figure is confirmed). Every amount column holds a positive number; direction is given
by the table. Dates are business dates; ``recorded_at`` UTC timestamps."""

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
    Integer,
    String,
    Text,
)
from sqlmodel import Field, SQLModel

from finance_core.db_types import BigIntPK, ExactDecimal, UTCDateTime, utcnow


class DonorKind(StrEnum):
    """A State, or any other donor (an organisation, a region such as Flanders)."""

    STATE = "state"
    ORGANISATION = "organisation"


class ReportLanguage(StrEnum):
    """The language in which a donor wants its reports."""

    EN = "en"
    FR = "fr"
    ES = "es"


class ProjectStatus(StrEnum):
    """A project approved by the selection committee, then completed or cancelled."""

    APPROVED = "approved"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class DisbursementKind(StrEnum):
    """What a disbursement paid: a project's tranche, a sponsored delegate, or other."""

    PROJECT_TRANCHE = "project_tranche"
    SPONSORSHIP = "sponsorship"
    OTHER = "other"


class Donor(SQLModel, table=True):
    """Who gives voluntary money. A State donor names its State (``state_code``); another
    donor may name the State it belongs to, for information only."""

    __tablename__ = "donor"
    __table_args__ = (
        CheckConstraint("kind <> 'state' OR state_code IS NOT NULL", name="ck_donor_state"),
        CheckConstraint("language IN ('en', 'fr', 'es')", name="ck_donor_language"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    name: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    kind: DonorKind = Field(sa_column=Column(String(16), nullable=False))
    state_code: str | None = Field(
        default=None, sa_column=Column(String(3), ForeignKey("state.code"), index=True)
    )
    contact_name: str | None = Field(default=None, sa_column=Column(String(200)))
    contact_email: str | None = Field(default=None, sa_column=Column(String(320)))
    language: ReportLanguage = Field(
        default=ReportLanguage.EN, sa_column=Column(String(2), nullable=False)
    )
    reporting_note: str | None = Field(
        default=None,
        sa_column=Column(Text),
        description="How the donor wants to be reported to (free text).",
    )
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))
    updated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    updated_by: str | None = Field(default=None, sa_column=Column(String(120)))


class Pledge(SQLModel, table=True):
    """A donor's promise to give ``amount_minor`` (minor units of ``currency``, > 0) to a
    voluntary fund, under ``earmark`` if any. Not a ledger posting: receipts settle it
    (``ReceiptPledgeMatch``) and a withdrawal ends what is still outstanding."""

    __tablename__ = "pledge"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="ck_pledge_amount_positive"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    donor_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("donor.id"), nullable=False, index=True)
    )
    pledged_on: date = Field(sa_column=Column(Date, nullable=False))
    fund_code: str = Field(sa_column=Column(String(16), ForeignKey("fund.code"), nullable=False))
    earmark: str | None = Field(default=None, sa_column=Column(String(60)))
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    amount_minor: int = Field(
        sa_column=Column(BigInteger, nullable=False),
        description="Minor units of the pledge's currency, > 0.",
    )
    conditions: str | None = Field(default=None, sa_column=Column(Text))
    occasion: str | None = Field(
        default=None, sa_column=Column(String(60)), description='e.g. "CSP10".'
    )
    reference: str = Field(sa_column=Column(String(200), nullable=False))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class PledgeWithdrawal(SQLModel, table=True):
    """What was still outstanding of a pledge (``amount_minor``, minor units of the
    pledge's currency, > 0) withdrawn by the donor on ``withdrawn_on``."""

    __tablename__ = "pledge_withdrawal"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="ck_pledge_withdrawal_amount_positive"),
    )

    pledge_id: int = Field(sa_column=Column(BigInteger, ForeignKey("pledge.id"), primary_key=True))
    withdrawn_on: date = Field(sa_column=Column(Date, nullable=False))
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class VoluntaryReceipt(SQLModel, table=True):
    """Money received from a donor into a voluntary fund (see the module docstring):
    ``amount_minor`` in ``currency``'s minor units, ``usd_minor`` the US cents posted
    (> 0); ``exchange_rate`` the table's rate when ``usd_provisional``."""

    __tablename__ = "voluntary_receipt"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="ck_voluntary_receipt_amount_positive"),
        CheckConstraint("usd_minor > 0", name="ck_voluntary_receipt_usd_positive"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    donor_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("donor.id"), nullable=False, index=True)
    )
    value_on: date = Field(sa_column=Column(Date, nullable=False))
    fund_code: str = Field(
        sa_column=Column(String(16), ForeignKey("fund.code"), nullable=False, index=True)
    )
    earmark: str | None = Field(default=None, sa_column=Column(String(60)))
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    usd_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    usd_provisional: bool = Field(sa_column=Column(Boolean, nullable=False))
    exchange_rate: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal))
    bank_reference: str = Field(sa_column=Column(String(120), nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text))
    entry_seq: int = Field(
        sa_column=Column(BigInteger, ForeignKey("journal_entry.seq"), nullable=False)
    )
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class ReceiptPledgeMatch(SQLModel, table=True):
    """Part of a receipt settling a pledge: ``amount_minor`` in the *pledge's* currency
    (minor units, > 0). It stops counting once the receipt is reversed."""

    __tablename__ = "receipt_pledge_match"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="ck_receipt_pledge_match_amount"),)

    receipt_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("voluntary_receipt.id"), primary_key=True)
    )
    pledge_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("pledge.id"), primary_key=True, index=True)
    )
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))


class VoluntaryReceiptReversal(SQLModel, table=True):
    """A receipt undone (bounced or mistaken): its entries reversed on ``value_on``; from
    then on neither its money nor its matches to pledges count."""

    __tablename__ = "voluntary_receipt_reversal"

    receipt_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("voluntary_receipt.id"), primary_key=True)
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


class VoluntaryReceiptUsdConfirmation(SQLModel, table=True):
    """The bank's US dollar figure (``usd_minor``, cents) for a receipt recorded at a
    provisional rate. ``difference_minor`` = bank's figure − provisional (US cents, > 0 a
    gain); it posts to the fund's exchange gain/loss on ``value_on``."""

    __tablename__ = "voluntary_receipt_usd_confirmation"

    receipt_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("voluntary_receipt.id"), primary_key=True)
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


class Project(SQLModel, table=True):
    """A project approved for funding from a voluntary fund (by default the VTF) by the
    selection committee's decision ``reference``: up to ``approved_minor`` US cents (> 0)
    paid to ``grantee`` in tranches, from money under ``earmark`` if any."""

    __tablename__ = "voluntary_project"
    __table_args__ = (
        CheckConstraint("approved_minor > 0", name="ck_voluntary_project_approved_positive"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    code: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    title: str = Field(sa_column=Column(String(300), nullable=False))
    grantee: str = Field(sa_column=Column(String(200), nullable=False))
    country: str | None = Field(
        default=None, sa_column=Column(String(3)), description="ISO 3166-1 alpha-3."
    )
    fund_code: str = Field(sa_column=Column(String(16), ForeignKey("fund.code"), nullable=False))
    earmark: str | None = Field(default=None, sa_column=Column(String(60)))
    approved_on: date = Field(sa_column=Column(Date, nullable=False))
    approved_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    reference: str = Field(sa_column=Column(String(200), nullable=False))
    status: ProjectStatus = Field(sa_column=Column(String(16), nullable=False))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class ProjectReport(SQLModel, table=True):
    """A report a project's grantee owes by ``due_on``; ``received_on`` once it came."""

    __tablename__ = "voluntary_project_report"

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    project_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("voluntary_project.id"), nullable=False, index=True)
    )
    due_on: date = Field(sa_column=Column(Date, nullable=False))
    title: str = Field(sa_column=Column(String(300), nullable=False))
    received_on: date | None = Field(default=None, sa_column=Column(Date))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class Sponsorship(SQLModel, table=True):
    """A delegate sponsored to attend ``meeting`` (e.g. ``"CSP11"``; the conference's
    number when it is a CSP on record) from a voluntary fund (by default the SPP). Its
    costs are US cents (each ≥ 0, together > 0): what its disbursements may pay."""

    __tablename__ = "sponsorship"
    __table_args__ = (
        CheckConstraint(
            "travel_minor >= 0 AND subsistence_minor >= 0 AND other_minor >= 0",
            name="ck_sponsorship_costs",
        ),
        CheckConstraint(
            "travel_minor + subsistence_minor + other_minor > 0",
            name="ck_sponsorship_total_positive",
        ),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    fund_code: str = Field(sa_column=Column(String(16), ForeignKey("fund.code"), nullable=False))
    earmark: str | None = Field(default=None, sa_column=Column(String(60)))
    meeting: str = Field(sa_column=Column(String(60), nullable=False))
    conference_number: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("conference.number"))
    )
    traveller: str = Field(sa_column=Column(String(200), nullable=False))
    state_code: str | None = Field(
        default=None, sa_column=Column(String(3), ForeignKey("state.code"))
    )
    travel_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    subsistence_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    other_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))

    @property
    def costs_minor(self) -> int:
        """Travel + subsistence + other, US cents."""
        return self.travel_minor + self.subsistence_minor + self.other_minor


class Disbursement(SQLModel, table=True):
    """Money paid out of a voluntary fund, from money under ``earmark`` (none: from
    unearmarked money): ``amount_minor`` in ``currency``'s minor units, ``usd_minor`` the
    US cents posted (> 0). A project tranche names its project (and its tranche number),
    a sponsorship disbursement its sponsorship."""

    __tablename__ = "disbursement"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="ck_disbursement_amount_positive"),
        CheckConstraint("usd_minor > 0", name="ck_disbursement_usd_positive"),
        CheckConstraint(
            "(kind = 'project_tranche' AND project_id IS NOT NULL AND sponsorship_id IS NULL)"
            " OR (kind = 'sponsorship' AND sponsorship_id IS NOT NULL AND project_id IS NULL)"
            " OR (kind = 'other' AND project_id IS NULL AND sponsorship_id IS NULL)",
            name="ck_disbursement_kind",
        ),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    fund_code: str = Field(
        sa_column=Column(String(16), ForeignKey("fund.code"), nullable=False, index=True)
    )
    earmark: str | None = Field(default=None, sa_column=Column(String(60)))
    value_on: date = Field(sa_column=Column(Date, nullable=False))
    kind: DisbursementKind = Field(sa_column=Column(String(16), nullable=False))
    project_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("voluntary_project.id"), index=True),
    )
    sponsorship_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("sponsorship.id"), index=True)
    )
    tranche: int | None = Field(default=None, sa_column=Column(Integer))
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    usd_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    usd_provisional: bool = Field(sa_column=Column(Boolean, nullable=False))
    exchange_rate: Decimal | None = Field(default=None, sa_column=Column(ExactDecimal))
    payee: str = Field(sa_column=Column(String(200), nullable=False))
    reference: str = Field(sa_column=Column(String(120), nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text))
    entry_seq: int = Field(
        sa_column=Column(BigInteger, ForeignKey("journal_entry.seq"), nullable=False)
    )
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class DisbursementReversal(SQLModel, table=True):
    """A disbursement undone (returned by the bank, recorded in error): its entries are
    reversed on ``value_on`` and its money is available again from that day."""

    __tablename__ = "disbursement_reversal"

    disbursement_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("disbursement.id"), primary_key=True)
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


class DisbursementUsdConfirmation(SQLModel, table=True):
    """The bank's US dollar figure (``usd_minor``, cents) for a disbursement recorded at
    a provisional rate. ``difference_minor`` = bank's figure − provisional (US cents, > 0
    a loss: more dollars went out); it posts to the fund's exchange gain/loss."""

    __tablename__ = "disbursement_usd_confirmation"

    disbursement_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("disbursement.id"), primary_key=True)
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
