"""Where voluntary money went: pure functions over plain data (no database).

Money is kept apart per *pool*, a fund and an earmark (``None``: unearmarked money).
Within a pool, disbursements are paid from receipts oldest first: each disbursement, in
value-date order, takes what is left of the oldest receipts, so every cent spent is
traced to the receipt (and so the donor) whose money paid it. Unearmarked money pays
only unearmarked disbursements, and earmarked money only disbursements under the same
earmark. Amounts are US cents (integers), so the parts always sum to the wholes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

#: A fund and an earmark (None: unearmarked money).
Pool = tuple[str, str | None]


@dataclass(frozen=True, slots=True)
class MoneyIn:
    """A receipt: ``usd_minor`` US cents (> 0) given by ``donor_id`` on ``value_on``."""

    id: int
    donor_id: int
    fund: str
    earmark: str | None
    value_on: date
    usd_minor: int

    @property
    def pool(self) -> Pool:
        return (self.fund, self.earmark)


@dataclass(frozen=True, slots=True)
class MoneyOut:
    """A disbursement: ``usd_minor`` US cents (> 0) paid on ``value_on``."""

    id: int
    fund: str
    earmark: str | None
    value_on: date
    usd_minor: int

    @property
    def pool(self) -> Pool:
        return (self.fund, self.earmark)


@dataclass(frozen=True, slots=True)
class Use:
    """``amount_minor`` US cents of receipt ``receipt_id`` spent by ``disbursement_id``."""

    receipt_id: int
    disbursement_id: int
    amount_minor: int


@dataclass(frozen=True, slots=True)
class Usage:
    """The tracing of every disbursement to receipts (US cents).

    For each receipt, its uses plus ``unspent[id]`` equal its amount; for each
    disbursement, its uses plus ``unfunded[id]`` equal its amount (``unfunded`` is zero
    unless the pool paid out more than it had received)."""

    uses: tuple[Use, ...]
    unspent: dict[int, int]
    unfunded: dict[int, int]

    def used_of(self, receipt_id: int) -> int:
        """US cents of the receipt spent."""
        return sum(u.amount_minor for u in self.uses if u.receipt_id == receipt_id)

    def funded_of(self, disbursement_id: int) -> int:
        """US cents of the disbursement traced to receipts."""
        return sum(u.amount_minor for u in self.uses if u.disbursement_id == disbursement_id)


def _oldest_first(rows: Iterable[MoneyIn]) -> list[MoneyIn]:
    return sorted(rows, key=lambda r: (r.value_on, r.id))


def trace(receipts: Iterable[MoneyIn], disbursements: Iterable[MoneyOut]) -> Usage:
    """Trace each disbursement to the receipts of its pool, oldest receipt first (see the
    module docstring)."""
    queues: dict[Pool, list[MoneyIn]] = defaultdict(list)
    left: dict[int, int] = {}
    for r in _oldest_first(receipts):
        queues[r.pool].append(r)
        left[r.id] = r.usd_minor
    heads: dict[Pool, int] = defaultdict(int)
    uses: list[Use] = []
    unfunded: dict[int, int] = {}
    for d in sorted(disbursements, key=lambda x: (x.value_on, x.id)):
        queue, need = queues[d.pool], d.usd_minor
        while need and heads[d.pool] < len(queue):
            source = queue[heads[d.pool]]
            taken = min(need, left[source.id])
            if taken:
                uses.append(Use(source.id, d.id, taken))
                left[source.id] -= taken
                need -= taken
            if not left[source.id]:
                heads[d.pool] += 1
        unfunded[d.id] = need
    return Usage(tuple(uses), left, unfunded)


def available(
    receipts: Iterable[MoneyIn], disbursements: Iterable[MoneyOut], *, on: date
) -> dict[Pool, int]:
    """Per pool, US cents received minus disbursed with a value date on or before ``on``
    (every pool that has any money in or out, zero balances included)."""
    balance: dict[Pool, int] = defaultdict(int)
    for r in receipts:
        if r.value_on <= on:
            balance[r.pool] += r.usd_minor
    for d in disbursements:
        if d.value_on <= on:
            balance[d.pool] -= d.usd_minor
    return dict(sorted(balance.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")))
