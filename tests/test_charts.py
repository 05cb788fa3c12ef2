"""Charts of report tables: a missing cell (None, pandas NA, NaN) draws no bar instead of
stopping the report (an indicator without a measurement yet has no share of the way)."""

from __future__ import annotations

import pandas as pd

from reports.document import Chart, ChartKind, Column, ColumnKind, Table
from reports.i18n import Language
from reports.render.charts import chart_svg


def test_missing_values_draw_nothing() -> None:
    frame = pd.DataFrame(
        {
            "code": ["I1.1", "I1.2", "I1.3"],
            "share_of_way": pd.array([4500, pd.NA, None], dtype="Int64"),
        }
    )
    table = Table(
        "indicators",
        "progress.table.indicators",
        (
            Column("code", "progress.col.code"),
            Column("share_of_way", "progress.col.share_of_way", ColumnKind.RATE),
        ),
        frame,
        chart=Chart(ChartKind.STACKED, "code", ("share_of_way",), "progress.chart.indicators"),
    )
    for language in Language:
        svg = chart_svg(table, language)
        assert svg is not None and svg.startswith("<svg") and "I1.2" in svg
