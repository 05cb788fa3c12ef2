"""Backing up the database into one file, and restoring such a file.

A backup is a SQLite database file (SQLite's online backup API: one consistent copy
while the server reads and writes in WAL mode) or a ``pg_dump`` custom-format archive
(one snapshot of the database, taken as the schema owner). Either is written to a
temporary file beside its final name and renamed once complete, so a backup under its
final name is always whole. What a backup holds is described by ``Contents``: the
ledger's chain head, the number of journal entries and the schema revision, read from
the same snapshot the backup copies.

A restore goes into the configured database of the same kind (the file's header tells
a SQLite file from a ``pg_dump`` archive; restoring across engines is not offered). The
database must be empty (no tables, or only what migrations put there) unless ``force``;
then SQLite's file is replaced in one rename (after checking that no connection holds
it) and PostgreSQL's tables are dropped and restored in one transaction, after which
the application role gets back exactly the privileges the migrations grant it (none
that would change the ledger's history). The caller then verifies the ledger. A SQLite
backup is checked before it replaces anything (readable, undamaged, its ledger
verifying); a PostgreSQL archive's table of contents is read first, and a restore that
fails part-way is rolled back whole.

PostgreSQL passwords reach ``pg_dump`` and ``pg_restore`` through ``PGPASSWORD`` only,
never on their command line."""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Connection, create_engine, func, inspect, pool, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col

from finance_core.db_roles import grant_application_role
from finance_core.errors import Conflict, DomainError, NotFound, RuleViolation, ValidationFailed
from finance_core.ledger.models import JournalEntry, LedgerChainHead
from finance_core.ledger.verify import verify_ledger
from finance_core.settings import get_settings

#: The first bytes of a SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"
#: The first bytes of a ``pg_dump --format=custom`` archive.
PG_DUMP_HEADER = b"PGDMP"
#: Tables the migrations fill (the standard funds and their accounts, the chain head at
#: genesis, the default allocation, arrears and reserve rules): rows there do not make
#: a database non-empty. (``tests/test_backup.py`` restores into a freshly migrated
#: database: a migration that fills another table must name it here.)
SEEDED_TABLES = frozenset(
    {
        "alembic_version",
        "allocation_policy",
        "arrears_rule",
        "fund",
        "ledger_account",
        "ledger_chain_head",
        "reserve_target_rule",
    }
)
#: Tables every backup of this service holds.
REQUIRED_TABLES = ("alembic_version", "journal_entry", "ledger_chain_head")


class BackupFailed(DomainError):
    """A database tool or the database could not complete a backup or a restore."""


class DatabaseKind(StrEnum):
    """The database engine a URL or a backup file belongs to."""

    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"

    @property
    def label(self) -> str:
        return "SQLite" if self is DatabaseKind.SQLITE else "PostgreSQL"


@dataclass(frozen=True, slots=True)
class Contents:
    """What a database holds, as its backup records it: the ledger's chain head (the
    last sealed entry's sequence number and hash; 0 and the genesis hash when the ledger
    is empty), the number of journal entries, and the schema revision (Alembic's)."""

    head_seq: int
    head_hash: str
    entries: int
    revision: str


@dataclass(frozen=True, slots=True)
class BackupFile:
    """A backup written (or a file restored): where, of which kind, its size in bytes
    and SHA-256 (hex), and what it holds."""

    path: Path
    kind: DatabaseKind
    size: int
    sha256: str
    contents: Contents


@dataclass(frozen=True, slots=True)
class Restored:
    """A restore done: the file restored, whether a database holding data was replaced,
    and the schema revision this version of the service migrates to (a backup at an
    older revision needs ``attfin db upgrade``)."""

    source: BackupFile
    replaced: bool
    code_revision: str


# --- kinds, files and tools ---------------------------------------------------------------


def kind_of_url(url: str) -> DatabaseKind:
    """The kind of database a URL names (ValidationFailed for any other engine)."""
    backend = make_url(url).get_backend_name()
    try:
        return DatabaseKind(backend)
    except ValueError:
        raise ValidationFailed(
            f"the database {backend!r} is neither SQLite nor PostgreSQL"
        ) from None


