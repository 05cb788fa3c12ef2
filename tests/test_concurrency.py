"""Concurrent writes keep the books, on SQLite and PostgreSQL.

Many threads at once record payments for the same few States (so that they contend for
the same debts), reverse earlier payments (one of them twice), run a supplementary
assessment (twice) and publish a snapshot (approved twice), through the services in
transactions of their own and through the API with idempotency keys, a key sent twice
at once among them; and on PostgreSQL through two server processes (``attfin serve
--workers 2``, in ``make crash``: starting them takes too long for ``make test``), a key
sent to both at the same moment. Afterwards: no debt is allocated beyond its amount at
any point of the ledger, each receipt's allocation sums to its amount, every State's
receivable and credit equal a recomputation from the stored receipts, runs and credit
uses, the bank holds exactly what was received, the ledger verifies as one hash chain,
and every idempotency key was recorded once.

The lock order (``finance_core.db``) is shown on PostgreSQL case by case: each test there
fails (or deadlocks) without the lock it is about. The retry policy: a real deadlock and
a real serialization failure on PostgreSQL are re-run and succeed; failures injected on
both databases are retried up to the limit, and what still fails is a 503 with
``Retry-After``, never a 500."""

from __future__ import annotations

import logging
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx2
import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col

from finance_core.access import service as access
from finance_core.actor import Actor
from finance_core.assessments import service as assessments
from finance_core.assessments.models import AssessmentLine, AssessmentRun, RunKind
from finance_core.budgets.models import Budget
from finance_core.db import contention_of, run_transaction, transaction
from finance_core.errors import Busy, Conflict
from finance_core.funds.service import account_code
from finance_core.idempotency.models import IdempotencyRecord
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.ledger.models import (
    AccountType,
    JournalEntry,
    LedgerAccount,
    LedgerChainHead,
    LedgerPosting,
)
from finance_core.ledger.service import PostingSpec, post_entry, wait_for_postings
from finance_core.ledger.verify import verify_ledger
from finance_core.money import format_minor
from finance_core.payments import service as payments
from finance_core.payments.models import (
    CreditUse,
    CreditUseLine,
    Receipt,
    ReceiptAllocation,
    ReceiptReversal,
)
from finance_core.payments.schemas import ReceiptIn, ReversalIn
from finance_core.publication import service as publication
from finance_core.states.models import State
from tests.api_helpers import ApiEnv, api_env
from tests.conftest import Database
from tests.web_helpers import PASSWORD, form_csrf

#: The payments' value date: after ESP's supplementary run (10 July 2024).
PAID_ON = date(2024, 8, 1)
RUN_ON = date(2024, 7, 10)
PAYERS = ("FRA", "DEU", "ITA", "ESP", "USA")
FAR = date(2099, 1, 1)
OFFICER = Actor(name="officer", origin="test")
CHECKER = Actor(name="checker", origin="test")
RETRY_LOG = "attfin.db"
#: What cannot happen on SQLite, whose write transactions never run side by side.
ONLY_POSTGRESQL = pytest.mark.parametrize("db", ["postgresql"], indirect=True)


# --- the world and what the threads do --------------------------------------------------


def sec_budget(engine: Engine) -> int:
    """The id of the SEC 2024 budget of the ``assessed`` world."""
    with transaction(engine, read_only=True) as s:
        found = s.execute(
            select(col(Budget.id)).where(col(Budget.fund_code) == "SEC", col(Budget.year) == 2024)
        ).scalar_one()
        return int(found)


def receipt_in(state: str, minor: int, reference: str, on: date = PAID_ON) -> ReceiptIn:
    return ReceiptIn(
        state_code=state, value_on=on, amount=format_minor(minor), bank_reference=reference
    )


def record(engine: Engine, data: ReceiptIn) -> tuple[int, int]:
    """Record a receipt in a transaction of its own (retried): (id, US cents)."""

    def work(s: Session) -> tuple[int, int]:
        receipt = payments.record_receipt(s, actor=OFFICER, data=data)
        return receipt.id or 0, receipt.usd_minor

    return run_transaction(work, engine)


def draft_snapshot(s: Session, *, author: Actor, scope: str) -> int:
    """Propose a snapshot whose data are read from the ledger as a report's would be
    (after the postings in flight have ended): the receivables and the bank as at its
    ``(as_at, known_at)``."""
    known_at = datetime.now(UTC)
    wait_for_postings(s)
    snapshot = publication.propose(
        s,
        actor=author,
        kind="report.concurrency_check",
        scope=scope,
        title="Receivables and bank",
        as_at=PAID_ON,
        known_at=known_at,
        data=snapshot_data(s, known_at),
        reference="TEST/1",
    )
    return snapshot.id or 0


def snapshot_data(s: Session, known_at: datetime) -> dict[str, Any]:
    rows = balances(s, as_at=PAID_ON, known_at=known_at, by=[BalanceDim.ACCOUNT_TYPE])
    return {"balances": {str(b.account_type): b.amount_minor for b in rows}}


@dataclass
class Plan:
    """A seeded mix of payments: (state, US cents, bank reference)."""

    payments: list[tuple[str, int, str]]

    @classmethod
    def draw(cls, count: int, seed: int, prefix: str) -> Plan:
        rng = random.Random(seed)
        return cls(
            [
                (PAYERS[i % len(PAYERS)], rng.randint(10_000, 900_000), f"{prefix}-{i}")
                for i in range(count)
            ]
        )

    @property
    def total_minor(self) -> int:
        return sum(minor for _, minor, _ in self.payments)


@dataclass
class Outcome:
    """What the concurrent tasks did."""

    receipts: list[tuple[int, int]] = field(default_factory=list)
    reversed: list[int] = field(default_factory=list)
    runs: list[int] = field(default_factory=list)
    approved: list[int] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, kind: str, value: Any) -> None:
        with self.lock:
            getattr(self, kind).append(value)


