"""The annual progress report on the strategic plan for a year, as at ``(as_at,
known_at)``: the figures of the annual update (``strategy.annual_update.figures``)
with the words of the update published by then.

- ``goals``: each goal's status (the worst status among its indicators and those of its
  objectives that have data; ``no_data`` when none has), its indicators counted by
  status, what the year's budget lines linked to it spent (``actual``) and their revised
  budget (``revised``; integer US cents), and the narrative of the published update;
- ``objectives``: the same per objective;
- ``indicators``: baseline, target and value as decimal strings in the indicator's unit
  (never converted to binary floats), the share of the way from the start to the target
  in hundredths of a percent (10,000 on the target, above beyond it, negative when the
  indicator moved the wrong way), status and trend.

Only measurements approved as known at ``known_at`` count. The narratives and the
introduction come from the latest annual update of the plan and year published (approved)
by ``known_at``; without one they are empty. The facts count the indicators by status
and give what every budget line of the year spent (``spent``) and, of that, what the
lines' parts linked to the plan's objectives spent (``spent_linked``)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session, col

from finance_core.money import parse_minor
from finance_core.publication.models import Snapshot, SnapshotApproval
from finance_core.system.service import is_demo
from reports.activity_spending import check_year, plan_of
from reports.document import Chart, ChartKind, Column, ColumnKind, Fact, Report, Table
from reports.request import ReportRequest
from strategy import annual_update
from strategy.models import StrategicPlan
from strategy.progress import Status

STATUSES = tuple(s.value for s in Status)


def published_words(
    session: Session, *, plan: StrategicPlan, year: int, known_at: datetime
) -> tuple[dict[str, str], str | None]:
    """The narrative of each goal (by code) and the introduction of the plan's annual
    update for ``year`` published by ``known_at`` (the latest approved by then); empty
    when none was."""
    data = session.execute(
        select(col(Snapshot.data))
        .join(SnapshotApproval, col(SnapshotApproval.snapshot_id) == col(Snapshot.id))
        .where(
            col(Snapshot.kind) == annual_update.KIND,
            col(Snapshot.scope) == annual_update.scope_of(plan.code, year),
            col(SnapshotApproval.approved_at) <= known_at,
        )
        .order_by(col(Snapshot.id).desc())
        .limit(1)
    ).scalar_one_or_none()
    if data is None:
        return {}, None
    frozen = json.loads(data)
    narratives = {g["code"]: g.get("narrative") or "" for g in frozen.get("goals", [])}
    return narratives, frozen.get("introduction") or None


def _cents(text: str | None) -> int | None:
    """A decimal string of dollars or of a percentage with two decimals as an integer
    of hundredths (cents, hundredths of a percent)."""
    return None if text is None else parse_minor(text, 2)


def _element_row(element: dict[str, Any]) -> dict[str, Any]:
    counts = element["counts"]
    return {
        "code": element["code"],
        "title": element["title"],
        "status": element["status"],
        **{s: int(counts.get(s, 0)) for s in STATUSES},
        "indicators": sum(int(n) for n in counts.values()),
        "actual": _cents(element["cost"]["actual"]),
        "revised": _cents(element["cost"]["revised"]),
    }


INTEGERS = (*STATUSES, "indicators")


def progress_frames(data: dict[str, Any], narratives: dict[str, str]) -> dict[str, pd.DataFrame]:
    """The ``goals``, ``objectives`` and ``indicators`` frames of an update's figures."""
    goals = [
        {**_element_row(g), "narrative": narratives.get(g["code"]) or None} for g in data["goals"]
    ]
    objectives = [
        {"goal_code": g["code"], **_element_row(o)} for g in data["goals"] for o in g["objectives"]
    ]
    indicators = [
        {
            "goal_code": i["goal_code"],
            "element_code": i["element_code"],
            "code": i["code"],
            "title": i["title"],
            "unit": i["unit"],
            "baseline": i["baseline"],
            "baseline_year": i["baseline_year"],
            "target": i["target"],
            "value": i["value"],
            "share_of_way": _cents(i["share_of_way"]),
            "status": i["status"],
            "trend": i["trend"],
        }
        for g in data["goals"]
        for i in g["indicators"]
    ]
    element_keys = ("code", "title", "status", *INTEGERS, "actual", "revised")
    goal_frame = pd.DataFrame.from_records(goals, columns=[*element_keys, "narrative"])
    objective_frame = pd.DataFrame.from_records(objectives, columns=["goal_code", *element_keys])
    for frame in (goal_frame, objective_frame):
        frame[[*INTEGERS, "actual", "revised"]] = frame[[*INTEGERS, "actual", "revised"]].astype(
            "int64"
        )
    indicator_frame = pd.DataFrame.from_records(
        indicators,
        columns=[
            "goal_code",
            "element_code",
            "code",
            "title",
            "unit",
            "baseline",
            "baseline_year",
            "target",
            "value",
            "share_of_way",
            "status",
            "trend",
        ],
    )
    indicator_frame["baseline_year"] = indicator_frame["baseline_year"].astype("int64")
    indicator_frame["share_of_way"] = pd.array(list(indicator_frame["share_of_way"]), dtype="Int64")
    return {"goals": goal_frame, "objectives": objective_frame, "indicators": indicator_frame}


