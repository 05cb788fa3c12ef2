"""Latency of the assessment preview over HTTP: 200 participants per request.

A server (uvicorn, one process, as ``attfin serve``) runs the service's app plus a
bench-only ``POST /bench/echo`` that takes the same JSON body with the same
authentication and answers it back without computing anything: the reference, so the
ratio is what the apportionment itself costs over the HTTP round trip. One client sends
the requests one after another; p50 and p99 are printed. Goal: p99 < 100 ms.

    .venv/bin/python -m tests.bench.preview_latency [--db sqlite|postgresql|both]
        [--requests 300] [--participants 200]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from typing import Any

import httpx2
from fastapi import Body, FastAPI

from api.app import create_app
from api.deps import ReaderDep
from finance_core.access.service import create_user
from finance_core.actor import Actor
from finance_core.db import transaction
from finance_core.reference.loader import read_scales
from tests.bench.common import (
    BenchEnvironment,
    Outcome,
    add_db_argument,
    compared_time,
    run_on_each_database,
    say,
    uvicorn_server,
)

GOAL_P99_MS = 100.0
ECHO = "/bench/echo"
PREVIEW = "/api/v1/assessments/preview"


def bench_app() -> FastAPI:
    """The service's app plus ``POST /bench/echo`` (same body, same authentication)."""
    app = create_app()

    @app.post(ECHO)
    def echo(_actor: ReaderDep, body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        return body

    return app


def _body(participants: int) -> dict[str, object]:
    scale = read_scales()["UN 2025-2027"]
    rows: list[dict[str, object]] = [
        {"code": e.code, "name": e.name, "un_rate": str(e.rate_percent), "ldc": i % 5 == 0}
        for i, e in enumerate(scale[: participants - 1])
    ]
    rows += [{"code": f"X{i}", "un_rate": "0.001"} for i in range(participants - 1 - len(rows))]
    rows.append({"code": "ORG", "name": "A regional organisation", "fixed_share": "2.5"})
    return {
        "amount": "2500000",
        "currency": "USD",
        "rounding_unit": "1",
        "ceiling": "22",
        "ldc_cap": "0.01",
        "floor_rate": "0.001",
        "participants": rows,
    }


def _latencies(client: httpx2.Client, path: str, body: object, requests: int) -> list[float]:
    """Milliseconds of ``requests`` sequential POSTs after ten warm-up ones, sorted."""
    for _ in range(10):
        client.post(path, json=body).raise_for_status()
    times: list[float] = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.post(path, json=body)
        times.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    return sorted(times)


def _p99(times: Sequence[float]) -> float:
    return times[min(len(times) - 1, int(len(times) * 0.99))]


def run_dialect(env: BenchEnvironment, dialect: str, args: argparse.Namespace) -> list[Outcome]:
    db = env.database(dialect, "bench_preview")
    with transaction(db.engine) as session:
        _user, token = create_user(
            session, actor=Actor(name="bench", origin="bench"), name="bench", roles=["committee"]
        )
    body = _body(args.participants)
    with uvicorn_server("tests.bench.preview_latency:bench_app", db.url) as url:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx2.Client(base_url=url, timeout=10, headers=headers) as client:
            rows = client.post(PREVIEW, json=body).json()["rows"]
            assert len(rows) == args.participants, len(rows)
            preview = _latencies(client, PREVIEW, body, args.requests)
            echo = _latencies(client, ECHO, body, args.requests)
    p99, echo_p99 = _p99(preview), _p99(echo)
    say(
        f"{dialect:<11} preview {args.participants} participants: p50 "
        f"{statistics.median(preview):.1f} ms, p99 {p99:.1f} ms; echo p50 "
        f"{statistics.median(echo):.1f} ms, p99 {echo_p99:.1f} ms ({args.requests} requests)"
    )
    return [
        compared_time(
            dialect,
            "assessment preview p99",
            p99 / 1000,
            "bench-only echo p99",
            echo_p99 / 1000,
            goal=f"< {GOAL_P99_MS:.0f} ms",
            passed=p99 < GOAL_P99_MS,
        ),
        compared_time(
            dialect,
            "assessment preview p50",
            statistics.median(preview) / 1000,
            "bench-only echo p50",
            statistics.median(echo) / 1000,
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_db_argument(parser)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--participants", type=int, default=200)
    args = parser.parse_args(argv)
    return run_on_each_database(
        args.db,
        lambda env, dialect: run_dialect(env, dialect, args),
        f"assessment preview over HTTP, {args.participants} participants",
    )


if __name__ == "__main__":
    raise SystemExit(main())
