"""The annual update from the command line: its figures, its proposal with a narrative
per goal by one officer, its publication by another."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import Session

from finance_core.access.service import create_user
from finance_core.actor import Actor
from finance_core.publication import service as publication
from strategy import annual_update, service
from tests.cli_helpers import attfin
from tests.conftest import Database
from tests.test_strategy import CHECKER, adopt, build_plan, measure


def test_figures_propose_and_publish(
    db: Database, session: Session, officer: Actor, tmp_path: Path
) -> None:
    for name in ("ana", "ben"):
        create_user(session, actor=officer, name=name, roles=["finance_officer"])
    plan = adopt(session, officer, build_plan(session, officer))
    service.approve_measurement(
        session, actor=CHECKER, measurement_id=measure(session, officer, plan, value="61")
    )
    session.commit()

    shown = attfin(
        db, "annual-update", "figures", plan.code, "--year", "2024", "--as-at", "2024-12-31"
    )
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["goals"][0]["indicators"][0]["value"] == "61"

    words = tmp_path / "words.json"
    words.write_text(
        json.dumps(
            {
                "narratives": [
                    {"goal_code": "G1", "text": "More reports."},
                    {"goal_code": "G2", "text": "More outreach."},
                ],
                "reference": "ATT/MC/2025/1",
            }
        )
    )
    args = ("annual-update", "propose", plan.code, "--year", "2024", "--as-at", "2024-12-31")
    made = attfin(db, *args, "--words", str(words), "--by", "ana")
    assert made.returncode == 0, made.stderr
    sid = made.stdout.split()[1].rstrip(":")
    assert "draft" in made.stdout

    approved = attfin(db, "publications", "approve", sid, "--by", "ben")
    assert approved.returncode == 0, approved.stderr
    session.expire_all()
    assert annual_update.published_update(session, plan_code=plan.code, year=2024).id == int(sid)
    assert publication.verify(session, int(sid)).ok
    session.rollback()  # the test's session lets the command write

    words.write_text(
        json.dumps({"narratives": [{"goal_code": "G1", "text": "x"}], "reference": "R"})
    )
    short = attfin(db, *args, "--words", str(words), "--by", "ana")
    assert short.returncode == 1 and "no narrative for G2" in short.stderr
    early = attfin(db, *args[:-1], "2023-12-31", "--words", str(words), "--by", "ana")
    assert early.returncode == 1 and early.stderr.startswith("error:")
