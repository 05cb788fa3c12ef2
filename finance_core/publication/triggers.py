"""Database enforcement of published = frozen, for SQLite and PostgreSQL.

- append-only: UPDATE and DELETE (and TRUNCATE on PostgreSQL) of snapshots, their files,
  approvals and withdrawals are refused;
- an approval needs an approver other than the author and a draft not withdrawn; a
  withdrawal needs a draft not approved; a file cannot join an approved or withdrawn
  snapshot.

Migrations call ``create_statements``/``drop_statements``; SQLite batch migrations
recreate tables and drop their triggers, so such a migration must recreate them."""

from __future__ import annotations

from finance_core.append_only import TriggerSet

#: Tables whose rows are never changed or deleted.
APPEND_ONLY_TABLES = ("snapshot", "snapshot_file", "snapshot_approval", "snapshot_withdrawal")

_MSG_AUTHOR = "publication: the approver must not be the author of the snapshot"
_MSG_WITHDRAWN = "publication: the snapshot was withdrawn"
_MSG_APPROVED = "publication: the snapshot is already approved"
_MSG_FROZEN = "publication: files cannot be added to an approved or withdrawn snapshot"

#: Checking triggers (name, table).
_CHECKS = (
    ("snapshot_approval_check", "snapshot_approval"),
    ("snapshot_withdrawal_check", "snapshot_withdrawal"),
    ("snapshot_file_check", "snapshot_file"),
)


def _sqlite_checks() -> list[str]:
    return [
        f"""CREATE TRIGGER snapshot_approval_check BEFORE INSERT ON snapshot_approval
BEGIN
  SELECT RAISE(ABORT, '{_MSG_AUTHOR}')
    WHERE EXISTS (SELECT 1 FROM snapshot WHERE id = NEW.snapshot_id AND author = NEW.approver);
  SELECT RAISE(ABORT, '{_MSG_WITHDRAWN}')
    WHERE EXISTS (SELECT 1 FROM snapshot_withdrawal WHERE snapshot_id = NEW.snapshot_id);
END""",
        f"""CREATE TRIGGER snapshot_withdrawal_check BEFORE INSERT ON snapshot_withdrawal
BEGIN
  SELECT RAISE(ABORT, '{_MSG_APPROVED}')
    WHERE EXISTS (SELECT 1 FROM snapshot_approval WHERE snapshot_id = NEW.snapshot_id);
END""",
        f"""CREATE TRIGGER snapshot_file_check BEFORE INSERT ON snapshot_file
BEGIN
  SELECT RAISE(ABORT, '{_MSG_FROZEN}')
    WHERE EXISTS (SELECT 1 FROM snapshot_approval WHERE snapshot_id = NEW.snapshot_id)
       OR EXISTS (SELECT 1 FROM snapshot_withdrawal WHERE snapshot_id = NEW.snapshot_id);
END""",
    ]


def _pg_check_functions() -> list[str]:
    return [
        f"""CREATE FUNCTION snapshot_approval_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM snapshot WHERE id = NEW.snapshot_id AND author = NEW.approver) THEN
    RAISE EXCEPTION '{_MSG_AUTHOR}';
  END IF;
  IF EXISTS (SELECT 1 FROM snapshot_withdrawal WHERE snapshot_id = NEW.snapshot_id) THEN
    RAISE EXCEPTION '{_MSG_WITHDRAWN}';
  END IF;
  RETURN NEW;
END $$""",
        f"""CREATE FUNCTION snapshot_withdrawal_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM snapshot_approval WHERE snapshot_id = NEW.snapshot_id) THEN
    RAISE EXCEPTION '{_MSG_APPROVED}';
  END IF;
  RETURN NEW;
END $$""",
        f"""CREATE FUNCTION snapshot_file_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM snapshot_approval WHERE snapshot_id = NEW.snapshot_id)
     OR EXISTS (SELECT 1 FROM snapshot_withdrawal WHERE snapshot_id = NEW.snapshot_id) THEN
    RAISE EXCEPTION '{_MSG_FROZEN}';
  END IF;
  RETURN NEW;
END $$""",
    ]


TRIGGERS = TriggerSet(
    prefix="publication",
    append_only=APPEND_ONLY_TABLES,
    checks=_CHECKS,
    sqlite_checks=_sqlite_checks,
    pg_check_functions=_pg_check_functions,
)
trigger_names = TRIGGERS.trigger_names
create_statements = TRIGGERS.create_statements
drop_statements = TRIGGERS.drop_statements