def kind_of_file(path: Path) -> DatabaseKind:
    """The kind of backup ``path`` is, from its first bytes."""
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise NotFound(f"{path}: no such file") from None
    if head.startswith(SQLITE_HEADER):
        return DatabaseKind.SQLITE
    if head.startswith(PG_DUMP_HEADER):
        return DatabaseKind.POSTGRESQL
    raise ValidationFailed(
        f"{path} is not a backup: neither a SQLite database nor a pg_dump custom archive"
    )


def file_digest(path: Path) -> tuple[int, str]:
    """The size in bytes and SHA-256 (hex) of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return path.stat().st_size, digest.hexdigest()


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise ValidationFailed(f"the SQLite database {database or ':memory:'!r} is not a file")
    return Path(database)


def find_tool(name: str) -> str:
    """Path of a PostgreSQL client program (``pg_dump``, ``pg_restore``): from PATH, else
    the newest under /usr/lib/postgresql/*/bin; NotFound saying how to install it."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> tuple[int, ...]:
        digits = re.findall(r"\d+", Path(path).parent.parent.name)
        return tuple(int(d) for d in digits)

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    if candidates:
        return candidates[-1]
    raise NotFound(
        f"{name} not found on PATH or in /usr/lib/postgresql/*/bin: install the PostgreSQL "
        "client programs (Debian: apt-get install -y postgresql-client)"
    )


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """The database address as the PostgreSQL tools take it (a URI without the
    password), and the environment that carries the password (``PGPASSWORD``)."""
    parsed = make_url(url)
    address = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    env = {"PGPASSWORD": str(parsed.password)} if parsed.password is not None else {}
    return address.render_as_string(hide_password=False), env


def _run_tool(name: str, args: list[str], url: str | None = None) -> str:
    """Run a PostgreSQL client program (never prompting); its output, or BackupFailed
    with its first error line."""
    command = [find_tool(name), "--no-password", *args]
    env = dict(os.environ)
    if url is not None:
        address, secret = libpq_target(url)
        command.append(f"--dbname={address}")
        env.update(secret)
    done = subprocess.run(
        command, capture_output=True, text=True, errors="replace", env=env, check=False
    )
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        first = next((line for line in lines if "error" in line.lower()), None)
        status = (
            f"killed by signal {-done.returncode}"
            if done.returncode < 0
            else f"exit status {done.returncode}"
        )
        reason = first or (lines[0] if lines else status)
        reason = reason.removeprefix(f"{name}: ").removeprefix("error: ")
        raise BackupFailed(f"{name} failed: {reason}")
    return done.stdout


# --- staging: a temporary file beside the final name -------------------------------------


@contextmanager
def _staged(target: Path) -> Iterator[Path]:
    """A new temporary file (mode 0600) in ``target``'s folder, removed unless the block
    moved it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    staged = Path(name)
    try:
        yield staged
    finally:
        with suppress(FileNotFoundError):
            staged.unlink()


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _put_in_place(staged: Path, target: Path, *, replace: bool) -> None:
    """Move the finished ``staged`` file to ``target`` in one step, durably; unless
    ``replace``, never over an existing file (Conflict)."""
    _sync(staged)
    if replace:
        os.replace(staged, target)
    else:
        try:
            os.link(staged, target)  # fails if target exists, unlike a rename
        except FileExistsError:
            raise Conflict(f"{target} already exists: pass --force to overwrite it") from None
        staged.unlink()
    _sync(target.parent)


# --- what a database holds -----------------------------------------------------------------


def _contents(conn: Connection) -> Contents:
    """Chain head, entry count and revision, as ``conn``'s snapshot sees them."""
    head = conn.execute(
        select(col(LedgerChainHead.seq), col(LedgerChainHead.entry_hash)).where(
            col(LedgerChainHead.id) == 1
        )
    ).first()
    entries = conn.execute(select(func.count()).select_from(JournalEntry)).scalar_one()
    revisions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
    return Contents(
        head_seq=int(head[0]) if head else 0,
        head_hash=str(head[1]) if head else "",
        entries=int(entries),
        revision=",".join(sorted(str(r) for r in revisions)) or "none",
    )


