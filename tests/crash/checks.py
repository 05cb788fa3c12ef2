"""What must hold after the server was killed under load: the clients' logs against the
database and the service's own reports.

A payment is linked to what the service stored by its bank reference (``CRASH-`` and the
key) and by its idempotency record (actor, route, key) whose stored response names the
receipt. Amounts are compared in US cents, exactly."""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, text

from finance_core.arrears.service import aging
from finance_core.db import transaction
from finance_core.payments.statement import statement
from tests.crash.clients import Payment
from tests.crash.server import ATTFIN
from tests.crash.world import FAR_AHEAD, World

#: The idempotency route of a receipt ends so (``api.idempotency`` names it by the
#: method and the route's path, which may or may not carry the API prefix).
RECEIPT_ROUTE = "POST %/receipts"
#: Problems listed per failed check, at most.
SHOWN = 5


@dataclass(frozen=True)
class Check:
    """One property of the run: whether it held, and what was seen."""

    name: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class StoredReceipt:
    """A receipt row as stored (amounts in minor units)."""

    id: int
    state_code: str
    value_on: date
    currency: str
    amount_minor: int
    usd_minor: int
    bank_reference: str


@dataclass(frozen=True)
class Stored:
    """What the database holds after the run (the parts the checks read)."""

    receipts: list[StoredReceipt]
    #: key -> (status code, receipt id in the stored response or None)
    idempotency: dict[str, tuple[int, int | None]]
    #: receipt id -> its allocation lines (fund, year, rule, US cents)
    allocations: dict[int, list[tuple[str, int | None, str, int]]]
    unbalanced: list[tuple[int, str, int]]

    def by_reference(self) -> dict[str, list[StoredReceipt]]:
        found: dict[str, list[StoredReceipt]] = defaultdict(list)
        for r in self.receipts:
            found[r.bank_reference].append(r)
        return found


def load(engine: Engine, actor: str) -> Stored:
    """Read the receipts, the receipt route's idempotency records of ``actor`` (the keys
    are the clients' own, so no other route's record can match them), the
    allocations and every (entry, fund) whose postings do not sum to zero."""
    with engine.connect() as conn:
        receipts = [
            StoredReceipt(int(i), str(s), _day(v), str(c), int(a), int(u), str(b))
            for i, s, v, c, a, u, b in conn.execute(
                text(
                    "SELECT id, state_code, value_on, currency, amount_minor, usd_minor, "
                    "bank_reference FROM receipt ORDER BY id"
                )
            )
        ]
        idempotency: dict[str, tuple[int, int | None]] = {}
        for key, status, body in conn.execute(
            text(
                "SELECT key, status_code, response_body FROM idempotency_record "
                "WHERE actor = :actor AND route LIKE :route"
            ),
            {"actor": actor, "route": RECEIPT_ROUTE},
        ):
            stored_id = json.loads(body).get("id") if body else None
            idempotency[str(key)] = (int(status), int(stored_id) if stored_id else None)
        allocations: dict[int, list[tuple[str, int | None, str, int]]] = defaultdict(list)
        for receipt_id, fund, year, rule, amount in conn.execute(
            text(
                "SELECT receipt_id, fund_code, assessment_year, rule, amount_minor "
                "FROM receipt_allocation ORDER BY receipt_id, line_no"
            )
        ):
            allocations[int(receipt_id)].append(
                (str(fund), None if year is None else int(year), str(rule), int(amount))
            )
        unbalanced = [
            (int(seq), str(fund), int(total))
            for seq, fund, total in conn.execute(
                text(
                    "SELECT entry_seq, fund_code, CAST(SUM(amount_minor) AS BIGINT) "
                    "FROM ledger_posting GROUP BY entry_seq, fund_code "
                    "HAVING SUM(amount_minor) <> 0"
                )
            )
        ]
    return Stored(receipts, idempotency, dict(allocations), unbalanced)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _check(name: str, problems: list[str], detail: str) -> Check:
    """A check that holds when ``problems`` is empty; otherwise the first few."""
    if problems:
        shown = "; ".join(problems[:SHOWN])
        more = f" (and {len(problems) - SHOWN} more)" if len(problems) > SHOWN else ""
        return Check(name, False, f"{len(problems)} problem(s): {shown}{more}")
    return Check(name, True, detail)


def recorded_payments(payments: Iterable[Payment], stored: Stored) -> list[Payment]:
    """The payments the database holds: every acknowledged one, and those never
    acknowledged whose receipt was recorded all the same."""
    references = stored.by_reference()
    return [p for p in payments if p.acknowledged or references.get(p.bank_reference)]


def check_acknowledged_once(payments: list[Payment], stored: Stored) -> Check:
    references = stored.by_reference()
    acked = [p for p in payments if p.acknowledged]
    problems = [
        f"{p.key}: {len(references.get(p.bank_reference, []))} receipts"
        for p in acked
        if len(references.get(p.bank_reference, [])) != 1
    ]
    return _check(
        "every acknowledged payment is recorded exactly once",
        problems,
        f"{len(acked)} acknowledged, each on one receipt",
    )


