"""A draft plan exported to a workbook, edited offline and imported back: the export
reads back as no change; an edit lists exactly what it changes and applies through the
service; bad files name the cells at fault and write nothing; an adopted plan refuses.
Every database test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.audit.models import AuditEvent
from finance_core.errors import Conflict, ValidationFailed
from strategy import service, workbook
from strategy.models import StrategicPlan
from strategy.schemas import ElementUpdate, PlanChanges, PlanTreeOut
from tests.api_helpers import api_env
from tests.cli_helpers import attfin
from tests.conftest import Database
from tests.test_strategy import adopt, build_plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- helpers -------------------------------------------------------------------------------


def open_book(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row_of(ws: Worksheet, *values: object) -> int:
    """The row whose first cells hold ``values``."""
    for row in ws.iter_rows(min_row=2):
        if tuple(c.value for c in row[: len(values)]) == values:
            return int(row[0].row)
    raise AssertionError(f"no row {values} on {ws.title}")


def audit_count(session: Session) -> int:
    return int(
        session.execute(
            select(func.count()).where(col(AuditEvent.action).startswith("strategy."))
        ).scalar_one()
    )


def edit(data: bytes) -> bytes:
    """Change the title of O1.2, add objective O1.3 with indicator I1.3.1 and its five
    targets, remove activity A1.1.1, and set I1.1.1's 2026 target to 72.5 typed as a
    number."""
    book = open_book(data)
    elements, indicators, targets = book["Elements"], book["Indicators"], book["Targets"]
    elements.cell(row_of(elements, "objective", "O1.2"), 4).value = "Universal reporting"
    elements.append(["objective", "O1.3", "G1", "Transparency of transfers", None, 3])
    elements.delete_rows(row_of(elements, "activity", "A1.1.1"))
    indicators.append(
        [
            "I1.3.1",
            "O1.3",
            "States Parties reporting transfers",
            None,
            "count",
            "higher_is_better",
            "40",
            2023,
            "annual",
            "entered",
            None,
            None,
            1,
        ]
    )
    for k in range(5):
        targets.append(["I1.3.1", 2024 + k, str(45 + 5 * k)])
    targets.cell(row_of(targets, "I1.1.1", 2026), 3).value = 72.5
    return save(book)


def codes(tree: PlanTreeOut) -> dict[str, list[str]]:
    """Each element's code → the codes of its children and indicators."""
    out: dict[str, list[str]] = {}

    def walk(nodes: list[object]) -> None:
        for node in nodes:
            out[node.code] = [c.code for c in node.children] + [i.code for i in node.indicators]  # type: ignore[attr-defined]
            walk(node.children)  # type: ignore[attr-defined]

    walk(list(tree.goals))
    return out


def summary(report: PlanChanges) -> dict[str, list[str]]:
    return {
        "plan": [f.field for f in report.plan],
        "elements_added": [e.code for e in report.elements_added],
        "elements_changed": [
            f"{e.code}.{f.field}:{f.old}>{f.new}" for e in report.elements_changed for f in e.fields
        ],
        "elements_removed": [e.code for e in report.elements_removed],
        "indicators_added": [i.code for i in report.indicators_added],
        "indicators_changed": [
            f"{i.code}.{f.field}:{f.old}>{f.new}"
            for i in report.indicators_changed
            for f in i.fields
        ],
        "indicators_removed": [i.code for i in report.indicators_removed],
        "targets_added": [f"{t.indicator_code} {t.year}={t.new}" for t in report.targets_added],
        "targets_changed": [
            f"{t.indicator_code} {t.year}:{t.old}>{t.new}" for t in report.targets_changed
        ],
        "targets_removed": [f"{t.indicator_code} {t.year}" for t in report.targets_removed],
    }


EMPTY = {k: [] for k in summary(PlanChanges.model_validate(
    {"plan_id": 0, "plan_code": "", "applied": False, "count": 0, "plan": [],
     **{f"{kind}_{verb}": [] for kind in ("elements", "indicators", "targets")
        for verb in ("added", "changed", "removed")}}
))}  # fmt: skip


@pytest.fixture
def plan(session: Session, officer: Actor) -> StrategicPlan:
    plan = build_plan(session, officer)
    session.commit()
    return plan


