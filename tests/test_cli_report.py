"""``attfin report`` on the arrears worked example: a report to a file in any format and
language, one-line reasons for what is wrong, and a proposal for publication that a
second officer approves."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
from sqlmodel import Session

from finance_core.access.service import create_user
from finance_core.actor import Actor
from finance_core.publication import service as publication
from tests.cli_helpers import attfin
from tests.conftest import Database


def test_a_report_to_a_file_and_a_proposal(
    db: Database, example: Session, officer: Actor, tmp_path: Path
) -> None:
    for name in ("ana", "ben"):
        create_user(example, actor=officer, name=name, roles=["finance_officer"])
    example.commit()
    example.rollback()  # release SQLite for the commands

    book = tmp_path / "status.xlsx"
    args = ("report", "status-of-contributions", "--as-at", "2025-12-31")
    made = attfin(db, *args, "--format", "xlsx", "--lang", "fr", "--out", str(book))
    assert made.returncode == 0, made.stderr
    assert "building status-of-contributions" in made.stderr
    sheets = openpyxl.load_workbook(io.BytesIO(book.read_bytes()), read_only=True).sheetnames
    assert sheets[:2] == ["Synthèse", "Par fonds"]

    data = tmp_path / "status.json"
    assert attfin(db, *args, "--format", "json", "--out", str(data)).returncode == 0
    assert json.loads(data.read_text())["facts"]["paid"] == 1

    wrong = attfin(db, *args, "--format", "docx", "--out", str(data))
    assert wrong.returncode == 1 and wrong.stderr.strip() == (
        "error: --format: 'docx' is not one of xlsx, csv, json, html, pdf"
    )
    unknown = attfin(db, "report", "nope", "--as-at", "2025-12-31", "--out", str(data))
    assert unknown.returncode == 1 and "no report 'nope'" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1

    proposed = attfin(
        db, "report", "honour-roll", "--as-at", "2025-12-31", "--publish",
        "--reference", "ATT/MC/2026/7", "--by", "ana",
    )  # fmt: skip
    assert proposed.returncode == 0, proposed.stderr
    snapshot_id = int(proposed.stdout.split()[1])
    approved = attfin(db, "publications", "approve", str(snapshot_id), "--by", "ben")
    assert approved.returncode == 0, approved.stderr
    found = publication.snapshot_out(example, publication.get(example, snapshot_id))
    assert (found.kind, found.scope, found.author, found.approver) == (
        "report.honour_roll",
        "2025",
        "ana",
        "ben",
    )