def seed_history(engine: Engine) -> tuple[list[int], int]:
    """Payments made before the concurrent part: one per assessed State to reverse later,
    and ESP's advance (all credit until its supplementary assessment); and a draft
    snapshot for the approvals to race on. (receipt ids to reverse, snapshot id)"""
    to_reverse = [
        record(engine, receipt_in(code, 100_000, f"EARLY-{code}", date(2024, 3, 1)))[0]
        for code in ("FRA", "DEU", "ITA")
    ]
    record(engine, receipt_in("ESP", 300_000, "ESP-ADVANCE", date(2024, 6, 1)))
    snapshot = run_transaction(lambda s: draft_snapshot(s, author=OFFICER, scope="early"), engine)
    return to_reverse, snapshot


def concurrent_service_work(
    engine: Engine, *, threads: int, plan: Plan, to_reverse: list[int], snapshot_id: int
) -> Outcome:
    """Run every task at once (a barrier releases them together), each in transactions of
    its own through ``run_transaction``; Conflicts are expected outcomes, counted."""
    outcome = Outcome()
    budget = sec_budget(engine)
    tasks: list[Callable[[], None]] = []
    for state, minor, reference in plan.payments:

        def pay(data: ReceiptIn = receipt_in(state, minor, reference)) -> None:
            outcome.add("receipts", record(engine, data))

        tasks.append(pay)
    for receipt_id in [*to_reverse, to_reverse[0]]:  # the first one twice

        def reverse(rid: int = receipt_id) -> None:
            data = ReversalIn(value_on=PAID_ON, reason="returned by the bank")
            run_transaction(
                lambda s: payments.reverse_receipt(s, actor=OFFICER, receipt_id=rid, data=data),
                engine,
            )
            outcome.add("reversed", rid)

        tasks.append(reverse)
    for _ in range(2):  # the same supplementary assessment, twice at once

        def supplementary() -> None:
            run = run_transaction(
                lambda s: assessments.assess_supplementary(
                    s, actor=OFFICER, budget_id=budget, state_code="ESP", run_on=RUN_ON
                ),
                engine,
            )
            outcome.add("runs", run.id)

        tasks.append(supplementary)
    for approver in (CHECKER, Actor(name="checker-2", origin="test")):  # one draft, twice

        def approve(who: Actor = approver) -> None:
            run_transaction(
                lambda s: publication.approve(s, actor=who, snapshot_id=snapshot_id), engine
            )
            outcome.add("approved", snapshot_id)

        tasks.append(approve)

    def propose_and_publish() -> None:
        new = run_transaction(lambda s: draft_snapshot(s, author=OFFICER, scope="late"), engine)
        run_transaction(lambda s: publication.approve(s, actor=CHECKER, snapshot_id=new), engine)
        outcome.add("approved", new)

    tasks.append(propose_and_publish)
    random.Random(7).shuffle(tasks)
    gate = threading.Barrier(min(threads, len(tasks)))

    def run(task: Callable[[], None], index: int) -> None:
        if index < gate.parties:
            gate.wait(timeout=30)
        try:
            task()
        except Conflict as exc:
            outcome.add("conflicts", exc.detail)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(run, t, i) for i, t in enumerate(tasks)]:
            future.result()
    return outcome


# --- the books, checked ------------------------------------------------------------------


@dataclass(frozen=True)
class Books:
    """Figures of a checked database."""

    entries: int
    receipts: int
    reversals: int
    received_minor: int


def _by_key(rows: Sequence[Any]) -> dict[tuple[str, str, int | None], int]:
    return {
        (str(b.state), str(b.fund), b.assessment_year): b.amount_minor
        for b in rows
        if b.amount_minor
    }


