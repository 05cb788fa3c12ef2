"""A donor's statement of its voluntary contributions for a year, rendered as JSON, CSV,
xlsx or PDF: what it pledged, what it gave, what is still outstanding and what was spent
from its money.

Four sections: ``pledge`` (amounts in the pledge's currency), ``receipt`` (the original
amount and its US dollar value), ``spending`` per fund and earmark (US dollars) and
``total`` (one row per currency, then one row of US dollar values for all currencies).
In every format the columns ``amount``, ``pledged``, ``received``, ``withdrawn`` and
``outstanding`` are in the row's ``currency``; ``usd_amount``, ``spent`` and ``unspent``
are always US dollars. Labels of the xlsx and PDF are in English, French or Spanish; CSV
and JSON stay locale-free (plain decimal strings, ISO 8601 dates)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import xlsxwriter
from babel.dates import format_datetime
from babel.numbers import format_decimal
from pydantic import BaseModel, Field
from xlsxwriter.utility import xl_range_abs, xl_rowcol_to_cell

from finance_core.errors import ValidationFailed
from finance_core.money import USD_DECIMALS, format_minor
from finance_core.payments.amounts import decimals_of
from finance_core.voluntary.statement import DonorStatement
from reports.cells import text_safe
from reports.i18n import Language, day, label, money
from reports.notices import html_to_pdf, templates

PLEDGE, RECEIPT, SPENDING, TOTAL = "pledge", "receipt", "spending", "total"
SECTIONS = (PLEDGE, RECEIPT, SPENDING, TOTAL)

IN_CURRENCY = frozenset({"amount", "pledged", "received", "withdrawn", "outstanding"})
IN_USD = frozenset({"usd_amount", "spent", "unspent"})
MONEY = IN_CURRENCY | IN_USD

# The columns of each section (amounts last) and the label of their heading.
SECTION_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    PLEDGE: (
        ("id", "donor.col.pledge"),
        ("date", "donor.col.pledged_on"),
        ("fund", "fund"),
        ("earmark", "donor.col.earmark"),
        ("occasion", "donor.col.occasion"),
        ("status", "donor.col.status"),
        ("currency", "donor.col.currency"),
        ("amount", "donor.col.pledged"),
        ("received", "donor.col.received"),
        ("withdrawn", "donor.col.withdrawn"),
        ("outstanding", "donor.col.outstanding"),
    ),
    RECEIPT: (
        ("id", "donor.col.receipt"),
        ("date", "donor.col.value_on"),
        ("fund", "fund"),
        ("earmark", "donor.col.earmark"),
        ("pledge_ids", "donor.col.pledge_ids"),
        ("currency", "donor.col.currency"),
        ("amount", "donor.col.amount"),
        ("usd_amount", "donor.col.usd_amount"),
    ),
    SPENDING: (
        ("fund", "fund"),
        ("earmark", "donor.col.earmark"),
        ("spent", "donor.col.spent"),
        ("unspent", "donor.col.unspent"),
    ),
    TOTAL: (
        ("currency", "donor.col.currency"),
        ("pledged", "donor.col.pledged_year"),
        ("received", "donor.col.received_year"),
        ("outstanding", "donor.col.outstanding_all"),
        ("usd_amount", "donor.col.received_usd"),
        ("spent", "donor.col.spent"),
        ("unspent", "donor.col.unspent"),
    ),
}

# The CSV's columns: every section's, once each.
CSV_COLUMNS = (
    "section",
    "id",
    "date",
    "fund",
    "earmark",
    "occasion",
    "status",
    "pledge_ids",
    "currency",
    "amount",
    "pledged",
    "received",
    "withdrawn",
    "outstanding",
    "usd_amount",
    "spent",
    "unspent",
)

LABELS: dict[str, dict[Language, str]] = {
    "donor.title": {
        Language.EN: "Statement of voluntary contributions",
        Language.FR: "État des contributions volontaires",
        Language.ES: "Estado de las contribuciones voluntarias",
    },
    "donor.donor": {Language.EN: "Donor", Language.FR: "Donateur", Language.ES: "Donante"},
    "donor.as_at": {
        Language.EN: "Position as at {day}",
        Language.FR: "Situation au {day}",
        Language.ES: "Situación al {day}",
    },
    "donor.known_at": {
        Language.EN: "as recorded at {moment}",
        Language.FR: "d'après les écritures enregistrées au {moment}",
        Language.ES: "según los asientos registrados al {moment}",
    },
    "donor.section.pledge": {
        Language.EN: "Pledges",
        Language.FR: "Annonces de contributions",
        Language.ES: "Promesas de contribución",
    },
    "donor.section.receipt": {
        Language.EN: "Contributions received",
        Language.FR: "Contributions reçues",
        Language.ES: "Contribuciones recibidas",
    },
    "donor.section.spending": {
        Language.EN: "Use of the contributions",
        Language.FR: "Utilisation des contributions",
        Language.ES: "Utilización de las contribuciones",
    },
    "donor.section.total": {
        Language.EN: "Totals by currency",
        Language.FR: "Totaux par monnaie",
        Language.ES: "Totales por moneda",
    },
    "donor.sheet.pledge": {
        Language.EN: "Pledges",
        Language.FR: "Annonces",
        Language.ES: "Promesas",
    },
    "donor.sheet.receipt": {
        Language.EN: "Receipts",
        Language.FR: "Versements",
        Language.ES: "Ingresos",
    },
    "donor.sheet.spending": {
        Language.EN: "Spending",
        Language.FR: "Dépenses",
        Language.ES: "Gastos",
    },
    "donor.sheet.total": {Language.EN: "Totals", Language.FR: "Totaux", Language.ES: "Totales"},
    "donor.col.pledge": {
        Language.EN: "Pledge no.",
        Language.FR: "Annonce n°",
        Language.ES: "Promesa n.º",
    },
    "donor.col.receipt": {
        Language.EN: "Receipt no.",
        Language.FR: "Versement n°",
        Language.ES: "Ingreso n.º",
    },
    "donor.col.pledged_on": {
        Language.EN: "Pledged on",
        Language.FR: "Date de l'annonce",
        Language.ES: "Fecha de la promesa",
    },
    "donor.col.value_on": {
        Language.EN: "Value date",
        Language.FR: "Date de valeur",
        Language.ES: "Fecha valor",
    },
    "donor.col.earmark": {
        Language.EN: "Earmark",
        Language.FR: "Affectation",
        Language.ES: "Asignación",
    },
    "donor.col.occasion": {
        Language.EN: "Occasion",
        Language.FR: "Occasion",
        Language.ES: "Ocasión",
    },
    "donor.col.status": {Language.EN: "Status", Language.FR: "Statut", Language.ES: "Estado"},
    "donor.col.currency": {
        Language.EN: "Currency",
        Language.FR: "Monnaie",
        Language.ES: "Moneda",
    },
    "donor.col.pledged": {
        Language.EN: "Pledged",
        Language.FR: "Annoncé",
        Language.ES: "Prometido",
    },
    "donor.col.received": {
        Language.EN: "Received",
        Language.FR: "Reçu",
        Language.ES: "Recibido",
    },
    "donor.col.withdrawn": {
        Language.EN: "Withdrawn",
        Language.FR: "Retiré",
        Language.ES: "Retirado",
    },
    "donor.col.outstanding": {
        Language.EN: "Outstanding",
        Language.FR: "Restant dû",
        Language.ES: "Pendiente",
    },
    "donor.col.amount": {Language.EN: "Amount", Language.FR: "Montant", Language.ES: "Monto"},
    "donor.col.usd_amount": {
        Language.EN: "US dollar value",
        Language.FR: "Contre-valeur en USD",
        Language.ES: "Contravalor en USD",
    },
    "donor.col.pledge_ids": {
        Language.EN: "Pledges settled",
        Language.FR: "Annonces réglées",
        Language.ES: "Promesas saldadas",
    },
    "donor.col.spent": {
        Language.EN: "Spent in the year (USD)",
        Language.FR: "Dépensé dans l'exercice (USD)",
        Language.ES: "Gastado en el ejercicio (USD)",
    },
    "donor.col.unspent": {
        Language.EN: "Unspent (USD)",
        Language.FR: "Non dépensé (USD)",
        Language.ES: "No gastado (USD)",
    },
    "donor.col.pledged_year": {
        Language.EN: "Pledged in the year",
        Language.FR: "Annoncé dans l'exercice",
        Language.ES: "Prometido en el ejercicio",
    },
    "donor.col.received_year": {
        Language.EN: "Received in the year",
        Language.FR: "Reçu dans l'exercice",
        Language.ES: "Recibido en el ejercicio",
    },
    "donor.col.outstanding_all": {
        Language.EN: "Outstanding on all pledges",
        Language.FR: "Restant dû sur toutes les annonces",
        Language.ES: "Pendiente sobre todas las promesas",
    },
    "donor.col.received_usd": {
        Language.EN: "Received in the year (USD value)",
        Language.FR: "Reçu dans l'exercice (contre-valeur en USD)",
        Language.ES: "Recibido en el ejercicio (contravalor en USD)",
    },
    "donor.total": {Language.EN: "Total", Language.FR: "Total", Language.ES: "Total"},
    "donor.all_currencies": {
        Language.EN: "All currencies (USD value)",
        Language.FR: "Toutes monnaies (contre-valeur en USD)",
        Language.ES: "Todas las monedas (contravalor en USD)",
    },
    "donor.not_earmarked": {
        Language.EN: "Not earmarked",
        Language.FR: "Non affecté",
        Language.ES: "Sin asignación específica",
    },
    "donor.none": {Language.EN: "None", Language.FR: "Néant", Language.ES: "Ninguno"},
    "donor.status.open": {Language.EN: "Open", Language.FR: "Ouverte", Language.ES: "Abierta"},
    "donor.status.partly_received": {
        Language.EN: "Partly received",
        Language.FR: "Partiellement reçue",
        Language.ES: "Recibida en parte",
    },
    "donor.status.fulfilled": {
        Language.EN: "Fulfilled",
        Language.FR: "Honorée",
        Language.ES: "Cumplida",
    },
    "donor.status.withdrawn": {
        Language.EN: "Withdrawn",
        Language.FR: "Retirée",
        Language.ES: "Retirada",
    },
    "donor.received_usd": {
        Language.EN: "Received in the year (US dollar value)",
        Language.FR: "Reçu dans l'exercice (contre-valeur en dollars des États-Unis)",
        Language.ES: "Recibido en el ejercicio (contravalor en dólares de los Estados Unidos)",
    },
    "donor.spent_usd": {
        Language.EN: "Spent in the year from the donor's contributions",
        Language.FR: "Dépensé dans l'exercice sur les contributions du donateur",
        Language.ES: "Gastado en el ejercicio con cargo a las contribuciones del donante",
    },
    "donor.note": {
        Language.EN: "Pledges and receipts are shown in their own currency, with the US dollar "
        "value of each receipt. Spending is in US dollars: the donor's contributions are used "
        "oldest receipt first within each fund and earmark.",
        Language.FR: "Les annonces de contributions et les versements sont indiqués dans leur "
        "monnaie, avec la contre-valeur en dollars des États-Unis de chaque versement. Les "
        "dépenses sont exprimées en dollars des États-Unis : les contributions du donateur "
        "sont utilisées dans l'ordre des versements, le plus ancien d'abord, au sein de chaque "
        "fonds et de chaque affectation.",
        Language.ES: "Las promesas de contribución y los ingresos se indican en su moneda, con "
        "el contravalor en dólares de los Estados Unidos de cada ingreso. Los gastos se "
        "expresan en dólares de los Estados Unidos: las contribuciones del donante se utilizan "
        "por orden de los ingresos, el más antiguo primero, dentro de cada fondo y cada "
        "asignación.",
    },
}


class DonorStatementFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"


MEDIA_TYPES = {
    DonorStatementFormat.JSON: "application/json",
    DonorStatementFormat.CSV: "text/csv; charset=utf-8",
    DonorStatementFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    DonorStatementFormat.PDF: "application/pdf",
}


class DonorPledgeOut(BaseModel):
    pledge_id: int
    pledged_on: date
    fund: str
    earmark: str | None
    occasion: str | None
    currency: str
    amount: str = Field(description="Amount pledged, in the pledge's currency.")
    received: str = Field(description="Settled by receipts, in the pledge's currency.")
    withdrawn: str = Field(description="Withdrawn, in the pledge's currency.")
    outstanding: str = Field(description="Still to be received, in the pledge's currency.")
    status: str = Field(description="open, partly_received, fulfilled or withdrawn.")


class DonorReceiptOut(BaseModel):
    receipt_id: int
    value_on: date
    fund: str
    earmark: str | None
    currency: str
    amount: str = Field(description="Amount received, in ``currency``.")
    usd_amount: str = Field(description="Its value in US dollars.")
    pledge_ids: list[int] = Field(description="The pledges it settled.")


class DonorSpendingOut(BaseModel):
    fund: str
    earmark: str | None
    spent: str = Field(description="US dollars spent in the year from the donor's money.")
    unspent: str = Field(description="US dollars of the donor's money still unspent.")


class DonorCurrencyTotalOut(BaseModel):
    currency: str
    pledged: str = Field(description="Pledged in the year.")
    received: str = Field(description="Received in the year against any pledge.")
    outstanding: str = Field(description="Outstanding at the end on every pledge.")


class DonorStatementOut(BaseModel):
    donor_id: int
    donor_name: str
    year: int
    as_at: date
    known_at: datetime | None
    received_usd: str = Field(description="US dollar value of the receipts of the year.")
    spent_usd: str = Field(description="US dollars spent in the year from the donor's money.")
    pledges: list[DonorPledgeOut]
    receipts: list[DonorReceiptOut]
    spending: list[DonorSpendingOut]
    totals: list[DonorCurrencyTotalOut]


def to_model(s: DonorStatement) -> DonorStatementOut:
    """The JSON shape of a donor statement (amounts as decimal strings of their currency)."""
    return DonorStatementOut(
        donor_id=s.donor_id,
        donor_name=s.donor_name,
        year=s.year,
        as_at=s.as_at,
        known_at=s.known_at,
        received_usd=format_minor(s.received_usd_minor),
        spent_usd=format_minor(s.spent_usd_minor),
        pledges=[
            DonorPledgeOut(
                pledge_id=p.pledge_id,
                pledged_on=p.pledged_on,
                fund=p.fund,
                earmark=p.earmark,
                occasion=p.occasion,
                currency=p.currency,
                amount=format_minor(p.amount_minor, decimals_of(p.currency)),
                received=format_minor(p.received_minor, decimals_of(p.currency)),
                withdrawn=format_minor(p.withdrawn_minor, decimals_of(p.currency)),
                outstanding=format_minor(p.outstanding_minor, decimals_of(p.currency)),
                status=p.status,
            )
            for p in s.pledges
        ],
        receipts=[
            DonorReceiptOut(
                receipt_id=r.receipt_id,
                value_on=r.value_on,
                fund=r.fund,
                earmark=r.earmark,
                currency=r.currency,
                amount=format_minor(r.amount_minor, decimals_of(r.currency)),
                usd_amount=format_minor(r.usd_minor),
                pledge_ids=list(r.pledge_ids),
            )
            for r in s.receipts
        ],
        spending=[
            DonorSpendingOut(
                fund=x.fund,
                earmark=x.earmark,
                spent=format_minor(x.spent_minor),
                unspent=format_minor(x.unspent_minor),
            )
            for x in s.spending
        ],
        totals=[
            DonorCurrencyTotalOut(
                currency=t.currency,
                pledged=format_minor(t.pledged_minor, decimals_of(t.currency)),
                received=format_minor(t.received_minor, decimals_of(t.currency)),
                outstanding=format_minor(t.outstanding_minor, decimals_of(t.currency)),
            )
            for t in s.totals
        ],
    )


Cell = str | int | date | tuple[int, ...] | None
Row = dict[str, Cell]


def _table(s: DonorStatement) -> list[tuple[str, Row]]:
    """(section, cells by column) per row, amounts as minor units: the rows every format
    shares. The ``total`` section ends with the US dollar values (no ``currency``)."""
    out: list[tuple[str, Row]] = []
    for p in s.pledges:
        out.append(
            (
                PLEDGE,
                {
                    "id": p.pledge_id,
                    "date": p.pledged_on,
                    "fund": p.fund,
                    "earmark": p.earmark,
                    "occasion": p.occasion,
                    "status": p.status,
                    "currency": p.currency,
                    "amount": p.amount_minor,
                    "received": p.received_minor,
                    "withdrawn": p.withdrawn_minor,
                    "outstanding": p.outstanding_minor,
                },
            )
        )
    for r in s.receipts:
        out.append(
            (
                RECEIPT,
                {
                    "id": r.receipt_id,
                    "date": r.value_on,
                    "fund": r.fund,
                    "earmark": r.earmark,
                    "pledge_ids": r.pledge_ids,
                    "currency": r.currency,
                    "amount": r.amount_minor,
                    "usd_amount": r.usd_minor,
                },
            )
        )
    for x in s.spending:
        out.append(
            (
                SPENDING,
                {
                    "fund": x.fund,
                    "earmark": x.earmark,
                    "spent": x.spent_minor,
                    "unspent": x.unspent_minor,
                },
            )
        )
    for t in s.totals:
        out.append(
            (
                TOTAL,
                {
                    "currency": t.currency,
                    "pledged": t.pledged_minor,
                    "received": t.received_minor,
                    "outstanding": t.outstanding_minor,
                },
            )
        )
    out.append(
        (
            TOTAL,
            {
                "currency": None,
                "usd_amount": s.received_usd_minor,
                "spent": s.spent_usd_minor,
                "unspent": sum(x.unspent_minor for x in s.spending),
            },
        )
    )
    return out


def _rows(table: list[tuple[str, Row]], section: str) -> list[Row]:
    return [cells for name, cells in table if name == section]


def _minor(row: Row, column: str) -> int | None:
    value = row.get(column)
    return value if isinstance(value, int) else None


def _decimals(row: Row, column: str) -> int:
    """Decimals of an amount: US dollars, or the row's currency."""
    currency = row.get("currency")
    if column in IN_USD or not isinstance(currency, str):
        return USD_DECIMALS
    return decimals_of(currency)


