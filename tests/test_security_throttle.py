"""Throttling by client address, on both databases: bad API tokens and failed web
sign-ins from one address are counted in the database (so two server processes see the
same count), and past the limit that address gets 429 with ``Retry-After`` until the
window has passed, while other addresses are served as usual."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from api.app import create_app
from api.web.auth import COOKIE
from finance_core.access import service as access
from finance_core.access import throttle
from finance_core.access.models import SignInAttempt, TokenAttempt
from finance_core.actor import Actor
from finance_core.db_types import utcnow
from finance_core.errors import TooManyRequests
from finance_core.settings import Settings, get_settings
from tests.web_helpers import PASSWORD, add_user, sign_in

#: Small limits, so that the tests stay short (the defaults are larger).
TOKEN_FAILURES = 4
SIGN_IN_FAILURES = 2
WINDOW_MINUTES = 10


@pytest.fixture(autouse=True)
def small_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ATTFIN_TOKEN_CLIENT_FAILURES", str(TOKEN_FAILURES))
    monkeypatch.setenv("ATTFIN_TOKEN_CLIENT_WINDOW_MINUTES", str(WINDOW_MINUTES))
    monkeypatch.setenv("ATTFIN_SIGN_IN_CLIENT_FAILURES", str(SIGN_IN_FAILURES))
    monkeypatch.setenv("ATTFIN_SIGN_IN_CLIENT_WINDOW_MINUTES", str(WINDOW_MINUTES))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _client(engine: Engine, address: str) -> TestClient:
    """A client calling from ``address`` (each makes its own app: as two server
    processes would, they share nothing but the database)."""
    return TestClient(create_app(engine), raise_server_exceptions=False, client=(address, 5000))


def _token(engine: Engine, name: str = "reader") -> str:
    with Session(engine) as s:
        _user, token = access.create_user(
            s, actor=Actor(name="setup", origin="test"), name=name, roles=["committee"]
        )
        s.commit()
    return token


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _count(engine: Engine, model: type[TokenAttempt] | type[SignInAttempt]) -> int:
    with Session(engine) as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def _age(engine: Engine, model: type[TokenAttempt] | type[SignInAttempt], minutes: int) -> None:
    """Move every recorded attempt ``minutes`` into the past (as if time had passed)."""
    with Session(engine) as s:
        for attempt in s.execute(select(model)).scalars():
            attempt.attempted_at -= timedelta(minutes=minutes)
        s.commit()


def test_bad_tokens_from_one_address_are_refused_for_a_while(engine: Engine) -> None:
    good = _token(engine)
    guesser = _client(engine, "203.0.113.7")
    twin = _client(engine, "203.0.113.7")  # the same address served by another process
    other = _client(engine, "198.51.100.2")
    with guesser, twin, other:
        for i in range(TOKEN_FAILURES):
            # a write route too: its SQLite transaction holds the write lock, and the
            # failure is still recorded once the request's transaction is rolled back
            if i % 2:
                bad = guesser.post("/api/v1/funds", headers=_bearer(f"attfin_guess{i}"), json={})
            else:
                bad = guesser.get("/api/v1/funds", headers=_bearer(f"attfin_guess{i}"))
            assert bad.status_code == 401, bad.text
        assert _count(engine, TokenAttempt) == TOKEN_FAILURES

        refused = guesser.get("/api/v1/funds", headers=_bearer("attfin_one_more"))
        assert refused.status_code == 429
        body = refused.json()
        assert body["error"] == "TooManyRequests" and set(body) <= {"error", "detail", "fields"}
        assert "too many failed token attempts" in body["detail"]
        retry = int(refused.headers["Retry-After"])
        assert 0 < retry <= WINDOW_MINUTES * 60
        # the address is refused whatever the token, so guessing learns nothing
        assert guesser.get("/api/v1/funds", headers=_bearer(good)).status_code == 429
        assert twin.get("/api/v1/funds", headers=_bearer(good)).status_code == 429
        assert _count(engine, TokenAttempt) == TOKEN_FAILURES  # refusals are not counted

        # another address is served, and its own bad token is a plain 401
        assert other.get("/api/v1/funds", headers=_bearer(good)).status_code == 200
        assert other.get("/api/v1/funds", headers=_bearer("attfin_typo")).status_code == 401
        # a public route reads a given token too, so it is refused there as well
        assert guesser.get("/api/v1/public/plans", headers=_bearer(good)).status_code == 429
        assert guesser.get("/api/v1/public/plans").status_code == 200  # no token: public

        _age(engine, TokenAttempt, WINDOW_MINUTES)
        assert guesser.get("/api/v1/funds", headers=_bearer(good)).status_code == 200
        again = guesser.get("/api/v1/funds", headers=_bearer("attfin_after"))
        assert again.status_code == 401
    # failures older than the window are forgotten as new ones come
    assert _count(engine, TokenAttempt) == 1


def test_the_lock_ends_when_the_oldest_counted_failure_leaves_the_window(
    session: Session,
) -> None:
    start = utcnow()
    client = "192.0.2.10"
    for i in range(TOKEN_FAILURES):
        throttle.record_token_failure(session, client, now=start + timedelta(seconds=i))
    window = timedelta(minutes=WINDOW_MINUTES)
    latest = start + timedelta(seconds=TOKEN_FAILURES - 1)
    with pytest.raises(TooManyRequests) as caught:
        throttle.check_token(session, client, now=latest)
    assert caught.value.retry_after == WINDOW_MINUTES * 60 - (TOKEN_FAILURES - 1)
    with pytest.raises(TooManyRequests):
        throttle.check_token(session, client, now=start + window - timedelta(seconds=1))
    throttle.check_token(session, client, now=start + window)  # the first one has left
    throttle.check_token(session, "192.0.2.11", now=latest)  # another address: no limit


def test_failed_sign_ins_from_one_address_are_refused_whatever_the_names(
    engine: Engine,
) -> None:
    add_user(engine, "officer", "finance_officer")
    guesser = _client(engine, "203.0.113.9")
    colleague = _client(engine, "198.51.100.3")
    with guesser, colleague:
        for i in range(SIGN_IN_FAILURES):  # one try per name: no name is locked
            assert sign_in(guesser, f"name-{i}", "a guessed password").status_code == 401
        refused = sign_in(guesser, "officer")  # even the right password
        assert refused.status_code == 429
        assert "too many failed sign-ins from this address" in refused.text
        assert 0 < int(refused.headers["Retry-After"]) <= WINDOW_MINUTES * 60
        assert COOKIE not in refused.cookies
        assert refused.headers["content-type"].startswith("text/html")  # the web's page
        assert _count(engine, SignInAttempt) == SIGN_IN_FAILURES  # nothing checked

        done = sign_in(colleague, "officer")  # from elsewhere the name is not locked
        assert done.status_code == 303 and COOKIE in done.cookies

        _age(engine, SignInAttempt, WINDOW_MINUTES)
        assert sign_in(guesser, "officer").status_code == 303


def test_successful_sign_ins_do_not_clear_an_address(engine: Engine) -> None:
    """An attacker holding one account cannot reset the count by signing in with it."""
    add_user(engine, "officer", "finance_officer")
    address = "203.0.113.20"
    with _client(engine, address) as client, _client(engine, address) as holder:
        for i in range(SIGN_IN_FAILURES):
            assert sign_in(client, f"guess-{i}", "wrong password").status_code == 401
            if i == 0:
                assert sign_in(holder, "officer", PASSWORD).status_code == 303
        assert sign_in(client, "officer", PASSWORD).status_code == 429


def test_the_limits_are_settings_with_defaults() -> None:
    fields = Settings.model_fields
    for name in (
        "token_client_failures",
        "token_client_window_minutes",
        "sign_in_client_failures",
        "sign_in_client_window_minutes",
    ):
        assert fields[name].description, name
    assert fields["token_client_failures"].default == 20
    assert fields["sign_in_client_failures"].default == 20
    assert fields["token_client_window_minutes"].default == 15
