"""The status of contributions and the honour roll, told on the arrears worked example
(three States with UN rates 2, 1 and 1; a Secretariat budget of USD 100,000 assessed
each year 2022-2026 on 1 December of the year before; A pays 50,000 every 10 January,
B paid 25,000 in March 2022 and 10,000 in May 2024, C paid 25,000 on 28 June 2025)."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pandas as pd
from sqlalchemy import text
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.assessments.due import due_dates
from finance_core.db_types import utcnow
from reports.document import ColumnKind
from reports.honour_roll import honour_roll, paid_in_full
from reports.i18n import Language
from reports.render.formats import ReportFormat, render
from reports.request import ReportRequest
from reports.status import contributions, status_report
from tests.fixtures_arrears import receive

YEAR_END = date(2025, 12, 31)


def _request(known_at: datetime | None = None, as_at: date = YEAR_END) -> ReportRequest:
    return ReportRequest(as_at=as_at, known_at=known_at or utcnow(), year=2025)


def _receivable(session: Session, state: str, as_at: date, years: str) -> int:
    """What the ledger says ``state`` owes for the assessment years ``years`` (SQL)."""
    return int(
        session.execute(
            text(
                "SELECT COALESCE(SUM(p.amount_minor), 0) FROM ledger_posting p "
                "JOIN ledger_account a ON a.id = p.account_id "
                "WHERE a.account_type = 'receivable' AND p.state_code = :s "
                f"AND p.value_on <= :d AND p.assessment_year {years}"
            ),
            {"s": state, "d": as_at},
        ).scalar_one()
    )


def test_the_status_of_the_worked_example_at_the_end_of_2025(example: Session) -> None:
    frame = contributions(example, year=2025, as_at=YEAR_END).set_index("state_code")
    cents = 100
    assert list(frame.loc["AAA", ["prior", "assessed", "received", "outstanding"]]) == [
        0,
        50_000 * cents,
        50_000 * cents,
        0,
    ]
    assert frame.loc["AAA", "status"] == "paid"
    # B: 2023 still owes 15,000 after May 2024's 10,000 went to the oldest year; 2024 25,000
    assert list(frame.loc["BBB", ["prior", "assessed", "received", "outstanding"]]) == [
        40_000 * cents,
        25_000 * cents,
        0,
        65_000 * cents,
    ]
    assert frame.loc["BBB", "status"] == "unpaid"
    assert list(frame.loc["CCC", ["prior", "assessed", "received"]]) == [
        75_000 * cents,
        25_000 * cents,
        25_000 * cents,
    ]
    for state in ("AAA", "BBB", "CCC"):
        # outstanding is the receivable's ledger balance for 2025 and earlier: the 2026
        # assessment (recorded on 1 December 2025) is not part of it
        assert frame.loc[state, "outstanding"] == _receivable(example, state, YEAR_END, "<= 2025")
        assert frame.loc[state, "year_outstanding"] == _receivable(
            example, state, YEAR_END, "= 2025"
        )
    identity = (
        frame["prior"]
        + frame["assessed"]
        - frame["received"]
        - frame["credits"]
        + frame["adjustments"]
        - frame["outstanding"]
    )
    assert (identity == 0).all()


def test_the_report_totals_the_funds_and_the_collection_rate(example: Session) -> None:
    report = status_report(example, _request())
    funds = report.table("funds").frame.set_index("fund")
    year_outstanding = sum(
        _receivable(example, s, YEAR_END, "= 2025") for s in ("AAA", "BBB", "CCC")
    )
    assert funds.loc["SEC", "assessed"] == 100_000_00
    assert funds.loc["SEC", "collected"] == 100_000_00 - year_outstanding
    facts = {f.key: f.value for f in report.facts}
    assert facts["collection_rate"] == (100_000_00 - year_outstanding) * 10_000 // 100_000_00
    assert (facts["paid"], facts["unpaid"] + facts["partial"]) == (1, 2)
    detail = report.table("contributions")
    [(fund, sums)] = detail.totals()
    assert fund == "SEC" and sums["outstanding"] == _receivable(
        example, "AAA", YEAR_END, "<= 2025"
    ) + _receivable(example, "BBB", YEAR_END, "<= 2025") + _receivable(
        example, "CCC", YEAR_END, "<= 2025"
    )


def test_a_receipt_recorded_late_shows_only_from_when_it_was_known(
    example: Session, officer: Actor
) -> None:
    before = utcnow()
    receive(example, officer, "BBB", date(2025, 6, 1), "10000.00")
    example.commit()
    then = contributions(example, year=2025, as_at=YEAR_END, known_at=before)
    now = contributions(example, year=2025, as_at=YEAR_END)
    bbb = then.set_index("state_code").loc["BBB"], now.set_index("state_code").loc["BBB"]
    assert (bbb[0]["received"], bbb[1]["received"]) == (0, 10_000_00)
    assert bbb[1]["outstanding"] == bbb[0]["outstanding"] - 10_000_00
    # as at a date before the receipt's value date it does not count either
    early = contributions(example, year=2025, as_at=date(2025, 5, 31))
    assert early.set_index("state_code").loc["BBB", "received"] == 0


def test_the_honour_roll_lists_who_paid_the_year_in_full(example: Session) -> None:
    roll = paid_in_full(example, _request()).set_index("state_code")
    assert list(roll.index) == ["AAA"]
    assert roll.loc["AAA", "paid_on"] == date(2025, 1, 10)
    due = due_dates(example)[("SEC", 2025)]
    assert roll.loc["AAA", "due_on"] == due
    assert bool(roll.loc["AAA", "on_time"]) == (date(2025, 1, 10) <= due)
    # before A's January payment nobody had paid 2025
    assert paid_in_full(example, _request(as_at=date(2025, 1, 9))).empty


def test_paying_before_the_due_date_puts_a_state_on_the_roll_within_the_due_period(
    example: Session, officer: Actor
) -> None:
    due = due_dates(example)[("SEC", 2025)]
    receive(example, officer, "BBB", date(2024, 12, 20), "65000.00")  # 2023, 2024 and 2025
    example.commit()
    report = honour_roll(example, _request())
    on_time = report.table("on_time").frame.set_index("state_code")
    assert "BBB" in on_time.index and on_time.loc["BBB", "paid_on"] == date(2024, 12, 20)
    assert date(2024, 12, 20) <= due
    facts = {f.key: f.value for f in report.facts}
    assert facts["paid_in_full"] == 2 and facts["on_time"] == len(on_time)


def test_the_status_renders_in_every_format_and_language(example: Session) -> None:
    report = status_report(example, _request())
    detail = report.table("contributions")
    keys = [c.key for c in detail.columns]
    n = len(detail.frame)
    assert n == 3
    for language in Language:
        content = render(report, ReportFormat.XLSX, language)
        values = openpyxl.load_workbook(io.BytesIO(content), data_only=True).worksheets[2]
        formulas = openpyxl.load_workbook(io.BytesIO(content)).worksheets[2]
        rows = list(values.iter_rows(values_only=True))
        for key in ("prior", "assessed", "received", "outstanding"):
            c = keys.index(key)
            cells = [r[c] for r in rows[5 : 5 + n]]
            assert round(sum(cells) * 100) == int(detail.frame[key].sum())
            total = rows[5 + n][c]  # the SUMIF line of the only fund, with its value
            assert round(total * 100) == int(detail.frame[key].sum())
            assert str(formulas.cell(row=6 + n, column=c + 1).value).startswith("=SUMIF(")
        assert values.freeze_panes == "A6" and values.auto_filter.ref
        html = render(report, ReportFormat.HTML, language).decode()
        assert f'<html lang="{language.value}">' in html and "<svg" in html
    table = render(report, ReportFormat.CSV, Language.EN, table="contributions")
    csv = pd.read_csv(io.BytesIO(table), dtype={"state_code": str})
    assert list(csv.columns) == keys
    body = csv[csv["state_code"] != "total"]
    money = [c.key for c in detail.columns if c.kind == ColumnKind.MONEY]
    assert (body[money].sum() * 100).round().astype(int).tolist() == [
        int(detail.frame[k].sum()) for k in money
    ]
    assert render(report, ReportFormat.JSON, Language.EN) == render(
        report, ReportFormat.JSON, Language.FR
    )