def check_ids(payments: list[Payment], stored: Stored) -> Check:
    references = stored.by_reference()
    problems: list[str] = []
    for p in payments:
        if not p.acknowledged:
            continue
        found = [r.id for r in references.get(p.bank_reference, [])]
        status, stored_id = stored.idempotency.get(p.key, (0, None))
        if found != [p.receipt_id]:
            problems.append(f"{p.key}: acknowledged receipt {p.receipt_id}, recorded {found}")
        if (status, stored_id) != (201, p.receipt_id):
            problems.append(
                f"{p.key}: idempotency record ({status}, receipt {stored_id}), "
                f"acknowledged receipt {p.receipt_id}"
            )
    return _check(
        "acknowledged receipt ids match the receipts and the idempotency records",
        problems,
        "every acknowledgement names its receipt and its key's stored response",
    )


def check_contents(payments: list[Payment], stored: Stored) -> Check:
    references = stored.by_reference()
    problems: list[str] = []
    for p in recorded_payments(payments, stored):
        for r in references.get(p.bank_reference, []):
            seen = (r.state_code, r.value_on, r.currency, r.amount_minor, r.usd_minor)
            sent = (p.state_code, p.value_on, "USD", p.amount_minor, p.amount_minor)
            if seen != sent:
                problems.append(f"{p.key}: sent {sent}, recorded {seen}")
        if p.acknowledged:
            a = p.answered
            answered = (
                a.get("state_code"),
                a.get("value_on"),
                int(Decimal(str(a.get("usd_amount"))).scaleb(2)),
                a.get("bank_reference"),
            )
            expected = (p.state_code, p.value_on.isoformat(), p.amount_minor, p.bank_reference)
            if answered != expected:
                problems.append(f"{p.key}: sent {expected}, acknowledged {answered}")
    return _check(
        "states, amounts and dates match the clients' logs",
        problems,
        "stored receipts and acknowledgements agree with what was sent",
    )


def check_nothing_else(payments: list[Payment], stored: Stored) -> Check:
    sent = {p.bank_reference: p for p in payments}
    keys = {p.key for p in payments}
    problems: list[str] = []
    counts = Counter(r.bank_reference for r in stored.receipts)
    problems += [
        f"receipt {r.id} ({r.bank_reference}) was never sent"
        for r in stored.receipts
        if r.bank_reference not in sent
    ]
    problems += [f"{ref}: {n} receipts" for ref, n in counts.items() if n > 1]
    acked = sum(p.acknowledged for p in payments)
    late = sum(1 for p in payments if not p.acknowledged and counts.get(p.bank_reference))
    if len(stored.receipts) != acked + late:
        problems.append(
            f"{len(stored.receipts)} receipts for {acked} acknowledged keys "
            f"(+{late} recorded without acknowledgement)"
        )
    running = [k for k, (status, _) in stored.idempotency.items() if status == 0]
    problems += [f"key {k} left running" for k in running]
    problems += [
        f"idempotency record for unknown key {k}" for k in stored.idempotency if k not in keys
    ]
    if len(stored.idempotency) != len(stored.receipts):
        problems.append(
            f"{len(stored.idempotency)} idempotency records for {len(stored.receipts)} receipts"
        )
    return _check(
        "nothing else is recorded",
        problems,
        f"{len(stored.receipts)} receipts = {acked} acknowledged keys + {late} recorded "
        "unacknowledged; one completed idempotency record each",
    )


def check_unacknowledged(payments: list[Payment], stored: Stored) -> Check:
    counts = Counter(r.bank_reference for r in stored.receipts)
    unacked = [p for p in payments if not p.acknowledged]
    problems = [
        f"{p.key}: {counts[p.bank_reference]} receipts"
        for p in unacked
        if counts.get(p.bank_reference, 0) > 1
    ]
    recorded = sum(1 for p in unacked if counts.get(p.bank_reference))
    return _check(
        "never-acknowledged payments are recorded at most once",
        problems,
        f"{len(unacked)} never acknowledged ({recorded} of them recorded once)",
    )


def check_balanced(stored: Stored) -> Check:
    problems = [f"entry {seq} fund {fund}: {total}" for seq, fund, total in stored.unbalanced]
    return _check("every ledger entry balances within each fund", problems, "all balance")


def check_sqlite_file(engine: Engine) -> Check:
    """SQLite's own ``PRAGMA integrity_check`` of the file the killed servers wrote."""
    with engine.connect() as conn:
        said = [str(row[0]) for row in conn.execute(text("PRAGMA integrity_check"))]
    return _check(
        "the SQLite file passes its integrity check", [] if said == ["ok"] else said, "ok"
    )


