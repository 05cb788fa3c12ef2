"""Reports over HTTP on the arrears worked example: every report in every format for the
readers, errors that say what was wrong, publication by two officers, and the public
seeing published public reports only."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import openpyxl
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from finance_core.access import service as access
from finance_core.actor import Actor
from reports.catalog import NAMES
from tests.api_helpers import ApiEnv, api_env
from tests.conftest import needs_pango


@pytest.fixture
def env(example: Session, engine: Engine) -> Iterator[ApiEnv]:
    with api_env(engine) as e:
        yield e


def test_the_catalogue_lists_every_report(env: ApiEnv) -> None:
    r = env.client.get("/api/v1/reports", headers=env.auth("committee"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert [x["name"] for x in body["items"]] == list(NAMES) and body["total"] == len(NAMES)
    public = {x["name"] for x in body["items"] if x["public"]}
    assert public == {
        "status-of-contributions",
        "honour-roll",
        "activity-spending",
        "progress-report",
    }


@pytest.mark.parametrize(
    "name", ["status-of-contributions", "honour-roll", "committee-pack", "trial-balance"]
)
def test_each_report_comes_in_each_format(env: ApiEnv, name: str) -> None:
    base = f"/api/v1/reports/{name}?as_at=2025-12-31&from_on=2025-01-01"
    auth = env.auth("committee")
    as_json = env.client.get(f"{base}&format=json", headers=auth)
    assert as_json.status_code == 200, as_json.text
    data = as_json.json()
    assert data["report"] == name and data["as_at"] == "2025-12-31"
    first = next(iter(data["tables"]))
    table = env.client.get(f"{base}&format=csv&table={first}", headers=auth)
    assert table.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(table.text)))
    assert rows[0] == data["tables"][first]["columns"]
    assert len(rows) == 1 + len(data["tables"][first]["rows"]) + len(
        data["tables"][first]["totals"]
    )
    book = env.client.get(f"{base}&format=xlsx&lang=es", headers=auth)
    assert book.status_code == 200
    assert f'{name}-2025-12-31.es.xlsx"' in book.headers["content-disposition"]
    sheets = openpyxl.load_workbook(io.BytesIO(book.content), read_only=True).sheetnames
    assert sheets[0] == "Resumen" and len(sheets) == 1 + len(data["tables"])
    page = env.client.get(f"{base}&format=html&lang=fr", headers=auth)
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in page.text


def test_a_pdf_is_a_pdf(env: ApiEnv) -> None:
    needs_pango()
    r = env.client.get(
        "/api/v1/reports/honour-roll?as_at=2025-12-31&format=pdf&lang=es",
        headers=env.auth("finance_officer"),
    )
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert r.headers["content-type"] == "application/pdf"


def test_bad_requests_say_what_is_wrong(env: ApiEnv) -> None:
    auth = env.auth("committee")
    unknown = env.client.get("/api/v1/reports/nope?as_at=2025-12-31", headers=auth)
    assert unknown.status_code == 404 and "status-of-contributions" in unknown.json()["detail"]
    fmt = env.client.get("/api/v1/reports/honour-roll?as_at=2025-12-31&format=docx", headers=auth)
    assert fmt.status_code == 422 and fmt.json()["error"] == "ValidationFailed"
    table = env.client.get(
        "/api/v1/reports/honour-roll?as_at=2025-12-31&format=csv&table=nope", headers=auth
    )
    assert table.status_code == 422 and "paid_in_full" in table.json()["fields"]["table"]
    early = env.client.get(
        "/api/v1/reports/status-of-contributions?as_at=2025-06-30&year=2026", headers=auth
    )
    assert early.status_code == 422 and "as_at" in early.json()["fields"]
    period = env.client.get(
        "/api/v1/reports/trial-balance?as_at=2025-06-30&from_on=2025-07-01", headers=auth
    )
    assert period.status_code == 422 and "from_on" in period.json()["fields"]
    assert env.client.get("/api/v1/reports/honour-roll?as_at=2025-12-31").status_code == 401
    admin = env.client.get(
        "/api/v1/reports/honour-roll?as_at=2025-12-31", headers=env.auth("admin")
    )
    assert admin.status_code == 403


def test_two_officers_publish_and_the_public_reads_it(env: ApiEnv, engine: Engine) -> None:
    needs_pango()
    with Session(engine) as s:
        setup = Actor(name="setup", origin="test")
        _, token = access.create_user(s, actor=setup, name="second", roles=["finance_officer"])
        s.commit()
    second = {"Authorization": f"Bearer {token}"}
    officer = env.auth("finance_officer")
    proposed = env.client.post(
        "/api/v1/reports/status-of-contributions/publications",
        json={"as_at": "2025-12-31", "reference": "ATT/MC/2026/5"},
        headers=officer,
    )
    assert proposed.status_code == 201, proposed.text
    snapshot = proposed.json()
    assert (snapshot["kind"], snapshot["scope"], snapshot["status"]) == (
        "report.status_of_contributions",
        "2025",
        "draft",
    )
    latest = "/api/v1/public/reports/status-of-contributions/latest?scope=2025"
    assert env.client.get(latest).status_code == 404  # a draft is not found
    own = env.client.post(
        f"/api/v1/publications/{snapshot['id']}/approval", json={}, headers=officer
    )
    assert own.status_code == 403  # maker-checker
    approved = env.client.post(
        f"/api/v1/publications/{snapshot['id']}/approval", json={}, headers=second
    )
    assert approved.status_code == 200, approved.text
    public = env.client.get(latest)
    assert public.status_code == 200
    files = {f["name"] for f in public.json()["files"]}
    assert "status-of-contributions-2025-12-31.es.pdf" in files
    listing = env.client.get("/api/v1/public/reports/status-of-contributions").json()
    assert listing["total"] == 1
    assert env.client.get("/api/v1/public/reports/committee-pack").status_code == 404
