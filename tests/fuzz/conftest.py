"""The API fuzz runs' target: a copy of the demo per module and database (see
``tests.fixtures_demo``), with one user per role and a Bearer token each."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from finance_core.access import service as access
from finance_core.actor import Actor
from finance_core.db import create_db_engine
from tests.fixtures_demo import DemoCopy
from tests.fuzz.api_target import ROLES, ApiTarget


@pytest.fixture(scope="module")
def api_target(demo_copy: DemoCopy) -> Iterator[ApiTarget]:
    engine = create_db_engine(demo_copy.database.url)
    tokens: dict[str, str | None] = {}
    with Session(engine) as s:
        for identity, role in ROLES.items():
            if role is None:
                tokens[identity] = None
                continue
            _, tokens[identity] = access.create_user(
                s, actor=Actor(name="setup", origin="test"), name=f"fuzz-{identity}", roles=[role]
            )
        s.commit()
    try:
        yield ApiTarget(demo_copy, engine, tokens)
    finally:
        engine.dispose()