def check_verify(database_url: str) -> Check:
    """``attfin ledger verify`` run as its own process against the database."""
    done = subprocess.run(
        [ATTFIN, "ledger", "verify"],
        env={**os.environ, "ATTFIN_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    said = (done.stdout.strip().splitlines() or [""])[-1]
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or [said])[-1]
        return Check("attfin ledger verify", False, f"exit {done.returncode}: {said}")
    return Check("attfin ledger verify", True, said)


def paid_per_state(payments: Iterable[Payment], codes: Iterable[str]) -> dict[str, int]:
    """US cents paid by each State according to the clients' logs."""
    totals = dict.fromkeys(codes, 0)
    for p in payments:
        totals[p.state_code] += p.amount_minor
    return totals


def check_reports(engine: Engine, world: World, recorded: list[Payment]) -> list[Check]:
    """Each State's statement of account (received; owed less credit) and the aging
    (paid to debts plus credit) against the logs; and the total received."""
    logged = paid_per_state(recorded, world.codes)
    received: dict[str, int] = {}
    net: dict[str, int] = {}
    settled: dict[str, int] = {}
    with transaction(engine, read_only=True) as session:
        report = aging(session, as_at=FAR_AHEAD)
        paid_to_debt: dict[str, int] = defaultdict(int)
        for c in report.cells:
            paid_to_debt[c.state] += c.paid
        for code in world.codes:
            s = statement(session, state_code=code, from_on=date(2000, 1, 1), as_at=FAR_AHEAD)
            rows = [*s.receivables, *s.credit]
            received[code] = -sum(r.movements.get("received", 0) for r in rows)
            net[code] = s.owed_minor - s.credit_minor
            settled[code] = paid_to_debt[code] + s.credit_minor
    statement_problems = [
        f"{c}: statement received {received[c]}, logs {logged[c]}"
        for c in world.codes
        if received[c] != logged[c]
    ]
    arrears_problems = [
        f"{c}: owed less credit {net[c]}, assessed less logged payments "
        f"{world.assessed_minor[c] - logged[c]}"
        for c in world.codes
        if net[c] != world.assessed_minor[c] - logged[c]
    ] + [
        f"{c}: aging paid + credit {settled[c]}, logs {logged[c]}"
        for c in world.codes
        if settled[c] != logged[c]
    ]
    total_received, total_logged = sum(received.values()), sum(logged.values())
    total_problems = (
        [f"statements {total_received}, logs {total_logged}"]
        if total_received != total_logged
        else []
    )
    return [
        _check(
            "each State's statement shows what its payments' logs add up to",
            statement_problems,
            f"{len(world.codes)} States agree",
        ),
        _check(
            "arrears and credit agree with assessed less paid",
            arrears_problems,
            "statement owed - credit and aging paid + credit agree per State",
        ),
        _check(
            "total received equals the logs' total to the cent",
            total_problems,
            f"{Decimal(total_logged).scaleb(-2)} USD",
        ),
    ]


def check_scenario(stored: Stored, kills: int, wanted_kills: int) -> Check:
    """The run exercised what it claims: the kills, payments into credit, and payments
    spread over several funds or years."""
    credit = sum(
        1 for lines in stored.allocations.values() if any(rule == "credit" for *_, rule, _ in lines)
    )
    spread = sum(
        1
        for lines in stored.allocations.values()
        if len({(f, y) for f, y, rule, _ in lines if rule != "credit"}) > 1
    )
    problems = []
    if kills < wanted_kills:
        problems.append(f"{kills} kills, {wanted_kills} wanted")
    if not credit:
        problems.append("no payment went into credit")
    if not spread:
        problems.append("no payment was allocated over more than one fund or year")
    return _check(
        "the run exercised kills, credit and oldest-first allocation",
        problems,
        f"{kills} kills; {credit} receipts into credit, {spread} over several funds/years",
    )


def run_checks(
    *,
    engine: Engine,
    database_url: str,
    world: World,
    stored: Stored,
    payments: list[Payment],
    kills: int,
    wanted_kills: int,
    server_errors: int,
) -> list[Check]:
    """Every check of the run, in order, on what ``load`` read after the run."""
    recorded = recorded_payments(payments, stored)
    refused = [f"{p.key}: {p.refused}" for p in payments if p.refused]
    return [
        check_acknowledged_once(payments, stored),
        check_ids(payments, stored),
        check_contents(payments, stored),
        check_nothing_else(payments, stored),
        check_unacknowledged(payments, stored),
        _check("no payment was refused", refused, "none refused"),
        _check(
            "no server error (5xx) after any restart",
            [f"{server_errors} answers 5xx"] if server_errors else [],
            "none",
        ),
        check_balanced(stored),
        *([check_sqlite_file(engine)] if engine.dialect.name == "sqlite" else []),
        check_verify(database_url),
        *check_reports(engine, world, recorded),
        check_scenario(stored, kills, wanted_kills),
    ]
