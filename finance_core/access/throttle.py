"""Refusing a client address after repeated failures: failed web sign-ins (whatever the
user names, so that guessing many names is slowed down too) and failed API tokens.

Failures are rows in the database (``sign_in_attempt``, ``token_attempt``), so every
server process sees the same count. An address is refused while at least N of its
failures fall within the window (N and the window are settings); it may try again when
the oldest of those N leaves the window. A refused attempt is not checked at all (no
password hash computed, no token looked up) and not recorded.

A failed token is recorded in a transaction of its own (``record_token_failure``),
since the request that carried it is refused and rolled back."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from finance_core.access.models import SignInAttempt, TokenAttempt
from finance_core.db_types import utcnow
from finance_core.errors import TooManyRequests
from finance_core.settings import get_settings

#: Longest client address kept (an IPv6 address with its zone fits).
CLIENT_LENGTH = 64


def _refused_until(
    session: Session, moments: Select[Any], failures: int, window: timedelta
) -> datetime | None:
    """When the ``failures``-th latest of ``moments`` (failure times within the window,
    newest first) leaves the window; None when there are fewer failures than that."""
    nth: datetime | None = session.execute(
        moments.offset(failures - 1).limit(1)
    ).scalar_one_or_none()
    return None if nth is None else nth + window


def _refuse(until: datetime | None, now: datetime, what: str) -> None:
    if until is not None and until > now:
        raise TooManyRequests(
            f"too many failed {what} from this address: try again after "
            f"{until.strftime('%H:%M:%S')} UTC",
            retry_after=math.ceil((until - now).total_seconds()),
        )


def check_sign_in(session: Session, client: str, *, now: datetime | None = None) -> None:
    """Raise TooManyRequests if ``client`` failed to sign in too often lately."""
    now = now or utcnow()
    settings = get_settings()
    window = timedelta(minutes=settings.sign_in_client_window_minutes)
    moments = (
        select(col(SignInAttempt.attempted_at))
        .where(
            col(SignInAttempt.client) == client[:CLIENT_LENGTH],
            col(SignInAttempt.succeeded).is_(False),
            col(SignInAttempt.attempted_at) > now - window,
        )
        .order_by(col(SignInAttempt.attempted_at).desc())
    )
    until = _refused_until(session, moments, settings.sign_in_client_failures, window)
    _refuse(until, now, "sign-ins")


def check_token(session: Session, client: str, *, now: datetime | None = None) -> None:
    """Raise TooManyRequests if ``client`` gave too many bad tokens lately."""
    now = now or utcnow()
    settings = get_settings()
    window = timedelta(minutes=settings.token_client_window_minutes)
    moments = (
        select(col(TokenAttempt.attempted_at))
        .where(
            col(TokenAttempt.client) == client[:CLIENT_LENGTH],
            col(TokenAttempt.attempted_at) > now - window,
        )
        .order_by(col(TokenAttempt.attempted_at).desc())
    )
    until = _refused_until(session, moments, settings.token_client_failures, window)
    _refuse(until, now, "token attempts")


def record_token_failure(session: Session, client: str, *, now: datetime | None = None) -> None:
    """Record a bad token from ``client``, and forget failures older than the window."""
    now = now or utcnow()
    window = timedelta(minutes=get_settings().token_client_window_minutes)
    session.execute(delete(TokenAttempt).where(col(TokenAttempt.attempted_at) <= now - window))
    session.add(TokenAttempt(client=client[:CLIENT_LENGTH], attempted_at=now))
    session.flush()
