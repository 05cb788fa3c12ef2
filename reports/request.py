"""What a report is asked for: the same request always gives the same report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """``as_at``: the value-date cutoff; ``known_at``: the recording cutoff (an aware UTC
    timestamp, already resolved: "now" is fixed before the report is built); ``year``: the
    financial year reported on (default the year of ``as_at``); ``plan``: the code of a
    strategic plan (reports on the plan: default the plan in force in ``year``);
    ``from_on``: the first value date of a period (ledger exports: default 1 January of
    the year of ``as_at``)."""

    as_at: date
    known_at: datetime
    year: int
    plan: str | None = None
    from_on: date | None = None
