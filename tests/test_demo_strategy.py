"""The demo's strategic plans, loaded once per database (SQLite and PostgreSQL) on top of
the finance demo: the closed plan 2021–2025 with approved measurements, one correction,
linked budget lines and two published annual updates; the adopted plan 2026–2030 with
ten goals from the ten areas, 2025 baselines, linked 2026 lines and values awaiting
approval; reproducible, and nothing recorded after the demo date."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.audit.models import AuditEvent
from finance_core.demo import dataset
from finance_core.errors import Conflict
from finance_core.expenditures.service import execution_lines
from finance_core.publication import service as publication
from finance_core.publication.models import Snapshot, SnapshotApproval
from finance_core.system.service import is_demo
from strategy import annual_update, costs, service
from strategy.demo import FullDemo, database_is_empty, load_full_demo, load_strategy_demo
from strategy.measures import computed_value
from strategy.models import (
    ElementLevel,
    Indicator,
    LinkSet,
    Measurement,
    MeasurementApproval,
    MeasurementStatus,
    PlanElement,
    PlanStatus,
    Source,
    StrategicPlan,
)
from strategy.progress import Direction, TargetKind
from strategy.schemas import PlanIn
from tests.fixtures_demo import DemoCopy

OLD, NEW = "SP-2021-2025", "SP-2026-2030"
END = datetime.combine(dataset.DEMO_DATE, time.max, tzinfo=UTC)
#: Words that name each of the ten areas in the new plan's goal titles.
AREAS = (
    "aims",
    "strategic planning",
    "innovation",
    "partnerships",
    "compliance and accountability",
    "resources",
    "impact",
    "outreach",
    "transparency",
    "champions",
)
#: What each database loaded, compared across databases (dialect → figures).
FIGURES: dict[str, dict[str, object]] = {}


@dataclass(frozen=True)
class Loaded:
    session: Session
    result: FullDemo
    dialect: str


@pytest.fixture(scope="module")
def demo(demo_copy: DemoCopy) -> Loaded:
    """A fresh copy of the demo data set with its plans per database, for every test of
    this module (which only read it)."""
    return Loaded(demo_copy.session, demo_copy.result, demo_copy.dialect)


def _plan(s: Session, code: str) -> StrategicPlan:
    return service.find_plan(s, code=code)


def _elements(s: Session, code: str, level: ElementLevel) -> list[PlanElement]:
    plan = _plan(s, code)
    return [e for e in service.elements_of(s, plan_id=plan.id or 0) if e.level == level]


def test_a_closed_and_an_adopted_plan(demo: Loaded) -> None:
    s = demo.session
    old, new = _plan(s, OLD), _plan(s, NEW)
    assert (old.status, old.first_year, old.last_year) == (PlanStatus.CLOSED, 2021, 2025)
    assert (new.status, new.first_year, new.last_year) == (PlanStatus.ADOPTED, 2026, 2030)
    assert (old.decision_reference or "").startswith("ATT/CSP6/2020/DEC.")
    assert (new.decision_reference or "").startswith("ATT/CSP11/2025/DEC.")
    assert old.adopted_on is not None and old.adopted_on.isoformat()[:7] == "2020-08"
    assert new.adopted_on is not None and new.adopted_on.isoformat()[:7] == "2025-08"
    assert old.closed_on is not None and old.closed_on.isoformat()[:7] == "2026-01"
    assert [p.code for p in service.list_plans(s)] == [NEW, OLD]
    assert service.plan_for_year(s, year=2025) == old
    assert service.plan_for_year(s, year=2026) == new
    assert is_demo(s)


def test_the_closed_plan_has_goals_objectives_activities_and_indicators(demo: Loaded) -> None:
    s = demo.session
    goals = _elements(s, OLD, ElementLevel.GOAL)
    objectives = _elements(s, OLD, ElementLevel.OBJECTIVE)
    assert 3 <= len(goals) <= 4
    assert Counter(o.parent_id for o in objectives) == {g.id: 2 for g in goals}
    assert _elements(s, OLD, ElementLevel.ACTIVITY)
    indicators = service.indicators_of(s, plan_id=_plan(s, OLD).id or 0)
    assert 8 <= len(indicators) <= 10
    sources = Counter(i.source for i in indicators)
    assert abs(sources[Source.COMPUTED] - sources[Source.ENTERED]) <= 2
    for i in indicators:
        assert set(service.targets_of(s, indicator_id=i.id or 0)) == set(range(2021, 2026))


def test_the_new_plan_has_ten_goals_from_the_ten_areas(demo: Loaded) -> None:
    s = demo.session
    plan = _plan(s, NEW)
    goals = _elements(s, NEW, ElementLevel.GOAL)
    assert len(goals) == 10
    titles = [g.title.lower() for g in goals]
    for area in AREAS:
        assert sum(area in t for t in titles) == 1, area
    assert all(g.description for g in goals)
    per_goal = Counter(o.parent_id for o in _elements(s, NEW, ElementLevel.OBJECTIVE))
    assert set(per_goal) == {g.id for g in goals}
    assert set(per_goal.values()) <= {2, 3}
    others = _elements(s, NEW, ElementLevel.ACTIVITY) + _elements(s, NEW, ElementLevel.OUTPUT)
    assert len(others) >= 5
    indicators = service.indicators_of(s, plan_id=plan.id or 0)
    assert 22 <= len(indicators) <= 28
    assert {Source.COMPUTED, Source.ENTERED} == {i.source for i in indicators}
    assert any(i.disaggregation == "regional_group" for i in indicators)
    assert any(i.direction == Direction.LOWER_IS_BETTER for i in indicators)
    assert any(i.target_kind == TargetKind.CUMULATIVE for i in indicators)
    for i in indicators:
        assert i.baseline_year == 2025
        assert set(service.targets_of(s, indicator_id=i.id or 0)) == set(range(2026, 2031))
        if i.source == Source.COMPUTED:
            # the baseline is what the service computes for 2025 from the finance data
            value = computed_value(s, measure=i.measure or "", year=2025, as_at=date(2025, 12, 31))
            assert value == i.baseline_value, i.code


def _goal_costs_from_links(
    s: Session, plan: StrategicPlan, as_at: date
) -> tuple[dict[str, dict[str, int]], dict[str, int], set[tuple[int, int]]]:
    """Per goal code and figure, the cents its objectives' shares of the lines give;
    the lines' totals; and each line's (objectives linked, unlinked basis points)."""
    goal_of = {
        e.code: next(g.code for g in service.elements_of(s, plan_id=plan.id or 0)
                     if g.id == e.parent_id)
        for e in service.elements_of(s, plan_id=plan.id or 0)
        if e.level == ElementLevel.OBJECTIVE
    }  # fmt: skip
    by_goal: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)
    shapes: set[tuple[int, int]] = set()
    names = ("original", "revised", "commitments", "actual")
    for line in execution_lines(s, as_at=as_at):
        if not plan.first_year <= line.year <= plan.last_year:
            continue
        links = service.line_links(s, budget_line_id=line.line_id)
        shares = {x.objective_code: x.share_bp for x in links.links}
        assert links.unlinked_bp == costs.WHOLE - sum(shares.values())
        shapes.add((len(shares), links.unlinked_bp))
        for name in names:
            amount = getattr(line.figures, name)
            totals[name] += amount
            keyed = dict(enumerate(shares.values()))
            parts, _unlinked = costs.split_amount(amount, keyed)
            for k, code in enumerate(shares):
                by_goal[goal_of[code]][name] += parts[k]
                # largest remainder: within a cent of the exact share
                assert abs(parts[k] * costs.WHOLE - amount * shares[code]) < costs.WHOLE
    return by_goal, totals, shapes


@pytest.mark.parametrize("code", [OLD, NEW])
def test_cost_per_goal_is_the_sum_of_the_linked_line_shares(demo: Loaded, code: str) -> None:
    s = demo.session
    plan = _plan(s, code)
    as_at = dataset.DEMO_DATE
    result = service.cost(s, plan_id=plan.id or 0, as_at=as_at)
    by_goal, totals, shapes = _goal_costs_from_links(s, plan, as_at)
    goals = {result.elements[k].code: f for k, f in result.goals.items()}
    assert set(goals) == {g.code for g in _elements(s, code, ElementLevel.GOAL)}
    for goal, figures in goals.items():
        for name in ("original", "revised", "commitments", "actual"):
            assert getattr(figures, name) == by_goal[goal][name], (goal, name)
    for name in ("original", "revised", "commitments", "actual"):
        linked = sum(getattr(f, name) for f in goals.values())
        assert linked + getattr(result.unlinked, name) == getattr(result.total, name)
        assert getattr(result.total, name) == totals[name]
    assert result.total.actual > 0 and result.unlinked.actual > 0
    assert all(f.actual > 0 for f in goals.values())
    # some lines are split between objectives, some partly unlinked, none unlinked whole
    assert any(n >= 2 for n, _ in shapes)
    assert any(n >= 1 and 0 < bp < costs.WHOLE for n, bp in shapes)
    assert all(n >= 1 for n, _ in shapes)


def test_budget_lines_of_each_plan_year_are_linked(demo: Loaded) -> None:
    s = demo.session
    linked = {x.budget_line_id for x in s.execute(select(LinkSet)).scalars()}
    lines = execution_lines(s, as_at=dataset.DEMO_DATE)
    assert {x.line_id for x in lines if 2021 <= x.year <= 2026} == linked
    # one line's distribution changed during its year: its history has two sets
    sets = Counter(x.budget_line_id for x in s.execute(select(LinkSet)).scalars())
    assert sorted(sets.values())[-1] == 2


def test_the_closed_plans_values_are_approved_by_a_second_person(demo: Loaded) -> None:
    s = demo.session
    plan = _plan(s, OLD)
    history = service.measurement_history(s, plan_id=plan.id or 0)
    assert {m.status for m in history} == {MeasurementStatus.APPROVED, MeasurementStatus.SUPERSEDED}
    assert all(m.approved_by and m.approved_by != m.recorded_by for m in history)
    assert {m.recorded_by for m in history} | {m.approved_by for m in history} == {
        "demo-officer",
        "demo-officer-2",
    }
    for i in service.indicators_of(s, plan_id=plan.id or 0):
        values = service.values_in_force(s, indicator_id=i.id or 0)
        if i.source == Source.ENTERED:
            assert {y for y, c in values if c == ""} == set(range(2021, 2026)), i.code
        else:
            assert values == {}
    # one correction: a second version approved, the first superseded, both kept
    [correction] = [m for m in history if m.supersedes is not None]
    assert correction.status == MeasurementStatus.APPROVED
    [first] = [m for m in history if m.id == correction.supersedes]
    assert first.status == MeasurementStatus.SUPERSEDED and first.value != correction.value
    assert first.approved_at is not None and first.approved_at < correction.recorded_at
    # a disaggregated indicator has values per regional group
    categories = {m.category for m in history if m.category}
    assert len(categories) == 5


def test_the_new_plans_2026_values_await_approval(demo: Loaded) -> None:
    s = demo.session
    plan = _plan(s, NEW)
    history = service.measurement_history(s, plan_id=plan.id or 0)
    assert {m.year for m in history} == {2026}
    assert {m.status for m in history} == {MeasurementStatus.PENDING, MeasurementStatus.REPLACED}
    assert len({m.indicator_code for m in history}) >= 5
    assert any(m.category for m in history)
    ids = [m.id for m in history]
    approved = s.execute(
        select(MeasurementApproval).where(col(MeasurementApproval.measurement_id).in_(ids))
    ).all()
    assert approved == []
    # progress of 2026 takes no draft: entered indicators have no data yet
    progress = service.progress(s, plan_id=plan.id or 0, year=2026, as_at=dataset.DEMO_DATE)
    for row in progress.indicators:
        if row.indicator.source == Source.ENTERED:
            assert row.assessment.value is None, row.indicator.code
        else:
            assert row.assessment.value is not None, row.indicator.code


def test_the_annual_updates_of_2024_and_2025_are_published_and_verify(demo: Loaded) -> None:
    s = demo.session
    old = _plan(s, OLD)
    for year in (2024, 2025):
        snapshot = annual_update.published_update(s, plan_code=OLD, year=year)
        assert snapshot.kind == annual_update.KIND
        assert snapshot.as_at == date(year, 12, 31)
        assert snapshot.known_at.date().year == year + 1
        assert snapshot.demo
        assert publication.status_of(s, snapshot) == "published"
        check = publication.verify(s, snapshot.id or 0)
        assert check.ok, check.problems
        approval = s.get(SnapshotApproval, snapshot.id)
        assert approval is not None and approval.approver != snapshot.author
        assert snapshot.known_at < approval.approved_at
        assert old.closed_recorded_at is not None and approval.approved_at < old.closed_recorded_at
        data = publication.snapshot_detail(s, snapshot).data
        assert data["year"] == year and data["plan"]["code"] == OLD
        assert [g["code"] for g in data["goals"]] == ["G1", "G2", "G3", "G4"]
        assert all(len(g["narrative"]) > 100 for g in data["goals"])
        # the narratives quote the figures the update froze
        [finances] = [g for g in data["goals"] if g["code"] == "G3"]
        assert all(i["value"] in finances["narrative"] for i in finances["indicators"])
        assert str(year) in (data["introduction"] or "")
    kinds = Counter(x.kind for x in s.execute(select(Snapshot)).scalars())
    assert kinds[annual_update.KIND] == demo.result.strategy.updates == 2


def test_nothing_is_recorded_after_the_demo_date(demo: Loaded) -> None:
    s = demo.session
    stamps: list[datetime] = []
    for model in (StrategicPlan, PlanElement, Indicator, Measurement, MeasurementApproval, LinkSet):
        rows = list(s.execute(select(model)).scalars())
        assert rows, model
        stamps += [row.recorded_at for row in rows]
    for plan in s.execute(select(StrategicPlan)).scalars():
        stamps += [x for x in (plan.adopted_recorded_at, plan.closed_recorded_at) if x]
    stamps += [x.proposed_at for x in s.execute(select(Snapshot)).scalars()]
    stamps += [x.approved_at for x in s.execute(select(SnapshotApproval)).scalars()]
    events = [
        e
        for e in s.execute(select(AuditEvent)).scalars()
        if e.action.startswith(("strategy.", "publication."))
    ]
    assert events
    stamps += [e.occurred_at for e in events]
    assert max(stamps) <= END
    assert min(stamps).year == 2020


def test_the_summary_counts_what_was_loaded_and_the_tokens_come_last(demo: Loaded) -> None:
    s = demo.session
    counts = demo.result.strategy
    assert counts.plans == 2 and counts.closed == 1
    levels = Counter(e.level for e in s.execute(select(PlanElement)).scalars())
    assert counts.goals == levels[ElementLevel.GOAL] == 14
    assert counts.objectives == levels[ElementLevel.OBJECTIVE]
    assert counts.activities == levels[ElementLevel.ACTIVITY] + levels[ElementLevel.OUTPUT]
    indicators = list(s.execute(select(Indicator)).scalars())
    assert counts.indicators == len(indicators)
    assert counts.computed == sum(i.source == Source.COMPUTED for i in indicators)
    assert counts.measurements == len(list(s.execute(select(Measurement)).scalars()))
    assert counts.approved == len(list(s.execute(select(MeasurementApproval)).scalars()))
    lines = demo.result.summary().splitlines()
    assert lines[0].startswith("loaded the illustrative demo data set")
    assert lines[1] == counts.summary() and lines[1].startswith("strategic plans: 2")
    users = sorted(name for name, _role in dataset.DEMO_USERS)
    assert lines[2].startswith("demo sign-in at /app")
    assert [x.split(":")[0].strip() for x in lines[3 : 3 + len(users)]] == users
    assert lines[3 + len(users)].startswith("demo API tokens")
    assert [x.split(":")[0].strip() for x in lines[4 + len(users) :]] == users
    with pytest.raises(Conflict, match="already loaded"):
        load_full_demo(s, actor=Actor(name="demo", origin="test"))
    with pytest.raises(Conflict, match="already holds strategic plans"):
        load_strategy_demo(s, actor=Actor(name="demo", origin="test"))
    assert not database_is_empty(s)


def _figures(s: Session) -> dict[str, object]:
    def tree(code: str) -> Any:
        return service.plan_tree(s, plan_id=_plan(s, code).id or 0).model_dump(mode="json")

    measurements = [
        (m.indicator_code, m.year, m.category, m.value, m.status.value, m.recorded_by)
        for code in (OLD, NEW)
        for m in service.measurement_history(s, plan_id=_plan(s, code).id or 0)
    ]
    hashes = [
        (x.scope, x.content_hash)
        for x in s.execute(select(Snapshot).order_by(col(Snapshot.id))).scalars()
    ]
    progress = [
        (row.indicator.code, str(row.assessment.value), row.assessment.status.value)
        for row in service.progress(
            s, plan_id=_plan(s, NEW).id or 0, year=2026, as_at=dataset.DEMO_DATE
        ).indicators
    ]
    return {
        "trees": [tree(OLD), tree(NEW)],
        "measurements": measurements,
        "hashes": hashes,
        "progress": progress,
    }


def test_the_load_is_reproducible(demo: Loaded) -> None:
    figures = {"counts": demo.result.strategy, **_figures(demo.session)}
    assert all(figures.values())
    FIGURES[demo.dialect] = figures
    if len(FIGURES) == 2:  # both databases loaded the same data
        first, second = FIGURES.values()
        assert first == second


def test_the_demo_refuses_a_database_holding_a_plan_of_its_own(session: Session) -> None:
    actor = Actor(name="officer", origin="test")
    assert database_is_empty(session)
    service.create_plan(
        session,
        actor=actor,
        data=PlanIn(code="SP-OWN", title="A plan of our own", first_year=2026),
    )
    session.flush()
    assert not database_is_empty(session)
    with pytest.raises(Conflict, match="holds data of its own"):
        load_full_demo(session, actor=actor)
    with pytest.raises(Conflict, match="demo data set only"):
        load_strategy_demo(session, actor=actor)
