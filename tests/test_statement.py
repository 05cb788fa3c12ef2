"""The statement of account: worked example, the as-at/known-at cut-offs, the formats."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import openpyxl
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.db_types import utcnow
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.payments import service
from finance_core.payments.schemas import ReceiptIn, ReversalIn
from finance_core.payments.statement import statement
from reports.statement import StatementFormat, render
from tests.conftest import needs_pango
from tests.fixtures_finance import pay


def test_worked_example(assessed: Session, officer: Actor) -> None:
    """FRA is assessed SEC 20,000 and CSP 1,000 (January 2024); pays 25,000 in March
    (4,000 left as credit); a payment of 500 in April bounces and is reversed in May."""
    pay(assessed, officer, amount="25000.00")
    bounced = pay(assessed, officer, amount="500.00", value_on=date(2024, 4, 2))
    service.reverse_receipt(
        assessed,
        actor=officer,
        receipt_id=bounced,
        data=ReversalIn(value_on=date(2024, 5, 2), reason="Bounced"),
    )
    assessed.commit()
    s = statement(assessed, state_code="FRA", from_on=date(2024, 1, 1), as_at=date(2024, 12, 31))
    rows = {(r.fund, r.assessment_year): r for r in s.receivables}
    assert rows[("SEC", 2024)].movements == {"assessed": 2_000_000, "received": -2_000_000}
    assert rows[("SEC", 2024)].closing_minor == 0
    assert (s.owed_minor, s.credit_minor) == (0, 450_000 - 50_000)
    credit = s.credit[0]
    assert credit.movements == {"received": -450_000, "reversed": 50_000}
    for r in [*s.receivables, *s.credit]:
        assert r.opening_minor + sum(r.movements.values()) == r.closing_minor
    assert [m.entry_type for m in s.movements][:2] == ["assessment.initial", "assessment.initial"]
    april = statement(assessed, state_code="FRA", from_on=date(2024, 4, 1), as_at=date(2024, 4, 30))
    assert april.credit[0].opening_minor == -400_000 and april.credit[0].closing_minor == -450_000


def test_known_at_shows_what_was_recorded_by_then(assessed: Session, officer: Actor) -> None:
    """A receipt dated in March but recorded after a report was run: the report as known
    then does not show it; a fresh report does, and agrees with the ledger."""
    known = utcnow()
    service.record_receipt(
        assessed,
        actor=officer,
        data=ReceiptIn(
            state_code="DEU", value_on=date(2024, 3, 1), amount="1000.00", bank_reference="LATE"
        ),
    )
    assessed.commit()
    before = statement(
        assessed,
        state_code="DEU",
        from_on=date(2024, 1, 1),
        as_at=date(2024, 12, 31),
        known_at=known,
    )
    after = statement(
        assessed, state_code="DEU", from_on=date(2024, 1, 1), as_at=date(2024, 12, 31)
    )
    assert after.owed_minor == before.owed_minor - 100_000
    ledger = sum(
        b.amount_minor
        for b in balances(
            assessed,
            as_at=date(2024, 12, 31),
            by=[BalanceDim.STATE],
            state="DEU",
            account_type="receivable",
        )
    )
    assert after.owed_minor == ledger


def test_formats(assessed: Session, officer: Actor) -> None:
    pay(assessed, officer, amount="25000.00")
    s = statement(assessed, state_code="FRA", from_on=date(2024, 1, 1), as_at=date(2024, 12, 31))
    body = json.loads(render(s, StatementFormat.JSON))
    assert body["owed"] == "0.00" and body["credit"] == "4000.00"
    rows = list(csv.reader(io.StringIO(render(s, StatementFormat.CSV).decode())))
    assert rows[1][0] == "Section"
    assert ["owed", "SEC", "2024", "0.00", "20000.00", "-20000.00"] in [r[:6] for r in rows]
    book = openpyxl.load_workbook(io.BytesIO(render(s, StatementFormat.XLSX)))
    assert book.sheetnames == ["Summary", "Movements"]
    cells = [[c.value for c in row] for row in book["Summary"].iter_rows(min_row=6)]
    assert ["owed", "SEC", 2024, 0, 20000, -20000] in [r[:6] for r in cells]
    needs_pango()
    assert render(s, StatementFormat.PDF).startswith(b"%PDF-")
