"""A report as an xlsx workbook: a summary sheet with the headline figures, then a sheet
per table with its title, position and demo mark above frozen, filtered headings;
amounts as numbers (US dollars), rates as percentages, dates as dates; total lines as
SUM/SUMIF formulas written with their computed values (a reader that does not calculate
sees the right total); a chart beside the tables that have one.

Written row by row in XlsxWriter's constant-memory mode, so a general ledger of a million
postings does not sit in memory twice. Text beginning with ``=``, ``+``, ``-`` or ``@``
is escaped; the workbook's creation time is the report's ``known_at``."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_range_abs, xl_rowcol_to_cell

from finance_core.cells import text_safe
from reports.document import ChartKind, Column, ColumnKind, Report, Table
from reports.i18n import Language
from reports.render.cells import known_utc, position, subtitle, t, title, value_label

HEADER_ROW = 4  # report title, table title, position, demo mark, then the headings
MONEY_FORMAT = "#,##0.00;-#,##0.00"
WIDTHS = {
    ColumnKind.MONEY: 16,
    ColumnKind.RATE: 11,
    ColumnKind.DATE: 12,
    ColumnKind.INTEGER: 9,
}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class _Formats:
    """The workbook's cell formats."""

    def __init__(self, book: Any) -> None:
        self.title = book.add_format({"bold": True, "font_size": 14, "font_color": "#1d4e89"})
        self.subtitle = book.add_format({"bold": True, "font_size": 11})
        self.warn = book.add_format({"bold": True, "font_color": "#b3261e"})
        heading = {"bold": True, "text_wrap": True, "valign": "top", "bottom": 1}
        self.heading = book.add_format(heading)
        self.heading_number = book.add_format({**heading, "align": "right"})
        self.by_kind = {
            ColumnKind.MONEY: book.add_format({"num_format": MONEY_FORMAT}),
            ColumnKind.RATE: book.add_format({"num_format": "0.00%"}),
            ColumnKind.DATE: book.add_format({"num_format": "yyyy-mm-dd", "align": "left"}),
            ColumnKind.INTEGER: book.add_format({"num_format": "0"}),
        }
        total = {"bold": True, "top": 1}
        self.total = book.add_format(total)
        self.total_money = book.add_format({**total, "num_format": MONEY_FORMAT})
        self.total_integer = book.add_format({**total, "num_format": "0"})


def _short(title: str, limit: int = 31) -> str:
    """A sheet name of at most ``limit`` characters, cut at a word where it can be."""
    if len(title) <= limit:
        return title
    cut = title[: limit + 1].rsplit(" ", 1)[0]
    return (cut if len(cut) >= limit // 2 else title[:limit]).rstrip(" ,;:-–")


def sheet_names(report: Report, language: Language) -> list[str]:
    """One valid, unique sheet name (≤ 31 characters) per table, after the summary."""
    names = [t("report.summary", language)]
    for table in report.tables:
        base = _short(_SHEET_FORBIDDEN.sub(" ", t(table.title, language)).strip()) or table.key
        name, n = base, 2
        while name.lower() in (x.lower() for x in names):
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def _number(column: Column, value: Any) -> Decimal | int:
    if column.kind == ColumnKind.MONEY:
        return Decimal(int(value)).scaleb(-2)
    if column.kind == ColumnKind.RATE:
        return Decimal(int(value)).scaleb(-4)
    return int(value)


def _write_cell(
    sheet: Any, r: int, c: int, column: Column, value: Any, f: _Formats, language: Language
) -> None:
    if value is None:
        return
    if column.kind in (ColumnKind.MONEY, ColumnKind.RATE, ColumnKind.INTEGER):
        sheet.write_number(r, c, _number(column, value), f.by_kind[column.kind])
    elif column.kind == ColumnKind.DATE:
        sheet.write_datetime(r, c, value, f.by_kind[ColumnKind.DATE])
    elif column.kind == ColumnKind.LABEL:
        sheet.write_string(r, c, text_safe(value_label(column, value, language)))
    else:
        sheet.write_string(r, c, text_safe(str(value)))


def _head(sheet: Any, report: Report, caption: str, f: _Formats, language: Language) -> None:
    sheet.write_string(0, 0, title(report, language), f.title)
    sheet.write_string(1, 0, caption, f.subtitle)
    sheet.write_string(2, 0, position(report, language))
    if report.demo:
        sheet.write_string(3, 0, t("illustrative", language), f.warn)


def _write_summary(sheet: Any, report: Report, f: _Formats, language: Language) -> None:
    _head(sheet, report, subtitle(report, language) or "", f, language)
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, 1, 20)
    r = HEADER_ROW
    for fact in report.facts:
        sheet.write_string(r, 0, t(fact.label, language))
        _write_cell(sheet, r, 1, Column(fact.key, fact.label, fact.kind), fact.value, f, language)
        r += 1
    for note in report.notes:
        r += 1
        sheet.write_string(r, 0, text_safe(note))


