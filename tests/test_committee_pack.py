"""The Management Committee pack: its figures checked against the ledger (direct SQL over
the postings) and against the services it is read from, on the arrears worked example
(``tests/fixtures_arrears.py``) and on the demo data set; rendered in every format."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import BigInteger, cast, func, select
from sqlmodel import Session, col

from finance_core.arrears import plans as plan_service
from finance_core.arrears.models import PaymentPlan
from finance_core.arrears.rule8 import rule8
from finance_core.arrears.rules import measures_of
from finance_core.expenditures.service import execution
from finance_core.forecast.service import forecast
from finance_core.ledger.models import AccountType, LedgerAccount, LedgerPosting
from finance_core.money import format_minor
from finance_core.reserve.models import RESERVE_FUND
from reports.committee_pack import committee_pack
from reports.document import ColumnKind, Report, Table, plain
from reports.i18n import Language, label
from reports.render.formats import ReportFormat, render
from reports.render.xlsx import HEADER_ROW, sheet_names
from reports.request import ReportRequest
from tests.conftest import needs_pango
from tests.fixtures_arrears import CSP11, CSP12
from tests.fixtures_demo import DemoCopy

K = 100  # cents per dollar
DEMO_AS_AT = date(2026, 9, 30)
DEMO_KNOWN_AT = datetime(2026, 12, 31, tzinfo=UTC)


def now() -> datetime:
    return datetime.now(UTC)


def request_for(as_at: date, known_at: datetime) -> ReportRequest:
    return ReportRequest(as_at=as_at, known_at=known_at, year=as_at.year)


def receivables(
    session: Session, as_at: date, known_at: datetime
) -> dict[tuple[str, str, int], int]:
    """The receivable balances per State, fund and assessment year, straight from the
    postings (non-zero ones)."""
    p, a = LedgerPosting, LedgerAccount
    total = cast(func.coalesce(func.sum(col(p.amount_minor)), 0), BigInteger)
    rows = session.execute(
        select(col(p.state_code), col(p.fund_code), col(p.assessment_year), total)
        .join(a, col(a.id) == col(p.account_id))
        .where(
            col(a.account_type) == AccountType.RECEIVABLE.value,
            col(p.value_on) <= as_at,
            col(p.recorded_at) <= known_at,
        )
        .group_by(col(p.state_code), col(p.fund_code), col(p.assessment_year))
    ).all()
    return {(str(s), str(f), int(y or 0)): int(t) for s, f, y, t in rows if t}


def records(table: Table) -> list[dict[str, Any]]:
    """The table's rows as dicts of plain values (NA as None), every frame column."""
    return [
        {k: plain(v) for k, v in zip(table.frame.columns, row, strict=True)}
        for row in table.frame.itertuples(index=False, name=None)
    ]


def label_keys(report: Report) -> set[str]:
    """Every label key the report uses, LABEL-column values included."""
    keys = {report.title, *((report.subtitle,) if report.subtitle else ())}
    keys |= {f.label for f in report.facts}
    for table in report.tables:
        keys.add(table.title)
        keys |= {table.note} if table.note else set()
        keys |= {table.chart.title} if table.chart else set()
        for column in table.columns:
            keys.add(column.label)
            if column.kind == ColumnKind.LABEL:
                values = table.frame[column.key].dropna().unique()
                keys |= {f"{column.labels}{v}" for v in values}
    return keys


def test_arrears_add_up_to_the_receivable_balances(example: Session) -> None:
    known = now()
    report = committee_pack(example, request_for(CSP12, known))
    ledger = receivables(example, CSP12, known)
    rows = {
        (r["state_code"], r["fund"], r["year"]): r["outstanding"]
        for r in records(report.table("arrears"))
    }
    assert rows == ledger
    # B owes 90,000 (125,000 assessed, 35,000 paid), C 100,000 (125,000, 25,000 paid).
    assert sum(ledger.values()) == 190_000 * K
    assert report.table("arrears").totals() == [(None, {"outstanding": 190_000 * K})]
    facts = {f.key: f.value for f in report.facts}
    assert facts["outstanding"] == 190_000 * K
    # Arrears: B 65,000 and C 75,000 for the years before 2026.
    assert facts["arrears"] == 140_000 * K
    assert facts["states_in_arrears"] == 2


