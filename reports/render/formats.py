"""The formats a report is rendered in, their media types and file names."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import StrEnum

from reports.document import Report
from reports.i18n import Language
from reports.notices import html_to_pdf
from reports.render.html import render_html, render_pdf
from reports.render.tabular import render_csv, render_json
from reports.render.xlsx import render_xlsx


class ReportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    JSON = "json"
    HTML = "html"
    PDF = "pdf"


MEDIA_TYPES = {
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.CSV: "text/csv; charset=utf-8",
    ReportFormat.JSON: "application/json",
    ReportFormat.HTML: "text/html; charset=utf-8",
    ReportFormat.PDF: "application/pdf",
}

#: Formats whose words are in a language (csv and json are locale-free).
LOCALISED = frozenset({ReportFormat.XLSX, ReportFormat.HTML, ReportFormat.PDF})


def render(
    report: Report, fmt: ReportFormat, language: Language, *, table: str | None = None
) -> bytes:
    """The report's bytes in ``fmt`` (``table`` picks the csv's table: default the first)."""
    if fmt == ReportFormat.XLSX:
        return render_xlsx(report, language)
    if fmt == ReportFormat.CSV:
        return render_csv(report, table)
    if fmt == ReportFormat.JSON:
        return render_json(report)
    if fmt == ReportFormat.HTML:
        return render_html(report, language).encode("utf-8")
    return render_pdf(report, language)


#: A file to render: its format, language, and (csv) table key.
Wanted = tuple[ReportFormat, Language, str | None]


def render_each(report: Report, wanted: Iterable[Wanted]) -> Iterator[tuple[Wanted, bytes]]:
    """``render`` of each of ``wanted``, in order, with each language's HTML page made
    once: its PDF is printed from the same page."""
    pages: dict[Language, str] = {}
    for one in wanted:
        fmt, language, table = one
        if fmt not in (ReportFormat.HTML, ReportFormat.PDF):
            yield one, render(report, fmt, language, table=table)
            continue
        if language not in pages:
            pages[language] = render_html(report, language)
        page = pages[language]
        yield one, page.encode("utf-8") if fmt == ReportFormat.HTML else html_to_pdf(page)


def file_name(
    report: Report, fmt: ReportFormat, language: Language, *, table: str | None = None
) -> str:
    """``status-of-contributions-2025-12-31.en.xlsx``; csv files name their table."""
    stem = f"{report.name}-{report.as_at.isoformat()}"
    if fmt == ReportFormat.CSV:
        return f"{stem}.{table or report.tables[0].key}.csv"
    if fmt in LOCALISED:
        return f"{stem}.{language.value}.{fmt.value}"
    return f"{stem}.{fmt.value}"
