"""The paying clients: each thread records payments one after another through
``POST /api/v1/receipts``, every logical payment under its own ``Idempotency-Key``, and
retries the same request until the server acknowledges it.

Retried: connection errors and timeouts (the server was killed or is restarting), 5xx
answers (503 is the service's "busy, nothing recorded, send it again"; any other 5xx is
counted as a server error), and 409 "still running" (a concurrent attempt with the key
holds it). An acknowledgement is 201 (or 200) with the receipt; a replay carries
``Idempotent-Replayed: true``. Any other answer is a refusal, logged and not retried.

Besides the kills, a client is sometimes impatient (``impatience``: the share of
payments whose first attempt is so): it stops waiting for the answer after a few
milliseconds and sends the same request again while the first may still be running, or
may have committed. The retry then waits for the first and replays its response: the
path that a kill after the commit but before the answer takes, which kills alone rarely
hit.

Each payment's bank reference contains its key and ``confirm_duplicate_reference`` is
set, so the idempotency key alone stands between a retry and a second receipt."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx2

from finance_core.money import format_minor

RECEIPTS = "/api/v1/receipts"
#: How long a client waits for an answer: normally, and when impatient (drawn between).
PATIENT_SECONDS, IMPATIENT_SECONDS = 30.0, (0.002, 0.05)
#: The pause before a retry: the first value, doubled after each failure up to the second.
BACKOFF = (0.02, 0.25)


@dataclass
class Payment:
    """One logical payment and what its client saw of it."""

    key: str
    client: int
    state_code: str
    amount: str
    amount_minor: int
    value_on: date
    attempts: int = 0
    receipt_id: int | None = None
    replayed: bool = False
    answered: dict[str, Any] = field(default_factory=dict)
    refused: str | None = None

    @property
    def bank_reference(self) -> str:
        return f"CRASH-{self.key}"

    @property
    def acknowledged(self) -> bool:
        return self.receipt_id is not None

    def body(self) -> dict[str, Any]:
        return {
            "state_code": self.state_code,
            "value_on": self.value_on.isoformat(),
            "amount": self.amount,
            "bank_reference": self.bank_reference,
            "confirm_duplicate_reference": True,
        }


@dataclass
class Tally:
    """What one client counted besides its payments."""

    #: connections refused (the server was down), requests cut off (killed in flight),
    #: answers not waited for (impatience)
    refused_connections: int = 0
    cut_off: int = 0
    not_waited: int = 0
    still_running: int = 0
    busy: int = 0
    server_errors: int = 0
    server_error_samples: list[str] = field(default_factory=list)


class Control:
    """Shared by the clients and the run: when to stop starting payments, when to give
    up on an unacknowledged one, and whether the run is being torn down."""

    def __init__(self, hard_deadline: float) -> None:
        self.no_new_payments = threading.Event()
        self.abort = threading.Event()
        self._give_up_at = hard_deadline
        self._lock = threading.Lock()

    def give_up_after(self, seconds: float) -> None:
        with self._lock:
            self._give_up_at = min(self._give_up_at, time.monotonic() + seconds)

    def giving_up(self) -> bool:
        with self._lock:
            return self.abort.is_set() or time.monotonic() >= self._give_up_at


def amount_text(minor: int, rng: random.Random) -> str:
    """US cents as a decimal string the way banks write them: "1234.50", sometimes
    "1234.5" or "1234" when the cents allow it."""
    text = format_minor(minor)
    if text.endswith("0") and rng.random() < 0.3:
        text = text.rstrip("0").rstrip(".")
    return text


def draw_amount(rng: random.Random) -> int:
    """US cents: mostly up to 3,000.00, some up to 30,000.00, a few under a dollar."""
    roll = rng.random()
    if roll < 0.05:
        return rng.randint(1, 99)
    if roll < 0.85:
        return rng.randint(100, 300_000)
    return rng.randint(300_000, 3_000_000)


class Client:
    """One paying client (see the module docstring); ``run`` is the thread's body."""

    def __init__(
        self,
        *,
        number: int,
        url: str,
        token: str,
        codes: tuple[str, ...],
        first_day: date,
        last_day: date,
        key_prefix: str,
        seed: int,
        max_payments: int,
        impatience: float,
        control: Control,
    ) -> None:
        self.number = number
        self.url = url
        self.token = token
        self.codes = codes
        self.first_day = first_day
        self.span_days = (last_day - first_day).days
        self.key_prefix = key_prefix
        self.rng = random.Random(seed)
        self.max_payments = max_payments
        self.impatience = impatience
        self.control = control
        self.log: list[Payment] = []
        self.tally = Tally()
        self.error: BaseException | None = None

    def next_payment(self) -> Payment:
        minor = draw_amount(self.rng)
        return Payment(
            key=f"{self.key_prefix}-{self.number}-{len(self.log)}",
            client=self.number,
            state_code=self.rng.choice(self.codes),
            amount=amount_text(minor, self.rng),
            amount_minor=minor,
            value_on=self.first_day + timedelta(days=self.rng.randint(0, self.span_days)),
        )

    def run(self) -> None:
        try:
            with httpx2.Client(base_url=self.url, timeout=PATIENT_SECONDS) as http:
                while not self.control.no_new_payments.is_set() and (
                    len(self.log) < self.max_payments
                ):
                    payment = self.next_payment()
                    self.log.append(payment)
                    self.settle(http, payment)
                    if self.control.giving_up():
                        return
        except BaseException as exc:  # reported by the run
            self.error = exc

    def settle(self, http: httpx2.Client, payment: Payment) -> None:
        """Send ``payment`` until it is acknowledged or refused, or the run gives up."""
        headers = {"Authorization": f"Bearer {self.token}", "Idempotency-Key": payment.key}
        body = payment.body()
        pause = BACKOFF[0]
        while not self.control.giving_up():
            payment.attempts += 1
            impatient = payment.attempts == 1 and self.rng.random() < self.impatience
            timeout = (
                httpx2.Timeout(PATIENT_SECONDS, read=self.rng.uniform(*IMPATIENT_SECONDS))
                if impatient
                else PATIENT_SECONDS
            )
            try:
                response = http.post(RECEIPTS, json=body, headers=headers, timeout=timeout)
            except httpx2.ConnectError:
                self.tally.refused_connections += 1
            except httpx2.TransportError as exc:
                if impatient and isinstance(exc, httpx2.ReadTimeout):
                    self.tally.not_waited += 1
                else:
                    self.tally.cut_off += 1
            else:
                if response.status_code in (200, 201):
                    answer = response.json()
                    payment.receipt_id = int(answer["id"])
                    payment.replayed = response.headers.get("Idempotent-Replayed") == "true"
                    payment.answered = answer
                    return
                if response.status_code == 503:
                    self.tally.busy += 1
                elif response.status_code >= 500:
                    self.tally.server_errors += 1
                    if len(self.tally.server_error_samples) < 3:
                        self.tally.server_error_samples.append(
                            f"{response.status_code} {response.text[:300]}"
                        )
                elif response.status_code == 409 and "still running" in response.text:
                    self.tally.still_running += 1
                else:
                    payment.refused = f"{response.status_code} {response.text[:300]}"
                    return
            time.sleep(pause)
            pause = min(pause * 2, BACKOFF[1])