def check_books(engine: Engine) -> Books:
    """Assert the invariants of the module docstring; the figures checked."""
    with transaction(engine, read_only=True) as s:
        report = verify_ledger(s)
        assert report.ok, report.problems[:3]
        chain = s.execute(
            select(
                col(JournalEntry.seq), col(JournalEntry.prev_hash), col(JournalEntry.entry_hash)
            ).order_by(col(JournalEntry.seq))
        ).all()
        assert [seq for seq, _, _ in chain] == list(range(1, len(chain) + 1))
        assert all(b[1] == a[2] for a, b in pairwise(chain)), "forked"
        head = s.get(LedgerChainHead, 1)
        assert head is not None and (head.seq, head.entry_hash) == (chain[-1][0], chain[-1][2])

        receipts = list(s.execute(select(Receipt)).scalars())
        reversed_ids = set(s.execute(select(col(ReceiptReversal.receipt_id))).scalars())
        lines: dict[int, list[ReceiptAllocation]] = defaultdict(list)
        for line in s.execute(select(ReceiptAllocation)).scalars():
            lines[line.receipt_id].append(line)
        owed: dict[tuple[str, str, int | None], int] = defaultdict(int)
        credit: dict[str, int] = defaultdict(int)
        for state, fund, year, delta in s.execute(
            select(
                col(AssessmentLine.state_code),
                col(Budget.fund_code),
                col(Budget.year),
                col(AssessmentLine.delta_minor),
            )
            .join(AssessmentRun, col(AssessmentRun.id) == col(AssessmentLine.run_id))
            .join(Budget, col(Budget.id) == col(AssessmentRun.budget_id))
        ).all():
            owed[(state, fund, year)] += delta
        received = 0
        for r in receipts:
            mine = lines[r.id or 0]
            assert sum(x.amount_minor for x in mine) == r.usd_minor, f"receipt {r.id}"
            assert all(x.amount_minor > 0 for x in mine), f"receipt {r.id}"
            if r.id in reversed_ids:
                continue
            received += r.usd_minor
            for x in mine:
                if x.rule == "credit":
                    credit[r.state_code] += x.amount_minor
                else:
                    owed[(r.state_code, x.fund_code, x.assessment_year)] -= x.amount_minor
        for use in s.execute(select(CreditUse)).scalars():
            credit[use.state_code] -= use.amount_minor
            if use.kind == "refund":
                received -= use.amount_minor
        for state, fund, year, amount in s.execute(
            select(
                col(CreditUse.state_code),
                col(CreditUseLine.fund_code),
                col(CreditUseLine.assessment_year),
                col(CreditUseLine.amount_minor),
            ).join(CreditUse, col(CreditUse.id) == col(CreditUseLine.credit_use_id))
        ).all():
            owed[(state, fund, year)] -= amount

        receivable = balances(
            s,
            as_at=FAR,
            by=[BalanceDim.STATE, BalanceDim.FUND, BalanceDim.ASSESSMENT_YEAR],
            account_type=AccountType.RECEIVABLE.value,
        )
        assert _by_key(receivable) == {k: v for k, v in owed.items() if v}
        assert all(b.amount_minor >= 0 for b in receivable), "a debt was allocated twice"
        held = balances(s, as_at=FAR, by=[BalanceDim.STATE], account_type="state_credit")
        assert {str(b.state): -b.amount_minor for b in held} == {
            k: v for k, v in credit.items() if v
        }
        bank = balances(s, as_at=FAR, by=[], account_type=AccountType.BANK.value)
        assert sum(b.amount_minor for b in bank) == received

        # At no point of the chain was a debt allocated beyond what was owed.
        running: dict[tuple[str | None, int, int | None], int] = defaultdict(int)
        for seq, state, account, year, amount in s.execute(
            select(
                col(LedgerPosting.entry_seq),
                col(LedgerPosting.state_code),
                col(LedgerPosting.account_id),
                col(LedgerPosting.assessment_year),
                col(LedgerPosting.amount_minor),
            )
            .join(LedgerAccount, col(LedgerAccount.id) == col(LedgerPosting.account_id))
            .where(col(LedgerAccount.account_type) == AccountType.RECEIVABLE.value)
            .order_by(col(LedgerPosting.entry_seq), col(LedgerPosting.line_no))
        ).all():
            key = (state, account, year)
            running[key] += amount
            assert running[key] >= 0, f"entry {seq} took {key} below zero"
        return Books(len(chain), len(receipts), len(reversed_ids), received)


def check_outcome(engine: Engine, outcome: Outcome, plan: Plan, to_reverse: list[int]) -> None:
    """The duplicates did their work once; every planned payment was recorded once."""
    assert len(outcome.receipts) == len(plan.payments)
    assert sum(usd for _, usd in outcome.receipts) == plan.total_minor
    assert sorted(outcome.reversed) == sorted(to_reverse)
    assert len(outcome.runs) == 1
    assert len(outcome.approved) == 2  # the early draft once, the late one once
    expected = ("is already reversed", "is already assessed", "is already approved")
    assert len(outcome.conflicts) == 3, outcome.conflicts
    assert all(any(e in c for c in outcome.conflicts) for e in expected), outcome.conflicts
    with transaction(engine, read_only=True) as s:
        references = [r for _, _, r in plan.payments]
        stored = s.execute(
            select(func.count()).where(col(Receipt.bank_reference).in_(references))
        ).scalar_one()
        assert stored == len(plan.payments)
        runs = s.execute(
            select(func.count()).where(col(AssessmentRun.kind) == RunKind.SUPPLEMENTARY)
        ).scalar_one()
        assert runs == 1
        for snapshot_id in outcome.approved:
            assert publication.verify(s, snapshot_id).ok
            snapshot = publication.get(s, snapshot_id)
            # reproducible: the same (as_at, known_at) gives the frozen data again
            assert publication.content_of(snapshot, [])["data"] == snapshot_data(
                s, snapshot.known_at
            )


def retries(caplog: pytest.LogCaptureFixture) -> int:
    return sum(1 for r in caplog.records if r.name == RETRY_LOG and "retrying" in r.message)


# --- through the services ------------------------------------------------------------------


