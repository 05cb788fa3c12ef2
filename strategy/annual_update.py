"""The annual public update on progress against the strategic plan.

For a year of an adopted (or closed) plan, an update freezes, as at ``(as_at,
known_at)``: each goal with its narrative, its status rolled up from its indicators and
what it cost in the year; each objective with its status and cost; each indicator with
its baseline, target, value, share of the way, status and trend; and the year's budget
lines not linked to any objective. Only measurements approved as known at ``known_at``
enter the figures, so a draft value never reaches an update.

An update is a publication snapshot (kind ``strategy.annual_update``, scope ``<plan
code>/<year>``) proposed by one finance officer and published when another approves it
(``finance_core.publication.service.approve``). A correction is a newer proposal of the
same scope: once approved it supersedes the older update, which stays readable. The
public reads published updates only (``published_update``)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.canonical import canonical_json
from finance_core.cells import text_safe
from finance_core.db_types import utcnow
from finance_core.errors import NotFound, RuleViolation, ValidationFailed
from finance_core.publication import service as publication
from finance_core.publication.models import Snapshot, SnapshotStatus
from finance_core.publication.schemas import FileIn, PublicSnapshotOut
from strategy import service
from strategy.models import ElementLevel, PlanElement, PlanStatus, StrategicPlan
from strategy.schemas import AnnualUpdateIn

#: The publication kind of annual updates.
KIND = "strategy.annual_update"

#: The files frozen with each update.
JSON_FILE = "annual-update.json"
GOALS_CSV = "goals.csv"
INDICATORS_CSV = "indicators.csv"

INDICATOR_COLUMNS = (
    "goal_code",
    "element_code",
    "code",
    "title",
    "unit",
    "direction",
    "baseline",
    "baseline_year",
    "target",
    "value",
    "share_of_way",
    "status",
    "trend",
)
GOAL_COLUMNS = (
    "level",
    "code",
    "goal_code",
    "title",
    "status",
    "original",
    "revised",
    "commitments",
    "actual",
    "execution_rate",
)


def scope_of(plan_code: str, year: int) -> str:
    """The snapshot scope of a plan's update for ``year``: ``SP-2026-2030/2026``."""
    return f"{plan_code}/{year}"


@dataclass(frozen=True, slots=True)
class UpdateFigures:
    """What an update freezes besides its words (JSON-ready: strings, ints, None)."""

    plan: StrategicPlan
    year: int
    as_at: date
    known_at: datetime
    data: dict[str, Any]


def _goal_of(element: PlanElement, elements: dict[int, PlanElement]) -> PlanElement:
    """The goal above ``element`` (itself if it is a goal)."""
    while element.parent_id is not None:
        element = elements[element.parent_id]
    return element


def figures(
    session: Session, *, plan_id: int, year: int, as_at: date, known_at: datetime | None = None
) -> UpdateFigures:
    """The figures of the plan's update for ``year`` as at ``(as_at, known_at)`` (known_at
    default now), each goal with an empty narrative."""
    plan = service.get_plan(session, plan_id=plan_id)
    if plan.status == PlanStatus.DRAFT:
        raise RuleViolation(f"plan {plan.code} is a draft: updates report on an adopted plan")
    fields: dict[str, str] = {}
    if not plan.first_year <= year <= plan.last_year:
        fields["year"] = f"not a year of plan {plan.code} ({plan.first_year}-{plan.last_year})"
    elif as_at < date(year, 1, 1):
        fields["as_at"] = f"before {year} began"
    ValidationFailed.raise_if(fields)
    known = known_at or utcnow()
    progress = service.progress_out(
        service.progress(session, plan_id=plan_id, year=year, as_at=as_at, known_at=known)
    )
    cost = service.cost_out(
        service.cost(session, plan_id=plan_id, as_at=as_at, known_at=known, year=year)
    )
    elements = {e.id or 0: e for e in service.elements_of(session, plan_id=plan_id)}
    by_code = {e.code: e for e in elements.values()}
    status = {r.code: r for r in [*progress.goals, *progress.objectives]}
    spent = {r.code: r.figures.model_dump(mode="json") for r in [*cost.goals, *cost.objectives]}
    indicators: dict[str, list[dict[str, Any]]] = {}
    for row in progress.indicators:
        element = by_code[row.element_code]
        goal = _goal_of(element, elements)
        indicators.setdefault(goal.code, []).append(
            {"goal_code": goal.code, **row.model_dump(mode="json")}
        )

    def summary(e: PlanElement) -> dict[str, Any]:
        rolled = status[e.code]
        return {
            "code": e.code,
            "title": e.title,
            "description": e.description,
            "status": rolled.status.value,
            "counts": {k.value: v for k, v in sorted(rolled.counts.items())},
            "on_track_share": rolled.on_track_share,
            "cost": spent[e.code],
        }

    goals = []
    for r in progress.goals:
        goal = by_code[r.code]
        objectives = [
            summary(by_code[o.code])
            for o in progress.objectives
            if by_code[o.code].parent_id == goal.id
        ]
        goals.append(
            {
                **summary(goal),
                "narrative": "",
                "objectives": objectives,
                "indicators": indicators.get(goal.code, []),
            }
        )
    data: dict[str, Any] = {
        "plan": {
            "code": plan.code,
            "title": plan.title,
            "first_year": plan.first_year,
            "last_year": plan.last_year,
            "status": PlanStatus(plan.status).value,
            "decision_reference": plan.decision_reference,
            "adopted_on": plan.adopted_on.isoformat() if plan.adopted_on else None,
        },
        "year": year,
        "as_at": as_at.isoformat(),
        "known_at": known.isoformat(),
        "introduction": None,
        "thresholds": progress.thresholds.model_dump(mode="json"),
        "goals": goals,
        "unlinked": cost.unlinked.model_dump(mode="json"),
        "total": cost.total.model_dump(mode="json"),
    }
    return UpdateFigures(plan=plan, year=year, as_at=as_at, known_at=known, data=data)


