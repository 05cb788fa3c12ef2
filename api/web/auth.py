"""Who is signed in to the web interface, and what they may do.

The session cookie (``attfin_session``: HttpOnly, SameSite=Lax, Secure over HTTPS) holds
the session token; ``WebCaller`` is the signed-in user with the CSRF token every form of
the page carries. A page or action declares its roles with ``allow_web`` (kept on the
dependency, so the route × role test reads them); an anonymous visitor is sent to the
sign-in page, a signed-in user without the role gets a 403 page. Every POST checks the
form's CSRF token against the session's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from api.deps import SessionDep
from finance_core.access import web
from finance_core.access.models import Role, User
from finance_core.errors import PermissionDenied

COOKIE = "attfin_session"
CSRF_FIELD = "csrf_token"


class SignInRequired(Exception):
    """No live session: the visitor is sent to the sign-in page (then back to ``next``)."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


@dataclass(frozen=True, slots=True)
class WebCaller:
    """The signed-in user of a request, the session's token and its CSRF token."""

    user: User
    token: str
    csrf: str

    @property
    def roles(self) -> frozenset[Role]:
        return self.user.role_set

    def may(self, *roles: Role) -> bool:
        """Whether the user holds one of ``roles`` (what the templates show or hide)."""
        return bool(self.roles & set(roles))


def _caller(request: Request, session: SessionDep) -> WebCaller:
    token = request.cookies.get(COOKIE)
    found = web.session_user(session, token)
    if found is None or token is None:
        raise SignInRequired(request.url.path)
    return WebCaller(found[0], token, web.csrf_token(token))


async def check_csrf(request: Request) -> None:
    """Refuse a POST whose form does not carry the session's CSRF token (403)."""
    if request.method != "POST":
        return
    form = await request.form()
    submitted = form.get(CSRF_FIELD)
    token = request.cookies.get(COOKIE) or ""
    if not isinstance(submitted, str) or not token or not web.csrf_ok(token, submitted):
        raise PermissionDenied("the form has expired or did not come from this site: reload it")


_ALLOWED = "_attfin_web_roles"


def allow_web(*roles: Role) -> Any:
    """A dependency giving the ``WebCaller`` if the user holds one of ``roles``."""

    def dependency(
        caller: Annotated[WebCaller, Depends(_caller)],
        _csrf: Annotated[None, Depends(check_csrf)],
    ) -> WebCaller:
        if not caller.may(*roles):
            raise PermissionDenied("your role does not allow this page")
        return caller

    setattr(dependency, _ALLOWED, frozenset(roles))
    return Depends(dependency)


def web_roles_of(call: Callable[..., Any]) -> frozenset[Role] | None:
    """The roles an ``allow_web`` dependency admits (None for other callables)."""
    found: frozenset[Role] | None = getattr(call, _ALLOWED, None)
    return found


EVERYONE = (Role.FINANCE_OFFICER, Role.COMMITTEE, Role.ADMIN)
#: Who reads the finances (confidential detail included).
READERS = (Role.FINANCE_OFFICER, Role.COMMITTEE)
#: Any signed-in user.
SignedIn = Annotated[WebCaller, allow_web(*EVERYONE)]
#: Finance officers (who record money and decisions).
Officer = Annotated[WebCaller, allow_web(Role.FINANCE_OFFICER)]
#: Readers of everything: finance officers and the Management Committee.
Reader = Annotated[WebCaller, allow_web(*READERS)]
#: Admins (users and settings only).
Admin = Annotated[WebCaller, allow_web(Role.ADMIN)]
