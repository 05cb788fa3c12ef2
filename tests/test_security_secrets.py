"""Secrets are kept nowhere in clear, on both databases. A journey makes every kind of
secret the service deals in: a user created by ``attfin users create --password-stdin``
(its password and first token), a wrong password, a web sign-in (the session cookie and
the session's CSRF token), API tokens issued through the API and through the web, a
password changed on the web and then by ``attfin users set-password``. Afterwards:

- no column of any table holds any of them (only the SHA-256 of tokens and sessions and
  the Argon2 hash of the password are stored);
- run against a real uvicorn server with every logger at DEBUG (SQL statements with
  their parameters, uvicorn's access log) and stdout/stderr captured, no log line or
  output holds any of them; the command line prints the token once, on its last line.

Tokens and session ids are never taken from a query string, where an access log would
keep them."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, select, table
from sqlalchemy.sql import column

from api.app import create_app
from api.web.auth import COOKIE
from finance_core.access import service as access
from finance_core.access import web
from tests.browser import free_port
from tests.cli_helpers import attfin
from tests.conftest import Database
from tests.web_helpers import form_csrf, sign_in

FIRST = "first passphrase of keeper"
SECOND = "second passphrase, changed on the web"
THIRD = "third passphrase, set by the command line"
WRONG = "a wrong passphrase tried"
#: The test's own HTTP client, not the service (at DEBUG it logs the headers it receives,
#: cookies included).
CLIENT_LOGGERS = ("httpx2", "httpcore2", "httpx", "httpcore")


@dataclass
class Journey:
    """What the journey made: every secret, and the command line's output."""

    secrets: dict[str, str] = field(default_factory=dict)
    cli_output: list[str] = field(default_factory=list)


def _cli(db: Database, journey: Journey, *args: str, stdin: str) -> str:
    done = attfin(db, *args, stdin=stdin)
    assert done.returncode == 0, done.stderr
    journey.cli_output += [done.stdout, done.stderr]
    return done.stdout


