"""Shared set-up for the benchmarks: fresh migrated databases, States, output helpers.

``BenchEnvironment`` hands out fresh databases migrated to head: a file in a temporary
folder on SQLite, or a database of a private PostgreSQL cluster (``tests.pg.PgCluster``,
started on first use) on PostgreSQL, migrated as the schema owner and used as the
application role. Closing the environment (it is a context manager; SIGTERM is turned
into SystemExit while it is open) disposes the engines, stops the cluster and deletes
the temporary files, whatever happened."""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import os
import pstats
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

import httpx2
from sqlalchemy import Engine, insert, select
from sqlmodel import col

import finance_core.models  # noqa: F401  (registers every table)
from finance_core.db import create_db_engine
from finance_core.ledger.models import LedgerAccount
from finance_core.migrate import upgrade
from finance_core.states.models import State
from tests.pg import APP, OWNER, PgCluster

DIALECTS = ("sqlite", "postgresql")


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """The ``--db sqlite|postgresql|both`` option (default both)."""
    parser.add_argument(
        "--db",
        choices=[*DIALECTS, "both"],
        default="both",
        help="which database(s) to run on (default: both)",
    )


def selected_dialects(choice: str) -> list[str]:
    """The dialects named by a ``--db`` value."""
    return list(DIALECTS) if choice == "both" else [choice]


def say(message: str) -> None:
    """Print one line at once (progress of long phases included)."""
    print(message, flush=True)


@dataclass(frozen=True)
class BenchDatabase:
    """A fresh migrated database: ``engine`` connects as the application."""

    dialect: str
    name: str
    url: str
    owner_url: str
    engine: Engine


class BenchEnvironment:
    """Fresh databases for one benchmark run; see the module docstring."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="attfin-bench-"))
        self._cluster: PgCluster | None = None
        self._engines: list[Engine] = []
        self._previous_sigterm: Any = None

    def __enter__(self) -> BenchEnvironment:
        self._previous_sigterm = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _pg(self) -> PgCluster:
        if self._cluster is None:
            say("postgresql: starting a private cluster ...")
            self._cluster = PgCluster()
            self._cluster.start()
        return self._cluster

    def database(self, dialect: str, name: str) -> BenchDatabase:
        """A fresh database migrated to head, named ``name``."""
        if dialect == "sqlite":
            url = f"sqlite:///{self.root / (name + '.sqlite3')}"
            upgrade(url=url, app_url=url)
            owner_url = url
        elif dialect == "postgresql":
            cluster = self._pg()
            cluster.create_database(name)
            owner_url, url = cluster.url(OWNER, name), cluster.url(APP, name)
            upgrade(url=owner_url, app_url=url)
        else:
            raise ValueError(f"unknown dialect {dialect!r}")
        engine = self.engine(url)
        return BenchDatabase(dialect, name, url, owner_url, engine)

    def engine(self, url: str) -> Engine:
        """An engine configured like the service's, disposed of on close."""
        engine = create_db_engine(url)
        self._engines.append(engine)
        return engine

    def close(self) -> None:
        """Dispose of the engines, stop the cluster, delete the temporary files."""
        try:
            for engine in self._engines:
                engine.dispose()
            self._engines.clear()
        finally:
            try:
                if self._cluster is not None:
                    say("postgresql: stopping the cluster")
                    self._cluster.stop()
                    self._cluster = None
            finally:
                shutil.rmtree(self.root, ignore_errors=True)
                if self._previous_sigterm is not None:
                    signal.signal(signal.SIGTERM, self._previous_sigterm)
                    self._previous_sigterm = None


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def state_codes(count: int) -> list[str]:
    """``count`` three-letter codes: AAA, AAB, ..., AAZ, ABA, ..."""
    letters = string.ascii_uppercase
    codes = ("".join(t) for t in itertools.product(letters, repeat=3))
    return list(itertools.islice(codes, count))


def insert_states(engine: Engine, codes: Sequence[str]) -> None:
    """One State per code (unique names), in one transaction."""
    now = datetime.now(UTC)
    rows = [
        {"code": c, "name": f"Bench State {c}", "un_member": True, "created_at": now} for c in codes
    ]
    with engine.begin() as conn:
        conn.execute(insert(State), rows)


def account_ids(engine: Engine) -> dict[str, int]:
    """Ledger account ids by code (e.g. ``SEC.receivable``)."""
    with engine.begin() as conn:
        rows = conn.execute(select(col(LedgerAccount.code), col(LedgerAccount.id))).all()
    return {str(code): int(i) for code, i in rows if i is not None}


def sqlite_timestamp(value: datetime) -> str:
    """An aware timestamp as the service stores it on SQLite (naive UTC text)."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


class Stopwatch:
    """``with Stopwatch() as sw: ...`` then ``sw.seconds``."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._start = 0.0

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start


