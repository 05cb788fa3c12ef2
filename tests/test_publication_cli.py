"""Published snapshots from the command line: list, show, approve by a second officer,
verify, download, withdraw."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session

from finance_core.access.service import create_user
from finance_core.actor import Actor
from finance_core.publication import service
from finance_core.publication.schemas import FileIn
from tests.cli_helpers import attfin
from tests.conftest import Database

CONTENT = b"goal,progress\n1,50\n"


def test_list_show_approve_verify_download_withdraw(
    db: Database, session: Session, officer: Actor, tmp_path: Path
) -> None:
    for name, roles in (("ana", ["finance_officer"]), ("ben", ["finance_officer"])):
        create_user(session, actor=officer, name=name, roles=roles)
    create_user(session, actor=officer, name="carla", roles=["committee"])
    ids = [
        service.propose(
            session,
            actor=Actor(name="ana", origin="test"),
            kind="strategy.annual_update",
            scope=scope,
            title=f"Annual update {scope}",
            as_at=date(2025, 12, 31),
            known_at=datetime(2026, 1, 10, tzinfo=UTC),
            data={"goals": [{"code": "1", "progress": "50"}]},
            files=[FileIn("progress.csv", "text/csv", CONTENT)],
            reference="ATT/CSP12/DEC.2",
            language="en",
        ).id
        for scope in ("2025", "2026")
    ]
    session.commit()
    sid, other = (str(i) for i in ids)

    listed = attfin(db, "publications", "list", "--kind", "strategy.annual_update")
    assert listed.returncode == 0, listed.stderr
    assert "draft" in listed.stdout and listed.stdout.strip().endswith("2 of 2")
    shown = attfin(db, "publications", "show", sid, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["data"]["goals"][0]["progress"] == "50"

    own = attfin(db, "publications", "approve", sid, "--by", "ana")
    assert own.returncode == 1 and "someone else must approve" in own.stderr
    reader = attfin(db, "publications", "approve", sid, "--by", "carla")
    assert reader.returncode == 1 and "not an active finance officer" in reader.stderr
    approved = attfin(db, "publications", "approve", sid, "--by", "ben", "--reference", "MC/3")
    assert approved.returncode == 0, approved.stderr
    assert "published" in approved.stdout and "approved by ben" in approved.stdout

    verified = attfin(db, "publications", "verify", sid)
    assert verified.returncode == 0 and "ok" in verified.stdout
    target = tmp_path / "out.csv"
    got = attfin(db, "publications", "download", sid, "progress.csv", "--out", str(target))
    assert got.returncode == 0, got.stderr
    assert target.read_bytes() == CONTENT
    assert hashlib.sha256(CONTENT).hexdigest() in got.stdout
    twice = attfin(db, "publications", "download", sid, "progress.csv", "--out", str(target))
    assert twice.returncode == 1 and twice.stderr.startswith("error:")
    missing = attfin(db, "publications", "download", sid, "nope.csv", "--out", str(target))
    assert missing.returncode == 1 and "no file nope.csv" in missing.stderr

    withdrawn = attfin(
        db, "publications", "withdraw", other, "--by", "ben", "--reason", "not needed"
    )
    assert withdrawn.returncode == 0 and "withdrawn" in withdrawn.stdout
    published = attfin(db, "publications", "withdraw", sid, "--by", "ben", "--reason", "no")
    assert published.returncode == 1 and "never withdrawn" in published.stderr
    drafts = attfin(db, "publications", "list", "--status", "withdrawn")
    assert drafts.stdout.strip().endswith("1 of 1")
    bad = attfin(db, "publications", "list", "--status", "secret")
    assert bad.returncode == 1
