"""Latency of the assessment preview over HTTP: 200 participants per request.

Starts ``attfin serve`` (uvicorn) on a free local port with a fresh SQLite database,
sends sequential requests from one client and prints p50 and p99. Goal: p99 < 100 ms.

    .venv/bin/python -m tests.bench.preview_latency [--requests 300] [--participants 200]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx2

from finance_core.reference.loader import read_scales

GOAL_P99_MS = 100.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--participants", type=int, default=200)
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="attfin-bench-"))
    env = {**os.environ, "ATTFIN_DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}"}
    cli = [sys.executable, "-m", "api"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    created = subprocess.run(
        [*cli, "users", "create", "--name", "bench", "--role", "committee"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    token = created.stdout.strip().splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        with httpx2.Client(base_url=url, timeout=10) as client:
            for _ in range(100):
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx2.TransportError:
                    time.sleep(0.1)
            body = _body(args.participants)
            headers = {"Authorization": f"Bearer {token}"}
            for _ in range(10):  # warm-up
                client.post("/api/v1/assessments/preview", json=body, headers=headers)
            times: list[float] = []
            for _ in range(args.requests):
                start = time.perf_counter()
                r = client.post("/api/v1/assessments/preview", json=body, headers=headers)
                times.append((time.perf_counter() - start) * 1000)
                if r.status_code != 200:
                    print(f"error {r.status_code}: {r.text[:200]}")
                    return 1
            assert len(r.json()["rows"]) == args.participants
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)
    times.sort()
    p50 = statistics.median(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"preview over HTTP, {args.participants} participants, {args.requests} requests")
    print(f"p50 {p50:7.1f} ms")
    print(
        f"p99 {p99:7.1f} ms   goal < {GOAL_P99_MS:.0f} ms   {'PASS' if p99 < GOAL_P99_MS else 'MISS'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
