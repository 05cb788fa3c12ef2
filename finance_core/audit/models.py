"""Audit log table (append-only, like the ledger)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, String, Text
from sqlmodel import Field, SQLModel

from finance_core.db_types import BigIntPK, UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    """One write: ``action`` (e.g. ``states.import``), the object, and a JSON detail."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    occurred_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False, index=True)
    )
    actor: str = Field(sa_column=Column(String(120), nullable=False))
    actor_user_id: int | None = Field(default=None, sa_column=Column(BigInteger))
    origin: str = Field(sa_column=Column(String(200), nullable=False))
    action: str = Field(sa_column=Column(String(80), nullable=False, index=True))
    object_type: str = Field(sa_column=Column(String(60), nullable=False))
    object_id: str | None = Field(default=None, sa_column=Column(String(120)))
    detail: str = Field(default="{}", sa_column=Column(Text, nullable=False))
