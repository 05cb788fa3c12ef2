"""Aging of what States owe, and the Rule 8 trigger: pure functions over plain data.

A *cell* is one State's receivable for one fund and assessment year as at a date, with
what moved it: ``assessed`` (assessments, revisions and re-assessments, net), ``paid``
(receipts net of reversals), ``credited`` (the State's credit applied), ``written_off``
and ``adjusted`` (anything else, signed as it moves the debt). All amounts are US cents;
``paid``, ``credited`` and ``written_off`` are positive when they reduce the debt, so
``outstanding = assessed - paid - credited - written_off + adjusted``, which is the
receivable's ledger balance.

Buckets by assessment year relative to the as-at year Y (``bucket_years`` = N):
``not_due`` (year after Y, or not yet due on the as-at date), ``current`` (Y),
``1_year`` … ``N-1_years`` (Y-1 …), ``N_years_plus`` (Y-N and older). *Arrears* are the
amounts outstanding and due on assessments of years before Y, in the arrears funds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

NOT_DUE = "not_due"
CURRENT = "current"


def bucket_names(bucket_years: int) -> list[str]:
    """The buckets in order, youngest first: not_due, current, 1_year, …, N_years_plus."""
    names = [NOT_DUE, CURRENT]
    names += [f"{k}_year" if k == 1 else f"{k}_years" for k in range(1, bucket_years)]
    names.append(f"{bucket_years}_year_plus" if bucket_years == 1 else f"{bucket_years}_years_plus")
    return names


def bucket_of(year: int, due_on: date, as_at: date, bucket_years: int) -> str:
    """The bucket of an assessment of ``year`` due on ``due_on``, as at ``as_at``."""
    if year > as_at.year or due_on > as_at:
        return NOT_DUE
    age = as_at.year - year
    names = bucket_names(bucket_years)
    return names[1 + min(age, bucket_years)]


@dataclass(frozen=True, slots=True)
class Cell:
    """One State's receivable for one fund and assessment year (see the module doc)."""

    state: str
    fund: str
    year: int
    due_on: date
    assessed: int = 0
    paid: int = 0
    credited: int = 0
    written_off: int = 0
    adjusted: int = 0

    @property
    def outstanding(self) -> int:
        return self.assessed - self.paid - self.credited - self.written_off + self.adjusted


@dataclass(frozen=True, slots=True)
class AgedCell:
    """A cell with its bucket and days past due (0 when nothing is overdue)."""

    cell: Cell
    bucket: str
    days_past_due: int

    @property
    def outstanding(self) -> int:
        return self.cell.outstanding


@dataclass(slots=True)
class StateAging:
    """One State's position: outstanding per bucket (each bucket present, zero or not),
    the total outstanding (every fund), and its arrears (arrears funds, years before Y)."""

    state: str
    cells: list[AgedCell] = field(default_factory=list)
    buckets: dict[str, int] = field(default_factory=dict)
    outstanding: int = 0
    arrears: int = 0
    oldest_year_due: int | None = None


@dataclass(frozen=True, slots=True)
class AgingRules:
    """The parameters of an arrears rule that the calculation needs."""

    bucket_years: int = 3
    arrears_funds: frozenset[str] = frozenset({"SEC", "CSP"})
    trigger_years: int = 2
    trigger_minimum: int = 0


def age_cells(cells: Iterable[Cell], as_at: date, rules: AgingRules) -> dict[str, StateAging]:
    """Every State's aging as at ``as_at``: cells bucketed, summed per bucket and State."""
    names = bucket_names(rules.bucket_years)
    states: dict[str, StateAging] = {}
    for cell in cells:
        entry = states.get(cell.state)
        if entry is None:
            entry = states[cell.state] = StateAging(cell.state, buckets=dict.fromkeys(names, 0))
        bucket = bucket_of(cell.year, cell.due_on, as_at, rules.bucket_years)
        amount = cell.outstanding
        overdue = bucket != NOT_DUE and amount > 0
        entry.cells.append(AgedCell(cell, bucket, (as_at - cell.due_on).days if overdue else 0))
        entry.buckets[bucket] += amount
        entry.outstanding += amount
        if bucket not in (NOT_DUE, CURRENT) and cell.fund in rules.arrears_funds:
            entry.arrears += amount
        if overdue and (entry.oldest_year_due is None or cell.year < entry.oldest_year_due):
            entry.oldest_year_due = cell.year
    return states


@dataclass(frozen=True, slots=True)
class Trigger:
    """Whether Rule 8's trigger is met, with the figures: ``arrears`` against
    ``threshold`` (contributions assessed for ``years``, the preceding full years)."""

    met: bool
    arrears: int
    threshold: int
    years: tuple[int, ...]
    minimum: int


def trigger(
    aging: StateAging | None, cells: Sequence[Cell], as_at: date, rules: AgingRules
) -> Trigger:
    """Rule 8's trigger as at ``as_at``: arrears above the minimum and at least the
    contributions assessed (net) in the arrears funds for the ``trigger_years``
    preceding full years. ``cells`` are the State's cells (any fund)."""
    years = tuple(as_at.year - k for k in range(1, rules.trigger_years + 1))
    threshold = sum(c.assessed for c in cells if c.fund in rules.arrears_funds and c.year in years)
    arrears = aging.arrears if aging else 0
    met = arrears > rules.trigger_minimum and arrears >= threshold
    return Trigger(met, arrears, threshold, years, rules.trigger_minimum)


@dataclass(frozen=True, slots=True)
class Collection:
    """One fund and assessment year: assessed, collected (paid + credited), written off,
    outstanding (US cents) and the collection rate (None when nothing was assessed)."""

    fund: str
    year: int
    assessed: int
    collected: int
    written_off: int
    outstanding: int

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.collected, self.assessed) if self.assessed > 0 else None


def collection(cells: Iterable[Cell]) -> list[Collection]:
    """Collection per fund and assessment year, summed over States, ordered by year and
    fund."""
    sums: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for c in cells:
        row = sums[(c.year, c.fund)]
        row[0] += c.assessed
        row[1] += c.paid + c.credited
        row[2] += c.written_off
        row[3] += c.outstanding
    return [Collection(fund, year, *sums[(year, fund)]) for year, fund in sorted(sums)]
