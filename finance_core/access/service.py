"""Users and API tokens: tokens are random, shown once, stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlmodel import Session, col

from finance_core.access.models import ApiToken, Role, User, WebSession
from finance_core.actor import Actor
from finance_core.audit import service as audit
from finance_core.db_types import utcnow
from finance_core.errors import Conflict, NotFound, ValidationFailed
from finance_core.settings import get_settings

TOKEN_PREFIX = "attfin_"


def hash_token(token: str) -> str:
    """SHA-256 hex of a token (tokens have 256 bits of entropy, so no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def parse_roles(roles: Iterable[str]) -> frozenset[Role]:
    """Roles from their names; ValidationFailed names an unknown one."""
    result = set()
    for name in roles:
        try:
            result.add(Role(name.strip()))
        except ValueError:
            allowed = ", ".join(r.value for r in Role)
            raise ValidationFailed(
                f"unknown role {name!r} (roles: {allowed})", fields={"role": name}
            ) from None
    if not result:
        raise ValidationFailed("a user needs at least one role", fields={"role": "required"})
    return frozenset(result)


def issue_token(session: Session, *, user: User, ttl_days: int | None = None) -> str:
    """Create a token for ``user`` and return it (the only time it is visible)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    days = ttl_days or get_settings().token_ttl_days
    assert user.id is not None
    session.add(
        ApiToken(
            user_id=user.id,
            token_hash=hash_token(token),
            prefix=token[: len(TOKEN_PREFIX) + 4],
            expires_at=utcnow() + timedelta(days=days),
        )
    )
    session.flush()
    return token


def create_user(
    session: Session,
    *,
    actor: Actor,
    name: str,
    roles: Iterable[str],
    password: str | None = None,
) -> tuple[User, str]:
    """Create a user with roles, an optional sign-in password and a first token.

    Returns the user and the token (shown this once)."""
    name = name.strip()
    if not name:
        raise ValidationFailed("a user needs a name", fields={"name": "required"})
    role_set = parse_roles(roles)
    if session.execute(select(User).where(col(User.name) == name)).first():
        raise Conflict(f"user {name!r} already exists")
    user = User(
        name=name,
        roles=",".join(sorted(r.value for r in role_set)),
        password_hash=hash_password(password) if password is not None else None,
    )
    session.add(user)
    session.flush()
    token = issue_token(session, user=user)
    audit.record(
        session,
        actor=actor,
        action="users.create",
        object_type="user",
        object_id=name,
        detail={"roles": sorted(r.value for r in role_set)},
    )
    return user, token


def get_user(session: Session, name: str) -> User:
    """A user by name or NotFound."""
    user: User | None = session.execute(
        select(User).where(col(User.name) == name)
    ).scalar_one_or_none()
    if user is None:
        raise NotFound(f"user {name!r} does not exist")
    return user


def list_users(session: Session) -> list[User]:
    """Every user, by name."""
    return list(session.execute(select(User).order_by(col(User.name))).scalars())


def revoke_tokens(session: Session, *, actor: Actor, name: str) -> int:
    """Revoke every live token of user ``name``; returns how many were revoked."""
    user = get_user(session, name)
    now = utcnow()
    tokens = (
        session.execute(
            select(ApiToken).where(
                col(ApiToken.user_id) == user.id, col(ApiToken.revoked_at).is_(None)
            )
        )
        .scalars()
        .all()
    )
    for token in tokens:
        token.revoked_at = now
        session.add(token)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="users.revoke",
        object_type="user",
        object_id=name,
        detail={"tokens": len(tokens)},
    )
    return len(tokens)


def authenticate(session: Session, token: str, *, now: datetime | None = None) -> User | None:
    """The active user owning a live token, or None."""
    now = now or utcnow()
    row = session.execute(
        select(User, ApiToken)
        .join(ApiToken, col(ApiToken.user_id) == col(User.id))
        .where(col(ApiToken.token_hash) == hash_token(token))
    ).first()
    if row is None:
        return None
    user: User = row[0]
    api_token: ApiToken = row[1]
    if api_token.revoked_at is not None or api_token.expires_at <= now:
        return None
    if user.disabled_at is not None:
        return None
    return user


def hash_password(password: str) -> str:
    """Argon2id hash of a password (what is stored for sign-in)."""
    from argon2 import PasswordHasher

    if len(password) < 12:
        raise ValidationFailed(
            "a password needs at least 12 characters", fields={"password": "too short"}
        )
    return PasswordHasher().hash(password)


def set_password(session: Session, *, actor: Actor, name: str, password: str) -> None:
    """Set a user's sign-in password (stored as an Argon2 hash); their web sessions end."""
    user = get_user(session, name)
    user.password_hash = hash_password(password)
    session.add(user)
    end_sessions(session, user)
    session.flush()
    audit.record(
        session, actor=actor, action="users.set_password", object_type="user", object_id=name
    )


def set_roles(session: Session, *, actor: Actor, name: str, roles: Iterable[str]) -> User:
    """Replace a user's roles. An admin cannot take the admin role from themselves (so that
    some admin always remains who can undo a mistake)."""
    user = get_user(session, name)
    role_set = parse_roles(roles)
    if user.id == actor.user_id and Role.ADMIN in user.role_set and Role.ADMIN not in role_set:
        raise Conflict("you cannot take the admin role from yourself: ask another admin")
    before = sorted(r.value for r in user.role_set)
    user.roles = ",".join(sorted(r.value for r in role_set))
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="users.set_roles",
        object_type="user",
        object_id=name,
        detail={"before": before, "after": sorted(r.value for r in role_set)},
    )
    return user


def set_disabled(session: Session, *, actor: Actor, name: str, disabled: bool) -> User:
    """Disable a user (their tokens stop working and their web sessions end at once) or
    enable them again. Nobody can disable themselves."""
    user = get_user(session, name)
    if disabled and user.id == actor.user_id:
        raise Conflict("you cannot disable yourself: ask another admin")
    if disabled == (user.disabled_at is not None):
        return user
    user.disabled_at = utcnow() if disabled else None
    session.add(user)
    if disabled:
        end_sessions(session, user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="users.disable" if disabled else "users.enable",
        object_type="user",
        object_id=name,
    )
    return user


def end_sessions(session: Session, user: User, *, now: datetime | None = None) -> None:
    """End every live web session of ``user`` (they sign in again)."""
    session.execute(
        update(WebSession)
        .where(col(WebSession.user_id) == user.id, col(WebSession.ended_at).is_(None))
        .values(ended_at=now or utcnow())
    )
