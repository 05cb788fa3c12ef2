"""Idempotency-Key on writes that move money (here: assessment runs)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, text

from tests.api_helpers import ApiEnv
from tests.test_access import env  # noqa: F401  (fixture: the access test's data)


def _entries(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM journal_entry")).scalar_one())


def test_replay_returns_the_first_response(env: ApiEnv, engine: Engine) -> None:  # noqa: F811
    headers = {**env.auth("finance_officer"), "Idempotency-Key": "run-sec-2024"}
    first = env.client.post(
        "/api/v1/budgets/1/assessments", json={"run_on": "2024-03-01"}, headers=headers
    )
    assert first.status_code == 201, first.text
    before = _entries(engine)
    again = env.client.post(
        "/api/v1/budgets/1/assessments", json={"run_on": "2024-03-01"}, headers=headers
    )
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _entries(engine) == before
    other = env.client.post(
        "/api/v1/budgets/1/assessments", json={"run_on": "2024-03-02"}, headers=headers
    )
    assert other.status_code == 409 and "another request body" in other.json()["detail"]
    plain = env.client.post(
        "/api/v1/budgets/1/assessments",
        json={"run_on": "2024-03-01"},
        headers=env.auth("finance_officer"),
    )
    assert plain.status_code == 409 and "already assessed" in plain.json()["detail"]


def test_failed_write_keeps_the_key_free(env: ApiEnv) -> None:  # noqa: F811
    headers = {**env.auth("finance_officer"), "Idempotency-Key": "k1"}
    bad = env.client.post(
        "/api/v1/budgets/99/assessments", json={"run_on": "2024-03-01"}, headers=headers
    )
    assert bad.status_code == 404
    good = env.client.post(
        "/api/v1/budgets/1/assessments", json={"run_on": "2024-03-01"}, headers=headers
    )
    # the key was rolled back with the failed write, so the same key with another
    # request body is a new request, not a conflict
    assert good.status_code == 201


def test_concurrent_requests_with_one_key_write_once(env: ApiEnv, engine: Engine) -> None:  # noqa: F811
    headers = {**env.auth("finance_officer"), "Idempotency-Key": "same"}

    def send(_: int) -> tuple[int, dict[str, object]]:
        r = env.client.post(
            "/api/v1/budgets/1/assessments", json={"run_on": "2024-03-01"}, headers=headers
        )
        return r.status_code, r.json()

    before = _entries(engine)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(send, range(4)))
    assert _entries(engine) == before + 1
    created = [body for status, body in results if status == 201]
    assert created and all(body == created[0] for body in created)
    assert all(status in (201, 409) for status, _ in results)


def test_receipts_replay_and_one_payment_under_concurrency(env: ApiEnv, engine: Engine) -> None:  # noqa: F811
    body = {
        "state_code": "FRA",
        "value_on": "2024-02-01",
        "amount": "1000.00",
        "bank_reference": "B1",
    }
    headers = {**env.auth("finance_officer"), "Idempotency-Key": "pay-1"}
    first = env.client.post("/api/v1/receipts", json=body, headers=headers)
    assert first.status_code == 201, first.text
    # the access data left FRA owing 1.00 to the Secretariat outside any assessment year
    assert first.json()["allocations"] == [
        {"fund": "SEC", "assessment_year": None, "amount": "1.00", "rule": "oldest_first"},
        {"fund": "CSP", "assessment_year": 2024, "amount": "999.00", "rule": "oldest_first"},
    ]
    before = _entries(engine)
    again = env.client.post("/api/v1/receipts", json=body, headers=headers)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert _entries(engine) == before
    other = env.client.post("/api/v1/receipts", json={**body, "amount": "2000.00"}, headers=headers)
    assert other.status_code == 409
    key = {**env.auth("finance_officer"), "Idempotency-Key": "pay-2"}
    body2 = {**body, "bank_reference": "B2"}

    def send(_: int) -> int:
        return env.client.post("/api/v1/receipts", json=body2, headers=key).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(send, range(4)))
    assert _entries(engine) == before + 1
    assert set(statuses) <= {201, 409} and 201 in statuses
