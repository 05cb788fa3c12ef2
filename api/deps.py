"""Request dependencies: one session per request (committed before the response is
sent, rolled back on error) and the caller's identity with the roles a route allows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from finance_core.access import service as access
from finance_core.access import throttle
from finance_core.access.models import Role
from finance_core.actor import Actor
from finance_core.db import transaction
from finance_core.errors import NotAuthenticated, PermissionDenied


class Audience(StrEnum):
    """Who besides role holders may call a route."""

    PUBLIC = "public"


def get_session(request: Request) -> Iterator[Session]:
    """The request's transaction: commit on success, roll back on any error."""
    read_only = request.method in ("GET", "HEAD")
    with transaction(request.app.state.engine, read_only=read_only) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


#: Declares the Bearer scheme in OpenAPI (the "Authorize" button of /docs); the
#: dependency below does the checking, so a missing header is not an error here.
bearer_scheme = HTTPBearer(auto_error=False, description="An API token from `attfin users create`.")
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


def allow(*allowed: Role | Audience) -> Any:
    """A dependency giving the caller's Actor, refusing callers outside ``allowed``.

    Anonymous callers get 401 unless ``Audience.PUBLIC`` is allowed; known callers
    without an allowed role get 403. A client address that gave too many bad tokens
    lately gets 429 for any token (``finance_core.access.throttle``); each bad token is
    recorded in a transaction of its own, since the request's is rolled back. The
    allowed set is kept on the dependency so that tests and the OpenAPI description can
    read it."""

    roles = frozenset(a for a in allowed if isinstance(a, Role))
    public = Audience.PUBLIC in allowed

    def dependency(request: Request, session: SessionDep, credentials: BearerDep) -> Actor:
        client = request.client.host if request.client else "unknown"
        token = credentials.credentials.strip() if credentials else ""
        if not token:
            if public:
                return Actor(name="anonymous", origin=f"api {client}")
            raise NotAuthenticated("this route needs a Bearer token")
        throttle.check_token(session, client)
        user = access.authenticate(session, token)
        if user is None:
            session.rollback()  # nothing of the request is kept; frees SQLite's write lock
            with transaction(request.app.state.engine) as own:
                throttle.record_token_failure(own, client)
            raise NotAuthenticated("the token is unknown, expired or revoked")
        actor = Actor(name=user.name, origin=f"api {client}", user_id=user.id, roles=user.role_set)
        if not public and not actor.has_any(*roles):
            raise PermissionDenied(
                f"this needs one of the roles: {', '.join(sorted(r.value for r in roles))}"
            )
        return actor

    dependency.allowed = frozenset(allowed)  # type: ignore[attr-defined]
    return Depends(dependency, scope="function")


def allowed_of(call: Callable[..., Any]) -> frozenset[Role | Audience] | None:
    """The roles a dependency created by ``allow`` admits, or None for other callables."""
    value = getattr(call, "allowed", None)
    return value if isinstance(value, frozenset) else None


#: Readers of finance data (everything, confidential included).
READERS = (Role.COMMITTEE, Role.FINANCE_OFFICER)

ReaderDep = Annotated[Actor, allow(*READERS)]
OfficerDep = Annotated[Actor, allow(Role.FINANCE_OFFICER)]
AdminDep = Annotated[Actor, allow(Role.ADMIN)]
AuditReaderDep = Annotated[Actor, allow(Role.ADMIN, Role.COMMITTEE)]
AnyUserDep = Annotated[Actor, allow(Role.ADMIN, Role.COMMITTEE, Role.FINANCE_OFFICER)]


def page_params(
    limit: Annotated[int, Query(ge=1, le=500, description="Items per page.")] = 50,
    offset: Annotated[int, Query(ge=0, description="Items to skip.")] = 0,
) -> tuple[int, int]:
    """The list window (limit, offset)."""
    return limit, offset


PageDep = Annotated[tuple[int, int], Depends(page_params)]


def as_utc(moment: datetime | None) -> datetime | None:
    """A ``known_at`` from a query string: a time without zone is read as UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
