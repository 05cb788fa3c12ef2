"""The statement of account of a State, rendered as JSON, CSV, xlsx or PDF.

Columns per fund and assessment year: opening balance, assessed, received (as a negative
movement), paid from credit, written off, reversed, closing balance; amounts in US
dollars, positive when owed by the State. The credit rows follow the same columns (a
credit balance is negative: money the Secretariat holds for the State)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import xlsxwriter
from pydantic import BaseModel, Field

from finance_core.money import format_minor
from finance_core.payments.statement import ASSESSED, REVERSED, Row, Statement
from reports.cells import text_safe

COLUMNS = (
    ASSESSED,
    "received",
    "credit_applied",
    "written_off",
    "refunded",
    REVERSED,
    "exchange",
    "surplus_credited",
    "other",
)
TITLES = {
    "fund": "Fund",
    "assessment_year": "Assessment year",
    "opening": "Opening balance",
    ASSESSED: "Assessed",
    "received": "Received",
    "credit_applied": "Paid from credit",
    "written_off": "Written off",
    "refunded": "Refunded",
    REVERSED: "Reversed",
    "exchange": "Exchange difference",
    "surplus_credited": "Surplus credited",
    "other": "Other",
    "closing": "Closing balance",
}


class StatementFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"


MEDIA_TYPES = {
    StatementFormat.JSON: "application/json",
    StatementFormat.CSV: "text/csv; charset=utf-8",
    StatementFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    StatementFormat.PDF: "application/pdf",
}


class RowOut(BaseModel):
    fund: str
    assessment_year: int | None
    opening: str
    movements: dict[str, str] = Field(description="Column → US dollars (signed).")
    closing: str


class MovementOut(BaseModel):
    value_on: date
    entry_seq: int
    entry_type: str
    description: str
    fund: str
    assessment_year: int | None
    account_type: str
    amount: str


class StatementOut(BaseModel):
    state_code: str
    state_name: str
    from_on: date
    as_at: date
    known_at: datetime | None
    owed: str = Field(description="US dollars owed at the end (all funds and years).")
    credit: str = Field(description="US dollars held for the State at the end.")
    receivables: list[RowOut]
    credit_rows: list[RowOut]
    movements: list[MovementOut]


def _row(row: Row) -> RowOut:
    return RowOut(
        fund=row.fund,
        assessment_year=row.assessment_year,
        opening=format_minor(row.opening_minor),
        movements={k: format_minor(v) for k, v in sorted(row.movements.items())},
        closing=format_minor(row.closing_minor),
    )


def to_model(s: Statement) -> StatementOut:
    """The JSON shape of a statement."""
    return StatementOut(
        state_code=s.state_code,
        state_name=s.state_name,
        from_on=s.from_on,
        as_at=s.as_at,
        known_at=s.known_at,
        owed=format_minor(s.owed_minor),
        credit=format_minor(s.credit_minor),
        receivables=[_row(r) for r in s.receivables],
        credit_rows=[_row(r) for r in s.credit],
        movements=[
            MovementOut(
                value_on=m.value_on,
                entry_seq=m.entry_seq,
                entry_type=m.entry_type,
                description=m.description,
                fund=m.fund,
                assessment_year=m.assessment_year,
                account_type=m.account_type,
                amount=format_minor(m.amount_minor),
            )
            for m in s.movements
        ],
    )


def _table(s: Statement) -> list[tuple[str, list[str | int | None]]]:
    """(section, cells) per row, amounts as cents: the rows every format shares."""
    out: list[tuple[str, list[str | int | None]]] = []
    for section, rows in (("owed", s.receivables), ("credit", s.credit)):
        for r in rows:
            out.append(
                (
                    section,
                    [
                        r.fund,
                        r.assessment_year,
                        r.opening_minor,
                        *(r.movements.get(c, 0) for c in COLUMNS),
                        r.closing_minor,
                    ],
                )
            )
    return out


def _headers() -> list[str]:
    return [
        TITLES["fund"],
        TITLES["assessment_year"],
        TITLES["opening"],
        *(TITLES[c] for c in COLUMNS),
        TITLES["closing"],
    ]


def render_csv(s: Statement) -> bytes:
    """Summary rows then movements; plain decimals, no locale."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "Statement of account",
            s.state_code,
            s.state_name,
            s.from_on.isoformat(),
            s.as_at.isoformat(),
            s.known_at.isoformat() if s.known_at else "",
        ]
    )
    writer.writerow(["Section", *_headers()])
    for section, cells in _table(s):
        writer.writerow(
            [
                section,
                *(
                    format_minor(c) if isinstance(c, int) and i >= 2 else c
                    for i, c in enumerate(cells)
                ),
            ]
        )
    writer.writerow([])
    writer.writerow(
        ["Value date", "Entry", "Type", "Description", "Fund", "Year", "Account", "Amount"]
    )
    for m in s.movements:
        writer.writerow(
            [
                m.value_on.isoformat(),
                m.entry_seq,
                m.entry_type,
                m.description,
                m.fund,
                m.assessment_year if m.assessment_year is not None else "",
                m.account_type,
                format_minor(m.amount_minor),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def render_xlsx(s: Statement, *, demo: bool = False) -> bytes:
    """Two sheets: the summary by fund and year, and every movement."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    usd = book.add_format({"num_format": "#,##0.00;-#,##0.00"})
    when = book.add_format({"num_format": "yyyy-mm-dd"})
    summary = book.add_worksheet("Summary")
    summary.write_string(0, 0, f"Statement of account: {s.state_name} ({s.state_code})", bold)
    summary.write_string(
        1,
        0,
        f"{s.from_on.isoformat()} to {s.as_at.isoformat()}"
        + (f", as known at {s.known_at.isoformat()}" if s.known_at else ""),
    )
    if demo:
        summary.write_string(
            2, 0, "Illustrative data", book.add_format({"bold": True, "font_color": "#b3261e"})
        )
    headers = ["Section", *_headers()]
    for c, title in enumerate(headers):
        summary.write_string(4, c, title, bold)
    for r, (section, cells) in enumerate(_table(s), start=5):
        summary.write_string(r, 0, section)
        for c, value in enumerate(cells, start=1):
            if isinstance(value, int) and c >= 3:
                summary.write_number(r, c, Decimal(value) / 100, usd)
            elif isinstance(value, int):
                summary.write_number(r, c, value)
            elif value is not None:
                summary.write_string(r, c, text_safe(value))
    summary.set_column(0, len(headers), 16)
    sheet = book.add_worksheet("Movements")
    for c, title in enumerate(
        ["Value date", "Entry", "Type", "Description", "Fund", "Year", "Account", "Amount"]
    ):
        sheet.write_string(0, c, title, bold)
    for r, m in enumerate(s.movements, start=1):
        sheet.write_datetime(r, 0, m.value_on, when)
        sheet.write_number(r, 1, m.entry_seq)
        sheet.write_string(r, 2, m.entry_type)
        sheet.write_string(r, 3, text_safe(m.description))
        sheet.write_string(r, 4, m.fund)
        if m.assessment_year is not None:
            sheet.write_number(r, 5, m.assessment_year)
        sheet.write_string(r, 6, m.account_type)
        sheet.write_number(r, 7, Decimal(m.amount_minor) / 100, usd)
    sheet.set_column(3, 3, 60)
    book.close()
    return buffer.getvalue()


def render_pdf(s: Statement, *, demo: bool = False) -> bytes:
    """A printable statement (needs the system's Pango library)."""
    from html import escape

    from reports.notices import html_to_pdf

    head = "".join(f"<th>{escape(t)}</th>" for t in ["", *_headers()])
    body = "".join(
        "<tr>"
        + f"<td>{section}</td>"
        + "".join(
            f"<td class='n'>{format_minor(c)}</td>"
            if isinstance(c, int) and i >= 2
            else f"<td>{escape(str(c if c is not None else '-'))}</td>"
            for i, c in enumerate(cells)
        )
        + "</tr>"
        for section, cells in _table(s)
    )
    moves = "".join(
        f"<tr><td>{m.value_on}</td><td>{m.entry_seq}</td><td>{escape(m.description)}</td>"
        f"<td>{m.fund}</td><td>{m.assessment_year or '-'}</td><td>{m.account_type}</td>"
        f"<td class='n'>{format_minor(m.amount_minor)}</td></tr>"
        for m in s.movements
    )
    demo_mark = "<p class='demo'>Illustrative data</p>" if demo else ""
    html = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>
@page {{ size: A4 landscape; margin: 14mm; }}
body {{ font-family: "DejaVu Sans", sans-serif; font-size: 8pt; }}
h1 {{ font-size: 14pt; color: #1d4e89; }} .demo {{ color: #b3261e; font-weight: bold; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 12pt; }}
th, td {{ border-bottom: 1px solid #dde3ea; padding: 2pt 4pt; text-align: left; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
</style></head><body>
<h1>Statement of account — {escape(s.state_name)} ({s.state_code})</h1>
<p>{s.from_on} to {s.as_at}{", as known at " + s.known_at.isoformat() if s.known_at else ""} ·
owed {format_minor(s.owed_minor)} USD · credit {format_minor(s.credit_minor)} USD</p>{demo_mark}
<table><tr>{head}</tr>{body}</table>
<table><tr><th>Value date</th><th>Entry</th><th>Description</th><th>Fund</th><th>Year</th>
<th>Account</th><th>Amount (USD)</th></tr>{moves}</table></body></html>"""
    return html_to_pdf(html)


def render(s: Statement, fmt: StatementFormat, *, demo: bool = False) -> bytes:
    """The statement in ``fmt``."""
    if fmt is StatementFormat.CSV:
        return render_csv(s)
    if fmt is StatementFormat.XLSX:
        return render_xlsx(s, demo=demo)
    if fmt is StatementFormat.PDF:
        return render_pdf(s, demo=demo)
    return to_model(s).model_dump_json(indent=2).encode("utf-8")
