"""Publishing frozen snapshots (maker-checker), reading them, and verifying them.

A domain that publishes (the strategic plan's annual update, a report) calls ``propose``
with its data (a dict, frozen as canonical JSON: no floats) and its rendered files, as at
``as_at`` and known at ``known_at``; the ledger's chain head as recorded by ``known_at``
is frozen with it (read once the postings in flight have ended, so that no entry
recorded by ``known_at`` is still to come; a domain reading the ledger for its data
waits the same way first: ``ledger.service.wait_for_postings``). A second person
approves it (``approve``; the author may not), which publishes it; a draft that will not
be published is withdrawn (``withdraw``). Nothing is ever changed: a correction is a
newer snapshot of the same kind and scope, whose approval supersedes the older one (both
stay readable).

The content hash is the SHA-256 of the canonical JSON of ``content_of``: kind, scope,
``as_at``, ``known_at``, the chain head, the data and each file's name, media type and
SHA-256 (title, language and reference are descriptive, outside the hash)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, select, text
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.audit import service as audit
from finance_core.canonical import canonical_json, sha256_hex
from finance_core.db_types import utcnow
from finance_core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from finance_core.ledger.models import JournalEntry
from finance_core.ledger.service import wait_for_postings
from finance_core.publication.models import (
    Snapshot,
    SnapshotApproval,
    SnapshotFile,
    SnapshotStatus,
    SnapshotWithdrawal,
)
from finance_core.publication.schemas import (
    FileIn,
    PublicSnapshotDetailOut,
    PublicSnapshotOut,
    SnapshotDetailOut,
    SnapshotFileOut,
    SnapshotOut,
    VerifyOut,
)
from finance_core.system.service import is_demo

LANGUAGES = ("en", "fr", "es")

#: Kinds of snapshot the public may read once published (everything else, such as the
#: Management Committee's pack, stays confidential even when published).
PUBLIC_KINDS = frozenset(
    {
        "strategy.annual_update",
        "report.status_of_contributions",
        "report.honour_roll",
        "report.activity_spending",
        "report.progress_report",
    }
)
_KIND = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*(;.*)?")


# --- content and its hash ---------------------------------------------------------------


def content_of(snapshot: Snapshot, files: Sequence[SnapshotFile | SnapshotFileOut]) -> Any:
    """What the content hash covers (the data parsed from its stored canonical JSON)."""
    head = (
        None
        if snapshot.chain_head_seq is None
        else {"seq": snapshot.chain_head_seq, "hash": snapshot.chain_head_hash}
    )
    return {
        "kind": snapshot.kind,
        "scope": snapshot.scope,
        "as_at": snapshot.as_at,
        "known_at": snapshot.known_at,
        "chain_head": head,
        "data": json.loads(snapshot.data),
        "files": [
            {"name": f.name, "media_type": f.media_type, "sha256": f.sha256}
            for f in sorted(files, key=lambda f: f.name)
        ],
    }


def content_hash(snapshot: Snapshot, files: Sequence[SnapshotFile | SnapshotFileOut]) -> str:
    """SHA-256 (hex) of the canonical JSON of ``content_of``."""
    return sha256_hex(content_of(snapshot, files))


def chain_head_at(session: Session, known_at: datetime) -> tuple[int, str] | None:
    """The last ledger entry recorded by ``known_at`` (seq, hash), or None."""
    row = session.execute(
        select(col(JournalEntry.seq), col(JournalEntry.entry_hash))
        .where(col(JournalEntry.recorded_at) <= known_at)
        .order_by(col(JournalEntry.seq).desc())
        .limit(1)
    ).first()
    return None if row is None else (int(row[0]), str(row[1]))


# --- proposing, approving, withdrawing --------------------------------------------------


def _text(value: str, name: str, limit: int, fields: dict[str, str]) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        fields[name] = "required"
    elif len(cleaned) > limit:
        fields[name] = f"at most {limit} characters"
    return cleaned


def _frozen_data(data: Any, fields: dict[str, str]) -> str:
    if not isinstance(data, dict):
        fields["data"] = "must be a JSON object"
        return ""
    try:
        return canonical_json(data).decode("utf-8")
    except (TypeError, ValueError) as exc:
        fields["data"] = f"cannot be frozen: {exc}"
        return ""


def _checked_files(files: Sequence[FileIn], fields: dict[str, str]) -> list[FileIn]:
    seen: set[str] = set()
    for i, f in enumerate(files):
        if not _FILE_NAME.fullmatch(f.name or "") or len(f.name) > 200:
            fields[f"files[{i}].name"] = (
                "letters, digits, '.', '_' and '-' only (at most 200), not starting with '.'"
            )
        elif f.name in seen:
            fields[f"files[{i}].name"] = f"{f.name} appears twice"
        seen.add(f.name)
        if not _MEDIA_TYPE.fullmatch(f.media_type or "") or len(f.media_type) > 120:
            fields[f"files[{i}].media_type"] = "a media type such as application/json"
        if not isinstance(f.content, bytes):
            fields[f"files[{i}].content"] = "must be bytes"
    return list(files)


def propose(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    scope: str,
    title: str,
    as_at: date,
    known_at: datetime,
    data: dict[str, Any],
    files: Sequence[FileIn] = (),
    reference: str,
    language: str | None = None,
    recorded_at: datetime | None = None,
) -> Snapshot:
    """Freeze a draft snapshot with its files; a second person approves it.
    ``recorded_at`` (default now) back-dates the proposal; only the demo loader passes it."""
    now = recorded_at or utcnow()
    fields: dict[str, str] = {}
    kind = (kind or "").strip()
    if not _KIND.fullmatch(kind) or len(kind) > 60:
        fields["kind"] = "dotted lower-case words, e.g. report.status_of_contributions"
    scope = _text(scope, "scope", 120, fields)
    title = _text(title, "title", 300, fields)
    reference = _text(reference, "reference", 300, fields)
    if language is not None and language not in LANGUAGES:
        fields["language"] = f"one of {', '.join(LANGUAGES)}"
    if not isinstance(known_at, datetime) or known_at.tzinfo is None:
        fields["known_at"] = "must be a timezone-aware UTC timestamp"
    elif known_at > now:
        fields["known_at"] = "must not be in the future"
    if isinstance(as_at, datetime) or not isinstance(as_at, date):
        fields["as_at"] = "must be a date"
    elif as_at > now.date():
        fields["as_at"] = "must not be in the future"
    frozen = _frozen_data(data, fields)
    checked = _checked_files(files, fields)
    ValidationFailed.raise_if(fields)

    wait_for_postings(session)
    head = chain_head_at(session, known_at)
    snapshot = Snapshot(
        kind=kind,
        scope=scope,
        title=title,
        language=language,
        as_at=as_at,
        known_at=known_at,
        chain_head_seq=head[0] if head else None,
        chain_head_hash=head[1] if head else None,
        data=frozen,
        content_hash="",
        reference=reference,
        author=actor.name,
        proposed_at=now,
        demo=is_demo(session),
    )
    described = [
        SnapshotFileOut(
            name=f.name,
            media_type=f.media_type,
            sha256=hashlib.sha256(f.content).hexdigest(),
            size=len(f.content),
        )
        for f in checked
    ]
    snapshot.content_hash = content_hash(snapshot, described)
    session.add(snapshot)
    session.flush()
    assert snapshot.id is not None
    for f, d in zip(checked, described, strict=True):
        session.add(
            SnapshotFile(
                snapshot_id=snapshot.id,
                name=f.name,
                media_type=f.media_type,
                content=f.content,
                sha256=d.sha256,
                size=d.size,
            )
        )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="publication.propose",
        object_type="snapshot",
        object_id=str(snapshot.id),
        occurred_at=recorded_at,
        detail={
            "kind": kind,
            "scope": scope,
            "content_hash": snapshot.content_hash,
            "files": [d.name for d in described],
        },
    )
    return snapshot


def _lock(session: Session, snapshot: Snapshot) -> None:
    """Serialise approvals and withdrawals of one kind and scope (on SQLite every write
    transaction is already serialised by ``BEGIN IMMEDIATE``)."""
    if session.get_bind().dialect.name == "postgresql":
        key = f"snapshot\x1f{snapshot.kind}\x1f{snapshot.scope}"
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"), {"k": key})


def approve(
    session: Session,
    *,
    actor: Actor,
    snapshot_id: int,
    reference: str | None = None,
    recorded_at: datetime | None = None,
) -> Snapshot:
    """Publish a draft as someone other than its author (maker-checker); it supersedes
    the earlier published snapshot of its kind and scope."""
    snapshot = get(session, snapshot_id)
    _lock(session, snapshot)
    status = status_of(session, snapshot)
    if status == SnapshotStatus.WITHDRAWN:
        raise Conflict(f"snapshot {snapshot_id} was withdrawn: it cannot be approved")
    if status != SnapshotStatus.DRAFT:
        raise Conflict(f"snapshot {snapshot_id} is already approved ({status})")
    if actor.name == snapshot.author:
        raise PermissionDenied(
            f"{actor.name} proposed snapshot {snapshot_id}: someone else must approve it"
        )
    later = session.execute(
        select(func.max(col(Snapshot.id)))
        .join(SnapshotApproval, col(SnapshotApproval.snapshot_id) == col(Snapshot.id))
        .where(
            col(Snapshot.kind) == snapshot.kind,
            col(Snapshot.scope) == snapshot.scope,
            col(Snapshot.id) > snapshot_id,
        )
    ).scalar_one_or_none()
    if later is not None:
        raise Conflict(
            f"snapshot {later}, proposed after {snapshot_id}, is already published for "
            f"{snapshot.kind} {snapshot.scope}: propose a new snapshot instead"
        )
    problems = _content_problems(session, snapshot)[1]
    if problems:
        raise Conflict(
            f"snapshot {snapshot_id} does not verify ({problems[0]}): it cannot be approved"
        )
    now = recorded_at or utcnow()
    if now < snapshot.proposed_at:
        raise ValidationFailed(
            "the approval cannot precede the proposal",
            fields={"recorded_at": "before the proposal"},
        )
    cleaned = (reference or "").strip() or None
    if cleaned is not None and len(cleaned) > 300:
        raise ValidationFailed("reference: at most 300 characters", fields={"reference": "long"})
    session.add(
        SnapshotApproval(
            snapshot_id=snapshot_id, approver=actor.name, approved_at=now, reference=cleaned
        )
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="publication.approve",
        object_type="snapshot",
        object_id=str(snapshot_id),
        occurred_at=recorded_at,
        detail={
            "kind": snapshot.kind,
            "scope": snapshot.scope,
            "content_hash": snapshot.content_hash,
            "reference": cleaned,
        },
    )
    return snapshot


def withdraw(
    session: Session,
    *,
    actor: Actor,
    snapshot_id: int,
    reason: str,
    recorded_at: datetime | None = None,
) -> Snapshot:
    """Withdraw a draft that will not be published (a published snapshot never is: a
    newer one supersedes it)."""
    snapshot = get(session, snapshot_id)
    _lock(session, snapshot)
    status = status_of(session, snapshot)
    if status == SnapshotStatus.WITHDRAWN:
        raise Conflict(f"snapshot {snapshot_id} is already withdrawn")
    if status != SnapshotStatus.DRAFT:
        raise Conflict(
            f"snapshot {snapshot_id} is {status}: a published snapshot is never withdrawn; "
            "publish a newer one to supersede it"
        )
    fields: dict[str, str] = {}
    cleaned = _text(reason, "reason", 2000, fields)
    ValidationFailed.raise_if(fields)
    session.add(
        SnapshotWithdrawal(
            snapshot_id=snapshot_id,
            withdrawn_by=actor.name,
            withdrawn_at=recorded_at or utcnow(),
            reason=cleaned,
        )
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="publication.withdraw",
        object_type="snapshot",
        object_id=str(snapshot_id),
        occurred_at=recorded_at,
        detail={"kind": snapshot.kind, "scope": snapshot.scope, "reason": cleaned},
    )
    return snapshot


# --- reading ----------------------------------------------------------------------------


def get(session: Session, snapshot_id: int) -> Snapshot:
    """The snapshot, or NotFound."""
    snapshot = session.get(Snapshot, snapshot_id)
    if snapshot is None:
        raise NotFound(f"snapshot {snapshot_id} does not exist")
    return snapshot


def _status_expr() -> ColumnElement[str]:
    """The derived status of the outer query's ``snapshot`` row, in SQL."""
    later = aliased(Snapshot)
    approved = exists().where(col(SnapshotApproval.snapshot_id) == col(Snapshot.id))
    withdrawn = exists().where(col(SnapshotWithdrawal.snapshot_id) == col(Snapshot.id))
    superseded = (
        select(1)
        .select_from(later)
        .join(SnapshotApproval, col(SnapshotApproval.snapshot_id) == col(later.id))
        .where(
            col(later.kind) == col(Snapshot.kind),
            col(later.scope) == col(Snapshot.scope),
            col(later.id) > col(Snapshot.id),
        )
        .correlate(Snapshot)
        .exists()
    )
    return case(
        (withdrawn, SnapshotStatus.WITHDRAWN.value),
        (~approved, SnapshotStatus.DRAFT.value),
        (superseded, SnapshotStatus.SUPERSEDED.value),
        else_=SnapshotStatus.PUBLISHED.value,
    )


