"""The demo's spending from 2015 to the demo date: expenditures and commitments on every
line of every demo budget. Deterministic; amounts, payees and references are
illustrative.

Each line of a budget aims to spend 70–100 % of its amount in force at the year end (for
2026, the share of the year gone by the demo date): monthly staff payments, contracts
committed early in the year and paid in instalments, travel and running costs; about a
third in Swiss francs at the demo's rates, most confirmed by the bank's US dollar figure
five days later. Spending starts once the year's budget is adopted (the 2015 budget was
adopted at CSP1 in August 2015).

A fund cannot pay out money it does not hold: each payment is cut to what the fund's bank
account holds on its day and every later day (its receipts, less the payments before
it), so that the bank balance never falls below zero; when money is short a payment takes
at most half of what is left, so that every line pays something. Where the demo's
receipts come in late (the CSP fund's early years above all), a line spends less than
70 %; what a contract then did not pay is cancelled at the year end. A few 2026 contracts are still
open on the demo date. Every record is back-dated a few days after its business date."""

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import BigInteger, cast, func, select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.budgets import service as budgets
from finance_core.budgets.models import Budget, BudgetLine, BudgetLineAmount
from finance_core.db_types import utctoday
from finance_core.demo import dataset
from finance_core.expenditures import service
from finance_core.expenditures.models import Category
from finance_core.expenditures.schemas import CancellationIn, CommitmentIn, ExpenditureIn
from finance_core.ledger.models import AccountType, LedgerAccount, LedgerPosting
from finance_core.money import format_minor
from finance_core.payments.service import rate_on

#: Per line code: the kinds of spending (category, payee, share of the line, pattern).
#: ``monthly`` pays every month; ``contract`` is committed when spending starts and paid
#: in three to five instalments; ``ad_hoc`` pays three to seven times a year.
SPENDING: dict[str, tuple[tuple[Category, str, Decimal, str], ...]] = {
    "SEC-01": (
        (Category.STAFF, "Secretariat payroll", Decimal("0.80"), "monthly"),
        (Category.OPERATING_EXPENSES, "Office premises, Geneva", Decimal("0.20"), "monthly"),
    ),
    "SEC-02": (
        (Category.TRAVEL, "Travel agency", Decimal("0.50"), "ad_hoc"),
        (Category.CONTRACTUAL_SERVICES, "Regional outreach workshops", Decimal("0.50"), "contract"),
    ),
    "SEC-03": (
        (Category.CONTRACTUAL_SERVICES, "Reporting platform provider", Decimal("0.70"), "contract"),
        (Category.EQUIPMENT, "IT equipment supplier", Decimal("0.30"), "ad_hoc"),
    ),
    "SEC-04": (
        (Category.GRANTS, "Working group facilitation grants", Decimal("0.40"), "ad_hoc"),
        (Category.TRAVEL, "Travel agency", Decimal("0.30"), "ad_hoc"),
        (Category.OTHER, "Selection committee support", Decimal("0.30"), "ad_hoc"),
    ),
    "CSP-01": (
        (Category.CONTRACTUAL_SERVICES, "Conference venue", Decimal("0.75"), "contract"),
        (Category.OPERATING_EXPENSES, "Conference logistics", Decimal("0.25"), "ad_hoc"),
    ),
    "CSP-02": (
        (Category.CONTRACTUAL_SERVICES, "Interpretation services", Decimal("0.60"), "contract"),
        (Category.CONTRACTUAL_SERVICES, "Translation and printing", Decimal("0.40"), "ad_hoc"),
    ),
    "CSP-03": (
        (Category.TRAVEL, "Travel agency", Decimal("0.40"), "ad_hoc"),
        (Category.CONTRACTUAL_SERVICES, "Meeting rooms and catering", Decimal("0.60"), "ad_hoc"),
    ),
}
#: Spending of a line of an unknown code.
_OTHER = ((Category.OTHER, "Various suppliers", Decimal(1), "ad_hoc"),)


@dataclass(frozen=True, slots=True)
class DemoExpenditures:
    """What was loaded."""

    expenditures: int
    commitments: int
    cancelled: int
    open_commitments: int


@dataclass
class _Contract:
    """A commitment to record, then pay by its instalments."""

    line_id: int
    fund: str
    year: int
    line_code: str
    on: date
    payee: str
    reference: str
    instalments: list[_Payment] = field(default_factory=list)
    commitment_id: int | None = None
    cancel: bool = True


