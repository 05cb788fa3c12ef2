"""Assessment notices render in English, French and Spanish, as HTML, PDF and xlsx."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.assessments import service
from finance_core.errors import NotFound
from reports import notices
from reports.i18n import Language
from tests.conftest import Database, needs_pango
from tests.fixtures_finance import budget_of

TITLES = {
    Language.EN: "Notice of assessed contribution",
    Language.FR: "Avis de contribution mise en recouvrement",
    Language.ES: "Aviso de cuota prorrateada",
}
AMOUNTS = {
    Language.EN: "$20,000.00",
    Language.FR: "20\u202f000,00\xa0$US",
    Language.ES: "20.000,00\xa0US$",
}


@pytest.fixture
def run_id(world: Session, officer: Actor) -> int:
    budget_id = budget_of(world, officer, "SEC", "100000")
    run = service.assess(world, actor=officer, budget_id=budget_id, run_on=date(2024, 1, 10))
    world.commit()
    assert run.id is not None
    return run.id


@pytest.mark.parametrize("language", list(Language))
def test_notice_in_each_language(world: Session, run_id: int, language: Language) -> None:
    needs_pango()
    notice = notices.notice_for(world, run_id=run_id, state_code="FRA")
    assert (notice.amount_minor, notice.delta_minor) == (2_000_000, 2_000_000)
    html = notices.render_html(notice, language)
    assert f'<html lang="{language.value}">' in html
    assert TITLES[language] in html
    assert AMOUNTS[language] in html
    pdf = notices.render_pdf(notice, language)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 2000
    book = openpyxl.load_workbook(io.BytesIO(notices.render_xlsx(notice, language)))
    cells = {str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None}
    assert TITLES[language] in cells
    assert 20000 in {c.value for row in book.active.iter_rows() for c in row}


def test_notice_of_an_unassessed_state(world: Session, run_id: int) -> None:
    with pytest.raises(NotFound):
        notices.notice_for(world, run_id=run_id, state_code="USA")


def test_cli_writes_a_notice(db: Database, world: Session, run_id: int, tmp_path: Path) -> None:
    needs_pango()
    out = tmp_path / "notice.pdf"
    env = {**os.environ, "ATTFIN_DATABASE_URL": db.url}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "api",
            "assess",
            "notice",
            "--run",
            str(run_id),
            "--state",
            "DEU",
            "--lang",
            "es",
            "--format",
            "pdf",
            "--out",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF-")
