"""Migration 0012 (the strategic plan): its append-only triggers exist at head on both
databases, and it downgrades to 0011 leaving no table, trigger or function behind."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from finance_core.db import create_db_engine
from finance_core.migrate import alembic_config, upgrade
from strategy import triggers
from tests.conftest import Database


def _state(url: str) -> tuple[set[str], set[str], set[str]]:
    """(strategy tables, triggers, PostgreSQL functions whose name starts with strategy)."""
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            tables = {t for t in inspect(conn).get_table_names() if t.startswith("strategy")}
            if conn.dialect.name == "sqlite":
                found = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
                functions: set[str] = set()
            else:
                found = conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
                functions = {
                    str(r[0])
                    for r in conn.execute(
                        text("SELECT proname FROM pg_proc WHERE proname LIKE 'strategy%'")
                    )
                }
            return tables, {str(r[0]) for r in found}, functions
    finally:
        engine.dispose()


def test_strategy_triggers_at_head_and_a_clean_downgrade(db: Database) -> None:
    config = alembic_config(db.owner_url)
    names = set(triggers.trigger_names(db.dialect))
    tables, found, functions = _state(db.owner_url)
    assert tables == {
        "strategy_plan",
        "strategy_element",
        "strategy_indicator",
        "strategy_target",
        "strategy_measurement",
        "strategy_measurement_approval",
        "strategy_link_set",
        "strategy_link_share",
    }
    assert names <= found
    if db.dialect == "postgresql":
        assert len(names) == 3 + 3 * len(triggers.APPEND_ONLY_TABLES)
        assert functions == {"strategy_refuse_change"} | {n for n in names if n.endswith("_check")}
    command.downgrade(config, "0011")
    assert _state(db.owner_url) == (set(), found - names, set())
    upgrade(url=db.owner_url, app_url=db.url)
    command.check(config)
    assert names <= _state(db.owner_url)[1]


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
@pytest.mark.parametrize("table", triggers.APPEND_ONLY_TABLES)
def test_truncate_refused_on_postgresql(db: Database, owner_engine: Engine, table: str) -> None:
    with owner_engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text(f"TRUNCATE {table} CASCADE"))
