"""The strategic plan over HTTP, told as the Secretariat lives it: a draft plan is built
with its goals, objectives and indicators, adopted by the CSP, measured by one officer
and approved by another, corrected, a budget line shared 60/40 between two goals' objectives,
and the plan's cost and progress read back. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from finance_core.access import service as access
from finance_core.actor import Actor
from strategy.models import LinkSet, Measurement, PlanElement, StrategicPlan
from tests.api_helpers import ApiEnv, api_env

V = "/api/v1"
S = f"{V}/strategy"

AMOUNTS = ("original", "revised", "commitments", "actual", "available")


@pytest.fixture
def env(engine: Engine) -> Iterator[tuple[ApiEnv, dict[str, str]]]:
    """The client, and the headers of a second finance officer (the checker)."""
    with Session(engine) as s:
        _, token = access.create_user(
            s, actor=Actor(name="setup", origin="test"), name="checker", roles=["finance_officer"]
        )
        s.commit()
    with api_env(engine) as e:
        yield e, {"Authorization": f"Bearer {token}"}


def _count(engine: Engine, table: type[Any]) -> int:
    with Session(engine) as s:
        return int(s.execute(select(func.count()).select_from(table)).scalar_one())


def _error(response: Any, status: int, error: str, **fields: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"] == error, body
    assert set(body) <= {"error", "detail", "fields"} and body["detail"]
    for name, words in fields.items():
        assert words in body["fields"][name.replace("__", ".")], body
    return body


def _indicator(**kw: Any) -> dict[str, Any]:
    """States Parties that submitted their annual report: 50 % in 2023, targets 60 … 80 %
    for 2024 … 2028 (entered, percent, higher is better), on O1.1."""
    data: dict[str, Any] = {
        "element_code": "O1.1",
        "code": "I1.1",
        "title": "States Parties that submitted their annual report",
        "unit": "percent",
        "baseline_value": "50",
        "baseline_year": 2023,
        "targets": [{"year": 2024 + k, "value": str(60 + 5 * k)} for k in range(5)],
    }
    data.update(kw)
    return data


def _naive(moment: str) -> str:
    """A UTC timestamp of a response without its zone (a query string reads it as UTC)."""
    return moment.removesuffix("Z").removesuffix("+00:00")


def test_a_plan_from_draft_to_cost_and_progress(
    env: tuple[ApiEnv, dict[str, str]], engine: Engine
) -> None:
    api, checker = env
    officer, reader = api.auth("finance_officer"), api.auth("committee")
    client = api.client

    # --- a draft plan and its structure
    created = client.post(
        f"{S}/plans",
        json={"code": "SP-2024", "title": "Strategic Plan 2024-2028", "first_year": 2024},
        headers=officer,
    )
    assert created.status_code == 201, created.text
    plan = created.json()
    assert (plan["first_year"], plan["last_year"], plan["status"]) == (2024, 2028, "draft")
    assert plan["recorded_by"] == "user-finance_officer"
    pid = plan["id"]
    _error(
        client.post(
            f"{S}/plans",
            json={"code": "SP 2024!", "title": "x", "first_year": 2024},
            headers=officer,
        ),
        422,
        "ValidationFailed",
        code="letters, digits",
    )
    _error(
        client.post(
            f"{S}/plans", json={"code": "SP-X", "title": "x", "first_year": "soon"}, headers=officer
        ),
        422,
        "ValidationFailed",
        first_year="integer",
    )
    _error(
        client.post(f"{S}/plans", json={**plan, "first_year": 2029}, headers=officer),
        409,
        "Conflict",
        code="taken",
    )
    assert _count(engine, StrategicPlan) == 1
    assert client.get(f"{S}/plans?status=draft", headers=reader).json()["total"] == 1
    assert client.get(f"{S}/plans?status=adopted", headers=reader).json()["total"] == 0
    _error(client.get(f"{S}/plans?status=lost", headers=reader), 422, "ValidationFailed")

    elements: dict[str, int] = {}
    for level, parent, code in (
        ("goal", None, "G1"),
        ("objective", "G1", "O1.1"),
        ("activity", "O1.1", "A1.1.1"),
        ("objective", "G1", "O1.2"),
        ("goal", None, "G2"),
        ("objective", "G2", "O2.1"),
    ):
        r = client.post(
            f"{S}/plans/{pid}/elements",
            json={"level": level, "parent_code": parent, "code": code, "title": f"Element {code}"},
            headers=officer,
        )
        assert r.status_code == 201, r.text
        assert (r.json()["parent_code"], r.json()["level"]) == (parent, level)
        elements[code] = r.json()["id"]
    before = _count(engine, PlanElement)
    _error(
        client.post(
            f"{S}/plans/{pid}/elements",
            json={"level": "objective", "code": "O3.1", "title": "Orphan"},
            headers=officer,
        ),
        422,
        "ValidationFailed",
        parent_code="needs its goal",
    )
    _error(
        client.post(
            f"{S}/plans/{pid}/elements",
            json={"level": "output", "parent_code": "G1", "code": "X1", "title": "Output"},
            headers=officer,
        ),
        422,
        "ValidationFailed",
        parent_code="not an objective",
    )
    _error(
        client.post(
            f"{S}/plans/{pid}/elements",
            json={"level": "goal", "code": "G1", "title": "Again"},
            headers=officer,
        ),
        409,
        "Conflict",
        code="taken",
    )
    assert _count(engine, PlanElement) == before
    renamed = client.patch(
        f"{S}/elements/{elements['O1.2']}",
        json={"title": "Universal reporting", "order": 2},
        headers=officer,
    )
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["title"], renamed.json()["parent_code"]) == ("Universal reporting", "G1")
    _error(client.delete(f"{S}/elements/{elements['O1.1']}", headers=officer), 409, "Conflict")
    gone = client.delete(f"{S}/elements/{elements['A1.1.1']}", headers=officer)
    assert gone.status_code == 204 and gone.content == b""
    _error(client.delete(f"{S}/elements/{elements['A1.1.1']}", headers=officer), 404, "NotFound")

    # --- indicators: one with a missing target keeps the plan from being adopted
    measures = client.get(f"{S}/measures", headers=reader).json()
    assert {"budget_execution_rate", "collection_rate"} <= {m["name"] for m in measures["items"]}
    assert measures["total"] == len(measures["items"])
    partial = _indicator(targets=[{"year": 2024, "value": "60"}])
    first = client.post(f"{S}/plans/{pid}/indicators", json=partial, headers=officer)
    assert first.status_code == 201, first.text
    i11 = first.json()["id"]
    assert first.json()["targets"] == [{"year": 2024, "value": "60"}]
    i12 = client.post(
        f"{S}/plans/{pid}/indicators",
        json=_indicator(
            element_code="O1.2",
            code="I1.2",
            title="States Parties with a national control list published",
            unit="count",
            baseline_value="10",
            targets=[{"year": 2024 + k, "value": str(20 + 2 * k)} for k in range(5)],
        ),
        headers=officer,
    ).json()["id"]
    computed = client.post(
        f"{S}/plans/{pid}/indicators",
        json=_indicator(
            element_code="G2",
            code="I2",
            title="Budget executed",
            source="computed",
            measure="budget_execution_rate",
            baseline_value="80",
            targets=[{"year": 2024 + k, "value": "90"} for k in range(5)],
        ),
        headers=officer,
    )
    assert computed.status_code == 201, computed.text
    i2 = computed.json()["id"]
    i21 = client.post(
        f"{S}/plans/{pid}/indicators",
        json=_indicator(element_code="O2.1", code="I2.1", title="Outreach events held"),
        headers=officer,
    ).json()["id"]
    _error(
        client.post(
            f"{S}/plans/{pid}/indicators",
            json=_indicator(
                code="I9", baseline_value="1e3", targets=[{"year": 2031, "value": "x"}]
            ),
            headers=officer,
        ),
        422,
        "ValidationFailed",
        **{"targets[0]__year": "not a year of the plan", "targets[0]__value": "not a number"},
    )
    _error(
        client.post(
            f"{S}/plans/{pid}/indicators",
            json=_indicator(code="I9", source="computed", measure="happiness"),
            headers=officer,
        ),
        422,
        "ValidationFailed",
        measure="unknown measure",
    )

    problems = client.get(f"{S}/plans/{pid}/adoption-problems", headers=reader).json()
    assert problems["ready"] is False
    assert problems["problems"] == {
        "indicators.I1.1.targets": "no target for 2025, 2026, 2027, 2028"
    }
    refused = _error(
        client.post(
            f"{S}/plans/{pid}/adoption",
            json={"decision_reference": "ATT/CSP9/2023/DEC.SP", "adopted_on": "2023-08-25"},
            headers=officer,
        ),
        422,
        "RuleViolation",
    )
    assert "indicators.I1.1.targets" in refused["fields"]
    assert client.get(f"{S}/plans/{pid}", headers=reader).json()["status"] == "draft"
    replaced = client.put(f"{S}/indicators/{i11}", json=_indicator(), headers=officer)
    assert replaced.status_code == 200, replaced.text
    assert [t["value"] for t in replaced.json()["targets"]] == ["60", "65", "70", "75", "80"]
    assert client.get(f"{S}/indicators/{i11}", headers=reader).json() == replaced.json()
    assert client.get(f"{S}/plans/{pid}/adoption-problems", headers=reader).json()["ready"]

    adopted = client.post(
        f"{S}/plans/{pid}/adoption",
        json={"decision_reference": "ATT/CSP9/2023/DEC.SP", "adopted_on": "2023-08-25"},
        headers=officer,
    )
    assert adopted.status_code == 200, adopted.text
    assert (adopted.json()["status"], adopted.json()["adopted_by"]) == (
        "adopted",
        "user-finance_officer",
    )
    _error(
        client.patch(f"{S}/plans/{pid}", json={"title": "Later"}, headers=officer), 409, "Conflict"
    )
    _error(client.delete(f"{S}/indicators/{i21}", headers=officer), 409, "Conflict")
    assert client.get(f"{S}/plans/{pid}/adoption-problems", headers=reader).json()["ready"] is False

    tree = client.get(f"{S}/plans/{pid}/tree", headers=reader).json()
    assert tree["plan"]["status"] == "adopted"
    assert [g["code"] for g in tree["goals"]] == ["G1", "G2"]
    assert [o["code"] for o in tree["goals"][0]["children"]] == ["O1.1", "O1.2"]
    assert [i["code"] for i in tree["goals"][1]["indicators"]] == ["I2"]
    assert tree["goals"][0]["children"][0]["children"] == []

    # --- measurements: recorded by one officer, approved by another
    m1 = client.post(
        f"{S}/indicators/{i11}/measurements",
        json={"year": 2024, "value": "61", "evidence_url": "https://thearmstradetreaty.org/r"},
        headers=officer,
    )
    assert m1.status_code == 201, m1.text
    assert (m1.json()["status"], m1.json()["value"], m1.json()["recorded_by"]) == (
        "pending",
        "61",
        "user-finance_officer",
    )
    m1_id = m1.json()["id"]
    count = _count(engine, Measurement)
    _error(
        client.post(
            f"{S}/indicators/{i11}/measurements",
            json={"year": 2024, "value": "abc"},
            headers=officer,
        ),
        422,
        "ValidationFailed",
        value="not a number",
    )
    _error(
        client.post(
            f"{S}/indicators/{i11}/measurements",
            json={"year": 2024, "value": "62"},
            headers=officer,
        ),
        409,
        "Conflict",
        supersedes=f"must be {m1_id}",
    )
    _error(
        client.post(
            f"{S}/indicators/{i2}/measurements", json={"year": 2024, "value": "50"}, headers=officer
        ),
        422,
        "RuleViolation",
    )
    _error(
        client.post(
            f"{S}/indicators/{i12}/measurements",
            json={"year": 2024, "value": "16.5"},
            headers=officer,
        ),
        422,
        "ValidationFailed",
        value="whole number",
    )
    assert _count(engine, Measurement) == count
    own = _error(
        client.post(f"{S}/measurements/{m1_id}/approval", json={}, headers=officer),
        403,
        "PermissionDenied",
    )
    assert "another person must approve it" in own["detail"]
    _error(
        client.post(f"{S}/measurements/{m1_id}/approval", json={}, headers=reader),
        403,
        "PermissionDenied",
    )
    approved = client.post(
        f"{S}/measurements/{m1_id}/approval", json={"note": "Checked"}, headers=checker
    )
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["approved_by"]) == ("approved", "checker")
    _error(
        client.post(f"{S}/measurements/{m1_id}/approval", json={}, headers=checker), 409, "Conflict"
    )

    # a correction is a new version superseding the approved one, which stays in the history
    m2 = client.post(
        f"{S}/indicators/{i11}/measurements",
        json={"year": 2024, "value": "63.5", "supersedes": m1_id, "narrative": "Late reports"},
        headers=officer,
    )
    assert m2.status_code == 201, m2.text
    m2_id = m2.json()["id"]
    assert client.get(f"{S}/measurements/{m1_id}", headers=reader).json()["status"] == "approved"
    no_body = client.post(f"{S}/measurements/{m2_id}/approval", headers=checker)
    assert no_body.status_code == 200, no_body.text
    assert no_body.json()["approval_note"] is None
    m3 = client.post(
        f"{S}/indicators/{i12}/measurements", json={"year": 2024, "value": "16"}, headers=checker
    )
    assert m3.status_code == 201, m3.text
    assert (
        client.post(
            f"{S}/measurements/{m3.json()['id']}/approval", json={}, headers=officer
        ).status_code
        == 200
    )
    history = client.get(f"{S}/measurements?plan_id={pid}", headers=reader).json()
    assert history["total"] == 3
    assert [
        (m["indicator_code"], m["value"], m["status"], m["supersedes"]) for m in history["items"]
    ] == [
        ("I1.1", "61", "superseded", None),
        ("I1.1", "63.5", "approved", m1_id),
        ("I1.2", "16", "approved", None),
    ]
    one = client.get(
        f"{S}/measurements?indicator_id={i11}&year=2024&limit=1&offset=1", headers=reader
    )
    assert (one.json()["total"], one.json()["items"][0]["id"]) == (2, m2_id)
    before_correction = client.get(
        f"{S}/measurements/{m1_id}",
        params={"known_at": _naive(m2.json()["recorded_at"])},
        headers=reader,
    ).json()
    assert before_correction["status"] == "approved"
    assert client.get(f"{S}/measurements?year=2025", headers=reader).json()["total"] == 0
    _error(client.get(f"{S}/measurements?plan_id=99", headers=reader), 404, "NotFound")
    _error(client.get(f"{S}/measurements/99", headers=reader), 404, "NotFound")

    # --- a budget line shared 60/40 between objectives of two goals; another left unlinked
    budget = client.post(
        f"{V}/budgets",
        json={
            "fund": "SEC",
            "year": 2024,
            "decision_symbol": "ATT/CSP9/SEC",
            "adopted_on": "2023-08-25",
            "lines": [
                {"code": "A1", "title": "Outreach", "amount": "12345.67"},
                {"code": "A2", "title": "=Staff", "amount": "5000.00"},
            ],
        },
        headers=officer,
    )
    assert budget.status_code == 201, budget.text
    lines = {x["code"]: x["id"] for x in budget.json()["lines"]}
    a1 = lines["A1"]
    spent = client.post(
        f"{V}/expenditures",
        json={
            "fund": "SEC",
            "year": 2024,
            "line_code": "A1",
            "value_on": "2024-03-01",
            "amount": "1000.01",
            "category": "travel",
            "payee": "Hotel Cornavin",
            "reference": "INV-1",
        },
        headers=officer,
    )
    assert spent.status_code == 201, spent.text
    unlinked_then = client.get(f"{V}/budget-lines/{a1}/objectives", headers=reader).json()
    assert (unlinked_then["links"], unlinked_then["unlinked_bp"]) == ([], 10000)
    linked = client.put(
        f"{V}/budget-lines/{a1}/objectives",
        json={
            "links": [
                {"objective_code": "O1.1", "share_bp": 6000},
                {"objective_code": "O2.1", "share_bp": 4000},
            ],
            "note": "Outreach serves universality and implementation",
        },
        headers=officer,
    )
    assert linked.status_code == 200, linked.text
    assert [(x["objective_code"], x["share_bp"]) for x in linked.json()["links"]] == [
        ("O1.1", 6000),
        ("O2.1", 4000),
    ]
    assert (linked.json()["unlinked_bp"], linked.json()["line_code"]) == (0, "A1")
    sets = _count(engine, LinkSet)
    _error(
        client.put(
            f"{V}/budget-lines/{a1}/objectives",
            json={
                "links": [
                    {"objective_code": "O1.1", "share_bp": 6000},
                    {"objective_code": "O1.2", "share_bp": 5000},
                ]
            },
            headers=officer,
        ),
        422,
        "ValidationFailed",
        links="more than 10000",
    )
    _error(
        client.put(
            f"{V}/budget-lines/{a1}/objectives",
            json={"links": [{"objective_code": "G1", "share_bp": 100}]},
            headers=officer,
        ),
        422,
        "ValidationFailed",
        **{"links[0]__objective_code": "not an objective"},
    )
    _error(
        client.put(
            f"{V}/budget-lines/{a1}/objectives",
            json={"links": [{"objective_code": "O1.1", "share_bp": 0}]},
            headers=officer,
        ),
        422,
        "ValidationFailed",
    )
    _error(
        client.put(f"{V}/budget-lines/999/objectives", json={"links": []}, headers=officer),
        404,
        "NotFound",
    )
    assert _count(engine, LinkSet) == sets
    assert client.get(f"{V}/budget-lines/{a1}/objectives", headers=reader).json() == linked.json()
    known_before = client.get(
        f"{V}/budget-lines/{a1}/objectives",
        params={"known_at": _naive(linked.json()["recorded_at"])},
        headers=reader,
    ).json()
    assert known_before["links"] == linked.json()["links"]  # a time without zone is UTC

    # --- cost per goal: each goal's figures are the sum of its line shares, to the cent
    cost = client.get(f"{S}/plans/{pid}/cost?as_at=2024-12-31", headers=reader)
    assert cost.status_code == 200, cost.text
    report = cost.json()
    goals = {g["code"]: g["figures"] for g in report["goals"]}
    objectives = {o["code"]: o["figures"] for o in report["objectives"]}
    assert (goals["G1"]["revised"], goals["G2"]["revised"]) == ("7407.40", "4938.27")
    assert (goals["G1"]["actual"], goals["G2"]["actual"]) == ("600.01", "400.00")
    assert objectives["O1.2"]["revised"] == "0.00"
    assert (report["unlinked"]["revised"], report["total"]["revised"]) == ("5000.00", "17345.67")
    by_goal: dict[str, dict[str, Decimal]] = {g: dict.fromkeys(AMOUNTS, Decimal(0)) for g in goals}
    goal_of = {o["code"]: o["goal_code"] for o in report["objectives"]}
    for line in report["lines"]:
        parts = [*line["parts"], {"figures": line["unlinked"]}]
        for name in AMOUNTS:
            assert sum(Decimal(p["figures"][name]) for p in parts) == Decimal(line["figures"][name])
        for part in line["parts"]:
            for name in AMOUNTS:
                by_goal[goal_of[part["objective_code"]]][name] += Decimal(part["figures"][name])
    for code, figures in goals.items():
        assert {n: Decimal(figures[n]) for n in AMOUNTS} == by_goal[code], code
    for name in AMOUNTS:
        assert sum(Decimal(g[name]) for g in goals.values()) + Decimal(
            report["unlinked"][name]
        ) == Decimal(report["total"][name])
    assert (
        client.get(f"{S}/plans/{pid}/cost?as_at=2024-12-31&year=2025", headers=reader).json()[
            "total"
        ]["revised"]
        == "0.00"
    )
    _error(
        client.get(f"{S}/plans/{pid}/cost?year=2031", headers=reader),
        422,
        "ValidationFailed",
        year="not a year",
    )
    _error(
        client.get(f"{S}/plans/{pid}/cost?as_at=31-12-2024", headers=reader),
        422,
        "ValidationFailed",
    )
    _error(client.get(f"{S}/plans/99/cost", headers=reader), 404, "NotFound")

    as_csv = client.get(f"{S}/plans/{pid}/cost?as_at=2024-12-31&format=csv", headers=reader)
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8"))))
    assert [(r["level"], r["code"], r["goal_code"]) for r in rows] == [
        ("goal", "G1", ""),
        ("objective", "O1.1", "G1"),
        ("objective", "O1.2", "G1"),
        ("goal", "G2", ""),
        ("objective", "O2.1", "G2"),
        ("unlinked", "", ""),
        ("total", "", ""),
    ]
    assert [r["revised"] for r in rows] == [
        "7407.40",
        "7407.40",
        "0.00",
        "4938.27",
        "4938.27",
        "5000.00",
        "17345.67",
    ]
    assert rows[-1]["actual"] == "1000.01" and rows[0]["execution_rate"] == "8.10"

    # --- progress in 2024: on track, at risk, off track (computed), no data
    progress = client.get(f"{S}/plans/{pid}/progress?year=2024&as_at=2024-12-31", headers=reader)
    assert progress.status_code == 200, progress.text
    found = progress.json()
    statuses = {
        i["code"]: (i["status"], i["value"], i["share_of_way"]) for i in found["indicators"]
    }
    assert statuses == {
        "I1.1": ("on_track", "63.5", "135.00"),  # (63.5 - 50) / (60 - 50)
        "I1.2": ("at_risk", "16", "60.00"),  # (16 - 10) / (20 - 10)
        # 1000.01 of 17345.67 executed (5.77 %) against a way from 80 to 90 %
        "I2": ("off_track", "5.77", "-742.30"),
        "I2.1": ("no_data", None, None),
    }
    assert found["thresholds"] == {"on_track": "0.9", "at_risk": "0.6"}
    rolled = {
        r["code"]: (r["status"], r["on_track_share"]) for r in found["goals"] + found["objectives"]
    }
    assert rolled == {
        "G1": ("at_risk", "50.00"),
        "G2": ("off_track", "0.00"),
        "O1.1": ("on_track", "100.00"),
        "O1.2": ("at_risk", "0.00"),
        "O2.1": ("no_data", None),
    }
    stricter = client.get(
        f"{S}/plans/{pid}/progress?year=2024&as_at=2024-12-31&on_track=1.5&at_risk=0.7",
        headers=reader,
    )
    _error(stricter, 422, "ValidationFailed", on_track="from 0 to 1")
    stricter = client.get(
        f"{S}/plans/{pid}/progress?year=2024&as_at=2024-12-31&on_track=1&at_risk=0.7",
        headers=reader,
    ).json()
    assert {i["code"]: i["status"] for i in stricter["indicators"]}["I1.2"] == "off_track"
    assert stricter["thresholds"] == {"on_track": "1", "at_risk": "0.7"}
    _error(
        client.get(f"{S}/plans/{pid}/progress?year=2024&on_track=abc&at_risk=NaN", headers=reader),
        422,
        "ValidationFailed",
        on_track="not a number",
        at_risk="not a number",
    )
    _error(
        client.get(f"{S}/plans/{pid}/progress?year=2024&on_track=0.5&at_risk=0.6", headers=reader),
        422,
        "ValidationFailed",
        at_risk="more than on_track",
    )
    _error(
        client.get(f"{S}/plans/{pid}/progress?year=2024&on_track=1e999999999", headers=reader),
        422,
        "ValidationFailed",
        on_track="from 0 to 1",
    )
    _error(
        client.get(f"{S}/plans/{pid}/progress?year=2023", headers=reader),
        422,
        "ValidationFailed",
        year="not a year of the plan",
    )
    known_then = client.get(
        f"{S}/plans/{pid}/progress",
        params={"year": 2024, "as_at": "2024-12-31", "known_at": "2020-01-01T00:00:00"},
        headers=reader,
    ).json()
    assert {i["code"]: i["status"] for i in known_then["indicators"]}["I1.1"] == "no_data"

    # --- closing: refused while a measurement awaits approval
    pending = client.post(
        f"{S}/indicators/{i21}/measurements", json={"year": 2024, "value": "70"}, headers=officer
    )
    assert pending.status_code == 201, pending.text
    _error(
        client.post(f"{S}/plans/{pid}/closure", json={"closed_on": "2025-01-01"}, headers=officer),
        422,
        "RuleViolation",
    )
    assert (
        client.post(
            f"{S}/measurements/{pending.json()['id']}/approval", json={}, headers=checker
        ).status_code
        == 200
    )
    closed = client.post(
        f"{S}/plans/{pid}/closure",
        json={"closed_on": "2025-01-01", "note": "Replaced early"},
        headers=officer,
    )
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["closing_note"]) == ("closed", "Replaced early")
    _error(
        client.post(
            f"{S}/indicators/{i11}/measurements",
            json={"year": 2024, "value": "64", "supersedes": m2_id},
            headers=officer,
        ),
        422,
        "RuleViolation",
    )


def test_a_draft_is_edited_and_deleted(env: tuple[ApiEnv, dict[str, str]], engine: Engine) -> None:
    api, _checker = env
    officer, reader = api.auth("finance_officer"), api.auth("committee")
    client = api.client
    pid = client.post(
        f"{S}/plans",
        json={"code": "SP-2031", "title": "Draft", "first_year": 2031},
        headers=officer,
    ).json()["id"]
    changed = client.patch(
        f"{S}/plans/{pid}",
        json={"code": "SP-2031-2035", "description": "For the CSP to consider"},
        headers=officer,
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["code"], changed.json()["title"], changed.json()["description"]) == (
        "SP-2031-2035",
        "Draft",
        "For the CSP to consider",
    )
    for level, parent, code in (("goal", None, "G1"), ("objective", "G1", "O1.1")):
        client.post(
            f"{S}/plans/{pid}/elements",
            json={"level": level, "parent_code": parent, "code": code, "title": code},
            headers=officer,
        )
    indicator = client.post(
        f"{S}/plans/{pid}/indicators",
        json=_indicator(
            baseline_year=2030,
            targets=[{"year": 2031 + k, "value": "70"} for k in range(5)],
        ),
        headers=officer,
    ).json()["id"]
    _error(
        client.post(
            f"{S}/plans/{pid}/adoption",
            json={"decision_reference": "X", "adopted_on": "2999-01-01"},
            headers=officer,
        ),
        422,
        "ValidationFailed",
        adopted_on="future",
    )
    _error(
        client.patch(f"{S}/plans/{pid}", json={"title": ""}, headers=officer),
        422,
        "ValidationFailed",
        title="at least 1 character",
    )
    assert client.delete(f"{S}/indicators/{indicator}", headers=officer).status_code == 204
    _error(client.get(f"{S}/indicators/{indicator}", headers=reader), 404, "NotFound")
    _error(client.delete(f"{S}/plans/{pid}", headers=reader), 403, "PermissionDenied")
    assert client.delete(f"{S}/plans/{pid}", headers=officer).status_code == 204
    _error(client.get(f"{S}/plans/{pid}", headers=reader), 404, "NotFound")
    _error(client.get(f"{S}/plans/{pid}/tree", headers=reader), 404, "NotFound")
    assert _count(engine, StrategicPlan) == 0 and _count(engine, PlanElement) == 0