def print_profile(profiler: cProfile.Profile, title: str, limit: int = 25) -> None:
    """The top ``limit`` entries of a profile by cumulative time."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats(pstats.SortKey.CUMULATIVE).print_stats(limit)
    say(f"--- profile: {title} (top {limit} by cumulative time) ---")
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "function calls" in line), 0)
    for line in lines[start:]:
        if line.strip():
            say(line.rstrip())


@dataclass(frozen=True)
class Outcome:
    """One figure of a run: what was measured, the reference measured beside it in the
    same run (hand-written SQL, raw inserts, a bench-only endpoint, a static file), their
    ratio, and the goal it is held to (``passed`` is None for a figure without a goal)."""

    dialect: str
    what: str
    measured: str
    goal: str = ""
    passed: bool | None = None
    reference: str = ""
    ratio: str = ""


def compared_time(
    dialect: str,
    what: str,
    seconds: float,
    reference: str,
    reference_seconds: float,
    *,
    ratio_goal: float | None = None,
    goal: str = "",
    passed: bool | None = None,
) -> Outcome:
    """A duration beside its reference duration; the ratio is ``seconds / reference``
    (lower is better). With ``ratio_goal`` the goal is that ratio's upper bound, else
    ``goal``/``passed`` state an absolute goal."""
    ratio = seconds / reference_seconds if reference_seconds > 0 else float("inf")
    if ratio_goal is not None:
        goal, passed = f"<= {ratio_goal:g}x", ratio <= ratio_goal
    return Outcome(
        dialect,
        what,
        _duration(seconds),
        goal,
        passed,
        f"{reference} {_duration(reference_seconds)}",
        f"{ratio:.2f}x",
    )


def compared_rate(
    dialect: str,
    what: str,
    rate: float,
    reference: str,
    reference_rate: float,
    unit: str,
    *,
    ratio_goal: float | None = None,
) -> Outcome:
    """A throughput beside its reference throughput; the ratio is ``rate / reference``
    (higher is better), held to at least ``ratio_goal`` when given."""
    ratio = rate / reference_rate if reference_rate > 0 else 0.0
    goal = f">= {ratio_goal:.0%}" if ratio_goal is not None else ""
    passed = ratio >= ratio_goal if ratio_goal is not None else None
    return Outcome(
        dialect,
        what,
        f"{rate:,.0f} {unit}",
        goal,
        passed,
        f"{reference} {reference_rate:,.0f} {unit}",
        f"{ratio:.0%}",
    )


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds:.3f} s"


def ratio_outcome(dialect: str, what: str, ratio: float, goal: float) -> Outcome:
    """A ratio measured against its lower bound (both fractions: 0.5 is 50 %)."""
    return Outcome(dialect, what, f"{ratio:.0%}", f">= {goal:.0%}", ratio >= goal)


#: Environment variable naming a JSON-lines file each benchmark appends its outcomes to
#: (set by ``tests.bench.report``, which prints them all as one table).
RESULTS_ENV = "ATTFIN_BENCH_RESULTS"


def record_outcomes(outcomes: Sequence[Outcome]) -> None:
    """Append ``outcomes`` to the results file named by ``RESULTS_ENV``, if any, each
    tagged with the benchmark's module name."""
    target = os.environ.get(RESULTS_ENV)
    if not target:
        return
    bench = Path(sys.argv[0]).stem
    with open(target, "a", encoding="utf-8") as out:
        for o in outcomes:
            out.write(json.dumps({"bench": bench, **asdict(o)}) + "\n")


def print_summary(title: str, outcomes: Iterable[Outcome]) -> int:
    """The summary block (and the outcomes recorded for the report); returns how many
    goals were missed."""
    outcomes = list(outcomes)
    record_outcomes(outcomes)
    say("")
    say(f"=== summary: {title} ===")
    missed = 0
    for o in outcomes:
        line = f"{o.dialect:<11} {o.what:<30} {o.measured:>14}"
        if o.reference:
            line += f"   vs {o.reference} = {o.ratio}"
        if o.passed is not None:
            missed += not o.passed
            line += f"   goal {o.goal:<8} {'PASS' if o.passed else 'MISS'}"
        say(line)
    if not outcomes:
        say("(nothing run)")
    return missed


def run_on_each_database(
    choice: str,
    run_dialect: Callable[[BenchEnvironment, str], list[Outcome]],
    title: str,
) -> int:
    """Run ``run_dialect`` on each database named by ``--db``, then print the summary."""
    outcomes: list[Outcome] = []
    with BenchEnvironment() as env:
        for dialect in selected_dialects(choice):
            outcomes += run_dialect(env, dialect)
    print_summary(title, outcomes)
    return 0


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def uvicorn_server(factory: str, database_url: str) -> Iterator[str]:
    """``uvicorn --factory FACTORY`` in a process of its own on a free loopback port, on
    ``database_url``, without access logs; yields its base URL once ``/health`` answers,
    and stops it at the end."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            factory,
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env={**os.environ, "ATTFIN_DATABASE_URL": database_url},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx2.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
