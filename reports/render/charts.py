"""Charts as inline SVG drawn by matplotlib (no JavaScript; text stays text, so a screen
reader and a search can read it). The same table always gives the same SVG: ids are
salted with a constant and the file carries no date."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pandas as pd
from babel.numbers import format_decimal

from reports.document import ChartKind, ColumnKind, Table
from reports.i18n import Language
from reports.render.cells import local_text, t

PALETTE = ("#1d4e89", "#d9822b", "#3c8d5a", "#8c3b7d", "#6b7a8a", "#b3261e")


@lru_cache(maxsize=1)
def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "attfin",
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    import matplotlib.pyplot as plt

    return plt


def _plotted(kind: ColumnKind, value: Any) -> float:
    """Where a cell's bar or point is drawn: US dollars for money (cents / 100), percent
    for rates (hundredths / 100), the value itself for counts. Drawing positions only:
    matplotlib plots in floats, but no figure of a report is computed from these, and the
    exact amounts are in the table beside each chart."""
    if value is None or pd.isna(value):  # a missing cell (None, NA, NaN) draws nothing
        return 0.0
    if kind in (ColumnKind.MONEY, ColumnKind.RATE):
        return float(Decimal(int(value)).scaleb(-2))
    return float(value)


def chart_svg(table: Table, language: Language) -> str | None:
    """The table's chart as an ``<svg>`` element, or None when it has no chart or rows."""
    spec = table.chart
    if spec is None or table.frame.empty:
        return None
    plt = _pyplot()
    frame = table.frame if spec.limit is None else table.frame.head(spec.limit)
    category = table.column(spec.category)
    labels = [local_text(category, v, language) for v in frame[spec.category]]
    series = [table.column(k) for k in spec.series]
    kind = series[0].kind
    height = 3.6 if spec.kind != ChartKind.STACKED else max(2.4, 0.32 * len(labels) + 1.2)
    fig, ax = plt.subplots(figsize=(7.2, height))
    positions = list(range(len(labels)))
    width = 0.8 / max(1, len(series))
    left = [0.0] * len(labels)
    for i, column in enumerate(series):
        values = [_plotted(column.kind, v) for v in frame[column.key]]
        colour = PALETTE[i % len(PALETTE)]
        name = t(column.label, language)
        if spec.kind == ChartKind.BAR:
            shifted = [p - 0.4 + width * (i + 0.5) for p in positions]
            ax.bar(shifted, values, width=width, color=colour, label=name)
        elif spec.kind == ChartKind.STACKED:
            ax.barh(positions, values, left=left, color=colour, label=name)
            left = [a + b for a, b in zip(left, values, strict=True)]
        else:
            ax.plot(positions, values, color=colour, marker="o", label=name)
    ticks = ax.set_yticks if spec.kind == ChartKind.STACKED else ax.set_xticks
    ticks(positions, labels)
    if spec.kind == ChartKind.STACKED:
        ax.invert_yaxis()
        value_axis = ax.xaxis
    else:
        value_axis = ax.yaxis
        if len(labels) > 6:
            plt.setp(ax.get_xticklabels(), rotation=35, ha="right")
    suffix = " %" if kind == ColumnKind.RATE else ""
    value_axis.set_major_formatter(
        lambda v, _pos: f"{format_decimal(v, format='#,##0', locale=language.value)}{suffix}"
    )
    ax.grid(axis="x" if spec.kind == ChartKind.STACKED else "y", color="#dde3ea")
    ax.set_axisbelow(True)
    if len(series) > 1:
        ax.legend(frameon=False, loc="best")
    fig.tight_layout()
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)
    svg = out.getvalue()
    return _ids_of(svg[svg.index("<svg") :], table.key)


_ID_REFERENCES = re.compile(r'(\bid="|url\(#|xlink:href="#)')


def _ids_of(svg: str, prefix: str) -> str:
    """The drawing with its ids (``figure_1``, ``axes_1``, clip paths) prefixed by its
    table's key, so that a page with several charts has each id once."""
    return _ID_REFERENCES.sub(lambda m: f"{m.group(1)}{prefix}-", svg)
