"""CSP tables."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel


class Capacity(StrEnum):
    """The capacity a State registered in for a CSP; all of them pay the CSP budget."""

    STATE_PARTY = "state_party"
    SIGNATORY = "signatory"
    OBSERVER = "observer"


class Conference(SQLModel, table=True):
    """A session of the Conference of States Parties, e.g. CSP7."""

    __tablename__ = "conference"
    __table_args__ = (CheckConstraint("end_on >= start_on", name="ck_conference_dates"),)

    number: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    name: str = Field(sa_column=Column(String(60), nullable=False, unique=True))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    venue: str = Field(sa_column=Column(String(120), nullable=False))
    start_on: date = Field(sa_column=Column(Date, nullable=False))
    end_on: date = Field(sa_column=Column(Date, nullable=False))


class Registration(SQLModel, table=True):
    """A State registered for a CSP, in one capacity."""

    __tablename__ = "conference_registration"

    conference_number: int = Field(
        sa_column=Column(Integer, ForeignKey("conference.number"), primary_key=True)
    )
    state_code: str = Field(sa_column=Column(String(3), ForeignKey("state.code"), primary_key=True))
    capacity: Capacity = Field(sa_column=Column(String(16), nullable=False))
