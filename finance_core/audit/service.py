"""Recording and reading the audit log."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import func, insert, select
from sqlmodel import Session, SQLModel, col

from finance_core.actor import Actor
from finance_core.audit.models import AuditEvent
from finance_core.db_types import utcnow

_TABLE = SQLModel.metadata.tables[AuditEvent.__tablename__]
_INSERT = insert(_TABLE)


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | None = None,
    detail: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> None:
    """Add one audit event to the caller's transaction (one INSERT, no ORM object)."""
    session.execute(
        _INSERT,
        {
            "occurred_at": occurred_at or utcnow(),
            "actor": actor.name,
            "actor_user_id": actor.user_id,
            "origin": actor.origin,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "detail": json.dumps(detail or {}, sort_keys=True, default=str),
        },
    )


class _Recorded(Protocol):
    recorded_at: datetime


Row = TypeVar("Row", bound=_Recorded)


def store(
    session: Session,
    row: Row,
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | None = None,
    detail: dict[str, Any] | None = None,
    recorded_at: datetime | None = None,
) -> Row:
    """Insert ``row`` and its audit event in the caller's transaction.

    ``recorded_at`` (default now) back-dates both; only the demo loader passes it.
    ``object_id`` defaults to the row's new id."""
    if recorded_at is not None:
        row.recorded_at = recorded_at
    session.add(row)
    session.flush()
    record(
        session,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(getattr(row, "id", None)) if object_id is None else object_id,
        detail=detail,
        occurred_at=recorded_at,
    )
    return row


def list_events(
    session: Session,
    *,
    limit: int,
    offset: int,
    action: str | None = None,
    actor: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
) -> tuple[list[AuditEvent], int]:
    """Audit events, newest first, and how many match in all (each filter optional)."""
    query = select(AuditEvent)
    if object_type:
        query = query.where(col(AuditEvent.object_type) == object_type)
    if object_id:
        query = query.where(col(AuditEvent.object_id) == object_id)
    if action:
        query = query.where(col(AuditEvent.action) == action)
    if actor:
        query = query.where(col(AuditEvent.actor) == actor)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(
        query.order_by(col(AuditEvent.id).desc()).limit(limit).offset(offset)
    ).scalars()
    return list(rows), int(total)
