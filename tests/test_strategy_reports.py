"""The public reports on the strategic plan, on SQLite and PostgreSQL: activity-based
spending (the goals and the part not linked add up to every budget line of the year, to
the cent) and the annual progress report (statuses as the annual update computes them,
narratives from the update published by then); both rendered from the demo."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from typing import Any, cast

import openpyxl
import pytest
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.db_types import utcnow
from finance_core.errors import NotFound, ValidationFailed
from finance_core.expenditures import service as expenditures
from finance_core.publication import service as publication
from reports.activity_spending import FIGURES, activity_spending
from reports.document import ColumnKind, Report, plain
from reports.i18n import Language, label
from reports.progress_report import progress_report
from reports.render.formats import ReportFormat, render
from reports.render.xlsx import sheet_names
from reports.request import ReportRequest
from strategy import annual_update, service
from strategy.demo import OLD
from strategy.models import StrategicPlan
from strategy.schemas import AnnualUpdateIn, GoalNarrativeIn
from tests.conftest import needs_pango
from tests.fixtures_demo import DemoCopy
from tests.test_strategy import CHECKER, adopt, build_plan, measure
from tests.test_strategy_costs import link, make_budgets

AS_AT = date(2024, 12, 31)
NARRATIVES = {
    "G1": "Reporting rose with the new online template.",
    "G2": "Outreach reached three more regions.",
}


@pytest.fixture
def plan(session: Session, officer: Actor) -> StrategicPlan:
    """The 2024 budgets of ``make_budgets`` (1,000.01 spent on A1) and the adopted plan
    SP-2024: A1 shared in thirds of 33.33 % among O1.1, O1.2 and O2.1, A2 wholly to O1.1,
    C1 not linked; 62.5 % approved for I1.1.1 (baseline 50, target 60) in 2024."""
    lines = make_budgets(session, officer)
    plan = adopt(session, officer, build_plan(session, officer))
    link(session, officer, lines["A1"], O1_1=3333, O1_2=3333, O2_1=3333)
    link(session, officer, lines["A2"], O1_1=10000)
    first = measure(session, officer, plan, year=2024, value="62.5")
    service.approve_measurement(session, actor=CHECKER, measurement_id=first)
    session.commit()
    return plan


def request(*, plan: str | None = None, year: int = 2024, as_at: date = AS_AT) -> ReportRequest:
    return ReportRequest(as_at=as_at, known_at=utcnow(), year=year, plan=plan)


def rows(report: Report, table: str, key: str = "code") -> dict[str | None, dict[str, Any]]:
    """A table's rows by ``key`` (the goals' unlinked row under None), as plain values."""
    records = cast(list[dict[str, Any]], report.table(table).frame.to_dict("records"))
    return {plain(r[key]): {k: plain(v) for k, v in r.items()} for r in records}


# --- activity-based spending ----------------------------------------------------------------


def test_goals_and_the_unlinked_part_add_up_to_every_budget_line(
    session: Session, plan: StrategicPlan
) -> None:
    report = activity_spending(session, request())
    assert report.name == "activity-spending"
    assert dict(report.parameters) == {"year": "2024", "plan": "SP-2024"}
    cost = service.cost(session, plan_id=plan.id or 0, as_at=AS_AT, known_at=None, year=2024)
    goals = rows(report, "goals")
    assert list(goals) == ["G1", "G2", None]
    assert goals[None]["part"] == "unlinked"
    # the goals' figures are the service's, to the cent (see test_strategy_costs)
    assert {c: goals[c]["actual"] for c in ("G1", "G2", None)} == {
        "G1": 66661,
        "G2": 33330,
        None: 10,
    }
    for element_id, figures in cost.goals.items():
        row = goals[cost.elements[element_id].code]
        assert tuple(row[k] for k in FIGURES) == tuple(getattr(figures, k) for k in FIGURES)
    # goals + unlinked = total for every figure, and the total is every line of 2024
    lines = expenditures.execution_lines(session, as_at=AS_AT, year=2024)
    (_, totals), *_ = report.table("goals").totals()
    for name in FIGURES:
        every_line = sum(getattr(x.figures, name) for x in lines)
        assert totals[name] == getattr(cost.total, name) == every_line
        assert sum(g[name] for g in goals.values()) == every_line
    assert totals["actual"] == 100001 and totals["revised"] == 11000000
    assert goals["G1"]["variance"] == 7666200 - 66661
    assert goals["G1"]["available"] == 7666200 - 1333200 - 66661
    # objectives: the service's figures; per goal they add up to the goal
    objectives = rows(report, "objectives")
    assert {c: r["actual"] for c, r in objectives.items()} == {
        "O1.1": 33331,
        "O1.2": 33330,
        "O2.1": 33330,
    }
    assert objectives["O1.1"]["rate"] == 62  # 333.31 / 53,331.00 = 0.62 %
    for goal, sums in report.table("objectives").totals():
        assert sums == {k: v for k, v in goals[goal].items() if k in sums}
    # lines: whole figures, the links as text, the unlinked part
    by_line = rows(report, "lines", "line_code")
    assert set(by_line) == {"A1", "A2", "C1"}
    assert by_line["A1"]["links"] == "O1.1 (33.33 %); O1.2 (33.33 %); O2.1 (33.33 %)"
    assert by_line["C1"]["links"] is None
    assert (by_line["A1"]["unlinked_actual"], by_line["C1"]["unlinked_revised"]) == (10, 1000000)
    (_, line_totals), *_ = report.table("lines").totals()
    assert line_totals["actual"] == cost.total.actual
    assert line_totals["unlinked_actual"] == cost.unlinked.actual
    assert line_totals["unlinked_revised"] == cost.unlinked.revised == 1000700
    facts = {f.key: f.value for f in report.facts}
    assert facts == {
        "revised": 11000000,
        "actual": 100001,
        "rate": 91,  # 1,000.01 / 110,000.00
        "unlinked_actual": 10,
        "linked_share": 9999,
    }


def test_the_plan_is_named_or_the_one_in_force(session: Session, plan: StrategicPlan) -> None:
    named = activity_spending(session, request(plan="SP-2024"))
    default = activity_spending(session, request())
    assert named.table("goals").frame.equals(default.table("goals").frame)
    for build in (activity_spending, progress_report):
        with pytest.raises(NotFound, match="no strategic plan with code 'SP-1999'"):
            build(session, request(plan="SP-1999"))
        with pytest.raises(NotFound, match="covers 2031"):
            build(session, request(year=2031, as_at=date(2031, 12, 31)))
        with pytest.raises(ValidationFailed, match="before the year"):
            build(session, request(year=2025))


# --- the annual progress report --------------------------------------------------------------


def test_statuses_and_spending_are_those_of_the_annual_update(
    session: Session, plan: StrategicPlan
) -> None:
    ask = request()
    report = progress_report(session, ask)
    assert report.name == "progress-report"
    built = annual_update.figures(
        session, plan_id=plan.id or 0, year=2024, as_at=AS_AT, known_at=ask.known_at
    )
    goals = rows(report, "goals")
    assert {c: r["status"] for c, r in goals.items()} == {
        g["code"]: g["status"] for g in built.data["goals"]
    }
    assert {c: r["status"] for c, r in goals.items()} == {"G1": "on_track", "G2": "no_data"}
    assert (goals["G1"]["on_track"], goals["G1"]["indicators"], goals["G2"]["indicators"]) == (
        1,
        1,
        0,
    )
    objectives = rows(report, "objectives")
    assert {c: r["status"] for c, r in objectives.items()} == {
        o["code"]: o["status"] for g in built.data["goals"] for o in g["objectives"]
    }
    # what the goals spent is what the plan's cost says
    cost = service.cost(session, plan_id=plan.id or 0, as_at=AS_AT, year=2024)
    for element_id, figures in cost.goals.items():
        code = cost.elements[element_id].code
        assert (goals[code]["actual"], goals[code]["revised"]) == (figures.actual, figures.revised)
    (indicator,) = rows(report, "indicators").values()
    # baseline 50 (2023), target 60, value 62.5: 125 % of the way, kept as text
    assert {k: indicator[k] for k in ("goal_code", "element_code", "code", "unit")} == {
        "goal_code": "G1",
        "element_code": "O1.1",
        "code": "I1.1.1",
        "unit": "percent",
    }
    assert (indicator["baseline"], indicator["target"], indicator["value"]) == ("50", "60", "62.5")
    assert (indicator["share_of_way"], indicator["status"], indicator["trend"]) == (
        12500,
        "on_track",
        "improving",
    )
    facts = {f.key: f.value for f in report.facts}
    assert facts == {
        "on_track": 1,
        "at_risk": 0,
        "off_track": 0,
        "no_data": 0,
        "spent": 100001,
        "spent_linked": 100001 - 10,
    }
    assert report.table("goals").column("narrative").kind == ColumnKind.TEXT


def _propose(session: Session, officer: Actor, plan: StrategicPlan, introduction: str) -> int:
    snapshot = annual_update.propose_update(
        session,
        actor=officer,
        plan_id=plan.id or 0,
        year=2024,
        as_at=AS_AT,
        data=AnnualUpdateIn(
            introduction=introduction,
            narratives=[GoalNarrativeIn(goal_code=g, text=t) for g, t in NARRATIVES.items()],
            reference="ATT/MC/2025/1",
        ),
    )
    session.commit()
    return snapshot.id or 0


def _words(report: Report) -> tuple[dict[str | None, object], tuple[str, ...]]:
    return {c: r["narrative"] for c, r in rows(report, "goals").items()}, tuple(report.notes)


def test_the_narratives_are_those_of_the_published_update(
    session: Session, officer: Actor, plan: StrategicPlan
) -> None:
    empty = ({"G1": None, "G2": None}, ())
    assert _words(progress_report(session, request())) == empty
    first = _propose(session, officer, plan, "The first year of the plan.")
    assert _words(progress_report(session, request())) == empty  # a draft is not published
    before = utcnow()
    publication.approve(session, actor=CHECKER, snapshot_id=first)
    session.commit()
    published = annual_update.published_update(session, plan_code=plan.code, year=2024)
    frozen = {g["code"]: g["narrative"] for g in json.loads(published.data)["goals"]}
    assert _words(progress_report(session, request())) == (
        frozen,
        ("The first year of the plan.",),
    )
    assert frozen == NARRATIVES
    # as known before the approval, nothing was published
    earlier = ReportRequest(as_at=AS_AT, known_at=before, year=2024)
    assert _words(progress_report(session, earlier)) == empty
    # a correction, once published, supersedes
    second = _propose(session, officer, plan, "Corrected: the first year.")
    assert _words(progress_report(session, request()))[1] == ("The first year of the plan.",)
    publication.approve(session, actor=CHECKER, snapshot_id=second)
    session.commit()
    assert _words(progress_report(session, request()))[1] == ("Corrected: the first year.",)


# --- both reports from the demo, in every format ---------------------------------------------


@pytest.fixture(scope="module")
def demo_reports(demo_copy: DemoCopy) -> tuple[Session, list[Report]]:
    """Both reports of 2025 (the last year of SP-2021-2025) as at 31 December 2025."""
    ask = ReportRequest(
        as_at=date(2025, 12, 31), known_at=datetime.now(UTC).replace(microsecond=0), year=2025
    )
    s = demo_copy.session
    return s, [activity_spending(s, ask), progress_report(s, ask)]


def _label_keys(report: Report) -> set[str]:
    """Every label key the report's words use, LABEL-column values included."""
    keys = {report.title, *(f.label for f in report.facts)}
    keys.update({report.subtitle} if report.subtitle else set())
    for table in report.tables:
        keys.update({table.title, *(c.label for c in table.columns)})
        keys.update(x for x in (table.note, table.chart.title if table.chart else None) if x)
        for column in table.columns:
            if column.kind == ColumnKind.LABEL:
                keys.update(f"{column.labels}{v}" for v in table.frame[column.key].dropna())
    return keys


