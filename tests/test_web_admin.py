"""Admins in the web interface, on both databases: creating a user who can then sign in,
changing roles, disabling (which ends the user's sessions at once) and enabling, setting
a password, an API token shown once and stored as a hash only, revoking tokens, the audit
trail of a user, the settings page; and the guards against locking oneself out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from api.app import create_app
from finance_core.access import service as access
from tests.browser import WIDTHS, live_server, open_page
from tests.fixtures_web import browser_sign_in, shot
from tests.web_helpers import PASSWORD, add_user, form_csrf, sign_in

NEW_PASSWORD = "another long password"


@pytest.fixture
def admin(engine: Engine) -> Iterator[TestClient]:
    add_user(engine, "keeper", "admin")
    with TestClient(create_app(engine), raise_server_exceptions=False) as client:
        assert sign_in(client, "keeper").status_code == 303
        yield client


def _post(client: TestClient, page: str, action: str, data: dict[str, object]) -> object:
    csrf = form_csrf(client.get(page).text)
    return client.post(action, data={"csrf_token": csrf, **data}, follow_redirects=False)


def test_create_a_user_who_then_signs_in(admin: TestClient, engine: Engine) -> None:
    users = "/app/admin/users"
    form = {"name": "ana", "roles": ["finance_officer"], "password": PASSWORD, "again": PASSWORD}
    differ = _post(admin, users, users, {**form, "again": "something else entirely"})
    assert differ.status_code == 422 and "The two passwords differ." in differ.text
    assert 'value="ana"' in differ.text and "checked" in differ.text  # kept as typed
    short = _post(admin, users, users, {**form, "password": "short", "again": "short"})
    assert short.status_code == 422 and "at least 12 characters" in short.text
    no_role = _post(admin, users, users, {**form, "roles": []})
    assert no_role.status_code == 422 and "at least one role" in no_role.text
    done = _post(admin, users, users, form)
    assert done.status_code == 303 and done.headers["location"] == "/app/admin/users/ana?created=1"
    again = _post(admin, users, users, form)  # pressed twice: refused, not a second user
    assert again.status_code == 422 and "already exists" in again.text
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM app_user WHERE name='ana'")).scalar() == 1
    assert "Created ana" in admin.get(done.headers["location"]).text
    with TestClient(create_app(engine)) as ana:
        assert sign_in(ana, "ana").status_code == 303
        assert "Record a payment" in ana.get("/app").text


def test_roles_disable_enable_and_password(admin: TestClient, engine: Engine) -> None:
    add_user(engine, "ben", "committee")
    page = "/app/admin/users/ben"
    with TestClient(create_app(engine)) as ben:
        assert sign_in(ben, "ben").status_code == 303
        assert "Record a payment" not in ben.get("/app").text
        roles = _post(admin, page, page + "/roles", {"roles": ["committee", "finance_officer"]})
        assert roles.headers["location"] == page + "?done=roles"
        assert "Record a payment" in ben.get("/app").text  # the next request has the role
        off = _post(admin, page, page + "/state", {"disabled": "yes"})
        assert off.status_code == 303
        assert ben.get("/app", follow_redirects=False).status_code == 303  # signed out
        assert sign_in(ben, "ben").status_code == 401
        _post(admin, page, page + "/state", {"disabled": "no"})
        set_pw = _post(
            admin, page, page + "/password", {"password": NEW_PASSWORD, "again": NEW_PASSWORD}
        )
        assert set_pw.headers["location"] == page + "?done=password"
        assert sign_in(ben, "ben").status_code == 401
        assert sign_in(ben, "ben", NEW_PASSWORD).status_code == 303
    trail = admin.get(page).text
    for action in ("users.set_roles", "users.disable", "users.enable", "users.set_password"):
        assert action in trail


def test_an_admin_cannot_lock_themselves_out(admin: TestClient) -> None:
    page = "/app/admin/users/keeper"
    assert "Disable keeper" not in admin.get(page).text
    refused = _post(admin, page, page + "/state", {"disabled": "yes"})
    assert refused.status_code == 422 and "cannot disable yourself" in refused.text
    demoted = _post(admin, page, page + "/roles", {"roles": ["committee"]})
    assert demoted.status_code == 422 and "cannot take the admin role" in demoted.text
    assert "Users" in admin.get("/app/admin/users").text  # still an admin


def test_a_token_is_shown_once_and_stored_as_a_hash(admin: TestClient, engine: Engine) -> None:
    page = "/app/admin/users/keeper"
    issued = _post(admin, page, page + "/tokens", {})
    assert issued.status_code == 200
    token = re.search(r'<code id="token">([^<]+)</code>', issued.text)
    assert token
    with engine.connect() as conn:
        hashes = {h for (h,) in conn.execute(text("SELECT token_hash FROM api_token"))}
        stored = " ".join(str(r) for r in conn.execute(text("SELECT * FROM idempotency_record")))
    assert access.hash_token(token.group(1)) in hashes and token.group(1) not in stored
    me = admin.get("/api/v1/me", headers={"Authorization": f"Bearer {token.group(1)}"})
    assert me.status_code == 200
    assert token.group(1) not in admin.get(page).text  # shown on that answer only
    revoked = _post(admin, page, page + "/revoke", {})
    assert revoked.headers["location"].startswith(page + "?done=revoked-")
    gone = admin.get("/api/v1/me", headers={"Authorization": f"Bearer {token.group(1)}"})
    assert gone.status_code == 401


def test_settings_page_hides_the_database_address(admin: TestClient) -> None:
    page = admin.get("/app/admin/settings")
    assert page.status_code == 200 and "ATTFIN_WEB_IDLE_MINUTES" in page.text
    assert "ATTFIN_DATABASE_URL" in page.text and "(set; not shown)" in page.text
    assert "postgresql://" not in page.text.split("<table")[1]


def test_admin_pages_in_the_browser(engine: Engine, browser: Any, db: Any) -> None:
    """The users list, a user's page and the settings at 1280 and 390 px: labelled fields,
    no console error, no sideways scrolling; creating a user with the keyboard."""
    add_user(engine, "keeper", "admin")
    with live_server(create_app(engine)) as url:
        for width in WIDTHS:
            context, page, errors = open_page(browser, width)
            browser_sign_in(page, url, "keeper")
            assert page.get_by_role("link", name="Record a payment").count() == 0
            page.get_by_role("link", name="Users").click()
            page.get_by_label("User name").fill(f"user-{width}")
            page.get_by_label("Management Committee: reads everything, writes nothing").check()
            page.get_by_label("Password for signing in").fill(PASSWORD)
            page.get_by_label("The password again").fill(PASSWORD)
            shot(page, db.dialect, "admin-users", width)
            page.get_by_label("The password again").press("Enter")
            page.wait_for_url(f"{url}/app/admin/users/user-{width}?created=1")
            assert "Created" in page.get_by_role("status").inner_text()
            shot(page, db.dialect, "admin-user", width)
            page.get_by_role("link", name="Settings").click()
            shot(page, db.dialect, "admin-settings", width)
            assert errors == [], errors
            context.close()
