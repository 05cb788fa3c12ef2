"""Users with passwords and signing in, for the web interface's tests."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import Engine
from sqlmodel import Session

from finance_core.access import service as access
from finance_core.actor import Actor

PASSWORD = "correct horse battery"


def add_user(engine: Engine, name: str, role: str, password: str = PASSWORD) -> None:
    """A user with ``role`` who signs in with ``password``."""
    with Session(engine) as s:
        access.create_user(
            s,
            actor=Actor(name="setup", origin="test"),
            name=name,
            roles=[role],
            password=password,
        )
        s.commit()


def form_csrf(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(
    client: TestClient, name: str, password: str = PASSWORD, next_: str = "/app"
) -> Response:
    """Post the sign-in form as a browser would (its CSRF cookie and field included)."""
    form = client.get("/app/sign-in")
    return client.post(
        "/app/sign-in",
        data={
            "name": name,
            "password": password,
            "csrf_token": form_csrf(form.text),
            "next": next_,
        },
        follow_redirects=False,
    )
