"""The annual public update, told as the Secretariat lives it, on SQLite and PostgreSQL:
an officer drafts the 2024 update of an adopted plan with a narrative per goal; the
public sees nothing until a second officer publishes it; a draft measurement never
reaches it; a correction supersedes it and both stay readable; the files are frozen."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from finance_core.access.service import create_user
from finance_core.actor import Actor
from finance_core.errors import NotFound, PermissionDenied, RuleViolation, ValidationFailed
from finance_core.publication import service as publication
from strategy import annual_update, service
from strategy.models import StrategicPlan
from strategy.schemas import AnnualUpdateIn, ApprovalIn, GoalNarrativeIn
from tests.api_helpers import ApiEnv, api_env
from tests.test_strategy import CHECKER, adopt, build_plan, measure

NARRATIVES = [
    GoalNarrativeIn(goal_code="G1", text="Reporting rose with the new online template."),
    GoalNarrativeIn(goal_code="G2", text="Outreach reached three more regions."),
]


def words(**kw: object) -> AnnualUpdateIn:
    data: dict[str, object] = {
        "introduction": "The first year of the plan.",
        "narratives": NARRATIVES,
        "reference": "ATT/MC/2025/1",
    }
    data.update(kw)
    return AnnualUpdateIn.model_validate(data)


@pytest.fixture
def plan(session: Session, officer: Actor) -> StrategicPlan:
    """The adopted 2024-2028 plan with 62.5 % approved for 2024 and a later draft 70 %
    for 2025 awaiting approval."""
    plan = adopt(session, officer, build_plan(session, officer))
    first = measure(session, officer, plan, year=2024, value="62.5")
    service.approve_measurement(session, actor=CHECKER, measurement_id=first)
    measure(session, officer, plan, year=2025, value="70")
    session.commit()
    return plan


def propose(session: Session, officer: Actor, plan: StrategicPlan, **kw: object) -> int:
    snapshot = annual_update.propose_update(
        session,
        actor=officer,
        plan_id=plan.id or 0,
        year=2024,
        as_at=date(2024, 12, 31),
        known_at=kw.pop("known_at", None),  # type: ignore[arg-type]
        data=words(**kw),
    )
    session.commit()
    return snapshot.id or 0


def test_draft_publish_and_what_is_frozen(
    session: Session, officer: Actor, plan: StrategicPlan
) -> None:
    sid = propose(session, officer, plan)
    with pytest.raises(NotFound):
        annual_update.published_update(session, plan_code=plan.code, year=2024)
    with pytest.raises(NotFound):
        publication.public_snapshot(session, sid)
    assert annual_update.published_updates(session) == ([], 0)

    with pytest.raises(PermissionDenied):
        publication.approve(session, actor=officer, snapshot_id=sid)
    publication.approve(session, actor=CHECKER, snapshot_id=sid, reference="ATT/MC/2025/2")
    session.commit()

    found = annual_update.published_update(session, plan_code=plan.code, year=2024)
    assert found.id == sid
    assert found.scope == f"{plan.code}/2024"
    data = json.loads(found.data)
    assert data["introduction"] == "The first year of the plan."
    assert [(g["code"], g["narrative"]) for g in data["goals"]] == [
        ("G1", NARRATIVES[0].text),
        ("G2", NARRATIVES[1].text),
    ]
    (indicator,) = data["goals"][0]["indicators"]
    # baseline 50 in 2023, target 60 in 2024, 62.5 approved: beyond the target
    assert (indicator["code"], indicator["value"], indicator["target"]) == ("I1.1.1", "62.5", "60")
    assert indicator["status"] == "on_track"
    assert data["goals"][0]["objectives"][0]["code"] == "O1.1"
    assert publication.verify(session, sid).ok

    files = {f.name: f for f in publication.files_of(session, sid)}
    assert set(files) == {"annual-update.json", "goals.csv", "indicators.csv"}
    raw = publication.file_of(session, sid, "annual-update.json").content
    assert json.loads(raw) == data
    rows = list(
        csv.DictReader(
            io.StringIO(publication.file_of(session, sid, "indicators.csv").content.decode())
        )
    )
    assert [(r["goal_code"], r["code"], r["value"], r["status"]) for r in rows] == [
        ("G1", "I1.1.1", "62.5", "on_track")
    ]
    goals = list(
        csv.DictReader(io.StringIO(publication.file_of(session, sid, "goals.csv").content.decode()))
    )
    assert [r["level"] for r in goals] == [
        "goal",
        "objective",
        "objective",
        "goal",
        "objective",
        "unlinked",
        "total",
    ]


def test_a_pending_measurement_never_enters_an_update(
    session: Session, officer: Actor, plan: StrategicPlan
) -> None:
    """2025's 70 % is awaiting approval: the 2025 figures show no value."""
    built = annual_update.figures(
        session, plan_id=plan.id or 0, year=2025, as_at=date(2025, 12, 31)
    )
    (indicator,) = built.data["goals"][0]["indicators"]
    assert indicator["value"] is None
    assert "70" not in _leaf_values(built.data)  # nowhere in the figures (a time may hold "70")


