"""The web interface on a copy of the demo, per module and database: the demo's data with
one user per role (and a second finance officer, for maker-checker), signed-in test
clients, and the app served on loopback for the browser tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.app import create_app
from finance_core.db import create_db_engine
from tests.browser import TEST_OUTPUT, WIDTHS, live_server, open_page
from tests.fixtures_demo import DemoCopy
from tests.web_helpers import PASSWORD, add_user, sign_in

#: The demo's web users: name → role. ``checker`` is the second person of maker-checker.
WEB_USERS = {
    "officer": "finance_officer",
    "checker": "finance_officer",
    "member": "committee",
    "keeper": "admin",
}
SHOTS = TEST_OUTPUT / "app"


@dataclass
class WebDemo:
    """The demo copy, an engine on it, ``client(name)`` (a TestClient signed in as that
    user, made once per module) and ``url()`` (the app served on loopback, started on
    first use)."""

    copy: DemoCopy
    engine: Engine
    _stack: ExitStack
    _clients: dict[str, TestClient]
    _url: list[str]

    @property
    def dialect(self) -> str:
        return self.copy.dialect

    def client(self, name: str) -> TestClient:
        if name not in self._clients:
            client = self._stack.enter_context(
                TestClient(create_app(self.engine), raise_server_exceptions=False)
            )
            assert sign_in(client, name).status_code == 303, name
            self._clients[name] = client
        return self._clients[name]

    def url(self) -> str:
        if not self._url:
            self._url.append(self._stack.enter_context(live_server(create_app(self.engine))))
        return self._url[0]


@pytest.fixture(scope="module")
def web_demo(demo_copy: DemoCopy) -> Iterator[WebDemo]:
    engine = create_db_engine(demo_copy.database.url)
    for name, role in WEB_USERS.items():
        add_user(engine, name, role)
    with ExitStack() as stack:
        try:
            yield WebDemo(demo_copy, engine, stack, {}, [])
        finally:
            stack.close()
            engine.dispose()


def browser_sign_in(page: Any, url: str, name: str) -> None:
    """Sign in as ``name`` through the sign-in form, as a user would."""
    page.goto(url + "/app/sign-in")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url + "/app")


def shot(page: Any, dialect: str, name: str, width: int) -> Path:
    """A full-page screenshot under ``test-output/app/``, after checking that the page
    does not scroll sideways at ``width``."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} scrolls sideways at {width} px ({scroll} px wide)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{dialect}-{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def at_each_width(browser: Any, url: str, name: str, journey: Callable[[Any, int], None]) -> None:
    """Run ``journey(page, width)`` signed in as ``name`` at each of WIDTHS, in a new
    context each time; no console error or page error may occur."""
    for width in WIDTHS:
        context, page, errors = open_page(browser, width)
        try:
            browser_sign_in(page, url, name)
            journey(page, width)
            assert errors == [], errors
        finally:
            context.close()