def _journey(db: Database, client: Any) -> Journey:
    """Every kind of secret, made through the command line, the web and the API."""
    journey = Journey()
    secrets = journey.secrets
    secrets |= {"first password": FIRST, "second password": SECOND, "wrong password": WRONG}
    secrets["third password"] = THIRD
    out = _cli(
        db,
        journey,
        *("users", "create", "--name", "keeper", "--role", "admin", "--password-stdin"),
        stdin=FIRST + "\n",
    )
    secrets["first token"] = out.strip().splitlines()[-1]

    assert sign_in(client, "keeper", WRONG).status_code == 401
    assert sign_in(client, "keeper", FIRST).status_code == 303
    secrets["first session"] = client.cookies[COOKIE]
    secrets["first CSRF"] = form_csrf(client.get("/app").text)
    assert secrets["first CSRF"] == web.csrf_token(secrets["first session"])

    page = client.post("/app/admin/users/keeper/tokens", data={"csrf_token": secrets["first CSRF"]})
    found = re.search(r'<code id="token">([^<]+)</code>', page.text)
    assert page.status_code == 200 and found, page.text[:300]
    secrets["web token"] = found.group(1)

    bearer = {"Authorization": f"Bearer {secrets['first token']}"}
    assert client.get("/api/v1/users", headers=bearer).status_code == 200
    issued = client.post("/api/v1/users/keeper/tokens", headers=bearer)
    assert issued.status_code == 201
    secrets["API token"] = issued.json()["token"]
    other = {"Authorization": f"Bearer {secrets['web token']}"}
    assert client.get("/api/v1/audit", headers=other).status_code == 200
    assert client.get("/api/v1/funds", headers={"Authorization": "Bearer nope"}).status_code == 401

    changed = client.post(
        "/app/password",
        data={
            "current": FIRST,
            "new": SECOND,
            "again": SECOND,
            "csrf_token": secrets["first CSRF"],
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303, changed.text[:300]
    client.cookies.clear()
    assert sign_in(client, "keeper", SECOND).status_code == 303
    secrets["second session"] = client.cookies[COOKIE]
    secrets["second CSRF"] = web.csrf_token(secrets["second session"])
    assert client.get("/app/admin/users").status_code == 200

    _cli(db, journey, "users", "set-password", "--name", "keeper", stdin=THIRD + "\n")
    return journey


def _stored_values(engine: Engine) -> list[str]:
    """Every value of every column of every table, as text (bytes read as Latin-1)."""
    values: list[str] = []
    with engine.connect() as conn:
        for name in inspect(conn).get_table_names():
            columns = [c["name"] for c in inspect(conn).get_columns(name)]
            query = select(*(column(c) for c in columns)).select_from(table(name))
            for row in conn.execute(query):
                for value in row:
                    if isinstance(value, bytes | bytearray | memoryview):
                        values.append(bytes(value).decode("latin-1"))
                    elif value is not None:
                        values.append(str(value))
    return values


def test_no_secret_is_stored_in_clear(db: Database, engine: Engine) -> None:
    with TestClient(create_app(engine), raise_server_exceptions=False) as client:
        journey = _journey(db, client)
    stored = _stored_values(engine)
    everything = "\n".join(stored)
    for what, secret in journey.secrets.items():
        assert secret not in everything, f"the {what} is stored in clear"
    # what is stored instead (so the dump did read the tables that hold them)
    for what in ("first token", "web token", "API token", "first session", "second session"):
        assert access.hash_token(journey.secrets[what]) in stored, what
    assert any(v.startswith("$argon2id$") for v in stored)


def test_tokens_and_sessions_are_never_taken_from_a_query_string(engine: Engine) -> None:
    with TestClient(create_app(engine), raise_server_exceptions=False) as client:
        from sqlmodel import Session

        from finance_core.actor import Actor

        with Session(engine) as s:
            _user, token = access.create_user(
                s, actor=Actor(name="setup", origin="test"), name="reader", roles=["committee"]
            )
            s.commit()
        assert client.get("/api/v1/funds", headers={"Authorization": f"Bearer {token}"}).is_success
        for name in ("access_token", "token", "api_key", "authorization"):
            refused = client.get("/api/v1/funds", params={name: token})
            assert refused.status_code == 401, name
        page = client.get("/app", params={COOKIE: "attfin_web_x"}, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/app/sign-in"


@contextmanager
def _logged_server(engine: Engine) -> Iterator[str]:
    """The app served by uvicorn on loopback with its access log on and its logging left
    to the test's capture (``log_config=None``)."""

    class Server(uvicorn.Server):
        def install_signal_handlers(self) -> None:
            pass

    port = free_port()
    config = uvicorn.Config(
        create_app(engine),
        host="127.0.0.1",
        port=port,
        log_config=None,
        log_level="debug",
        access_log=True,
    )
    server = Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_no_secret_reaches_the_logs_or_the_output(
    db: Database,
    engine: Engine,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in [*logging.root.manager.loggerDict, "uvicorn.error", "uvicorn.access"]:
        caplog.set_level(logging.DEBUG, logger=name)
    with _logged_server(engine) as url, httpx2.Client(base_url=url, timeout=60) as client:
        journey = _journey(db, client)
    captured = capfd.readouterr()
    records = [r for r in caplog.records if not r.name.startswith(CLIENT_LOGGERS)]
    lines = [r.getMessage() + "\n" + (r.exc_text or "") for r in records]
    logged = "\n".join([*lines, captured.out, captured.err])
    for what, secret in journey.secrets.items():
        assert secret not in logged, f"the {what} is in the logs or the output"
    # what was captured: the access log, and SQL statements with their parameters
    access_log = [r.getMessage() for r in records if r.name == "uvicorn.access"]
    assert any("POST /app/sign-in" in line for line in access_log), access_log[:5]
    assert access.hash_token(journey.secrets["first token"]) in logged

    # the command line prints the token once, alone on its last line, and no password
    create, set_password = journey.cli_output[0], journey.cli_output[2]
    assert create.strip().splitlines()[-1] == journey.secrets["first token"]
    assert create.count(journey.secrets["first token"]) == 1
    cli = "\n".join(journey.cli_output)
    for what in ("first password", "third password"):
        assert journey.secrets[what] not in cli, what
    assert set_password.strip() == "password set for keeper"