def status_of(session: Session, snapshot: Snapshot) -> SnapshotStatus:
    """The snapshot's status, derived from its approval, withdrawal and later snapshots."""
    value = session.execute(
        select(_status_expr()).where(col(Snapshot.id) == snapshot.id)
    ).scalar_one()
    return SnapshotStatus(value)


def list_snapshots(
    session: Session,
    *,
    kind: str | None = None,
    scope: str | None = None,
    status: SnapshotStatus | None = None,
    published_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[SnapshotOut], int]:
    """Snapshots, latest first, and how many match in all. ``published_only``: approved
    ones only (published or superseded)."""
    status_col = _status_expr().label("status")
    id_col = col(Snapshot.id)
    inner = select(id_col, status_col)
    if kind:
        inner = inner.where(col(Snapshot.kind) == kind)
    if scope:
        inner = inner.where(col(Snapshot.scope) == scope)
    sub = inner.subquery()
    query = select(sub.c.id)
    if status is not None:
        query = query.where(sub.c.status == SnapshotStatus(status).value)
    if published_only:
        query = query.where(
            sub.c.status.in_([SnapshotStatus.PUBLISHED.value, SnapshotStatus.SUPERSEDED.value])
        )
    total = int(session.execute(select(func.count()).select_from(query.subquery())).scalar_one())
    ids = session.execute(query.order_by(sub.c.id.desc()).limit(limit).offset(offset)).scalars()
    return [snapshot_out(session, get(session, int(i))) for i in ids], total


