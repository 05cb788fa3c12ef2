"""The demo's published reports: proposed by one demo officer, approved by the other,
readable by the public, frozen, reproducible, and agreeing with the ledger. Checked on a
copy of the run's demo, which ``attfin demo load`` filled (``tests/test_cli.py``)."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import openpyxl
from sqlalchemy import text
from sqlmodel import Session

from finance_core.canonical import canonical_json
from finance_core.publication import service as publication
from finance_core.publication.models import SnapshotStatus
from reports import service
from reports.demo import PUBLISHED
from reports.render.tabular import canonical_data
from tests.conftest import needs_pango


def _owed(s: Session, as_at: date, year: int, known_at: datetime) -> int:
    """What the States owed for ``year`` and earlier as at ``(as_at, known_at)`` (SQL)."""
    return int(
        s.execute(
            text(
                "SELECT COALESCE(SUM(p.amount_minor), 0) FROM ledger_posting p "
                "JOIN ledger_account a ON a.id = p.account_id "
                "WHERE a.account_type = 'receivable' AND p.value_on <= :d "
                "AND p.assessment_year <= :y AND p.recorded_at <= :k "
                "AND p.state_code IS NOT NULL"
            ),
            {"d": as_at, "y": year, "k": known_at},
        ).scalar_one()
    )


def check_demo_reports(s: Session) -> None:
    """Every report the demo publishes (``reports.demo.PUBLISHED``), on a loaded demo."""
    needs_pango()
    for name, year, plan in PUBLISHED:
        snapshot = service.latest(s, name, f"{plan}/{year}" if plan else str(year))
        detail = publication.snapshot_detail(s, snapshot)
        assert detail.status == SnapshotStatus.PUBLISHED and detail.demo
        assert (detail.author, detail.approver) == ("demo-officer", "demo-officer-2")
        assert publication.verify(s, snapshot.id or 0).ok
        # the frozen data is exactly the report at the snapshot's (as_at, known_at)
        request = service.request_for(
            as_at=snapshot.as_at, known_at=snapshot.known_at, year=year, plan=plan
        )
        again = canonical_json(canonical_data(service.build(s, name, request)))
        assert json.loads(again) == detail.data

    status = service.latest(s, "status-of-contributions", "2025")
    content = publication.file_of(s, status.id or 0, "status-of-contributions-2025-12-31.en.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(content.content), data_only=True)
    rows = list(book.worksheets[2].iter_rows(values_only=True))  # by State and fund
    outstanding = rows[4].index("Outstanding")
    grand = next(r for r in reversed(rows) if r[outstanding] is not None)  # all funds
    assert round(grand[outstanding] * 100) == _owed(s, date(2025, 12, 31), 2025, status.known_at)
    assert rows[3][0] == "Illustrative data"
