"""Assessment notices: the document a State receives for one assessment run, in English,
French or Spanish, as HTML, PDF (WeasyPrint) or xlsx. Rendered from stored figures only;
the same run, State and language always give the same document."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

import xlsxwriter
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlmodel import Session

from finance_core.assessments import service
from finance_core.budgets import service as budgets
from finance_core.errors import NotFound, RuleViolation
from finance_core.states.service import get_state
from finance_core.system.service import is_demo
from reports.i18n import Language, day, label, money, percent


class NoticeFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"
    XLSX = "xlsx"


MEDIA_TYPES = {
    NoticeFormat.HTML: "text/html; charset=utf-8",
    NoticeFormat.PDF: "application/pdf",
    NoticeFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True, slots=True)
class Notice:
    """What a notice says (amounts in US cents, rates in percent)."""

    reference: str
    run_id: int
    kind: str
    state_code: str
    state_name: str
    fund_code: str
    year: int
    decision_symbol: str
    to_assess_minor: int
    scale_code: str
    un_rate: Decimal | None
    rate: Decimal
    limit: str | None
    pro_rata: Decimal
    amount_minor: int
    delta_minor: int
    notice_on: date
    due_on: date
    demo: bool

    @property
    def filename_stem(self) -> str:
        return f"notice-{self.year}-{self.fund_code}-run{self.run_id}-{self.state_code}"


def notice_for(session: Session, *, run_id: int, state_code: str) -> Notice:
    """The notice of ``state_code`` for run ``run_id`` (NotFound if it has none)."""
    run, lines = service.get_run(session, run_id)
    line = next((x for x in lines if x.state_code == state_code.upper()), None)
    if line is None:
        raise NotFound(f"{state_code.upper()} has no notice in run {run_id}")
    if line.delta_minor == 0:
        raise NotFound(f"run {run_id} changed nothing for {line.state_code}: no notice")
    budget = budgets.get_budget(session, run.budget_id)
    version = next(
        v for v in budgets.versions(session, run.budget_id) if v.version.id == run.budget_version_id
    )
    return Notice(
        reference=f"ATT/FIN/{budget.year}/{budget.fund_code}/{run_id}/{line.state_code}",
        run_id=run_id,
        kind=str(run.kind),
        state_code=line.state_code,
        state_name=get_state(session, line.state_code).name,
        fund_code=budget.fund_code,
        year=budget.year,
        decision_symbol=version.version.decision_symbol,
        to_assess_minor=version.to_assess_minor,
        scale_code=run.scale_code,
        un_rate=line.un_rate,
        rate=line.rate,
        limit=line.limit,
        pro_rata=line.pro_rata,
        amount_minor=line.amount_minor,
        delta_minor=line.delta_minor,
        notice_on=run.run_on,
        due_on=run.due_on,
        demo=is_demo(session),
    )


@lru_cache(maxsize=1)
def templates() -> Environment:
    """The Jinja2 templates of ``reports/templates`` (HTML autoescaped)."""
    return Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )


def render_html(notice: Notice, language: Language) -> str:
    """The notice as an HTML page."""
    return (
        templates()
        .get_template("notice.html.j2")
        .render(
            n=notice,
            lang=language.value,
            fund=label(f"fund.{notice.fund_code}", language, default=notice.fund_code),
            t=lambda key: label(key, language),
            money=lambda minor: money(minor, language),
            percent=lambda value, places: percent(Decimal(value), language, places),
            day=lambda value: day(value, language),
        )
    )


def html_to_pdf(html: str) -> bytes:
    """An HTML page as PDF (WeasyPrint; needs the Pango library of the operating system)."""
    try:
        from weasyprint import HTML
    except OSError as exc:  # the system library is missing
        raise RuleViolation(
            "PDF rendering needs the Pango library (Debian: apt-get install libpango-1.0-0 "
            "libpangoft2-1.0-0); the other formats work without it"
        ) from exc
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def render_pdf(notice: Notice, language: Language) -> bytes:
    """The notice as a PDF."""
    return html_to_pdf(render_html(notice, language))


def render_xlsx(notice: Notice, language: Language) -> bytes:
    """The notice as a one-sheet workbook (labels translated, amounts as numbers)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet(notice.state_code)
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14, "font_color": "#1d4e89"})
    usd = book.add_format({"num_format": '#,##0.00 "USD"'})
    usd_bold = book.add_format({"num_format": '#,##0.00 "USD"', "bold": True})
    rate = book.add_format({"num_format": "0.000000"})
    when = book.add_format({"num_format": "yyyy-mm-dd", "align": "left"})
    warn = book.add_format({"bold": True, "font_color": "#b3261e"})
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, 1, 36)

    def t(key: str) -> str:
        return label(key, language)

    sheet.write_string(0, 0, t("notice_title"), title)
    sheet.write_string(1, 0, f"{t('treaty')} · {t('secretariat')}")
    sheet.write_string(2, 0, t(f"kind.{notice.kind}"))
    row = 4
    if notice.demo:
        sheet.write_string(3, 0, t("illustrative"), warn)
    fund = label(f"fund.{notice.fund_code}", language, default=notice.fund_code)
    rows: list[tuple[str, object, object]] = [
        ("reference", notice.reference, None),
        ("state", f"{notice.state_name} ({notice.state_code})", None),
        ("notice_date", notice.notice_on, when),
        ("fund", fund, None),
        ("year", notice.year, None),
        ("decision", notice.decision_symbol, None),
        ("to_assess", Decimal(notice.to_assess_minor) / 100, usd),
        ("scale", notice.scale_code, None),
        ("un_rate", notice.un_rate, rate),
        ("rate", notice.rate, rate),
        ("pro_rata", notice.pro_rata, rate),
        ("assessed_year", Decimal(notice.amount_minor) / 100, usd),
        ("this_notice", Decimal(notice.delta_minor) / 100, usd_bold),
        ("due", notice.due_on, when),
    ]
    for key, value, fmt in rows:
        if value is None:
            continue
        sheet.write_string(row, 0, t(key), bold if key == "this_notice" else None)
        if isinstance(value, date):
            sheet.write_datetime(row, 1, value, fmt)
        elif isinstance(value, Decimal | int):
            sheet.write_number(row, 1, value, fmt)
        else:
            sheet.write_string(row, 1, str(value))
        row += 1
    sheet.write_string(row + 1, 0, t("payment"))
    book.close()
    return buffer.getvalue()


def render(notice: Notice, language: Language, fmt: NoticeFormat) -> bytes:
    """The notice in ``fmt`` as bytes."""
    if fmt is NoticeFormat.PDF:
        return render_pdf(notice, language)
    if fmt is NoticeFormat.XLSX:
        return render_xlsx(notice, language)
    return render_html(notice, language).encode("utf-8")
