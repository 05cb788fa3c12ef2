"""The reserve and the year-end close from the command line: two officers close a year,
the CSP's options are simulated, a split is decided and the reserve moves."""

from __future__ import annotations

import json

from sqlmodel import Session

from finance_core.access.service import create_user
from finance_core.actor import Actor
from tests.cli_helpers import attfin
from tests.conftest import Database
from tests.test_close import the_2024_story


def test_close_simulate_decide_and_move_the_reserve(
    db: Database, assessed: Session, officer: Actor
) -> None:
    the_2024_story(assessed, officer)
    for name in ("ana", "ben"):
        create_user(assessed, actor=officer, name=name, roles=["finance_officer"])
    create_user(assessed, actor=officer, name="carla", roles=["committee"])
    assessed.commit()

    shown = attfin(db, "close", "surplus", "--fund", "SEC", "--year", "2024")
    assert shown.returncode == 0, shown.stderr
    assert "40000.00" in shown.stdout and "(ledger)" in shown.stdout
    proposed = attfin(db, "close", "propose", "--fund", "SEC", "--year", "2024", "--by", "ana")
    assert proposed.returncode == 0, proposed.stderr
    close_id = proposed.stdout.split()[1].rstrip(":")
    same = attfin(db, "close", "approve", close_id, "--by", "ana", "--reference", "C/1")
    assert same.returncode == 1 and "second finance officer" in same.stderr
    reader = attfin(db, "close", "approve", close_id, "--by", "carla", "--reference", "C/1")
    assert reader.returncode == 1 and "not an active finance officer" in reader.stderr
    approved = attfin(db, "close", "approve", close_id, "--by", "ben", "--reference", "C/1")
    assert approved.returncode == 0, approved.stderr
    assert "approved by ben" in approved.stdout

    simulated = attfin(
        db,
        "close",
        "simulate",
        "--fund",
        "SEC",
        "--year",
        "2024",
        "--as-at",
        "2025-03-01",
        "--split-percent",
        "50",
        "--json",
    )
    assert simulated.returncode == 0, simulated.stderr
    names = [o["name"] for o in json.loads(simulated.stdout)["outcomes"]]
    assert names[-1] == "split_50_percent" and len(names) == 4
    decided = attfin(
        db,
        "close",
        "decide",
        "--fund",
        "SEC",
        "--year",
        "2024",
        "--on",
        "2025-03-01",
        "--reference",
        "ATT/CSP11/DEC/1",
        "--option",
        "split",
        "--states-percent",
        "50",
    )
    assert decided.returncode == 0, decided.stderr
    assert "to States 20000.00, to reserve 20000.00" in decided.stdout
    listed = attfin(db, "close", "list")
    assert "approved" in listed.stdout and "ATT/CSP11/DEC/1" in listed.stdout

    drawn = attfin(
        db,
        "reserve",
        "record",
        "--kind",
        "draw_down",
        "--on",
        "2025-03-10",
        "--amount",
        "20000.01",
        "--reference",
        "MC/2025/1",
    )
    assert drawn.returncode == 1 and "beyond its balance" in drawn.stderr
    position = attfin(db, "reserve", "position", "--as-at", "2025-03-10", "--json")
    assert json.loads(position.stdout)["balance"] == "20000.00"
    assert "transfer_in" in attfin(db, "reserve", "movements").stdout
    assert "budget_share" in attfin(db, "reserve", "rules").stdout