def _sums(section: str, rows: list[Row]) -> list[Row]:
    """The total lines under a section's rows: one per currency for the amounts in a
    currency (with the US dollar value of that currency's rows), then one over every row
    for the US dollar amounts. None for the totals section, which holds totals already."""
    if section == TOTAL or not rows:
        return []
    columns = [c for c, _ in SECTION_COLUMNS[section]]
    out: list[Row] = []
    if "currency" in columns:
        for currency in sorted({str(r["currency"]) for r in rows}):
            mine = [r for r in rows if r["currency"] == currency]
            line: Row = {"currency": currency}
            line.update({c: sum(_minor(r, c) or 0 for r in mine) for c in columns if c in MONEY})
            out.append(line)
    usd = [c for c in columns if c in IN_USD]
    if usd:
        out.append({c: sum(_minor(r, c) or 0 for r in rows) for c in usd})
    return out


def _language(language: str) -> Language:
    try:
        return Language(language)
    except ValueError:
        choices = ", ".join(x.value for x in Language)
        raise ValidationFailed(
            f"language {language!r} is not one of {choices}",
            fields={"language": f"one of {choices}"},
        ) from None


def _t(key: str, language: Language, **values: object) -> str:
    """The label ``key`` (shared labels of ``reports.i18n`` first, then this module's)."""
    text = label(key, language, default=LABELS[key][language] if key in LABELS else None)
    return text.format(**values) if values else text


