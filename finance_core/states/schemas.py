"""API shapes of States and membership."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel

from finance_core.states.membership import Status
from finance_core.states.models import Instrument, MembershipEventType


class StatePublic(SQLModel):
    code: str
    name: str
    un_member: bool
    regional_group: str | None
    ldc: bool = Field(description="On the LDC list on the as-at date.")
    status: Status = Field(description="Relation to the treaty on the as-at date.")


class MembershipEventCreate(SQLModel):
    event_type: MembershipEventType
    event_on: date = Field(description="Day of signature, deposit or withdrawal notice.")
    instrument: Instrument | None = Field(
        default=None, description="For a deposit: ratification, accession, acceptance, approval."
    )
    withdrawal_effective_on: date | None = Field(
        default=None, description="For a withdrawal: a later effective day named in the notice."
    )
    reference: str | None = Field(default=None, max_length=200)


class MembershipEventPublic(SQLModel):
    id: int
    event_type: MembershipEventType
    instrument: Instrument | None
    event_on: date
    effective_on: date
    reference: str | None


class StateDetail(StatePublic):
    events: list[MembershipEventPublic]
    ldc_periods: list[tuple[date, date | None]]


class ImportResult(SQLModel):
    rows: int
    states_created: int
    states_updated: int
    events_added: int
