"""Stored idempotency keys (kept at least 90 days)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Integer, String, Text
from sqlmodel import Field, SQLModel

from finance_core.db_types import UTCDateTime, utcnow


class IdempotencyRecord(SQLModel, table=True):
    """A key used by one actor on one route: the request's hash and the response.

    ``status_code`` is 0 while the first request is still running."""

    __tablename__ = "idempotency_record"

    actor: str = Field(sa_column=Column(String(120), primary_key=True))
    route: str = Field(sa_column=Column(String(200), primary_key=True))
    key: str = Field(sa_column=Column(String(200), primary_key=True))
    request_hash: str = Field(sa_column=Column(String(64), nullable=False))
    status_code: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    response_body: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False, index=True)
    )
