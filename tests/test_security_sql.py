"""No query parameter reaches SQL as text, on both databases: every list route of the
API and of the web interface that takes a filter or search parameter is called with
injection strings in each parameter. Each answer is 200 matching nothing (a list route's
``total`` is 0), 404 naming the unknown thing, or 422, never 500, and afterwards every
table is there with the same rows. (No route takes a sort or order parameter: lists
have one fixed order.)

``make test`` sends two payloads, each packing several tricks, to every free-text
parameter; ``make fuzz`` sends every payload to every parameter, typed ones (dates,
integers, enumerations, which FastAPI parses before the route runs) included."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, inspect, select, table
from sqlmodel import Session

from api.app import api_routes, create_app, route_access
from api.web import routes as web_routes
from finance_core.access import service as access
from finance_core.actor import Actor
from tests.fixtures_finance import pay
from tests.web_helpers import add_user, sign_in

#: A quote closing the literal, a statement of its own, a comment; a NUL (which
#: PostgreSQL refuses in any text), a parenthesis, a tautology and a UNION.
FAST = ("name'; DROP TABLE state--", "\x00FRA') OR 1=1 UNION SELECT token_hash FROM api_token--")
PAYLOADS = (
    *FAST,
    "name; DROP TABLE state--",
    "' OR 1=1--",
    "code) UNION SELECT name, roles FROM app_user--",
    '" OR ""="',
    "%' OR '%'='",
    "SEC; DELETE FROM app_user",
    "1 OR 1=1",
    "SEC' AND (SELECT COUNT(*) FROM api_token) > 0--",
)
#: Page windows: integers FastAPI checks itself.
SKIPPED = frozenset({"limit", "offset"})


def _query_params(dependant: Dependant) -> list[tuple[str, bool]]:
    """Each query parameter of a route (its dependencies' too): (name, is free text)."""
    found = [
        (p.alias, p.field_info.annotation in (str, str | None)) for p in dependant.query_params
    ]
    for sub in dependant.dependencies:
        found += _query_params(sub)
    return found


def _list_routes(routes: list[tuple[str, APIRoute]]) -> list[tuple[str, list[tuple[str, bool]]]]:
    """GET routes without path parameters that take query parameters."""
    chosen = []
    for path, route in routes:
        if "GET" in route.methods and not route.dependant.path_params:
            params = [p for p in _query_params(route.dependant) if p[0] not in SKIPPED]
            if params:
                chosen.append((path, params))
    return chosen


API_ROUTES = _list_routes(list(api_routes()))
WEB_ROUTES = _list_routes(
    [(r.path, r) for each in web_routes.routers() for r in each.routes if isinstance(r, APIRoute)]
)


def _calls(
    routes: list[tuple[str, list[tuple[str, bool]]]], *, full: bool
) -> Iterator[tuple[str, str, str]]:
    for path, params in routes:
        for name, text in params:
            if full or text:
                for payload in PAYLOADS if full else FAST:
                    yield path, name, payload


def _fingerprint(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        names = sorted(inspect(conn).get_table_names())
        return {
            n: int(conn.execute(select(func.count()).select_from(table(n))).scalar_one())
            for n in names
        }


@dataclass
class Callers:
    api: TestClient
    tokens: dict[str, str]
    web: TestClient


@pytest.fixture
def callers(engine: Engine, assessed: Session, officer: Actor) -> Iterator[Callers]:
    """Callers of a small world: six States, assessed budgets, a payment, users."""
    pay(assessed, officer, amount="100.00")
    tokens = {}
    for role in ("finance_officer", "committee"):
        _user, tokens[role] = access.create_user(
            assessed, actor=Actor(name="setup", origin="test"), name=f"api-{role}", roles=[role]
        )
    assessed.commit()
    add_user(engine, "officer", "finance_officer")
    app = create_app(engine)
    with (
        TestClient(app, raise_server_exceptions=False) as api,
        TestClient(app, raise_server_exceptions=False) as web,
    ):
        assert sign_in(web, "officer").status_code == 303
        yield Callers(api, tokens, web)


def _role_for(path: str) -> str:
    route = dict(api_routes())[path]
    allowed = {str(a) for a in route_access(route)}
    return "finance_officer" if "finance_officer" in allowed else "committee"


def test_the_routes_are_found() -> None:
    """The lists below are what the test covers: the filters it must not miss."""
    api = dict(API_ROUTES)
    assert ("search", True) in api["/api/v1/states"]
    assert ("action", True) in api["/api/v1/audit"]
    assert ("meeting", True) in api["/api/v1/sponsorships"]
    assert len(API_ROUTES) >= 30
    assert ("q", True) in dict(WEB_ROUTES)["/app/states"]


def _inject(callers: Callers, engine: Engine, *, full: bool) -> None:
    before = _fingerprint(engine)
    failures: list[str] = []
    for path, name, payload in _calls(API_ROUTES, full=full):
        token = callers.tokens[_role_for(path)]
        answer = callers.api.get(
            path, params={name: payload}, headers={"Authorization": f"Bearer {token}"}
        )
        body: Any = answer.json() if "json" in answer.headers.get("content-type", "") else None
        if answer.status_code == 200 and isinstance(body, dict) and "total" in body:
            if body["total"] != 0:
                failures.append(f"{path}?{name}={payload!r}: matched {body['total']}")
        elif answer.status_code not in (200, 404, 422):
            failures.append(f"{path}?{name}={payload!r}: {answer.status_code} {answer.text[:200]}")
    for path, name, payload in _calls(WEB_ROUTES, full=full):
        answer = callers.web.get(path, params={name: payload}, follow_redirects=False)
        if answer.status_code not in (200, 303, 422):
            failures.append(f"{path}?{name}={payload!r}: {answer.status_code} {answer.text[:200]}")
    assert not failures, "\n".join(failures)
    assert _fingerprint(engine) == before


def test_injection_strings_in_filters_match_nothing_and_break_nothing(
    callers: Callers, engine: Engine
) -> None:
    _inject(callers, engine, full=False)


@pytest.mark.fuzz
def test_every_injection_string_in_every_parameter(callers: Callers, engine: Engine) -> None:
    _inject(callers, engine, full=True)