def test_aging_buckets_add_up_to_the_outstanding_total(example: Session) -> None:
    report = committee_pack(example, request_for(CSP12, now()))
    arrears = records(report.table("arrears"))
    aging = records(report.table("aging"))
    assert [r["bucket"] for r in aging] == [
        "not_due",
        "current",
        "1_year",
        "2_years",
        "3_years_plus",
    ]
    per_bucket: dict[str, int] = defaultdict(int)
    per_state: dict[tuple[str, str], int] = defaultdict(int)
    for r in arrears:
        per_bucket[r["bucket"]] += r["outstanding"]
        per_state[(r["bucket"], r["state_code"])] += r["outstanding"]
    assert sum(r["outstanding"] for r in aging) == sum(per_bucket.values()) == 190_000 * K
    for r in aging:
        assert r["outstanding"] == per_bucket[r["bucket"]]
        assert r["states"] == sum(
            1 for (b, _s), v in per_state.items() if b == r["bucket"] and v > 0
        )
    current = next(r for r in aging if r["bucket"] == "current")
    assert (current["outstanding"], current["states"]) == (50_000 * K, 2)


def test_rule8_rows_match_the_rule8_list(example: Session) -> None:
    known = now()
    report = committee_pack(example, request_for(CSP12, known))
    table = report.table("rule8")
    expected = rule8(example, as_at=CSP12, known_at=known)
    measures = measures_of(expected.rule)
    assert measures and [c.key for c in table.columns if c.key.startswith("measure_")] == [
        f"measure_{m}" for m in measures
    ]
    got = [
        (
            r["state_code"],
            r["arrears"],
            r["threshold"],
            r["subject"],
            r["exempt"],
            r["plan_id"],
            r["standing"],
            r["reason"],
            {r[f"measure_{m}"] for m in measures},
        )
        for r in records(table)
    ]
    assert got == [
        (
            r.state,
            r.position.arrears,
            r.trigger.threshold,
            "true" if r.subject else "false",
            "true" if r.exempt else "false",
            r.plan.id if r.plan else None,
            r.standing.standing.value if r.standing else None,
            r.reason,
            {"true" if r.subject else "false"},
        )
        for r in expected.rows
    ]
    listed = {r["state_code"]: r for r in records(table)}
    # At CSP12 both B and C are subject: C's plan lapsed on 1 February 2026.
    assert set(listed) == {"BBB", "CCC"}
    assert listed["CCC"]["standing"] == "lapsed" and listed["CCC"]["subject"] == "true"
    assert listed["BBB"]["years_in_arrears"] == 3  # 2023 (15,000 left), 2024, 2025
    assert listed["CCC"]["years_in_arrears"] == 3
    facts = {f.key: f.value for f in report.facts}
    assert (facts["subject"], facts["exempt"]) == (2, 0)
    # At CSP11 C's plan was on track and exempted it; B was below the trigger.
    earlier = committee_pack(example, request_for(CSP11, known))
    listed = {r["state_code"]: r for r in records(earlier.table("rule8"))}
    c, b = listed["CCC"], listed["BBB"]
    assert (c["subject"], c["exempt"], c["plan_id"], c["standing"]) == (
        "false",
        "true",
        1,
        "on_track",
    )
    assert {c[f"measure_{m}"] for m in measures} == {"false"}
    assert (b["subject"], b["exempt"], b["arrears"], b["threshold"]) == (
        "false",
        "false",
        40_000 * K,
        50_000 * K,
    )
    facts = {f.key: f.value for f in earlier.facts}
    assert (facts["subject"], facts["exempt"]) == (0, 1)