def _leaf_values(data: object) -> set[str]:
    """Every number and text of a JSON document, as text."""
    if isinstance(data, dict):
        return set().union(*(_leaf_values(v) for v in data.values()))
    if isinstance(data, list):
        return set().union(*(_leaf_values(v) for v in data))
    return {str(data)}


def test_a_correction_supersedes_and_both_stay_readable(
    session: Session, officer: Actor, plan: StrategicPlan
) -> None:
    first = propose(session, officer, plan)
    publication.approve(session, actor=CHECKER, snapshot_id=first)
    session.commit()
    second = propose(session, officer, plan, introduction="Corrected: the first year.")
    # until the correction is approved, the first stays the published one
    assert annual_update.published_update(session, plan_code=plan.code, year=2024).id == first
    publication.approve(session, actor=CHECKER, snapshot_id=second)
    session.commit()
    assert annual_update.published_update(session, plan_code=plan.code, year=2024).id == second
    old = publication.public_out(session, publication.public_snapshot(session, first))
    assert old.superseded_by == second
    items, total = annual_update.published_updates(session)
    assert total == 1 and items[0].id == second


def test_the_words_and_the_year_are_checked(
    session: Session, officer: Actor, plan: StrategicPlan
) -> None:
    with pytest.raises(ValidationFailed) as missing:
        propose(session, officer, plan, narratives=NARRATIVES[:1])
    assert missing.value.fields == {"narratives": "no narrative for G2"}
    with pytest.raises(ValidationFailed) as unknown:
        propose(
            session,
            officer,
            plan,
            narratives=[*NARRATIVES, GoalNarrativeIn(goal_code="G9", text="x")],
        )
    assert unknown.value.fields == {"narratives[2].goal_code": f"plan {plan.code} has no goal G9"}
    with pytest.raises(ValidationFailed) as twice:
        propose(session, officer, plan, narratives=[*NARRATIVES, NARRATIVES[0]])
    assert twice.value.fields == {"narratives[2].goal_code": "G1 given twice"}
    with pytest.raises(ValidationFailed) as year:
        annual_update.figures(session, plan_id=plan.id or 0, year=2030, as_at=date(2030, 1, 1))
    assert "year" in year.value.fields
    with pytest.raises(ValidationFailed) as early:
        annual_update.figures(session, plan_id=plan.id or 0, year=2025, as_at=date(2024, 12, 31))
    assert early.value.fields == {"as_at": "before 2025 began"}
    session.rollback()
    assert publication.list_snapshots(session, kind=annual_update.KIND) == ([], 0)


def test_a_draft_plan_has_no_update(session: Session, officer: Actor) -> None:
    draft = build_plan(session, officer, code="SP-DRAFT")
    with pytest.raises(RuleViolation):
        annual_update.figures(session, plan_id=draft.id or 0, year=2024, as_at=date(2024, 12, 31))


def test_known_at_freezes_what_was_approved_by_then(
    session: Session, officer: Actor, plan: StrategicPlan
) -> None:
    """The 2025 value approved after ``known_at`` does not count as known then."""
    before = datetime.now(UTC)
    (pending,) = [
        x
        for x in service.measurement_history(session, plan_id=plan.id or 0)
        if x.status == "pending"
    ]
    service.approve_measurement(
        session, actor=CHECKER, measurement_id=pending.id, data=ApprovalIn()
    )
    session.commit()
    args = {"plan_id": plan.id or 0, "year": 2025, "as_at": date(2025, 12, 31)}
    then = annual_update.figures(session, **args, known_at=before)  # type: ignore[arg-type]
    assert then.data["goals"][0]["indicators"][0]["value"] is None
    now = annual_update.figures(session, **args)  # type: ignore[arg-type]
    assert now.data["goals"][0]["indicators"][0]["value"] == "70"


# --- over HTTP: officers propose and approve; anonymous callers see published only -------


@pytest.fixture
def env(engine: Engine, officer: Actor) -> Iterator[tuple[ApiEnv, dict[str, str]]]:
    with Session(engine) as s:
        _user, token = create_user(s, actor=officer, name="second", roles=["finance_officer"])
        s.commit()
    with api_env(engine) as e:
        yield e, {"Authorization": f"Bearer {token}"}


