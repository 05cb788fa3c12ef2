"""Signing in to the web interface: passwords checked against their Argon2 hashes, a
lock on a user name after repeated failures, browser sessions that end on sign-out, on a
password change, after a time without requests and after a time in any case, and the
CSRF token of each session.

The cookie holds a random session token; the database keeps only its SHA-256 (like API
tokens). The CSRF token is an HMAC of the session token, so it is never stored either.

``sign_in`` records every attempt and reports failures as its result rather than raising,
so that the caller commits the failed attempt (a rolled-back failure would never count
towards the lock). The one exception: a client address with too many recent failures,
whatever the user names, is refused with TooManyRequests before anything is checked or
recorded (``finance_core.access.throttle``)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlmodel import Session, col

from finance_core.access.models import SignInAttempt, User, WebSession
from finance_core.access.service import end_sessions, hash_password, hash_token
from finance_core.access.throttle import check_sign_in
from finance_core.actor import Actor
from finance_core.audit import service as audit
from finance_core.db_types import utcnow
from finance_core.errors import NotAuthenticated
from finance_core.settings import get_settings

_HASHER = PasswordHasher()


@dataclass(frozen=True, slots=True)
class SignIn:
    """The outcome of a sign-in: the user and the new session token, or why not
    (``locked_until`` set when the name is locked)."""

    user: User | None
    token: str | None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None


def csrf_token(session_token: str) -> str:
    """The CSRF token of a session: an HMAC-SHA-256 of its token (hex)."""
    return hmac.new(session_token.encode(), b"attfin-csrf", hashlib.sha256).hexdigest()


def csrf_ok(session_token: str, submitted: str | None) -> bool:
    """Whether a form's CSRF token is the session's (compared in constant time)."""
    return bool(submitted) and hmac.compare_digest(csrf_token(session_token), submitted or "")


def locked_until(session: Session, name: str, now: datetime) -> datetime | None:
    """When the lock on ``name`` ends, if the last ``sign_in_failures`` attempts all
    failed and the latest of them is less than ``sign_in_lock_minutes`` old."""
    settings = get_settings()
    recent = session.execute(
        select(col(SignInAttempt.attempted_at), col(SignInAttempt.succeeded))
        .where(col(SignInAttempt.name) == name)
        .order_by(col(SignInAttempt.attempted_at).desc(), col(SignInAttempt.id).desc())
        .limit(settings.sign_in_failures)
    ).all()
    if len(recent) < settings.sign_in_failures or any(ok for _at, ok in recent):
        return None
    until: datetime = recent[0][0] + timedelta(minutes=settings.sign_in_lock_minutes)
    return until if until > now else None


@cache
def _dummy_hash() -> str:
    """Verified against when the user name is unknown, so that both take as long."""
    return _HASHER.hash("not the password of anyone")


def _password_matches(user: User | None, password: str) -> bool:
    stored = user.password_hash if user is not None else None
    try:
        matched = _HASHER.verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and stored is not None


def sign_in(
    session: Session, *, name: str, password: str, client: str, now: datetime | None = None
) -> SignIn:
    """Check ``name`` and ``password``; on success open a session and return its token.
    TooManyRequests when ``client`` has failed too often lately."""
    now = now or utcnow()
    check_sign_in(session, client, now=now)
    name = name.strip()[:120]
    until = locked_until(session, name, now)
    if until is not None:
        return SignIn(None, None, until)
    user = session.execute(select(User).where(col(User.name) == name)).scalar_one_or_none()
    ok = _password_matches(user, password) and user is not None and user.disabled_at is None
    session.add(SignInAttempt(name=name, attempted_at=now, client=client[:64], succeeded=ok))
    session.flush()
    if not ok or user is None or user.id is None:
        return SignIn(None, None, locked_until(session, name, now))
    settings = get_settings()
    token = "attfin_web_" + secrets.token_urlsafe(32)
    session.add(
        WebSession(
            user_id=user.id,
            token_hash=hash_token(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.web_session_hours),
        )
    )
    session.flush()
    return SignIn(user, token)


def session_user(
    session: Session, token: str | None, *, now: datetime | None = None
) -> tuple[User, WebSession] | None:
    """The user of a live session (and the session, its last request moved to ``now``),
    or None: unknown, ended, expired or idle too long, or the user disabled."""
    if not token:
        return None
    now = now or utcnow()
    row = session.execute(
        select(User, WebSession)
        .join(WebSession, col(WebSession.user_id) == col(User.id))
        .where(col(WebSession.token_hash) == hash_token(token))
    ).first()
    if row is None:
        return None
    user: User = row[0]
    web: WebSession = row[1]
    idle = timedelta(minutes=get_settings().web_idle_minutes)
    if (
        web.ended_at is not None
        or web.expires_at <= now
        or web.last_seen_at + idle <= now
        or user.disabled_at is not None
    ):
        return None
    if now - web.last_seen_at > timedelta(seconds=30):  # not a write on every request
        web.last_seen_at = now
        session.add(web)
        session.flush()
    return user, web


def sign_out(session: Session, token: str | None, *, now: datetime | None = None) -> None:
    """End the session of ``token`` (nothing if there is none)."""
    if not token:
        return
    session.execute(
        update(WebSession)
        .where(col(WebSession.token_hash) == hash_token(token), col(WebSession.ended_at).is_(None))
        .values(ended_at=now or utcnow())
    )


def change_password(
    session: Session, *, user: User, current: str, new: str, now: datetime | None = None
) -> None:
    """Replace the user's password after checking the current one; every session of
    the user ends (the caller signs in again)."""
    if not _password_matches(user, current):
        raise NotAuthenticated("the current password is not right", fields={"current": "wrong"})
    user.password_hash = hash_password(new)
    session.add(user)
    end_sessions(session, user, now=now)
    audit.record(
        session,
        actor=Actor(name=user.name, origin="web"),
        action="users.change_password",
        object_type="user",
        object_id=user.name,
    )