# --- export and round trip ----------------------------------------------------------------


def test_the_export_reads_back_as_no_change(
    session: Session, officer: Actor, plan: StrategicPlan
) -> None:
    pid = plan.id or 0
    o11 = service.find_element(session, plan_id=pid, code="O1.1")
    service.update_element(
        session,
        actor=officer,
        element_id=o11.id or 0,
        data=ElementUpdate(title="=HYPERLINK(1)", description="- a list item"),
    )
    data = workbook.export_plan(session, plan_id=pid)
    book = open_book(data)
    assert book.sheetnames == ["Read me", "Plan", "Elements", "Indicators", "Targets"]
    assert book.properties.title == "Strategic plan SP-2024"
    assert book.properties.subject == "Strategic Plan SP-2024"
    elements = book["Elements"]
    assert [c.value for c in elements[1]] == list(workbook.COLUMNS["Elements"])
    assert elements["A1"].font.b and elements.freeze_panes == "A2"
    assert elements.auto_filter.ref == "A1:F7"
    assert [[r.value for r in row] for row in elements.iter_rows(min_row=2, max_col=3)] == [
        ["goal", "G1", None],
        ["objective", "O1.1", "G1"],
        ["activity", "A1.1.1", "O1.1"],
        ["objective", "O1.2", "G1"],
        ["goal", "G2", None],
        ["objective", "O2.1", "G2"],
    ]
    # Formula-like text is written after a quote, and read back without it.
    o11_row = row_of(elements, "objective", "O1.1")
    assert elements.cell(o11_row, 4).value == "'=HYPERLINK(1)"
    assert elements.cell(o11_row, 5).value == "'- a list item"
    validated = {str(dv.sqref).split(":")[0] for dv in elements.data_validations.dataValidation}
    assert validated == {"A2"}
    indicators = book["Indicators"]
    assert {str(dv.sqref).split(":")[0] for dv in indicators.data_validations.dataValidation} == {
        "E2",
        "F2",
        "I2",
        "J2",
    }
    assert indicators["G2"].value == "50" and indicators["G2"].data_type == "s"
    targets = book["Targets"]
    assert [[c.value for c in row] for row in targets.iter_rows(min_row=2)] == [
        ["I1.1.1", 2024 + k, str(60 + 5 * k)] for k in range(5)
    ]
    assert book["Plan"].protection.sheet
    assert [c.value for c in book["Plan"][2]][:5] == [
        "SP-2024",
        "Strategic Plan SP-2024",
        None,
        2024,
        2028,
    ]

    sheet = workbook.parse_workbook(data)
    stored = workbook.plan_sheet(session, plan_id=pid)
    head = ("code", "title", "description", "first_year", "last_year", "status")
    assert [getattr(sheet, k) for k in head] == [getattr(stored, k) for k in head]
    assert [replace(e, row=0) for e in sheet.elements] == list(stored.elements)
    assert [replace(i, row=0) for i in sheet.indicators] == list(stored.indicators)
    assert [replace(t, row=0) for t in sheet.targets] == list(stored.targets)
    assert sheet.elements[1].title == "=HYPERLINK(1)"
    report = workbook.diff_plan(session, plan_id=pid, sheet=sheet)
    assert report.count == 0 and summary(report) == EMPTY and not report.applied


# --- an edit -------------------------------------------------------------------------------


