"""Uploads are bounded, on both databases: a zip bomb (an xlsx of a few kilobytes that
unpacks past ``MAX_UNPACKED``), an archive lying about its sizes, and a file over
``MAX_BYTES`` are refused with 422 through every import route (API and web), writing
nothing; every xlsx reader refuses them without unpacking them; and a request body over
``MAX_REQUEST_BYTES`` is refused before the service reads it."""

from __future__ import annotations

import asyncio
import io
import struct
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, inspect, select, table
from sqlmodel import Session

from api.app import create_app
from finance_core.access import service as access
from finance_core.actor import Actor
from finance_core.errors import ValidationFailed
from finance_core.expenditures import importer as expenditure_import
from finance_core.expenditures.importer import ExpenditureMapping
from finance_core.payments import bank_import
from finance_core.payments.bank_import import ColumnMapping
from finance_core.states import importer as states_import
from finance_core.uploads import MAX_BYTES, MAX_REQUEST_BYTES, MAX_UNPACKED
from strategy import workbook
from tests.web_helpers import add_user, form_csrf, sign_in

SHEET = "xl/worksheets/sheet1.xml"


def _bomb() -> bytes:
    """An xlsx-shaped zip whose sheet is a long run of zeros past ``MAX_UNPACKED``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open(SHEET, "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0"?><worksheet><sheetData>')
            chunk = b"0" * (1024 * 1024)
            for _ in range(MAX_UNPACKED // len(chunk) + 1):
                member.write(chunk)
    return buffer.getvalue()


def _lying(bomb: bytes) -> bytes:
    """The bomb with its central directory declaring the sheet 100 bytes long."""
    data = bytearray(bomb)
    at = data.find(b"PK\x01\x02")  # a central directory entry: its name is at +46
    while data[at + 46 : at + 46 + len(SHEET)] != SHEET.encode():
        at = data.find(b"PK\x01\x02", at + 4)
    struct.pack_into("<I", data, at + 24, 100)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        assert archive.getinfo(SHEET).file_size == 100
    return bytes(data)


BOMB = _bomb()
LYING = _lying(BOMB)
TOO_LARGE = b"PK" + b"\0" * MAX_BYTES  # one byte and a bit over the file limit

#: Every xlsx reader, called as the services and the command line call it.
READERS: dict[str, Callable[[Session, bytes], Any]] = {
    "states": lambda s, data: states_import.import_states(
        s, actor=Actor(name="t", origin="test"), content=data, filename="states.xlsx"
    ),
    "bank statement": lambda s, data: bank_import.dry_run(
        s, content=data, filename="statement.xlsx", mapping=ColumnMapping()
    ),
    "expenditures": lambda s, data: expenditure_import.dry_run(
        s, content=data, filename="spending.xlsx", mapping=ExpenditureMapping()
    ),
    "plan workbook": lambda _s, data: workbook.parse_workbook(data),
}

#: Every import route of the API: path → its form fields besides the file.
ROUTES = {
    "/api/v1/states/import": {},
    "/api/v1/bank-statements/preview": {},
    "/api/v1/bank-statements/commit": {"rows": "[2]"},
    "/api/v1/expenditure-imports/preview": {},
    "/api/v1/expenditure-imports/commit": {"rows": "[2]"},
    "/api/v1/strategy/plans/1/workbook/preview": {},
    "/api/v1/strategy/plans/1/workbook/import": {},
}


def test_the_bomb_is_small_and_unpacks_past_the_limit() -> None:
    assert len(BOMB) < 200 * 1024
    with zipfile.ZipFile(io.BytesIO(BOMB)) as archive:
        assert sum(m.file_size for m in archive.infolist()) > MAX_UNPACKED


#: Each bad file, and the field its refusal names (None: found corrupt once read as far
#: as its declared size, which the reader reports in its own words).
BAD_FILES = {
    "zip bomb": (BOMB, "too large unpacked"),
    "lying sizes": (LYING, None),
    "over 5 MB": (TOO_LARGE, "too large"),
}


def test_every_xlsx_reader_refuses_without_unpacking(session: Session) -> None:
    for reader, read in READERS.items():
        for bad, (data, field) in BAD_FILES.items():
            tracemalloc.start()
            try:
                with pytest.raises(ValidationFailed) as caught:
                    read(session, data)
                _current, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            found = caught.value.fields
            if field is not None:
                assert found == {"file": field}, (reader, bad, found)
            else:
                assert found["file"] in ("not an xlsx workbook", "unreadable"), (reader, found)
            assert peak < 20 * 1024 * 1024, (reader, bad, peak)  # never the 50 MB it holds


def _fingerprint(engine: Engine) -> dict[str, int]:
    """The number of rows of every table."""
    with engine.connect() as conn:
        names = [n for n in inspect(conn).get_table_names() if n != "alembic_version"]
        return {
            n: int(conn.execute(select(func.count()).select_from(table(n))).scalar_one())
            for n in names
        }


@pytest.fixture
def officer_token(engine: Engine) -> str:
    with Session(engine) as s:
        _user, token = access.create_user(
            s,
            actor=Actor(name="setup", origin="test"),
            name="api-officer",
            roles=["finance_officer"],
        )
        s.commit()
    return token


@pytest.fixture
def web_officer(engine: Engine) -> Iterator[TestClient]:
    add_user(engine, "officer", "finance_officer")
    with TestClient(create_app(engine), raise_server_exceptions=False) as client:
        assert sign_in(client, "officer").status_code == 303
        yield client


def test_every_import_route_refuses_and_writes_nothing(
    engine: Engine, officer_token: str, web_officer: TestClient
) -> None:
    headers = {"Authorization": f"Bearer {officer_token}"}
    before = _fingerprint(engine)
    csrf = form_csrf(web_officer.get("/app/bank-statements").text)
    web_words = {"too large unpacked": "once unpacked", "too large": "larger than 5 MB"}
    with TestClient(create_app(engine), raise_server_exceptions=False) as client:
        for bad, (data, field) in BAD_FILES.items():
            for path, form in ROUTES.items():
                answer = client.post(
                    path, headers=headers, data=form, files={"file": ("upload.xlsx", data)}
                )
                assert answer.status_code == 422, (bad, path, answer.text[:300])
                body = answer.json()
                assert body["error"] == "ValidationFailed", (bad, path)
                if field is not None:
                    assert body["fields"] == {"file": field}, (bad, path, body)
            web = web_officer.post(
                "/app/bank-statements/mapping",
                data={"csrf_token": csrf},
                files={"file": ("statement.xlsx", data)},
            )
            assert web.status_code == 422, bad
            assert web_words.get(field or "", "cannot read") in web.text, bad
    assert _fingerprint(engine) == before


def _scope(path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }


#: The start of a form holding one file; an endless file follows.
FORM_START = (
    b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
    b"Content-Type: text/csv\r\n\r\n"
)


def _post_stream(app: Any, path: str, *, declared: int | None) -> tuple[int, int, bytes]:
    """POST a form with an endless file, in 64 KB chunks, to ``app``: (status, bytes the
    app pulled, response body). ``declared``: the Content-Length sent (None: chunked)."""
    chunk = b"x" * 65536
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled > 4 * MAX_REQUEST_BYTES:  # a client that would go on for ever
            return {"type": "http.disconnect"}
        body = FORM_START + chunk if pulled == 0 else chunk
        pulled += len(body)
        return {"type": "http.request", "body": body, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    headers = [(b"content-type", b"multipart/form-data; boundary=x")]
    if declared is not None:
        headers.append((b"content-length", str(declared).encode()))
    asyncio.run(app(_scope(path, headers), receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return int(start["status"]), pulled, body


@pytest.mark.parametrize("path", ["/api/v1/states/import", "/app/bank-statements/mapping"])
def test_a_body_declared_over_the_limit_is_refused_unread(engine: Engine, path: str) -> None:
    status, pulled, body = _post_stream(create_app(engine), path, declared=MAX_REQUEST_BYTES + 1)
    assert (status, pulled) == (422, 0)  # refused on its Content-Length alone
    assert b"larger than 10 MB" in body  # JSON for the API, the error page under /app


def test_a_chunked_body_is_read_no_further_than_the_limit(engine: Engine) -> None:
    """The API reads a form before it checks the token: the limit stops the reading."""
    status, pulled, body = _post_stream(create_app(engine), "/api/v1/states/import", declared=None)
    assert status == 422 and b"larger than 10 MB" in body
    assert MAX_REQUEST_BYTES < pulled <= MAX_REQUEST_BYTES + len(FORM_START) + 65536


def test_a_body_over_the_limit_gets_the_error_shape(engine: Engine, officer_token: str) -> None:
    with TestClient(create_app(engine), raise_server_exceptions=False) as client:
        answer = client.post(
            "/api/v1/states/import",
            headers={"Authorization": f"Bearer {officer_token}"},
            files={"file": ("states.csv", b"x" * (MAX_REQUEST_BYTES + 1))},
        )
    assert answer.status_code == 422
    assert answer.json() == {
        "error": "ValidationFailed",
        "detail": "the request is larger than 10 MB",
        "fields": {"file": "too large"},
    }
