"""A report as data: the tables, headline figures and charts every format renders.

A read model (``reports/status.py``, ``reports/committee_pack.py``, ...) builds a
``Report``; the renderers in ``reports/render/`` turn it into xlsx, csv, json, html and
pdf without knowing which report it is. Tables are pandas DataFrames whose columns are
described by ``Column``: money columns hold integer US cents (never floats), rate columns
integer hundredths of a percent (``9345`` = 93.45 %), date columns ``datetime.date``
values, and text columns strings (``None`` when empty). Labels are i18n keys
(``reports/report_labels.py``), so the same report renders in English, French and Spanish.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import pandas as pd


class ColumnKind(StrEnum):
    """How a column's values are stored and shown."""

    TEXT = "text"  # free text or a code, shown as is
    LABEL = "label"  # a code shown through the label ``<Column.labels><code>``
    INTEGER = "integer"  # a count or a year
    MONEY = "money"  # integer US cents
    RATE = "rate"  # integer hundredths of a percent
    DATE = "date"  # datetime.date


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table: its key (the csv/json name), its heading's label key, its
    kind, whether its total is shown, and for ``LABEL`` columns the prefix of the labels
    of its values."""

    key: str
    label: str
    kind: ColumnKind = ColumnKind.TEXT
    total: bool = False
    labels: str = ""
    width: int | None = None


class ChartKind(StrEnum):
    BAR = "bar"  # grouped vertical bars, one group per category
    STACKED = "stacked"  # horizontal bars, the series stacked
    LINE = "line"  # one line per series over the categories


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart of a table: ``category`` names the column along the axis, ``series`` the
    money or rate columns drawn; ``limit`` keeps the first rows only (tables are sorted
    so that these are the ones that matter)."""

    kind: ChartKind
    category: str
    series: tuple[str, ...]
    title: str
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """One table of a report (a sheet of the workbook, a csv file, a section of the page).

    ``total_by`` names a column whose values group the total lines (one line per value,
    summed with SUMIF in the workbook); otherwise a single total line is shown when any
    column has ``total``. ``on_page``: whether the html page (and so the pdf) shows the
    table; a long detail table may live in the files only (xlsx, csv, json)."""

    key: str
    title: str
    columns: tuple[Column, ...]
    frame: pd.DataFrame
    chart: Chart | None = None
    total_by: str | None = None
    note: str | None = None
    on_page: bool = True

    def __post_init__(self) -> None:
        missing = [c.key for c in self.columns if c.key not in self.frame.columns]
        if missing:
            raise ValueError(f"table {self.key}: the frame has no column {', '.join(missing)}")

    @property
    def has_totals(self) -> bool:
        return any(c.total for c in self.columns)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def records(self) -> Iterator[tuple[Any, ...]]:
        """The rows as tuples of plain Python values in column order (NaN/NA → None)."""
        frame = self.frame[[c.key for c in self.columns]]
        for row in frame.itertuples(index=False, name=None):
            yield tuple(plain(v) for v in row)

    def totals(self) -> list[tuple[Any, dict[str, int]]]:
        """The total lines: (group value or None, column key → sum) for ``total`` columns.
        Sums are exact integers (money in cents, counts)."""
        keys = [c.key for c in self.columns if c.total]
        if not keys:
            return []
        if self.total_by is None:
            return [(None, {k: _int_sum(self.frame[k]) for k in keys})]
        groups = self.frame.groupby(self.total_by, sort=True, dropna=False)
        return [(plain(value), {k: _int_sum(part[k]) for k in keys}) for value, part in groups]


@dataclass(frozen=True, slots=True)
class Fact:
    """A headline figure: its key, label key, kind and value (as in a table cell)."""

    key: str
    label: str
    kind: ColumnKind
    value: Any


@dataclass(frozen=True, slots=True)
class Report:
    """A report as at ``(as_at, known_at)``: ``name`` is its catalogue name, ``title`` and
    ``subtitle`` label keys (``subtitle_values`` fill the subtitle's ``{placeholders}``),
    ``parameters`` what it was asked for (year, plan, ...; strings), ``demo`` whether it
    was built from demo data."""

    name: str
    title: str
    as_at: date
    known_at: datetime
    demo: bool
    tables: tuple[Table, ...]
    facts: tuple[Fact, ...] = ()
    parameters: Mapping[str, str] = field(default_factory=dict)
    subtitle: str | None = None
    subtitle_values: Mapping[str, str] = field(default_factory=dict)
    notes: Sequence[str] = ()

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)


def plain(value: Any) -> Any:
    """A cell value as a plain Python value: numpy scalars unwrapped, NaN/NA as None."""
    if _missing(value):
        return None
    item = getattr(value, "item", None)
    return item() if callable(item) and not isinstance(value, date | str) else value


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (value != value)


def _int_sum(series: pd.Series) -> int:
    """An exact integer sum of an integer column (None and NA count as zero)."""
    return int(pd.to_numeric(series).fillna(0).astype("int64").sum())


def rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator in hundredths of a percent, rounded half up, exactly in
    integers; NA where the denominator is zero."""
    num = numerator.astype("int64")
    den = denominator.astype("int64")
    safe = den.where(den != 0, 1)
    value = (num * 20000 + safe) // (2 * safe)
    return value.astype("Int64").where(den != 0, pd.NA)
