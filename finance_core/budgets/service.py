"""Budgets: adopting, revising, and reading the version in force as at a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.audit import service as audit
from finance_core.budgets.models import Budget, BudgetLine, BudgetLineAmount, BudgetVersion
from finance_core.budgets.schemas import BudgetIn, BudgetOut, LineOut, VersionIn, VersionOut
from finance_core.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from finance_core.funds.models import Fund, FundKind
from finance_core.money import format_minor, parse_minor


@dataclass(frozen=True, slots=True)
class VersionFigures:
    """A version's totals in US cents."""

    version: BudgetVersion
    total_minor: int

    @property
    def to_assess_minor(self) -> int:
        """What is left to assess once the funds carried over are used."""
        return self.total_minor - self.version.carried_over_minor


def _add_version(
    session: Session,
    *,
    actor: Actor,
    budget: Budget,
    number: int,
    data: VersionIn,
    recorded_at: datetime | None,
) -> BudgetVersion:
    codes = [line.code for line in data.lines]
    duplicates = {c for c in codes if codes.count(c) > 1}
    if duplicates:
        raise ValidationFailed(
            f"line code {sorted(duplicates)[0]} appears twice",
            fields={f"lines.{c}": "duplicate code" for c in sorted(duplicates)},
        )
    amounts = {
        line.code: parse_minor(line.amount, field=f"lines.{line.code}.amount")
        for line in data.lines
    }
    negative = {f"lines.{c}.amount": "must not be negative" for c, a in amounts.items() if a < 0}
    if negative:
        raise ValidationFailed("a budget line cannot be negative", fields=negative)
    carried = parse_minor(data.carried_over, field="carried_over")
    total = sum(amounts.values())
    if carried < 0 or carried > total:
        raise ValidationFailed(
            "funds carried over must be between zero and the budget's total",
            fields={"carried_over": f"must be between 0 and {format_minor(total)}"},
        )
    previous = session.execute(
        select(BudgetVersion)
        .where(col(BudgetVersion.budget_id) == budget.id)
        .order_by(col(BudgetVersion.version).desc())
        .limit(1)
    ).scalar_one_or_none()
    if previous is not None and data.adopted_on < previous.adopted_on:
        raise RuleViolation(
            f"a revision is adopted after the version it revises ({previous.adopted_on})"
        )
    version = BudgetVersion(
        budget_id=budget.id,  # type: ignore[arg-type]
        version=number,
        decision_symbol=data.decision_symbol,
        adopted_on=data.adopted_on,
        carried_over_minor=carried,
        note=data.note,
        recorded_by=actor.name,
    )
    if recorded_at is not None:
        version.recorded_at = recorded_at
    session.add(version)
    session.flush()
    lines = {
        line.code: line
        for line in session.execute(
            select(BudgetLine).where(col(BudgetLine.budget_id) == budget.id)
        ).scalars()
    }
    for given in data.lines:
        line = lines.get(given.code)
        if line is None:
            line = BudgetLine(
                budget_id=budget.id,  # type: ignore[arg-type]
                code=given.code,
                title=given.title,
                description=given.description,
            )
            session.add(line)
            session.flush()
            lines[given.code] = line
        assert line.id is not None and version.id is not None
        session.add(
            BudgetLineAmount(
                version_id=version.id, line_id=line.id, amount_minor=amounts[given.code]
            )
        )
    for code, line in lines.items():  # lines left out of a revision are cut to zero
        if code not in amounts:
            assert line.id is not None and version.id is not None
            session.add(BudgetLineAmount(version_id=version.id, line_id=line.id, amount_minor=0))
    session.flush()
    return version


def adopt_budget(
    session: Session, *, actor: Actor, data: BudgetIn, recorded_at: datetime | None = None
) -> Budget:
    """Record a budget as adopted by the CSP (version 0).

    ``recorded_at`` defaults to now; only the demo loader back-dates it."""
    fund = session.get(Fund, data.fund)
    if fund is None:
        raise NotFound(f"fund {data.fund} does not exist")
    if fund.kind != FundKind.ASSESSED:
        raise RuleViolation(f"fund {fund.code} is not assessed: its budget is not apportioned")
    exists = session.execute(
        select(Budget).where(col(Budget.fund_code) == data.fund, col(Budget.year) == data.year)
    ).first()
    if exists:
        raise Conflict(f"the {data.year} budget of fund {data.fund} is already recorded")
    budget = Budget(fund_code=data.fund, year=data.year)
    if recorded_at is not None:
        budget.created_at = recorded_at
    session.add(budget)
    session.flush()
    _add_version(session, actor=actor, budget=budget, number=0, data=data, recorded_at=recorded_at)
    audit.record(
        session,
        actor=actor,
        action="budgets.adopt",
        object_type="budget",
        object_id=f"{data.fund}/{data.year}",
        detail=data.model_dump(mode="json"),
        occurred_at=recorded_at,
    )
    return budget


