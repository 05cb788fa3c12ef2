"""Database enforcement of published = frozen, for SQLite and PostgreSQL.

- append-only: UPDATE and DELETE (and TRUNCATE on PostgreSQL) of snapshots, their files,
  approvals and withdrawals are refused;
- an approval needs an approver other than the author and a draft not withdrawn; a
  withdrawal needs a draft not approved; a file cannot join an approved or withdrawn
  snapshot.

Migrations call ``create_statements``/``drop_statements``; SQLite batch migrations
recreate tables and drop their triggers, so such a migration must recreate them."""

from __future__ import annotations

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

_PG_FUNCTIONS = (
    "publication_refuse_change",
    "snapshot_approval_check",
    "snapshot_withdrawal_check",
    "snapshot_file_check",
)


def trigger_names(dialect: str) -> list[str]:
    """Names of every publication trigger that must exist at head on ``dialect``."""
    names = [name for name, _table in _CHECKS]
    for table in APPEND_ONLY_TABLES:
        names += [f"{table}_no_update", f"{table}_no_delete"]
    if dialect == "postgresql":
        names += [f"{t}_no_truncate" for t in APPEND_ONLY_TABLES]
    return names


def _sqlite_create() -> list[str]:
    statements = [
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
    for table in APPEND_ONLY_TABLES:
        for op in ("update", "delete"):
            statements.append(
                f"""CREATE TRIGGER {table}_no_{op} BEFORE {op.upper()} ON {table}
BEGIN
  SELECT RAISE(ABORT, 'publication: {table} is append-only');
END"""
            )
    return statements


def _postgresql_create() -> list[str]:
    statements = [
        """CREATE FUNCTION publication_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'publication: % is append-only', TG_TABLE_NAME;
END $$""",
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
    for name, table in _CHECKS:
        statements.append(
            f"""CREATE TRIGGER {name} BEFORE INSERT ON {table}
FOR EACH ROW EXECUTE FUNCTION {name}()"""
        )
    for table in APPEND_ONLY_TABLES:
        statements += [
            f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
FOR EACH ROW EXECUTE FUNCTION publication_refuse_change()""",
            f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION publication_refuse_change()""",
            f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION publication_refuse_change()""",
        ]
    return statements


def create_statements(dialect: str) -> list[str]:
    """DDL creating every publication trigger on ``dialect`` ("sqlite" or "postgresql")."""
    if dialect == "sqlite":
        return _sqlite_create()
    if dialect == "postgresql":
        return _postgresql_create()
    raise ValueError(f"unsupported database dialect: {dialect}")


def drop_statements(dialect: str) -> list[str]:
    """DDL dropping every publication trigger (and, on PostgreSQL, their functions)."""
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
