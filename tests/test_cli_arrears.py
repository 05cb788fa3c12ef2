"""Arrears, Rule 8 and payment plans from the command line, on the worked example."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import Session

from tests.cli_helpers import attfin
from tests.conftest import Database


def test_aging_rule8_and_a_plan_from_the_command_line(db: Database, example: Session) -> None:
    aging = attfin(db, "arrears", "aging", "--as-at", "2025-08-25")
    assert aging.returncode == 0, aging.stderr
    lines = {line.split()[0]: line.split() for line in aging.stdout.splitlines()[2:]}
    assert lines["BBB"][:3] == ["BBB", "65000.00", "40000.00"]
    assert lines["total"][1:3] == ["140000.00", "90000.00"]
    as_json = json.loads(attfin(db, "arrears", "aging", "--as-at", "2025-08-25", "--json").stdout)
    assert as_json["totals"]["arrears"] == "90000.00"
    csv = attfin(db, "arrears", "aging", "--as-at", "2025-08-25", "--state", "CCC", "--csv")
    assert csv.stdout.splitlines()[0].startswith("state_code,state_name,fund")
    rule8 = attfin(db, "arrears", "rule8", "--conference", "12")
    assert rule8.returncode == 0, rule8.stderr
    assert "2 State(s) subject to the measures" in rule8.stdout  # B (65,000) and C
    assert "CCC SUBJECT" in rule8.stdout and "lapsed on 2026-02-01" in rule8.stdout
    history = attfin(db, "arrears", "history", "CCC", "--as-at", "2026-08-24")
    assert "2026-08-24" in history.stdout and "75000.00" in history.stdout
    assert "100.00 %" in attfin(db, "arrears", "collection", "--as-at", "2025-12-31").stdout
    assert "trigger 2 year(s)" in attfin(db, "arrears", "rules").stdout

    applied = attfin(
        db,
        "plans",
        "apply",
        "--state",
        "BBB",
        "--received-on",
        "2025-07-10",
        "--note-verbale",
        "NV/BBB/2025/3",
        "--reasons",
        "Delayed parliamentary approval",
        "--total",
        "65000.00",
        "--instalment",
        "2025-12-01:30000.00",
        "--instalment",
        "2026-12-01:35000.00",
    )
    assert applied.returncode == 0, applied.stderr
    assert "submitted" in applied.stdout and "counts from CSP12" in applied.stdout
    plan_id = applied.stdout.split()[1].rstrip(":")
    decided = attfin(db, "plans", "decide", plan_id, "--on", "2025-09-15", "--reference", "MC/9")
    assert decided.returncode == 0, decided.stderr
    shown = attfin(db, "plans", "show", plan_id, "--as-at", "2025-12-31")
    assert "behind" in shown.stdout and "exempts the State" in shown.stdout
    assert "NV/BBB/2025/3" in attfin(db, "plans", "list", "--state", "BBB").stdout


def test_reminders_for_every_state_in_arrears(
    db: Database, example: Session, tmp_path: Path
) -> None:
    done = attfin(
        db,
        "arrears",
        "reminders",
        "--as-at",
        "2026-08-24",
        "--lang",
        "es",
        "--format",
        "html",
        "--out",
        str(tmp_path / "letters"),
    )
    assert done.returncode == 0, done.stderr
    assert "2 reminder(s) written" in done.stdout
    written = sorted(p.name for p in (tmp_path / "letters").iterdir())
    assert len(written) == 2 and all(n.endswith("-es.html") for n in written)
    assert any("BBB" in n for n in written) and any("CCC" in n for n in written)
    bad = attfin(db, "arrears", "reminders", "--lang", "de", "--out", str(tmp_path))
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1


def test_failures_are_one_line(db: Database, example: Session) -> None:
    bad_date = attfin(db, "arrears", "aging", "--as-at", "31/12/2025")
    assert bad_date.returncode == 1
    assert bad_date.stderr.strip() == "error: --as-at: '31/12/2025' is not a date (YYYY-MM-DD)"
    bad = attfin(
        db,
        "plans",
        "apply",
        "--state",
        "BBB",
        "--received-on",
        "2025-07-10",
        "--note-verbale",
        "NV",
        "--reasons",
        "r",
        "--total",
        "65000.00",
        "--instalment",
        "2025-12-01",
    )
    assert bad.returncode == 1 and "DATE:AMOUNT" in bad.stderr
    seven = attfin(
        db,
        "plans",
        "apply",
        "--state",
        "BBB",
        "--received-on",
        "2025-07-10",
        "--note-verbale",
        "NV",
        "--reasons",
        "r",
        "--total",
        "65000.00",
        "--instalment",
        "2032-12-01:65000.00",
    )
    assert seven.returncode == 1 and "longer than the 6 years" in seven.stderr
    assert len(seven.stderr.strip().splitlines()) == 1
    assert attfin(db, "plans", "show", "99").returncode == 1