def _moment(value: datetime, language: Language) -> str:
    """A point in time written out in UTC, e.g. "15 janvier 2025 à 09:00:00 UTC"."""
    return format_datetime(value, format="long", tzinfo=UTC, locale=language.value)


def _position(s: DonorStatement, language: Language) -> str:
    """The statement's date in words, e.g. "Position as at 31 December 2024, as recorded
    at ..."."""
    text = _t("donor.as_at", language, day=day(s.as_at, language))
    if s.known_at is not None:
        text += ", " + _t("donor.known_at", language, moment=_moment(s.known_at, language))
    return text


def _title(s: DonorStatement, language: Language) -> str:
    return f"{_t('donor.title', language)} — {s.donor_name} — {s.year}"


def _words(column: str, value: Cell, language: Language) -> str:
    """A cell that is neither an amount nor a date, as a reader sees it in ``language``."""
    if column == "earmark" and value is None:
        return _t("donor.not_earmarked", language)
    if column == "currency" and value is None:
        return _t("donor.all_currencies", language)
    if column == "status" and f"donor.status.{value}" in LABELS:
        return _t(f"donor.status.{value}", language)
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _amount(minor: int, decimals: int, language: Language) -> str:
    """``123456``, 2 → "1,234.56" / "1 234,56" / "1234,56" (no currency sign)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(Decimal(minor).scaleb(-decimals), format=pattern, locale=language.value)


def render_csv(s: DonorStatement) -> bytes:
    """One table: a ``section`` column, then every section's columns (blank where a
    section has none); plain decimals, ISO 8601 dates, no locale."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for section, row in _table(s):
        cells: list[str] = [section]
        for column in CSV_COLUMNS[1:]:
            value = row.get(column)
            if value is None:
                cells.append("")
            elif column in MONEY and isinstance(value, int):
                cells.append(format_minor(value, _decimals(row, column)))
            elif isinstance(value, date):
                cells.append(value.isoformat())
            elif isinstance(value, tuple):
                cells.append(" ".join(str(v) for v in value))
            elif isinstance(value, int):
                cells.append(str(value))
            else:
                cells.append(text_safe(value))
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8")


