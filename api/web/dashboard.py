"""What the dashboard shows, as text for its template: this year's collection per fund
(the status of contributions) and, from the Management Committee pack as at today, the
arrears by age, the States subject to Financial Rule 8, the payment plans by standing,
the Working Capital Fund against its target and the cash forecast's low point. Every
figure is computed by the reports; this module only words and formats them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from finance_core.db_types import utcnow
from reports.committee_pack import committee_pack
from reports.document import Column, Fact, Report
from reports.i18n import Language
from reports.render.cells import local_text
from reports.request import ReportRequest
from reports.status import status_report

EN = Language.EN


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The dashboard's figures as text: ``funds``, ``aging``, ``rule8`` (the States subject
    to Financial Rule 8) and ``forecast`` (by month) rows, ``facts`` by key, ``plans``
    (standing → count) and the date they are as at."""

    as_at: date
    funds: list[dict[str, str]]
    aging: list[dict[str, str]]
    rule8: list[dict[str, str]]
    forecast: list[dict[str, str]]
    facts: dict[str, str]
    plans: dict[str, int]


def _text(column: Column, value: Any) -> str:
    return "–" if value is None or value != value else local_text(column, value, EN)


def _rows(
    report: Report, key: str, keep: Callable[[dict[str, Any]], bool] | None = None
) -> list[dict[str, str]]:
    """The rows of a report's table as text, those ``keep`` accepts (given raw values)."""
    table = report.table(key)
    rows = [dict(zip((c.key for c in table.columns), r, strict=True)) for r in table.records()]
    return [
        {c.key: _text(c, row[c.key]) for c in table.columns}
        for row in rows
        if keep is None or keep(row)
    ]


def _fact(fact: Fact) -> str:
    return _text(Column(fact.key, "", fact.kind), fact.value)


def dashboard(session: Session) -> Dashboard:
    """The dashboard as at today, as recorded now."""
    known = utcnow()
    request = ReportRequest(as_at=known.date(), known_at=known, year=known.year)
    status = status_report(session, request)
    pack = committee_pack(session, request)
    plans = pack.table("plans").frame
    approved = plans[plans["decision"] == "approved"]
    standing = Counter(str(s) for s in approved["standing"] if isinstance(s, str) and s)
    scenarios = pack.table("forecast").frame.get("scenario")
    first = scenarios.iloc[0] if scenarios is not None and len(scenarios) else None
    return Dashboard(
        as_at=request.as_at,
        funds=_rows(status, "funds"),
        aging=_rows(pack, "aging"),
        rule8=_rows(pack, "rule8", lambda r: bool(r["subject"])),
        forecast=_rows(pack, "forecast", lambda r: r.get("scenario", first) == first),
        facts={f.key: _fact(f) for f in (*status.facts, *pack.facts)},
        plans=dict(sorted(standing.items())),
    )
