"""The public portal's status-of-contributions page under load: requests per second and
p99 latency measured by wrk on loopback, and the ratio to a static file served by the
same app (the portal's stylesheet). Goal: the page at ≥ 50 % of the static file's rate.

The database holds the demo with the status of contributions and honour roll of 2025
published. The server is ``uvicorn api.app:create_app`` (one process, as ``attfin serve``).

    .venv/bin/python -m tests.bench.portal_http [--db sqlite|postgresql|both]
        [--seconds 10] [--connections 16]

Needs wrk (``apt-get install -y wrk``).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
from collections.abc import Sequence
from datetime import date

import httpx2
from sqlalchemy import Engine

from finance_core.actor import Actor
from finance_core.db import transaction
from finance_core.demo import dataset
from finance_core.publication import service as publication
from reports.publish import propose_report
from reports.request import ReportRequest
from strategy.demo import load_full_demo
from tests.bench.common import (
    BenchEnvironment,
    Outcome,
    add_db_argument,
    compared_rate,
    compared_time,
    run_on_each_database,
    say,
    uvicorn_server,
)

GOAL_RATIO = 0.50
PAGE = "/status"


def _publish(engine: Engine) -> None:
    """The demo, then its 2025 status of contributions and honour roll, published."""
    maker, checker = (
        Actor(name="demo-officer", origin="bench"),
        Actor(name="demo-officer-2", origin="bench"),
    )
    with transaction(engine) as session:
        load_full_demo(session, actor=maker)
    for name in ("status-of-contributions", "honour-roll"):
        with transaction(engine) as session:
            known = dataset.recorded_at(date(2026, 1, 20))
            snapshot = propose_report(
                session,
                actor=maker,
                name=name,
                request=ReportRequest(as_at=date(2025, 12, 31), known_at=known, year=2025),
                reference=f"BENCH/{name}",
            )
            publication.approve(session, actor=checker, snapshot_id=snapshot.id or 0)


_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
_P99 = re.compile(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, *, seconds: int, connections: int) -> tuple[float, float, str]:
    """(requests per second, p99 in ms, wrk's report) for ``url``."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate, p99 = _RATE.search(out), _P99.search(out)
    if rate is None or p99 is None:
        raise RuntimeError(f"cannot read wrk's report:\n{out}")
    if re.search(r"Non-2xx or 3xx responses", out):
        raise RuntimeError(f"errors under load:\n{out}")
    return float(rate.group(1)), float(p99.group(1)) * _UNITS[p99.group(2)], out


def run_dialect(env: BenchEnvironment, dialect: str, args: argparse.Namespace) -> list[Outcome]:
    db = env.database(dialect, "bench_portal")
    say(f"{dialect}: loading the demo and publishing the 2025 status ...")
    _publish(db.engine)
    with uvicorn_server("api.app:create_app", db.url) as base:
        page = httpx2.get(base + PAGE, timeout=30)
        page.raise_for_status()
        css = re.search(r'href="(/static/portal/portal\.css\?v=[0-9a-f]+)"', page.text)
        assert css is not None, "the page links no stylesheet"
        static = base + css.group(1)
        say(
            f"{dialect}: page {len(page.content):,} bytes; static file "
            f"{len(httpx2.get(static).content):,} bytes"
        )
        for target in (base + PAGE, static):  # warm up
            wrk(target, seconds=2, connections=args.connections)
        page_rate, page_p99, _ = wrk(
            base + PAGE, seconds=args.seconds, connections=args.connections
        )
        file_rate, file_p99, _ = wrk(static, seconds=args.seconds, connections=args.connections)
    say(
        f"{dialect:<11} page {page_rate:.0f}/s (p99 {page_p99:.1f} ms), "
        f"static {file_rate:.0f}/s (p99 {file_p99:.1f} ms)"
    )
    return [
        compared_rate(
            dialect,
            "portal status page",
            page_rate,
            "static file",
            file_rate,
            "req/s",
            ratio_goal=GOAL_RATIO,
        ),
        compared_time(
            dialect, "portal status page p99", page_p99 / 1000, "static file p99", file_p99 / 1000
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_db_argument(parser)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        say("wrk is not installed: apt-get install -y wrk")
        return 2
    return run_on_each_database(
        args.db,
        lambda env, dialect: run_dialect(env, dialect, args),
        f"portal status page vs static file, wrk {args.connections} connections",
    )


if __name__ == "__main__":
    raise SystemExit(main())
