"""Signing in to the web interface (``/app``) on both databases: the session cookie's
flags, wrong passwords, the lock after repeated failures, CSRF on every form, sign-out,
the idle timeout, the password change, and who may open which page (the route × role
table covers every ``/app`` route)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text, update
from sqlmodel import Session

from api.app import create_app
from api.web import routes as web_routes
from api.web.auth import COOKIE, web_roles_of
from finance_core.access import service as access
from finance_core.access.models import Role, WebSession
from finance_core.db_types import utcnow
from tests.web_helpers import PASSWORD, add_user, form_csrf, sign_in

USERS = {
    "officer": Role.FINANCE_OFFICER,
    "member": Role.COMMITTEE,
    "keeper": Role.ADMIN,
}


@pytest.fixture
def app_client(engine: Engine) -> Iterator[TestClient]:
    for name, role in USERS.items():
        add_user(engine, name, role.value)
    with TestClient(create_app(engine), raise_server_exceptions=False) as client:
        yield client


def test_sign_in_sets_a_safe_cookie_and_opens_the_dashboard(app_client: TestClient) -> None:
    assert app_client.get("/app", follow_redirects=False).headers["location"] == "/app/sign-in"
    done = sign_in(app_client, "officer")
    assert done.status_code == 303 and done.headers["location"] == "/app"
    cookie = done.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=attfin_web_")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http here; https sets it
    page = app_client.get("/app")
    assert page.status_code == 200 and "Dashboard" in page.text
    assert "Collection this year per fund" in page.text and "Working Capital Fund" in page.text
    assert "Subject to Financial Rule 8" in page.text and "Outstanding by age" in page.text
    assert page.headers["cache-control"] == "no-store"


def test_the_session_token_is_stored_as_a_hash_only(app_client: TestClient, engine: Engine) -> None:
    done = sign_in(app_client, "officer")
    token = done.cookies[COOKIE]
    with engine.connect() as conn:
        stored = [h for (h,) in conn.execute(text("SELECT token_hash FROM web_session"))]
    assert token not in stored and access.hash_token(token) in stored


def test_wrong_passwords_and_the_lock(app_client: TestClient) -> None:
    wrong = sign_in(app_client, "officer", "not the password")
    assert wrong.status_code == 401
    assert "The user name or the password is not right." in wrong.text
    unknown = sign_in(app_client, "nobody", "whatever it is")
    assert unknown.status_code == 401 and "not right" in unknown.text  # the same answer
    for _ in range(4):
        sign_in(app_client, "officer", "still not it")
    locked = sign_in(app_client, "officer")  # the right password, but the name is locked
    assert locked.status_code == 429 and "Too many failed attempts" in locked.text
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60 + 1
    assert COOKIE not in locked.cookies
    assert sign_in(app_client, "member").status_code == 303  # other names are not locked


def test_a_form_without_its_csrf_token_is_refused(app_client: TestClient) -> None:
    forged = app_client.post(
        "/app/sign-in", data={"name": "officer", "password": PASSWORD, "csrf_token": "x"}
    )
    assert forged.status_code == 403 and COOKIE not in forged.cookies
    sign_in(app_client, "officer")
    no_token = app_client.post("/app/sign-out", data={}, follow_redirects=False)
    assert no_token.status_code == 403 and "did not come from this site" in no_token.text
    assert app_client.get("/app").status_code == 200  # still signed in


def test_sign_out_ends_the_session(app_client: TestClient) -> None:
    token = sign_in(app_client, "officer").cookies[COOKIE]
    page = app_client.get("/app")
    out = app_client.post(
        "/app/sign-out", data={"csrf_token": form_csrf(page.text)}, follow_redirects=False
    )
    assert out.status_code == 303 and out.headers["location"] == "/app/sign-in"
    app_client.cookies.set(COOKIE, token)  # the old cookie, replayed
    assert app_client.get("/app", follow_redirects=False).status_code == 303


def test_an_idle_session_ends(app_client: TestClient, engine: Engine) -> None:
    sign_in(app_client, "officer")
    assert app_client.get("/app").status_code == 200
    with Session(engine) as s:
        s.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
        s.commit()
    assert app_client.get("/app", follow_redirects=False).headers["location"] == "/app/sign-in"


def test_password_change(app_client: TestClient) -> None:
    sign_in(app_client, "officer")
    page = app_client.get("/app/password")
    csrf = form_csrf(page.text)
    wrong = app_client.post(
        "/app/password",
        data={
            "csrf_token": csrf,
            "current": "nope",
            "new": "a new long password",
            "again": "a new long password",
        },
    )
    assert wrong.status_code == 422 and "current password is not right" in wrong.text
    short = app_client.post(
        "/app/password",
        data={"csrf_token": csrf, "current": PASSWORD, "new": "short", "again": "short"},
    )
    assert short.status_code == 422 and "at least 12 characters" in short.text
    done = app_client.post(
        "/app/password",
        data={
            "csrf_token": csrf,
            "current": PASSWORD,
            "new": "a new long password",
            "again": "a new long password",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert app_client.get("/app", follow_redirects=False).status_code == 303  # signed out
    assert sign_in(app_client, "officer").status_code == 401
    assert sign_in(app_client, "officer", "a new long password").status_code == 303


def test_reports_download_with_the_session(app_client: TestClient) -> None:
    sign_in(app_client, "member")
    workbook = app_client.get("/app/reports/committee-pack")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    assert "attachment" in workbook.headers["content-disposition"]
    missing = app_client.get("/app/reports/no-such-report")
    assert missing.status_code == 404 and "Not found" in missing.text  # a page, not JSON
    assert "text/html" in missing.headers["content-type"]


def test_next_stays_on_this_site(app_client: TestClient) -> None:
    assert (
        sign_in(app_client, "officer", next_="https://evil.example/").headers["location"] == "/app"
    )
    app_client.cookies.clear()
    assert (
        sign_in(app_client, "officer", next_="/app/password").headers["location"] == "/app/password"
    )


def _app_routes() -> list[APIRoute]:
    return [r for router in web_routes.routers() for r in router.routes if isinstance(r, APIRoute)]


ADMIN = frozenset({Role.ADMIN})
#: Every /app route: who may open it (None: anyone, the sign-in form).
ROUTE_ROLES: dict[tuple[str, str], frozenset[Role] | None] = {
    ("GET", "/app/sign-in"): None,
    ("POST", "/app/sign-in"): None,
    ("POST", "/app/sign-out"): frozenset(Role),
    ("GET", "/app/password"): frozenset(Role),
    ("POST", "/app/password"): frozenset(Role),
    ("GET", "/app"): frozenset(Role),
    ("GET", "/app/reports/{name}"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("GET", "/app/payments/new"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/payments/preview"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/payments"): frozenset({Role.FINANCE_OFFICER}),
    ("GET", "/app/receipts/{receipt_id}"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    # statements
    ("GET", "/app/bank-statements"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/bank-statements/mapping"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/bank-statements/review"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/bank-statements/commit"): frozenset({Role.FINANCE_OFFICER}),
    ("GET", "/app/bank-statements/recorded"): frozenset({Role.FINANCE_OFFICER}),
    # states
    ("GET", "/app/states"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("GET", "/app/states/{code}"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("GET", "/app/states/{code}/statement"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    # plans
    ("GET", "/app/payment-plans"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("GET", "/app/payment-plans/new"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/payment-plans/check"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/payment-plans/edit"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/payment-plans/preview"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/payment-plans"): frozenset({Role.FINANCE_OFFICER}),
    ("GET", "/app/payment-plans/{plan_id}"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("POST", "/app/payment-plans/{plan_id}/decision"): frozenset({Role.FINANCE_OFFICER}),
    # assessments
    ("GET", "/app/assessments"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("GET", "/app/assessments/budgets/new"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/assessments/budgets"): frozenset({Role.FINANCE_OFFICER}),
    ("GET", "/app/assessments/budgets/{budget_id}"): frozenset(
        {Role.FINANCE_OFFICER, Role.COMMITTEE}
    ),
    ("POST", "/app/assessments/budgets/{budget_id}/revisions"): frozenset({Role.FINANCE_OFFICER}),
    ("GET", "/app/assessments/run"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/assessments/run/preview"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/assessments/runs"): frozenset({Role.FINANCE_OFFICER}),
    ("GET", "/app/assessments/runs/{run_id}"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("GET", "/app/assessments/runs/{run_id}/notices/{state}"): frozenset(
        {Role.FINANCE_OFFICER, Role.COMMITTEE}
    ),
    # spending
    ("GET", "/app/expenditures"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("POST", "/app/expenditures"): frozenset({Role.FINANCE_OFFICER}),
    ("GET", "/app/expenditures/{expenditure_id}"): frozenset(
        {Role.FINANCE_OFFICER, Role.COMMITTEE}
    ),
    ("POST", "/app/expenditures/{expenditure_id}/reversal"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/expenditures/{expenditure_id}/usd-confirmation"): frozenset(
        {Role.FINANCE_OFFICER}
    ),
    ("GET", "/app/commitments"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("POST", "/app/commitments"): frozenset({Role.FINANCE_OFFICER}),
    ("GET", "/app/commitments/{commitment_id}"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("POST", "/app/commitments/{commitment_id}/cancellation"): frozenset({Role.FINANCE_OFFICER}),
    # year_end
    ("GET", "/app/year-end"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("POST", "/app/year-end/{fund}/{year}/close"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/year-end/closes/{close_id}/approval"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/year-end/{fund}/{year}/surplus-decision"): frozenset({Role.FINANCE_OFFICER}),
    # reserve
    ("GET", "/app/reserve"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("GET", "/app/reserve/movements/new"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/reserve/movements"): frozenset({Role.FINANCE_OFFICER}),
    ("GET", "/app/reserve/rules/new"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/reserve/rules"): frozenset({Role.FINANCE_OFFICER}),
    # voluntary
    ("GET", "/app/voluntary"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("GET", "/app/voluntary/donors"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("GET", "/app/voluntary/donors/new"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/voluntary/donors"): frozenset({Role.FINANCE_OFFICER}),
    ("GET", "/app/voluntary/donors/{donor_id}"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("GET", "/app/voluntary/pledges"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("GET", "/app/voluntary/pledges/new"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/voluntary/pledges"): frozenset({Role.FINANCE_OFFICER}),
    ("GET", "/app/voluntary/pledges/{pledge_id}"): frozenset(
        {Role.FINANCE_OFFICER, Role.COMMITTEE}
    ),
    ("GET", "/app/voluntary/receipts"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("GET", "/app/voluntary/receipts/new"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/voluntary/receipts"): frozenset({Role.FINANCE_OFFICER}),
    ("GET", "/app/voluntary/receipts/{receipt_id}"): frozenset(
        {Role.FINANCE_OFFICER, Role.COMMITTEE}
    ),
    ("GET", "/app/voluntary/projects"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("GET", "/app/voluntary/sponsorships"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("GET", "/app/voluntary/disbursements"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    # strategy
    ("GET", "/app/strategy"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("POST", "/app/strategy/plans"): frozenset({Role.FINANCE_OFFICER}),
    ("GET", "/app/strategy/plans/{plan_id}"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("POST", "/app/strategy/plans/{plan_id}/elements"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/strategy/elements/{element_id}"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/strategy/elements/{element_id}/removal"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/strategy/plans/{plan_id}/indicators"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/strategy/indicators/{indicator_id}"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/strategy/plans/{plan_id}/adoption"): frozenset({Role.FINANCE_OFFICER}),
    ("GET", "/app/strategy/measurements"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("POST", "/app/strategy/measurements"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/strategy/measurements/{measurement_id}/approval"): frozenset(
        {Role.FINANCE_OFFICER}
    ),
    ("GET", "/app/strategy/annual-updates"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("GET", "/app/strategy/annual-updates/new"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/strategy/annual-updates"): frozenset({Role.FINANCE_OFFICER}),
    ("GET", "/app/strategy/annual-updates/{snapshot_id}"): frozenset(
        {Role.FINANCE_OFFICER, Role.COMMITTEE}
    ),
    ("POST", "/app/strategy/annual-updates/{snapshot_id}/approval"): frozenset(
        {Role.FINANCE_OFFICER}
    ),
    # publications
    ("GET", "/app/publications"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("POST", "/app/publications"): frozenset({Role.FINANCE_OFFICER}),
    ("GET", "/app/publications/{snapshot_id}"): frozenset({Role.FINANCE_OFFICER, Role.COMMITTEE}),
    ("GET", "/app/publications/{snapshot_id}/files/{name}"): frozenset(
        {Role.FINANCE_OFFICER, Role.COMMITTEE}
    ),
    ("POST", "/app/publications/{snapshot_id}/approval"): frozenset({Role.FINANCE_OFFICER}),
    ("POST", "/app/publications/{snapshot_id}/withdrawal"): frozenset({Role.FINANCE_OFFICER}),
    # admin
    ("GET", "/app/admin/users"): ADMIN,
    ("POST", "/app/admin/users"): ADMIN,
    ("GET", "/app/admin/users/{name}"): ADMIN,
    ("POST", "/app/admin/users/{name}/roles"): ADMIN,
    ("POST", "/app/admin/users/{name}/state"): ADMIN,
    ("POST", "/app/admin/users/{name}/password"): ADMIN,
    ("POST", "/app/admin/users/{name}/tokens"): ADMIN,
    ("POST", "/app/admin/users/{name}/revoke"): ADMIN,
    ("GET", "/app/admin/settings"): ADMIN,
}
#: What an allowed role gets on the empty test database where 200 is not possible.
EMPTY_DATABASE = {
    "/app/strategy/plans/{plan_id}": 404,
    "/app/strategy/annual-updates/{snapshot_id}": 404,
    "/app/publications/{snapshot_id}": 404,
    "/app/publications/{snapshot_id}/files/{name}": 404,
    "/app/assessments/budgets/{budget_id}": 404,
    "/app/assessments/runs/{run_id}": 404,
    "/app/assessments/runs/{run_id}/notices/{state}": 404,
    "/app/expenditures/{expenditure_id}": 404,
    "/app/commitments/{commitment_id}": 404,
    "/app/voluntary/donors/{donor_id}": 404,
    "/app/voluntary/pledges/{pledge_id}": 404,
    "/app/voluntary/receipts/{receipt_id}": 404,
    "/app/receipts/{receipt_id}": 404,
    "/app/states/{code}": 404,
    "/app/states/{code}/statement": 404,
    "/app/payment-plans/{plan_id}": 404,
}
#: A real address for each path with parameters.
EXAMPLES = {
    "/app/strategy/plans/{plan_id}": "/app/strategy/plans/1",
    "/app/strategy/annual-updates/{snapshot_id}": "/app/strategy/annual-updates/1",
    "/app/publications/{snapshot_id}": "/app/publications/1",
    "/app/publications/{snapshot_id}/files/{name}": "/app/publications/1/files/annual-update.json",
    "/app/assessments/budgets/{budget_id}": "/app/assessments/budgets/1",
    "/app/assessments/runs/{run_id}": "/app/assessments/runs/1",
    "/app/assessments/runs/{run_id}/notices/{state}": "/app/assessments/runs/1/notices/FRA",
    "/app/expenditures/{expenditure_id}": "/app/expenditures/1",
    "/app/commitments/{commitment_id}": "/app/commitments/1",
    "/app/voluntary/donors/{donor_id}": "/app/voluntary/donors/1",
    "/app/voluntary/pledges/{pledge_id}": "/app/voluntary/pledges/1",
    "/app/voluntary/receipts/{receipt_id}": "/app/voluntary/receipts/1",
    "/app/states/{code}": "/app/states/FRA",
    "/app/states/{code}/statement": "/app/states/FRA/statement?format=csv",
    "/app/payment-plans/{plan_id}": "/app/payment-plans/1",
    "/app/admin/users/{name}": "/app/admin/users/keeper",
    "/app/reports/{name}": "/app/reports/status-of-contributions?format=csv",
    "/app/receipts/{receipt_id}": "/app/receipts/1",
}


def test_route_role_table_covers_every_app_route() -> None:
    found: dict[tuple[str, str], frozenset[Role] | None] = {}
    for route in _app_routes():
        roles = None
        for dep in route.dependant.dependencies:
            roles = web_roles_of(dep.call) if dep.call else None
            if roles is not None:
                break
        for method in route.methods or ():
            found[(method, route.path)] = roles
    assert found == ROUTE_ROLES


@pytest.mark.parametrize("name", sorted(USERS))
def test_each_role_on_each_app_page(app_client: TestClient, name: str) -> None:
    sign_in(app_client, name)
    for (method, path), roles in ROUTE_ROLES.items():
        if method != "GET" or roles is None:
            continue
        response = app_client.get(EXAMPLES.get(path, path), follow_redirects=False)
        allowed = USERS[name] in roles
        expected = EMPTY_DATABASE.get(path, 200) if allowed else 403
        assert response.status_code == expected, (name, path)
    # a write the role may not make is refused on the server, with a valid CSRF token too
    csrf = form_csrf(app_client.get("/app/password").text)
    for (method, path), roles in ROUTE_ROLES.items():
        if method == "POST" and roles is not None and USERS[name] not in roles:
            refused = app_client.post(path, data={"csrf_token": csrf}, follow_redirects=False)
            assert refused.status_code == 403, (name, path)
    app_client.cookies.clear()
    for (method, path), roles in ROUTE_ROLES.items():
        if method == "GET" and roles is not None:
            anonymous = app_client.get(EXAMPLES.get(path, path), follow_redirects=False)
            assert anonymous.status_code == 303, path
            assert anonymous.headers["location"].startswith("/app/sign-in"), path


def test_bad_addresses_get_pages_not_json(app_client: TestClient) -> None:
    sign_in(app_client, "officer")
    malformed = app_client.get("/app/receipts/not-a-number")
    assert malformed.status_code == 422 and "text/html" in malformed.headers["content-type"]
    assert "this address is not valid" in malformed.text
    unknown = app_client.get("/app/no-such-page")
    assert unknown.status_code == 404 and "text/html" in unknown.headers["content-type"]
    assert "there is no such page" in unknown.text
    api = app_client.get("/api/v1/receipts/not-a-number")  # the API keeps its JSON
    assert api.status_code in (401, 422) and api.headers["content-type"] == "application/json"
