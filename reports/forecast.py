"""The cash forecast as CSV: one row per scenario and month (the baseline first; amounts as
US dollar decimal strings, dates ISO 8601, no locale formatting)."""

from __future__ import annotations

import csv
import io

from finance_core.forecast.schemas import ForecastOut

COLUMNS = (
    "scenario",
    "month",
    "start",
    "end",
    "opening_cash",
    "receipts",
    "spending",
    "closing_before_draw",
    "draw",
    "closing_after_draw",
    "reserve_after",
    "shortfall",
)


def forecast_csv(report: ForecastOut) -> bytes:
    """Every month of every scenario in the report."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for s in report.scenarios:
        for m in s.months:
            writer.writerow(
                (
                    s.name,
                    m.month,
                    m.start.isoformat(),
                    m.end.isoformat(),
                    m.opening_cash,
                    m.receipts,
                    m.spending,
                    m.closing_before_draw,
                    m.draw,
                    m.closing_after_draw,
                    m.reserve_after,
                    m.shortfall,
                )
            )
    return out.getvalue().encode("utf-8")
