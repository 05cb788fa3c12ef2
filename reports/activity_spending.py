"""Activity-based spending: what the strategic plan's goals and objectives cost in a
year, as at ``(as_at, known_at)``.

Every budget line of the year's budgets (``expenditures.service.execution_lines``) is
shared among the plan's objectives by the links in force as known at ``known_at``, in
basis points; what the links leave is *unlinked* (``strategy.service.cost``, split to
the cent by largest remainder). A goal costs what its objectives cost. All amounts are
integer US cents, positive:

- ``original``: the line's budget as first adopted (its part of it);
- ``revised``: the budget version in force as at ``as_at``;
- ``commitments``: open obligations;
- ``actual``: expenditure posted, net of reversals;
- ``available`` = revised − commitments − actual (negative when overspent);
- ``variance`` = revised − actual;
- ``rate`` = actual / revised in hundredths of a percent (none without a revised budget).

The ``goals`` table ends with the part not linked to any objective, so its total line is
the total of every budget line of the year, figure by figure. ``plan_of`` picks the plan
a report on the plan is about (shared with ``reports/progress_report.py``)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlmodel import Session

from finance_core.errors import NotFound, ValidationFailed
from finance_core.expenditures.execution import Figures
from finance_core.money import format_minor
from finance_core.system.service import is_demo
from reports.document import Chart, ChartKind, Column, ColumnKind, Fact, Report, Table, plain, rate
from reports.request import ReportRequest
from strategy import service
from strategy.models import ElementLevel, PlanElement, StrategicPlan

FIGURES = ("original", "revised", "commitments", "actual")
AMOUNTS = (*FIGURES, "available", "variance")


def plan_of(session: Session, request: ReportRequest) -> StrategicPlan:
    """The plan a report is about: the plan with code ``request.plan``, else the plan in
    force in ``request.year`` (NotFound when there is none)."""
    if request.plan is not None:
        code = request.plan.strip()
        try:
            return service.find_plan(session, code=code)
        except NotFound:
            raise NotFound(f"there is no strategic plan with code {code!r}") from None
    found = service.plan_for_year(session, year=request.year)
    if found is None:
        raise NotFound(
            f"no adopted or closed strategic plan covers {request.year}: name a plan by its code"
        )
    return found


def check_year(request: ReportRequest) -> None:
    """Refuse an ``as_at`` before the year reported on began."""
    if request.as_at < date(request.year, 1, 1):
        raise ValidationFailed(
            "as_at is before the year reported on",
            fields={"as_at": f"must be on or after {request.year}-01-01"},
        )


def _amounts(figures: Figures) -> dict[str, int]:
    return {name: getattr(figures, name) for name in FIGURES}


def _frame(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> pd.DataFrame:
    """Rows with the four figures as a frame, with available, variance and rate added."""
    frame = pd.DataFrame.from_records(rows, columns=[*keys, *FIGURES])
    frame[list(FIGURES)] = frame[list(FIGURES)].astype("int64")
    frame["available"] = frame["revised"] - frame["commitments"] - frame["actual"]
    frame["variance"] = frame["revised"] - frame["actual"]
    frame["rate"] = rate(frame["actual"], frame["revised"])
    return frame


def _ordered(elements: dict[int, PlanElement], level: ElementLevel) -> list[PlanElement]:
    """The elements of ``level`` in the plan's order (objectives goal by goal)."""
    goals = [e for e in elements.values() if e.level == ElementLevel.GOAL]
    if level == ElementLevel.GOAL:
        return goals
    return [
        e
        for goal in goals
        for e in elements.values()
        if e.level == ElementLevel.OBJECTIVE and e.parent_id == goal.id
    ]


