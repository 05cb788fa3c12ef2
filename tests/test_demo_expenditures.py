"""The demo's spending: expenditures on every line of every budget up to the demo date,
commitments (some in Swiss francs, a few still open in 2026), back-dated records, actual
equal to the ledger, and payments that fit the cash. The demo is loaded once per database
(SQLite and PostgreSQL) for the module."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, col

from finance_core.budgets.models import Budget, BudgetLine
from finance_core.db_types import utctoday
from finance_core.demo import dataset
from finance_core.expenditures import service
from finance_core.expenditures.models import Commitment, Expenditure
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.ledger.models import AccountType, LedgerAccount, LedgerPosting
from tests.fixtures_demo import DemoCopy

LIMIT = min(dataset.DEMO_DATE, utctoday())


@pytest.fixture(scope="module")
def demo(demo_copy: DemoCopy) -> Session:
    """A fresh copy of the demo data set per database, for every test of this module
    (which only read it)."""
    return demo_copy.session


def test_every_line_of_every_budget_has_expenditures(demo: Session) -> None:
    lines = demo.execute(
        select(col(BudgetLine.id), col(Budget.fund_code), col(Budget.year), col(BudgetLine.code))
        .join(Budget, col(Budget.id) == col(BudgetLine.budget_id))
        .where(col(Budget.year) <= LIMIT.year)
    ).all()
    assert {year for _, _, year, _ in lines} == set(range(2015, LIMIT.year + 1))
    spent = dict(
        demo.execute(
            select(col(Expenditure.budget_line_id), func.count()).group_by(
                col(Expenditure.budget_line_id)
            )
        ).all()
    )
    assert [(f, y, c) for i, f, y, c in lines if not spent.get(i)] == []
    report = service.execution(demo, as_at=LIMIT)
    rates = {(x.fund, x.year, x.line_code): float(x.execution_rate or 0) for x in report.lines}
    assert all(0 < r <= 100 for r in rates.values()), rates
    # once the receipts came in, each line spent 70-100 % of its budget
    assert all(70 <= r <= 100 for (_f, y, _c), r in rates.items() if 2020 <= y < 2026), rates


def test_records_are_back_dated_and_some_are_in_swiss_francs(demo: Session) -> None:
    rows = demo.execute(
        select(col(Expenditure.value_on), col(Expenditure.recorded_at), col(Expenditure.currency))
    ).all()
    assert len(rows) > 500
    assert all(r.date() == v + timedelta(days=3) for v, r, _ in rows)
    assert all(v <= LIMIT for v, _, _ in rows)
    currencies = {c for _, _, c in rows}
    assert currencies == {"USD", "CHF"}


def test_commitments_liquidated_cancelled_and_a_few_open_in_2026(demo: Session) -> None:
    positions = service.positions(demo)
    assert len(positions) >= 30
    assert demo.execute(select(func.count()).select_from(Commitment)).scalar_one() == len(positions)
    shown = [service.commitment_out(demo, i, p) for i, p in positions.items()]
    assert {"liquidated", "cancelled", "open"} == {c.status for c in shown}
    still_open = [c for c in shown if c.status == "open"]
    assert 1 <= len(still_open) <= 6
    assert all(c.year == 2026 for c in still_open)


def test_actual_is_the_ledger(demo: Session) -> None:
    """Per line, actual is the ledger's expenditure balance for the line (a year-end
    close moves the year's expenditure to the accumulated surplus without a line)."""
    for as_at in (date(2018, 6, 30), LIMIT):
        report = service.execution_lines(demo, as_at=as_at)
        ledger = {
            b.budget_line: b.amount_minor
            for b in balances(
                demo, as_at=as_at, by=[BalanceDim.BUDGET_LINE], account_type="expenditure"
            )
            if b.budget_line is not None
        }
        assert {x.line_id: x.figures.actual for x in report if x.figures.actual} == ledger


def test_spending_fits_the_cash(demo: Session) -> None:
    """The Secretariat's and the CSP's bank accounts never fall below zero, movements to
    and from the reserve included (a transfer pays over only cash no later payment needs)."""
    rows = demo.execute(
        select(
            col(LedgerPosting.fund_code),
            col(LedgerPosting.value_on),
            func.sum(col(LedgerPosting.amount_minor)),
        )
        .join(LedgerAccount, col(LedgerAccount.id) == col(LedgerPosting.account_id))
        .where(
            col(LedgerAccount.account_type) == AccountType.BANK.value,
            col(LedgerPosting.fund_code).in_(["SEC", "CSP"]),
        )
        .group_by(col(LedgerPosting.fund_code), col(LedgerPosting.value_on))
        .order_by(col(LedgerPosting.value_on))
    ).all()
    running = {"SEC": 0, "CSP": 0}
    for fund, day, amount in rows:
        running[fund] += int(amount)
        assert running[fund] >= 0, (fund, day, running[fund])
