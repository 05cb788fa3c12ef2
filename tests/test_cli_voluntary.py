"""The voluntary funds from the command line: a donor, a pledge in euros, a receipt that
settles it, a project paid a tranche (one too large refused), the balances, the donor's
statement written to a file, a reversal, and the reconciliation with the ledger."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.payments.schemas import ExchangeRateIn
from finance_core.payments.service import add_rate
from finance_core.states.models import State
from tests.cli_helpers import attfin
from tests.conftest import Database


def _one_line_error(result: object, *words: str) -> None:
    assert getattr(result, "returncode", None) == 1
    err = str(getattr(result, "stderr", ""))
    assert err.startswith("error: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err, err


def test_a_donor_story_at_the_command_line(
    db: Database, engine: Engine, officer: Actor, tmp_path: Path
) -> None:
    with Session(engine) as s:
        s.add(State(code="DEU", name="Germany", un_member=True))
        s.flush()
        add_rate(
            s,
            actor=officer,
            data=ExchangeRateIn(
                currency="EUR", valid_on=date(2025, 1, 1), usd_per_unit="1.10", source="test"
            ),
        )
        s.commit()

    _one_line_error(
        attfin(db, "donors", "add", "--name", "Germany", "--kind", "country"),
        "--kind: one of state, organisation",
    )
    donor = attfin(
        db, "donors", "add", "--name", "Germany", "--kind", "state", "--state", "DEU",
        "--language", "fr",
    )  # fmt: skip
    assert donor.returncode == 0, donor.stderr
    assert donor.stdout.startswith("donor 1: Germany (DEU), state, reports in fr")
    pledge = attfin(
        db, "pledges", "add", "--donor", "1", "--on", "2025-01-15", "--amount", "100000.00",
        "--currency", "EUR", "--earmark", "gender", "--reference", "Letter 1",
    )  # fmt: skip
    assert pledge.returncode == 0, pledge.stderr
    assert "outstanding 100000.00 (open)" in pledge.stdout

    received = attfin(
        db, "voluntary", "receipt", "--donor", "1", "--on", "2025-02-10", "--amount",
        "60000.00", "--currency", "EUR", "--earmark", "gender", "--reference", "VTF-DEU-1",
    )  # fmt: skip
    assert received.returncode == 0, received.stderr
    assert "= 66000.00 USD (provisional)" in received.stdout
    assert "settles pledge 1: 60000.00 EUR" in received.stdout
    _one_line_error(
        attfin(db, "voluntary", "confirm-usd", "--usd-amount", "1.00", "--on", "2025-02-12"),
        "--receipt or --disbursement",
    )
    confirmed = attfin(
        db, "voluntary", "confirm-usd", "--receipt", "1", "--usd-amount", "66100.00",
        "--on", "2025-02-12",
    )  # fmt: skip
    assert confirmed.returncode == 0 and "bank 66100.00 USD" in confirmed.stdout

    project = attfin(
        db, "projects", "add", "--code", "VTF-2025-01", "--title", "Stockpiles", "--grantee",
        "Ministry of Defence", "--on", "2025-03-01", "--amount", "80000.00", "--reference",
        "VTF/SC/2025/1", "--earmark", "gender",
    )  # fmt: skip
    assert project.returncode == 0, project.stderr
    reported = attfin(db, "projects", "report", "1", "--due", "2025-12-31", "--title", "Final")
    assert "report 1: Final, due 2025-12-31, not received" in reported.stdout
    arrived = attfin(db, "projects", "report-received", "1", "--on", "2025-06-01")
    assert arrived.returncode == 0 and "received 2025-06-01" in arrived.stdout

    tranche = ["voluntary", "disburse", "--project", "1", "--on", "2025-03-10"]
    payee = ["--payee", "Ministry of Defence", "--reference", "PAY-1"]
    _one_line_error(
        attfin(db, *tranche, "--amount", "70000.00", *payee),
        "holds only 66100.00",
        "at most 66100.00",
    )
    paid = attfin(db, *tranche, "--amount", "30000.00", *payee)
    assert paid.returncode == 0, paid.stderr
    assert paid.stdout.startswith("disbursement 1: VTF/gender project 1 tranche 1")

    balances = attfin(db, "voluntary", "balances", "--as-at", "2025-12-31")
    line = next(x for x in balances.stdout.splitlines() if "gender" in x)
    assert line.split()[-3:] == ["66100.00", "30000.00", "36100.00"]
    pools = json.loads(
        attfin(db, "voluntary", "balances", "--as-at", "2025-12-31", "--json").stdout
    )["pools"]
    assert pools[0]["available"] == "36100.00"

    out = tmp_path / "germany.xlsx"
    written = attfin(
        db, "donors", "statement", "1", "--year", "2025", "--as-at", "2025-12-31",
        "--format", "xlsx", "--output", str(out),
    )  # fmt: skip
    assert written.returncode == 0, written.stderr
    assert "received 66100.00 USD, spent 30000.00 USD" in written.stdout
    book = load_workbook(out)
    assert "contributions volontaires" in str(book.worksheets[0]["A1"].value)
    as_csv = tmp_path / "germany.csv"
    attfin(
        db, "donors", "statement", "1", "--year", "2025", "--as-at", "2025-12-31",
        "--format", "csv", "--out", str(as_csv),
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(as_csv.read_text(encoding="utf-8"))))
    assert any(r["section"] == "spending" and r["spent"] == "30000.00" for r in rows)
    _one_line_error(
        attfin(db, "donors", "statement", "1", "--format", "doc", "--output", str(out)),
        "--format: one of json, csv, xlsx, pdf",
    )

    back = attfin(
        db, "voluntary", "reverse-disbursement", "1", "--on", "2025-03-20", "--reason",
        "Returned by the bank",
    )  # fmt: skip
    assert back.returncode == 0 and "REVERSED: Returned by the bank" in back.stdout
    _one_line_error(
        attfin(db, "voluntary", "reverse-receipt", "9", "--on", "2025-03-25", "--reason", "x"),
        "voluntary receipt 9 does not exist",
    )
    reconciled = attfin(db, "voluntary", "reconcile", "--as-at", "2025-12-31")
    assert reconciled.returncode == 0, reconciled.stderr
    assert "VTF   agrees" in reconciled.stdout

    listed = attfin(db, "pledges", "list", "--status", "partly_received")
    assert listed.stdout.splitlines()[-1] == "1 of 1"
    withdrawn = attfin(db, "pledges", "withdraw", "1", "--on", "2025-04-01", "--reason", "Cuts")
    assert withdrawn.returncode == 0 and "withdrawn 40000.00" in withdrawn.stdout
    sponsored = attfin(
        db, "sponsorships", "add", "--meeting", "CSP11", "--traveller", "A delegate",
        "--state", "DEU", "--travel", "1200.00",
    )  # fmt: skip
    assert sponsored.returncode == 0 and "costs 1200.00 USD" in sponsored.stdout
    assert attfin(db, "sponsorships", "list", "--meeting", "CSP11").stdout.endswith("1 of 1\n")
    done = attfin(db, "projects", "status", "1", "--status", "completed")
    assert done.returncode == 0 and "completed" in done.stdout.splitlines()[0]
