"""The public portal on the demo with its published reports, plus what must never show:
a draft, a published confidential snapshot, and a superseded publication. Served by a
real uvicorn server on a free loopback port for the browser, and by a TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.app import create_app
from finance_core.actor import Actor
from finance_core.db import create_db_engine
from finance_core.publication import service as publication
from finance_core.publication.schemas import FileIn
from tests.browser import TEST_OUTPUT, live_server
from tests.conftest import Database, needs_pango
from tests.fixtures_demo import DemoTemplates

#: Words of the hidden snapshots: no page or file the public reaches may hold them.
DRAFT_REFERENCE = "ATT/SEC/2026/DRAFT-NEVER-SHOWN"
CONFIDENTIAL_REFERENCE = "ATT/MC/2026/CONFIDENTIAL-NEVER-SHOWN"
CONFIDENTIAL_FIELD = "payment_plan_terms_never_shown"


@dataclass(frozen=True)
class Portal:
    """The portal's database, its server's address, a client, and the ids of what the
    public must not see (``hidden``) and of a superseded publication and its successor."""

    database: Database
    dialect: str
    url: str
    client: TestClient
    hidden: tuple[int, ...]
    superseded: tuple[int, int]


def _tiny(
    s: Session,
    *,
    kind: str,
    scope: str,
    reference: str,
    data: dict[str, object],
    approval: str | None = None,
) -> int:
    """A small snapshot with one file, approved under ``approval`` if given."""
    snapshot = publication.propose(
        s,
        actor=Actor(name="demo-officer", origin="test"),
        kind=kind,
        scope=scope,
        title=f"{kind} {scope}",
        as_at=min(date(int(scope[:4]), 12, 31), date(2026, 3, 1)),
        known_at=datetime(2026, 3, 1, tzinfo=UTC),
        data=data,
        files=[FileIn(f"{scope}.json", "application/json", b'{"tiny": true}')],
        reference=reference,
    )
    if approval is not None:
        checker = Actor(name="demo-officer-2", origin="test")
        publication.approve(s, actor=checker, snapshot_id=snapshot.id or 0, reference=approval)
    return snapshot.id or 0


def _seed(s: Session) -> tuple[tuple[int, ...], tuple[int, int]]:
    """Beside the demo's published reports, a draft, a published confidential snapshot,
    and a publication replaced by a later one: (hidden ids, (replaced, replacing))."""
    secret = {CONFIDENTIAL_FIELD: 1}
    draft = _tiny(
        s,
        kind="report.status_of_contributions",
        scope="2026",
        reference=DRAFT_REFERENCE,
        data=secret,
    )
    confidential = _tiny(
        s,
        kind="report.committee_pack",
        scope="2026-03-01",
        reference=CONFIDENTIAL_REFERENCE,
        data=secret,
        approval="ATT/MC/2026/1",
    )
    roll = {"kind": "report.honour_roll", "scope": "2019", "data": {"facts": {}}}
    first = _tiny(s, reference="ATT/SEC/2020/HONOUR-2019", approval="ATT/MC/2020/1", **roll)
    second = _tiny(s, reference="ATT/SEC/2020/HONOUR-2019-R", approval="ATT/MC/2020/2", **roll)
    return (draft, confidential), (first, second)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def portal(
    request: pytest.FixtureRequest,
    demo_templates: DemoTemplates,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Portal]:
    """The demo with its published reports, served on loopback for the module."""
    needs_pango()
    with demo_templates.copy(request.param, tmp_path_factory.mktemp("portal")) as copy:
        hidden, superseded = _seed(copy.session)
        copy.session.commit()
        engine = create_db_engine(copy.database.url)
        app = create_app(engine)
        try:
            with live_server(app) as url, TestClient(app) as client:
                yield Portal(copy.database, request.param, url, client, hidden, superseded)
        finally:
            engine.dispose()


#: Where the browser tests save their screenshots (not in the repository's history).
SCREENSHOTS = TEST_OUTPUT / "portal"