def spending_frames(cost: service.PlanCost) -> dict[str, pd.DataFrame]:
    """The ``goals`` (then the unlinked part), ``objectives`` and ``lines`` frames."""
    elements = cost.elements
    goals = [
        {"part": "goal", "code": g.code, "title": g.title, **_amounts(cost.goals[g.id or 0])}
        for g in _ordered(elements, ElementLevel.GOAL)
    ]
    goals.append({"part": "unlinked", "code": None, "title": None, **_amounts(cost.unlinked)})
    objectives = [
        {
            "goal_code": elements[o.parent_id or 0].code,
            "code": o.code,
            "title": o.title,
            **_amounts(cost.objectives[o.id or 0]),
        }
        for o in _ordered(elements, ElementLevel.OBJECTIVE)
    ]
    lines = [
        {
            "fund": x.line.fund,
            "year": x.line.year,
            "line_code": x.line.code,
            "title": x.line.title,
            "links": "; ".join(
                f"{code} ({format_minor(bp, 2)} %)"
                for code, bp in sorted((elements[o].code, bp) for o, bp in x.shares.items())
            )
            or None,
            "unlinked_revised": x.split.unlinked.revised,
            "unlinked_actual": x.split.unlinked.actual,
            **_amounts(x.line.figures),
        }
        for x in cost.lines
    ]
    line_frame = _frame(
        lines,
        ("fund", "year", "line_code", "title", "links", "unlinked_revised", "unlinked_actual"),
    )
    line_frame[["year", "unlinked_revised", "unlinked_actual"]] = line_frame[
        ["year", "unlinked_revised", "unlinked_actual"]
    ].astype("int64")
    return {
        "goals": _frame(goals, ("part", "code", "title")),
        "objectives": _frame(objectives, ("goal_code", "code", "title")),
        "lines": line_frame,
    }


# --- the report --------------------------------------------------------------------------

CODE = Column("code", "col.code", width=10)
TITLE = Column("title", "col.title", width=40)


def _money(key: str) -> Column:
    return Column(key, f"activity.col.{key}", ColumnKind.MONEY, total=True)


FIGURE_COLUMNS = (
    *(_money(k) for k in AMOUNTS),
    Column("rate", "activity.col.rate", ColumnKind.RATE),
)


def _rate_of(actual: int, revised: int) -> int | None:
    value: int | None = plain(rate(pd.Series([actual]), pd.Series([revised])).iloc[0])
    return value


def activity_spending(session: Session, request: ReportRequest) -> Report:
    """What the plan's goals and objectives cost in ``request.year`` as at ``(as_at,
    known_at)`` (see the module docstring)."""
    check_year(request)
    plan = plan_of(session, request)
    cost = service.cost(
        session,
        plan_id=plan.id or 0,
        as_at=request.as_at,
        known_at=request.known_at,
        year=request.year,
    )
    frames = spending_frames(cost)
    total, unlinked = cost.total, cost.unlinked
    linked_actual = total.actual - unlinked.actual
    goal_count = len(frames["goals"]) - 1
    chart = (
        Chart(
            ChartKind.BAR,
            "code",
            ("revised", "actual"),
            "activity.chart.goals",
            limit=goal_count,
        )
        if goal_count
        else None
    )
    facts = (
        Fact("revised", "activity.fact.revised", ColumnKind.MONEY, total.revised),
        Fact("actual", "activity.fact.actual", ColumnKind.MONEY, total.actual),
        Fact("rate", "activity.fact.rate", ColumnKind.RATE, _rate_of(total.actual, total.revised)),
        Fact("unlinked_actual", "activity.fact.unlinked_actual", ColumnKind.MONEY, unlinked.actual),
        Fact(
            "linked_share",
            "activity.fact.linked_share",
            ColumnKind.RATE,
            _rate_of(linked_actual, total.actual),
        ),
    )
    return Report(
        name="activity-spending",
        title="activity.title",
        as_at=request.as_at,
        known_at=request.known_at,
        demo=is_demo(session),
        parameters={"year": str(request.year), "plan": plan.code},
        subtitle="activity.subtitle",
        subtitle_values={"plan_title": plan.title, "year": str(request.year)},
        facts=facts,
        tables=(
            Table(
                "goals",
                "activity.table.goals",
                (
                    Column("part", "activity.col.part", ColumnKind.LABEL, labels="activity.part."),
                    CODE,
                    TITLE,
                    *FIGURE_COLUMNS,
                ),
                frames["goals"],
                chart=chart,
                note="activity.note.goals",
            ),
            Table(
                "objectives",
                "activity.table.objectives",
                (Column("goal_code", "activity.col.goal_code"), CODE, TITLE, *FIGURE_COLUMNS),
                frames["objectives"],
                total_by="goal_code",
                note="activity.note.objectives",
            ),
            Table(
                "lines",
                "activity.table.lines",
                (
                    Column("fund", "col.fund", ColumnKind.LABEL, labels="fund.", width=12),
                    Column("year", "col.year", ColumnKind.INTEGER),
                    Column("line_code", "activity.col.line_code", width=10),
                    TITLE,
                    Column("links", "activity.col.links", width=36),
                    *FIGURE_COLUMNS,
                    _money("unlinked_revised"),
                    _money("unlinked_actual"),
                ),
                frames["lines"],
                note="activity.note.lines",
            ),
        ),
    )
