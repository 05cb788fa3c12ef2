"""Generated files sent to every file-import route of the API, as a finance officer, on a
copy of the demo, on SQLite and PostgreSQL: States, bank statements (preview, commit),
expenditures (preview, commit) and the strategic plan's workbook (preview, import) of a
draft plan.

Each answer is one the route declares, never a 5xx, within ``ANSWER_SECONDS``; a
refusal has the error shape and writes nothing (the database's digest is the same
before and after); a junk file (random bytes, a zip of random parts) is refused as
ValidationFailed (422); and some files get past the reading to the rows' checks. The
plan routes also get the draft's own exported workbook with cells changed, so that
generated values reach the plan's checks."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from api.app import create_app
from finance_core.access import service as access
from finance_core.actor import Actor
from finance_core.db import create_db_engine
from strategy.workbook import COLUMNS
from tests.fixtures_demo import DemoCopy
from tests.fuzz.db_digest import Digest, changes, digester
from tests.fuzz.import_files import (
    BANK_COLUMNS,
    EXPENDITURE_COLUMNS,
    FORMULAS,
    STATES_COLUMNS,
    ImportFile,
    cell_value,
    cells,
    declared_statuses,
    import_files,
    is_refusal,
    xlsx_files,
)

pytestmark = pytest.mark.fuzz

#: Generated files per route and database (each a request and two digests).
EXAMPLES = 150
#: The longest an answer to a file of at most 5 MB may take (a hang guard: the file
#: bombs these runs found took minutes).
ANSWER_SECONDS = 30.0


@dataclass
class ImportTarget:
    """The app on a demo copy, an officer's headers, a draft plan, the digest."""

    client: TestClient
    headers: dict[str, str]
    draft_id: int
    draft_workbook: bytes
    digest: Callable[[], Digest]
    dialect: str


@pytest.fixture(scope="module")
def import_target(demo_copy: DemoCopy) -> Iterator[ImportTarget]:
    engine = create_db_engine(demo_copy.database.url)
    with Session(engine) as s:
        _, token = access.create_user(
            s,
            actor=Actor(name="setup", origin="test"),
            name="fuzz-importer",
            roles=["finance_officer"],
        )
        s.commit()
    headers = {"Authorization": f"Bearer {token}"}
    digest, close = digester(demo_copy.database)
    try:
        with TestClient(create_app(engine), raise_server_exceptions=False) as client:
            created = client.post(
                "/api/v1/strategy/plans",
                headers=headers,
                json={
                    "code": "SP-2031-2035",
                    "title": "Draft for the fuzz runs",
                    "first_year": 2031,
                },
            )
            assert created.status_code == 201, created.text
            draft_id = created.json()["id"]
            _fill(client, headers, draft_id)
            workbook = client.get(f"/api/v1/strategy/plans/{draft_id}/workbook", headers=headers)
            assert workbook.status_code == 200, workbook.text
            yield ImportTarget(
                client, headers, draft_id, workbook.content, digest, demo_copy.dialect
            )
    finally:
        close()
        engine.dispose()


def _fill(client: TestClient, headers: dict[str, str], plan_id: int) -> None:
    """A goal, an objective under it and an indicator of it in the draft, so that its
    workbook has a row in every sheet."""
    base = f"/api/v1/strategy/plans/{plan_id}"
    for element in (
        {"level": "goal", "code": "G1", "title": "Universal adherence"},
        {"level": "objective", "parent_code": "G1", "code": "O1.1", "title": "More States"},
    ):
        added = client.post(f"{base}/elements", headers=headers, json=element)
        assert added.status_code == 201, added.text
    indicator = {
        "element_code": "O1.1",
        "code": "I1.1.1",
        "title": "States Parties",
        "unit": "count",
        "baseline_value": "110",
        "baseline_year": 2030,
        "targets": [{"year": 2031, "value": "115"}],
    }
    added = client.post(f"{base}/indicators", headers=headers, json=indicator)
    assert added.status_code == 201, added.text


@st.composite
def edited_workbooks(draw: st.DrawFn, workbook: bytes) -> ImportFile:
    """The draft's exported workbook with some cells of its sheets changed."""
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        sheet = book[draw(st.sampled_from(book.sheetnames))]
        row = draw(st.integers(min_value=1, max_value=max(sheet.max_row, 1) + 2))
        column = draw(st.integers(min_value=1, max_value=max(sheet.max_column, 1) + 1))
        value = draw(st.one_of(cells, st.integers(-5, 3000), st.none(), st.sampled_from(FORMULAS)))
        sheet.cell(row=row, column=column, value=cell_value(value))
    out = io.BytesIO()
    book.save(out)
    return ImportFile("plan.xlsx", out.getvalue())


