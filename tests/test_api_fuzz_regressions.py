"""What the fuzz runs (``make fuzz``) found, each kept by a fast example: a body the
framework cannot read, a number beyond the database's range, a year or a date no report
can walk to, frozen files of other types than declared, and import files that would
make the readers build millions of empty cells or fail outside the error tree."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine

from api.app import api_routes
from finance_core.assessments.preview import participants_from_csv
from finance_core.errors import ValidationFailed
from finance_core.states.importer import MAX_COLUMNS, MAX_ROWS, read_table
from reports.render.formats import MEDIA_TYPES
from strategy.workbook import parse_workbook
from tests.api_helpers import ApiEnv, api_env
from tests.conftest import Database


@pytest.fixture
def env(engine: Engine) -> Iterator[ApiEnv]:
    with api_env(engine) as e:
        yield e


def _refused(
    response: object, status: int = 422, error: str = "ValidationFailed"
) -> dict[str, Any]:
    body = response.json()  # type: ignore[attr-defined]
    assert response.status_code == status, body  # type: ignore[attr-defined]
    assert body["error"] == error and body["detail"], body
    return dict(body)


def test_a_body_the_framework_cannot_read_is_a_validation_error(env: ApiEnv) -> None:
    officer = env.auth("finance_officer")
    not_utf8 = env.client.post(
        "/api/v1/funds",
        headers={**officer, "Content-Type": "application/json"},
        content=b"`\xff\xfe",
    )
    assert _refused(not_utf8)["fields"] == {"body": "There was an error parsing the body"}
    broken = env.client.post(
        "/api/v1/states/import",
        headers={**officer, "Content-Type": "multipart/form-data; boundary=0e2f18c5"},
        content=b"--0e2f18c5\r\n-50378960--0e2f18c5--\r\n",
    )
    assert "body" in _refused(broken)["fields"]


def test_a_number_beyond_the_database_range_is_refused(env: ApiEnv, db: Database) -> None:
    officer = env.auth("finance_officer")
    huge = 2**70
    offset = env.client.get(f"/api/v1/ledger/entries?offset={huge}", headers=officer)
    assert _refused(offset)["detail"] == "a number in the request is out of range"
    number = env.client.post(
        "/api/v1/conferences",
        headers=officer,
        json={
            "number": huge,
            "venue": "Geneva",
            "start_on": "2031-08-25",
            "end_on": "2031-08-29",
        },
    )
    assert _refused(number)["fields"] == {"request": "number out of range"}
    receipt = env.client.get(f"/api/v1/receipts/{huge}", headers=officer)
    assert _refused(receipt)["fields"] == {"request": "number out of range"}, db.dialect


#: Each reached a date of a year out of range (a 500), or walked 7,000 year ends.
BEYOND_THE_YEARS = (
    "/api/v1/year-end/SEC/41005/surplus",
    "/api/v1/year-end/SEC/0/simulation",
    "/api/v1/forecast?surplus_year=-840",
    "/api/v1/donors/1/statement?year=-562949953421312",
    "/api/v1/donors/1/statement?year=99999",
    "/api/v1/states/FRA/arrears-history?as_at=9128-07-10",
)


def test_a_year_or_date_beyond_the_service_years_is_refused(env: ApiEnv) -> None:
    for path in BEYOND_THE_YEARS:
        response = env.client.get(path, headers=env.auth("committee"))
        assert len(_refused(response)["fields"]) == 1, path


def test_frozen_files_declare_every_type_they_are_frozen_in() -> None:
    declared = {
        path: route.responses[200]["content"]
        for path, route in api_routes()
        if path.endswith("/publications/{snapshot_id}/files/{name}")
    }
    assert len(declared) == 2
    for path, content in declared.items():
        assert set(content) == set(MEDIA_TYPES.values()), path


def _sheet(cells: dict[str, str], dimension: str | None = None) -> str:
    """A worksheet part holding ``cells`` (reference → text), rows in order."""
    rows: dict[int, list[str]] = {}
    for ref, value in cells.items():
        number = int("".join(c for c in ref if c.isdigit()))
        rows.setdefault(number, []).append(
            f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
        )
    data = "".join(f'<row r="{n}">{"".join(c)}</row>' for n, c in sorted(rows.items()))
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{declared}<sheetData>{data}</sheetData></worksheet>"
    )


def _workbook(sheets: dict[str, str]) -> bytes:
    """An xlsx file of the given worksheet parts (sheet name → part text)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="{pkg}/content-types"><Default Extension="rels" ContentType='
            '"application/vnd.openxmlformats-package.relationships+xml"/><Default '
            'Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        names = "".join(
            f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(sheets, start=1)
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>{names}</sheets></workbook>',
        )
        targets = "".join(
            f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{pkg}/relationships">{targets}</Relationships>',
        )
        for i, part in enumerate(sheets.values(), start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", part)
    return out.getvalue()


def test_a_far_cell_or_a_wide_line_is_refused_before_the_table_is_built() -> None:
    far_row = _workbook({"Sheet1": _sheet({"A1": "code", "B1": "name", "A1048576": "FRA"})})
    with pytest.raises(ValidationFailed) as rows:
        read_table(far_row, "states.xlsx")
    assert rows.value.fields == {"file": "too many rows"}
    far_column = _workbook({"Sheet1": _sheet({"A1": "code", "XFD1": "name", "A2": "FRA"})})
    with pytest.raises(ValidationFailed) as columns:
        read_table(far_column, "states.xlsx")
    assert columns.value.fields == {"row 1": "too many columns"}
    commas = b"code,name\n" + b"," * 1_000_000
    with pytest.raises(ValidationFailed) as wide:
        read_table(commas, "states.csv")
    assert wide.value.fields == {"row 2": "too many columns"}
    lines = b"code,name\n" + b"FRA,France\n" * (MAX_ROWS + 1)
    with pytest.raises(ValidationFailed, match=f"more than {MAX_ROWS} rows"):
        read_table(lines, "states.csv")
    within = b"code,name\n" + b"FRA,France\n" * 3 + b"\n" * (MAX_ROWS + 5)
    assert read_table(within, "states.csv").shape == (3, 2)  # blank lines do not count
    assert MAX_COLUMNS >= 20  # room for any bank or ERP export


def test_the_plan_workbook_reads_the_cells_held_not_the_size_declared() -> None:
    """A sheet is read from the cells it holds, up to MAX_COLUMNS of them per row: not
    cut to a smaller dimension it declares, nor built 16,384 cells wide per row when it
    declares the whole grid."""
    plan = _sheet({"A1": "code", "B1": "title", "EU1": "description"}, dimension="A1:A1")
    whole_grid = _sheet({"A1": "level"}, dimension="A1:XFD1048576")
    elements = _sheet(
        {"A1": "level", **{f"A{n}": "goal" for n in range(2, 2002)}}, dimension="A1:XFD1048576"
    )
    book = _workbook(
        {"Plan": plan, "Elements": elements, "Indicators": whole_grid, "Targets": whole_grid}
    )
    with pytest.raises(ValidationFailed) as found:
        parse_workbook(book)
    fields = found.value.fields or {}
    assert "Plan!B1" not in fields, fields  # title: beyond the declared A1:A1, still read
    assert fields["Plan!C1"] == "no column description"  # column 151: beyond what is read
    assert fields["Elements!B1"] == "no column code"


def test_participants_csv_refuses_what_csv_cannot_hold_as_a_validation_error() -> None:
    with pytest.raises(ValidationFailed, match="not valid CSV"):
        participants_from_csv("code,name\nFRA," + "x" * 200_000 + "\n")
    carriage_return = participants_from_csv("code,name\rFRA,France\r\nCHE,Switzerland\r")
    assert [p.code for p in carriage_return] == ["FRA", "CHE"]
    with pytest.raises(ValidationFailed) as long:
        participants_from_csv("code,name\n" + "X" * 61 + ",France\n")
    assert list(long.value.fields or {}) == ["row 2, code"]


def test_openpyxl_still_reads_a_workbook_written_by_openpyxl() -> None:
    """The readers' extent check reads ordinary workbooks like pandas does."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["code", "name"])
    sheet.append(["FRA", "France"])
    out = io.BytesIO()
    book.save(out)
    frame = read_table(out.getvalue(), "states.xlsx")
    assert frame.to_dict("records") == [{"code": "FRA", "name": "France"}]