def test_an_edit_lists_exactly_what_it_changes_and_applies(
    session: Session, officer: Actor, plan: StrategicPlan
) -> None:
    pid = plan.id or 0
    before = audit_count(session)
    sheet = workbook.parse_workbook(edit(workbook.export_plan(session, plan_id=pid)))
    report = workbook.diff_plan(session, plan_id=pid, sheet=sheet)
    expected = {
        **EMPTY,
        "elements_added": ["O1.3"],
        "elements_changed": ["O1.2.title:Element O1.2>Universal reporting"],
        "elements_removed": ["A1.1.1"],
        "indicators_added": ["I1.3.1"],
        "targets_added": [f"I1.3.1 {2024 + k}={45 + 5 * k}" for k in range(5)],
        "targets_changed": ["I1.1.1 2026:70>72.5"],
    }
    assert summary(report) == expected
    assert report.count == 10 and not report.applied
    assert report.elements_added[0].row == 7 and report.elements_removed[0].row is None
    # The preview wrote nothing.
    assert audit_count(session) == before
    assert "A1.1.1" in codes(service.plan_tree(session, plan_id=pid))

    applied = workbook.apply_changes(session, actor=officer, plan_id=pid, sheet=sheet)
    assert summary(applied) == expected and applied.applied
    session.commit()
    tree = service.plan_tree(session, plan_id=pid)
    assert codes(tree) == {
        "G1": ["O1.1", "O1.2", "O1.3"],
        "O1.1": ["I1.1.1"],
        "O1.2": [],
        "O1.3": ["I1.3.1"],
        "G2": ["O2.1"],
        "O2.1": [],
    }
    by_code = {e.code: e for g in tree.goals for e in g.children}
    assert by_code["O1.2"].title == "Universal reporting"
    assert [t.value for t in by_code["O1.3"].indicators[0].targets] == [
        "45",
        "50",
        "55",
        "60",
        "65",
    ]
    i111 = service.indicators_of(session, plan_id=pid)[0]
    assert service.targets_of(session, indicator_id=i111.id or 0)[2026] == Decimal("72.5")
    actions = session.execute(
        select(AuditEvent.action)
        .where(col(AuditEvent.action).startswith("strategy."))
        .order_by(col(AuditEvent.id))
        .offset(before)
    ).scalars()
    assert list(actions) == [
        "strategy.element.delete",
        "strategy.element.add",
        "strategy.element.update",
        "strategy.indicator.update",
        "strategy.indicator.add",
    ]
    # The same workbook again changes nothing.
    again = workbook.apply_changes(session, actor=officer, plan_id=pid, sheet=sheet)
    assert again.count == 0 and audit_count(session) == before + 5


def test_a_changed_parent_moves_the_element_with_what_is_under_it(
    session: Session, officer: Actor, plan: StrategicPlan
) -> None:
    pid = plan.id or 0
    book = open_book(workbook.export_plan(session, plan_id=pid))
    elements = book["Elements"]
    elements.cell(row_of(elements, "objective", "O1.1"), 3).value = "G2"
    o12 = row_of(elements, "objective", "O1.2")
    elements.cell(o12, 1).value = "goal"
    elements.cell(o12, 3).value = None
    elements.cell(row_of(elements, "activity", "A1.1.1"), 3).value = "O2.1"
    sheet = workbook.parse_workbook(save(book))
    report = workbook.apply_changes(session, actor=officer, plan_id=pid, sheet=sheet)
    assert summary(report)["elements_changed"] == [
        "O1.1.parent_code:G1>G2",
        "A1.1.1.parent_code:O1.1>O2.1",
        "O1.2.level:objective>goal",
        "O1.2.parent_code:G1>None",
    ]
    assert report.count == 3
    tree = service.plan_tree(session, plan_id=pid)
    assert codes(tree) == {
        "G1": [],
        "O1.1": ["I1.1.1"],
        "O1.2": [],
        "G2": ["O1.1", "O2.1"],
        "O2.1": ["A1.1.1"],
        "A1.1.1": [],
    }
    moved = service.indicators_of(session, plan_id=pid)[0]
    assert service.targets_of(session, indicator_id=moved.id or 0) == {
        2024 + k: Decimal(60 + 5 * k) for k in range(5)
    }
    assert workbook.diff_plan(session, plan_id=pid, sheet=sheet).count == 0


