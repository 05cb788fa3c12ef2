"""Spending plans: recording a fund-year's plan (a new version each time) and reading
them back."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.audit import service as audit
from finance_core.budgets.service import find_budget, in_force
from finance_core.errors import NotFound, ValidationFailed
from finance_core.forecast.model import MONTHS_IN_YEAR
from finance_core.forecast.models import SpendingPlan
from finance_core.forecast.schemas import SpendingPlanIn, SpendingPlanOut
from finance_core.forecast.service import assessed_funds, parse_cents
from finance_core.money import format_minor


def add_plan(session: Session, *, actor: Actor, data: SpendingPlanIn) -> list[SpendingPlan]:
    """Record a fund-year's spending plan as its next version (twelve rows, January
    first; months not given plan nothing)."""
    fields: dict[str, str] = {}
    funds = assessed_funds(session)
    if data.fund not in funds:
        fields["fund"] = f"not an assessed fund ({', '.join(funds)})"
    amounts = [0] * MONTHS_IN_YEAR
    seen: set[int] = set()
    for given in data.months:
        key = f"months.{given.month}"
        if given.month in seen:
            fields[key] = "given twice"
            continue
        seen.add(given.month)
        try:
            amount = parse_cents(given.amount, field=key)
        except ValidationFailed as exc:
            fields.update(exc.fields)
            continue
        amounts[given.month - 1] = amount
    ValidationFailed.raise_if(fields)
    latest = session.execute(
        select(func.max(col(SpendingPlan.version))).where(
            col(SpendingPlan.fund_code) == data.fund, col(SpendingPlan.year) == data.year
        )
    ).scalar()
    version = int(latest or 0) + 1
    rows = [
        SpendingPlan(
            fund_code=data.fund,
            year=data.year,
            version=version,
            month=month,
            amount_minor=amount,
            reference=data.reference,
            recorded_by=actor.name,
        )
        for month, amount in enumerate(amounts, start=1)
    ]
    recorded_at = rows[0].recorded_at
    for row in rows:
        row.recorded_at = recorded_at
        session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="forecast.spending_plan",
        object_type="spending_plan",
        object_id=f"{data.fund}/{data.year}/{version}",
        detail=data.model_dump(mode="json"),
    )
    return rows


def _budget_total(session: Session, fund: str, year: int, as_at: date) -> int | None:
    try:
        budget = find_budget(session, fund_code=fund, year=year)
    except NotFound:
        return None
    figures = in_force(session, budget.id or 0, as_at)
    return figures.total_minor if figures else None


def plan_out(session: Session, rows: list[SpendingPlan], *, as_at: date) -> SpendingPlanOut:
    """One version of a plan (its twelve rows) with the budget in force on ``as_at``."""
    first = rows[0]
    amounts = [0] * MONTHS_IN_YEAR
    for row in rows:
        amounts[row.month - 1] = row.amount_minor
    budget = _budget_total(session, first.fund_code, first.year, as_at)
    return SpendingPlanOut(
        fund=first.fund_code,
        year=first.year,
        version=first.version,
        reference=first.reference,
        months=[format_minor(a) for a in amounts],
        total=format_minor(sum(amounts)),
        budget=format_minor(budget) if budget is not None else None,
        recorded_at=first.recorded_at,
        recorded_by=first.recorded_by,
    )


def list_plans(
    session: Session,
    *,
    fund: str | None = None,
    year: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[list[SpendingPlan]], int]:
    """Versions of spending plans, newest year first, then fund, latest version first
    (each as its twelve rows), and how many there are."""
    keys = select(
        col(SpendingPlan.fund_code), col(SpendingPlan.year), col(SpendingPlan.version)
    ).distinct()
    if fund is not None:
        keys = keys.where(col(SpendingPlan.fund_code) == fund)
    if year is not None:
        keys = keys.where(col(SpendingPlan.year) == year)
    total = int(session.execute(select(func.count()).select_from(keys.subquery())).scalar_one())
    page = session.execute(
        keys.order_by(
            col(SpendingPlan.year).desc(),
            col(SpendingPlan.fund_code),
            col(SpendingPlan.version).desc(),
        )
        .limit(limit)
        .offset(offset)
    ).all()
    if not page:
        return [], total
    wanted = {(str(f), int(y), int(v)) for f, y, v in page}
    rows = session.execute(
        select(SpendingPlan)
        .where(
            col(SpendingPlan.fund_code).in_({k[0] for k in wanted}),
            col(SpendingPlan.year).in_({k[1] for k in wanted}),
            col(SpendingPlan.version).in_({k[2] for k in wanted}),
        )
        .order_by(col(SpendingPlan.month))
    ).scalars()
    grouped: dict[tuple[str, int, int], list[SpendingPlan]] = defaultdict(list)
    for row in rows:
        key = (row.fund_code, row.year, row.version)
        if key in wanted:
            grouped[key].append(row)
    return [grouped[(str(f), int(y), int(v))] for f, y, v in page], total
