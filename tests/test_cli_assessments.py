"""Budgets and assessment runs from the command line, as a finance officer would."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import Session

from tests.cli_helpers import attfin
from tests.conftest import Database


def test_budget_run_revise_explain(db: Database, world: Session, tmp_path: Path) -> None:
    budget = tmp_path / "budget.json"
    budget.write_text(
        json.dumps(
            {
                "fund": "SEC",
                "year": 2024,
                "decision_symbol": "ATT/CSP9/2023/SEC/FIN",
                "adopted_on": "2023-08-25",
                "lines": [
                    {"code": "A1", "title": "Staff", "amount": "60000"},
                    {"code": "A2", "title": "Outreach", "amount": "40000"},
                ],
            }
        )
    )
    done = attfin(db, "budgets", "adopt", str(budget))
    assert done.returncode == 0, done.stderr
    assert "total 100000.00, to assess 100000.00 USD" in done.stdout
    run = attfin(db, "assess", "run", "--fund", "SEC", "--year", "2024", "--on", "2024-01-10")
    assert run.returncode == 0, run.stderr
    assert "(initial): 3 States, posted 100000.00 USD" in run.stdout
    again = attfin(db, "assess", "run", "--fund", "SEC", "--year", "2024", "--on", "2024-01-11")
    assert again.returncode == 1 and "already assessed" in again.stderr
    revision = tmp_path / "revision.json"
    revision.write_text(
        json.dumps(
            {
                "decision_symbol": "ATT/CSP9/2024/REV1",
                "adopted_on": "2024-03-01",
                "lines": [
                    {"code": "A1", "title": "Staff", "amount": "80000"},
                    {"code": "A2", "title": "Outreach", "amount": "40000"},
                ],
            }
        )
    )
    assert attfin(db, "budgets", "revise", "1", str(revision)).returncode == 0
    posted = attfin(db, "assess", "run", "--fund", "SEC", "--year", "2024", "--on", "2024-03-02")
    assert "(revision): 3 States, posted 20000.00 USD, total 120000.00 USD" in posted.stdout
    explained = attfin(db, "assess", "explain", "--run", "2", "--state", "ITA")
    assert explained.returncode == 0, explained.stderr
    assert "stored 60000.00, recomputed 60000.00: match" in explained.stdout
    listed = attfin(db, "budgets", "list")
    assert "1\tSEC\t2024\t120000.00\t120000.00\tv1" in listed.stdout


def test_bad_files_fail_with_one_line(db: Database, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"fund": "SEC", "year": 2024, "adopted_on": "2023-08-25", "lines": []})
    )
    done = attfin(db, "budgets", "adopt", str(bad))
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "bad.json: decision_symbol" in done.stderr
    assert (
        attfin(db, "assess", "run", "--fund", "SEC", "--year", "2024", "--on", "soon").returncode
        == 1
    )
    missing = attfin(db, "assess", "run", "--fund", "SEC", "--year", "2031", "--on", "2031-01-01")
    assert missing.returncode == 1 and "no 2031 budget" in missing.stderr


def test_receipts_from_the_command_line(db: Database, world: Session, tmp_path: Path) -> None:
    budget = tmp_path / "budget.json"
    budget.write_text(
        json.dumps(
            {
                "fund": "SEC",
                "year": 2024,
                "decision_symbol": "D",
                "adopted_on": "2023-08-25",
                "lines": [{"code": "A1", "title": "Staff", "amount": "100000"}],
            }
        )
    )
    assert attfin(db, "budgets", "adopt", str(budget)).returncode == 0
    assert (
        attfin(
            db, "assess", "run", "--fund", "SEC", "--year", "2024", "--on", "2024-01-10"
        ).returncode
        == 0
    )
    assert (
        attfin(
            db,
            "rates",
            "add",
            "--currency",
            "CHF",
            "--from",
            "2024-01-01",
            "--usd-per-unit",
            "1.10",
            "--source",
            "test",
        ).returncode
        == 0
    )
    paid = attfin(
        db,
        "receipts",
        "record",
        "--state",
        "FRA",
        "--on",
        "2024-03-01",
        "--amount",
        "20000.00",
        "--currency",
        "CHF",
        "--reference",
        "BANK-1",
    )
    assert paid.returncode == 0, paid.stderr
    assert "= 22000.00 USD (provisional)" in paid.stdout
    assert "oldest_first  SEC  2024        20000.00 USD" in paid.stdout
    assert "credit        SEC  -            2000.00 USD" in paid.stdout
    again = attfin(
        db,
        "receipts",
        "record",
        "--state",
        "FRA",
        "--on",
        "2024-03-01",
        "--amount",
        "1e3",
        "--reference",
        "BANK-2",
    )
    assert again.returncode == 1 and "amount" in again.stderr
    reversed_ = attfin(
        db, "receipts", "reverse", "1", "--on", "2024-03-05", "--reason", "Returned by the bank"
    )
    assert reversed_.returncode == 0 and "REVERSED: Returned by the bank" in reversed_.stdout
    listed = attfin(db, "receipts", "list", "--state", "FRA")
    assert "BANK-1 reversed" in listed.stdout
    out = tmp_path / "statement.csv"
    written = attfin(
        db,
        "receipts",
        "statement",
        "--state",
        "FRA",
        "--as-at",
        "2024-12-31",
        "--format",
        "csv",
        "--out",
        str(out),
    )
    assert written.returncode == 0, written.stderr
    assert "owes 20000.00 USD, credit 0.00 USD" in written.stdout
    assert out.read_text().startswith("Statement of account,FRA")
    assert "FRA: credit 0.00 USD" in attfin(db, "credit", "show", "FRA").stdout