def test_the_plan_title_and_a_cleared_description(
    session: Session, officer: Actor, plan: StrategicPlan
) -> None:
    pid = plan.id or 0
    book = open_book(workbook.export_plan(session, plan_id=pid))
    book["Plan"]["B2"] = "  Strategic Plan 2024-2028 "
    book["Plan"]["C2"] = "What the Secretariat will do."
    indicators = book["Indicators"]
    indicators.cell(row_of(indicators, "I1.1.1"), 7).value = 52
    book["Targets"].delete_rows(row_of(book["Targets"], "I1.1.1", 2028))
    sheet = workbook.parse_workbook(save(book))
    report = workbook.apply_changes(session, actor=officer, plan_id=pid, sheet=sheet)
    assert summary(report) == {
        **EMPTY,
        "plan": ["title", "description"],
        "indicators_changed": ["I1.1.1.baseline_value:50>52"],
        "targets_removed": ["I1.1.1 2028"],
    }
    stored = service.get_plan(session, plan_id=pid)
    assert (stored.title, stored.description) == (
        "Strategic Plan 2024-2028",
        "What the Secretariat will do.",
    )
    assert service.adoption_problems(session, plan_id=pid) == {
        "indicators.I1.1.1.targets": "no target for 2028"
    }


# --- bad files -------------------------------------------------------------------------------


