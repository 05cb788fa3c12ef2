"""The reserve and the year-end close over HTTP: two finance officers (maker-checker),
the simulation, the decision with an Idempotency-Key, the error shape."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from finance_core.access.service import create_user
from finance_core.actor import Actor
from finance_core.ledger.models import JournalEntry
from finance_core.ledger.verify import verify_ledger
from tests.api_helpers import ApiEnv, api_env
from tests.fixtures_finance import pay
from tests.test_close import spend


@pytest.fixture
def env(
    assessed: Session, officer: Actor, engine: Engine
) -> Iterator[tuple[ApiEnv, dict[str, str]]]:
    """The 2024 world (FRA pays in full, DEU half; SEC spends 60,000: a surplus of
    40,000) behind the API, with a second finance officer."""
    pay(assessed, officer, state_code="FRA", amount="21000.00", value_on=date(2024, 2, 1))
    pay(
        assessed,
        officer,
        state_code="DEU",
        amount="15000.00",
        value_on=date(2024, 3, 1),
        earmark_fund="SEC",
    )
    spend(assessed, "SEC", 60_000_00, date(2024, 6, 30))
    _user, token = create_user(assessed, actor=officer, name="second", roles=["finance_officer"])
    assessed.commit()
    with api_env(engine) as e:
        yield e, {"Authorization": f"Bearer {token}"}


def entries(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.execute(select(func.count()).select_from(JournalEntry)).scalar_one())


def test_close_by_two_officers_then_simulate_and_decide(
    env: tuple[ApiEnv, dict[str, str]], engine: Engine
) -> None:
    api, second = env
    officer, committee = api.auth("finance_officer"), api.auth("committee")
    figures = api.client.get("/api/v1/year-end/SEC/2024/surplus", headers=committee).json()
    assert figures["source"] == "ledger" and figures["figures"]["surplus"] == "40000.00"
    assert figures["figures"]["cash_surplus"] == "-25000.00"

    proposed = api.client.post("/api/v1/year-end/SEC/2024/close", headers=officer, json={})
    assert proposed.status_code == 201, proposed.text
    close_id = proposed.json()["id"]
    same = api.client.post(
        f"/api/v1/year-end/closes/{close_id}/approval", headers=officer, json={"reference": "C/1"}
    )
    assert same.status_code == 403 and same.json()["error"] == "PermissionDenied"
    approved = api.client.post(
        f"/api/v1/year-end/closes/{close_id}/approval", headers=second, json={"reference": "C/1"}
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved" and approved.json()["approved_by"] == "second"
    again = api.client.post("/api/v1/year-end/SEC/2024/close", headers=officer, json={})
    assert again.status_code == 409
    late = api.client.post(
        "/api/v1/reserve/movements",
        headers=officer,
        json={
            "kind": "draw_down",
            "value_on": "2024-12-01",
            "amount": "1.00",
            "reference": "MC/9",
        },
    )
    assert late.status_code == 422  # nothing in the reserve; and 2024 is closed for SEC

    before = entries(engine)
    sim = api.client.get(
        "/api/v1/year-end/SEC/2024/simulation?as_at=2025-03-01&split_percent=25"
        "&split_amount=1000.00&credit_rule=paid_in_full_only",
        headers=committee,
    )
    assert sim.status_code == 200, sim.text
    assert entries(engine) == before
    body = sim.json()
    assert body["surplus"] == "40000.00" and body["surplus_source"].startswith("approved close")
    outcomes = {o["name"]: o for o in body["outcomes"]}
    assert list(outcomes) == [
        "states_pro_rata_assessed",
        "states_paid_in_full_only",
        "reserve",
        "split_25_percent",
        "split_1000.00_usd",
    ]
    split = outcomes["split_25_percent"]
    assert (split["to_states"], split["to_reserve"], split["retained"]) == (
        "10000.00",
        "30000.00",
        "0.00",
    )
    fra = {s["state_code"]: s for s in split["states"]}["FRA"]
    assert fra["credit"] == "10000.00" and fra["paid_in_full"] is True
    assert outcomes["reserve"]["reserve_balance_after"] == "40000.00"
    # 40,000 ÷ (110,000 ÷ 12)
    assert outcomes["reserve"]["months_covered_after"] == "4.36"

    decision = {
        "decided_on": "2025-03-01",
        "reference": "ATT/CSP11/DEC/1",
        "option": "split",
        "to_states": {"percent": "25"},
    }
    key = {"Idempotency-Key": "decision-sec-2024"}
    first = api.client.post(
        "/api/v1/year-end/SEC/2024/surplus-decision", headers=officer | key, json=decision
    )
    assert first.status_code == 201, first.text
    replay = api.client.post(
        "/api/v1/year-end/SEC/2024/surplus-decision", headers=officer | key, json=decision
    )
    assert replay.headers.get("Idempotent-Replayed") == "true" and replay.json() == first.json()
    assert first.json()["to_reserve"] == "30000.00"
    assert {c["state_code"]: c["amount"] for c in first.json()["credits"]} == {
        "DEU": "3000.00",
        "FRA": "2000.00",
        "ITA": "5000.00",
    }
    listed = api.client.get("/api/v1/year-end/surplus-decisions", headers=committee).json()
    assert listed["total"] == 1
    position = api.client.get("/api/v1/reserve?as_at=2025-03-01", headers=committee).json()
    assert position["balance"] == "30000.00"
    assert position["target"] == "5500.00" and position["months_covered"] == "3.27"
    with Session(engine) as s:
        assert verify_ledger(s).ok


def test_reserve_movements_with_an_idempotency_key(env: tuple[ApiEnv, dict[str, str]]) -> None:
    api, _second = env
    officer = api.auth("finance_officer")
    gift = {
        "kind": "contribution",
        "value_on": "2024-02-01",
        "amount": "5000.00",
        "donor": "Flanders",
        "reference": "BANK-FL-1",
    }
    key = {"Idempotency-Key": "gift-1"}
    first = api.client.post("/api/v1/reserve/movements", headers=officer | key, json=gift)
    second = api.client.post("/api/v1/reserve/movements", headers=officer | key, json=gift)
    assert first.status_code == 201 and second.json()["id"] == first.json()["id"]
    other = api.client.post(
        "/api/v1/reserve/movements", headers=officer | key, json=gift | {"amount": "5.00"}
    )
    assert other.status_code == 409
    too_much = api.client.post(
        "/api/v1/reserve/movements",
        headers=officer,
        json={
            "kind": "draw_down",
            "value_on": "2024-03-01",
            "amount": "5000.01",
            "reference": "MC/2024/1",
        },
    )
    assert too_much.status_code == 422
    assert set(too_much.json()) == {"error", "detail", "fields"}
    assert too_much.json()["fields"] == {"amount": "at most 5000.00"}
    listed = api.client.get("/api/v1/reserve/movements", headers=api.auth("committee")).json()
    assert listed["total"] == 1 and listed["items"][0]["donor"] == "Flanders"
    bad = api.client.post(
        "/api/v1/reserve/rules",
        headers=officer,
        json={"effective_from": "2026-01-01", "basis": "months_of_spending", "reference": "X"},
    )
    assert bad.status_code == 422 and "months" in bad.json()["fields"]
    ok = api.client.post(
        "/api/v1/reserve/rules",
        headers=officer,
        json={
            "effective_from": "2024-01-01",
            "basis": "months_of_spending",
            "months": "3",
            "budget_funds": ["SEC"],
            "reference": "ATT/CSP9/DEC/WCF",
        },
    )
    assert ok.status_code == 201, ok.text
    position = api.client.get("/api/v1/reserve?as_at=2024-06-01", headers=officer).json()
    assert position["target"] == "25000.00"  # three months of the 100,000 SEC budget
    assert position["gap"] == "20000.00" and position["months_covered"] == "0.60"
