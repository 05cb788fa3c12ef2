"""Arrears, Rule 8 and payment plans over HTTP, on the worked example."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from tests.api_helpers import ApiEnv, api_env


@pytest.fixture
def env(example: Session, engine: Engine) -> Iterator[ApiEnv]:
    with api_env(engine) as e:
        yield e


def b_plan(**changes: Any) -> dict[str, Any]:
    """B's application of 10 July 2025 (it owes 65,000 due by then)."""
    body: dict[str, Any] = {
        "state_code": "BBB",
        "received_on": "2025-07-10",
        "note_verbale": "NV/BBB/2025/3",
        "reasons": "Delayed parliamentary approval",
        "total_outstanding": "65000.00",
        "instalments": [
            {"due_on": "2025-12-01", "amount": "30000.00"},
            {"due_on": "2026-12-01", "amount": "35000.00"},
        ],
    }
    body.update(changes)
    return body


def test_aging_json_buckets_sum_to_outstanding(env: ApiEnv) -> None:
    r = env.client.get("/api/v1/arrears/aging?as_at=2025-08-25", headers=env.auth("committee"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["buckets"] == ["not_due", "current", "1_year", "2_years", "3_years_plus"]
    states = {s["state_code"]: s for s in body["states"]}
    assert set(states) == {"BBB", "CCC"}  # A owes nothing
    assert [s["state_code"] for s in body["states"]] == ["CCC", "BBB"]  # most arrears first
    b = states["BBB"]
    assert (b["outstanding"], b["arrears"]) == ("65000.00", "40000.00")
    assert b["buckets"]["2_years"] == "15000.00"
    for s in body["states"]:
        assert sum(Decimal(v) for v in s["buckets"].values()) == Decimal(s["outstanding"])
    cell = next(c for c in b["cells"] if c["assessment_year"] == 2023)
    assert cell == {
        "fund": "SEC",
        "assessment_year": 2023,
        "due_on": "2023-01-01",
        "assessed": "25000.00",
        "paid": "10000.00",
        "credited": "0.00",
        "written_off": "0.00",
        "adjusted": "0.00",
        "outstanding": "15000.00",
        "bucket": "2_years",
        "days_past_due": 967,
    }
    assert body["totals"]["outstanding"] == "140000.00"
    assert body["totals"]["arrears"] == "90000.00"


def test_aging_csv_and_one_state(env: ApiEnv) -> None:
    r = env.client.get(
        "/api/v1/arrears/aging?as_at=2025-08-25&state=bbb&format=csv",
        headers=env.auth("finance_officer"),
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {row["state_code"] for row in rows} == {"BBB"}
    assert sum(Decimal(row["outstanding"]) for row in rows) == Decimal("65000.00")
    unknown = env.client.get("/api/v1/arrears/aging?state=ZZZ", headers=env.auth("committee"))
    assert unknown.status_code == 404


def test_collection_and_history(env: ApiEnv) -> None:
    r = env.client.get("/api/v1/arrears/collection?as_at=2025-12-31", headers=env.auth("committee"))
    assert r.status_code == 200
    by_year = {row["assessment_year"]: row for row in r.json()}
    # 2022: A 50,000 + B 25,000 + C 25,000 (paid under its plan) of 100,000.
    assert by_year[2022]["collected"] == "100000.00"
    assert by_year[2022]["rate"] == "100.00"
    # 2023: A 50,000 + B 10,000 of 100,000.
    assert (by_year[2023]["collected"], by_year[2023]["rate"]) == ("60000.00", "60.00")
    h = env.client.get(
        "/api/v1/states/CCC/arrears-history?as_at=2026-08-24", headers=env.auth("committee")
    )
    assert h.status_code == 200
    points = {p["as_at"]: p for p in h.json()}
    assert points["2022-12-31"]["arrears"] == "0.00"
    assert points["2023-12-31"]["arrears"] == "25000.00"
    assert points["2025-12-31"]["arrears"] == "50000.00"
    assert (points["2026-08-24"]["outstanding"], points["2026-08-24"]["arrears"]) == (
        "100000.00",
        "75000.00",
    )


def test_rule8_at_each_csp(env: ApiEnv) -> None:
    csp11 = env.client.get("/api/v1/arrears/rule8?conference=11", headers=env.auth("committee"))
    assert csp11.status_code == 200, csp11.text
    body = csp11.json()
    assert (body["as_at"], body["conference_name"]) == ("2025-08-25", "CSP11")
    assert (body["subject"], body["exempt"]) == (0, 1)
    c = next(i for i in body["items"] if i["state_code"] == "CCC")
    assert c["trigger"] == {
        "met": True,
        "arrears": "50000.00",
        "threshold": "50000.00",
        "years": [2023, 2024],
        "minimum": "0.00",
    }
    assert (c["exempt"], c["subject"], c["plan_standing"], c["measures"]) == (
        True,
        False,
        "on_track",
        [],
    )
    csp12 = env.client.get("/api/v1/arrears/rule8?conference=12", headers=env.auth("committee"))
    c12 = next(i for i in csp12.json()["items"] if i["state_code"] == "CCC")
    assert (c12["subject"], c12["plan_standing"]) == (True, "lapsed")
    assert "no_vote" in c12["measures"]
    assert csp12.json()["measures"]["no_vote"].startswith("may not vote")
    missing = env.client.get("/api/v1/arrears/rule8?conference=99", headers=env.auth("committee"))
    assert missing.status_code == 404


def test_plan_application_decision_and_compliance(env: ApiEnv) -> None:
    officer = env.auth("finance_officer")
    r = env.client.post("/api/v1/payment-plans", json=b_plan(), headers=officer)
    assert r.status_code == 201, r.text
    plan = r.json()
    assert plan["decision"] == "submitted" and plan["compliance"] is None
    assert plan["counts_for_conference"] == 12
    assert "46 days" in plan["counts_for_reason"]
    assert plan["ends_on"] == "2026-12-01"
    again = env.client.post("/api/v1/payment-plans", json=b_plan(), headers=officer)
    assert again.status_code == 409  # one application awaiting a decision per State
    early = env.client.post(
        f"/api/v1/payment-plans/{plan['id']}/decision",
        json={"approved": True, "decided_on": "2025-07-01", "reference": "MC/2025/9"},
        headers=officer,
    )
    assert early.status_code == 422
    assert "decided_on" in early.json()["fields"]
    decided = env.client.post(
        f"/api/v1/payment-plans/{plan['id']}/decision",
        json={"approved": True, "decided_on": "2025-09-15", "reference": "MC/2025/9"},
        headers=officer,
    )
    assert decided.status_code == 200, decided.text
    twice = env.client.post(
        f"/api/v1/payment-plans/{plan['id']}/decision",
        json={"approved": False, "decided_on": "2025-09-16", "reference": "MC/2025/10"},
        headers=officer,
    )
    assert twice.status_code == 409
    shown = env.client.get(
        f"/api/v1/payment-plans/{plan['id']}?as_at=2025-12-31", headers=env.auth("committee")
    ).json()
    # Nothing paid: the 30,000 instalment of 1 December and nothing received.
    assert shown["compliance"]["standing"] == "behind"
    assert shown["compliance"]["shortfall"] == "30000.00"
    assert shown["compliance"]["exempts"] is True
    later = env.client.get(
        f"/api/v1/payment-plans/{plan['id']}?as_at=2026-01-15", headers=env.auth("committee")
    ).json()
    assert later["compliance"]["standing"] == "lapsed"
    assert later["compliance"]["lapsed_on"] == "2026-01-01"
    listed = env.client.get("/api/v1/payment-plans?state=BBB", headers=env.auth("committee"))
    assert listed.json()["total"] == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {
                "total_outstanding": "60000.00",
                "instalments": [{"due_on": "2025-12-01", "amount": "60000.00"}],
            },
            "total_outstanding",
        ),
        ({"instalments": [{"due_on": "2025-12-01", "amount": "30000.00"}]}, "instalments"),
        (
            {
                "instalments": [
                    {"due_on": "2026-12-01", "amount": "30000.00"},
                    {"due_on": "2025-12-01", "amount": "35000.00"},
                ]
            },
            "instalments[1].due_on",
        ),
        (
            {
                "instalments": [
                    {"due_on": "2025-07-01", "amount": "30000.00"},
                    {"due_on": "2026-12-01", "amount": "35000.00"},
                ]
            },
            "instalments[0].due_on",
        ),
        (
            {
                "instalments": [
                    {"due_on": "2025-12-01", "amount": "-30000.00"},
                    {"due_on": "2026-12-01", "amount": "95000.00"},
                ]
            },
            "instalments[0].amount",
        ),
        ({"received_on": "2099-01-01"}, "received_on"),
        ({"total_outstanding": "65000.001"}, "total_outstanding"),
        (
            {
                "instalments": [
                    {"due_on": "2025-12-01", "amount": "30000.00"},
                    {"due_on": "2032-12-01", "amount": "35000.00"},
                ]
            },
            "instalments",
        ),
    ],
)
def test_invalid_applications_are_refused_with_the_field(
    env: ApiEnv, changes: dict[str, Any], field: str
) -> None:
    r = env.client.post(
        "/api/v1/payment-plans", json=b_plan(**changes), headers=env.auth("finance_officer")
    )
    assert r.status_code == 422, r.text
    assert field in r.json()["fields"], r.json()
    listed = env.client.get("/api/v1/payment-plans?state=BBB", headers=env.auth("committee"))
    assert listed.json()["total"] == 0  # nothing written


