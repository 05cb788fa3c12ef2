"""System flag table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from finance_core.db_types import UTCDateTime, utcnow


class SystemFlag(SQLModel, table=True):
    """A named database-wide setting, e.g. ``dataset = demo``."""

    __tablename__ = "system_flag"

    key: str = Field(sa_column=Column(String(60), primary_key=True))
    value: str = Field(sa_column=Column(String(200), nullable=False))
    set_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
