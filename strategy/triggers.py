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

from finance_core.append_only import TriggerSet

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


def _sqlite_checks() -> list[str]:
    return [
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


def _pg_check_functions() -> list[str]:
    return [
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


TRIGGERS = TriggerSet(
    prefix="strategy",
    append_only=APPEND_ONLY_TABLES,
    checks=_CHECKS,
    sqlite_checks=_sqlite_checks,
    pg_check_functions=_pg_check_functions,
)
trigger_names = TRIGGERS.trigger_names
create_statements = TRIGGERS.create_statements
drop_statements = TRIGGERS.drop_statements
