"""The preview contract through HTTP and through the CLI, on the real published table."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from finance_core.db import create_db_engine
from tests.test_apportion import CBD, _cbd_participants


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    """The preview touches no table: one SQLite database serves the whole module."""
    from sqlmodel import Session

    from finance_core.access.service import create_user
    from finance_core.actor import Actor
    from finance_core.migrate import upgrade

    path = tmp_path_factory.mktemp("preview") / "db.sqlite3"
    upgrade(url=f"sqlite:///{path}", app_url=f"sqlite:///{path}")
    engine = create_db_engine(f"sqlite:///{path}")
    with Session(engine) as s:
        _, token = create_user(s, actor=Actor(name="t", origin="t"), name="c", roles=["committee"])
        s.commit()
    with TestClient(create_app(engine)) as c:
        yield c, token
    engine.dispose()


def _cbd_body(amount: str) -> dict[str, object]:
    participants, _ = _cbd_participants()
    return {
        "amount": amount,
        "currency": "USD",
        "rounding_unit": "1",
        "ceiling": "22",
        "ldc_cap": "0.01",
        "floor_rate": None,
        "participants": [
            {"code": p.code, "name": p.name, "fixed_share": str(p.fixed_share)}
            if p.fixed_share is not None
            else {"code": p.code, "name": p.name, "un_rate": str(p.un_rate), "ldc": p.ldc}
            for p in participants
        ],
    }


def test_preview_contract_over_http(client: tuple[TestClient, str]) -> None:
    c, token = client
    r = c.post(
        "/api/v1/assessments/preview",
        json=_cbd_body("14078652"),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == "14078652"
    rows = body["rows"]
    assert len(rows) == 196
    assert sum(Decimal(row["amount"]) for row in rows) == Decimal("14078652")
    afg = next(row for row in rows if row["code"] == "AFG")
    assert afg["un_rate"] == "0.006" and afg["amount"] == "1056" and afg["capped"] is None
    assert afg["factor"].startswith("1.2500")  # 97.5 / 78.013, before the LDC caps respread
    assert (
        afg["adjusted_rate"].startswith("0.0075") and len(afg["adjusted_rate"].split(".")[1]) >= 7
    )
    eu = next(row for row in rows if row["code"] == "EU")
    assert (eu["capped"], eu["adjusted_rate"][:5]) == ("fixed_share", "2.500")
    assert sum(1 for row in rows if row["capped"] == "ldc_cap") == 11
    assert all("." not in row["amount"] for row in rows)


def test_preview_in_cents(client: tuple[TestClient, str]) -> None:
    c, token = client
    body = {
        "amount": "100.00",
        "rounding_unit": "0.01",
        "participants": [{"code": x, "un_rate": "1"} for x in ("A", "B", "C")],
    }
    r = c.post(
        "/api/v1/assessments/preview", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert [row["amount"] for row in r.json()["rows"]] == ["33.34", "33.33", "33.33"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"participants": [{"code": "A", "un_rate": "abc"}]}, "participants.0.un_rate"),
        ({"participants": [{"code": "A", "un_rate": "-1"}]}, "participants[0].un_rate"),
        (
            {"participants": [{"code": "A", "un_rate": "1"}, {"code": "A", "un_rate": "2"}]},
            "participants[1].code",
        ),
        (
            {
                "participants": [
                    {"code": "A", "fixed_share": "60"},
                    {"code": "B", "fixed_share": "41"},
                ]
            },
            "fixed_share",
        ),
        ({"participants": [{"code": "A", "fixed_share": "10"}]}, "participants"),
        ({"rounding_unit": "5"}, "rounding_unit"),
        ({"amount": "ten"}, "amount"),
    ],
)
def test_bad_input_gets_fields(
    client: tuple[TestClient, str], change: dict[str, object], field: str
) -> None:
    c, token = client
    body: dict[str, object] = {"amount": "1000", "participants": [{"code": "A", "un_rate": "1"}]}
    body.update(change)
    r = c.post(
        "/api/v1/assessments/preview", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "ValidationFailed"
    assert field in r.json()["fields"], r.json()


def test_cli_preview_csv_and_json(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    participants, _ = _cbd_participants()
    with source.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "un_rate", "ldc", "fixed_share"])
        for p in participants:
            w.writerow(
                [p.code, p.name, p.un_rate or "", "true" if p.ldc else "", p.fixed_share or ""]
            )
    env = {**os.environ, "ATTFIN_DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    base = [
        sys.executable,
        "-m",
        "api",
        "assess",
        "preview",
        "--input",
        str(source),
        "--amount",
        "15041954",
        "--currency",
        "USD",
        "--rounding-unit",
        "1",
        "--ceiling",
        "22",
        "--ldc-cap",
        "0.01",
    ]
    out_csv, out_json = tmp_path / "out.csv", tmp_path / "out.json"
    done = subprocess.run(
        [*base, "--format", "csv", "--out", str(out_csv)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert rows[-1]["code"] == "TOTAL" and rows[-1]["amount"] == "15041954"
    published = {
        r["party"]: Decimal(r["contribution_2026_usd"])
        for r in csv.DictReader(CBD.open(encoding="utf-8"))
    }
    for row in rows[:-1]:
        assert abs(Decimal(row["amount"]) - published[row["name"]]) <= 1
    done = subprocess.run(
        [*base, "--format", "json", "--out", str(out_json)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(out_json.read_text())["total"] == "15041954"
    source.write_text("code,un_rate\nA,1\nB,x\n")
    bad = subprocess.run(
        [*base, "--format", "csv", "--out", str(out_csv)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 1 and "row 3, un_rate" in bad.stderr
