"""The aging report as CSV: one row per State, fund and assessment year (amounts as
decimal strings, dates ISO 8601, no locale formatting)."""

from __future__ import annotations

import csv
import io

from finance_core.arrears.schemas import AgingOut

COLUMNS = (
    "state_code",
    "state_name",
    "fund",
    "assessment_year",
    "due_on",
    "assessed",
    "paid",
    "credited",
    "written_off",
    "adjusted",
    "outstanding",
    "bucket",
    "days_past_due",
)


def aging_csv(report: AgingOut) -> bytes:
    """Every cell of every State in the report, in the report's order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for s in report.states:
        for c in s.cells:
            writer.writerow(
                (
                    s.state_code,
                    s.state_name,
                    c.fund,
                    c.assessment_year,
                    c.due_on.isoformat(),
                    c.assessed,
                    c.paid,
                    c.credited,
                    c.written_off,
                    c.adjusted,
                    c.outstanding,
                    c.bucket,
                    c.days_past_due,
                )
            )
    return out.getvalue().encode("utf-8")
