"""``attfin backup`` and ``attfin restore`` on SQLite and PostgreSQL, through the command
line: a backup restored into a new empty database verifies, holds every published
snapshot byte for byte, gives every report the same canonical data at the same
``(as_at, known_at)``, keeps the database's refusal to change history (triggers, and on
PostgreSQL the application role's privileges), and takes new entries. A SQLite backup
taken while another thread writes is consistent. What is refused is refused with one
line: an existing file, a database holding data, a backup of the other engine, a
missing, foreign, damaged or tampered file. The round trip of the whole demo data set
(slower) runs under ``make crash``."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, pool, select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel, col

from finance_core.actor import Actor
from finance_core.assessments import service as assessments
from finance_core.backup import find_tool, libpq_target
from finance_core.budgets.service import find_budget
from finance_core.db import create_db_engine
from finance_core.db_types import utcnow
from finance_core.errors import NotFound
from finance_core.ledger.service import PostingSpec, post_entry
from finance_core.ledger.triggers import APPEND_ONLY_TABLES as LEDGER_TABLES
from finance_core.ledger.triggers import trigger_names
from finance_core.publication import service as publication
from finance_core.publication.models import Snapshot
from finance_core.publication.schemas import FileIn
from finance_core.publication.triggers import APPEND_ONLY_TABLES as SNAPSHOT_TABLES
from finance_core.states.models import State
from reports.catalog import NAMES
from strategy.service import approve_measurement
from tests.cli_helpers import attfin
from tests.conftest import Database, _unavailable
from tests.fixtures_demo import DemoCopy
from tests.fixtures_finance import pay
from tests.pg import APP, OWNER, PgCluster
from tests.test_strategy import CHECKER, adopt, build_plan, measure
from tests.test_strategy_costs import link, make_budgets

_counter = itertools.count(1)
#: Tests of one engine only (pg_dump reads one snapshot whatever the server does, and
#: pg_restore runs in one transaction; SQLite's copy and its file need checks of their own).
ON_SQLITE = pytest.mark.parametrize("db", ["sqlite"], indirect=True)
ON_POSTGRESQL = pytest.mark.parametrize("db", ["postgresql"], indirect=True)


# --- running the commands ------------------------------------------------------------------


def run(
    database: Database, monkeypatch: pytest.MonkeyPatch, *args: str
) -> subprocess.CompletedProcess[str]:
    """``attfin ARGS`` on ``database``, the schema owner's URL set as in production."""
    monkeypatch.setenv("ATTFIN_MIGRATION_DATABASE_URL", database.owner_url)
    return attfin(database, *args)


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def refused(done: subprocess.CompletedProcess[str]) -> str:
    """The one-line reason of a command that failed."""
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1 and lines[0].startswith("error: "), (
        done.stdout,
        done.stderr,
    )
    return lines[0]


def facts(stdout: str) -> dict[str, str]:
    """The ``name: value`` lines a backup or a restore prints."""
    return dict(line.split(": ", 1) for line in stdout.splitlines() if ": " in line)


@contextmanager
def empty_database(
    dialect: str, pg_cluster: PgCluster | Exception | None, folder: Path
) -> Iterator[Database]:
    """A database with no tables at all: a file not yet made; a new PostgreSQL database."""
    if dialect == "sqlite":
        url = f"sqlite:///{folder / f'restored-{next(_counter)}.sqlite3'}"
        yield Database("sqlite", url, url, url)
        return
    if not isinstance(pg_cluster, PgCluster):
        _unavailable(str(pg_cluster))
        return
    name = f"attfin_restored_{os.getpid()}_{next(_counter)}"
    pg_cluster.create_database(name)
    try:
        yield Database(
            "postgresql",
            pg_cluster.url(APP, name),
            pg_cluster.url(OWNER, name),
            pg_cluster.url("postgres", name),
        )
    finally:
        pg_cluster.drop_database(name)