def _holding_data(conn: Connection) -> str | None:
    """The first table (by name) holding rows the migrations did not put there, or None
    when the database is empty."""
    for table in sorted(inspect(conn).get_table_names()):
        if table in SEEDED_TABLES:
            continue
        quoted = conn.dialect.identifier_preparer.quote(table)
        if conn.execute(text(f"SELECT 1 FROM {quoted} LIMIT 1")).first() is not None:
            return table
    return None


def _require_empty(conn: Connection, force: bool) -> bool:
    """Whether the database holds data; Conflict if it does and not ``force``."""
    table = _holding_data(conn)
    if table is not None and not force:
        raise Conflict(
            f"the configured database is not empty (table {table} holds data): restore "
            "into an empty database, or pass --force to replace it"
        )
    return table is not None


def _require_service_tables(conn: Connection, name: str) -> None:
    missing = set(REQUIRED_TABLES) - set(inspect(conn).get_table_names())
    if missing:
        raise ValidationFailed(
            f"{name} is not a backup of this service (no {', '.join(sorted(missing))} table)"
        )


def code_revision() -> str:
    """The schema revision this version of the service migrates to."""
    from alembic.script import ScriptDirectory

    from finance_core.migrate import alembic_config

    return ",".join(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


# --- backup ----------------------------------------------------------------------------------


def backup_database(
    *, app_url: str, owner_url: str, target: Path, force: bool = False
) -> BackupFile:
    """Back up the database into ``target`` (Conflict if it exists, unless ``force``):
    SQLite's file named by ``app_url``, or PostgreSQL through ``pg_dump`` as the schema
    owner (``owner_url``)."""
    kind = kind_of_url(app_url)
    if target.exists() and not force:
        raise Conflict(f"{target} already exists: pass --force to overwrite it")
    if target.is_dir():
        raise ValidationFailed(f"{target} is a folder, not a file")
    with _staged(target) as staged:
        if kind is DatabaseKind.SQLITE:
            contents = _sqlite_backup(_sqlite_path(app_url), staged)
        else:
            contents = _pg_backup(owner_url, staged)
        _put_in_place(staged, target, replace=force)
    size, sha256 = file_digest(target)
    return BackupFile(target, kind, size, sha256, contents)


def _sqlite_connect(path: Path) -> sqlite3.Connection:
    """A connection to an existing SQLite file (never creating one)."""
    if not path.is_file():
        raise NotFound(f"the SQLite database {path} does not exist")
    timeout = get_settings().sqlite_busy_timeout_ms / 1000
    return sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=timeout)


@contextmanager
def _reading(path: Path) -> Iterator[Session]:
    """A session on a SQLite file for reading (without the service's WAL setting)."""
    engine = create_engine(f"sqlite:///{path}", poolclass=pool.NullPool)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _sqlite_backup(source: Path, staged: Path) -> Contents:
    """Copy ``source`` into ``staged`` in one step of the online backup API (one read
    transaction, so one consistent state however the server writes meanwhile), as a
    self-contained file (rollback journal, not WAL)."""
    try:
        src = _sqlite_connect(source)
        try:
            dst = sqlite3.connect(staged)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise BackupFailed(f"SQLite backup of {source} failed: {exc}") from None
    with _reading(staged) as session:
        conn = session.connection()
        _require_service_tables(conn, str(source))
        return _contents(conn)


def _pg_backup(owner_url: str, staged: Path) -> Contents:
    """``pg_dump --format=custom`` into ``staged``, of the snapshot from which the
    contents are read (exported by a repeatable-read transaction held open meanwhile)."""
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                conn.execute(text("SET TRANSACTION READ ONLY"))
                snapshot = str(conn.execute(text("SELECT pg_export_snapshot()")).scalar_one())
                _require_service_tables(conn, "the configured database")
                contents = _contents(conn)
                _run_tool(
                    "pg_dump",
                    ["--format=custom", f"--file={staged}", f"--snapshot={snapshot}"],
                    owner_url,
                )
    finally:
        engine.dispose()
    return contents


# --- restore ---------------------------------------------------------------------------------


