"""PostgreSQL privileges of the application role: no UPDATE, DELETE or TRUNCATE on
ledger tables and published snapshots; everything it needs elsewhere."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, pool, text

from finance_core.ledger.triggers import APPEND_ONLY_TABLES
from finance_core.publication.triggers import APPEND_ONLY_TABLES as SNAPSHOT_TABLES


def grant_application_role(owner_url: str, role: str) -> None:
    """Grant ``role`` its privileges on every table (idempotent; run after migrations)."""
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    quoted = '"' + role.replace('"', '""') + '"'
    try:
        with engine.begin() as conn:
            tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
            conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {quoted}"))
            for table in tables:
                conn.execute(text(f"REVOKE ALL ON {table} FROM {quoted}"))
                if table in APPEND_ONLY_TABLES or table in SNAPSHOT_TABLES:
                    privileges = "SELECT, INSERT"
                elif table == "ledger_chain_head":
                    privileges = "SELECT, UPDATE"  # moved only by the sealing trigger
                else:
                    privileges = "SELECT, INSERT, UPDATE, DELETE"
                conn.execute(text(f"GRANT {privileges} ON {table} TO {quoted}"))
            conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}"))
            conn.execute(text(f"GRANT SELECT ON alembic_version TO {quoted}"))
    finally:
        engine.dispose()