HEADER_ROW = 3  # title, position and demo mark above the column headings
WIDTHS = {"date": 12, "fund": 10, "earmark": 28, "occasion": 24, "status": 18, "currency": 14}


class _Formats:
    """The cell formats of a workbook; money formats are made once per number of decimals."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.title = book.add_format({"bold": True, "font_size": 14, "font_color": "#1d4e89"})
        self.warn = book.add_format({"bold": True, "font_color": "#b3261e"})
        heading = {"bold": True, "text_wrap": True, "valign": "top", "bottom": 1}
        self.heading = book.add_format(heading)
        self.heading_amount = book.add_format({**heading, "align": "right"})
        self.day = book.add_format({"num_format": "yyyy-mm-dd", "align": "left"})
        self.total = book.add_format({"bold": True, "top": 1})
        self.none = book.add_format({"italic": True, "font_color": "#55606b"})
        self._money: dict[tuple[int, bool], Any] = {}

    def money(self, decimals: int, *, total: bool = False) -> Any:
        """``#,##0.00`` with the currency's decimals (bold, ruled above, on a total line)."""
        key = (decimals, total)
        if key not in self._money:
            digits = "#,##0" + ("." + "0" * decimals if decimals else "")
            spec: dict[str, object] = {"num_format": f"{digits};-{digits}"}
            if total:
                spec.update({"bold": True, "top": 1})
            self._money[key] = self.book.add_format(spec)
        return self._money[key]


