"""Database triggers of a part of the schema whose history is append-only, for SQLite
and PostgreSQL: UPDATE and DELETE (and TRUNCATE on PostgreSQL) of its tables are
refused, beside the part's own checks on INSERT (one trigger each, and on PostgreSQL
one function each, of the same name).

A part declares a ``TriggerSet``; its migrations call ``create_statements`` and
``drop_statements``, and tests check ``trigger_names`` exist at head (SQLite batch
migrations recreate tables and drop their triggers, so such a migration must recreate
them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TriggerSet:
    """``prefix`` names the part in error messages and its PostgreSQL refusal function
    (``<prefix>_refuse_change``); ``append_only`` lists its tables; ``checks`` its
    checking triggers as (name, table); ``sqlite_checks`` gives their SQLite CREATE
    TRIGGER statements and ``pg_check_functions`` their PostgreSQL CREATE FUNCTION
    statements (the triggers calling them are made here)."""

    prefix: str
    append_only: tuple[str, ...]
    checks: tuple[tuple[str, str], ...]
    sqlite_checks: Callable[[], list[str]]
    pg_check_functions: Callable[[], list[str]]

    @property
    def _refuse(self) -> str:
        return f"{self.prefix}_refuse_change"

    def trigger_names(self, dialect: str) -> list[str]:
        """Names of every trigger of the set that must exist at head on ``dialect``."""
        names = [name for name, _table in self.checks]
        for table in self.append_only:
            names += [f"{table}_no_update", f"{table}_no_delete"]
        if dialect == "postgresql":
            names += [f"{t}_no_truncate" for t in self.append_only]
        return names

    def _sqlite_create(self) -> list[str]:
        statements = self.sqlite_checks()
        for table in self.append_only:
            for op in ("update", "delete"):
                statements.append(
                    f"""CREATE TRIGGER {table}_no_{op} BEFORE {op.upper()} ON {table}
BEGIN
  SELECT RAISE(ABORT, '{self.prefix}: {table} is append-only');
END"""
                )
        return statements

    def _postgresql_create(self) -> list[str]:
        statements = [
            f"""CREATE FUNCTION {self._refuse}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{self.prefix}: % is append-only', TG_TABLE_NAME;
END $$""",
            *self.pg_check_functions(),
        ]
        for name, table in self.checks:
            statements.append(
                f"""CREATE TRIGGER {name} BEFORE INSERT ON {table}
FOR EACH ROW EXECUTE FUNCTION {name}()"""
            )
        for table in self.append_only:
            statements += [
                f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
FOR EACH ROW EXECUTE FUNCTION {self._refuse}()""",
                f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION {self._refuse}()""",
                f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION {self._refuse}()""",
            ]
        return statements

    def create_statements(self, dialect: str) -> list[str]:
        """DDL creating every trigger of the set on ``dialect`` ("sqlite" or "postgresql")."""
        if dialect == "sqlite":
            return self._sqlite_create()
        if dialect == "postgresql":
            return self._postgresql_create()
        raise ValueError(f"unsupported database dialect: {dialect}")

    def drop_statements(self, dialect: str) -> list[str]:
        """DDL dropping every trigger of the set (and, on PostgreSQL, its functions)."""
        tables = dict(self.checks)
        statements = []
        for name in self.trigger_names(dialect):
            table = tables.get(name) or name.rsplit("_no_", 1)[0]
            if dialect == "postgresql":
                statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            else:
                statements.append(f"DROP TRIGGER IF EXISTS {name}")
        if dialect == "postgresql":
            functions = [self._refuse, *(name for name, _table in self.checks)]
            statements += [f"DROP FUNCTION IF EXISTS {fn}()" for fn in functions]
        return statements
