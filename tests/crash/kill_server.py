"""Crash recovery: no acknowledged payment is lost or recorded twice when the server is
killed (SIGKILL) under 8 paying clients, on SQLite and on PostgreSQL.

For each database: a fresh migrated database with assessed debt (``tests.crash.world``);
the real server (``attfin serve``) in a process group of its own; clients recording
payments with an ``Idempotency-Key`` each and retrying until acknowledged
(``tests.crash.clients``); a killer thread that SIGKILLs the server at seeded random
moments and restarts it on the same port. After the last restart the clients finish
their payments, the server is stopped cleanly, and the logs are checked against the
database, the ledger and the reports (``tests.crash.checks``). Exit 1 if any check fails.

    .venv/bin/python -m tests.crash.kill_server [--db sqlite|postgresql|both]
        [--kills 10] [--clients 8] [--seed N] [--impatience 0.1]
"""

from __future__ import annotations

import argparse
import random
import signal
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from finance_core.db_types import utctoday
from tests.bench.common import (
    BenchEnvironment,
    add_db_argument,
    say,
    selected_dialects,
)
from tests.crash.checks import Check, load, run_checks
from tests.crash.clients import Client, Control, Payment
from tests.crash.server import Server
from tests.crash.world import build_world

#: Seconds between the server answering and the next kill (drawn from the seed).
KILL_AFTER = (0.2, 1.5)
#: Seconds between a kill and the restart.
DOWN_FOR = (0.0, 0.3)
#: After the final restart, how long the clients may take to settle their payments.
FINISH_SECONDS = 60.0
#: The longest the paying may last, whatever happens (seconds, plus per kill).
HARD_LIMIT, HARD_LIMIT_PER_KILL = 120.0, 15.0
#: Payments per client, at most.
MAX_PAYMENTS = 5000


@dataclass
class Killer:
    """The thread that kills and restarts the server ``kills`` times (``run``)."""

    server: Server
    kills: int
    rng: random.Random
    control: Control
    done: int = 0
    restart_seconds: list[float] = field(default_factory=list)
    exited_early: list[int] = field(default_factory=list)
    error: BaseException | None = None

    def run(self) -> None:
        try:
            for _ in range(self.kills):
                if self.control.abort.wait(self.rng.uniform(*KILL_AFTER)):
                    return
                status = self.server.kill()
                self.done += 1
                if status != -signal.SIGKILL:  # it had exited on its own
                    self.exited_early.append(status)
                if self.control.abort.wait(self.rng.uniform(*DOWN_FOR)):
                    return
                self.restart_seconds.append(self.server.start())
        except BaseException as exc:  # reported by the run
            self.error = exc


@dataclass
class Result:
    """One database's run: its figures and its checks."""

    dialect: str
    kills: int = 0
    payments: list[Payment] = field(default_factory=list)
    retries: int = 0
    lost: int = 0
    duplicated: int = 0
    seconds: float = 0.0
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)


def join(threads: Sequence[threading.Thread]) -> None:
    """Wait for ``threads`` in short steps, so that Ctrl-C is not held up."""
    for thread in threads:
        while thread.is_alive():
            thread.join(timeout=0.5)


def pay_under_kills(server: Server, clients: Sequence[Client], killer: Killer) -> list[str]:
    """Start the server and the clients, let the killer do its kills (each followed by a
    restart), let the clients finish, stop the server cleanly. What went wrong."""
    control = killer.control
    threads = [threading.Thread(target=c.run, name=f"client-{c.number}", daemon=True)
               for c in clients]  # fmt: skip
    stopped: int | None = None
    try:
        server.start()
        for t in threads:
            t.start()
        killing = threading.Thread(target=killer.run, name="killer", daemon=True)
        killing.start()
        join([killing])
        control.no_new_payments.set()
        control.give_up_after(FINISH_SECONDS)
        join(threads)
        stopped = server.stop()
    finally:
        control.abort.set()
        server.close()
    failures = [f"killer: {killer.error!r}"] if killer.error else []
    failures += [f"client {c.number}: {c.error!r}" for c in clients if c.error]
    failures += [f"the server had exited ({s}) before kill" for s in killer.exited_early]
    if stopped not in (0, -signal.SIGTERM):  # uvicorn re-raises SIGTERM once it has stopped
        failures.append(f"the server's clean stop ended with {stopped}")
    return failures


def describe(dialect: str, clients: Sequence[Client], killer: Killer) -> None:
    """Print what the killer and the clients went through."""
    times = killer.restart_seconds or [0.0]
    say(f"{dialect}: {killer.done} kills; restarts took {min(times):.1f}-{max(times):.1f} s")

    def total(name: str) -> int:
        return sum(getattr(c.tally, name) for c in clients)

    say(
        f"{dialect}: retried after {total('refused_connections')} refused connections, "
        f"{total('cut_off')} requests cut off, {total('not_waited')} answers not waited "
        f"for, {total('still_running')} 409 still running, {total('busy')} 503 busy, "
        f"{total('server_errors')} other 5xx"
    )
    for c in clients:
        for sample in c.tally.server_error_samples:
            say(f"{dialect}: client {c.number} saw {sample}")


