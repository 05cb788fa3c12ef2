"""When assessments fall due: the earliest due date of each fund and year's runs."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session, col

from finance_core.assessments.models import AssessmentRun
from finance_core.budgets.models import Budget

_DUE = (
    select(col(Budget.fund_code), col(Budget.year), func.min(col(AssessmentRun.due_on)))
    .join(AssessmentRun, col(AssessmentRun.budget_id) == col(Budget.id))
    .group_by(col(Budget.fund_code), col(Budget.year))
)


def due_dates(session: Session) -> dict[tuple[str, int], date]:
    """(fund, year) → the earliest due date of the assessment runs of that budget."""
    return {(str(fund), int(year)): due_on for fund, year, due_on in session.execute(_DUE).all()}
