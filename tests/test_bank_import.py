"""Importing a bank statement: dry run with proposals, then commit of chosen lines."""

from __future__ import annotations

import io
from datetime import date

import pytest
import xlsxwriter
from sqlalchemy import func, select
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.errors import ValidationFailed
from finance_core.payments import bank_import
from finance_core.payments.bank_import import ColumnMapping
from finance_core.payments.models import Receipt

STATEMENT = (
    "Date,Credit,Ccy,Reference,Ordering party\n"
    "2024-03-01,20000.00,USD,TRF 001,FRA\n"  # by code
    "2024-03-02,500.00,USD,TRF 002,State DEU\n"  # by exact name
    "2024-03-03,100.00,USD,ATT/FIN/2024/SEC/1/ITA,Some bank\n"  # by the notice reference
    "2024-03-04,75.00,USD,TRF 004,Ministry of Finance\n"  # unmatched: never guessed
    "2024-03-05,1e3,USD,TRF 005,FRA\n"  # invalid amount
    "2024-03-06,10.00,USD,TRF 001,FRA\n"  # reference repeated
)
MAPPING = ColumnMapping(
    value_on="Date", amount="Credit", currency="Ccy", reference="Reference", payer="Ordering party"
)


def _receipts(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Receipt)).scalar_one())


def test_dry_run_then_commit(assessed: Session, officer: Actor) -> None:
    proposals = bank_import.dry_run(
        assessed, content=STATEMENT.encode(), filename="march.csv", mapping=MAPPING
    )
    got = [(p.row, p.status, p.state_code, p.matched_by) for p in proposals]
    assert got == [
        (2, "ready", "FRA", "code"),
        (3, "ready", "DEU", "name"),
        (4, "ready", "ITA", "reference"),
        (5, "unmatched", None, None),
        (6, "invalid", "FRA", "code"),
        (7, "duplicate", "FRA", "code"),
    ]
    assert proposals[0].allocations[0] == {
        "fund": "SEC",
        "assessment_year": 2024,
        "amount_minor": 2_000_000,
        "rule": "oldest_first",
    }
    assert _receipts(assessed) == 0
    with pytest.raises(ValidationFailed, match="row 5 matches no State"):
        bank_import.commit(
            assessed,
            actor=officer,
            content=STATEMENT.encode(),
            filename="march.csv",
            mapping=MAPPING,
            rows=[2, 5],
        )
    assessed.rollback()
    assert _receipts(assessed) == 0
    ids = bank_import.commit(
        assessed,
        actor=officer,
        content=STATEMENT.encode(),
        filename="march.csv",
        mapping=MAPPING,
        rows=[2, 3, 4, 5],
        states={5: "USA"},
    )
    assessed.commit()
    assert len(ids) == 4 and _receipts(assessed) == 4
    with pytest.raises(ValidationFailed, match="row 2: bank reference"):
        bank_import.commit(
            assessed,
            actor=officer,
            content=STATEMENT.encode(),
            filename="march.csv",
            mapping=MAPPING,
            rows=[2],
        )


def test_xlsx_and_mapping_errors(assessed: Session, officer: Actor) -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for c, title in enumerate(["Date", "Credit", "Reference", "Ordering party"]):
        sheet.write_string(0, c, title)
    sheet.write_datetime(1, 0, date(2024, 3, 1), book.add_format({"num_format": "yyyy-mm-dd"}))
    sheet.write_string(1, 1, "300.00")
    sheet.write_string(1, 2, "X1")
    sheet.write_string(1, 3, "FRA")
    book.close()
    mapping = ColumnMapping(
        value_on="Date",
        amount="Credit",
        currency=None,
        reference="Reference",
        payer="Ordering party",
    )
    proposals = bank_import.dry_run(
        assessed, content=buffer.getvalue(), filename="s.xlsx", mapping=mapping
    )
    assert [(p.status, p.value_on) for p in proposals] == [("ready", date(2024, 3, 1))]
    with pytest.raises(ValidationFailed) as info:
        bank_import.dry_run(
            assessed, content=STATEMENT.encode(), filename="s.csv", mapping=ColumnMapping()
        )
    assert "column value_date" in info.value.fields
