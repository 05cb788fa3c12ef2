"""Publishing a report freezes it: a receipt recorded later, even one value-dated before
``as_at``, changes a fresh report but never the snapshot."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.db_types import utcnow
from finance_core.errors import NotFound
from finance_core.publication import service as publication
from finance_core.publication.models import SnapshotStatus
from reports import service
from reports.catalog import CATALOGUE
from reports.publish import kind_of, propose_report, public_kinds
from reports.render.tabular import canonical_data
from tests.conftest import needs_pango
from tests.fixtures_arrears import receive

CHECKER = Actor(name="checker", origin="test")
YEAR_END = date(2025, 12, 31)


def _bbb(data: dict[str, object]) -> dict[str, str]:
    table: Any = data["tables"]
    rows: list[dict[str, str]] = table["contributions"]["rows"]
    return next(r for r in rows if r["state_code"] == "BBB")


def test_a_published_report_does_not_change_when_a_late_receipt_arrives(
    example: Session, officer: Actor
) -> None:
    needs_pango()
    request = service.request_for(as_at=YEAR_END)
    snapshot = propose_report(
        example,
        actor=officer,
        name="status-of-contributions",
        request=request,
        reference="ATT/MC/2026/1",
    )
    publication.approve(example, actor=CHECKER, snapshot_id=snapshot.id or 0, reference="MC")
    example.commit()
    sid = snapshot.id or 0
    frozen = publication.snapshot_detail(example, publication.get(example, sid))
    assert frozen.status == SnapshotStatus.PUBLISHED
    assert (frozen.kind, frozen.scope) == ("report.status_of_contributions", "2025")
    names = {f.name for f in frozen.files}
    stem = "status-of-contributions-2025-12-31"
    assert {f"{stem}.json", f"{stem}.contributions.csv", f"{stem}.funds.csv"} <= names
    for lang in ("en", "fr", "es"):
        assert {f"{stem}.{lang}.xlsx", f"{stem}.{lang}.html", f"{stem}.{lang}.pdf"} <= names
    pdf = publication.file_of(example, sid, f"{stem}.fr.pdf")
    assert pdf.content.startswith(b"%PDF") and pdf.media_type == "application/pdf"
    before = {f.name: publication.file_of(example, sid, f.name).content for f in frozen.files}
    assert _bbb(frozen.data)["received"] == "0.00"

    receive(example, officer, "BBB", date(2025, 6, 1), "10000.00")  # late, dated before as_at
    example.commit()

    again = publication.snapshot_detail(example, publication.get(example, sid))
    assert again.data == frozen.data and again.content_hash == frozen.content_hash
    assert {f.name: publication.file_of(example, sid, f.name).content for f in again.files} == (
        before
    )
    assert publication.verify(example, sid).ok
    fresh = service.build(example, "status-of-contributions", service.request_for(as_at=YEAR_END))
    assert _bbb(canonical_data(fresh))["received"] == "10000.00"
    # and the report at the snapshot's (as_at, known_at) is still the snapshot's
    replay = service.build(
        example,
        "status-of-contributions",
        service.request_for(as_at=YEAR_END, known_at=frozen.known_at),
    )
    assert (
        json.loads(json.dumps(canonical_data(replay), default=str))["tables"]
        == (frozen.data["tables"])
    )


def test_the_public_reads_only_public_reports_once_published(
    example: Session, officer: Actor
) -> None:
    assert public_kinds() <= publication.PUBLIC_KINDS
    confidential = {kind_of(s.name) for s in CATALOGUE if not s.public}
    assert confidential and not confidential & publication.PUBLIC_KINDS
    snapshot = propose_report(
        example,
        actor=officer,
        name="honour-roll",
        request=service.request_for(as_at=YEAR_END, known_at=utcnow()),
        reference="ATT/MC/2026/2",
    )
    example.commit()
    with pytest.raises(NotFound):  # a draft is not found
        service.latest(example, "honour-roll", "2025")
    publication.approve(example, actor=CHECKER, snapshot_id=snapshot.id or 0)
    example.commit()
    assert service.latest(example, "honour-roll", "2025").id == snapshot.id
    items, total = service.published(example, "honour-roll")
    assert total == 1 and items[0].id == snapshot.id
    with pytest.raises(NotFound):
        service.published(example, "committee-pack")
