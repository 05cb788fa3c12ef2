"""Shapes of published snapshots: what is read about them and their files. Dates ISO
8601, timestamps UTC, hashes SHA-256 hex."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from finance_core.publication.models import SnapshotStatus


@dataclass(frozen=True, slots=True)
class FileIn:
    """A rendered file to freeze with a snapshot (``name``: letters, digits, ``.``,
    ``_``, ``-``; unique within the snapshot)."""

    name: str
    media_type: str
    content: bytes


class SnapshotFileOut(BaseModel):
    """A file of a snapshot (its bytes are downloaded separately)."""

    name: str = Field(examples=["status-of-contributions-2025.xlsx"])
    media_type: str = Field(examples=["application/json"])
    sha256: str = Field(description="SHA-256 (hex) of the file's bytes.")
    size: int = Field(description="Bytes.")


class SnapshotOut(BaseModel):
    """A snapshot with its status and files (without its data)."""

    id: int
    kind: str = Field(examples=["report.status_of_contributions"])
    scope: str = Field(examples=["2025"], description="What it covers within its kind.")
    title: str
    language: str | None
    as_at: date = Field(description="Value-date cutoff.")
    known_at: datetime = Field(description="Recording cutoff (UTC).")
    chain_head_seq: int | None = Field(
        description="The last ledger entry recorded by known_at (null: none)."
    )
    chain_head_hash: str | None
    content_hash: str = Field(description="SHA-256 over the snapshot's content (see verify).")
    reference: str = Field(description="The decision or authority for publishing it.")
    author: str
    proposed_at: datetime
    demo: bool = Field(description="Built from the illustrative demo data set.")
    status: SnapshotStatus
    approver: str | None
    approved_at: datetime | None
    approval_reference: str | None
    withdrawn_by: str | None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    superseded_by: int | None = Field(
        description="The next published snapshot of the same kind and scope, if any."
    )
    files: list[SnapshotFileOut]


class SnapshotDetailOut(SnapshotOut):
    """A snapshot with its frozen data."""

    data: dict[str, Any]


class VerifyOut(BaseModel):
    """Whether the stored content still gives the stored hash, and what does not."""

    id: int
    ok: bool
    content_hash: str = Field(description="As stored.")
    computed_hash: str = Field(description="Recomputed from the stored data and files.")
    problems: list[str]


class PublicSnapshotOut(BaseModel):
    """A published snapshot as the public sees it: what it covers, its cutoffs, its
    hashes and references, its files (no officer names, no drafts)."""

    id: int
    kind: str
    scope: str
    title: str
    language: str | None
    as_at: date = Field(description="Value-date cutoff.")
    known_at: datetime = Field(description="Recording cutoff (UTC).")
    chain_head_seq: int | None
    chain_head_hash: str | None
    content_hash: str = Field(description="SHA-256 over the snapshot's content.")
    reference: str = Field(description="The decision or authority for publishing it.")
    approval_reference: str | None
    published_at: datetime
    superseded_by: int | None
    demo: bool = Field(description="Built from the illustrative demo data set.")
    files: list[SnapshotFileOut]


class PublicSnapshotDetailOut(PublicSnapshotOut):
    """A published snapshot with its frozen data."""

    data: dict[str, Any]