def _write_totals(
    sheet: Any, table: Table, first: int, last: int, f: _Formats, lang: Language
) -> int:
    """The total lines below the rows (SUMIF per ``total_by`` value, then SUM); returns
    the last row written."""
    columns = list(table.columns)
    word = t("report.total", lang)
    lines = table.totals()
    by = columns.index(table.column(table.total_by)) if table.total_by else None
    label_col = next((i for i, c in enumerate(columns) if not c.total and i != by), None)
    grand: dict[str, int] = {}
    r = last
    for group, sums in lines:
        r += 1
        if label_col is not None:
            sheet.write_string(r, label_col, word, f.total)
        if by is not None:
            # the value exactly as the rows show it, for SUMIF to match
            shown = columns[by]
            text = value_label(shown, group, lang) if shown.kind == ColumnKind.LABEL else group
            sheet.write_string(r, by, text_safe(str(text)), f.total)
        for c, column in enumerate(columns):
            if column.key not in sums:
                continue
            values = xl_range_abs(first, c, max(last, first), c)
            if by is not None:
                groups = xl_range_abs(first, by, max(last, first), by)
                formula = f"=SUMIF({groups},{xl_rowcol_to_cell(r, by)},{values})"
            else:
                formula = f"=SUM({values})"
            grand[column.key] = grand.get(column.key, 0) + sums[column.key]
            fmt = f.total_money if column.kind == ColumnKind.MONEY else f.total_integer
            sheet.write_formula(r, c, formula, fmt, _number(column, sums[column.key]))
    if by is not None and len(lines) > 1:
        r += 1
        if label_col is not None:
            sheet.write_string(r, label_col, word, f.total)
        for c, column in enumerate(columns):
            if column.key in grand:
                formula = f"=SUM({xl_range_abs(first, c, max(last, first), c)})"
                fmt = f.total_money if column.kind == ColumnKind.MONEY else f.total_integer
                sheet.write_formula(r, c, formula, fmt, _number(column, grand[column.key]))
    return r


_CHART_TYPES = {
    ChartKind.BAR: {"type": "column"},
    ChartKind.STACKED: {"type": "bar", "subtype": "stacked"},
    ChartKind.LINE: {"type": "line"},
}


def _insert_chart(
    book: Any, sheet: Any, name: str, table: Table, first: int, last: int, language: Language
) -> None:
    chart_spec = table.chart
    if chart_spec is None or last < first:
        return
    columns = [c.key for c in table.columns]
    end = last if chart_spec.limit is None else min(last, first + chart_spec.limit - 1)
    chart = book.add_chart(_CHART_TYPES[chart_spec.kind])
    category = columns.index(chart_spec.category)
    for key in chart_spec.series:
        c = columns.index(key)
        chart.add_series(
            {
                "name": [name, HEADER_ROW, c],
                "categories": [name, first, category, end, category],
                "values": [name, first, c, end, c],
            }
        )
    chart.set_title({"name": t(chart_spec.title, language)})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 360})
    sheet.insert_chart(HEADER_ROW, len(columns) + 1, chart)


def _write_table(
    book: Any, sheet: Any, name: str, report: Report, table: Table, f: _Formats, lang: Language
) -> None:
    _head(sheet, report, t(table.title, lang), f, lang)
    for c, column in enumerate(table.columns):
        numeric = column.kind in WIDTHS and column.kind != ColumnKind.DATE
        heading = f.heading_number if numeric else f.heading
        sheet.write_string(HEADER_ROW, c, t(column.label, lang), heading)
        sheet.set_column(c, c, column.width or WIDTHS.get(column.kind, 18))
    first = HEADER_ROW + 1
    r = HEADER_ROW
    for record in table.records():
        r += 1
        for c, (column, value) in enumerate(zip(table.columns, record, strict=True)):
            _write_cell(sheet, r, c, column, value, f, lang)
    last = r
    sheet.freeze_panes(first, 0)
    sheet.autofilter(HEADER_ROW, 0, max(last, first), len(table.columns) - 1)
    end = last
    if table.has_totals and last >= first:  # an empty table has no total lines
        end = _write_totals(sheet, table, first, last, f, lang)
    if table.note:
        sheet.write_string(end + 2, 0, t(table.note, lang))
    _insert_chart(book, sheet, name, table, first, last, lang)


def render_xlsx(report: Report, language: Language) -> bytes:
    """The workbook's bytes: the same report always gives the same file."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    book.set_properties(
        {
            "title": title(report, language),
            "subject": position(report, language),
            "author": t("secretariat", language),
            "company": t("secretariat", language),
            "category": report.name,
            "keywords": ", ".join(f"{k}={v}" for k, v in sorted(report.parameters.items())),
            "comments": t("illustrative", language) if report.demo else "",
            "created": known_utc(report),
        }
    )
    formats = _Formats(book)
    names = sheet_names(report, language)
    _write_summary(book.add_worksheet(names[0]), report, formats, language)
    for name, table in zip(names[1:], report.tables, strict=True):
        _write_table(book, book.add_worksheet(name), name, report, table, formats, language)
    book.close()
    return buffer.getvalue()