def _created(s: DonorStatement) -> datetime:
    """The workbook's creation time, fixed by the statement so that the same statement
    always gives the same file."""
    if s.known_at is None:
        return datetime(s.as_at.year, s.as_at.month, s.as_at.day, tzinfo=UTC)
    return s.known_at if s.known_at.tzinfo is None else s.known_at.astimezone(UTC)


def _write_sheet(
    sheet: Any,
    formats: _Formats,
    section: str,
    rows: list[Row],
    s: DonorStatement,
    language: Language,
    *,
    demo: bool,
) -> None:
    """One section: title lines, headings (frozen, filtered), rows, then total lines."""
    columns = [column for column, _ in SECTION_COLUMNS[section]]
    sheet.write_string(0, 0, _title(s, language), formats.title)
    sheet.write_string(1, 0, _position(s, language))
    if demo:
        sheet.write_string(2, 0, _t("illustrative", language), formats.warn)
    for c, (column, key) in enumerate(SECTION_COLUMNS[section]):
        heading = formats.heading_amount if column in MONEY else formats.heading
        sheet.write_string(HEADER_ROW, c, _t(key, language), heading)
        sheet.set_column(c, c, 16 if column in MONEY else WIDTHS.get(column, 12))
    first = HEADER_ROW + 1
    last = HEADER_ROW + len(rows)
    for r, row in enumerate(rows, start=first):
        for c, column in enumerate(columns):
            value = row.get(column)
            minor = _minor(row, column)
            if column in MONEY:
                if minor is not None:
                    decimals = _decimals(row, column)
                    money = formats.money(decimals)
                    sheet.write_number(r, c, Decimal(minor).scaleb(-decimals), money)
            elif isinstance(value, date):
                sheet.write_datetime(r, c, value, formats.day)
            elif isinstance(value, int):
                sheet.write_number(r, c, value)
            elif text := _words(column, value, language):
                sheet.write_string(r, c, text_safe(text))
    if not rows:
        sheet.write_string(first, 0, _t("donor.none", language), formats.none)
    sheet.freeze_panes(first, 0)
    sheet.autofilter(HEADER_ROW, 0, max(last, first), len(columns) - 1)
    by_currency = columns.index("currency") if "currency" in columns else None
    for r, line in enumerate(_sums(section, rows), start=last + 1):
        sheet.write_string(r, 0, _t("donor.total", language), formats.total)
        currency = line.get("currency")
        if isinstance(currency, str) and by_currency is not None:
            sheet.write_string(r, by_currency, text_safe(currency), formats.total)
        for c, column in enumerate(columns):
            minor = _minor(line, column)
            if column not in MONEY or minor is None:
                continue
            values = xl_range_abs(first, c, last, c)
            if isinstance(currency, str) and by_currency is not None:
                codes = xl_range_abs(first, by_currency, last, by_currency)
                formula = f"=SUMIF({codes},{xl_rowcol_to_cell(r, by_currency)},{values})"
            else:
                formula = f"=SUM({values})"
            decimals = _decimals(line, column)
            sheet.write_formula(
                r, c, formula, formats.money(decimals, total=True), Decimal(minor).scaleb(-decimals)
            )