def latest_published(session: Session, *, kind: str, scope: str | None = None) -> Snapshot | None:
    """The current published snapshot of ``kind`` (and ``scope``): the latest approved."""
    query = (
        select(Snapshot)
        .join(SnapshotApproval, col(SnapshotApproval.snapshot_id) == col(Snapshot.id))
        .where(col(Snapshot.kind) == kind)
    )
    if scope is not None:
        query = query.where(col(Snapshot.scope) == scope)
    found: Snapshot | None = session.execute(
        query.order_by(col(Snapshot.id).desc()).limit(1)
    ).scalar_one_or_none()
    return found


def files_of(session: Session, snapshot_id: int) -> list[SnapshotFileOut]:
    """The snapshot's files (without their bytes), by name."""
    rows = session.execute(
        select(
            col(SnapshotFile.name),
            col(SnapshotFile.media_type),
            col(SnapshotFile.sha256),
            col(SnapshotFile.size),
        )
        .where(col(SnapshotFile.snapshot_id) == snapshot_id)
        .order_by(col(SnapshotFile.name))
    ).all()
    return [SnapshotFileOut(name=n, media_type=m, sha256=h, size=int(s)) for n, m, h, s in rows]


def file_of(session: Session, snapshot_id: int, name: str) -> SnapshotFile:
    """One file of the snapshot with its bytes, or NotFound."""
    get(session, snapshot_id)
    found = session.get(SnapshotFile, (snapshot_id, name))
    if found is None:
        raise NotFound(f"snapshot {snapshot_id} has no file {name}")
    return found


