"""Claiming an idempotency key in the write's own transaction, and replaying.

The claim is the first thing a write does: it inserts the key's row. A concurrent request
with the same key then waits on that row (PostgreSQL's unique index; SQLite's write lock)
until the first commits, and replays its response; after ``WAIT_SECONDS`` it gets a
Conflict instead (that bound ends with the claim: the write's own lock waits, on a busy
State or the ledger's chain head, are not cut short). A key reused with another request
body is a Conflict."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel

from finance_core.db_types import utcnow
from finance_core.errors import Conflict, ValidationFailed
from finance_core.idempotency.models import IdempotencyRecord

_TABLE = SQLModel.metadata.tables[IdempotencyRecord.__tablename__]

#: How long a request waits for a concurrent request with the same key.
WAIT_SECONDS = 5
MAX_KEY_LENGTH = 200


@dataclass(frozen=True, slots=True)
class Replay:
    """The stored response of the first request with this key."""

    status_code: int
    body: str


def claim(
    session: Session, *, actor: str, route: str, key: str, request_hash: str
) -> Replay | None:
    """Claim ``key`` for this request; return the first response if it was used before."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed(
            "Idempotency-Key must have 1 to 200 characters",
            fields={"Idempotency-Key": "1 to 200 characters"},
        )
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql:
        session.execute(text(f"SET LOCAL lock_timeout = '{WAIT_SECONDS}s'"))
    row = {
        "actor": actor,
        "route": route,
        "key": key,
        "request_hash": request_hash,
        "status_code": 0,
        "response_body": "",
        "created_at": utcnow(),
    }
    try:
        # A concurrent request with the key waits here until the first one ends.
        statement = (
            postgresql_insert(_TABLE).values(**row).on_conflict_do_nothing()
            if postgresql
            else sqlite_insert(_TABLE).values(**row).on_conflict_do_nothing()
        )
        claimed = session.execute(statement.returning(_TABLE.c.key)).first() is not None
    except OperationalError as exc:
        raise Conflict(
            "a request with this Idempotency-Key is still running; retry in a moment"
        ) from exc
    if postgresql:  # only the wait for the key is bounded, not the write's own lock waits
        session.execute(text("SET LOCAL lock_timeout = DEFAULT"))
    if claimed:
        return None
    existing = session.get(IdempotencyRecord, (actor, route, key), populate_existing=True)
    assert existing is not None
    if existing.request_hash != request_hash:
        raise Conflict("this Idempotency-Key was used with another request body")
    if existing.status_code == 0:
        raise Conflict("a request with this Idempotency-Key is still running; retry in a moment")
    return Replay(existing.status_code, existing.response_body)


def complete(
    session: Session, *, actor: str, route: str, key: str, status_code: int, body: str
) -> None:
    """Store the response of the request that claimed ``key`` (same transaction)."""
    session.execute(
        update(_TABLE)
        .where(_TABLE.c.actor == actor, _TABLE.c.route == route, _TABLE.c.key == key)
        .values(status_code=status_code, response_body=body)
    )