def test_the_demo_reports_add_up(demo_reports: tuple[Session, list[Report]]) -> None:
    session, (spending, progress) = demo_reports
    assert spending.demo and progress.demo
    assert spending.parameters["plan"] == progress.parameters["plan"] == OLD
    plan = service.find_plan(session, code=OLD)
    cost = service.cost(session, plan_id=plan.id or 0, as_at=date(2025, 12, 31), year=2025)
    goals = spending.table("goals").frame
    (_, totals), *_ = spending.table("goals").totals()
    for name in FIGURES:
        assert totals[name] == getattr(cost.total, name)
        linked = goals[goals["part"] == "goal"][name].sum()
        assert linked + getattr(cost.unlinked, name) == getattr(cost.total, name)
    assert cost.total.actual > 0 and cost.unlinked.actual > 0
    # the 2025 update is published: every goal has its narrative, and the introduction
    narratives = progress.table("goals").frame["narrative"]
    assert narratives.notna().all() and len(narratives) == 4
    assert len(progress.notes) == 1
    statuses = progress.table("indicators").frame["status"]
    assert len(statuses) == 9
    facts = {f.key: f.value for f in progress.facts}
    assert sum(facts[s] for s in ("on_track", "at_risk", "off_track", "no_data")) == 9
    assert facts["spent"] == cost.total.actual


