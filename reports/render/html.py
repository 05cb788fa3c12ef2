"""A report as an accessible HTML page (Jinja2) with its charts as inline SVG and a print
stylesheet, and as PDF (the same page through WeasyPrint).

Tables longer than ``ROW_LIMIT`` rows show their first rows and say so: the xlsx and
csv files hold every row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reports.document import Column, ColumnKind, Report, Table
from reports.i18n import Language
from reports.notices import html_to_pdf, templates
from reports.render.cells import local_text, position, subtitle, t, title
from reports.render.charts import chart_svg
from reports.render.xlsx import WIDTHS

ROW_LIMIT = 1000
_NUMERIC = frozenset({ColumnKind.MONEY, ColumnKind.RATE, ColumnKind.INTEGER})


@dataclass(frozen=True, slots=True)
class _Cell:
    text: str
    css: str  # "num", "date" or ""


@dataclass(frozen=True, slots=True)
class _HtmlTable:
    key: str
    caption: str
    headings: list[_Cell]
    widths: list[int]  # percent of the table's width, per column
    rows: list[list[_Cell]]
    totals: list[list[_Cell]]
    chart: str | None
    chart_title: str | None
    shown: int
    count: int
    note: str | None


def _css(kind: ColumnKind) -> str:
    if kind in _NUMERIC:
        return "num"
    return "date" if kind == ColumnKind.DATE else ""


def _widths(table: Table) -> list[int]:
    """Each column's share of the width (percent), from its width in characters."""
    chars = [c.width or WIDTHS.get(c.kind, 18) for c in table.columns]
    whole = sum(chars)
    return [max(1, round(100 * n / whole)) for n in chars]


def _table(table: Table, language: Language) -> _HtmlTable:
    columns = table.columns
    rows: list[list[_Cell]] = []
    for i, record in enumerate(table.records()):
        if i >= ROW_LIMIT:
            break
        rows.append(
            [
                _Cell(local_text(c, v, language), _css(c.kind))
                for c, v in zip(columns, record, strict=True)
            ]
        )
    totals: list[list[_Cell]] = []
    word = t("report.total", language)
    for group, sums in table.totals():
        line: list[_Cell] = []
        marked = False
        for c in columns:
            if c.key in sums:
                line.append(_Cell(local_text(c, sums[c.key], language), _css(c.kind)))
            elif table.total_by == c.key:
                line.append(_Cell(local_text(c, group, language), ""))
            else:
                line.append(_Cell("" if marked else word, ""))
                marked = True
        totals.append(line)
    return _HtmlTable(
        key=table.key,
        caption=t(table.title, language),
        headings=[_Cell(t(c.label, language), _css(c.kind)) for c in columns],
        widths=_widths(table),
        rows=rows,
        totals=totals,
        chart=chart_svg(table, language),
        chart_title=t(table.chart.title, language) if table.chart else None,
        shown=len(rows),
        count=len(table.frame),
        note=t(table.note, language) if table.note else None,
    )


def page_context(report: Report, language: Language) -> dict[str, Any]:
    """What the template needs: every text already in ``language``."""
    facts = [(t(f.label, language), local_text_of(f.kind, f.value, language)) for f in report.facts]
    return {
        "lang": language.value,
        "title": title(report, language),
        "subtitle": subtitle(report, language),
        "position": position(report, language),
        "demo": report.demo,
        "facts": facts,
        "tables": [_table(x, language) for x in report.tables if x.on_page],
        "files_only": [t(x.title, language) for x in report.tables if not x.on_page],
        "notes": list(report.notes),
        "t": lambda key, **values: t(key, language, **values),
    }


def local_text_of(kind: ColumnKind, value: Any, language: Language) -> str:
    """A headline figure's text in ``language``."""
    return local_text(Column("value", "", kind), value, language)


def render_html(report: Report, language: Language) -> str:
    """The report as a standalone HTML page."""
    return templates().get_template("report.html.j2").render(**page_context(report, language))


def render_pdf(report: Report, language: Language) -> bytes:
    """The report's page as PDF (A4 landscape when printed)."""
    return html_to_pdf(render_html(report, language))