def test_over_http_anonymous_callers_see_published_updates_only(
    env: tuple[ApiEnv, dict[str, str]], plan: StrategicPlan
) -> None:
    api, second = env
    officer, committee = api.auth("finance_officer"), api.auth("committee")
    pid = plan.id
    body = {
        "year": 2024,
        "as_at": "2024-12-31",
        "introduction": "The first year.",
        "narratives": [n.model_dump() for n in NARRATIVES],
        "reference": "ATT/MC/2025/1",
    }
    figures = api.client.get(
        f"/api/v1/strategy/plans/{pid}/annual-updates/figures?year=2024&as_at=2024-12-31",
        headers=committee,
    )
    assert figures.status_code == 200, figures.text
    assert figures.json()["goals"][0]["indicators"][0]["value"] == "62.5"

    refused = api.client.post(
        f"/api/v1/strategy/plans/{pid}/annual-updates", json=body, headers=committee
    )
    assert refused.status_code == 403
    bad = api.client.post(
        f"/api/v1/strategy/plans/{pid}/annual-updates",
        json={**body, "narratives": body["narratives"][:1]},
        headers=officer,
    )
    assert bad.status_code == 422
    assert bad.json()["error"] == "ValidationFailed"
    assert bad.json()["fields"] == {"narratives": "no narrative for G2"}

    made = api.client.post(
        f"/api/v1/strategy/plans/{pid}/annual-updates", json=body, headers=officer
    )
    assert made.status_code == 201, made.text
    sid = made.json()["id"]
    assert made.json()["status"] == "draft"

    # anonymous callers: the draft is not found anywhere, and the plan's draft neither
    for path in (
        f"/api/v1/public/annual-updates/{plan.code}/2024",
        f"/api/v1/public/publications/{sid}",
        f"/api/v1/public/publications/{sid}/files/annual-update.json",
    ):
        assert api.client.get(path).status_code == 404, path
    assert api.client.get("/api/v1/public/annual-updates").json()["total"] == 0
    assert api.client.get("/api/v1/publications").status_code == 401

    own = api.client.post(f"/api/v1/publications/{sid}/approval", json={}, headers=officer)
    assert own.status_code == 403
    ok = api.client.post(f"/api/v1/publications/{sid}/approval", json={}, headers=second)
    assert ok.status_code == 200, ok.text

    listed = api.client.get("/api/v1/public/annual-updates").json()
    assert listed["total"] == 1
    item = listed["items"][0]
    assert item["id"] == sid and "author" not in item and "approver" not in item
    page = api.client.get(f"/api/v1/public/annual-updates/{plan.code}/2024")
    assert page.status_code == 200
    assert page.json()["data"]["goals"][1]["narrative"] == NARRATIVES[1].text
    file = api.client.get(f"/api/v1/public/publications/{sid}/files/indicators.csv")
    assert file.status_code == 200
    assert file.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    listed_file = next(f for f in item["files"] if f["name"] == "indicators.csv")
    assert hashlib.sha256(file.content).hexdigest() == listed_file["sha256"]
    assert api.client.get(f"/api/v1/public/publications/{sid}/files/nope.csv").status_code == 404

    plans = api.client.get("/api/v1/public/plans").json()
    assert [p["code"] for p in plans["items"]] == [plan.code]
    assert "recorded_by" not in plans["items"][0]
    tree = api.client.get(f"/api/v1/public/plans/{plan.code}").json()
    assert [g["code"] for g in tree["goals"]] == ["G1", "G2"]


def test_confidential_kinds_and_drafts_are_404_to_the_public(
    env: tuple[ApiEnv, dict[str, str]], session: Session, officer: Actor
) -> None:
    """A published snapshot of a kind outside the public ones, and a draft plan, are
    not found by anonymous callers."""
    api, _second = env
    snap = publication.propose(
        session,
        actor=officer,
        kind="report.management_committee_pack",
        scope="2025",
        title="MC pack",
        as_at=date(2025, 6, 30),
        known_at=datetime(2025, 7, 1, tzinfo=UTC),
        data={"arrears": "confidential"},
        reference="MC/1",
    )
    publication.approve(session, actor=CHECKER, snapshot_id=snap.id or 0)
    build_plan(session, officer, code="SP-DRAFT")
    session.commit()
    assert api.client.get(f"/api/v1/public/publications/{snap.id}").status_code == 404
    assert api.client.get("/api/v1/public/plans/SP-DRAFT").status_code == 404
    assert api.client.get("/api/v1/public/plans").json()["total"] == 0
