"""A cell's value as each format writes it: locale-free text for csv and json, words and
numbers of a language for html and pdf (the xlsx writer keeps numbers as numbers)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from finance_core.money import format_minor
from reports.document import Column, ColumnKind, Report
from reports.i18n import Language, label


def plain_text(column: Column, value: Any) -> str | int | None:
    """The csv/json value: money and rates as decimal strings ("1234.56", "93.45"),
    dates ISO 8601, counts as integers, text unchanged."""
    if value is None:
        return None
    if column.kind == ColumnKind.MONEY:
        return format_minor(int(value))
    if column.kind == ColumnKind.RATE:
        return format_minor(int(value), 2)
    if column.kind == ColumnKind.DATE:
        return value.isoformat() if isinstance(value, date) else str(value)
    if column.kind == ColumnKind.INTEGER:
        return int(value)
    return str(value)


def amount_text(minor: int, language: Language) -> str:
    """US cents as a number of the language: 123456 → "1,234.56" / "1 234,56"."""
    return format_decimal(Decimal(minor).scaleb(-2), format="#,##0.00", locale=language.value)


def rate_text(hundredths: int, language: Language) -> str:
    """Hundredths of a percent as a percentage of the language: 9345 → "93.45 %"."""
    value = Decimal(hundredths).scaleb(-2)
    return f"{format_decimal(value, format='#,##0.00', locale=language.value)} %"


def value_label(column: Column, value: Any, language: Language) -> str:
    """The words of a ``LABEL`` column's code (the code itself when it has no label)."""
    return _label_of(column.labels, str(value), language)


@lru_cache(maxsize=4096)
def _label_of(prefix: str, code: str, language: Language) -> str:
    return label(f"{prefix}{code}", language, default=code)


def local_text(column: Column, value: Any, language: Language) -> str:
    """The text of a cell in html and pdf."""
    if value is None:
        return ""
    if column.kind == ColumnKind.MONEY:
        return amount_text(int(value), language)
    if column.kind == ColumnKind.RATE:
        return rate_text(int(value), language)
    if column.kind == ColumnKind.DATE and isinstance(value, date):
        return format_date(value, format="medium", locale=language.value)
    if column.kind == ColumnKind.INTEGER:
        return str(int(value))
    if column.kind == ColumnKind.LABEL:
        return value_label(column, value, language)
    return str(value)


def t(key: str, language: Language, **values: object) -> str:
    """The label ``key`` with its ``{placeholders}`` filled in."""
    text = label(key, language)
    return text.format(**values) if values else text


def known_utc(report: Report) -> datetime:
    """The report's ``known_at`` in UTC: the time rendered files carry."""
    known = report.known_at
    return known.replace(tzinfo=UTC) if known.tzinfo is None else known.astimezone(UTC)


def position(report: Report, language: Language) -> str:
    """ "As at 31 December 2025, as recorded by 15 January 2026 10:00 UTC"."""
    moment = known_utc(report)
    known = (
        f"{format_date(moment.date(), format='long', locale=language.value)} "
        f"{format_datetime(moment, format='HH:mm', locale=language.value)}"
    )
    return t(
        "report.position",
        language,
        as_at=format_date(report.as_at, format="long", locale=language.value),
        known_at=f"{known} UTC",
    )


def title(report: Report, language: Language) -> str:
    return t(report.title, language, **report.parameters)


def subtitle(report: Report, language: Language) -> str | None:
    if report.subtitle is None:
        return None
    return t(report.subtitle, language, **report.subtitle_values)
