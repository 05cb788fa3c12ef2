"""What the public reads of the strategic plans: plans the CSP adopted (adopted or
closed, never drafts) with their goals, objectives, activities and indicators with
baselines and targets. Measurements reach the public only inside published annual
updates (``annual_update``)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlalchemy import select
from sqlmodel import Session, col

from finance_core.errors import NotFound
from strategy import service
from strategy.models import PlanStatus, StrategicPlan
from strategy.schemas import ElementNodeOut

#: Statuses of plans the public may read.
PUBLIC_STATUSES = (PlanStatus.ADOPTED, PlanStatus.CLOSED)


class PublicPlanOut(BaseModel):
    """A plan adopted by the CSP, without who recorded it."""

    code: str
    title: str
    description: str | None
    first_year: int
    last_year: int
    status: PlanStatus
    decision_reference: str | None
    adopted_on: date | None
    closed_on: date | None


class PublicPlanTreeOut(BaseModel):
    """An adopted plan with its goals, each with its indicators and elements below it."""

    plan: PublicPlanOut
    goals: list[ElementNodeOut]


def _out(plan: StrategicPlan) -> PublicPlanOut:
    return PublicPlanOut(
        code=plan.code,
        title=plan.title,
        description=plan.description,
        first_year=plan.first_year,
        last_year=plan.last_year,
        status=PlanStatus(plan.status),
        decision_reference=plan.decision_reference,
        adopted_on=plan.adopted_on,
        closed_on=plan.closed_on,
    )


def public_plans(session: Session) -> list[PublicPlanOut]:
    """Adopted and closed plans, latest first."""
    plans = session.execute(
        select(StrategicPlan)
        .where(col(StrategicPlan.status).in_([s.value for s in PUBLIC_STATUSES]))
        .order_by(col(StrategicPlan.first_year).desc())
    ).scalars()
    return [_out(p) for p in plans]


def public_plan(session: Session, *, code: str) -> PublicPlanTreeOut:
    """An adopted or closed plan by code with its structure (NotFound for a draft, so
    that a draft's existence is not told)."""
    plan = session.execute(
        select(StrategicPlan).where(col(StrategicPlan.code) == code)
    ).scalar_one_or_none()
    if plan is None or plan.status not in PUBLIC_STATUSES:
        raise NotFound(f"no adopted plan {code}")
    tree = service.plan_tree(session, plan_id=plan.id or 0)
    return PublicPlanTreeOut(plan=_out(plan), goals=tree.goals)
