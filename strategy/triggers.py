"""Database enforcement of the strategy's append-only history, for SQLite and PostgreSQL.

- append-only: UPDATE and DELETE (and TRUNCATE on PostgreSQL) of measurements, their
  approvals and the links of budget lines to objectives are refused;
- a measurement may only supersede a measurement of the same indicator, year and
  category;
- an approval needs an approver other than the measurement's author, and a measurement
  that no later version has superseded;
- the shares of a budget line's link set add up to at most 10,000 basis points.

Migrations call ``create_statements``/``drop_statements``; SQLite batch migrations
recreate tables and drop their triggers, so such a migration must recreate them."""

from __future__ import annotations

#: Tables whose rows are never changed or deleted.
APPEND_ONLY_TABLES = (
    "strategy_measurement",
    "strategy_measurement_approval",
    "strategy_link_set",
    "strategy_link_share",
)

_MSG_SLOT = "strategy: a measurement supersedes one of the same indicator, year and category"
_MSG_AUTHOR = "strategy: the approver must not be the author of the measurement"
_MSG_SUPERSEDED = "strategy: the measurement was superseded by a later version"
_MSG_SHARES = "strategy: the shares of a budget line add up to more than 10000 basis points"

#: Checking triggers (name, table).
_CHECKS = (
    ("strategy_measurement_check", "strategy_measurement"),
    ("strategy_measurement_approval_check", "strategy_measurement_approval"),
    ("strategy_link_share_check", "strategy_link_share"),
)

_PG_FUNCTIONS = ("strategy_refuse_change", *(name for name, _table in _CHECKS))


def trigger_names(dialect: str) -> list[str]:
    """Names of every strategy trigger that must exist at head on ``dialect``."""
    names = [name for name, _table in _CHECKS]
    for table in APPEND_ONLY_TABLES:
        names += [f"{table}_no_update", f"{table}_no_delete"]
    if dialect == "postgresql":
        names += [f"{t}_no_truncate" for t in APPEND_ONLY_TABLES]
    return names


def _sqlite_create() -> list[str]:
    statements = [
        f"""CREATE TRIGGER strategy_measurement_check BEFORE INSERT ON strategy_measurement
WHEN NEW.supersedes_id IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, '{_MSG_SLOT}')
    WHERE NOT EXISTS (SELECT 1 FROM strategy_measurement
                      WHERE id = NEW.supersedes_id AND indicator_id = NEW.indicator_id
                        AND year = NEW.year AND category = NEW.category);
END""",
        f"""CREATE TRIGGER strategy_measurement_approval_check
BEFORE INSERT ON strategy_measurement_approval
BEGIN
  SELECT RAISE(ABORT, '{_MSG_AUTHOR}')
    WHERE EXISTS (SELECT 1 FROM strategy_measurement
                  WHERE id = NEW.measurement_id AND recorded_by = NEW.approved_by);
  SELECT RAISE(ABORT, '{_MSG_SUPERSEDED}')
    WHERE EXISTS (SELECT 1 FROM strategy_measurement WHERE supersedes_id = NEW.measurement_id);
END""",
        f"""CREATE TRIGGER strategy_link_share_check BEFORE INSERT ON strategy_link_share
BEGIN
  SELECT RAISE(ABORT, '{_MSG_SHARES}')
    WHERE (SELECT COALESCE(SUM(share_bp), 0) FROM strategy_link_share
           WHERE set_id = NEW.set_id) + NEW.share_bp > 10000;
END""",
    ]
    for table in APPEND_ONLY_TABLES:
        for op in ("update", "delete"):
            statements.append(
                f"""CREATE TRIGGER {table}_no_{op} BEFORE {op.upper()} ON {table}
BEGIN
  SELECT RAISE(ABORT, 'strategy: {table} is append-only');
END"""
            )
    return statements


def _postgresql_create() -> list[str]:
    statements = [
        """CREATE FUNCTION strategy_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'strategy: % is append-only', TG_TABLE_NAME;
END $$""",
        f"""CREATE FUNCTION strategy_measurement_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.supersedes_id IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM strategy_measurement
       WHERE id = NEW.supersedes_id AND indicator_id = NEW.indicator_id
         AND year = NEW.year AND category = NEW.category) THEN
    RAISE EXCEPTION '{_MSG_SLOT}';
  END IF;
  RETURN NEW;
END $$""",
        f"""CREATE FUNCTION strategy_measurement_approval_check() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM strategy_measurement
             WHERE id = NEW.measurement_id AND recorded_by = NEW.approved_by) THEN
    RAISE EXCEPTION '{_MSG_AUTHOR}';
  END IF;
  IF EXISTS (SELECT 1 FROM strategy_measurement WHERE supersedes_id = NEW.measurement_id) THEN
    RAISE EXCEPTION '{_MSG_SUPERSEDED}';
  END IF;
  RETURN NEW;
END $$""",
        f"""CREATE FUNCTION strategy_link_share_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT COALESCE(SUM(share_bp), 0) FROM strategy_link_share
      WHERE set_id = NEW.set_id) + NEW.share_bp > 10000 THEN
    RAISE EXCEPTION '{_MSG_SHARES}';
  END IF;
  RETURN NEW;
END $$""",
    ]
    for name, table in _CHECKS:
        statements.append(
            f"""CREATE TRIGGER {name} BEFORE INSERT ON {table}
FOR EACH ROW EXECUTE FUNCTION {name}()"""
        )
    for table in APPEND_ONLY_TABLES:
        statements += [
            f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
FOR EACH ROW EXECUTE FUNCTION strategy_refuse_change()""",
            f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION strategy_refuse_change()""",
            f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION strategy_refuse_change()""",
        ]
    return statements


def create_statements(dialect: str) -> list[str]:
    """DDL creating every strategy trigger on ``dialect`` ("sqlite" or "postgresql")."""
    if dialect == "sqlite":
        return _sqlite_create()
    if dialect == "postgresql":
        return _postgresql_create()
    raise ValueError(f"unsupported database dialect: {dialect}")


def drop_statements(dialect: str) -> list[str]:
    """DDL dropping every strategy trigger (and, on PostgreSQL, their functions)."""
    tables = dict(_CHECKS)
    statements = []
    for name in trigger_names(dialect):
        table = tables.get(name) or name.rsplit("_no_", 1)[0]
        if dialect == "postgresql":
            statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        else:
            statements.append(f"DROP TRIGGER IF EXISTS {name}")
    if dialect == "postgresql":
        statements += [f"DROP FUNCTION IF EXISTS {fn}()" for fn in _PG_FUNCTIONS]
    return statements
