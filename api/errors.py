"""The one error handler: domain errors → status codes and one body shape."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.portal import routes as portal
from api.schemas import ErrorBody
from finance_core.errors import (
    Busy,
    Conflict,
    DomainError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    RuleViolation,
    TooManyRequests,
    ValidationFailed,
)

log = logging.getLogger("attfin.api")

STATUS_OF: dict[type[DomainError], int] = {
    NotAuthenticated: 401,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    RuleViolation: 422,
    ValidationFailed: 422,
    TooManyRequests: 429,
    Busy: 503,
}

_DESCRIPTIONS = {
    401: "No valid Bearer token.",
    403: "The caller's roles do not allow this.",
    404: "Not found.",
    409: "Conflicts with what is recorded.",
    422: "Invalid input or a rule of the ledger or the financial rules refuses it.",
    429: "Too many failed attempts from this client address; `Retry-After` says when to retry.",
    503: "The database does not answer.",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` declaring these error codes with the shared body."""
    return {code: {"model": ErrorBody, "description": _DESCRIPTIONS[code]} for code in codes}


def _body(error: str, detail: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": error, "detail": detail}
    if fields:
        body["fields"] = fields
    return body


def status_of(exc: DomainError) -> int:
    """The HTTP status of a domain error (its nearest class in STATUS_OF; else 400)."""
    for cls in type(exc).__mro__:
        if cls in STATUS_OF:
            return STATUS_OF[cls]
    return 400


#: What the databases say of a number too large for its column: SQLite cannot bind an
#: integer beyond 64 bits; PostgreSQL answers SQLSTATE 22003 (numeric_value_out_of_range).
_SQLITE_TOO_LARGE = "too large to convert to SQLite INTEGER"
_PG_OUT_OF_RANGE = "22003"
_OUT_OF_RANGE = ValidationFailed(
    "a number in the request is out of range", fields={"request": "number out of range"}
)


def _number_out_of_range(exc: Exception) -> bool:
    """Whether the database refused a number of the request as beyond its range."""
    if isinstance(exc, DBAPIError):
        return getattr(exc.orig, "sqlstate", None) == _PG_OUT_OF_RANGE
    return isinstance(exc, OverflowError) and _SQLITE_TOO_LARGE in str(exc)


#: What psycopg says, before sending anything, of a text holding a NUL character (which
#: PostgreSQL cannot store or compare; SQLite takes it as a character like any other).
_PG_NUL = "cannot contain NUL (0x00) bytes"
_NUL_IN_TEXT = ValidationFailed(
    "text in the request may not contain a NUL character", fields={"request": "NUL character"}
)


def _unreadable_body(reason: str) -> ValidationFailed:
    """A body the framework could not read (JSON that is not UTF-8, broken multipart)."""
    return ValidationFailed(f"the request body cannot be read: {reason}", fields={"body": reason})


def error_response(request: Request, exc: DomainError) -> Response:
    """The answer to a domain error: the web interface's error page under ``/app``, the
    JSON body elsewhere. A 401 names the Bearer scheme; a refusal that may be retried
    later (busy, too many attempts) says when in ``Retry-After``."""
    status = status_of(exc)
    if request.url.path.startswith("/app"):  # the web interface's own error page
        from api.web.pages import error_page  # the web pages import this module

        response = error_page(request, exc, status)
    else:
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        response = JSONResponse(
            _body(type(exc).__name__, exc.detail, exc.fields), status_code=status, headers=headers
        )
    if isinstance(exc, Busy | TooManyRequests):  # nothing was recorded: it may come again
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        fields: dict[str, str] = {}
        for err in exc.errors():
            loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
            fields[loc or "request"] = str(err.get("msg", "invalid"))
        first = next(iter(fields.items()), ("request", "invalid"))
        if request.url.path.startswith("/app"):  # a malformed address of a page
            from api.web.pages import error_page

            detail = f"this address is not valid: {first[0]}: {first[1]}"
            return error_page(request, ValidationFailed(detail, fields=fields), 422)
        return JSONResponse(
            _body("ValidationFailed", f"invalid request: {first[0]}: {first[1]}", fields),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and request.url.path.startswith("/app"):
            from api.web.pages import error_page

            return error_page(request, NotFound("there is no such page"), 404)
        if exc.status_code == 404 and portal.is_portal_path(request.url.path):
            return await run_in_threadpool(portal.not_found, request)
        if exc.status_code == 400:  # the framework could not read the body: bad input
            return error_response(request, _unreadable_body(str(exc.detail)))
        names = {404: "NotFound", 405: "MethodNotAllowed", 401: "NotAuthenticated"}
        return JSONResponse(
            _body(names.get(exc.status_code, "HTTPError"), str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(OverflowError)
    async def overflow(request: Request, exc: OverflowError) -> Response:
        if _number_out_of_range(exc):
            return error_response(request, _OUT_OF_RANGE)
        raise exc  # any other overflow is the service's own fault: a 500

    @app.exception_handler(DBAPIError)
    async def database_error(request: Request, exc: DBAPIError) -> Response:
        if _number_out_of_range(exc):
            return error_response(request, _OUT_OF_RANGE)
        message = str(exc.orig) if exc.orig is not None else str(exc)
        if _PG_NUL in message:
            return error_response(request, _NUL_IN_TEXT)
        if "ledger:" in message:
            detail = message[message.index("ledger:") :].splitlines()[0]
            return JSONResponse(_body("RuleViolation", detail), status_code=422)
        if isinstance(exc, OperationalError):
            log.exception("database unavailable")
            return JSONResponse(
                _body("ServiceUnavailable", "the database does not answer; try again"),
                status_code=503,
            )
        log.exception("database error")
        return JSONResponse(
            _body("InternalError", "the request failed; nothing was recorded"), status_code=500
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # answered outside the app's middleware, so the security headers are added here
        from api.middleware import security_headers  # the middleware imports this module

        log.exception("unexpected error", exc_info=exc)
        response = JSONResponse(
            _body("InternalError", "the request failed; nothing was recorded"), status_code=500
        )
        security_headers(request.url.path, response.headers)
        return response