def revise_budget(
    session: Session,
    *,
    actor: Actor,
    budget_id: int,
    data: VersionIn,
    recorded_at: datetime | None = None,
) -> BudgetVersion:
    """Record a revision of a budget (a new version; the earlier ones are kept).

    ``recorded_at`` defaults to now; only the demo loader back-dates it."""
    budget = get_budget(session, budget_id)
    count = session.execute(
        select(func.count()).where(col(BudgetVersion.budget_id) == budget_id)
    ).scalar_one()
    version = _add_version(
        session, actor=actor, budget=budget, number=int(count), data=data, recorded_at=recorded_at
    )
    audit.record(
        session,
        actor=actor,
        action="budgets.revise",
        object_type="budget",
        object_id=f"{budget.fund_code}/{budget.year}",
        detail=data.model_dump(mode="json"),
        occurred_at=recorded_at,
    )
    return version


def get_budget(session: Session, budget_id: int) -> Budget:
    """One budget or NotFound."""
    budget = session.get(Budget, budget_id)
    if budget is None:
        raise NotFound(f"budget {budget_id} does not exist")
    return budget


def find_budget(session: Session, *, fund_code: str, year: int) -> Budget:
    """The budget of a fund for a year, or NotFound."""
    budget: Budget | None = session.execute(
        select(Budget).where(col(Budget.fund_code) == fund_code, col(Budget.year) == year)
    ).scalar_one_or_none()
    if budget is None:
        raise NotFound(f"no {year} budget is recorded for fund {fund_code}")
    return budget


def versions(session: Session, budget_id: int) -> list[VersionFigures]:
    """Every version of a budget with its total, oldest first."""
    totals = dict(
        session.execute(
            select(col(BudgetLineAmount.version_id), func.sum(col(BudgetLineAmount.amount_minor)))
            .join(BudgetVersion, col(BudgetVersion.id) == col(BudgetLineAmount.version_id))
            .where(col(BudgetVersion.budget_id) == budget_id)
            .group_by(col(BudgetLineAmount.version_id))
        ).all()
    )
    rows = session.execute(
        select(BudgetVersion)
        .where(col(BudgetVersion.budget_id) == budget_id)
        .order_by(col(BudgetVersion.version))
    ).scalars()
    return [VersionFigures(v, int(totals.get(v.id, 0))) for v in rows]


def in_force(session: Session, budget_id: int, as_at: date) -> VersionFigures | None:
    """The version in force as at ``as_at``: the latest adopted on or before it."""
    adopted = [v for v in versions(session, budget_id) if v.version.adopted_on <= as_at]
    return adopted[-1] if adopted else None


def _version_out(v: VersionFigures) -> VersionOut:
    return VersionOut(
        version=v.version.version,
        decision_symbol=v.version.decision_symbol,
        adopted_on=v.version.adopted_on,
        total=format_minor(v.total_minor),
        carried_over=format_minor(v.version.carried_over_minor),
        to_assess=format_minor(v.to_assess_minor),
        note=v.version.note,
    )


def budget_out(session: Session, budget: Budget, as_at: date) -> BudgetOut:
    """A budget with its version in force as at ``as_at``, that version's lines, and all
    versions."""
    assert budget.id is not None
    current = in_force(session, budget.id, as_at)
    lines: list[LineOut] = []
    if current is not None:
        rows = session.execute(
            select(BudgetLine, col(BudgetLineAmount.amount_minor))
            .join(BudgetLineAmount, col(BudgetLineAmount.line_id) == col(BudgetLine.id))
            .where(col(BudgetLineAmount.version_id) == current.version.id)
            .order_by(col(BudgetLine.code))
        ).all()
        lines = [
            LineOut(
                id=line.id or 0,
                code=line.code,
                title=line.title,
                description=line.description,
                amount=format_minor(amount),
            )
            for line, amount in rows
        ]
    return BudgetOut(
        id=budget.id,
        fund=budget.fund_code,
        year=budget.year,
        in_force=_version_out(current) if current else None,
        lines=lines,
        versions=[_version_out(v) for v in versions(session, budget.id)],
    )


def list_budgets(
    session: Session, *, fund: str | None = None, year: int | None = None
) -> list[Budget]:
    """Budgets, newest year first."""
    query = select(Budget).order_by(col(Budget.year).desc(), col(Budget.fund_code))
    if fund:
        query = query.where(col(Budget.fund_code) == fund)
    if year:
        query = query.where(col(Budget.year) == year)
    return list(session.execute(query).scalars())
