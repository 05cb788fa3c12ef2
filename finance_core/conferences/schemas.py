"""API shapes of CSPs."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel

from finance_core.conferences.models import Capacity


class ConferenceCreate(SQLModel):
    number: int = Field(ge=1)
    kind: str = Field(default="ordinary", regex="^(ordinary|extraordinary)$")
    venue: str = Field(min_length=1, max_length=120)
    start_on: date
    end_on: date


class ConferencePublic(SQLModel):
    number: int
    name: str
    kind: str
    venue: str
    start_on: date
    end_on: date
    registered: int = Field(description="How many States registered.")


class RegistrationIn(SQLModel):
    state_code: str = Field(min_length=3, max_length=3)
    capacity: Capacity


class RegistrationPublic(SQLModel):
    state_code: str
    state_name: str
    capacity: Capacity


class ConferenceDetail(ConferencePublic):
    registrations: list[RegistrationPublic]
