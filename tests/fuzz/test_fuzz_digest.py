"""The fuzz runs' "nothing written" check can fail: the database's digest moves on an
insert and on an update committed by the app's connection, and stays put when a write
is rolled back, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from tests.conftest import Database
from tests.fuzz.db_digest import changes, digester

pytestmark = pytest.mark.fuzz


def test_fuzz_digest_sees_inserts_and_updates_not_rollbacks(db: Database, engine: Engine) -> None:
    digest, close = digester(db)
    try:
        start = digest()
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO system_flag (key, value, set_at) VALUES ('fuzz', 'a', CURRENT_TIMESTAMP)"
                )
            )
        inserted = digest()
        assert "system_flag" in changes(start, inserted)
        with engine.begin() as conn:
            conn.execute(text("UPDATE system_flag SET value = 'b' WHERE key = 'fuzz'"))
        updated = digest()
        assert changes(inserted, updated), "an update went unseen"
        with engine.connect() as conn:
            conn.execute(text("UPDATE system_flag SET value = 'c' WHERE key = 'fuzz'"))
            conn.rollback()
        assert changes(updated, digest()) == {}
    finally:
        close()
