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
    Conflict,
    DomainError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    RuleViolation,
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
}

_DESCRIPTIONS = {
    401: "No valid Bearer token.",
    403: "The caller's roles do not allow this.",
    404: "Not found.",
    409: "Conflicts with what is recorded.",
    422: "Invalid input or a rule of the ledger or the financial rules refuses it.",
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


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        status = status_of(exc)
        if request.url.path.startswith("/app"):  # the web interface's own error page
            from api.web.pages import error_page  # the web pages import this module

            return error_page(request, exc, status)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(
            _body(type(exc).__name__, exc.detail, exc.fields), status_code=status, headers=headers
        )

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
        names = {404: "NotFound", 405: "MethodNotAllowed", 401: "NotAuthenticated"}
        return JSONResponse(
            _body(names.get(exc.status_code, "HTTPError"), str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(DBAPIError)
    async def database_error(_request: Request, exc: DBAPIError) -> JSONResponse:
        message = str(exc.orig) if exc.orig is not None else str(exc)
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
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return JSONResponse(
            _body("InternalError", "the request failed; nothing was recorded"), status_code=500
        )