def _narratives(
    session: Session, plan: StrategicPlan, data: AnnualUpdateIn
) -> tuple[dict[str, str], str | None]:
    """One narrative per goal of the plan (ValidationFailed naming what is missing,
    unknown or given twice), and the introduction, stripped."""
    goals = [
        e.code
        for e in service.elements_of(session, plan_id=plan.id or 0)
        if e.level == ElementLevel.GOAL
    ]
    fields: dict[str, str] = {}
    given: dict[str, str] = {}
    for i, n in enumerate(data.narratives):
        code, text = n.goal_code.strip(), n.text.strip()
        if code not in goals:
            fields[f"narratives[{i}].goal_code"] = f"plan {plan.code} has no goal {code}"
        elif code in given:
            fields[f"narratives[{i}].goal_code"] = f"{code} given twice"
        elif not text:
            fields[f"narratives[{i}].text"] = "required"
        given[code] = text
    missing = [g for g in goals if g not in given]
    if missing:
        fields["narratives"] = f"no narrative for {', '.join(missing)}"
    ValidationFailed.raise_if(fields)
    return given, (data.introduction or "").strip() or None


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> bytes:
    """A locale-free CSV (UTF-8, header row) whose text cells are formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                ""
                if row.get(c) is None
                else text_safe(row[c])
                if isinstance(row[c], str)
                else row[c]
                for c in columns
            ]
        )
    return out.getvalue().encode("utf-8")


def files_of(data: dict[str, Any]) -> list[FileIn]:
    """The rendered files of an update: its canonical JSON, a CSV of the goals and
    objectives with their cost, and a CSV of the indicators."""
    cost_rows: list[dict[str, Any]] = []
    indicator_rows: list[dict[str, Any]] = []
    for goal in data["goals"]:
        cost_rows.append({"level": "goal", "goal_code": None, **goal, **goal["cost"]})
        for objective in goal["objectives"]:
            cost_rows.append(
                {"level": "objective", "goal_code": goal["code"], **objective, **objective["cost"]}
            )
        indicator_rows.extend(goal["indicators"])
    cost_rows.append(
        {"level": "unlinked", "title": "Not linked to an objective", **data["unlinked"]}
    )
    cost_rows.append({"level": "total", "title": "Total", **data["total"]})
    return [
        FileIn(JSON_FILE, "application/json", canonical_json(data)),
        FileIn(GOALS_CSV, "text/csv; charset=utf-8", _csv(GOAL_COLUMNS, cost_rows)),
        FileIn(INDICATORS_CSV, "text/csv; charset=utf-8", _csv(INDICATOR_COLUMNS, indicator_rows)),
    ]


def propose_update(
    session: Session,
    *,
    actor: Actor,
    plan_id: int,
    year: int,
    as_at: date,
    known_at: datetime | None = None,
    data: AnnualUpdateIn,
    recorded_at: datetime | None = None,
) -> Snapshot:
    """Freeze the plan's update for ``year`` (figures as at ``(as_at, known_at)``, one
    narrative per goal) as a draft snapshot; another person publishes it by approving
    it. ``recorded_at`` back-dates the proposal (the demo loader only)."""
    plan = service.get_plan(session, plan_id=plan_id)
    narratives, introduction = _narratives(session, plan, data)
    built = figures(
        session,
        plan_id=plan_id,
        year=year,
        as_at=as_at,
        known_at=known_at or recorded_at or utcnow(),
    )
    frozen = dict(built.data)
    frozen["introduction"] = introduction
    frozen["goals"] = [{**g, "narrative": narratives[g["code"]]} for g in built.data["goals"]]
    return publication.propose(
        session,
        actor=actor,
        kind=KIND,
        scope=scope_of(plan.code, year),
        title=f"{plan.title}: annual update {year}",
        as_at=as_at,
        known_at=built.known_at,
        data=frozen,
        files=files_of(frozen),
        reference=data.reference,
        language="en",
        recorded_at=recorded_at,
    )


# --- what the public reads ---------------------------------------------------------------


def published_updates(
    session: Session, *, limit: int = 50, offset: int = 0
) -> tuple[list[PublicSnapshotOut], int]:
    """The updates currently published (one per plan and year), latest first, as the
    public sees them."""
    items, total = publication.list_snapshots(
        session, kind=KIND, status=SnapshotStatus.PUBLISHED, limit=limit, offset=offset
    )
    return [publication.public_of(x) for x in items], total


def published_update(session: Session, *, plan_code: str, year: int) -> Snapshot:
    """The published update of the plan for ``year`` (NotFound when none is published:
    a draft is not found)."""
    found = publication.latest_published(session, kind=KIND, scope=scope_of(plan_code, year))
    if found is None:
        raise NotFound(f"no annual update of {plan_code} for {year} is published")
    return found