def restore_database(
    *, app_url: str, owner_url: str, source: Path, force: bool = False
) -> Restored:
    """Restore the backup ``source`` into the configured database (of the same kind;
    empty unless ``force``). The caller verifies the ledger afterwards."""
    kind = kind_of_url(app_url)
    file_kind = kind_of_file(source)
    if file_kind is not kind:
        raise ValidationFailed(
            f"{source} is a {file_kind.label} backup but the configured database is "
            f"{kind.label}: restoring across engines is not offered"
        )
    size, sha256 = file_digest(source)
    if kind is DatabaseKind.SQLITE:
        contents, replaced = _sqlite_restore(source, _sqlite_path(app_url), force)
    else:
        contents, replaced = _pg_restore(source, app_url, owner_url, force)
    return Restored(BackupFile(source, kind, size, sha256, contents), replaced, code_revision())


def _sqlite_stage(source: Path, staged: Path) -> Contents:
    """Copy the backup into ``staged`` and check it: a readable, undamaged database of
    this service whose ledger verifies (else nothing is restored)."""
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(staged)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
                damage = [str(r[0]) for r in dst.execute("PRAGMA integrity_check(1)")]
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise ValidationFailed(f"{source} is not a readable SQLite database: {exc}") from None
    if damage != ["ok"]:
        raise ValidationFailed(f"{source} is damaged: {damage[0]}")
    with _reading(staged) as session:
        _require_service_tables(session.connection(), str(source))
        contents = _contents(session.connection())
        report = verify_ledger(session, max_problems=1)
    if not report.ok:
        first = report.problems[0]
        raise RuleViolation(
            f"{source}: the ledger fails verification at entry {first.seq} "
            f"({first.message}); nothing was restored"
        )
    return contents


def _release(target: Path) -> None:
    """Make sure no connection holds ``target`` and fold its write-ahead log into it (so
    that no log of the old database is left beside the new one)."""
    try:
        conn = sqlite3.connect(f"file:{target}?mode=rw", uri=True, timeout=5)
        try:
            mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise Conflict(
                f"the database {target} is in use: stop the server before restoring"
            ) from None
        mode = None
    except sqlite3.DatabaseError:  # damaged: replaced, and its logs with it
        mode = None
    if mode is None or str(mode[0]).lower() != "delete":
        for suffix in ("-wal", "-shm", "-journal"):
            with suppress(FileNotFoundError):
                Path(f"{target}{suffix}").unlink()


def _sqlite_restore(source: Path, target: Path, force: bool) -> tuple[Contents, bool]:
    replaced = False
    if target.exists() and target.stat().st_size > 0:
        try:
            with _reading(target) as session:
                replaced = _require_empty(session.connection(), force)
        except SQLAlchemyError as exc:
            if not force:
                reason = getattr(exc, "orig", None) or exc
                raise Conflict(
                    f"the configured database {target} cannot be read ({reason}): "
                    "pass --force to replace it"
                ) from None
            replaced = True
    with _staged(target) as staged:
        contents = _sqlite_stage(source, staged)
        if target.exists():
            os.chmod(staged, stat.S_IMODE(target.stat().st_mode))
            _release(target)
        _put_in_place(staged, target, replace=True)
    return contents, replaced


def _pg_restore(source: Path, app_url: str, owner_url: str, force: bool) -> tuple[Contents, bool]:
    """``pg_restore`` in one transaction (a failure leaves the database as it was), as
    the schema owner, without the archive's owners and grants; then the application
    role's privileges as the migrations grant them."""
    listing = _run_tool("pg_restore", ["--list", str(source)])
    for table in REQUIRED_TABLES:
        if not re.search(rf"\bTABLE \S+ {table}\b", listing):
            raise ValidationFailed(f"{source} is not a backup of this service (no {table} table)")
    engine = create_engine(owner_url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            replaced = _require_empty(conn, force)
        _run_tool(
            "pg_restore",
            [
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                str(source),
            ],
            owner_url,
        )
        owner, app = make_url(owner_url), make_url(app_url)
        if app.username and app.username != owner.username:
            grant_application_role(owner_url, app.username)
        with engine.connect() as conn:
            contents = _contents(conn)
    finally:
        engine.dispose()
    return contents, replaced
