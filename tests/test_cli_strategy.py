"""The strategic plan from the command line: a draft plan built and adopted once complete,
a measurement recorded by one officer and approved by another (not by its author), a
correction, a budget line shared 60/40, the cost per goal (text and CSV), progress, and
the plan closed. Every failure is one line on stderr and exit status 1."""

from __future__ import annotations

import csv
import io
import shlex
import subprocess
from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session

from finance_core.access import service as access
from finance_core.actor import Actor
from finance_core.budgets import service as budgets
from finance_core.budgets.schemas import BudgetIn, LineIn
from tests.cli_helpers import attfin
from tests.conftest import Database

TARGETS = " ".join(f"--target {2024 + k}:{60 + 5 * k}" for k in range(5))


def _run(db: Database, command: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """``attfin strategy COMMAND`` (split as a shell would) followed by ``extra``."""
    return attfin(db, "strategy", *shlex.split(command), *extra)


def _ok(db: Database, command: str, *extra: str) -> str:
    result = _run(db, command, *extra)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _fails(db: Database, command: str, *words: str) -> None:
    result = _run(db, command)
    assert result.returncode == 1, result.stdout
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def _setup(engine: Engine, officer: Actor) -> int:
    """Two finance officers (alice, bob) and the SEC 2024 budget (line A1 of 12,345.67,
    A2 of 5,000.00); returns the id of line A1."""
    with Session(engine) as s:
        for name in ("alice", "bob"):
            access.create_user(s, actor=officer, name=name, roles=["finance_officer"])
        budget = budgets.adopt_budget(
            s,
            actor=officer,
            data=BudgetIn(
                fund="SEC",
                year=2024,
                decision_symbol="ATT/CSP9/SEC",
                adopted_on=date(2023, 8, 25),
                lines=[
                    LineIn(code="A1", title="Outreach", amount="12345.67"),
                    LineIn(code="A2", title="Staff", amount="5000.00"),
                ],
            ),
        )
        s.commit()
        out = budgets.budget_out(s, budget, date(2024, 12, 31))
    return next(x.id for x in out.lines if x.code == "A1")


def test_a_plan_at_the_command_line(db: Database, engine: Engine, officer: Actor) -> None:
    line = _setup(engine, officer)

    created = _ok(db, "create --code SP-2024 --title 'Strategic Plan' --first-year 2024")
    assert created.startswith("plan 1: SP-2024 2024-2028 draft: Strategic Plan")
    _ok(db, "add-element SP-2024 --level goal --code G1 --title Universality")
    shown = _ok(db, "show SP-2024")
    assert shown.endswith("not ready for adoption:\n  objectives: the plan has no objective\n")
    _fails(
        db,
        "adopt SP-2024 --reference ATT/CSP9/DEC --on 2023-08-25",
        "plan SP-2024 is not complete: objectives: the plan has no objective",
    )
    for element in (
        "--level objective --parent G1 --code O1.1 --title Reports",
        "--level goal --code G2 --title Implementation",
        "--level objective --parent G2 --code O2.1 --title Outreach --order 1",
    ):
        assert _ok(db, f"add-element SP-2024 {element}").startswith(("objective ", "goal "))
    indicator = "add-indicator SP-2024 --element O1.1 --code I1.1 --title 'Annual reports'"
    indicator += " --unit percent --baseline 50 --baseline-year 2023"
    _fails(db, f"{indicator} --target 2024", "--target: '2024' is not YEAR:VALUE")
    added = _ok(db, f"{indicator} {TARGETS}")
    assert added.startswith("indicator 1: I1.1 of O1.1 (percent, entered), 5 target(s)")
    computed = _ok(
        db,
        "add-indicator SP-2024 --element G2 --code I2 --title 'Budget executed' --unit percent "
        "--baseline 80 --baseline-year 2023 --computed budget_execution_rate "
        + " ".join(f"--target {y}:90" for y in range(2024, 2029)),
    )
    assert "indicator 2: I2 of G2 (percent, computed), 5 target(s)" in computed
    tree = _ok(db, "show SP-2024")
    assert tree.endswith("ready for adoption\n") and "not ready" not in tree
    assert "indicator 1 I1.1: Annual reports [percent, higher_is_better, annual, entered]" in tree
    assert "targets 2024:60 2025:65 2026:70 2027:75 2028:80" in tree
    adopted = _ok(db, "adopt SP-2024 --reference ATT/CSP9/DEC --on 2023-08-25")
    assert "SP-2024 2024-2028 adopted" in adopted and "(ATT/CSP9/DEC)" in adopted
    listed = _ok(db, "plans --status adopted")
    assert listed.splitlines() == ["1\tSP-2024\t2024-2028\tadopted\tStrategic Plan", "1 plan(s)"]
    _fails(db, "plans --status old", "--status: one of draft, adopted, closed")

    # measurements: alice records, alice may not approve, bob does; a correction
    measured = _ok(db, "measure 1 --year 2024 --value 61 --by alice --evidence https://att.org/r")
    assert measured.startswith("measurement 1: I1.1 2024 = 61 pending (recorded by alice)")
    _fails(db, "approve 1 --by alice", "alice recorded measurement 1: another person must approve")
    approved = _ok(db, "approve 1 --by bob --note Checked")
    assert "= 61 approved (recorded by alice, approved by bob)" in approved
    corrected = _ok(db, "measure 1 --year 2024 --value 63.5 --supersedes 1 --narrative Late")
    assert "= 63.5 pending (recorded by cli:" in corrected and "supersedes 1)" in corrected
    _ok(db, "approve 2 --by bob")
    history = _ok(db, "measurements SP-2024 --year 2024").splitlines()
    assert [tuple(x.split("\t")[:6]) for x in history[:-1]] == [
        ("1", "I1.1", "2024", "-", "61", "superseded"),
        ("2", "I1.1", "2024", "-", "63.5", "approved"),
    ]
    assert history[-1] == "2 version(s)"

    # a budget line shared 60/40 between objectives of the two goals
    _fails(db, f"link --line {line}", "give --objective CODE:BASISPOINTS")
    linked = _ok(db, f"link --line {line} --objective O1.1:6000 --objective O2.1:4000")
    assert linked == f"line {line} (SEC 2024 A1): O1.1 6000, O2.1 4000; unlinked 0 basis points\n"
    cost = _ok(db, "cost SP-2024 --as-at 2024-12-31").splitlines()
    assert next(x for x in cost if x.startswith("G1 ")).split()[1:3] == ["7407.40", "7407.40"]
    assert next(x for x in cost if x.startswith("G2 ")).split()[1:3] == ["4938.27", "4938.27"]
    assert f"line {line}: SEC 2024 A1: O1.1 6000, O2.1 4000" in cost
    rows = list(csv.DictReader(io.StringIO(_ok(db, "cost SP-2024 --as-at 2024-12-31 --csv"))))
    assert [(r["code"] or r["level"], r["revised"]) for r in rows] == [
        ("G1", "7407.40"),
        ("O1.1", "7407.40"),
        ("G2", "4938.27"),
        ("O2.1", "4938.27"),
        ("unlinked", "5000.00"),
        ("total", "17345.67"),
    ]
    _fails(db, "cost SP-2024 --json --csv", "give --json or --csv, not both")

    progress = _ok(db, "progress SP-2024 --year 2024 --as-at 2024-12-31")
    assert "I1.1         on_track   value 63.5 target 60 (135.00 % of the way" in progress
    assert "I2           off_track  value 0.00 target 90" in progress  # nothing spent
    assert "goal G1         on_track   (100.00 % on track)" in progress
    _fails(db, "progress SP-2024 --year 2031", "year: not a year of plan SP-2024")

    closed = _ok(db, "close SP-2024 --on 2025-01-01 --note Replaced")
    assert "SP-2024 2024-2028 closed" in closed and "closed on 2025-01-01: Replaced" in closed
