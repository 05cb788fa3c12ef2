"""Snapshot tables: every one append-only (database triggers refuse UPDATE and DELETE).

A snapshot is proposed by its author with its data and files frozen; a second person
approves it (``snapshot_approval``), which publishes it; a draft that will not be
published is withdrawn (``snapshot_withdrawal``). A newer published snapshot of the same
kind and scope supersedes an older one; both stay readable, unchanged."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
)
from sqlmodel import Field, SQLModel

from finance_core.db_types import BigIntPK, UTCDateTime, utcnow


class SnapshotStatus(StrEnum):
    """Derived, never stored: ``draft`` (awaiting approval), ``published`` (approved, the
    latest of its kind and scope), ``superseded`` (approved, a later published snapshot
    of its kind and scope exists), ``withdrawn`` (a draft that will not be published)."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


class Snapshot(SQLModel, table=True):
    """A frozen report or document: what it covers (``kind``, ``scope``), its cutoffs
    (``as_at`` value date, ``known_at`` recording time), the ledger's chain head as
    recorded by ``known_at``, its data (canonical JSON text) and ``content_hash``, the
    SHA-256 over all of these and its files' hashes (see ``service.content_hash``)."""

    __tablename__ = "snapshot"
    __table_args__ = (
        Index("ix_snapshot_kind_scope", "kind", "scope"),
        CheckConstraint("language IN ('en', 'fr', 'es')", name="ck_snapshot_language"),
        CheckConstraint(
            "(chain_head_seq IS NULL) = (chain_head_hash IS NULL)", name="ck_snapshot_chain_head"
        ),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    kind: str = Field(sa_column=Column(String(60), nullable=False))
    scope: str = Field(sa_column=Column(String(120), nullable=False))
    title: str = Field(sa_column=Column(String(300), nullable=False))
    language: str | None = Field(default=None, sa_column=Column(String(2)))
    as_at: date = Field(sa_column=Column(Date, nullable=False))
    known_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    chain_head_seq: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("journal_entry.seq"))
    )
    chain_head_hash: str | None = Field(default=None, sa_column=Column(String(64)))
    data: str = Field(sa_column=Column(Text, nullable=False))
    content_hash: str = Field(sa_column=Column(String(64), nullable=False))
    reference: str = Field(sa_column=Column(String(300), nullable=False))
    author: str = Field(sa_column=Column(String(120), nullable=False))
    proposed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    demo: bool = Field(sa_column=Column(Boolean, nullable=False))


class SnapshotFile(SQLModel, table=True):
    """A rendered file of a snapshot: its bytes, media type, SHA-256 (hex) and size."""

    __tablename__ = "snapshot_file"
    __table_args__ = (CheckConstraint("size = length(content)", name="ck_snapshot_file_size"),)

    snapshot_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("snapshot.id"), primary_key=True)
    )
    name: str = Field(sa_column=Column(String(200), primary_key=True))
    media_type: str = Field(sa_column=Column(String(120), nullable=False))
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: str = Field(sa_column=Column(String(64), nullable=False))
    size: int = Field(sa_column=Column(BigInteger, nullable=False))


class SnapshotApproval(SQLModel, table=True):
    """The approval that publishes a snapshot, by someone other than its author."""

    __tablename__ = "snapshot_approval"

    snapshot_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("snapshot.id"), primary_key=True)
    )
    approver: str = Field(sa_column=Column(String(120), nullable=False))
    approved_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    reference: str | None = Field(default=None, sa_column=Column(String(300)))


class SnapshotWithdrawal(SQLModel, table=True):
    """A draft that will not be published (a published snapshot is never withdrawn)."""

    __tablename__ = "snapshot_withdrawal"

    snapshot_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("snapshot.id"), primary_key=True)
    )
    withdrawn_by: str = Field(sa_column=Column(String(120), nullable=False))
    withdrawn_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    reason: str = Field(sa_column=Column(Text, nullable=False))