@pytest.fixture
def target(db: Database, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database of ``db``'s kind to restore into."""
    cluster = request.getfixturevalue("pg_cluster") if db.dialect == "postgresql" else None
    with empty_database(db.dialect, cluster, tmp_path) as database:
        yield database


@contextmanager
def connected(url: str) -> Iterator[Engine]:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        yield engine
    finally:
        engine.dispose()


# --- what must survive the round trip ------------------------------------------------------


def snapshot_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the snapshot tables (files with their bytes), in key order."""
    with connected(url) as engine, engine.connect() as conn:
        found = {}
        for name in SNAPSHOT_TABLES:
            table = SQLModel.metadata.tables[name]
            rows = conn.execute(select(table).order_by(*table.primary_key.columns))
            found[name] = [tuple(r) for r in rows]
        return found


def triggers(url: str) -> set[tuple[str, str]]:
    """(trigger, table) of every trigger of the database."""
    with connected(url) as engine, engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            query = "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"
        else:
            query = "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal"
        return {(str(a), str(b)) for a, b in conn.execute(text(query))}


def app_privileges(url: str) -> set[tuple[str, str]]:
    """(table, privilege) the application role holds (PostgreSQL)."""
    with connected(url) as engine, engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT table_name, privilege_type FROM information_schema.role_table_grants "
                "WHERE grantee = :role"
            ),
            {"role": APP},
        )
        return {(str(a), str(b)) for a, b in rows}


def refusal(url: str, statement: str) -> str:
    """The database's refusal of ``statement`` (which must fail)."""
    with connected(url) as engine, pytest.raises(DBAPIError) as caught, engine.begin() as conn:
        conn.execute(text(statement))
    return str(caught.value.orig)


def report_data(
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    *,
    as_at: date,
    known_at: datetime,
) -> dict[str, bytes]:
    """Every report of the catalogue as canonical JSON (``attfin report --format json``)."""
    folder.mkdir(parents=True, exist_ok=True)
    found = {}
    for name in NAMES:
        out = folder / f"{name}.json"
        at = ("--as-at", as_at.isoformat(), "--known-at", known_at.isoformat())
        ok(run(database, monkeypatch, "report", name, *at, "--format", "json", "--out", str(out)))
        found[name] = out.read_bytes()
    return found


def check_round_trip(
    original: Database,
    restored: Database,
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    *,
    cutoffs: list[tuple[date, datetime]],
) -> None:
    """Back up ``original``, restore it into the empty ``restored``, compare them."""
    backup = folder / "attfin.backup"
    made = facts(ok(run(original, monkeypatch, "backup", str(backup))))
    assert made["size"] == f"{backup.stat().st_size} bytes"
    back = facts(ok(run(restored, monkeypatch, "restore", str(backup))))
    assert {k: back[k] for k in ("sha256", "chain head", "entries", "schema revision")} == {
        k: made[k] for k in ("sha256", "chain head", "entries", "schema revision")
    }
    verified = ok(run(restored, monkeypatch, "ledger", "verify"))
    assert verified.startswith(f"ledger ok: {made['entries']} entries")
    assert int(made["entries"]) > 0

    # published snapshots: every row, every file's bytes, every content hash
    before = snapshot_rows(original.owner_url)
    assert before["snapshot_approval"], "the data set publishes snapshots"
    assert snapshot_rows(restored.owner_url) == before
    engine = create_db_engine(restored.url)
    try:
        with Session(engine) as s:
            ids = s.execute(select(col(Snapshot.id))).scalars().all()
            assert all(publication.verify(s, sid).ok for sid in ids)
    finally:
        engine.dispose()

    # every report's canonical data at the same cutoffs
    for i, (as_at, known_at) in enumerate(cutoffs):
        mine, theirs = (
            report_data(
                d, monkeypatch, folder / f"{d.dialect}-{i}-{n}", as_at=as_at, known_at=known_at
            )
            for n, d in enumerate((original, restored))
        )
        for name in NAMES:
            assert theirs[name] == mine[name], (name, as_at, known_at)
            tables = json.loads(mine[name])["tables"].values()
            assert any(t["rows"] for t in tables), f"{name} reports nothing to compare"

    # history still cannot be changed, by the owner (triggers) nor on PostgreSQL by the
    # application role (privileges as the migrations grant them)
    assert triggers(restored.owner_url) == triggers(original.owner_url)
    assert {name for name, _ in triggers(restored.owner_url)} >= set(
        trigger_names(restored.dialect)
    )
    assert "append-only" in refusal(
        restored.owner_url, "UPDATE journal_entry SET description = 'x'"
    )
    assert "append-only" in refusal(restored.owner_url, "DELETE FROM snapshot_file")
    if restored.dialect == "postgresql":
        assert app_privileges(restored.url) == app_privileges(original.url)
        held = app_privileges(restored.url)
        for table in (*LEDGER_TABLES, *SNAPSHOT_TABLES):
            assert {(table, "SELECT"), (table, "INSERT")} <= held
            assert not {(table, p) for p in ("UPDATE", "DELETE", "TRUNCATE")} & held
            column = next(iter(SQLModel.metadata.tables[table].columns)).name
            for statement in (
                f"UPDATE {table} SET {column} = {column}",
                f"DELETE FROM {table}",
                f"TRUNCATE {table}",
            ):
                assert "permission denied" in refusal(restored.url, statement), statement
        assert "append-only" in refusal(restored.owner_url, "TRUNCATE journal_entry CASCADE")


# --- a small data set ------------------------------------------------------------------------


@pytest.fixture
def small(world: Session, officer: Actor) -> datetime:
    """The finance fixtures' States with 2024 budgets (revised, a commitment and an
    expenditure), SEC and CSP assessed, FRA paid in full with a credit left, the adopted plan
    SP-2024 linked to the lines with an approved measurement, and a published snapshot
    whose files hold every byte value (and a withdrawn draft). Returns a moment after all
    of it was recorded."""
    lines = make_budgets(world, officer)
    for fund in ("SEC", "CSP"):
        budget = find_budget(world, fund_code=fund, year=2024)
        assessments.assess(world, actor=officer, budget_id=budget.id or 0, run_on=date(2024, 7, 10))
    world.commit()
    pay(world, officer, amount="90000.00", value_on=date(2024, 8, 1))  # in full, and a credit
    plan = adopt(world, officer, build_plan(world, officer))
    link(world, officer, lines["A1"], O1_1=5000, O2_1=5000)
    first = measure(world, officer, plan, year=2024, value="62.5")
    approve_measurement(world, actor=CHECKER, measurement_id=first)
    files = [
        FileIn("every-byte.bin", "application/octet-stream", bytes(range(256)) * 64),
        FileIn("status.json", "application/json", '{"total":"1234.50","note":"é"}'.encode()),
    ]
    common: dict[str, Any] = {
        "kind": "report.status_of_contributions",
        "title": "Status of contributions",
        "as_at": date(2024, 12, 31),
        "known_at": utcnow(),
        "data": {"total": "1234.50", "states": ["FRA", "DEU"]},
        "files": files,
        "reference": "ATT/MC/2025/1",
        "language": "en",
    }
    published = publication.propose(world, actor=officer, scope="2024", **common)
    publication.approve(world, actor=CHECKER, snapshot_id=published.id or 0, reference="MC/1")
    draft = publication.propose(world, actor=officer, scope="2024-draft", **common)
    publication.withdraw(world, actor=CHECKER, snapshot_id=draft.id or 0, reason="not needed")
    world.commit()
    world.rollback()  # release SQLite for the commands
    return utcnow() + timedelta(seconds=1)


def test_round_trip(
    db: Database,
    target: Database,
    small: datetime,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Backup, restore into a database with no tables, compare; then the restored
    database takes a payment and still verifies."""
    check_round_trip(db, target, monkeypatch, tmp_path, cutoffs=[(date(2024, 12, 31), small)])
    payment = ("--state", "DEU", "--on", "2024-09-02", "--amount", "100.00")
    ok(run(target, monkeypatch, "receipts", "record", *payment, "--reference", "AFTER-RESTORE"))
    assert "ledger ok" in ok(run(target, monkeypatch, "ledger", "verify"))


@pytest.mark.crash
def test_round_trip_of_the_demo(
    demo_copy: DemoCopy,
    pg_cluster: PgCluster | Exception,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """The whole demo data set (with its published annual updates), every report as at
    the demo date and as at the end of 2025 as known a month later."""
    demo_copy.session.rollback()
    cutoffs = [
        (date(2026, 9, 30), datetime(2026, 10, 1, tzinfo=UTC)),
        (date(2025, 12, 31), datetime(2026, 1, 31, tzinfo=UTC)),
    ]
    with empty_database(demo_copy.dialect, pg_cluster, tmp_path) as restored:
        check_round_trip(demo_copy.database, restored, monkeypatch, tmp_path, cutoffs=cutoffs)


# --- a SQLite backup while the server writes ---------------------------------------------


def _entries(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM journal_entry").fetchone()[0])


def _post(session: Session, officer: Actor, n: int) -> None:
    post_entry(
        session,
        actor=officer,
        value_on=date(2025, 1, 1),
        entry_type="assessment",
        description=f"entry {n}",
        postings=[
            PostingSpec("SEC.receivable", 100 + n),
            PostingSpec("SEC.assessed_revenue", -100 - n),
        ],
    )


@ON_SQLITE
def test_sqlite_backup_while_another_thread_writes(
    db: Database, officer: Actor, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A writer commits entries before, during and after the backup, and holds an entry
    not yet committed while a second backup runs: each backup is one committed state
    (its ledger verifies, its count lies between the counts before and after it, the
    uncommitted entry is not in it) and the backup never waits for the writer."""
    path = Path(db.url.removeprefix("sqlite:///"))
    engine = create_db_engine(db.url)
    with Session(engine) as s:  # some bulk, so that the copy takes a while
        bulk = FileIn("bulk.bin", "application/octet-stream", os.urandom(8 << 20))
        publication.propose(
            s,
            actor=officer,
            kind="report.bulk",
            scope="x",
            title="bulk",
            as_at=date(2025, 1, 1),
            known_at=utcnow(),
            data={},
            files=[bulk],
            reference="r",
        )
        s.commit()
    stop, written, failed = threading.Event(), [0], []

    def write() -> None:
        try:
            with Session(engine) as s:
                while not stop.is_set():
                    _post(s, officer, written[0])
                    s.commit()
                    written[0] += 1
        except Exception as exc:  # reported by the test
            failed.append(exc)

    def written_at_least(n: int) -> None:
        deadline = time.monotonic() + 30
        while written[0] < n and not failed and time.monotonic() < deadline:
            stop.wait(0.01)
        assert not failed and written[0] >= n, failed

    writer = threading.Thread(target=write)
    writer.start()
    try:
        written_at_least(5)
        before = _entries(path)
        backup = tmp_path / "during.backup"
        done = facts(ok(run(db, monkeypatch, "backup", str(backup))))
        after = _entries(path)
        written_at_least(written[0] + 5)
    finally:
        stop.set()
        writer.join()
    in_backup = _entries(backup)
    assert before < after and before <= in_backup <= after and written[0] > after
    assert done["entries"] == str(in_backup)
    verify_copy(backup, tmp_path)

    committed = _entries(path)
    with Session(engine) as s:  # an entry sealed but not committed: the write lock held
        _post(s, officer, 999)
        s.flush()
        held = tmp_path / "held.backup"
        assert facts(ok(run(db, monkeypatch, "backup", str(held))))["entries"] == str(committed)
        s.commit()
    engine.dispose()
    assert (_entries(held), _entries(path)) == (committed, committed + 1)
    verify_copy(held, tmp_path)


def verify_copy(backup: Path, folder: Path) -> None:
    """``attfin ledger verify`` passes on a copy of a SQLite backup."""
    copy = folder / "verified.sqlite3"
    shutil.copyfile(backup, copy)
    url = f"sqlite:///{copy}"
    assert "ledger ok" in ok(attfin(Database("sqlite", url, url, url), "ledger", "verify"))


# --- what is refused ---------------------------------------------------------------------------


def _add_state(database: Database, code: str) -> None:
    engine = create_db_engine(database.url)
    with Session(engine) as s:
        s.add(State(code=code, name=f"State {code}", un_member=True))
        s.commit()
    engine.dispose()


def _states(database: Database) -> list[str]:
    with connected(database.owner_url) as engine, engine.connect() as conn:
        return [
            str(c) for c in conn.execute(text("SELECT code FROM state ORDER BY code")).scalars()
        ]


def test_refusals(
    db: Database, target: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    backup = tmp_path / "first.backup"
    ok(run(db, monkeypatch, "backup", str(backup)))
    first = backup.read_bytes()  # of the empty database

    # an existing file is kept, unless --force
    assert "already exists: pass --force" in refused(run(db, monkeypatch, "backup", str(backup)))
    assert backup.read_bytes() == first
    _add_state(db, "FRA")
    ok(run(db, monkeypatch, "backup", str(backup), "--force"))
    assert backup.read_bytes() != first
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []

    # a database holding data is kept, unless --force; an empty migrated one is not
    with_fra = backup
    empty = tmp_path / "empty.backup"
    empty.write_bytes(first)
    ok(run(target, monkeypatch, "restore", str(with_fra)))
    assert _states(target) == ["FRA"]
    reason = refused(run(target, monkeypatch, "restore", str(empty)))
    assert "not empty (table state holds data)" in reason and "--force" in reason
    assert _states(target) == ["FRA"]
    ok(run(target, monkeypatch, "restore", str(empty), "--force"))
    assert _states(target) == []
    ok(run(target, monkeypatch, "restore", str(with_fra)))  # empty but migrated: fine
    assert _states(target) == ["FRA"]

    # a backup of the other engine, a missing file, a file that is no backup
    other = tmp_path / "other.backup"
    if db.dialect == "sqlite":
        other.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(100))
        expected = "is a PostgreSQL backup but the configured database is SQLite"
    else:
        other.write_bytes(b"SQLite format 3\x00" + bytes(100))
        expected = "is a SQLite backup but the configured database is PostgreSQL"
    assert expected in refused(run(target, monkeypatch, "restore", str(other)))
    missing = tmp_path / "missing.backup"
    assert "no such file" in refused(run(target, monkeypatch, "restore", str(missing)))
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all" * 100)
    assert "is not a backup" in refused(run(target, monkeypatch, "restore", str(junk)))

    # a damaged backup changes nothing, even with --force; on PostgreSQL, a statement
    # that fails after the tables were dropped and made again rolls the whole restore back
    _add_state(target, "DEU")
    data = with_fra.read_bytes()
    truncated = data[: len(data) // 2]
    if db.dialect == "sqlite":
        damaged = {truncated: "is not a readable SQLite database: database disk image is malformed"}
    else:
        at = data.rindex(b"CREATE TRIGGER")  # in the last part restored (post-data)
        broken = data[:at] + b"CREATE TRIGGXR" + data[at + 14 :]
        damaged = {
            truncated: "pg_restore failed: ",
            broken: 'pg_restore failed: could not execute query: ERROR:  syntax error at or near "TRIGGXR"',
        }
    for content, expected in damaged.items():
        bad = tmp_path / "damaged.backup"
        bad.write_bytes(content)
        assert expected in refused(run(target, monkeypatch, "restore", str(bad), "--force"))
        assert _states(target) == ["DEU", "FRA"]
    assert "ledger ok" in ok(run(target, monkeypatch, "ledger", "verify"))


def test_a_tampered_backup_fails_verification(
    db: Database, target: Database, officer: Actor, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An entry changed behind the triggers' back: SQLite refuses to put the backup in
    place; PostgreSQL restores it and exits 1 naming the entry."""
    engine = create_db_engine(db.url)
    with Session(engine) as s:
        _post(s, officer, 1)
        _post(s, officer, 2)
        s.commit()
    engine.dispose()
    with connected(db.superuser_url) as owner, owner.begin() as conn:
        if db.dialect == "sqlite":
            conn.execute(text("DROP TRIGGER journal_entry_no_update"))
        else:
            conn.execute(text("ALTER TABLE journal_entry DISABLE TRIGGER journal_entry_no_update"))
        conn.execute(text("UPDATE journal_entry SET description = 'altered' WHERE seq = 1"))
    backup = tmp_path / "tampered.backup"
    ok(run(db, monkeypatch, "backup", str(backup)))
    done = run(target, monkeypatch, "restore", str(backup))
    assert done.returncode == 1
    if db.dialect == "sqlite":
        assert "ledger fails verification at entry 1" in refused(done)
        assert "nothing was restored" in done.stderr
        assert not Path(target.url.removeprefix("sqlite:///")).exists()
    else:
        assert "ledger verification failed at entry 1" in done.stderr.strip().splitlines()[-1]


@ON_SQLITE
def test_a_sqlite_database_in_use_is_not_replaced(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    backup = tmp_path / "a.backup"
    ok(run(db, monkeypatch, "backup", str(backup)))
    _add_state(db, "FRA")
    engine = create_db_engine(db.url)
    with engine.connect() as conn:  # the server, connected
        conn.execute(text("SELECT 1"))
        reason = refused(run(db, monkeypatch, "restore", str(backup), "--force"))
    engine.dispose()
    assert "in use: stop the server" in reason
    assert _states(db) == ["FRA"]
    ok(run(db, monkeypatch, "restore", str(backup), "--force"))
    assert _states(db) == []


@ON_POSTGRESQL
def test_the_password_goes_through_the_environment(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """pg_dump and pg_restore get the password in PGPASSWORD, never as an argument, and
    never prompt (--no-password); a missing tool is named with how to install it."""
    address, env = libpq_target("postgresql+psycopg://owner:s3cr%40t@db.example:5433/attfin")
    assert address == "postgresql://owner@db.example:5433/attfin" and env == {
        "PGPASSWORD": "s3cr@t"
    }
    with pytest.raises(NotFound, match="no-such-tool not found.*apt-get install"):
        find_tool("no-such-tool")

    spy = tmp_path / "bin"
    spy.mkdir()
    log = tmp_path / "calls.log"
    for tool in ("pg_dump", "pg_restore"):
        real = find_tool(tool)
        (spy / tool).write_text(
            f'#!/bin/sh\necho "$0 $* PGPASSWORD=$PGPASSWORD" >> {log}\nexec {real} "$@"\n'
        )
        (spy / tool).chmod(0o755)
    monkeypatch.setenv("PATH", f"{spy}:{os.environ['PATH']}")
    secret = "not-on-the-command-line"  # the test cluster trusts; the password is carried
    owner = db.owner_url.replace(f"{OWNER}@", f"{OWNER}:{secret}@")
    with_password = Database(db.dialect, db.url, owner, db.superuser_url)
    backup = tmp_path / "a.backup"
    made = ok(run(with_password, monkeypatch, "backup", str(backup)))
    restored = run(with_password, monkeypatch, "restore", str(backup), "--force")
    ok(restored)
    calls = log.read_text().splitlines()
    assert [c.split()[0].rsplit("/", 1)[1] for c in calls] == [
        "pg_dump",
        "pg_restore",
        "pg_restore",
    ]
    assert sum("--dbname=" in call for call in calls) == 2
    for call in calls:  # those that connect get the password (--list reads the file only)
        args, _, password = call.rpartition(" PGPASSWORD=")
        assert password == (secret if "--dbname=" in args else "")
        assert secret not in args and "--no-password" in args
    assert secret not in made + restored.stdout + restored.stderr
