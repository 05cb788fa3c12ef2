"""Database enforcement of the ledger's guarantees, for SQLite and PostgreSQL.

- append-only: UPDATE and DELETE (and TRUNCATE on PostgreSQL) of entries, postings,
  closed periods and audit events are refused;
- a posting cannot join an entry already sealed, must carry its account's fund, and may
  not be dated in a closed period of that fund;
- sealing (inserting the entry row after its postings) requires at least two postings
  that sum to zero within each fund, carrying the entry's dates, and the entry must
  extend the hash chain (``seq = head.seq + 1``, ``prev_hash = head.entry_hash``); the
  chain head then follows the entry, and nothing else may move it.

Migrations call ``create_statements``/``drop_statements``; SQLite batch migrations
recreate tables and drop their triggers, so such a migration must recreate them."""

from __future__ import annotations

#: Tables whose rows are never changed or deleted.
APPEND_ONLY_TABLES = ("journal_entry", "ledger_posting", "ledger_closed_period", "audit_event")

_MSG_SEALED = "ledger: postings cannot be added to a sealed entry"
_MSG_FUND = "ledger: a posting must carry the fund of its account"
_MSG_CLOSED = "ledger: the period is closed for this fund"
_MSG_TWO = "ledger: an entry needs at least two postings"
_MSG_BALANCE = "ledger: the entry does not balance within each fund"
_MSG_DATES = "ledger: postings must carry the dates of their entry"
_MSG_CHAIN = "ledger: the entry does not extend the hash chain"
_MSG_HEAD = "ledger: the chain head only follows sealed entries"


def trigger_names(dialect: str) -> list[str]:
    """Names of every trigger that must exist at head on ``dialect``."""
    names = ["ledger_posting_check", "journal_entry_seal", "journal_entry_advance_head"]
    names += ["ledger_chain_head_guard", "ledger_chain_head_no_delete"]
    for table in APPEND_ONLY_TABLES:
        names += [f"{table}_no_update", f"{table}_no_delete"]
    if dialect == "postgresql":
        names += [f"{t}_no_truncate" for t in (*APPEND_ONLY_TABLES, "ledger_chain_head")]
    return names


def _sqlite_create() -> list[str]:
    statements = [
        f"""CREATE TRIGGER ledger_posting_check BEFORE INSERT ON ledger_posting
BEGIN
  SELECT RAISE(ABORT, '{_MSG_SEALED}')
    WHERE EXISTS (SELECT 1 FROM journal_entry WHERE seq = NEW.entry_seq);
  SELECT RAISE(ABORT, '{_MSG_FUND}')
    WHERE NOT EXISTS (SELECT 1 FROM ledger_account
                      WHERE id = NEW.account_id AND fund_code = NEW.fund_code);
  SELECT RAISE(ABORT, '{_MSG_CLOSED}')
    WHERE EXISTS (SELECT 1 FROM ledger_closed_period
                  WHERE fund_code = NEW.fund_code
                    AND year = CAST(strftime('%Y', NEW.value_on) AS INTEGER));
END""",
        f"""CREATE TRIGGER journal_entry_seal BEFORE INSERT ON journal_entry
BEGIN
  SELECT RAISE(ABORT, '{_MSG_TWO}')
    WHERE (SELECT COUNT(*) FROM ledger_posting WHERE entry_seq = NEW.seq) < 2;
  SELECT RAISE(ABORT, '{_MSG_BALANCE}')
    WHERE EXISTS (SELECT fund_code FROM ledger_posting WHERE entry_seq = NEW.seq
                  GROUP BY fund_code HAVING SUM(amount_minor) <> 0);
  SELECT RAISE(ABORT, '{_MSG_DATES}')
    WHERE EXISTS (SELECT 1 FROM ledger_posting WHERE entry_seq = NEW.seq
                  AND (value_on <> NEW.value_on OR recorded_at <> NEW.recorded_at));
  SELECT RAISE(ABORT, '{_MSG_CHAIN}')
    WHERE NOT EXISTS (SELECT 1 FROM ledger_chain_head
                      WHERE id = 1 AND seq + 1 = NEW.seq AND entry_hash = NEW.prev_hash);
END""",
        """CREATE TRIGGER journal_entry_advance_head AFTER INSERT ON journal_entry
BEGIN
  UPDATE ledger_chain_head SET seq = NEW.seq, entry_hash = NEW.entry_hash WHERE id = 1;
END""",
        f"""CREATE TRIGGER ledger_chain_head_guard BEFORE UPDATE ON ledger_chain_head
BEGIN
  SELECT RAISE(ABORT, '{_MSG_HEAD}')
    WHERE NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1
       OR NOT EXISTS (SELECT 1 FROM journal_entry
                      WHERE seq = NEW.seq AND entry_hash = NEW.entry_hash);
END""",
        """CREATE TRIGGER ledger_chain_head_no_delete BEFORE DELETE ON ledger_chain_head
BEGIN
  SELECT RAISE(ABORT, 'ledger: the chain head cannot be deleted');
END""",
    ]
    for table in APPEND_ONLY_TABLES:
        for op in ("update", "delete"):
            statements.append(
                f"""CREATE TRIGGER {table}_no_{op} BEFORE {op.upper()} ON {table}
BEGIN
  SELECT RAISE(ABORT, 'ledger: {table} is append-only');
END"""
            )
    return statements


