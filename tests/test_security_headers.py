"""Security headers on every kind of response, on both databases: JSON, errors (401,
404, 422, 500, a refused body), the portal, the web interface, static files, /docs and
/openapi.json, and a rendered HTML file, each with the Content-Security-Policy meant
for it; the demo mark kept; and in Chromium, the docs, the portal, a web page and an
HTML report run under their policies without a violation, while an injected inline
script is blocked."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from api import middleware
from api.app import create_app
from api.middleware import (
    APP_POLICY,
    CHART_STYLE,
    DOCUMENT_POLICY,
    PORTAL_POLICY,
    inline_scripts,
)
from api.portal.pages import static_url
from finance_core.access import service as access
from finance_core.actor import Actor
from finance_core.db import create_db_engine
from finance_core.system.service import DATASET_FLAG, DEMO, set_flag
from reports.document import Chart, ChartKind, Column, ColumnKind, Table
from reports.i18n import Language
from reports.render.charts import chart_svg
from tests.browser import live_server, open_page
from tests.fixtures_web import browser_sign_in
from tests.web_helpers import add_user, sign_in

FIXED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
}


@dataclass
class Site:
    client: TestClient
    officer: TestClient
    token: str


def _crash() -> None:
    raise RuntimeError("a bug")


@pytest.fixture
def site(engine: Engine) -> Iterator[Site]:
    add_user(engine, "officer", "finance_officer")
    with Session(engine) as s:
        _user, token = access.create_user(
            s, actor=Actor(name="setup", origin="test"), name="reader", roles=["committee"]
        )
        s.commit()
    app = create_app(engine)
    app.add_api_route("/api/v1/test-crash", _crash)  # an unexpected error
    with (
        TestClient(app, raise_server_exceptions=False) as client,
        TestClient(app, raise_server_exceptions=False) as officer,
    ):
        assert sign_in(officer, "officer").status_code == 303
        yield Site(client, officer, token)


def _docs_policy(client: TestClient) -> str:
    page = client.get("/docs")
    return str(page.headers["content-security-policy"])


def test_every_kind_of_response_carries_the_security_headers(site: Site) -> None:
    bearer = {"Authorization": f"Bearer {site.token}"}
    c, officer = site.client, site.officer
    samples = {
        "JSON": (c.get("/api/v1/funds", headers=bearer), 200, APP_POLICY),
        "health": (c.get("/health"), 200, APP_POLICY),
        "401": (c.get("/api/v1/funds"), 401, APP_POLICY),
        "404": (c.get("/api/v1/no-such-thing"), 404, APP_POLICY),
        "422": (c.get("/api/v1/states?as_at=not-a-date", headers=bearer), 422, APP_POLICY),
        "500": (c.get("/api/v1/test-crash"), 500, APP_POLICY),
        "too large": (
            c.post("/api/v1/funds", headers={"Content-Length": str(50 * 1024 * 1024)}),
            422,
            APP_POLICY,
        ),
        "portal": (c.get("/"), 200, PORTAL_POLICY),
        "portal 404": (c.get("/no-such-page"), 404, PORTAL_POLICY),
        "sign-in page": (c.get("/app/sign-in"), 200, APP_POLICY),
        "web page": (officer.get("/app"), 200, APP_POLICY),
        "web 404": (officer.get("/app/no-such-page"), 404, APP_POLICY),
        "portal static": (c.get(static_url("portal.css")), 200, APP_POLICY),
        "docs static": (c.get("/static/swagger-ui/swagger-ui-bundle.js"), 200, APP_POLICY),
        "openapi": (c.get("/openapi.json"), 200, APP_POLICY),
        "docs": (c.get("/docs"), 200, _docs_policy(c)),
        "html report": (
            officer.get("/app/reports/status-of-contributions?format=html"),
            200,
            DOCUMENT_POLICY,
        ),
    }
    for kind, (response, status, policy) in samples.items():
        assert response.status_code == status, (kind, response.text[:300])
        headers = response.headers
        for name, value in FIXED.items():
            assert headers.get(name) == value, (kind, name)
        csp = headers.get("content-security-policy")
        assert csp == policy, (kind, csp)
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["frame-ancestors"] == "'none'", kind
        assert "'unsafe-inline'" not in directives.get("script-src", ""), kind
        assert directives["default-src"] in ("'self'", "'none'"), kind
    assert samples["500"][0].json()["error"] == "InternalError"
    assert samples["too large"][0].json()["error"] == "ValidationFailed"
    assert samples["html report"][0].headers["content-disposition"].startswith("inline")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_docs_allow_their_own_inline_scripts_by_hash_and_nothing_else(site: Site) -> None:
    for path in ("/docs", "/docs/oauth2-redirect"):
        page = site.client.get(path)
        scripts = inline_scripts(page.text)
        assert scripts, path
        script_src = re.search(r"script-src ([^;]+)", page.headers["content-security-policy"])
        assert script_src is not None
        assert set(script_src.group(1).split()) == {"'self'", *map(_sha256, scripts)}, path


def test_charts_carry_only_the_stylesheet_the_portal_allows() -> None:
    """If matplotlib's SVG ever carries another stylesheet, the portal's policy (which
    allows ``CHART_STYLE`` by its hash) must follow; this says so before a browser does."""
    frame = pd.DataFrame({"code": ["A", "B"], "paid": pd.array([10, 20], dtype="Int64")})
    table = Table(
        "t",
        "progress.table.indicators",
        (
            Column("code", "progress.col.code"),
            Column("paid", "progress.col.share_of_way", ColumnKind.RATE),
        ),
        frame,
        chart=Chart(ChartKind.STACKED, "code", ("paid",), "progress.chart.indicators"),
    )
    svg = chart_svg(table, Language.EN)
    assert svg is not None
    assert re.findall(r"<style[^>]*>(.*?)</style>", svg, re.S) == [CHART_STYLE]
    assert _sha256(CHART_STYLE) in PORTAL_POLICY and "style-src-attr 'unsafe-inline'" in (
        PORTAL_POLICY
    )
    assert "'unsafe-inline'" not in APP_POLICY


def test_the_demo_mark_stays_and_a_page_that_read_the_flag_is_not_asked_again(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(engine) as s:
        set_flag(s, DATASET_FLAG, DEMO)
        s.commit()
    asked: list[object] = []
    real = middleware.is_demo_database

    def counted(found: Engine) -> bool:
        asked.append(found)
        return real(found)

    monkeypatch.setattr(middleware, "is_demo_database", counted)
    with TestClient(create_app(engine)) as client:
        assert client.get("/health").headers["x-demo-data"] == "true"
        assert asked == [engine]
        home = client.get("/")  # the portal's page says it read the flag
        assert home.headers["x-demo-data"] == "true" and len(asked) == 1
        assert client.get("/api/v1/no-such-thing").headers["x-demo-data"] == "true"
        assert len(asked) == 2


#: A small schema for Swagger UI to render quickly: the page, its policy and Swagger UI
#: are the service's own, only the schema is shorter (the docs read no data, so an empty
#: in-memory database serves them).
SMALL_SCHEMA = {
    "openapi": "3.1.0",
    "info": {"title": "ATT finance service", "version": "0.1.0"},
    "paths": {
        "/health": {"get": {"summary": "Health", "responses": {"200": {"description": "ok"}}}}
    },
    "components": {"securitySchemes": {"HTTPBearer": {"type": "http", "scheme": "bearer"}}},
}


def test_the_docs_run_under_their_policy_in_a_browser(browser: Any) -> None:
    with live_server(create_app(create_db_engine("sqlite://"))) as url:
        context, page, errors = open_page(browser, 1280)
        try:
            page.route("**/openapi.json", lambda route: route.fulfill(json=SMALL_SCHEMA))
            page.goto(url + "/docs")
            page.wait_for_selector(".opblock-tag", timeout=30_000)  # Swagger UI ran
            page.get_by_role("button", name="Authorize").first.click()
            page.wait_for_selector(".modal-ux", timeout=10_000)
            assert errors == [], errors
        finally:
            context.close()


def test_pages_run_under_their_policies_in_a_browser(engine: Engine, browser: Any) -> None:
    add_user(engine, "officer", "finance_officer")
    with live_server(create_app(engine)) as url:
        context, page, errors = open_page(browser, 1280)
        try:
            page.goto(url + "/")
            browser_sign_in(page, url, "officer")
            page.goto(url + "/app/reports/status-of-contributions?format=html")
            assert page.locator("h1").count() == 1
            # the stylesheet of the rendered file applies (its own inline <style>)
            color = page.evaluate("getComputedStyle(document.querySelector('h1')).color")
            assert color == "rgb(29, 78, 137)", color
            assert errors == [], errors
            page.goto(url + "/app")
            with pytest.raises(Exception, match="Content Security Policy"):
                page.add_script_tag(content="window.injected = true")
            assert page.evaluate("window.injected") is None
        finally:
            context.close()