#: Form fields besides the file: rows to record, a column mapping, States by row.
ROWS = st.integers(min_value=0, max_value=3).flatmap(
    lambda n: (
        st.sampled_from(["[2]", "[2, 3]", "[]", "[99999]", "[-1]"]) if n else st.text(max_size=8)
    )
)


def _mostly_none(*others: st.SearchStrategy[str]) -> st.SearchStrategy[str | None]:
    """None (the field left out) two times in three, else one of ``others``."""
    return st.integers(min_value=0, max_value=2).flatmap(
        lambda n: st.none() if n else st.one_of(*others)
    )


MAPPING = _mostly_none(
    st.sampled_from(['{"payer": "name", "reference": "code"}', '{"line_code": "line"}']),
    st.text(max_size=12),
)
STATES = _mostly_none(st.sampled_from(['{"2": "FRA"}', '{"x": 1}']), st.text(max_size=8))


@dataclass(frozen=True)
class Route:
    """An import route: its path, the columns its files carry, its form fields."""

    name: str
    path: str
    columns: tuple[str, ...]
    form: dict[str, st.SearchStrategy[str | None]]
    xlsx_only: bool = False


ROUTES = (
    Route("states", "/api/v1/states/import", STATES_COLUMNS, {}),
    Route("bank-preview", "/api/v1/bank-statements/preview", BANK_COLUMNS, {"mapping": MAPPING}),
    Route(
        "bank-commit",
        "/api/v1/bank-statements/commit",
        BANK_COLUMNS,
        {"rows": ROWS, "mapping": MAPPING, "states": STATES},
    ),
    Route(
        "expenditures-preview",
        "/api/v1/expenditure-imports/preview",
        EXPENDITURE_COLUMNS,
        {"mapping": MAPPING},
    ),
    Route(
        "expenditures-commit",
        "/api/v1/expenditure-imports/commit",
        EXPENDITURE_COLUMNS,
        {"rows": ROWS, "mapping": MAPPING},
    ),
    Route("workbook-preview", "/api/v1/strategy/plans/{plan_id}/workbook/preview", (), {}, True),
    Route("workbook-import", "/api/v1/strategy/plans/{plan_id}/workbook/import", (), {}, True),
)
#: The plan workbook's columns, all sheets together.
PLAN_COLUMNS = tuple(dict.fromkeys(c for columns in COLUMNS.values() for c in columns))


def _files(route: Route, target: ImportTarget) -> st.SearchStrategy[ImportFile]:
    if route.xlsx_only:
        return st.one_of(
            st.builds(ImportFile, st.just("plan.xlsx"), xlsx_files(PLAN_COLUMNS)),
            edited_workbooks(target.draft_workbook),
        )
    return import_files(route.columns)


def _form(route: Route) -> st.SearchStrategy[dict[str, str]]:
    fields = st.fixed_dictionaries(route.form)
    return fields.map(lambda found: {k: v for k, v in found.items() if v is not None})


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_fuzz_import_route(route: Route, import_target: ImportTarget) -> None:
    target = import_target
    path = route.path.replace("{plan_id}", str(target.draft_id))
    declared = declared_statuses(route.path)
    seen: dict[int, int] = {}
    read = [0]  # files that got past the reading

    # new files every run, even where CI makes Hypothesis repeat itself (derandomize)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(upload=_files(route, target), form=_form(route))
    def send(upload: ImportFile, form: dict[str, str]) -> None:
        before = target.digest()
        started = time.monotonic()
        response = target.client.post(
            path,
            headers=target.headers,
            files={"file": (upload.name, upload.content, "application/octet-stream")},
            data=form,
        )
        took = time.monotonic() - started
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        assert response.status_code < 500, response.text
        assert response.status_code in declared, (response.status_code, response.text)
        assert took < ANSWER_SECONDS, f"{took:.1f} s for {upload.name} ({len(upload.content)} B)"
        if response.status_code >= 400:
            body = response.json()
            assert is_refusal(body), body
            assert changes(before, target.digest()) == {}, body
        if upload.junk:
            assert response.status_code == 422, response.text
            assert response.json()["error"] == "ValidationFailed", response.text
        read[0] += _read(response.status_code, response.json())

    send()
    print(f"{target.dialect} {route.name}: {sum(seen.values())} files ({read[0]} read), {seen}")
    assert sum(seen.values()) >= EXAMPLES // 2
    assert read[0] > 0, f"no generated file got past the reading of the file: {seen}"


def _read(status: int, body: Any) -> bool:
    """Whether the file was read: accepted, or refused for a row or cell it holds."""
    if status < 400 or status == 409:
        return True
    fields = (body.get("fields") or {}) if isinstance(body, dict) else {}
    return any("row " in key or "!" in key for key in fields)