def snapshot_out(session: Session, snapshot: Snapshot) -> SnapshotOut:
    """The snapshot with its status, approval or withdrawal, and files."""
    assert snapshot.id is not None
    approval = session.get(SnapshotApproval, snapshot.id)
    withdrawal = session.get(SnapshotWithdrawal, snapshot.id)
    status = status_of(session, snapshot)
    superseded_by = None
    if status == SnapshotStatus.SUPERSEDED:
        superseded_by = session.execute(
            select(func.min(col(Snapshot.id)))
            .join(SnapshotApproval, col(SnapshotApproval.snapshot_id) == col(Snapshot.id))
            .where(
                col(Snapshot.kind) == snapshot.kind,
                col(Snapshot.scope) == snapshot.scope,
                col(Snapshot.id) > snapshot.id,
            )
        ).scalar_one_or_none()
    return SnapshotOut(
        id=snapshot.id,
        kind=snapshot.kind,
        scope=snapshot.scope,
        title=snapshot.title,
        language=snapshot.language,
        as_at=snapshot.as_at,
        known_at=snapshot.known_at,
        chain_head_seq=snapshot.chain_head_seq,
        chain_head_hash=snapshot.chain_head_hash,
        content_hash=snapshot.content_hash,
        reference=snapshot.reference,
        author=snapshot.author,
        proposed_at=snapshot.proposed_at,
        demo=snapshot.demo,
        status=status,
        approver=approval.approver if approval else None,
        approved_at=approval.approved_at if approval else None,
        approval_reference=approval.reference if approval else None,
        withdrawn_by=withdrawal.withdrawn_by if withdrawal else None,
        withdrawn_at=withdrawal.withdrawn_at if withdrawal else None,
        withdrawal_reason=withdrawal.reason if withdrawal else None,
        superseded_by=superseded_by,
        files=files_of(session, snapshot.id),
    )


