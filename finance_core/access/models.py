"""Users and API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, ForeignKey, String
from sqlmodel import Field, SQLModel

from finance_core.db_types import BigIntPK, UTCDateTime, utcnow


class Role(StrEnum):
    """Roles of Contracts → Roles and actions (the public needs no role)."""

    COMMITTEE = "committee"
    FINANCE_OFFICER = "finance_officer"
    ADMIN = "admin"


class User(SQLModel, table=True):
    """A person or system that calls the service; ``roles`` is a sorted comma list."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    name: str = Field(sa_column=Column(String(120), nullable=False, unique=True))
    roles: str = Field(sa_column=Column(String(200), nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    disabled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    password_hash: str | None = Field(
        default=None, sa_column=Column(String(200)), description="Argon2 hash, for sign-in."
    )

    @property
    def role_set(self) -> frozenset[Role]:
        """The user's roles."""
        return frozenset(Role(r) for r in self.roles.split(",") if r)


class ApiToken(SQLModel, table=True):
    """An API token: only its SHA-256 is stored; the token itself is shown once."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    user_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("app_user.id"), nullable=False, index=True)
    )
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    prefix: str = Field(sa_column=Column(String(16), nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
