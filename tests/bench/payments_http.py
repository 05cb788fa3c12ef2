"""Recording payments over HTTP with 8 concurrent clients: payments per second, p50 and
p99 latency, errors, and the ratio to a bench-only endpoint of the same app that inserts
one row (same server, same authentication, one INSERT). Goal: ≥ 40 %.

The bench endpoint is added here, to an app built by ``api.app.create_app``; it never
ships in the service.

    .venv/bin/python -m tests.bench.payments_http [--db sqlite|postgresql|both]
        [--clients 8] [--requests 100]
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Sequence
from typing import Annotated

import httpx2
from fastapi import Depends, FastAPI
from sqlalchemy import text
from sqlmodel import Session

from api.app import create_app
from api.deps import OfficerDep, get_session
from finance_core.access.service import create_user
from finance_core.actor import Actor
from finance_core.db import transaction
from tests.bench.common import (
    BenchEnvironment,
    Outcome,
    add_db_argument,
    compared_rate,
    insert_states,
    run_on_each_database,
    say,
    state_codes,
    uvicorn_server,
)

GOAL_RATIO = 0.40


def bench_app() -> FastAPI:
    """The service's app plus ``POST /bench/insert`` (one row, same auth and session)."""
    app = create_app()

    @app.post("/bench/insert", status_code=201)
    def insert_one(
        _actor: OfficerDep, session: Annotated[Session, Depends(get_session, scope="function")]
    ) -> dict[str, bool]:
        session.execute(text("INSERT INTO bench_row (payload) VALUES ('x')"))
        return {"ok": True}

    return app


def _drive(
    url: str,
    token: str,
    path: str,
    clients: int,
    per_client: int,
    body: bool,
    codes: list[str],
    run: str = "main",
) -> tuple[float, list[float], int]:
    """(seconds, latencies in ms, errors) for ``clients`` threads × ``per_client`` posts;
    ``run`` keeps idempotency keys and bank references unique across runs."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def client(n: int) -> None:
        nonlocal errors
        with httpx2.Client(base_url=url, timeout=30) as http:
            for i in range(per_client):
                headers = {
                    "Authorization": f"Bearer {token}",
                    "Idempotency-Key": f"{run}-{path}-{n}-{i}",
                }
                payload = (
                    {
                        "state_code": codes[(n * per_client + i) % len(codes)],
                        "value_on": "2024-03-01",
                        "amount": "100.00",
                        "bank_reference": f"BENCH-{run}-{n}-{i}",
                    }
                    if body
                    else None
                )
                start = time.perf_counter()
                r = http.post(path, json=payload, headers=headers)
                took = (time.perf_counter() - start) * 1000
                with lock:
                    latencies.append(took)
                    if r.status_code != 201:
                        errors += 1
                        if errors <= 3:
                            say(f"error {r.status_code} on {path}: {r.text[:200]}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies, errors


def run_dialect(env: BenchEnvironment, dialect: str, args: argparse.Namespace) -> list[Outcome]:
    db = env.database(dialect, "bench_payments_http")
    codes = state_codes(args.states)
    insert_states(db.engine, codes)
    owner = env.engine(db.owner_url)
    with owner.begin() as conn:
        if dialect == "sqlite":
            conn.execute(text("CREATE TABLE bench_row (id INTEGER PRIMARY KEY, payload TEXT)"))
        else:
            conn.execute(text("CREATE TABLE bench_row (id BIGSERIAL PRIMARY KEY, payload TEXT)"))
            conn.execute(text("GRANT INSERT ON bench_row TO attfin_app"))
            conn.execute(text("GRANT USAGE ON SEQUENCE bench_row_id_seq TO attfin_app"))
    with transaction(db.engine) as session:
        _, token = create_user(
            session,
            actor=Actor(name="bench", origin="bench"),
            name="bench",
            roles=["finance_officer"],
        )
    with uvicorn_server("tests.bench.payments_http:bench_app", db.url) as url:
        _drive(url, token, "/bench/insert", 2, 10, False, codes, "warm-up")
        _drive(url, token, "/api/v1/receipts", 2, 5, True, codes[::-1], "warm-up")
        n = args.requests
        insert_s, _insert_latencies, insert_err = _drive(
            url, token, "/bench/insert", args.clients, n, False, codes
        )
        pay_s, pay_lat, pay_err = _drive(
            url, token, "/api/v1/receipts", args.clients, n, True, codes
        )
    total = args.clients * n
    pay_rate, insert_rate = total / pay_s, total / insert_s
    pay_lat.sort()
    p99 = pay_lat[min(len(pay_lat) - 1, int(len(pay_lat) * 0.99))]
    say(f"{dialect:<11} payments {pay_rate:.0f}/s, one-row inserts {insert_rate:.0f}/s")
    say(f"{dialect:<11} payment p50 {statistics.median(pay_lat):.1f} ms, p99 {p99:.1f} ms")
    return [
        compared_rate(
            dialect,
            "payments over HTTP",
            pay_rate,
            "bench-only one-row insert",
            insert_rate,
            "req/s",
            ratio_goal=GOAL_RATIO,
        ),
        Outcome(dialect, "HTTP errors", f"{pay_err + insert_err}", "0", pay_err + insert_err == 0),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_db_argument(parser)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=100, help="per client")
    parser.add_argument("--states", type=int, default=200)
    args = parser.parse_args(argv)
    return run_on_each_database(
        args.db,
        lambda env, dialect: run_dialect(env, dialect, args),
        f"payments over HTTP, {args.clients} clients x {args.requests} requests",
    )


if __name__ == "__main__":
    raise SystemExit(main())