def snapshot_detail(session: Session, snapshot: Snapshot) -> SnapshotDetailOut:
    """The snapshot with its frozen data."""
    out = snapshot_out(session, snapshot)
    return SnapshotDetailOut(**out.model_dump(), data=json.loads(snapshot.data))


def _content_problems(session: Session, snapshot: Snapshot) -> tuple[str, list[str]]:
    """The content hash recomputed from what is stored, and what does not match."""
    problems: list[str] = []
    stored = list(
        session.execute(
            select(SnapshotFile)
            .where(col(SnapshotFile.snapshot_id) == snapshot.id)
            .order_by(col(SnapshotFile.name))
        ).scalars()
    )
    for f in stored:
        actual = hashlib.sha256(f.content).hexdigest()
        if actual != f.sha256:
            problems.append(f"file {f.name}: its bytes hash to {actual}, not {f.sha256}")
        if len(f.content) != f.size:
            problems.append(f"file {f.name}: {len(f.content)} bytes, not {f.size}")
    computed = ""
    try:
        parsed = json.loads(snapshot.data)
        if canonical_json(parsed).decode("utf-8") != snapshot.data:
            problems.append("the data is not in canonical form")
        computed = content_hash(snapshot, stored)
    except (TypeError, ValueError) as exc:
        problems.append(f"the data cannot be read: {exc}")
    if computed and computed != snapshot.content_hash:
        problems.append(f"the content hashes to {computed}, not {snapshot.content_hash}")
    return computed, problems


def verify(session: Session, snapshot_id: int) -> VerifyOut:
    """Recompute the snapshot's hashes from what is stored and report any mismatch: a
    file's bytes against its SHA-256 and size, the data against its canonical form, the
    content hash; and the frozen chain head against the ledger (the entry still has its
    hash, and no other entry has since appeared as recorded by ``known_at``)."""
    snapshot = get(session, snapshot_id)
    computed, problems = _content_problems(session, snapshot)
    if snapshot.chain_head_seq is not None:
        entry = session.get(JournalEntry, snapshot.chain_head_seq)
        if entry is None or entry.entry_hash != snapshot.chain_head_hash:
            problems.append(
                f"ledger entry {snapshot.chain_head_seq} no longer has the frozen chain-head hash"
            )
    head = chain_head_at(session, snapshot.known_at)
    if (head[0] if head else None) != snapshot.chain_head_seq:
        problems.append(
            f"the last ledger entry recorded by known_at is now {head[0] if head else 'none'}, "
            f"not {snapshot.chain_head_seq if snapshot.chain_head_seq is not None else 'none'}"
        )
    return VerifyOut(
        id=snapshot_id,
        ok=not problems,
        content_hash=snapshot.content_hash,
        computed_hash=computed,
        problems=problems,
    )


# --- what the public reads ---------------------------------------------------------------


def public_snapshot(session: Session, snapshot_id: int) -> Snapshot:
    """A published (or superseded) snapshot of a public kind; NotFound for anything
    else, drafts and confidential kinds included, so that their existence is not told."""
    snapshot = session.get(Snapshot, snapshot_id)
    if (
        snapshot is None
        or snapshot.kind not in PUBLIC_KINDS
        or status_of(session, snapshot) not in (SnapshotStatus.PUBLISHED, SnapshotStatus.SUPERSEDED)
    ):
        raise NotFound(f"no published snapshot {snapshot_id}")
    return snapshot


def public_of(out: SnapshotOut) -> PublicSnapshotOut:
    """An approved snapshot without what only officers read (their names)."""
    assert out.approved_at is not None, "only approved snapshots are shown to the public"
    return PublicSnapshotOut(
        **out.model_dump(include=set(PublicSnapshotOut.model_fields) - {"published_at"}),
        published_at=out.approved_at,
    )


def public_out(session: Session, snapshot: Snapshot) -> PublicSnapshotOut:
    """A published snapshot as the public sees it."""
    return public_of(snapshot_out(session, snapshot))


def public_detail(session: Session, snapshot: Snapshot) -> PublicSnapshotDetailOut:
    """A published snapshot with its frozen data."""
    return PublicSnapshotDetailOut(
        **public_out(session, snapshot).model_dump(), data=json.loads(snapshot.data)
    )
