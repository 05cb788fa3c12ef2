"""The web interface for finance officers, the Management Committee and admins, under
``/app``: sign-in and sign-out, the password change, and the dashboard. Pages call the
same services as the API; every form carries the session's CSRF token.

Not part of the API's OpenAPI schema."""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import SessionDep
from api.files import file_response
from api.web.auth import COOKIE, READERS, Reader, SignedIn, SignInRequired
from api.web.dashboard import dashboard
from api.web.pages import render
from finance_core.access import web
from finance_core.db_types import utcnow
from finance_core.errors import DomainError, NotAuthenticated
from finance_core.settings import get_settings
from finance_core.system.service import is_demo
from reports import service as reports
from reports.i18n import Language
from reports.render.formats import MEDIA_TYPES, ReportFormat

router = APIRouter(prefix="/app", include_in_schema=False)

#: The double-submit cookie of the sign-in form (there is no session yet to tie it to).
SIGN_IN_COOKIE = "attfin_sign_in"


def _safe_next(value: str | None) -> str:
    """Where to go after signing in: a path of the web interface, never another site."""
    if value and value.startswith("/app") and not value.startswith("//"):
        return value
    return "/app"


def _set_cookie(
    request: Request, response: Response, name: str, value: str, *, path: str, **flags: Any
) -> None:
    """An HttpOnly cookie, Secure when the request came over HTTPS."""
    response.set_cookie(
        name, value, httponly=True, secure=request.url.scheme == "https", path=path, **flags
    )


@router.get("/sign-in")
def sign_in_page(request: Request, session: SessionDep, next: str | None = None) -> Response:
    if web.session_user(session, request.cookies.get(COOKIE)) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _sign_in_form(request, session, next=_safe_next(next))


def _sign_in_form(
    request: Request,
    session: SessionDep,
    *,
    next: str,
    name: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    csrf = secrets.token_urlsafe(24)
    response = render(
        request,
        "sign_in.html.j2",
        caller=None,
        demo=is_demo(session),
        status_code=status_code,
        next=next,
        name=name,
        error=error,
        sign_in_csrf=csrf,
    )
    _set_cookie(
        request,
        response,
        SIGN_IN_COOKIE,
        csrf,
        path="/app/sign-in",
        samesite="strict",
        max_age=3600,
    )
    return response


@router.post("/sign-in")
def sign_in(
    request: Request,
    session: SessionDep,
    name: Annotated[str, Form(max_length=120)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/app",
) -> Response:
    expected = request.cookies.get(SIGN_IN_COOKIE) or ""
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return _sign_in_form(
            request,
            session,
            next=_safe_next(next),
            name=name,
            error="The form had expired. Please sign in again.",
            status_code=403,
        )
    client = request.client.host if request.client else "unknown"
    result = web.sign_in(session, name=name, password=password, client=client)
    if result.locked_until is not None:
        until = result.locked_until.strftime("%H:%M UTC")
        error = f"Too many failed attempts for this user name: try again after {until}."
        refused = _sign_in_form(
            request, session, next=_safe_next(next), name=name, error=error, status_code=429
        )
        wait = (result.locked_until - utcnow()).total_seconds()
        refused.headers["Retry-After"] = str(max(1, int(wait) + 1))
        return refused
    if not result.ok or result.token is None:
        return _sign_in_form(
            request,
            session,
            next=_safe_next(next),
            name=name,
            error="The user name or the password is not right.",
            status_code=401,
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    max_age = get_settings().web_session_hours * 3600
    _set_cookie(request, response, COOKIE, result.token, path="/", samesite="lax", max_age=max_age)
    response.delete_cookie(SIGN_IN_COOKIE, path="/app/sign-in")
    return response


@router.post("/sign-out")
def sign_out(request: Request, session: SessionDep, caller: SignedIn) -> Response:
    web.sign_out(session, caller.token)
    response = RedirectResponse("/app/sign-in", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/password")
def password_page(request: Request, session: SessionDep, caller: SignedIn) -> Response:
    return render(request, "password.html.j2", caller=caller, demo=is_demo(session))


@router.post("/password")
def change_password(
    request: Request,
    session: SessionDep,
    caller: SignedIn,
    current: Annotated[str, Form(max_length=1024)] = "",
    new: Annotated[str, Form(max_length=1024)] = "",
    again: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    errors: dict[str, str] = {}
    if new != again:
        errors["again"] = "The two new passwords differ."
    else:
        try:
            web.change_password(session, user=caller.user, current=current, new=new)
        except DomainError as exc:  # checked before anything is written
            errors["current" if isinstance(exc, NotAuthenticated) else "new"] = exc.detail
    if errors:
        return render(
            request,
            "password.html.j2",
            caller=caller,
            demo=is_demo(session),
            errors=errors,
            status_code=422,
        )
    response = RedirectResponse("/app/sign-in?changed=1", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("")
def home(request: Request, session: SessionDep, caller: SignedIn) -> Response:
    """The dashboard (officers and the Committee); admins see their own entry points."""
    figures = dashboard(session) if caller.may(*READERS) else None
    return render(
        request, "dashboard.html.j2", caller=caller, demo=is_demo(session), figures=figures
    )


@router.get("/reports/{name}")
def report_file(
    name: str,
    request: Request,
    session: SessionDep,
    _caller: Reader,
    fmt: Annotated[ReportFormat, Query(alias="format")] = ReportFormat.XLSX,
    lang: Language = Language.EN,
) -> Response:
    """A report as at today, as recorded now, downloaded from the web interface."""
    known = utcnow()
    report = reports.build(session, name, reports.request_for(as_at=known.date(), known_at=known))
    body, filename = reports.render_file(report, fmt, lang)
    return file_response(body, MEDIA_TYPES[fmt], filename)


#: The modules of ``api.web`` whose ``router`` holds pages, besides this one.
PAGES = (
    "payments",
    "statements",
    "states",
    "plans",
    "assessments",
    "spending",
    "year_end",
    "reserve",
    "voluntary",
    "strategy",
    "publications",
    "admin",
)


def routers() -> list[APIRouter]:
    """Every router of the web interface (this module's first)."""
    from importlib import import_module  # the page modules render with this one's helpers

    return [router, *(import_module(f"api.web.{name}").router for name in PAGES)]


def install(app: FastAPI) -> None:
    """The web interface's routes and its error pages on ``app``."""
    for each in routers():
        app.include_router(each)

    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, exc: SignInRequired) -> Response:
        target = "/app/sign-in"
        if exc.next_path and exc.next_path not in ("/app", "/app/sign-out"):
            target += "?next=" + quote(exc.next_path)
        return RedirectResponse(target, status_code=303)