@dataclass
class _Payment:
    """A payment planned for a line (US cents); ``contract`` if it pays one."""

    line_id: int
    fund: str
    year: int
    line_code: str
    on: date
    usd_minor: int
    category: Category
    payee: str
    reference: str
    currency: str
    contract: _Contract | None = None


class _Cash:
    """A fund's bank balance by value date before the demo's spending, and what it still
    lets the fund pay on a day: the least balance on that day or later, less what was
    already paid."""

    def __init__(self, movements: list[tuple[date, int]]) -> None:
        self.days = [d for d, _ in movements]
        running = 0
        balances = []
        for _, amount in movements:
            running += amount
            balances.append(running)
        self.least_from = balances[:]
        for i in range(len(balances) - 2, -1, -1):
            self.least_from[i] = min(balances[i], self.least_from[i + 1])
        self.paid = 0

    def available(self, day: date) -> int:
        i = bisect.bisect_right(self.days, day) - 1
        if i < 0:
            return 0
        return self.least_from[i] - self.paid


def _cash_of(session: Session, fund: str) -> _Cash:
    rows = session.execute(
        select(
            col(LedgerPosting.value_on),
            cast(func.sum(col(LedgerPosting.amount_minor)), BigInteger),
        )
        .join(LedgerAccount, col(LedgerAccount.id) == col(LedgerPosting.account_id))
        .where(
            col(LedgerAccount.fund_code) == fund,
            col(LedgerAccount.account_type) == AccountType.BANK.value,
        )
        .group_by(col(LedgerPosting.value_on))
        .order_by(col(LedgerPosting.value_on))
    ).all()
    return _Cash([(d, int(a)) for d, a in rows])


