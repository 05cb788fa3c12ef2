"""Alembic is the only way the schema is made: upgrade, no drift, downgrade, upgrade."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.util.exc import CommandError
from sqlalchemy import inspect, text

from finance_core.db import create_db_engine
from finance_core.ledger.models import AccountType
from finance_core.ledger.triggers import trigger_names
from finance_core.migrate import alembic_config, upgrade
from tests.conftest import Database


def _triggers(url: str) -> set[str]:
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            else:
                rows = conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
            return {r[0] for r in rows}
    finally:
        engine.dispose()


def test_upgrade_check_downgrade_upgrade(db: Database) -> None:
    config = alembic_config(db.owner_url)
    command.upgrade(config, "head")
    command.check(config)  # raises if the models and the migrations disagree
    assert set(trigger_names(db.dialect)) <= _triggers(db.owner_url)
    command.downgrade(config, "base")
    engine = create_db_engine(db.owner_url)
    with engine.connect() as conn:
        left = set(inspect(conn).get_table_names()) - {"alembic_version"}
    engine.dispose()
    assert left == set()
    assert not _triggers(db.owner_url)
    upgrade(url=db.owner_url, app_url=db.url)
    command.check(config)
    assert set(trigger_names(db.dialect)) <= _triggers(db.owner_url)


def test_check_detects_drift(db: Database) -> None:
    """The drift check can fail: a schema missing a column is reported."""
    config = alembic_config(db.owner_url)
    command.downgrade(config, "base")
    engine = create_db_engine(db.owner_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE fund (code VARCHAR(16) PRIMARY KEY)"))
    engine.dispose()
    command.stamp(config, "head")
    with pytest.raises(CommandError, match="New upgrade operations detected"):
        command.check(config)


def test_standard_funds_have_every_account_type(db: Database) -> None:
    engine = create_db_engine(db.url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT fund_code, account_type FROM ledger_account")).all()
        funds = {r[0] for r in conn.execute(text("SELECT code FROM fund"))}
    engine.dispose()
    assert funds == {"SEC", "CSP", "WCF", "VTF", "SPP"}
    have = {(f, t) for f, t in rows}
    assert have == {(f, t.value) for f in funds for t in AccountType}