def render_xlsx(s: DonorStatement, language: Language, *, demo: bool = False) -> bytes:
    """A sheet per section: headings frozen and filtered, amounts as numbers with the
    decimals of their currency, total lines as formulas (with their values) below."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    book.set_properties(
        {
            "title": _title(s, language),
            "subject": _position(s, language),
            "author": _t("secretariat", language),
            "company": _t("secretariat", language),
            "comments": _t("illustrative", language) if demo else "",
            "created": _created(s),
        }
    )
    formats = _Formats(book)
    table = _table(s)
    for section in SECTIONS:
        sheet = book.add_worksheet(_t(f"donor.sheet.{section}", language))
        _write_sheet(sheet, formats, section, _rows(table, section), s, language, demo=demo)
    book.close()
    return buffer.getvalue()


Html = tuple[str, str]  # a table cell's text and its CSS class ("amount", "date" or "")


@dataclass(frozen=True, slots=True)
class _HtmlTable:
    """One section as the template shows it: its headings, rows and total lines."""

    section: str
    caption: str
    headings: list[Html]
    rows: list[list[Html]]
    sums: list[list[Html]]


def _html_cells(
    columns: Sequence[tuple[str, str]], row: Row, language: Language, *, total: bool = False
) -> list[Html]:
    """A row's cells as text in ``language``; on a total line, "Total" then only the
    currency and the amounts."""
    cells: list[Html] = []
    for i, (column, _) in enumerate(columns):
        value = row.get(column)
        minor = _minor(row, column)
        if column in MONEY:
            text = "" if minor is None else _amount(minor, _decimals(row, column), language)
            cells.append((text, "amount"))
        elif total and i == 0:
            cells.append((_t("donor.total", language), ""))
        elif total and column != "currency":
            cells.append(("", ""))
        elif isinstance(value, date):
            cells.append((day(value, language), "date"))
        else:
            cells.append((_words(column, value, language), ""))
    return cells


def render_html(s: DonorStatement, language: Language, *, demo: bool = False) -> str:
    """The statement as an HTML page (A4, the source of the PDF)."""
    table = _table(s)
    sections = []
    for section in SECTIONS:
        columns = SECTION_COLUMNS[section]
        rows = _rows(table, section)
        sections.append(
            _HtmlTable(
                section=section,
                caption=_t(f"donor.section.{section}", language),
                headings=[
                    (_t(key, language), "amount" if column in MONEY else "")
                    for column, key in columns
                ],
                rows=[_html_cells(columns, r, language) for r in rows],
                sums=[_html_cells(columns, r, language, total=True) for r in _sums(section, rows)],
            )
        )
    return (
        templates()
        .get_template("donor_statement.html.j2")
        .render(
            s=s,
            lang=language.value,
            title=_t("donor.title", language),
            position=_position(s, language),
            sections=sections,
            received_usd=money(s.received_usd_minor, language),
            spent_usd=money(s.spent_usd_minor, language),
            demo=demo,
            t=lambda key: _t(key, language),
        )
    )


def render_pdf(s: DonorStatement, language: Language, *, demo: bool = False) -> bytes:
    """The statement as a PDF (needs the system's Pango library)."""
    return html_to_pdf(render_html(s, language, demo=demo))


def render(
    s: DonorStatement, fmt: DonorStatementFormat, *, language: str = "en", demo: bool = False
) -> bytes:
    """The statement in ``fmt``; ``language`` (en, fr, es) sets the labels of xlsx and PDF,
    ``demo`` marks them as illustrative data."""
    lang = _language(language)
    if fmt is DonorStatementFormat.CSV:
        return render_csv(s)
    if fmt is DonorStatementFormat.XLSX:
        return render_xlsx(s, lang, demo=demo)
    if fmt is DonorStatementFormat.PDF:
        return render_pdf(s, lang, demo=demo)
    return to_model(s).model_dump_json(indent=2).encode("utf-8")


def filename(s: DonorStatement, fmt: DonorStatementFormat) -> str:
    """``donor-statement-<donor name as ASCII words>-<year>.<format>``."""
    ascii_name = unicodedata.normalize("NFKD", s.donor_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    return f"donor-statement-{slug or s.donor_id}-{s.year}.{fmt.value}"