def _zip_bomb() -> bytes:
    """A zip of a few kilobytes whose one member unpacks to 60 MB."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(60):
            member.write(b"\0" * (1024 * 1024))
    return buffer.getvalue()


Edit = Callable[[Workbook], None]


def _cell(sheet: str, find: tuple[object, ...], column: int, value: object) -> Edit:
    def change(book: Workbook) -> None:
        ws = book[sheet]
        ws.cell(row_of(ws, *find), column).value = value

    return change


def _append(sheet: str, values: list[object]) -> Edit:
    def change(book: Workbook) -> None:
        book[sheet].append(values)

    return change


def _header(sheet: str, cell: str) -> Edit:
    def change(book: Workbook) -> None:
        book[sheet][cell] = None

    return change


def _remove_sheet(book: Workbook) -> None:
    del book["Targets"]


def _count_with_fraction(book: Workbook) -> None:
    ws = book["Indicators"]
    r = row_of(ws, "I1.1.1")
    ws.cell(r, 5).value = "count"
    ws.cell(r, 7).value = "50.5"


def _computed(book: Workbook) -> None:
    ws = book["Indicators"]
    r = row_of(ws, "I1.1.1")
    ws.cell(r, 10).value = "computed"
    ws.cell(r, 11).value = "no_such_measure"


BAD_EDITS: dict[str, tuple[Edit, dict[str, str]]] = {
    "missing sheet": (_remove_sheet, {"Targets": "no sheet Targets"}),
    "missing header": (
        _header("Elements", "C1"),
        {"Elements!C1": "no column parent_code"},
    ),
    "bad level": (
        _cell("Elements", ("objective", "O1.2"), 1, "goall"),
        {"Elements!A5": "'goall' is not one of goal, objective, output, activity"},
    ),
    "unknown parent": (
        _cell("Elements", ("objective", "O1.2"), 3, "G9"),
        {"Elements!C5": "no element G9 on the Elements sheet"},
    ),
    "levels that do not nest": (
        _cell("Elements", ("objective", "O1.2"), 3, "O1.1"),
        {"Elements!C5": "O1.1 is an objective, not a goal"},
    ),
    "target outside the plan years": (
        _append("Targets", ["I1.1.1", 2030, "90"]),
        {"Targets!B7": "not a year of the plan (2024-2028)"},
    ),
    "float-typed value": (
        _cell("Targets", ("I1.1.1", 2025), 3, 1 / 3),
        {"Targets!C3": "at most 6 decimals"},
    ),
    "fraction of a count": (_count_with_fraction, {"Indicators!G2": "a count is a whole number"}),
    "unknown measure": (
        _computed,
        {"Indicators!K2": "unknown measure (one of: "},
    ),
    "indicator of an activity": (
        _cell("Indicators", ("I1.1.1",), 2, "A1.1.1"),
        {"Indicators!B2": "A1.1.1 is an activity: indicators measure goals and objectives"},
    ),
    "another plan's workbook": (
        _cell("Plan", ("SP-2024",), 1, "SP-2025"),
        {"Plan!A2": "the workbook is of plan SP-2025, not SP-2024"},
    ),
    "duplicate code": (
        _append("Elements", ["goal", "G2", None, "Again", None, 3]),
        {"Elements!B8": "G2 is also on row 6"},
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_EDITS))
def test_a_bad_workbook_names_the_cells_and_writes_nothing(
    session: Session, officer: Actor, plan: StrategicPlan, case: str
) -> None:
    pid = plan.id or 0
    change, expected = BAD_EDITS[case]
    book = open_book(workbook.export_plan(session, plan_id=pid))
    change(book)
    data = save(book)
    before = (audit_count(session), workbook.plan_sheet(session, plan_id=pid))
    for attempt in (
        lambda: workbook.diff_plan(session, plan_id=pid, sheet=workbook.parse_workbook(data)),
        lambda: workbook.apply_changes(
            session, actor=officer, plan_id=pid, sheet=workbook.parse_workbook(data)
        ),
    ):
        with pytest.raises(ValidationFailed) as caught:
            attempt()
        assert set(caught.value.fields) == set(expected), caught.value.fields
        for key, message in expected.items():
            assert message in caught.value.fields[key], caught.value.fields
    session.commit()
    assert (audit_count(session), workbook.plan_sheet(session, plan_id=pid)) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"code,title\nG1,Goal\n", "not an xlsx workbook"),
        (_zip_bomb(), "too large unpacked"),
        (b"PK" + b"\0" * (6 * 1024 * 1024), "too large"),
        (save(Workbook()), ""),
    ],
    ids=["not a zip", "zip bomb", "over 5 MB", "empty workbook"],
)
def test_files_that_are_not_plan_workbooks_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        workbook.parse_workbook(data)
    if message:
        assert caught.value.fields == {"file": message}
    else:
        assert set(caught.value.fields) == {"Plan", "Elements", "Indicators", "Targets"}


def test_every_refusal_of_the_service_is_collected(
    session: Session, officer: Actor, plan: StrategicPlan
) -> None:
    pid = plan.id or 0
    book = open_book(workbook.export_plan(session, plan_id=pid))
    for change in (
        BAD_EDITS["levels that do not nest"][0],
        BAD_EDITS["target outside the plan years"][0],
        BAD_EDITS["unknown measure"][0],
        _append("Elements", ["output", "P9", "O2.1", "An output", None, 1]),
        _append("Elements", ["activity", "A9", "P9", "Under an output", None, 1]),
        _append("Elements", ["goal", "G3", "G1", "A goal under a goal", None, 3]),
        _append("Elements", ["objective", "O3.1", "G3", "Under the bad goal", None, 1]),
    ):
        change(book)
    with pytest.raises(ValidationFailed) as caught:
        workbook.diff_plan(session, plan_id=pid, sheet=workbook.parse_workbook(save(book)))
    fields = caught.value.fields
    # O3.1 is not added since its goal could not be: nothing is said of it.
    assert set(fields) == {
        "Elements!C5",
        "Elements!C9",
        "Elements!C10",
        "Targets!B7",
        "Indicators!K2",
    }, fields
    assert fields["Elements!C9"] == "P9 is an output, not an objective"
    assert fields["Elements!C10"] == "a goal has no parent"
    assert caught.value.detail.startswith("5 problem(s) in the workbook; the first: ")


def test_an_adopted_plan_refuses_the_import(
    session: Session, officer: Actor, plan: StrategicPlan
) -> None:
    pid = plan.id or 0
    adopt(session, officer, plan)
    session.commit()
    sheet = workbook.parse_workbook(edit(workbook.export_plan(session, plan_id=pid)))
    with pytest.raises(Conflict, match="only a draft plan"):
        workbook.diff_plan(session, plan_id=pid, sheet=sheet)
    with pytest.raises(Conflict, match="only a draft plan"):
        workbook.apply_changes(session, actor=officer, plan_id=pid, sheet=sheet)


# --- command line and API ------------------------------------------------------------------


def test_export_and_import_at_the_command_line(
    db: Database, engine: Engine, officer: Actor, tmp_path: Path
) -> None:
    with Session(engine) as s:
        build_plan(s, officer)
        s.commit()
    path = tmp_path / "plan.xlsx"
    exported = attfin(db, "plan-workbook", "export", "SP-2024", "--out", str(path))
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.strip() == f"wrote {path}: plan SP-2024, 6 elements, 1 indicators"
    path.write_bytes(edit(path.read_bytes()))

    dry = attfin(db, "plan-workbook", "import", "SP-2024", str(path))
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert "objective\tadded\tO1.3 under G1\tTransparency of transfers" in lines
    assert "activity\tremoved\tA1.1.1 under O1.1\tElement A1.1.1" in lines
    assert "target\tchanged\tI1.1.1 2026\t70 -> 72.5" in lines
    assert lines[-1] == "10 changes to plan SP-2024 (dry run: nothing written)"
    with Session(engine) as s:
        assert "A1.1.1" in codes(service.plan_tree(s, plan_id=1))

    done = attfin(db, "plan-workbook", "import", "SP-2024", str(path), "--commit")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "10 changes applied to plan SP-2024"
    with Session(engine) as s:
        assert "O1.3" in codes(service.plan_tree(s, plan_id=1))
    again = attfin(db, "plan-workbook", "import", "SP-2024", str(path), "--commit")
    assert again.stdout.splitlines() == ["0 changes applied to plan SP-2024"]

    book = open_book(path.read_bytes())
    book["Targets"].append(["I1.1.1", 2031, "90"])
    path.write_bytes(save(book))
    bad = attfin(db, "plan-workbook", "import", "SP-2024", str(path), "--commit")
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1, bad.stderr
    assert bad.stderr.startswith("error: 1 problem(s) in the workbook; the first: Targets!B12")
    missing = attfin(db, "plan-workbook", "export", "SP-1999", "--out", str(path))
    assert missing.returncode == 1 and "SP-1999 does not exist" in missing.stderr


def test_preview_and_import_over_the_api(engine: Engine, officer: Actor) -> None:
    with Session(engine) as s:
        pid = build_plan(s, officer).id or 0
        adopted = build_plan(s, officer, code="SP-2029", first_year=2029)
        adopt(s, officer, adopted)
        adopted_id = adopted.id
        s.commit()
    base = f"/api/v1/strategy/plans/{pid}/workbook"
    with api_env(engine) as env:
        got = env.client.get(base, headers=env.auth("committee"))
        assert got.status_code == 200, got.text
        assert got.headers["content-type"] == XLSX
        assert got.headers["content-disposition"] == 'attachment; filename="SP-2024.xlsx"'
        edited = edit(got.content)
        files = {"file": ("plan.xlsx", edited, XLSX)}
        officer_headers = env.auth("finance_officer")

        preview = env.client.post(f"{base}/preview", headers=officer_headers, files=files)
        assert preview.status_code == 200, preview.text
        body = preview.json()
        assert body["count"] == 10 and body["applied"] is False
        assert [e["code"] for e in body["elements_added"]] == ["O1.3"]
        assert body["targets_changed"] == [
            {"indicator_code": "I1.1.1", "year": 2026, "old": "70", "new": "72.5", "row": 4}
        ]
        with Session(engine) as s:
            assert "A1.1.1" in codes(service.plan_tree(s, plan_id=pid))

        done = env.client.post(f"{base}/import", headers=officer_headers, files=files)
        assert done.status_code == 200, done.text
        assert done.json()["applied"] is True and done.json()["count"] == 10
        with Session(engine) as s:
            assert "O1.3" in codes(service.plan_tree(s, plan_id=pid))
        again = env.client.post(f"{base}/import", headers=officer_headers, files=files)
        assert again.json()["count"] == 0

        book = open_book(edited)
        book["Elements"]["A2"] = "goall"
        bad = env.client.post(
            f"{base}/import",
            headers=officer_headers,
            files={"file": ("plan.xlsx", save(book), XLSX)},
        )
        assert bad.status_code == 422
        assert bad.json()["fields"] == {
            "Elements!A2": "'goall' is not one of goal, objective, output, activity"
        }
        refused = env.client.post(
            f"/api/v1/strategy/plans/{adopted_id}/workbook/import",
            headers=officer_headers,
            files={"file": ("plan.xlsx", got.content, XLSX)},
        )
        assert refused.status_code == 409 and refused.json()["error"] == "Conflict"
        unknown = env.client.post(
            "/api/v1/strategy/plans/999/workbook/preview", headers=officer_headers, files=files
        )
        assert unknown.status_code == 404
        reader = env.client.post(f"{base}/import", headers=env.auth("committee"), files=files)
        assert reader.status_code == 403
