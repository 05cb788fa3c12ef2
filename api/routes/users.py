"""Users and tokens (admins), and the audit log (admins and the committee)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import AdminDep, AuditReaderDep, PageDep, SessionDep
from api.errors import error_responses
from api.schemas import Page
from finance_core.access import service
from finance_core.access.models import Role
from finance_core.audit import service as audit

router = APIRouter(tags=["users and audit"])


class UserOut(BaseModel):
    name: str
    roles: list[str]
    created_at: datetime
    disabled_at: datetime | None


class UserCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    roles: list[Role] = Field(min_length=1)


class TokenOut(BaseModel):
    name: str
    token: str = Field(description="Shown this once; only its hash is stored.")


class RevokeOut(BaseModel):
    revoked: int


class AuditOut(BaseModel):
    id: int
    occurred_at: datetime
    actor: str
    origin: str
    action: str
    object_type: str
    object_id: str | None
    detail: str


def _user_out(user: object) -> UserOut:
    from finance_core.access.models import User

    assert isinstance(user, User)
    return UserOut(
        name=user.name,
        roles=sorted(r.value for r in user.role_set),
        created_at=user.created_at,
        disabled_at=user.disabled_at,
    )


@router.get("/users", response_model=Page[UserOut], responses=error_responses(401, 403, 422))
def list_users(session: SessionDep, _actor: AdminDep) -> Page[UserOut]:
    """Every user and their roles."""
    rows = [_user_out(u) for u in service.list_users(session)]
    return Page.whole(rows)


@router.post(
    "/users",
    response_model=TokenOut,
    status_code=201,
    responses=error_responses(401, 403, 409, 422),
)
def create_user(data: UserCreate, session: SessionDep, actor: AdminDep) -> TokenOut:
    """Create a user and return its first token."""
    user, token = service.create_user(
        session, actor=actor, name=data.name, roles=[r.value for r in data.roles]
    )
    return TokenOut(name=user.name, token=token)


@router.post(
    "/users/{name}/tokens",
    response_model=TokenOut,
    status_code=201,
    responses=error_responses(401, 403, 404, 422),
)
def issue_token(name: str, session: SessionDep, actor: AdminDep) -> TokenOut:
    """Issue a further token for a user."""
    user = service.get_user(session, name)
    token = service.issue_token(session, user=user)
    audit.record(session, actor=actor, action="users.token", object_type="user", object_id=name)
    return TokenOut(name=name, token=token)


@router.post(
    "/users/{name}/revoke",
    response_model=RevokeOut,
    responses=error_responses(401, 403, 404, 422),
)
def revoke(name: str, session: SessionDep, actor: AdminDep) -> RevokeOut:
    """Revoke every token of a user."""
    return RevokeOut(revoked=service.revoke_tokens(session, actor=actor, name=name))


@router.get("/audit", response_model=Page[AuditOut], responses=error_responses(401, 403, 422))
def list_audit(
    session: SessionDep,
    _actor: AuditReaderDep,
    window: PageDep,
    action: Annotated[str | None, Query(description="e.g. states.import")] = None,
    actor: Annotated[str | None, Query(description="User name")] = None,
) -> Page[AuditOut]:
    """The audit log, newest first."""
    limit, offset = window
    rows, total = audit.list_events(session, limit=limit, offset=offset, action=action, actor=actor)
    items = [AuditOut.model_validate(e, from_attributes=True) for e in rows]
    return Page(items=items, total=total, limit=limit, offset=offset)