def test_plans_show_compliance_and_the_decision_as_known(example: Session) -> None:
    known = now()
    report = committee_pack(example, request_for(CSP12, known))
    plans = report.table("plans").frame
    assert list(plans["plan_id"]) == [1]
    row = plans.iloc[0]
    plan = example.get(PaymentPlan, 1)
    assert plan is not None and plan.decision_recorded_at is not None
    standing = plan_service.compliance_of(example, plan, as_at=CSP12, known_at=known)
    assert standing is not None
    assert (row["decision"], row["decided_on"]) == ("approved", date(2025, 6, 20))
    assert int(row["plan_total"]) == 100_000 * K
    assert int(row["scheduled"]) == standing.required == 75_000 * K
    assert int(row["paid"]) == standing.received == 25_000 * K
    assert int(row["behind"]) == standing.shortfall == 50_000 * K
    assert row["standing"] == "lapsed"
    # As known just before the decision was recorded, the plan awaits a decision.
    before = committee_pack(
        example, request_for(CSP12, plan.decision_recorded_at - timedelta(microseconds=1))
    )
    row = before.table("plans").frame.iloc[0]
    assert row["decision"] == "submitted" and pd.isna(row["decided_on"])
    assert pd.isna(row["standing"]) and pd.isna(row["paid"])
    # Before the application was received, there is no plan.
    early = committee_pack(example, request_for(date(2025, 5, 31), known))
    assert early.table("plans").frame.empty


def test_every_label_exists_in_every_language(example: Session) -> None:
    report = committee_pack(example, request_for(CSP12, now()))
    keys = label_keys(report)
    assert "pack.standing.lapsed" in keys and "bucket.3_years_plus" in keys
    for key in sorted(keys):
        texts = [label(key, language) for language in Language]
        assert all(texts), key


def test_a_pack_known_before_anything_was_recorded_renders_empty(example: Session) -> None:
    report = committee_pack(example, request_for(CSP12, datetime(2000, 1, 1, tzinfo=UTC)))
    assert report.table("arrears").frame.empty and report.table("rule8").frame.empty
    budget = report.table("budget").frame  # the budget exists; no version was known
    assert not budget[["original", "revised", "actual"]].to_numpy().any()
    assert int(report.table("aging").frame["outstanding"].sum()) == 0
    data = json.loads(render(report, ReportFormat.JSON, Language.EN))
    assert data["tables"]["arrears"]["rows"] == []
    assert data["tables"]["arrears"]["totals"] == [{"outstanding": "0.00"}]
    book = openpyxl.load_workbook(io.BytesIO(render(report, ReportFormat.XLSX, Language.FR)))
    assert book.sheetnames == sheet_names(report, Language.FR)
    assert "<table" in render(report, ReportFormat.HTML, Language.ES).decode()


# --- the demo ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_pack(demo_copy: DemoCopy) -> Report:
    return committee_pack(demo_copy.session, request_for(DEMO_AS_AT, DEMO_KNOWN_AT))


def _total_cell(sheet: object, rows: int, column: int) -> object:
    """The cell of the single total line below ``rows`` data rows (1-based, openpyxl)."""
    return sheet.cell(row=HEADER_ROW + 1 + rows + 1, column=column + 1)  # type: ignore[attr-defined]