def _postgresql_create() -> list[str]:
    statements = [
        """CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger: % is append-only', TG_TABLE_NAME;
END $$""",
        f"""CREATE FUNCTION ledger_posting_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM journal_entry WHERE seq = NEW.entry_seq) THEN
    RAISE EXCEPTION '{_MSG_SEALED}';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM ledger_account
                 WHERE id = NEW.account_id AND fund_code = NEW.fund_code) THEN
    RAISE EXCEPTION '{_MSG_FUND}';
  END IF;
  IF EXISTS (SELECT 1 FROM ledger_closed_period
             WHERE fund_code = NEW.fund_code
               AND year = EXTRACT(YEAR FROM NEW.value_on)::int) THEN
    RAISE EXCEPTION '{_MSG_CLOSED}';
  END IF;
  RETURN NEW;
END $$""",
        f"""CREATE FUNCTION journal_entry_seal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT COUNT(*) FROM ledger_posting WHERE entry_seq = NEW.seq) < 2 THEN
    RAISE EXCEPTION '{_MSG_TWO}';
  END IF;
  IF EXISTS (SELECT fund_code FROM ledger_posting WHERE entry_seq = NEW.seq
             GROUP BY fund_code HAVING SUM(amount_minor) <> 0) THEN
    RAISE EXCEPTION '{_MSG_BALANCE}';
  END IF;
  IF EXISTS (SELECT 1 FROM ledger_posting WHERE entry_seq = NEW.seq
             AND (value_on <> NEW.value_on OR recorded_at <> NEW.recorded_at)) THEN
    RAISE EXCEPTION '{_MSG_DATES}';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM ledger_chain_head
                 WHERE id = 1 AND seq + 1 = NEW.seq AND entry_hash = NEW.prev_hash) THEN
    RAISE EXCEPTION '{_MSG_CHAIN}';
  END IF;
  RETURN NEW;
END $$""",
        """CREATE FUNCTION journal_entry_advance_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ledger_chain_head SET seq = NEW.seq, entry_hash = NEW.entry_hash WHERE id = 1;
  RETURN NULL;
END $$""",
        f"""CREATE FUNCTION ledger_chain_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1
     OR NOT EXISTS (SELECT 1 FROM journal_entry
                    WHERE seq = NEW.seq AND entry_hash = NEW.entry_hash) THEN
    RAISE EXCEPTION '{_MSG_HEAD}';
  END IF;
  RETURN NEW;
END $$""",
        """CREATE TRIGGER ledger_posting_check BEFORE INSERT ON ledger_posting
FOR EACH ROW EXECUTE FUNCTION ledger_posting_check()""",
        """CREATE TRIGGER journal_entry_seal BEFORE INSERT ON journal_entry
FOR EACH ROW EXECUTE FUNCTION journal_entry_seal()""",
        """CREATE TRIGGER journal_entry_advance_head AFTER INSERT ON journal_entry
FOR EACH ROW EXECUTE FUNCTION journal_entry_advance_head()""",
        """CREATE TRIGGER ledger_chain_head_guard BEFORE UPDATE ON ledger_chain_head
FOR EACH ROW EXECUTE FUNCTION ledger_chain_head_guard()""",
        """CREATE TRIGGER ledger_chain_head_no_delete BEFORE DELETE ON ledger_chain_head
FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
        """CREATE TRIGGER ledger_chain_head_no_truncate BEFORE TRUNCATE ON ledger_chain_head
FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()""",
    ]
    for table in APPEND_ONLY_TABLES:
        statements += [
            f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
            f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
            f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()""",
        ]
    return statements


_TABLE_OF = {
    "ledger_posting_check": "ledger_posting",
    "journal_entry_seal": "journal_entry",
    "journal_entry_advance_head": "journal_entry",
    "ledger_chain_head_guard": "ledger_chain_head",
    "ledger_chain_head_no_delete": "ledger_chain_head",
    "ledger_chain_head_no_truncate": "ledger_chain_head",
}

_PG_FUNCTIONS = (
    "ledger_refuse_change",
    "ledger_posting_check",
    "journal_entry_seal",
    "journal_entry_advance_head",
    "ledger_chain_head_guard",
)


def create_statements(dialect: str) -> list[str]:
    """DDL creating every ledger trigger on ``dialect`` ("sqlite" or "postgresql")."""
    if dialect == "sqlite":
        return _sqlite_create()
    if dialect == "postgresql":
        return _postgresql_create()
    raise ValueError(f"unsupported database dialect: {dialect}")


def drop_statements(dialect: str) -> list[str]:
    """DDL dropping every ledger trigger (and, on PostgreSQL, their functions)."""
    statements = []
    for name in trigger_names(dialect):
        table = _TABLE_OF.get(name) or name.rsplit("_no_", 1)[0]
        if dialect == "postgresql":
            statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        else:
            statements.append(f"DROP TRIGGER IF EXISTS {name}")
    if dialect == "postgresql":
        statements += [f"DROP FUNCTION IF EXISTS {fn}()" for fn in _PG_FUNCTIONS]
    return statements
