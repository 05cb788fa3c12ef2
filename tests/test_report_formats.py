"""Every report of the catalogue in every format and every language, on both databases:
the finance reports on the arrears worked example, the plan's reports on a small plan.
Each workbook opens with openpyxl and its totals (the values stored with the formulas)
equal the report's; each csv holds its table; each page and PDF is in its language."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import openpyxl
import pytest
from sqlmodel import Session

from finance_core.db_types import utcnow
from reports import service
from reports.catalog import CATALOGUE
from reports.document import ColumnKind, Report, Table
from reports.i18n import Language
from reports.render.formats import ReportFormat, render
from reports.render.xlsx import HEADER_ROW
from strategy.models import StrategicPlan
from tests.conftest import needs_pango
from tests.test_strategy_reports import plan  # noqa: F401  (the small plan's fixture)

FINANCE = [s.name for s in CATALOGUE if s.scope != "plan"]
PLAN = [s.name for s in CATALOGUE if s.scope == "plan"]


def _total_lines(table: Table) -> int:
    lines = len(table.totals())
    return lines + (1 if table.total_by and lines > 1 else 0)


def check_workbook(report: Report, content: bytes) -> None:
    """Every table's sheet: its rows' amounts and its last total line equal the report's."""
    book = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    assert len(book.worksheets) == 1 + len(report.tables)
    for sheet, table in zip(book.worksheets[1:], report.tables, strict=True):
        rows = list(sheet.iter_rows(values_only=True))
        n = len(table.frame)
        body = rows[HEADER_ROW + 1 : HEADER_ROW + 1 + n]
        for c, column in enumerate(table.columns):
            if column.kind != ColumnKind.MONEY:
                continue
            cells = [r[c] for r in body if r[c] is not None]
            expected = int(table.frame[column.key].fillna(0).astype("int64").sum())
            assert round(sum(cells) * 100) == expected, (table.key, column.key)
            if column.total and n:
                last = rows[HEADER_ROW + n + _total_lines(table)]
                assert round(last[c] * 100) == expected, (table.key, column.key)


def check_everything(report: Report) -> None:
    needs_pango()
    data = json.loads(render(report, ReportFormat.JSON, Language.EN))
    assert data["report"] == report.name and set(data["tables"]) == {t.key for t in report.tables}
    for table in report.tables:
        lines = list(
            csv.reader(
                io.StringIO(render(report, ReportFormat.CSV, Language.EN, table=table.key).decode())
            )
        )
        assert lines[0] == [c.key for c in table.columns]
        assert len(lines) == 1 + len(table.frame) + len(table.totals())
    for language in Language:
        check_workbook(report, render(report, ReportFormat.XLSX, language))
        page = render(report, ReportFormat.HTML, language).decode()
        assert f'<html lang="{language.value}">' in page
        assert render(report, ReportFormat.PDF, language).startswith(b"%PDF")


@pytest.mark.parametrize("name", FINANCE)
def test_each_finance_report_in_every_format_and_language(example: Session, name: str) -> None:
    report = service.build(
        example,
        name,
        service.request_for(as_at=date(2025, 12, 31), known_at=utcnow(), from_on=date(2025, 1, 1)),
    )
    assert any(len(t.frame) for t in report.tables)
    check_everything(report)


@pytest.mark.parametrize("name", PLAN)
def test_each_plan_report_in_every_format_and_language(
    session: Session,
    plan: StrategicPlan,  # noqa: F811
    name: str,
) -> None:
    report = service.build(
        session,
        name,
        service.request_for(as_at=date(2024, 12, 31), known_at=utcnow(), plan=plan.code),
    )
    assert any(len(t.frame) for t in report.tables)
    check_everything(report)


def test_a_long_table_shows_its_first_rows_on_the_page_and_says_so() -> None:
    from datetime import UTC, datetime

    import pandas as pd

    from reports.document import Column
    from reports.render.html import ROW_LIMIT

    count = ROW_LIMIT + 5
    frame = pd.DataFrame({"code": [f"C{i}" for i in range(count)], "amount": range(count)})
    table = Table(
        "lines",
        "report.summary",
        (Column("code", "col.code"), Column("amount", "col.year", ColumnKind.MONEY, total=True)),
        frame,
    )
    report = Report(
        "test",
        "report.summary",
        date(2025, 1, 1),
        datetime(2025, 1, 2, tzinfo=UTC),
        False,
        (table,),
    )
    page = render(report, ReportFormat.HTML, Language.EN).decode()
    assert page.count('<tr><th scope="row"') == ROW_LIMIT
    assert f"The first {ROW_LIMIT} of {count} rows are shown" in page
    # the files hold every row, and the total is of every row
    assert render(report, ReportFormat.CSV, Language.EN).decode().count("\nC") == count
    assert f"{sum(range(count)) / 100:,.2f}" in page
