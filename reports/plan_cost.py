"""What the strategic plan's goals and objectives cost, as CSV: one row per goal followed
by one per objective under it, then the unlinked rest and the total of the lines (the
goals' and the unlinked rows add up to the total, to the cent). Amounts are decimal
strings of US dollars, the execution rate a percentage; no locale formatting."""

from __future__ import annotations

import csv
import io

from reports.cells import text_safe
from strategy.schemas import CostRowOut, FiguresOut, PlanCostOut

COLUMNS = (
    "plan",
    "level",
    "code",
    "title",
    "goal_code",
    "original",
    "revised",
    "commitments",
    "actual",
    "available",
    "execution_rate",
)


def _amounts(f: FiguresOut) -> tuple[str, ...]:
    return (f.original, f.revised, f.commitments, f.actual, f.available, f.execution_rate or "")


def cost_csv(report: PlanCostOut) -> bytes:
    """Each goal and its objectives in the plan's order, then ``unlinked`` and ``total``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    plan = text_safe(report.plan_code)

    def row(r: CostRowOut) -> None:
        writer.writerow(
            (
                plan,
                r.level.value,
                text_safe(r.code),
                text_safe(r.title),
                text_safe(r.goal_code or ""),
                *_amounts(r.figures),
            )
        )

    for goal in report.goals:
        row(goal)
        for objective in report.objectives:
            if objective.goal_code == goal.code:
                row(objective)
    writer.writerow((plan, "unlinked", "", "unlinked", "", *_amounts(report.unlinked)))
    writer.writerow((plan, "total", "", "total", "", *_amounts(report.total)))
    return out.getvalue().encode("utf-8")