def test_a_state_owing_nothing_cannot_apply(env: ApiEnv) -> None:
    r = env.client.post(
        "/api/v1/payment-plans",
        json=b_plan(
            state_code="AAA",
            total_outstanding="10.00",
            instalments=[{"due_on": "2025-12-01", "amount": "10.00"}],
        ),
        headers=env.auth("finance_officer"),
    )
    assert r.status_code == 422
    assert "owed nothing" in r.json()["detail"]


def test_rules_are_dated_and_checked(env: ApiEnv) -> None:
    officer = env.auth("finance_officer")
    page = env.client.get("/api/v1/arrears/rules", headers=env.auth("committee")).json()
    assert page["total"] == 1
    rules = page["items"]
    assert len(rules) == 1 and rules[0]["trigger_years"] == 2
    assert rules[0]["measures"][0] == "no_vote"
    bad = env.client.post(
        "/api/v1/arrears/rules",
        json={"effective_from": "2026-01-01", "reference": "X", "measures": ["no_lunch"]},
        headers=officer,
    )
    assert bad.status_code == 422 and "measures" in bad.json()["fields"]
    # From 2026, one preceding year is enough to trigger the measures, and only no_vote.
    ok = env.client.post(
        "/api/v1/arrears/rules",
        json={
            "effective_from": "2026-01-01",
            "reference": "ATT/CSP11/TEST",
            "trigger_years": 1,
            "measures": ["no_vote"],
        },
        headers=officer,
    )
    assert ok.status_code == 201, ok.text
    dup = env.client.post(
        "/api/v1/arrears/rules",
        json={"effective_from": "2026-01-01", "reference": "again"},
        headers=officer,
    )
    assert dup.status_code == 409
    csp12 = env.client.get("/api/v1/arrears/rule8?conference=12", headers=env.auth("committee"))
    body = csp12.json()
    assert body["rule_reference"] == "ATT/CSP11/TEST"
    assert body["measures"] == {"no_vote": "may not vote at the Conference of States Parties"}
    b = next(i for i in body["items"] if i["state_code"] == "BBB")
    # B: arrears 65,000 (2023-2025) against the 25,000 assessed for 2025 alone.
    assert b["trigger"]["threshold"] == "25000.00" and b["subject"] is True


def test_reminder_letters(env: ApiEnv) -> None:
    r = env.client.get(
        "/api/v1/states/CCC/reminder?as_at=2026-08-24&lang=fr&format=html",
        headers=env.auth("committee"),
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert 'lang="fr"' in r.text and "State C" in r.text
    nothing = env.client.get(
        "/api/v1/states/AAA/reminder?as_at=2026-08-24", headers=env.auth("committee")
    )
    assert nothing.status_code == 404
    assert "owes nothing" in nothing.json()["detail"]
