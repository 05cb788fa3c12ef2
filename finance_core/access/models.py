"""Users and API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Index, String
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


class WebSession(SQLModel, table=True):
    """A signed-in browser session of the web interface (``/app``). The cookie holds a
    random token; only its SHA-256 is stored. A session ends when its user signs out,
    changes the password, after ``WEB_SESSION_HOURS`` in all, or after
    ``WEB_IDLE_MINUTES`` without a request (see ``finance_core.access.web``)."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    user_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("app_user.id"), nullable=False, index=True)
    )
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    last_seen_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class SignInAttempt(SQLModel, table=True):
    """One attempt to sign in with a user name (known or not): when, from which client
    address, and whether it succeeded. Repeated failures lock the name for a while, and
    repeated failures from one address (whatever the names) refuse that address for a
    while (``finance_core.access.throttle``)."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (Index("ix_sign_in_attempt_client_attempted_at", "client", "attempted_at"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    name: str = Field(sa_column=Column(String(120), nullable=False, index=True))
    attempted_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    client: str = Field(sa_column=Column(String(64), nullable=False))
    succeeded: bool = Field(sa_column=Column(Boolean, nullable=False))


class TokenAttempt(SQLModel, table=True):
    """A failed API token attempt (a token unknown, expired or revoked): when, and from
    which client address; nothing of the token is kept. Repeated failures from one
    address refuse its tokens for a while; rows older than that window are removed as
    new failures come (``finance_core.access.throttle``)."""

    __tablename__ = "token_attempt"
    __table_args__ = (Index("ix_token_attempt_client_attempted_at", "client", "attempted_at"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    client: str = Field(sa_column=Column(String(64), nullable=False))
    attempted_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
