"""Budget vs commitments vs actual as CSV: one row per budget line, then one total row
per fund and year (``line_code`` empty). Amounts are decimal strings of US dollars, the
execution rate a percentage; no locale formatting."""

from __future__ import annotations

import csv
import io

from finance_core.expenditures.schemas import ExecutionOut
from reports.cells import text_safe

COLUMNS = (
    "fund",
    "year",
    "line_code",
    "line_title",
    "original",
    "revised",
    "commitments",
    "actual",
    "available",
    "execution_rate",
)


def execution_csv(report: ExecutionOut) -> bytes:
    """Every line of the report, then the totals per fund and year."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for x in report.lines:
        writer.writerow(
            (
                x.fund,
                x.year,
                text_safe(x.line_code),
                text_safe(x.line_title),
                x.original,
                x.revised,
                x.commitments,
                x.actual,
                x.available,
                x.execution_rate or "",
            )
        )
    for t in report.totals:
        writer.writerow(
            (
                t.fund,
                t.year,
                "",
                "total",
                t.original,
                t.revised,
                t.commitments,
                t.actual,
                t.available,
                t.execution_rate or "",
            )
        )
    return out.getvalue().encode("utf-8")