# --- the report --------------------------------------------------------------------------

CODE = Column("code", "col.code", width=10)
TITLE = Column("title", "col.title", width=40)
STATUS = Column("status", "progress.col.status", ColumnKind.LABEL, labels="progress.status.")
GOAL_CODE = Column("goal_code", "progress.col.goal_code", width=8)


def _count(key: str) -> Column:
    return Column(key, f"progress.col.{key}", ColumnKind.INTEGER, total=True)


def _money(key: str) -> Column:
    return Column(key, f"progress.col.{key}", ColumnKind.MONEY, total=True)


def progress_report(session: Session, request: ReportRequest) -> Report:
    """The plan's progress in ``request.year`` as at ``(as_at, known_at)`` (see the module
    docstring)."""
    check_year(request)
    plan = plan_of(session, request)
    built = annual_update.figures(
        session,
        plan_id=plan.id or 0,
        year=request.year,
        as_at=request.as_at,
        known_at=request.known_at,
    )
    narratives, introduction = published_words(
        session, plan=plan, year=request.year, known_at=request.known_at
    )
    frames = progress_frames(built.data, narratives)
    tally = Counter(frames["indicators"]["status"])
    spent = _cents(built.data["total"]["actual"]) or 0
    facts = (
        *(
            Fact(s, f"progress.fact.{s}", ColumnKind.INTEGER, int(tally.get(s, 0)))
            for s in STATUSES
        ),
        Fact("spent", "progress.fact.spent", ColumnKind.MONEY, spent),
        Fact(
            "spent_linked",
            "progress.fact.spent_linked",
            ColumnKind.MONEY,
            int(frames["goals"]["actual"].sum()),
        ),
    )
    return Report(
        name="progress-report",
        title="progress.title",
        as_at=request.as_at,
        known_at=request.known_at,
        demo=is_demo(session),
        parameters={"year": str(request.year), "plan": plan.code},
        subtitle="progress.subtitle",
        subtitle_values={"plan_title": plan.title, "year": str(request.year)},
        facts=facts,
        notes=(introduction,) if introduction else (),
        tables=(
            Table(
                "goals",
                "progress.table.goals",
                (
                    CODE,
                    TITLE,
                    STATUS,
                    *(_count(k) for k in INTEGERS),
                    _money("actual"),
                    _money("revised"),
                    Column("narrative", "progress.col.narrative", width=60),
                ),
                frames["goals"],
                chart=Chart(ChartKind.STACKED, "code", STATUSES, "progress.chart.goals"),
                note="progress.note.goals",
            ),
            Table(
                "objectives",
                "progress.table.objectives",
                (
                    GOAL_CODE,
                    CODE,
                    TITLE,
                    STATUS,
                    _count("indicators"),
                    _money("actual"),
                    _money("revised"),
                ),
                frames["objectives"],
                total_by="goal_code",
            ),
            Table(
                "indicators",
                "progress.table.indicators",
                (
                    GOAL_CODE,
                    Column("element_code", "progress.col.element_code", width=8),
                    CODE,
                    TITLE,
                    Column("unit", "progress.col.unit", ColumnKind.LABEL, labels="progress.unit."),
                    Column("baseline", "progress.col.baseline"),
                    Column("baseline_year", "progress.col.baseline_year", ColumnKind.INTEGER),
                    Column("target", "progress.col.target"),
                    Column("value", "progress.col.value"),
                    Column("share_of_way", "progress.col.share_of_way", ColumnKind.RATE),
                    STATUS,
                    Column(
                        "trend", "progress.col.trend", ColumnKind.LABEL, labels="progress.trend."
                    ),
                ),
                frames["indicators"],
                chart=Chart(
                    ChartKind.STACKED, "code", ("share_of_way",), "progress.chart.indicators"
                ),
                note="progress.note.indicators",
            ),
        ),
    )
