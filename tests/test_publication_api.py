"""Published snapshots over HTTP: the author cannot approve, a second officer publishes,
the committee reads but cannot approve, files come back byte for byte with their hash."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from finance_core.access.service import create_user
from finance_core.actor import Actor
from finance_core.publication import service
from finance_core.publication.schemas import FileIn
from tests.api_helpers import ApiEnv, api_env

CSV = "status.csv", "text/csv; charset=utf-8", b"state,paid\nFRA,100.00\n"
HTML = "status.html", "text/html; charset=utf-8", b"<h1>Status</h1>"


def _propose(engine: Engine, author: str, scope: str = "2025") -> int:
    with Session(engine) as s:
        snapshot = service.propose(
            s,
            actor=Actor(name=author, origin="test"),
            kind="report.status_of_contributions",
            scope=scope,
            title="Status of contributions",
            as_at=date(2025, 6, 30),
            known_at=datetime(2025, 7, 1, tzinfo=UTC),
            data={"paid": {"FRA": "100.00"}},
            files=[FileIn(*CSV), FileIn(*HTML)],
            reference="ATT/CSP11/DEC.4",
        )
        s.commit()
        assert snapshot.id is not None
        return snapshot.id


@pytest.fixture
def env(engine: Engine, officer: Actor) -> Iterator[tuple[ApiEnv, dict[str, str]]]:
    """The API with a second finance officer, ``second``."""
    with Session(engine) as s:
        _user, token = create_user(s, actor=officer, name="second", roles=["finance_officer"])
        s.commit()
    with api_env(engine) as e:
        yield e, {"Authorization": f"Bearer {token}"}


def test_maker_checker_publication_and_files(
    env: tuple[ApiEnv, dict[str, str]], engine: Engine
) -> None:
    api, second = env
    officer, committee, admin = (api.auth(r) for r in ("finance_officer", "committee", "admin"))
    sid = _propose(engine, "user-finance_officer")

    listed = api.client.get("/api/v1/publications?status=draft", headers=committee)
    assert listed.status_code == 200
    body = listed.json()
    assert (body["total"], body["limit"], body["offset"]) == (1, 50, 0)
    assert body["items"][0]["status"] == "draft" and "data" not in body["items"][0]
    one = api.client.get(f"/api/v1/publications/{sid}", headers=committee).json()
    assert one["data"] == {"paid": {"FRA": "100.00"}} and len(one["files"]) == 2

    draft_file = api.client.get(f"/api/v1/publications/{sid}/files/status.csv", headers=committee)
    assert draft_file.status_code == 200 and draft_file.content == CSV[2]
    assert draft_file.headers["cache-control"] == "private, no-cache"

    url = f"/api/v1/publications/{sid}/approval"
    assert api.client.post(url, json={}).status_code == 401
    read_only = api.client.post(url, headers=committee, json={})
    assert read_only.status_code == 403 and read_only.json()["error"] == "PermissionDenied"
    assert api.client.post(url, headers=admin, json={}).status_code == 403
    own = api.client.post(url, headers=officer, json={"reference": "MC/1"})
    assert own.status_code == 403, own.text
    assert "someone else must approve" in own.json()["detail"]
    approved = api.client.post(url, headers=second, json={"reference": "MC/1"})
    assert approved.status_code == 200, approved.text
    out = approved.json()
    assert (out["status"], out["approver"], out["approval_reference"]) == (
        "published",
        "second",
        "MC/1",
    )
    assert out["content_hash"] == one["content_hash"]
    again = api.client.post(url, headers=second, json={})
    assert again.status_code == 409 and again.json()["error"] == "Conflict"
    withdrawn = api.client.post(
        f"/api/v1/publications/{sid}/withdrawal", headers=officer, json={"reason": "late"}
    )
    assert withdrawn.status_code == 409

    for name, media_type, content in (CSV, HTML):
        got = api.client.get(f"/api/v1/publications/{sid}/files/{name}", headers=committee)
        assert got.status_code == 200 and got.content == content
        assert got.headers["content-type"] == media_type
        assert got.headers["etag"] == f'"{hashlib.sha256(content).hexdigest()}"'
        assert "immutable" in got.headers["cache-control"]
        assert "max-age=31536000" in got.headers["cache-control"]
    missing = api.client.get(f"/api/v1/publications/{sid}/files/nope.pdf", headers=committee)
    assert missing.status_code == 404 and missing.json()["error"] == "NotFound"
    assert api.client.get("/api/v1/publications/999", headers=committee).status_code == 404

    verified = api.client.get(f"/api/v1/publications/{sid}/verify", headers=committee).json()
    assert verified["ok"] and verified["computed_hash"] == one["content_hash"]

    newer = _propose(engine, "second")
    assert api.client.post(
        f"/api/v1/publications/{newer}/approval", headers=officer, json={}
    ).json()["status"] == ("published")
    old = api.client.get(f"/api/v1/publications/{sid}", headers=committee).json()
    assert old["status"] == "superseded" and old["superseded_by"] == newer
    assert old["content_hash"] == one["content_hash"] and old["data"] == one["data"]
    published = api.client.get(
        "/api/v1/publications?kind=report.status_of_contributions&scope=2025&status=published",
        headers=committee,
    ).json()
    assert [i["id"] for i in published["items"]] == [newer]


def test_withdrawal_and_anonymous_callers(
    env: tuple[ApiEnv, dict[str, str]], engine: Engine
) -> None:
    api, _second = env
    officer, committee = api.auth("finance_officer"), api.auth("committee")
    sid = _propose(engine, "someone")
    for path in (
        "/api/v1/publications",
        f"/api/v1/publications/{sid}",
        f"/api/v1/publications/{sid}/files/status.csv",
        f"/api/v1/publications/{sid}/verify",
    ):
        refused = api.client.get(path)
        assert refused.status_code == 401 and refused.json()["error"] == "NotAuthenticated"
    url = f"/api/v1/publications/{sid}/withdrawal"
    assert api.client.post(url, headers=committee, json={"reason": "x"}).status_code == 403
    empty = api.client.post(url, headers=officer, json={"reason": ""})
    assert empty.status_code == 422 and "fields" in empty.json()
    done = api.client.post(url, headers=officer, json={"reason": "figures revised"})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "withdrawn" and done.json()["withdrawal_reason"] == (
        "figures revised"
    )
    late = api.client.post(f"/api/v1/publications/{sid}/approval", headers=officer, json={})
    assert late.status_code == 409
    bad = api.client.get("/api/v1/publications?status=secret", headers=committee)
    assert bad.status_code == 422
