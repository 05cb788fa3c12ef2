"""Users and settings, for admins, in the web interface: the users with their roles and
state; creating a user with a sign-in password; changing roles, disabling and enabling,
setting a password, issuing and revoking API tokens; each user's audit trail; and the
service's settings as this process reads them.

Admins manage access only: they see no finance page. A new API token is shown once, on
the page answering the request, and stored nowhere but as its hash (so that form is not
replayed from a stored answer: a second press issues a second token, and the first can
be revoked)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from api.deps import SessionDep
from api.web.auth import Admin, WebCaller
from api.web.forms import actor_of, field_errors, form_lists, form_values
from api.web.pages import render
from finance_core.access import service as access
from finance_core.access.models import Role
from finance_core.audit import service as audit
from finance_core.errors import DomainError
from finance_core.settings import Settings, get_settings
from finance_core.system.service import is_demo

router = APIRouter(prefix="/app/admin", include_in_schema=False)

#: Each role in words, for the checkboxes.
ROLE_NAMES = {
    Role.FINANCE_OFFICER: "Finance officer: records money, plans, expenditures, decisions",
    Role.COMMITTEE: "Management Committee: reads everything, writes nothing",
    Role.ADMIN: "Admin: users and settings only",
}
#: Settings whose value is not shown (a database address may hold a password).
_HIDDEN = {"database_url", "migration_database_url"}


def _users_page(
    request: Request,
    session: Session,
    caller: WebCaller,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "admin_users.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        users=access.list_users(session),
        role_names=ROLE_NAMES,
        values=values or {"roles": []},
        errors=errors or {},
    )


@router.get("/users")
def users(request: Request, session: SessionDep, caller: Admin) -> Response:
    return _users_page(request, session, caller)


@router.post("/users")
async def create_user(request: Request, session: SessionDep, caller: Admin) -> Response:
    values: dict[str, Any] = await form_values(request, ("name", "password", "again"))
    values["roles"] = await form_lists(request, "roles")
    try:
        if values["password"] != values["again"]:
            errors = {"again": "The two passwords differ."}
            return _users_page(
                request, session, caller, values=values, errors=errors, status_code=422
            )
        user, _token = access.create_user(
            session,
            actor=actor_of(caller, request),
            name=values["name"],
            roles=values["roles"],
            password=values["password"],
        )
    except DomainError as exc:
        session.rollback()
        errors = field_errors(exc)
        if "role" in errors:
            errors["roles"] = errors.pop("role")
        return _users_page(request, session, caller, values=values, errors=errors, status_code=422)
    return RedirectResponse(f"/app/admin/users/{user.name}?created=1", status_code=303)


def _user_page(
    request: Request,
    session: Session,
    caller: WebCaller,
    name: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    user = access.get_user(session, name)
    events, _total = audit.list_events(
        session, limit=50, offset=0, object_type="user", object_id=user.name
    )
    return render(
        request,
        "admin_user.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        user=user,
        events=events,
        role_names=ROLE_NAMES,
        myself=user.id == caller.user.id,
        created=request.query_params.get("created") == "1",
        done=request.query_params.get("done"),
        errors=context.pop("errors", {}),
        **context,
    )


@router.get("/users/{name}")
def user(name: str, request: Request, session: SessionDep, caller: Admin) -> Response:
    return _user_page(request, session, caller, name)


def _after(name: str, done: str) -> Response:
    return RedirectResponse(f"/app/admin/users/{name}?done={done}", status_code=303)


@router.post("/users/{name}/roles")
async def set_roles(name: str, request: Request, session: SessionDep, caller: Admin) -> Response:
    roles = await form_lists(request, "roles")
    try:
        access.set_roles(session, actor=actor_of(caller, request), name=name, roles=roles)
    except DomainError as exc:
        session.rollback()
        errors = {"roles": field_errors(exc).get("form", exc.detail)}
        return _user_page(request, session, caller, name, errors=errors, status_code=422)
    return _after(name, "roles")


@router.post("/users/{name}/state")
async def set_state(name: str, request: Request, session: SessionDep, caller: Admin) -> Response:
    values = await form_values(request, ("disabled",))
    try:
        access.set_disabled(
            session,
            actor=actor_of(caller, request),
            name=name,
            disabled=values["disabled"] == "yes",
        )
    except DomainError as exc:
        session.rollback()
        errors = {"state": exc.detail}
        return _user_page(request, session, caller, name, errors=errors, status_code=422)
    return _after(name, "disabled" if values["disabled"] == "yes" else "enabled")


@router.post("/users/{name}/password")
async def set_password(name: str, request: Request, session: SessionDep, caller: Admin) -> Response:
    values = await form_values(request, ("password", "again"))
    try:
        if values["password"] != values["again"]:
            errors = {"again": "The two passwords differ."}
            return _user_page(request, session, caller, name, errors=errors, status_code=422)
        access.set_password(
            session, actor=actor_of(caller, request), name=name, password=values["password"]
        )
    except DomainError as exc:
        session.rollback()
        errors = {"password": exc.detail}
        return _user_page(request, session, caller, name, errors=errors, status_code=422)
    return _after(name, "password")


@router.post("/users/{name}/tokens")
def issue_token(name: str, request: Request, session: SessionDep, caller: Admin) -> Response:
    """A new API token, shown on this answer only."""
    token = access.issue_token(session, user=access.get_user(session, name))
    audit.record(
        session,
        actor=actor_of(caller, request),
        action="users.token",
        object_type="user",
        object_id=name,
    )
    return _user_page(request, session, caller, name, token=token)


@router.post("/users/{name}/revoke")
def revoke_tokens(name: str, request: Request, session: SessionDep, caller: Admin) -> Response:
    count = access.revoke_tokens(session, actor=actor_of(caller, request), name=name)
    return _after(name, f"revoked-{count}")


@router.get("/settings")
def settings(request: Request, session: SessionDep, caller: Admin) -> Response:
    """The settings this process runs with (set in the environment; read at start)."""
    current = get_settings()
    rows = [
        {
            "name": f"ATTFIN_{key.upper()}",
            "value": "(set; not shown)" if key in _HIDDEN else str(getattr(current, key)),
            "default": str(info.default),
            "meaning": info.description or "",
        }
        for key, info in Settings.model_fields.items()
    ]
    return render(
        request,
        "admin_settings.html.j2",
        caller=caller,
        demo=is_demo(session),
        rows=rows,
        dialect=session.get_bind().dialect.name,
    )
