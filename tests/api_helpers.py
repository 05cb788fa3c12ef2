"""Building an API client on a test database, with a user (and token) per role."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from api.app import create_app
from finance_core.access import service as access
from finance_core.actor import Actor

ROLES = ("committee", "finance_officer", "admin")


@dataclass
class ApiEnv:
    client: TestClient
    tokens: dict[str, str]

    def auth(self, role: str | None) -> dict[str, str]:
        """Headers for a caller with ``role`` (None: anonymous)."""
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}


@contextmanager
def api_env(engine: Engine) -> Iterator[ApiEnv]:
    tokens = {}
    setup = Actor(name="setup", origin="test")
    with Session(engine) as s:
        for role in ROLES:
            _, tokens[role] = access.create_user(s, actor=setup, name=f"user-{role}", roles=[role])
        s.commit()
    with TestClient(create_app(engine), raise_server_exceptions=False) as client:
        yield ApiEnv(client, tokens)
