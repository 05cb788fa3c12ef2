"""States and their dated attributes: LDC status, scale rates, membership events."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from finance_core.db_types import BigIntPK, ExactDecimal, UTCDateTime, utcnow


class RegionalGroup(StrEnum):
    """The five UN regional groups (the Management Committee has one member per group)."""

    AFRICAN = "African Group"
    ASIA_PACIFIC = "Asia-Pacific Group"
    EASTERN_EUROPEAN = "Eastern European Group"
    LATIN_AMERICAN_CARIBBEAN = "Latin American and Caribbean Group"
    WEOG = "Western European and Others Group"


class State(SQLModel, table=True):
    """A State (UN Member State or non-member State such as the Holy See)."""

    __tablename__ = "state"

    code: str = Field(
        sa_column=Column(String(3), primary_key=True), description="ISO 3166-1 alpha-3."
    )
    name: str = Field(sa_column=Column(String(120), nullable=False, unique=True))
    un_member: bool = Field(sa_column=Column(Boolean, nullable=False))
    regional_group: str | None = Field(default=None, sa_column=Column(String(60)))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class LdcPeriod(SQLModel, table=True):
    """A period during which a State was on the UN list of least developed countries.

    ``from_on`` is the first day known on the list; ``to_on`` the day it graduated
    (exclusive) or None while it is still on the list."""

    __tablename__ = "state_ldc_period"
    __table_args__ = (UniqueConstraint("state_code", "from_on"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    state_code: str = Field(sa_column=Column(String(3), ForeignKey("state.code"), nullable=False))
    from_on: date = Field(sa_column=Column(Date, nullable=False))
    to_on: date | None = Field(default=None, sa_column=Column(Date))
    source: str = Field(sa_column=Column(String(200), nullable=False))


class ScaleRate(SQLModel, table=True):
    """A State's rate on a scale of assessments for a period of years.

    ``rate_percent`` is exact (e.g. 0.011 means 0.011 %). ``kind`` is ``un`` for the UN
    scale and ``notional`` for a non-member State's notional rate."""

    __tablename__ = "scale_rate"
    __table_args__ = (UniqueConstraint("scale_code", "state_code"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    scale_code: str = Field(sa_column=Column(String(40), nullable=False))
    first_year: int = Field(sa_column=Column(Integer, nullable=False))
    last_year: int = Field(sa_column=Column(Integer, nullable=False))
    state_code: str = Field(sa_column=Column(String(3), ForeignKey("state.code"), nullable=False))
    rate_percent: Decimal = Field(sa_column=Column(ExactDecimal, nullable=False))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    source: str = Field(sa_column=Column(String(200), nullable=False))


class MembershipEventType(StrEnum):
    SIGNATURE = "signature"
    DEPOSIT = "deposit"
    WITHDRAWAL = "withdrawal"


class Instrument(StrEnum):
    """The instrument a State deposits to become a Party."""

    RATIFICATION = "ratification"
    ACCESSION = "accession"
    ACCEPTANCE = "acceptance"
    APPROVAL = "approval"


class MembershipEvent(SQLModel, table=True):
    """A dated step of a State's relation to the treaty.

    ``event_on`` is the day of the act (signature, deposit, notification of withdrawal);
    ``effective_on`` the day it takes effect (entry into force for the State after a
    deposit; the day a withdrawal takes effect)."""

    __tablename__ = "membership_event"
    __table_args__ = (UniqueConstraint("state_code", "event_type", "event_on"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    state_code: str = Field(sa_column=Column(String(3), ForeignKey("state.code"), nullable=False))
    event_type: MembershipEventType = Field(sa_column=Column(String(16), nullable=False))
    instrument: Instrument | None = Field(default=None, sa_column=Column(String(16)))
    event_on: date = Field(sa_column=Column(Date, nullable=False))
    effective_on: date = Field(sa_column=Column(Date, nullable=False))
    reference: str | None = Field(default=None, sa_column=Column(String(200)))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))
