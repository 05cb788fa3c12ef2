"""Importing expenditures from CSV or XLSX: a dry run proposing every row, then the rows
chosen committed all or nothing."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
import xlsxwriter
from sqlalchemy import func, select
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.errors import RuleViolation, ValidationFailed
from finance_core.expenditures import importer, service
from finance_core.expenditures.importer import ExpenditureMapping
from finance_core.expenditures.models import Expenditure
from finance_core.ledger.models import JournalEntry
from tests.test_expenditures import commit_to, make_budgets

FILE = (
    "Fund,Year,Line,Paid on,Amount,Ccy,Category,Payee,Invoice\n"
    "SEC,2024,A1,2024-03-01,1500.00,USD,travel,Hotel,INV-1\n"  # ready
    "SEC,2024,A2,2024-03-02,1000.00,CHF,Contractual services,Interpreters SA,INV-2\n"  # ready
    "SEC,2024,ZZ,2024-03-03,10.00,USD,travel,Hotel,INV-3\n"  # unknown line
    "SEC,2024,A1,2024-03-04,1e3,USD,travel,Hotel,INV-4\n"  # bad amount
    "SEC,2024,A1,2024-03-05,10.00,USD,travel,Hotel,INV-1\n"  # repeats row 2
    "SEC,20x4,A1,2024-03-06,10.00,USD,food,Hotel,INV-6\n"  # bad year and category
)
MAPPING = ExpenditureMapping(
    fund="Fund",
    year="Year",
    line_code="Line",
    value_on="Paid on",
    amount="Amount",
    currency="Ccy",
    category="Category",
    payee="Payee",
    reference="Invoice",
)


@pytest.fixture
def lines(session: Session, officer: Actor) -> dict[str, int]:
    return make_budgets(session, officer)


def _count(session: Session, model: type[Expenditure] | type[JournalEntry]) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_dry_run_then_commit(session: Session, officer: Actor, lines: dict[str, int]) -> None:
    proposals = importer.dry_run(
        session, content=FILE.encode(), filename="march.csv", mapping=MAPPING
    )
    got = [(p.row, p.status, p.budget_line_id, p.usd_amount) for p in proposals]
    assert got == [
        (2, "ready", lines["A1"], "1500.00"),
        (3, "ready", lines["A2"], "1100.00"),
        (4, "invalid", None, None),
        (5, "invalid", None, None),
        (6, "duplicate", lines["A1"], "10.00"),
        (7, "invalid", None, None),
    ]
    assert proposals[1].usd_provisional is True
    assert proposals[2].fields == {"row 4, Line": "unknown budget line"}
    assert list(proposals[3].fields) == ["row 5, Amount"]
    assert set(proposals[5].fields) == {"row 7, Year", "row 7, Category"}
    assert "row 2" in proposals[4].message
    assert _count(session, Expenditure) == 0

    with pytest.raises(ValidationFailed, match="row 4") as caught:
        importer.commit(
            session,
            actor=officer,
            content=FILE.encode(),
            filename="march.csv",
            mapping=MAPPING,
            rows=[2, 3, 4],
        )
    assert caught.value.fields == {"row 4, Line": "unknown budget line"}
    session.rollback()
    assert _count(session, Expenditure) == _count(session, JournalEntry) == 0

    ids = importer.commit(
        session,
        actor=officer,
        content=FILE.encode(),
        filename="march.csv",
        mapping=MAPPING,
        rows=[3, 2],
    )
    session.commit()
    assert len(ids) == 2 and _count(session, Expenditure) == 2
    chf = service.expenditure_out(session, ids[1])
    assert (chf.category, chf.currency, chf.usd_amount) == (
        "contractual_services",
        "CHF",
        "1100.00",
    )
    again = importer.dry_run(session, content=FILE.encode(), filename="march.csv", mapping=MAPPING)
    assert [p.status for p in again[:2]] == ["duplicate", "duplicate"]
    with pytest.raises(ValidationFailed, match="row 2: reference"):
        importer.commit(
            session,
            actor=officer,
            content=FILE.encode(),
            filename="march.csv",
            mapping=MAPPING,
            rows=[2],
        )


def test_rows_liquidating_one_commitment_share_its_open_balance(
    session: Session, officer: Actor, lines: dict[str, int]
) -> None:
    po = service.record_commitment(session, actor=officer, data=commit_to(amount="1000.00"))
    session.commit()
    text = (
        "fund,year,line,value_date,amount,currency,category,payee,reference,order\n"
        f"SEC,2024,A1,2024-03-01,600.00,USD,equipment,Dell,INV-1,{po.id}\n"
        f"SEC,2024,A1,2024-03-02,700.00,USD,equipment,Dell,INV-2,{po.id}\n"
        f"SEC,2024,A1,2024-03-03,50.00,USD,equipment,Dell,INV-3,{po.id}\n"
        "SEC,2024,A1,2024-03-03,50.00,USD,equipment,Dell,INV-4,x\n"
    )
    mapping = ExpenditureMapping(commitment_id="order")
    proposals = importer.dry_run(session, content=text.encode(), filename="po.csv", mapping=mapping)
    assert [(p.status, p.liquidates) for p in proposals] == [
        ("ready", "600.00"),
        ("ready", "400.00"),
        ("invalid", None),
        ("invalid", None),
    ]
    assert proposals[3].fields == {"row 5, order": "'x' is not a commitment id"}
    with pytest.raises(RuleViolation, match="row 4: commitment"):
        importer.commit(
            session,
            actor=officer,
            content=text.encode(),
            filename="po.csv",
            mapping=mapping,
            rows=[2, 3, 4],
        )
    session.rollback()
    assert _count(session, Expenditure) == 0
    assert service.commitment_out(session, po.id or 0).open == "1000.00"


def test_xlsx_and_bad_files(session: Session, officer: Actor, lines: dict[str, int]) -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    for r, row in enumerate(line.split(",") for line in FILE.splitlines()[:3]):
        for c, value in enumerate(row):
            sheet.write(r, c, int(value) if value == "2024" else value)
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_datetime(1, 3, datetime(2024, 3, 1), day)
    book.close()
    proposals = importer.dry_run(
        session, content=buffer.getvalue(), filename="march.xlsx", mapping=MAPPING
    )
    assert [p.status for p in proposals] == ["ready", "ready"]
    assert proposals[0].value_on == date(2024, 3, 1)

    for content, filename, match in (
        (b"a,b\n1,2\n", "x.csv", "mapped column"),
        (FILE.encode(), "x.pdf", "cannot read"),
        (b"Fund,Year\n", "x.csv", "mapped column"),
        (b"x" * (importer.MAX_BYTES + 1), "x.csv", "larger than 5 MB"),
    ):
        with pytest.raises(ValidationFailed, match=match):
            importer.dry_run(session, content=content, filename=filename, mapping=MAPPING)
        with pytest.raises(ValidationFailed, match=match):
            importer.commit(
                session,
                actor=officer,
                content=content,
                filename=filename,
                mapping=MAPPING,
                rows=[2],
            )
    with pytest.raises(ValidationFailed, match="not a row"):
        importer.commit(
            session,
            actor=officer,
            content=FILE.encode(),
            filename="x.csv",
            mapping=MAPPING,
            rows=[99],
        )
    session.rollback()
    assert _count(session, Expenditure) == 0
