"""Every file import, fed generated files (see ``tests.fuzz.import_files``): the readers
give a table or refuse with ValidationFailed, never another error, within their limits;
the States import over HTTP answers a declared status, a refusal in the error shape,
writing nothing. Few examples here, on SQLite; ``make fuzz`` runs these with many
more, and ``tests/fuzz/test_fuzz_imports.py`` sends files to every import route on the
demo on both databases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from api.app import create_app
from finance_core.access import service as access
from finance_core.actor import Actor
from finance_core.assessments.preview import participants_from_csv
from finance_core.db import create_db_engine
from finance_core.errors import ValidationFailed
from finance_core.states.importer import MAX_COLUMNS, MAX_ROWS, read_table
from strategy.workbook import PlanSheet, parse_workbook
from tests.conftest import Database
from tests.fuzz.db_digest import changes, digester
from tests.fuzz.import_files import (
    BANK_COLUMNS,
    EXPENDITURE_COLUMNS,
    PARTICIPANT_COLUMNS,
    STATES_COLUMNS,
    ImportFile,
    csv_files,
    declared_statuses,
    import_files,
    is_refusal,
    xlsx_files,
)

ANY_IMPORT = st.sampled_from([STATES_COLUMNS, BANK_COLUMNS, EXPENDITURE_COLUMNS]).flatmap(
    import_files
)


def _refused(exc: ValidationFailed) -> None:
    assert exc.detail
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in (exc.fields or {}).items())


@given(upload=ANY_IMPORT)
def test_read_table_property(upload: ImportFile) -> None:
    try:
        frame = read_table(upload.content, upload.name)
    except ValidationFailed as exc:
        _refused(exc)
        return
    assert not upload.junk or frame.empty, "junk read as a table"
    assert isinstance(frame, pd.DataFrame)
    assert len(frame.columns) <= MAX_COLUMNS
    assert len(frame) <= MAX_ROWS
    assert all(c == c.strip().lower() for c in frame.columns)


@given(content=xlsx_files(("code", "title", "level", "element_code", "year", "value")))
def test_plan_workbook_property(content: bytes) -> None:
    try:
        sheet = parse_workbook(content)
    except ValidationFailed as exc:
        _refused(exc)
        return
    assert isinstance(sheet, PlanSheet)


@given(content=csv_files(PARTICIPANT_COLUMNS))
def test_participants_csv_property(content: bytes) -> None:
    try:
        participants = participants_from_csv(content.decode("utf-8", errors="replace"))
    except ValidationFailed as exc:
        _refused(exc)
        return
    assert participants and all(p.code for p in participants)


def test_states_import_property(sqlite_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "import.sqlite3"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = create_db_engine(url)
    with Session(engine) as s:
        _, token = access.create_user(
            s, actor=Actor(name="setup", origin="test"), name="importer", roles=["finance_officer"]
        )
        s.commit()
    digest, close = digester(Database("sqlite", url, url, url))
    client = TestClient(create_app(engine), raise_server_exceptions=False)
    declared = declared_statuses("/api/v1/states/import")

    @given(upload=import_files(STATES_COLUMNS))
    def send(upload: ImportFile) -> None:
        before = digest()
        response = client.post(
            "/api/v1/states/import",
            headers={"Authorization": f"Bearer {token}"},
            files={"file": (upload.name, upload.content, "application/octet-stream")},
        )
        assert response.status_code in declared, response.text
        if response.status_code >= 400:
            assert is_refusal(response.json()), response.text
            assert changes(before, digest()) == {}, response.text
        if upload.junk:
            assert response.status_code == 422, response.text

    try:
        send()
    finally:
        close()
        engine.dispose()
