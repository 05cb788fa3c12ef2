"""The FastAPI application: API under /api/v1, OpenAPI at /docs, /health."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import Engine

from api import docs, errors
from api.deps import Audience, allowed_of
from api.middleware import BodyLimit, DemoHeader, SecurityHeaders
from api.portal import routes as portal
from api.routes import (
    annual_updates,
    arrears,
    assessments,
    budgets,
    close,
    conferences,
    expenditures,
    forecast,
    funds,
    ledger,
    payments,
    plan_workbook,
    public,
    publications,
    reports,
    reserve,
    states,
    strategy,
    system,
    users,
    voluntary,
)
from api.web import routes as web
from finance_core.access.models import Role
from finance_core.db import get_engine

API_PREFIX = "/api/v1"


#: Every router and the prefix it is mounted under.
ROUTERS: tuple[tuple[APIRouter, str], ...] = (
    (system.health_router, ""),
    (system.router, API_PREFIX),
    (funds.router, API_PREFIX),
    (states.router, API_PREFIX),
    (conferences.router, API_PREFIX),
    (ledger.router, API_PREFIX),
    (users.router, API_PREFIX),
    (budgets.router, API_PREFIX),
    (assessments.router, API_PREFIX),
    (payments.router, API_PREFIX),
    (arrears.router, API_PREFIX),
    (expenditures.router, API_PREFIX),
    (reserve.router, API_PREFIX),
    (close.router, API_PREFIX),
    (forecast.router, API_PREFIX),
    (reports.router, API_PREFIX),
    (voluntary.router, API_PREFIX),
    (strategy.router, API_PREFIX),
    (plan_workbook.router, API_PREFIX),
    (publications.router, API_PREFIX),
    (annual_updates.router, API_PREFIX),
    (public.router, API_PREFIX),
)


def api_routes() -> Iterator[tuple[str, APIRoute]]:
    """Every API route with its full path."""
    for router, prefix in ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute):
                yield prefix + route.path, route


def _declared_access(route: APIRoute) -> frozenset[Role | Audience] | None:
    """The roles of the route's ``allow`` dependency (None: the route reads no token)."""
    for dep in route.dependant.dependencies:
        allowed = allowed_of(dep.call) if dep.call else None
        if allowed is not None:
            return allowed
    return None


def route_access(route: APIRoute) -> frozenset[Role | Audience]:
    """Who may call ``route`` (a route without an ``allow`` dependency is public)."""
    found = _declared_access(route)
    return frozenset({Audience.PUBLIC}) if found is None else found


def _describe_access() -> None:
    """Append 'who may call' to each route's OpenAPI description, and declare the 429 of
    a client refused for its bad tokens on every route that reads a token (once)."""
    marker = "**Who may call:**"
    for _path, route in api_routes():
        if marker not in (route.description or ""):
            who = ", ".join(sorted(str(a) for a in route_access(route)))
            route.description = f"{route.description or ''}\n\n{marker} {who}".strip()
        if _declared_access(route) is not None:
            route.responses.setdefault(429, errors.error_responses(429)[429])


def create_app(engine: Engine | None = None) -> FastAPI:
    """Build the app on ``engine`` (default: the configured database)."""
    app = FastAPI(
        title="ATT finance service",
        version="0.1.0",
        description=(
            "Assessed contributions, payments, arrears, reserve, voluntary funds and "
            "public reporting of the Arms Trade Treaty Secretariat. Amounts are decimal "
            "strings in US dollars; dates ISO 8601; timestamps UTC. Authenticate with "
            "`Authorization: Bearer <token>` (`attfin users create`)."
        ),
        docs_url=None,
        redoc_url=None,
    )
    app.state.engine = engine or get_engine()
    docs.install(app)
    errors.install(app)
    _describe_access()
    # the portal first: its few routes are matched before the API's many
    app.mount(portal.STATIC_URL, portal.static_files, name="portal-static")
    app.include_router(portal.router)
    web.install(app)
    for router, prefix in ROUTERS:
        app.include_router(router, prefix=prefix)
    # the last added runs first: the security headers go on every answer, the demo mark
    # and the body limit's refusal included
    app.add_middleware(BodyLimit)
    app.add_middleware(DemoHeader)
    app.add_middleware(SecurityHeaders)
    return app