def run_database(env: BenchEnvironment, dialect: str, args: argparse.Namespace) -> Result:
    """Seed, pay under kills, stop, check (see the module docstring)."""
    began = time.perf_counter()
    today = utctoday()
    years = (today.year - 3, today.year - 2, today.year - 1)
    db = env.database(dialect, f"crash_{dialect}")
    world = build_world(db.engine, years)
    say(f"{dialect}: {len(world.codes)} States assessed for {years[0]}-{years[-1]}")
    server = Server(db.url, env.root / f"server-{dialect}.log")
    control = Control(
        hard_deadline=time.monotonic() + HARD_LIMIT + HARD_LIMIT_PER_KILL * args.kills
    )
    clients = [
        Client(
            number=n,
            url=server.url,
            token=world.token,
            codes=world.codes,
            first_day=date(years[1], 1, 1),
            last_day=today - timedelta(days=1),
            key_prefix=f"{dialect}-{args.seed}",
            seed=args.seed * 1000 + n,
            max_payments=MAX_PAYMENTS,
            impatience=args.impatience,
            control=control,
        )
        for n in range(args.clients)
    ]
    killer = Killer(server, args.kills, random.Random(args.seed), control)
    failures = pay_under_kills(server, clients, killer)
    describe(dialect, clients, killer)
    payments = [p for c in clients for p in c.log]
    stored = load(db.engine, world.owner)
    references = stored.by_reference()
    checks = [
        Check(
            "the run completed (killer, clients, clean stop)",
            not failures,
            "; ".join(failures) or f"{server.starts} starts, clean stop",
        ),
        *run_checks(
            engine=db.engine,
            database_url=db.url,
            world=world,
            stored=stored,
            payments=payments,
            kills=killer.done,
            wanted_kills=args.kills,
            server_errors=sum(c.tally.server_errors for c in clients),
        ),
    ]
    for check in checks:
        say(f"{dialect}: {'PASS' if check.passed else 'FAIL'} {check.name}: {check.detail}")
    result = Result(
        dialect,
        kills=killer.done,
        payments=payments,
        retries=sum(p.attempts for p in payments) - len(payments),
        lost=sum(1 for p in payments if p.acknowledged and not references.get(p.bank_reference)),
        duplicated=sum(1 for p in payments if len(references.get(p.bank_reference, [])) > 1),
        checks=checks,
        seconds=time.perf_counter() - began,
    )
    if not result.passed:
        say(f"{dialect}: the server's last lines:")
        for line in server.log_tail():
            say(f"    {line}")
    return result


def print_table(results: Sequence[Result]) -> None:
    """The summary: one line per database."""
    heads = (
        "database", "kills", "sent", "acknowledged", "replayed", "unacked", "retries",
        "lost", "duplicated", "wall time", "result",
    )  # fmt: skip
    widths = [max(len(h), 10) for h in heads]
    say("")
    say("=== summary: crash recovery under SIGKILL ===")
    say("  ".join(h.rjust(w) for h, w in zip(heads, widths, strict=True)))
    for r in results:
        acked = sum(p.acknowledged for p in r.payments)
        row = (
            r.dialect, r.kills, len(r.payments), acked, sum(p.replayed for p in r.payments),
            len(r.payments) - acked, r.retries, r.lost, r.duplicated, f"{r.seconds:.1f} s",
            "PASS" if r.passed else "FAIL",
        )  # fmt: skip
        say("  ".join(str(v).rjust(w) for v, w in zip(row, widths, strict=True)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    add_db_argument(parser)
    parser.add_argument("--kills", type=int, default=10, help="SIGKILLs per database")
    parser.add_argument("--clients", type=int, default=8, help="paying client threads")
    parser.add_argument("--seed", type=int, default=1, help="seeds kills and payments")
    parser.add_argument(
        "--impatience",
        type=float,
        default=0.1,
        help="share of payments whose first attempt stops waiting for the answer after a "
        "few ms (default 0.1)",
    )
    args = parser.parse_args(argv)
    began = time.perf_counter()
    results: list[Result] = []
    with BenchEnvironment() as env:
        for dialect in selected_dialects(args.db):
            try:
                results.append(run_database(env, dialect, args))
            except Exception as exc:  # one database failing does not hide the other
                say(f"{dialect}: FAIL the run stopped: {exc!r}")
                results.append(
                    Result(dialect, checks=[Check("the run completed", False, repr(exc))])
                )
    print_table(results)
    say(f"total wall time {time.perf_counter() - began:.1f} s (seed {args.seed})")
    return 0 if results and all(r.passed for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