def _split(total: int, parts: int, rnd: random.Random) -> list[int]:
    """``total`` cents in ``parts`` uneven parts that add up to it."""
    weights = [rnd.randint(70, 130) for _ in range(parts)]
    amounts = [total * w // sum(weights) for w in weights]
    amounts[-1] += total - sum(amounts)
    return amounts


def _days(first: date, last: date, count: int, rnd: random.Random) -> list[date]:
    span = max((last - first).days, 0)
    return sorted(first + timedelta(days=rnd.randint(0, span)) for _ in range(count))


def _plan(
    session: Session, rnd: random.Random, limit: date
) -> tuple[list[_Contract], list[_Payment]]:
    """Every contract and payment the demo would make if the cash allowed it."""
    contracts: list[_Contract] = []
    payments: list[_Payment] = []
    for budget in session.execute(
        select(Budget).order_by(col(Budget.year), col(Budget.fund_code))
    ).scalars():
        assert budget.id is not None
        first = budgets.versions(session, budget.id)[0].version
        start = max(date(budget.year, 1, 10), first.adopted_on + timedelta(days=7))
        year_end = date(budget.year, 12, 15)
        end = min(year_end, limit)
        if start > end:
            continue
        elapsed = 1 if end == year_end else (end - date(budget.year, 1, 1)).days / 365
        version = budgets.in_force(session, budget.id, end)
        assert version is not None
        lines = session.execute(
            select(BudgetLine, col(BudgetLineAmount.amount_minor))
            .join(BudgetLineAmount, col(BudgetLineAmount.line_id) == col(BudgetLine.id))
            .where(col(BudgetLineAmount.version_id) == version.version.id)
            .order_by(col(BudgetLine.code))
        ).all()
        for line, amount in lines:
            assert line.id is not None
            rate = Decimal(rnd.randint(70, 100)) / 100
            target = int(Decimal(amount) * rate * Decimal(str(round(elapsed, 4))))
            for n, (category, payee, share, pattern) in enumerate(
                SPENDING.get(line.code, _OTHER), start=1
            ):
                total = int(Decimal(target) * share)
                if total < 100_00:
                    continue
                reference = f"DEMO-{budget.fund_code}-{budget.year}-{line.code}-{n}"
                currency = "CHF" if rnd.random() < 0.35 else "USD"
                contract = None
                if pattern == "monthly":
                    days = [
                        date(budget.year, m, 25)
                        for m in range(start.month, 13)
                        if start <= date(budget.year, m, 25) <= end
                    ] or [end]
                elif pattern == "contract":
                    contract = _Contract(
                        line.id,
                        budget.fund_code,
                        budget.year,
                        line.code,
                        start,
                        payee,
                        f"{reference}-PO",
                        cancel=end == year_end,
                    )
                    contracts.append(contract)
                    instalments = rnd.randint(3, 5)
                    if end != year_end:  # 2026: the last instalments are still to come
                        total = total * (instalments + 2) // instalments
                    days = _days(start + timedelta(days=14), year_end, instalments, rnd)
                else:
                    days = _days(start, end, rnd.randint(3, 7), rnd)
                for i, (day, cents) in enumerate(
                    zip(days, _split(total, len(days), rnd), strict=True), start=1
                ):
                    payment = _Payment(
                        line.id,
                        budget.fund_code,
                        budget.year,
                        line.code,
                        day,
                        cents,
                        category,
                        payee,
                        f"{reference}-{i:02d}",
                        currency,
                        contract,
                    )
                    if contract is not None:
                        contract.instalments.append(payment)
                    if day <= end:
                        payments.append(payment)
    return contracts, payments


def load_expenditures(session: Session, *, actor: Actor) -> DemoExpenditures:
    """Record the demo's commitments and expenditures (the caller commits)."""
    rnd = random.Random(dataset.SEED + 11)  # noqa: S311 (illustrative figures, not secrets)
    limit = min(dataset.DEMO_DATE, utctoday())
    contracts, payments = _plan(session, rnd, limit)
    cash = {fund: _cash_of(session, fund) for fund in sorted({p.fund for p in payments})}
    for contract in contracts:
        if not contract.instalments:
            continue
        amount = sum(p.usd_minor for p in contract.instalments)
        created = service.record_commitment(
            session,
            actor=actor,
            data=CommitmentIn(
                budget_line_id=contract.line_id,
                committed_on=contract.on,
                amount=format_minor(amount),
                payee=contract.payee,
                reference=contract.reference,
                description="Contract for the year (illustrative)",
            ),
            recorded_at=dataset.recorded_at(contract.on),
        )
        contract.commitment_id = created.id
    spent: dict[int, int] = defaultdict(int)
    count = 0
    for p in sorted(payments, key=lambda x: (x.on, x.fund, x.line_code, x.reference)):
        ledger = cash[p.fund]
        # a CHF payment may cost up to 0.5 % more once the bank confirms its figure; when
        # money is short, a payment takes at most half of what is left, so that every
        # line still pays something
        room = (ledger.available(p.on) - 100) * 1000 // 1005
        usd = min(p.usd_minor, room // 2 if room < 2 * p.usd_minor else room)
        if usd < 100_00:
            continue
        amount, currency = usd, p.currency
        if currency != "USD":
            per_unit = Decimal(rate_on(session, currency, p.on).usd_per_unit)
            amount = int((Decimal(usd) / per_unit).to_integral_value())
        expenditure = service.record_expenditure(
            session,
            actor=actor,
            data=ExpenditureIn(
                budget_line_id=p.line_id,
                value_on=p.on,
                amount=format_minor(amount),
                currency=currency,
                category=p.category,
                payee=p.payee,
                reference=p.reference,
                commitment_id=p.contract.commitment_id if p.contract else None,
            ),
            recorded_at=dataset.recorded_at(p.on),
        )
        count += 1
        ledger.paid += expenditure.usd_minor
        spent[p.line_id] += expenditure.usd_minor
        confirm_on = p.on + timedelta(days=5)
        if expenditure.usd_provisional and rnd.random() < 0.7 and confirm_on <= limit:
            usd_minor = expenditure.usd_minor
            bank = usd_minor + rnd.randint(-usd_minor // 400, usd_minor // 200)
            confirmed = service.confirm_usd(
                session,
                actor=actor,
                expenditure_id=expenditure.id or 0,
                usd_amount=format_minor(bank),
                value_on=confirm_on,
                recorded_at=dataset.recorded_at(confirm_on),
            )
            ledger.paid += confirmed.difference_minor
    cancelled = still_open = 0
    for contract in contracts:
        if contract.commitment_id is None:
            continue
        position = service.positions(session, line_ids=[contract.line_id])[contract.commitment_id]
        if position.open_minor <= 0:
            continue
        if not contract.cancel:
            still_open += 1
            continue
        on = date(contract.year, 12, 20)
        service.cancel_commitment(
            session,
            actor=actor,
            commitment_id=contract.commitment_id,
            data=CancellationIn(
                cancelled_on=on, reason="Contract closed for the year (illustrative)"
            ),
            recorded_at=dataset.recorded_at(on),
        )
        cancelled += 1
    return DemoExpenditures(
        expenditures=count,
        commitments=sum(1 for c in contracts if c.commitment_id is not None),
        cancelled=cancelled,
        open_commitments=still_open,
    )
