"""The ``attfin`` command line, run as a user would."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from finance_core.access import service as access
from finance_core.states import service as states
from finance_core.system.service import is_demo
from tests.cli_helpers import attfin
from tests.conftest import Database
from tests.demo_reports import check_demo_reports
from tests.fixtures_demo import DemoCopy


def test_users_create_prints_the_token_last(db: Database, engine: Engine) -> None:
    done = attfin(
        db, "users", "create", "--name", "ana", "--role", "finance_officer", "--role", "committee"
    )
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip().splitlines()[-1]
    assert token.startswith("attfin_")
    with Session(engine) as s:
        user = access.authenticate(s, token)
        assert user is not None and user.roles == "committee,finance_officer"
    listed = attfin(db, "users", "list")
    assert "ana\tcommittee,finance_officer\tactive" in listed.stdout
    assert attfin(db, "users", "revoke", "ana").returncode == 0
    with Session(engine) as s:
        assert access.authenticate(s, token) is None
    new = attfin(db, "users", "token", "ana").stdout.strip().splitlines()[-1]
    with Session(engine) as s:
        assert access.authenticate(s, new) is not None


def test_failures_exit_non_zero_with_one_line(db: Database) -> None:
    for args in (
        ("users", "create", "--name", "bob", "--role", "king"),
        ("users", "revoke", "nobody"),
        ("states", "import", "/nonexistent/file.csv"),
    ):
        done = attfin(db, *args)
        assert done.returncode == 1, args
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, done.stderr)


def test_password_stdin_never_prompts(db: Database, engine: Engine) -> None:
    done = attfin(
        db,
        "users",
        "create",
        "--name",
        "carla",
        "--role",
        "admin",
        "--password-stdin",
        stdin="correct horse battery staple\n",
    )
    assert done.returncode == 0, done.stderr
    with Session(engine) as s:
        hashed = access.get_user(s, "carla").password_hash
    assert hashed is not None and hashed.startswith("$argon2id$")
    short = attfin(
        db,
        "users",
        "create",
        "--name",
        "dan",
        "--role",
        "admin",
        "--password-stdin",
        stdin="short\n",
    )
    assert short.returncode == 1 and "12 characters" in short.stderr
    empty = attfin(
        db, "users", "create", "--name", "eve", "--role", "admin", "--password-stdin", stdin=""
    )
    assert empty.returncode == 1


def test_states_import_file(db: Database, engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "states.csv"
    path.write_text("code,name,deposited_on,instrument\nFRA,France,2014-04-02,ratification\n")
    done = attfin(db, "states", "import", str(path))
    assert done.returncode == 0, done.stderr
    assert "1 rows: 1 States created" in done.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\nDEU,Germany\nD,Broken\n")
    failed = attfin(db, "states", "import", str(bad))
    assert failed.returncode == 1
    assert "row 3, code" in failed.stderr
    with Session(engine) as s:
        assert sorted(states.statuses_on(s, date(2020, 1, 1))) == ["FRA"]


def test_demo_load_once_and_only_into_an_empty_database(demo_copy: DemoCopy) -> None:
    """``attfin demo load`` into an empty database is how the run's demo is made
    (``tests.fixtures_demo``): what it printed, what it loaded, and that a second load is
    refused, on a copy."""
    assert "demo-officer: attfin_" in demo_copy.load_output
    db = demo_copy.database
    again = attfin(db, "demo", "load")
    assert again.returncode == 1 and "already loaded" in again.stderr
    assert attfin(db, "demo", "load", "--if-empty").returncode == 0
    assert attfin(db, "ledger", "verify").returncode == 0
    s = demo_copy.session
    assert is_demo(s)
    assert 113 <= len(states.parties_on(s, date(2026, 9, 30))) <= 119
    check_demo_reports(s)  # the reports the demo published


def test_demo_load_refuses_real_data(db: Database) -> None:
    assert attfin(db, "users", "create", "--name", "real", "--role", "admin").returncode == 0
    refused = attfin(db, "demo", "load")
    assert refused.returncode == 1
    assert "holds data of its own" in refused.stderr
    skipped = attfin(db, "demo", "load", "--if-empty")
    assert skipped.returncode == 0 and "not loaded" in skipped.stdout