def test_the_demo_reports_render_in_every_format_and_language(
    demo_reports: tuple[Session, list[Report]],
) -> None:
    _session, reports = demo_reports
    for report in reports:
        for key in _label_keys(report):
            for language in Language:
                assert label(key, language), key
        for language in Language:
            book = openpyxl.load_workbook(io.BytesIO(render(report, ReportFormat.XLSX, language)))
            assert book.sheetnames == sheet_names(report, language)
            first = book[book.sheetnames[1]]
            assert first.cell(1, 1).value == label(report.title, language).format(
                **report.parameters
            )
            page = render(report, ReportFormat.HTML, language).decode()
            assert f'lang="{language.value}"' in page
            assert label(report.tables[0].title, language) in page
            assert "<svg" in page
        for table in report.tables:
            text = render(report, ReportFormat.CSV, Language.EN, table=table.key).decode()
            lines = list(csv.reader(io.StringIO(text)))
            assert lines[0] == [c.key for c in table.columns]
            assert len(lines) >= 1 + len(table.frame)
        data = json.loads(render(report, ReportFormat.JSON, Language.EN))
        assert set(data["tables"]) == {t.key for t in report.tables}
        assert data["report"] == report.name


def test_the_demo_reports_as_pdf(demo_reports: tuple[Session, list[Report]]) -> None:
    needs_pango()
    _session, reports = demo_reports
    for report in reports:
        assert render(report, ReportFormat.PDF, Language.FR).startswith(b"%PDF")
