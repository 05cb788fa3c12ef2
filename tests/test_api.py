"""The API's contracts: one error shape, one list envelope, OpenAPI, health, demo header."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.ledger.service import PostingSpec, post_entry
from finance_core.states.models import State
from finance_core.system.service import DATASET_FLAG, DEMO, set_flag
from tests.api_helpers import ApiEnv, api_env


@pytest.fixture
def env(engine: Engine) -> Iterator[ApiEnv]:
    with api_env(engine) as e:
        yield e


def test_health_and_docs(env: ApiEnv) -> None:
    assert env.client.get("/health").json() == {
        "status": "ok",
        "database": "ok",
        "demo_data": False,
    }
    page = env.client.get("/docs")
    assert page.status_code == 200
    assert "https://" not in page.text and "http://" not in page.text  # nothing from a CDN
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert env.client.get(f"/static/swagger-ui/{asset}").status_code == 200
    spec = env.client.get("/openapi.json").json()
    assert "/api/v1/ledger/balances" in spec["paths"]
    assert "Who may call" in spec["paths"]["/api/v1/funds"]["post"]["description"]


def test_errors_share_one_shape(env: ApiEnv) -> None:
    officer = env.auth("finance_officer")
    cases = [
        (env.client.get("/api/v1/states/ZZZ", headers=officer), 404, "NotFound"),
        (env.client.get("/api/v1/ledger/balances", headers=officer), 422, "ValidationFailed"),
        (
            env.client.get("/api/v1/ledger/balances?as_at=yesterday", headers=officer),
            422,
            "ValidationFailed",
        ),
        (
            env.client.post(
                "/api/v1/funds",
                headers=officer,
                json={"code": "SEC", "name": "Again", "kind": "assessed"},
            ),
            409,
            "Conflict",
        ),
        (
            env.client.post("/api/v1/funds", headers=officer, json={"code": "x"}),
            422,
            "ValidationFailed",
        ),
        (env.client.get("/api/v1/nowhere", headers=officer), 404, "NotFound"),
        (env.client.delete("/api/v1/funds", headers=officer), 405, "MethodNotAllowed"),
        (env.client.get("/api/v1/funds"), 401, "NotAuthenticated"),
        (env.client.get("/api/v1/users", headers=officer), 403, "PermissionDenied"),
    ]
    for response, status, error in cases:
        assert response.status_code == status, response.text
        body = response.json()
        assert body["error"] == error
        assert isinstance(body["detail"], str) and body["detail"]
        assert set(body) <= {"error", "detail", "fields"}
    bad = env.client.post("/api/v1/funds", headers=officer, json={"code": "x"}).json()
    assert {"code", "name", "kind"} <= set(bad["fields"])


def test_lists_share_one_envelope(env: ApiEnv, engine: Engine) -> None:
    with Session(engine) as s:
        for i in range(5):
            s.add(State(code=f"A{chr(65 + i)}A", name=f"State {i}", un_member=True))
        s.commit()
    r = env.client.get("/api/v1/states?limit=2&offset=1", headers=env.auth("committee")).json()
    assert (r["total"], r["limit"], r["offset"], len(r["items"])) == (5, 2, 1, 2)
    assert [s["code"] for s in r["items"]] == ["ABA", "ACA"]
    assert (
        env.client.get("/api/v1/states?limit=0", headers=env.auth("committee")).status_code == 422
    )


def test_amounts_are_decimal_strings(env: ApiEnv, engine: Engine) -> None:
    with Session(engine) as s:
        post_entry(
            s,
            actor=Actor(name="t", origin="t"),
            value_on=date(2024, 1, 1),
            entry_type="x",
            description="x",
            postings=[
                PostingSpec("SEC.receivable", 123456),
                PostingSpec("SEC.assessed_revenue", -123456),
            ],
        )
        s.commit()
    reader = env.auth("committee")
    balances = env.client.get(
        "/api/v1/ledger/balances?as_at=2024-12-31&by=account", headers=reader
    ).json()
    assert {(b["account"], b["amount"]) for b in balances["items"]} == {
        ("SEC.receivable", "1234.56"),
        ("SEC.assessed_revenue", "-1234.56"),
    }
    earlier = env.client.get(
        "/api/v1/ledger/balances?as_at=2024-12-31&known_at=2000-01-01T00:00:00Z", headers=reader
    ).json()
    assert earlier["items"] == []
    entry = env.client.get("/api/v1/ledger/entries/1", headers=reader).json()
    assert [p["amount"] for p in entry["postings"]] == ["1234.56", "-1234.56"]
    assert env.client.get("/api/v1/ledger/verify", headers=reader).json()["ok"] is True


def test_demo_header(env: ApiEnv, engine: Engine) -> None:
    assert "X-Demo-Data" not in env.client.get("/health").headers
    with Session(engine) as s:
        set_flag(s, DATASET_FLAG, DEMO)
        s.commit()
    assert env.client.get("/health").headers["X-Demo-Data"] == "true"
    assert env.client.get("/api/v1/funds").headers["X-Demo-Data"] == "true"


def test_failed_write_leaves_nothing(env: ApiEnv) -> None:
    officer = env.auth("finance_officer")
    csv = b"code,name\nITA,Italy\nXX,Broken\n"
    r = env.client.post(
        "/api/v1/states/import", headers=officer, files={"file": ("s.csv", csv, "text/csv")}
    )
    assert r.status_code == 422
    assert r.json()["fields"] == {"row 3, code": "'XX' is not an ISO 3166 alpha-3 code"}
    listed = env.client.get("/api/v1/states", headers=officer).json()
    assert listed["total"] == 0
    log = env.client.get("/api/v1/audit", headers=env.auth("committee")).json()
    assert all(e["action"] != "states.import" for e in log["items"])