def test_demo_pack_figures(demo_copy: DemoCopy, demo_pack: Report) -> None:
    session = demo_copy.session
    report = demo_pack
    assert report.demo and report.parameters["as_at"] == "2026-09-30"
    ledger = receivables(session, DEMO_AS_AT, DEMO_KNOWN_AT)
    arrears = report.table("arrears").frame
    assert int(arrears["outstanding"].sum()) == sum(ledger.values()) > 0
    assert len(arrears) == len(ledger)
    assert int(report.table("aging").frame["outstanding"].sum()) == sum(ledger.values())
    facts = {f.key: f.value for f in report.facts}
    # The reserve's balance is the credit balance of WCF.reserve.
    p, a = LedgerPosting, LedgerAccount
    reserve = session.execute(
        select(cast(func.coalesce(func.sum(col(p.amount_minor)), 0), BigInteger))
        .join(a, col(a.id) == col(p.account_id))
        .where(
            col(a.fund_code) == RESERVE_FUND,
            col(a.account_type) == AccountType.RESERVE.value,
            col(p.value_on) <= DEMO_AS_AT,
            col(p.recorded_at) <= DEMO_KNOWN_AT,
        )
    ).scalar_one()
    assert facts["reserve_balance"] == -int(reserve) > 0
    items = {r["item"]: r["amount"] for r in records(report.table("reserve"))}
    assert items["balance"] == -int(reserve)
    # The forecast: twelve months, the closing cash of each the next month's opening.
    cash = report.table("forecast").frame
    assert len(cash) == 12
    assert list(cash["opening"][1:]) == list(cash["closing_after_draw"][:-1])
    assert facts["lowest_cash"] == int(cash["closing_before_draw"].min())
    expected = forecast(session, as_at=DEMO_AS_AT, known_at=DEMO_KNOWN_AT, fund=None).baseline
    assert [int(x) for x in cash["receipts"]] == [m.receipts for m in expected.months]
    # Budget vs actual per fund, as the budget-execution service totals it.
    budget = report.table("budget").frame
    totals = execution(session, as_at=DEMO_AS_AT, known_at=DEMO_KNOWN_AT, year=2026).totals
    assert len(totals) == len(budget) > 0
    for row, t in zip(records(report.table("budget")), totals, strict=True):
        assert (row["fund"], row["year"]) == (t.fund, t.year)
        for key in ("original", "revised", "commitments", "actual", "available"):
            assert format_minor(row[key]) == getattr(t, key), key
        assert format_minor(row["execution_rate"], 2) == t.execution_rate


def test_demo_pack_renders_in_every_format(demo_copy: DemoCopy, demo_pack: Report) -> None:
    report = demo_pack
    arrears = report.table("arrears")
    total = int(arrears.frame["outstanding"].sum())
    column = [c.key for c in arrears.columns].index("outstanding")
    for language in Language:
        data = render(report, ReportFormat.XLSX, language)
        values = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
        formulas = openpyxl.load_workbook(io.BytesIO(data))
        names = sheet_names(report, language)
        assert values.sheetnames == names and len(names) == 1 + len(report.tables)
        sheet = names[1 + [t.key for t in report.tables].index("arrears")]
        cell = _total_cell(values[sheet], len(arrears.frame), column)
        assert round(cell.value * 100) == total  # type: ignore[attr-defined]
        formula = _total_cell(formulas[sheet], len(arrears.frame), column).value  # type: ignore[attr-defined]
        assert str(formula).startswith("=SUM(")
        page = render(report, ReportFormat.HTML, language).decode()
        assert label("pack.title", language).format(as_at="2026-09-30") in page
        assert all(f'id="{t.key}"' in page for t in report.tables)
    data = json.loads(render(report, ReportFormat.JSON, Language.EN))
    assert data["report"] == "committee-pack"
    assert set(data["tables"]) == {t.key for t in report.tables}
    assert data["tables"]["arrears"]["totals"] == [{"outstanding": format_minor(total)}]
    for table in report.tables:
        text = render(report, ReportFormat.CSV, Language.EN, table=table.key).decode()
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == [c.key for c in table.columns]
        assert len(rows) == 1 + len(table.frame) + len(table.totals())
    if demo_copy.dialect == "sqlite":  # the same pages on PostgreSQL: one PDF is enough
        needs_pango()
        pdf = render(report, ReportFormat.PDF, Language.FR)
        assert pdf.startswith(b"%PDF")