def test_concurrent_service_writes_keep_the_books(
    assessed: Session, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """8 threads: 15 payments for five States, 4 reversals (one receipt twice), the same
    supplementary assessment twice, one draft approved by two checkers at once, and a
    snapshot proposed and published meanwhile."""
    caplog.set_level(logging.WARNING, logger=RETRY_LOG)
    to_reverse, snapshot_id = seed_history(engine)
    plan = Plan.draw(15, seed=1, prefix="SVC")
    outcome = concurrent_service_work(
        engine, threads=8, plan=plan, to_reverse=to_reverse, snapshot_id=snapshot_id
    )
    check_outcome(engine, outcome, plan, to_reverse)
    books = check_books(engine)
    assert books.reversals == 3 and books.receipts == len(plan.payments) + 4
    # a deadlock would show as a retry: the locks are taken in one order, so none
    assert retries(caplog) == 0, [r.message for r in caplog.records]


@pytest.mark.crash
def test_heavy_concurrent_service_writes_keep_the_books(
    assessed: Session, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """The same with 16 threads and 200 payments, three rounds."""
    caplog.set_level(logging.WARNING, logger=RETRY_LOG)
    to_reverse, snapshot_id = seed_history(engine)
    plan = Plan.draw(200, seed=2, prefix="HEAVY")
    outcome = concurrent_service_work(
        engine, threads=16, plan=plan, to_reverse=to_reverse, snapshot_id=snapshot_id
    )
    check_outcome(engine, outcome, plan, to_reverse)
    check_books(engine)
    for round_no in range(2):
        more = Plan.draw(100, seed=10 + round_no, prefix=f"ROUND{round_no}")
        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(lambda p: record(engine, receipt_in(p[0], p[1], p[2])), more.payments))
        check_books(engine)
    assert retries(caplog) == 0


# --- through the API (one process, threads) --------------------------------------------------


@dataclass
class Sent:
    key: str
    body: dict[str, Any]
    answers: list[httpx2.Response] = field(default_factory=list)


def officer_and_checker(env: ApiEnv, engine: Engine) -> dict[str, str]:
    """Headers of a second finance officer (maker-checker)."""
    with Session(engine) as s:
        _, token = access.create_user(
            s, actor=OFFICER, name="second-officer", roles=["finance_officer"]
        )
        s.commit()
    return {"Authorization": f"Bearer {token}"}


def test_concurrent_api_writes_with_idempotency_keys(
    assessed: Session, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """12 threads through the API: 16 payments with their own keys, 4 of them sent twice
    at once with the same key; reversals (one twice with its key, one twice with two
    keys); the supplementary assessment twice; a draft approved twice."""
    caplog.set_level(logging.WARNING, logger=RETRY_LOG)
    to_reverse, snapshot_id = seed_history(engine)
    budget = sec_budget(engine)
    plan = Plan.draw(16, seed=3, prefix="API")
    with api_env(engine) as env:
        officer = env.auth("finance_officer")
        second = officer_and_checker(env, engine)
        sent = [
            Sent(f"pay-{i}", {**receipt_in(st, minor, ref).model_dump(mode="json")})
            for i, (st, minor, ref) in enumerate(plan.payments)
        ]
        requests: list[tuple[str, str, dict[str, Any], dict[str, str], Sent | None]] = []
        for i, item in enumerate(sent):
            for _ in range(2 if i < 4 else 1):
                requests.append(("/api/v1/receipts", item.key, item.body, officer, item))
        reversal = {"value_on": PAID_ON.isoformat(), "reason": "returned by the bank"}
        rev_twice = Sent("rev-0", reversal)
        twice_or_not: tuple[tuple[str, str, Sent | None], ...] = (
            (f"/api/v1/receipts/{to_reverse[0]}/reversal", "rev-0", rev_twice),
            (f"/api/v1/receipts/{to_reverse[0]}/reversal", "rev-0", rev_twice),
            (f"/api/v1/receipts/{to_reverse[1]}/reversal", "rev-1a", None),
            (f"/api/v1/receipts/{to_reverse[1]}/reversal", "rev-1b", None),
        )
        for path, key, one in twice_or_not:
            requests.append((path, key, reversal, officer, one))
        supplementary = {"state_code": "ESP", "run_on": RUN_ON.isoformat()}
        for key in ("run-a", "run-b"):
            path = f"/api/v1/budgets/{budget}/assessments/supplementary"
            requests.append((path, key, supplementary, officer, None))
        for headers in (officer, second):
            path = f"/api/v1/publications/{snapshot_id}/approval"
            requests.append((path, "", {"reference": "ATT/TEST"}, headers, None))
        random.Random(5).shuffle(requests)
        gate = threading.Barrier(12)
        answers: list[tuple[str, str, httpx2.Response]] = []
        lock = threading.Lock()

        def send(index: int) -> None:
            path, key, body, headers, item = requests[index]
            if index < gate.parties:
                gate.wait(timeout=30)
            extra = {"Idempotency-Key": key} if key else {}
            answer = env.client.post(path, json=body, headers={**headers, **extra})
            with lock:
                answers.append((path, key, answer))
                if item is not None:
                    item.answers.append(answer)

        with ThreadPoolExecutor(max_workers=12) as pool:
            list(pool.map(send, range(len(requests))))
    assert len(answers) == len(requests)
    assert not [a.text for _, _, a in answers if a.status_code >= 500]
    for item in [*sent, rev_twice]:
        assert all(a.status_code == 201 for a in item.answers), [a.text for a in item.answers]
        assert len({a.text for a in item.answers}) == 1, "a replay differs from the first"
        replays = [a for a in item.answers if a.headers.get("Idempotent-Replayed")]
        assert len(replays) == len(item.answers) - 1
    by_path: dict[str, list[int]] = defaultdict(list)
    for path, _, a in answers:
        by_path[path].append(a.status_code)
    assert sorted(by_path[f"/api/v1/receipts/{to_reverse[1]}/reversal"]) == [201, 409]
    assert sorted(by_path[f"/api/v1/budgets/{budget}/assessments/supplementary"]) == [201, 409]
    assert sorted(by_path[f"/api/v1/publications/{snapshot_id}/approval"]) == [200, 409]
    # every key that wrote is stored once with its response; a refused one is not kept
    wrote = {key for _, key, a in answers if key and a.status_code == 201}
    with transaction(engine, read_only=True) as s:
        records = list(s.execute(select(IdempotencyRecord)).scalars())
    assert sorted(r.key for r in records) == sorted(wrote)
    assert all(r.status_code == 201 and r.response_body for r in records)
    books = check_books(engine)
    assert books.receipts == len(plan.payments) + 4
    assert books.reversals == 2
    assert retries(caplog) == 0


# --- the retry policy -----------------------------------------------------------------------


class _DriverError(Exception):
    """A driver's error carrying a SQLSTATE, as psycopg's do."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"injected failure {sqlstate}")
        self.sqlstate = sqlstate


def injected(sqlstate: str) -> OperationalError:
    """What SQLAlchemy raises for a driver error with ``sqlstate``."""
    return OperationalError("SELECT 1", {}, _DriverError(sqlstate))


def sqlite_busy() -> OperationalError:
    original = sqlite3.OperationalError("database is locked")
    original.sqlite_errorcode = sqlite3.SQLITE_BUSY
    return OperationalError("BEGIN IMMEDIATE", {}, original)


def test_contention_is_recognised() -> None:
    assert [contention_of(injected(c)) for c in ("40001", "40P01", "55P03", "23505")] == [
        "40001",
        "40P01",
        "55P03",
        None,
    ]
    assert contention_of(sqlite_busy()) == "SQLITE_BUSY"
    plain = sqlite3.OperationalError("no such table: x")
    assert contention_of(OperationalError("SELECT", {}, plain)) is None
    assert contention_of(Conflict("taken")) is None


def test_a_unit_of_work_is_rerun_in_a_new_transaction(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """Each failed attempt wrote a State and was rolled back: the third attempt writes it
    once. A unit that keeps failing ends as Busy after the attempts allowed; other errors
    are not retried."""
    caplog.set_level(logging.WARNING, logger=RETRY_LOG)
    attempts: list[int] = []

    def flaky(s: Session) -> str:
        attempts.append(1)
        s.add(State(code="ZZA", name="Retried", un_member=False))
        s.flush()
        if len(attempts) < 3:
            raise injected("40001" if len(attempts) == 1 else "40P01")
        return "done"

    assert run_transaction(flaky, engine) == "done"
    assert len(attempts) == 3 and retries(caplog) == 2
    assert "40001" in caplog.records[0].message and "flaky" in caplog.records[0].message
    with transaction(engine, read_only=True) as s:
        count = select(func.count()).where(col(State.code) == "ZZA")
        assert s.execute(count).scalar_one() == 1

    caplog.clear()
    calls: list[int] = []

    def stuck(s: Session) -> None:
        calls.append(1)
        s.add(State(code="ZZB", name="Never", un_member=False))
        s.flush()
        raise sqlite_busy()

    with pytest.raises(Busy) as busy:
        run_transaction(stuck, engine, attempts=3)
    assert busy.value.reason == "SQLITE_BUSY" and busy.value.retry_after >= 1
    assert len(calls) == 3 and retries(caplog) == 2
    with transaction(engine, read_only=True) as s:
        assert s.get(State, "ZZB") is None

    calls.clear()

    def refused(_s: Session) -> None:
        calls.append(1)
        raise Conflict("already there")

    with pytest.raises(Conflict):
        run_transaction(refused, engine)
    assert len(calls) == 1


_RECORD_RECEIPT = payments.record_receipt


def _inject_into_receipts(
    monkeypatch: pytest.MonkeyPatch, fail: Callable[[int], Exception | None]
) -> None:
    """Make the receipt service fail on the attempts for which ``fail`` gives an error."""
    real = _RECORD_RECEIPT
    seen: list[int] = []

    def record_receipt(session: Session, **kw: Any) -> Receipt:
        seen.append(1)
        error = fail(len(seen))
        real_receipt = real(session, **kw)  # writes first, so that the rollback shows
        if error is not None:
            raise error
        return real_receipt

    monkeypatch.setattr(payments, "record_receipt", record_receipt)


def test_the_api_retries_a_deadlocked_write_and_maps_what_persists_to_503(
    assessed: Session,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A write that meets a deadlock once is re-run in its savepoint and succeeds; one
    that keeps meeting it, or meets a serialization failure (which needs a new
    transaction), or whose commit fails so, gets 503 with the error body and
    ``Retry-After``; nothing is kept of it, so the same key then writes."""
    caplog.set_level(logging.WARNING, logger=RETRY_LOG)
    body = {**receipt_in("FRA", 123_456, "FLAKY").model_dump(mode="json")}
    body["confirm_duplicate_reference"] = True
    with api_env(engine) as env:

        def post(key: str) -> httpx2.Response:
            headers = {**env.auth("finance_officer"), "Idempotency-Key": key}
            return env.client.post("/api/v1/receipts", json=body, headers=headers)

        _inject_into_receipts(monkeypatch, lambda n: injected("40P01") if n == 1 else None)
        once = post("k-once")
        assert once.status_code == 201, once.text
        assert retries(caplog) == 1

        caplog.clear()
        _inject_into_receipts(monkeypatch, lambda n: injected("40P01"))
        stuck = post("k-stuck")
        assert stuck.status_code == 503
        assert stuck.json()["error"] == "Busy" and "nothing was recorded" in stuck.json()["detail"]
        assert int(stuck.headers["Retry-After"]) >= 1
        assert retries(caplog) == 4  # five attempts in all (the default)

        caplog.clear()
        _inject_into_receipts(monkeypatch, lambda n: injected("40001"))
        serial = post("k-serial")
        assert (serial.status_code, serial.json()["error"]) == (503, "Busy")
        assert "Retry-After" in serial.headers and retries(caplog) == 0

        monkeypatch.undo()
        real_commit = Session.commit
        failures = [injected("40001")]

        def commit(self: Session) -> None:
            if failures:
                raise failures.pop()
            real_commit(self)

        monkeypatch.setattr(Session, "commit", commit)
        at_commit = post("k-commit")
        monkeypatch.undo()
        assert (at_commit.status_code, at_commit.json()["error"]) == (503, "Busy")

        for key in ("k-stuck", "k-serial", "k-commit"):  # the keys were not kept
            again = post(key)
            assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    with transaction(engine, read_only=True) as s:
        stored = select(func.count()).where(col(Receipt.bank_reference) == "FLAKY")
        assert s.execute(stored).scalar_one() == 4
    check_books(engine)


# --- PostgreSQL: real deadlocks and serialization failures, and the lock order --------------


@ONLY_POSTGRESQL
def test_a_real_deadlock_is_rerun_and_both_succeed(
    db: Database, assessed: Session, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """Two units of work lock two States in opposite orders; PostgreSQL ends one of them
    (40P01), which runs again once the other has committed."""
    caplog.set_level(logging.WARNING, logger=RETRY_LOG)
    gate = threading.Barrier(2)

    def crossing(first: str, second: str) -> Callable[[Session], str]:
        tries: list[int] = []

        def work(s: Session) -> str:
            tries.append(1)
            payments.lock_state(s, first)
            if len(tries) == 1:
                gate.wait(timeout=10)
            payments.lock_state(s, second)
            return first

        return work

    with ThreadPoolExecutor(max_workers=2) as pool:
        done = [
            pool.submit(run_transaction, crossing(a, b), engine)
            for a, b in (("FRA", "DEU"), ("DEU", "FRA"))
        ]
        assert sorted(f.result(timeout=30) for f in done) == ["DEU", "FRA"]
    assert retries(caplog) == 1 and "40P01" in caplog.records[0].message


@ONLY_POSTGRESQL
def test_a_real_serialization_failure_is_rerun_and_succeeds(
    db: Database, assessed: Session, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """Two SERIALIZABLE transactions each count some States and add one (write skew):
    one fails with 40001 and, run again in a new transaction, sees the other's State."""
    caplog.set_level(logging.WARNING, logger=RETRY_LOG)
    serializable = engine.execution_options(isolation_level="SERIALIZABLE")
    gate = threading.Barrier(2)
    counts: dict[str, list[int]] = defaultdict(list)

    def adder(code: str) -> Callable[[Session], None]:
        def work(s: Session) -> None:
            seen = s.execute(select(func.count()).where(col(State.code).like("Q%"))).scalar_one()
            counts[code].append(int(seen))
            if len(counts[code]) == 1:
                gate.wait(timeout=10)
            s.add(State(code=code, name=f"State {code}", un_member=False))
            s.flush()

        return work

    with ThreadPoolExecutor(max_workers=2) as pool:
        done = [pool.submit(run_transaction, adder(c), serializable) for c in ("QAA", "QBB")]
        for f in done:
            f.result(timeout=30)
    assert retries(caplog) == 1 and "40001" in caplog.records[0].message
    assert sorted(map(tuple, counts.values())) == [(0,), (0, 1)]


def _holding(engine: Engine, state: str) -> Session:
    """A session in the middle of recording a receipt: the State is locked, nothing yet
    posted."""
    s = Session(engine, expire_on_commit=False)
    payments.lock_state(s, state)
    return s


@contextmanager
def beside(session: Session) -> Iterator[ThreadPoolExecutor]:
    """A thread for work beside ``session``'s open transaction. The session is closed
    (rolled back unless committed) before the thread is waited for, so that a failing
    test ends instead of waiting forever on a lock the session holds."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        yield pool
    finally:
        session.close()
        pool.shutdown(wait=True)


@ONLY_POSTGRESQL
def test_a_receipt_in_flight_does_not_hold_up_postings_for_its_state(
    db: Database, assessed: Session, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """While a receipt holds FRA's row, another transaction posts an entry that names FRA
    (its foreign key to the State must not wait, or the two would deadlock on the chain
    head); then the receipt posts too."""
    caplog.set_level(logging.WARNING, logger=RETRY_LOG)

    def adjust(s: Session) -> int:
        entry = post_entry(
            s,
            actor=OFFICER,
            value_on=PAID_ON,
            entry_type="adjustment",
            description="Adjustment naming FRA",
            postings=[
                PostingSpec(account_code("SEC", AccountType.RECEIVABLE), 100, "FRA", 2024),
                PostingSpec(account_code("SEC", AccountType.ASSESSED_REVENUE), -100, "FRA"),
            ],
        )
        return entry.seq

    holder = _holding(engine, "FRA")
    with beside(holder) as pool:
        posted = pool.submit(run_transaction, adjust, engine)
        assert posted.result(timeout=10) > 0  # done while FRA is still held
        payments.record_receipt(holder, actor=OFFICER, data=receipt_in("FRA", 5_000, "HELD"))
        holder.commit()
    assert retries(caplog) == 0
    with transaction(engine, read_only=True) as s:  # (the adjustment is outside check_books)
        assert verify_ledger(s).ok


@ONLY_POSTGRESQL
def test_an_assessment_applying_credit_waits_for_a_receipt_in_flight(
    db: Database, assessed: Session, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """ESP holds credit; a receipt of ESP is in flight when its supplementary assessment
    starts. The run waits for ESP before it takes the chain head (it applies ESP's credit
    after posting), so the receipt posts, commits, and the run follows: no deadlock."""
    caplog.set_level(logging.WARNING, logger=RETRY_LOG)
    record(engine, receipt_in("ESP", 300_000, "ESP-ADVANCE", date(2024, 6, 1)))
    budget = sec_budget(engine)

    def run_once(s: Session) -> int:
        return (
            assessments.assess_supplementary(
                s, actor=OFFICER, budget_id=budget, state_code="ESP", run_on=RUN_ON
            ).id
            or 0
        )

    holder = _holding(engine, "ESP")
    with beside(holder) as pool:
        run = pool.submit(run_transaction, run_once, engine, attempts=1)
        time.sleep(0.3)
        assert not run.done()  # waiting for ESP, not holding the chain head
        payments.record_receipt(holder, actor=OFFICER, data=receipt_in("ESP", 7_000, "INF"))
        holder.commit()
        assert run.result(timeout=10)
    assert retries(caplog) == 0
    with transaction(engine, read_only=True) as s:
        uses = list(s.execute(select(CreditUse)).scalars())
    assert [(u.state_code, u.kind) for u in uses] == [("ESP", "applied")]
    check_books(engine)


@ONLY_POSTGRESQL
def test_two_runs_of_one_budget_queue(db: Database, assessed: Session, engine: Engine) -> None:
    """The second supplementary assessment of ESP waits for the first and is refused."""
    budget = sec_budget(engine)

    def run_once(s: Session) -> int:
        return (
            assessments.assess_supplementary(
                s, actor=OFFICER, budget_id=budget, state_code="ESP", run_on=RUN_ON
            ).id
            or 0
        )

    first = Session(engine, expire_on_commit=False)
    with beside(first) as pool:
        run_once(first)
        second = pool.submit(run_transaction, run_once, engine)
        time.sleep(0.3)
        assert not second.done()
        first.commit()
        with pytest.raises(Conflict, match="already assessed"):
            second.result(timeout=10)
    check_books(engine)


def propose_plain(s: Session) -> int:
    """A snapshot proposed as at now, its data not read from the ledger."""
    return (
        publication.propose(
            s,
            actor=OFFICER,
            kind="report.concurrency_check",
            scope="plain",
            title="Plain",
            as_at=PAID_ON,
            known_at=datetime.now(UTC),
            data={"n": 1},
            reference="TEST/2",
        ).id
        or 0
    )


@ONLY_POSTGRESQL
def test_a_snapshot_freezes_the_postings_recorded_before_it(
    db: Database, assessed: Session, engine: Engine
) -> None:
    """An entry in flight when a snapshot is proposed (recorded before its known_at) is
    waited for and frozen in its chain head; the wait keeps no lock afterwards."""
    poster = Session(engine, expire_on_commit=False)
    with beside(poster) as pool:
        receipt = payments.record_receipt(
            poster, actor=OFFICER, data=receipt_in("DEU", 9_000, "INFLIGHT")
        )
        proposed = pool.submit(run_transaction, propose_plain, engine)
        time.sleep(0.3)
        assert not proposed.done()
        poster.commit()
        snapshot_id = proposed.result(timeout=10)
    with transaction(engine, read_only=True) as s:
        snapshot = publication.get(s, snapshot_id)
        assert snapshot.chain_head_seq == receipt.entry_seq
        assert publication.verify(s, snapshot_id).ok
    waiter = Session(engine)
    with beside(waiter) as pool:
        wait_for_postings(waiter)  # nothing in flight, and nothing kept locked after it:
        later = pool.submit(record, engine, receipt_in("DEU", 1_000, "AFTER"))
        assert later.result(timeout=10)[0] > 0


# --- two server processes on PostgreSQL -----------------------------------------------------

ATTFIN = str(Path(sys.executable).with_name("attfin"))
_STARTED = re.compile(r"Started server process \[(\d+)\]")


class TwoWorkers:
    """``attfin serve --workers 2`` on ``database_url``, its output in ``log_path``; the
    worker of each client connection is found in ``/proc`` (which process owns the
    server's end of the socket)."""

    def __init__(self, database_url: str, log_path: Path) -> None:
        from tests.bench.common import free_port

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.database_url = database_url
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> TwoWorkers:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    ATTFIN,
                    "serve",
                    "--workers",
                    "2",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                env={**os.environ, "ATTFIN_DATABASE_URL": self.database_url},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        with httpx2.Client(timeout=2) as http:
            while time.monotonic() < deadline:
                assert self.process.poll() is None, self.log()
                try:
                    if http.get(f"{self.url}/health").status_code == 200 and len(self.pids) == 2:
                        return self
                except httpx2.TransportError:
                    pass
                time.sleep(0.1)
        raise AssertionError(f"the server did not start: {self.log()}")

    def __exit__(self, *_exc: object) -> None:
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    @property
    def pids(self) -> list[int]:
        """The worker processes, as the server's log names them."""
        return [int(p) for p in _STARTED.findall(self.log())]

    def worker_of(self, answer: httpx2.Response) -> int:
        """The worker holding the (kept-alive) connection that ``answer`` came over."""
        stream = answer.extensions["network_stream"]
        client_port = int(stream.get_extra_info("client_addr")[1])
        inode = None
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = fields[1].split(":")[1], fields[2].split(":")[1]
            if int(local, 16) == self.port and int(remote, 16) == client_port:
                inode = fields[9]
        assert inode is not None, f"no server socket for client port {client_port}"
        for pid in self.pids:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                        return pid
                except OSError:
                    continue
        raise AssertionError(f"no worker holds socket {inode}")


def server_world(engine: Engine) -> tuple[str, list[int], int]:
    """The officers (one signs in with a password) and the seeded history: (the first
    officer's token, receipts to reverse, a draft to approve)."""
    with Session(engine) as s:
        _, token = access.create_user(
            s, actor=OFFICER, name="web-officer", roles=["finance_officer"], password=PASSWORD
        )
        s.commit()
    to_reverse, snapshot_id = seed_history(engine)
    return token, to_reverse, snapshot_id


def drive_two_workers(
    server: TwoWorkers,
    engine: Engine,
    *,
    token: str,
    clients: int,
    plan: Plan,
    same_key_pairs: int,
) -> dict[int, int]:
    """Sign in on every client at once, record ``plan`` spread over the clients with a key
    each, and send ``same_key_pairs`` payments with one key to both workers at the same
    moment. Requests answered per worker."""
    served: dict[int, int] = defaultdict(int)
    lock = threading.Lock()
    officer = {"Authorization": f"Bearer {token}"}

    def note(answer: httpx2.Response) -> httpx2.Response:
        pid = server.worker_of(answer)
        with lock:
            served[pid] += 1
        return answer

    pool_of_clients = [httpx2.Client(base_url=server.url, timeout=60) for _ in range(clients)]
    try:
        gate = threading.Barrier(clients)

        def sign_in(http: httpx2.Client) -> None:
            form = note(http.get("/app/sign-in"))
            gate.wait(timeout=30)
            signed = note(
                http.post(
                    "/app/sign-in",
                    data={
                        "name": "web-officer",
                        "password": PASSWORD,
                        "csrf_token": form_csrf(form.text),
                        "next": "/app",
                    },
                )
            )
            assert signed.status_code == 303, signed.text
            page = note(http.get("/app"))  # the web session works on either worker
            assert page.status_code == 200 and "web-officer" in page.text

        def pay(index: int) -> None:
            http = pool_of_clients[index]
            for i in range(index, len(plan.payments), clients):
                state, minor, reference = plan.payments[i]
                answer = note(
                    http.post(
                        "/api/v1/receipts",
                        json=receipt_in(state, minor, reference).model_dump(mode="json"),
                        headers={**officer, "Idempotency-Key": f"srv-{i}"},
                    )
                )
                assert answer.status_code == 201, answer.text

        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(sign_in, pool_of_clients))
            list(pool.map(pay, range(clients)))

        # One client on each worker (more connections opened until both have one).
        on: dict[int, httpx2.Client] = {}
        for http in pool_of_clients:
            on.setdefault(server.worker_of(note(http.get("/health"))), http)
        extra: list[httpx2.Client] = []
        while len(on) < 2 and len(extra) < 40:
            extra.append(httpx2.Client(base_url=server.url, timeout=60))
            on.setdefault(server.worker_of(note(extra[-1].get("/health"))), extra[-1])
        pool_of_clients += extra
        assert len(on) == 2, "every connection went to one worker"
        pair = list(on.values())
        for n in range(same_key_pairs):
            body = receipt_in(PAYERS[n % 5], 250_000 + n, f"TWICE-{n}").model_dump(mode="json")
            both = threading.Barrier(2)

            def twice(
                http: httpx2.Client,
                key: str = f"both-{n}",
                b: Any = body,
                gate: threading.Barrier = both,
            ) -> Any:
                gate.wait(timeout=30)
                return http.post(
                    "/api/v1/receipts", json=b, headers={**officer, "Idempotency-Key": key}
                )

            with ThreadPoolExecutor(max_workers=2) as pool:
                answers = list(pool.map(twice, pair))
            reached = {server.worker_of(note(a)) for a in answers}
            assert reached == set(on), "the pair did not reach both workers"
            assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
            assert answers[0].json() == answers[1].json()
            assert sum(1 for a in answers if a.headers.get("Idempotent-Replayed")) == 1
    finally:
        for http in pool_of_clients:
            http.close()
    return dict(served)


def _two_worker_run(
    db: Database, engine: Engine, tmp_path: Path, *, clients: int, payments_count: int, pairs: int
) -> dict[int, int]:
    token, _, _ = server_world(engine)
    plan = Plan.draw(payments_count, seed=4, prefix="SRV")
    with TwoWorkers(db.url, tmp_path / "server.log") as server:
        served = drive_two_workers(
            server, engine, token=token, clients=clients, plan=plan, same_key_pairs=pairs
        )
        log = server.log()
    assert sorted(served) == sorted(server.pids) and all(served.values()), served
    assert "Traceback" not in log and '" 500' not in log
    assert "retrying" not in log, "a deadlock or serialization failure met (and retried)"
    with transaction(engine, read_only=True) as s:
        keys = list(s.execute(select(col(IdempotencyRecord.key))).scalars())
        references = [r for _, _, r in plan.payments]
        stored = s.execute(
            select(func.coalesce(func.sum(col(Receipt.usd_minor)), 0), func.count()).where(
                col(Receipt.bank_reference).in_(references)
            )
        ).one()
        twice = s.execute(
            select(func.count()).where(col(Receipt.bank_reference).like("TWICE-%"))
        ).scalar_one()
    assert sorted(keys) == sorted(
        [f"srv-{i}" for i in range(payments_count)] + [f"both-{n}" for n in range(pairs)]
    )
    assert (int(stored[0]), int(stored[1])) == (plan.total_minor, payments_count)
    assert twice == pairs
    check_books(engine)
    return served


# Starting two server processes takes some ten seconds on this machine (each imports
# the whole service), too long for ``make test``: both runs are in ``make crash``.


@pytest.mark.crash
@ONLY_POSTGRESQL
def test_two_server_processes_keep_the_books(
    db: Database, assessed: Session, engine: Engine, tmp_path: Path
) -> None:
    """``attfin serve --workers 2``: 6 clients sign in at once, then record 24 payments
    with their own keys; 3 payments are each sent to both workers at the same moment
    with one key. Both workers answered; every key wrote once; the books check."""
    _two_worker_run(db, engine, tmp_path, clients=6, payments_count=24, pairs=3)


@pytest.mark.crash
@ONLY_POSTGRESQL
def test_two_server_processes_under_load(
    db: Database, assessed: Session, engine: Engine, tmp_path: Path
) -> None:
    """The same with 16 clients, 400 payments and 20 pairs sent to both workers."""
    _two_worker_run(db, engine, tmp_path, clients=16, payments_count=400, pairs=20)


@ONLY_POSTGRESQL
def test_only_the_wait_for_a_key_is_bounded(engine: Engine) -> None:
    """Claiming a key bounds the wait for a concurrent request with that key; the write's
    own lock waits afterwards (a busy State, the chain head) keep the server's default."""
    from finance_core.idempotency import service as idempotency

    with transaction(engine) as s:
        default = s.execute(text("SHOW lock_timeout")).scalar_one()
        idempotency.claim(s, actor="user:1", route="POST /x", key="k", request_hash="h")
        assert s.execute(text("SHOW lock_timeout")).scalar_one() == default
