"""Expenditures, commitments and budget execution over HTTP and at the command line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.expenditures.models import Expenditure
from tests.api_helpers import ApiEnv, api_env
from tests.cli_helpers import attfin
from tests.conftest import Database
from tests.test_expenditures import make_budgets

PAYMENT = {
    "fund": "SEC",
    "year": 2024,
    "line_code": "A1",
    "value_on": "2024-03-01",
    "amount": "2500.00",
    "currency": "CHF",
    "category": "contractual_services",
    "payee": "Interpreters SA",
    "reference": "INV-100",
}


@pytest.fixture
def env(engine: Engine, officer: Actor) -> Iterator[ApiEnv]:
    with Session(engine, expire_on_commit=False) as s:
        make_budgets(s, officer)
    with api_env(engine) as e:
        yield e


def _expenditures(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.execute(select(func.count()).select_from(Expenditure)).scalar_one())


def test_a_retried_payment_is_recorded_once(env: ApiEnv, engine: Engine) -> None:
    headers = {**env.auth("finance_officer"), "Idempotency-Key": "pay-100"}
    first = env.client.post("/api/v1/expenditures", json=PAYMENT, headers=headers)
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["usd_amount"], body["usd_provisional"], body["line_code"]) == (
        "2750.00",
        True,
        "A1",
    )
    again = env.client.post("/api/v1/expenditures", json=PAYMENT, headers=headers)
    assert again.status_code == 201
    assert again.json() == body
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _expenditures(engine) == 1
    other = env.client.post(
        "/api/v1/expenditures", json={**PAYMENT, "amount": "1.00"}, headers=headers
    )
    assert other.status_code == 409
    assert other.json()["error"] == "Conflict"
    # without a key, the same payment again is refused as a repeated reference
    plain = env.client.post(
        "/api/v1/expenditures", json=PAYMENT, headers=env.auth("finance_officer")
    )
    assert plain.status_code == 422
    assert plain.json()["fields"] == {"reference": f"already used by expenditure {body['id']}"}
    assert _expenditures(engine) == 1

    confirmed = env.client.post(
        f"/api/v1/expenditures/{body['id']}/usd-confirmation",
        json={"usd_amount": "2740.00", "value_on": "2024-03-03"},
        headers={**env.auth("finance_officer"), "Idempotency-Key": "bank-100"},
    )
    assert confirmed.status_code == 201 and confirmed.json()["usd_confirmed"] == "2740.00"
    balances = env.client.get(
        "/api/v1/ledger/balances?as_at=2024-12-31&by=account",
        headers=env.auth("committee"),
    ).json()
    by_account = {b["account"]: b["amount"] for b in balances["items"]}
    assert by_account["SEC.exchange_gain_loss"] == "-10.00"  # the bank paid 10.00 less: a gain


def test_errors_have_the_one_shape(env: ApiEnv) -> None:
    officer = env.auth("finance_officer")
    bad = env.client.post(
        "/api/v1/expenditures",
        json={**PAYMENT, "line_code": "ZZ", "amount": "1e3"},
        headers=officer,
    )
    assert bad.status_code == 422
    assert bad.json()["error"] == "ValidationFailed"
    assert set(bad.json()["fields"]) == {"line_code", "amount"}
    wrong = env.client.post(
        "/api/v1/expenditures", json={**PAYMENT, "category": "food"}, headers=officer
    )
    assert wrong.status_code == 422 and "category" in wrong.json()["fields"]
    assert env.client.get("/api/v1/expenditures/99", headers=officer).status_code == 404
    assert env.client.get("/api/v1/commitments/99", headers=officer).status_code == 404


def test_commitments_execution_and_import_over_http(env: ApiEnv) -> None:
    officer = env.auth("finance_officer")
    po = env.client.post(
        "/api/v1/commitments",
        json={
            "fund": "SEC",
            "year": 2024,
            "line_code": "A2",
            "committed_on": "2024-02-01",
            "amount": "5000.00",
            "payee": "Printer",
            "reference": "PO-1",
        },
        headers=officer,
    )
    assert po.status_code == 201, po.text
    po_id = po.json()["id"]
    paid = env.client.post(
        "/api/v1/expenditures",
        json={
            **PAYMENT,
            "line_code": "A2",
            "currency": "USD",
            "amount": "3000.00",
            "commitment_id": po_id,
        },
        headers=officer,
    )
    assert paid.status_code == 201 and paid.json()["liquidated"] == "3000.00"
    cancelled = env.client.post(
        f"/api/v1/commitments/{po_id}/cancellation",
        json={"cancelled_on": "2024-06-30", "reason": "Order closed"},
        headers=officer,
    )
    assert cancelled.status_code == 201
    assert (cancelled.json()["status"], cancelled.json()["cancellation"]["amount"]) == (
        "cancelled",
        "2000.00",
    )
    listed = env.client.get("/api/v1/commitments?status=cancelled", headers=officer).json()
    assert listed["total"] == 1 and set(listed) == {"items", "total", "limit", "offset"}

    report = env.client.get(
        "/api/v1/budget-execution?fund=SEC&year=2024&as_at=2024-12-31",
        headers=env.auth("committee"),
    )
    assert report.status_code == 200
    a2 = next(x for x in report.json()["lines"] if x["line_code"] == "A2")
    assert (a2["revised"], a2["commitments"], a2["actual"], a2["available"]) == (
        "30000.00",
        "0.00",
        "3000.00",
        "27000.00",
    )
    csv = env.client.get(
        "/api/v1/budget-execution?as_at=2024-03-31&format=csv", headers=env.auth("committee")
    )
    assert csv.headers["content-type"].startswith("text/csv")
    rows = csv.text.splitlines()
    assert rows[0].startswith("fund,year,line_code,line_title,original")
    assert "SEC,2024,A2,Outreach,40000.00,40000.00,2000.00,3000.00,35000.00,7.50" in rows
    assert rows[-1].startswith("SEC,2024,,total,")

    content = (
        b"fund,year,line,value_date,amount,currency,category,payee,reference\n"
        b"SEC,2024,A1,2024-04-01,100.00,USD,travel,Taxi,T-1\n"
        b"SEC,2024,A1,2024-04-02,1e3,USD,travel,Taxi,T-2\n"
    )
    files = {"file": ("april.csv", content, "text/csv")}
    preview = env.client.post("/api/v1/expenditure-imports/preview", files=files, headers=officer)
    assert [p["status"] for p in preview.json()] == ["ready", "invalid"]
    bad = env.client.post(
        "/api/v1/expenditure-imports/commit", files=files, data={"rows": "[2, 3]"}, headers=officer
    )
    assert bad.status_code == 422 and list(bad.json()["fields"]) == ["row 3, amount"]
    good = env.client.post(
        "/api/v1/expenditure-imports/commit", files=files, data={"rows": "[2]"}, headers=officer
    )
    assert good.status_code == 201 and len(good.json()["expenditures"]) == 1
    listed = env.client.get("/api/v1/expenditures?fund=SEC&year=2024", headers=officer).json()
    assert listed["total"] == 2


def test_cli_happy_path_and_one_line_failures(
    db: Database, engine: Engine, officer: Actor, tmp_path: Path
) -> None:
    with Session(engine, expire_on_commit=False) as s:
        make_budgets(s, officer)
    added = attfin(
        db,
        *("commitments", "add", "--fund", "SEC", "--year", "2024", "--line", "A1"),
        *("--on", "2024-02-01", "--amount", "1000.00", "--payee", "Venue SA"),
        *("--reference", "PO-9"),
    )
    assert added.returncode == 0, added.stderr
    assert "commitment 1:" in added.stdout and "1000.00 USD" in added.stdout
    done = attfin(
        db,
        *("expenditures", "record", "--fund", "SEC", "--year", "2024", "--line", "A1"),
        *("--on", "2024-03-01", "--amount", "400.00", "--currency", "CHF"),
        *("--category", "contractual_services", "--payee", "Venue SA", "--reference", "F-1"),
        *("--commitment", "1"),
    )
    assert done.returncode == 0, done.stderr
    assert "= 440.00 USD (provisional)" in done.stdout
    assert "liquidates 440.00 USD of commitment 1" in done.stdout
    confirmed = attfin(
        db, "expenditures", "confirm-usd", "1", "--usd-amount", "441.00", "--on", "2024-03-02"
    )
    assert confirmed.returncode == 0 and "bank 441.00 USD" in confirmed.stdout
    listed = attfin(db, "expenditures", "list", "--fund", "SEC")
    assert listed.returncode == 0 and listed.stdout.strip().endswith("1 of 1")
    report = attfin(
        db, "expenditures", "execution", "--fund", "SEC", "--year", "2024", "--as-at", "2024-12-31"
    )
    assert report.returncode == 0, report.stderr
    a1 = next(line for line in report.stdout.splitlines() if line.startswith("SEC  2024  A1"))
    assert a1.split()[3:] == ["60000.00", "70000.00", "560.00", "440.00", "69000.00", "0.63"]
    csv = attfin(db, "expenditures", "execution", "--csv", "--as-at", "2024-12-31")
    assert csv.stdout.splitlines()[0].startswith("fund,year,line_code")
    assert attfin(db, "commitments", "list", "--status", "open").stdout.strip().endswith("1 of 1")
    cancelled = attfin(db, "commitments", "cancel", "1", "--on", "2024-06-30", "--reason", "done")
    assert cancelled.returncode == 0 and "560.00 USD cancelled" in cancelled.stdout
    reversed_ = attfin(
        db, "expenditures", "reverse", "1", "--on", "2024-03-05", "--reason", "Paid in error"
    )
    assert reversed_.returncode == 0 and "REVERSED: Paid in error" in reversed_.stdout

    sheet = tmp_path / "may.csv"
    sheet.write_text(
        "fund,year,line,value_date,amount,currency,category,payee,reference\n"
        "SEC,2024,A2,2024-05-01,75.00,USD,operating_expenses,Post,P-1\n"
    )
    dry = attfin(db, "expenditures", "import", str(sheet))
    assert dry.returncode == 0 and "1 of 1 rows ready (dry run" in dry.stdout
    assert attfin(db, "expenditures", "import", str(sheet), "--commit").returncode == 0
    assert _expenditures(engine) == 2

    for args in (
        ("expenditures", "record", "--fund", "SEC", "--year", "2024", "--line", "ZZ", "--on",
         "2024-03-01", "--amount", "1.00", "--category", "travel", "--payee", "X",
         "--reference", "R"),
        ("expenditures", "record", "--fund", "SEC", "--year", "2024", "--line", "A1", "--on",
         "2024-03-01", "--amount", "1.00", "--category", "food", "--payee", "X",
         "--reference", "R"),
        ("expenditures", "reverse", "1", "--on", "2024-03-06", "--reason", "again"),
        ("expenditures", "import", str(sheet), "--commit"),
        ("commitments", "cancel", "99", "--on", "2024-06-30", "--reason", "x"),
    ):  # fmt: skip
        failed = attfin(db, *args)
        assert failed.returncode == 1, args
        lines = failed.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, failed.stderr)
    assert _expenditures(engine) == 2
