"""Every benchmark of ``tests/bench/`` in one run, and one table of their figures.

Each benchmark runs as its own process (``python -m tests.bench.NAME``, on SQLite and
PostgreSQL, at its default sizes: the sizes the service is held to), its output kept in
``test-output/bench/NAME.log`` and its figures appended to one results file
(``tests.bench.common.RESULTS_ENV``). Then one table is printed: each figure, the
reference measured beside it in the same run (hand-written SQL, raw inserts, a
bench-only endpoint, a static file), their ratio, the goal and whether it is met, with
the date and the machine. ``--write docs/performance.md`` puts the table into that file
between its ``bench:start`` and ``bench:end`` markers; with ``--only``, the rows of the
other benchmarks already in that file are kept, and the header says which were rerun.

    .venv/bin/python -m tests.bench.report [--only NAME ...] [--write docs/performance.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tests.bench.common import RESULTS_ENV, say
from tests.pg import find_bin

#: The benchmarks, in the order they run.
BENCHES = (
    "posting_throughput",
    "balances",
    "preview_latency",
    "assessment_run",
    "payments_http",
    "statement",
    "aging",
    "forecast",
    "committee_pack",
    "status",
    "portal_http",
)
LOGS = Path("test-output/bench")
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


@dataclass(frozen=True)
class BenchRun:
    """How one benchmark process ended."""

    name: str
    exit_code: int
    seconds: float


def machine() -> str:
    """One line naming the machine, the Python and the two database engines."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    postgres = find_bin("postgres")
    pg_version = "PostgreSQL not found"
    if postgres:
        out = subprocess.run([postgres, "--version"], capture_output=True, text=True, check=False)
        pg_version = out.stdout.strip().replace("postgres (PostgreSQL)", "PostgreSQL")
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; {pg_version}"
    )


def run_bench(name: str, results: Path) -> BenchRun:
    """Run one benchmark process, its output to its log; a line of progress each way."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{name}.log"
    say(f"--- {name}: running (output in {log}) ...")
    start = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        code = subprocess.run(
            [sys.executable, "-m", f"tests.bench.{name}"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, RESULTS_ENV: str(results)},
            check=False,
        ).returncode
    seconds = time.perf_counter() - start
    say(f"--- {name}: {'done' if code == 0 else f'exit code {code}'} in {seconds:.0f} s")
    return BenchRun(name, code, seconds)


def _cell(text: str) -> str:
    return text.replace("|", "\\|") or " "


def table(rows: Sequence[dict[str, object]], runs: Sequence[BenchRun]) -> str:
    """The Markdown table of every figure, then the benchmarks that did not finish."""
    lines = [
        "| benchmark | database | figure | measured | reference (same run) | ratio | goal | |",
        "|---|---|---|--:|---|--:|---|---|",
    ]
    for r in rows:
        passed = r.get("passed")
        verdict = "" if passed is None else ("met" if passed else "**missed**")
        cells = [
            str(r["bench"]),
            str(r["dialect"]),
            str(r["what"]),
            str(r["measured"]),
            str(r.get("reference", "")),
            str(r.get("ratio", "")),
            str(r.get("goal", "")),
            verdict,
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    for run in runs:
        if run.exit_code != 0:
            lines.append(
                f"| {run.name} | | did not finish (exit code {run.exit_code}; see "
                f"{LOGS / (run.name + '.log')}) | | | | | |"
            )
    return "\n".join(lines)


def report(
    rows: Sequence[dict[str, object]],
    runs: Sequence[BenchRun],
    when: datetime,
    rerun: Sequence[str] | None = None,
) -> str:
    """The dated block written into docs/performance.md (``rerun``: the benchmarks run
    this time when the others' rows are kept from before)."""
    total = sum(r.seconds for r in runs)
    if rerun:
        return (
            f"Rerun on {when:%Y-%m-%d %H:%M} UTC by `python -m tests.bench.report --only "
            f"{' '.join(rerun)}` ({total / 60:.0f} minutes), on {machine()}; the other rows are "
            "from the last full `make bench`.\n" + _goals(rows) + "\n\n" + table(rows, runs) + "\n"
        )
    return (
        f"Measured on {when:%Y-%m-%d %H:%M} UTC by `make bench` ({total / 60:.0f} minutes), "
        f"on {machine()}.\n" + _goals(rows) + "\n\n" + table(rows, runs) + "\n"
    )


def _goals(rows: Sequence[dict[str, object]]) -> str:
    goals = [r for r in rows if r.get("passed") is not None]
    return f"{sum(1 for r in goals if r['passed'])} of {len(goals)} goals met."


_FIELDS = ("bench", "dialect", "what", "measured", "reference", "ratio", "goal")


def rows_in(path: Path) -> list[dict[str, object]]:
    """The figures of the table already between the markers of ``path``."""
    text = path.read_text(encoding="utf-8")
    if START not in text:
        return []
    rows: list[dict[str, object]] = []
    for line in text.split(START, 1)[1].split(END, 1)[0].splitlines():
        cells = [c.strip().replace("\\|", "|") for c in line.strip().strip("|").split(" | ")]
        if len(cells) != len(_FIELDS) + 1 or cells[0] in ("benchmark", "---") or not cells[3]:
            continue
        if cells[0].startswith("-"):
            continue
        row: dict[str, object] = dict(zip(_FIELDS, cells, strict=False))
        row["passed"] = {"met": True, "**missed**": False}.get(cells[7])
        rows.append(row)
    return rows


def write_into(path: Path, block: str) -> None:
    """Replace what lies between the markers of ``path`` by ``block``."""
    text = path.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{path} has no {START} … {END} markers")
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{block}{END}{tail}", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=BENCHES, help="run only these")
    parser.add_argument("--write", type=Path, help="put the table into this Markdown file")
    args = parser.parse_args(argv)
    when = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="attfin-bench-report-") as tmp:
        results = Path(tmp) / "results.jsonl"
        results.touch()
        runs = [run_bench(name, results) for name in (args.only or BENCHES)]
        rows = [json.loads(line) for line in results.read_text().splitlines() if line]
    if args.only and args.write:
        kept = [r for r in rows_in(args.write) if r["bench"] not in args.only]
        order = {name: i for i, name in enumerate(BENCHES)}
        rows = sorted(kept + rows, key=lambda r: order.get(str(r["bench"]), len(order)))
    block = report(rows, runs, when, rerun=args.only)
    say("")
    say(block)
    if args.write:
        write_into(args.write, block)
        say(f"written into {args.write}")
    failed = [r.name for r in runs if r.exit_code != 0]
    if failed:
        say(f"did not finish: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
