"""The ledger exports for the auditors: the trial balance and the general ledger, checked
against the postings read directly, on a small ledger and on the full demo."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from sqlalchemy import BigInteger, case, cast, func, select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.errors import ValidationFailed
from finance_core.ledger.models import JournalEntry, LedgerAccount, LedgerPosting
from finance_core.ledger.service import PostingSpec, post_entry
from finance_core.payments import service as payments
from finance_core.payments.schemas import ReversalIn
from reports.document import Report, plain
from reports.i18n import Language
from reports.ledger_export import general_ledger, trial_balance
from reports.render.formats import ReportFormat, render
from reports.request import ReportRequest
from tests.conftest import needs_pango
from tests.fixtures_demo import DemoCopy
from tests.fixtures_finance import pay

FROM_ON, AS_AT = date(2024, 3, 1), date(2024, 4, 15)  # DEU pays on the first, ITA on the last
LATE_AMOUNT = 12_345
LATE_DESCRIPTION = "=1+2 office supplies"


class Scenario:
    """The small ledger: what was recorded by ``cut``, then one late entry ``late``."""

    def __init__(self, session: Session, cut: datetime, late: JournalEntry) -> None:
        self.session, self.cut, self.late = session, cut, late

    def request(
        self, known_at: datetime | None = None, from_on: date | None = FROM_ON
    ) -> ReportRequest:
        return ReportRequest(
            as_at=AS_AT, known_at=known_at or self.cut, year=AS_AT.year, from_on=from_on
        )


@pytest.fixture
def scenario(assessed: Session, officer: Actor) -> Scenario:
    """SEC and CSP 2024 assessed on 10 January 2024; FRA pays in January (before the
    period); DEU pays on 1 March and the bank returns it on 10 March; ITA pays more than
    it owes on 15 April; FRA pays again in August (after the period). Then, recorded
    later, an expenditure dated in the period whose description looks like a formula."""
    pay(assessed, officer, state_code="FRA", value_on=date(2024, 1, 20), amount="1000.00")
    returned = pay(assessed, officer, state_code="DEU", value_on=date(2024, 3, 1), amount="5000.00")
    payments.reverse_receipt(
        assessed,
        actor=officer,
        receipt_id=returned,
        data=ReversalIn(value_on=date(2024, 3, 10), reason="Returned by the bank"),
    )
    assessed.commit()
    pay(assessed, officer, state_code="ITA", value_on=date(2024, 4, 15), amount="60000.00")
    pay(assessed, officer, state_code="FRA", value_on=date(2024, 8, 1), amount="500.00")
    cut = assessed.execute(select(func.max(col(JournalEntry.recorded_at)))).scalar_one()
    late = post_entry(
        assessed,
        actor=officer,
        value_on=date(2024, 4, 1),
        entry_type="expenditure",
        description=LATE_DESCRIPTION,
        source_ref="+INV-7",
        postings=[
            PostingSpec("SEC.expenditure", LATE_AMOUNT),
            PostingSpec("SEC.bank", -LATE_AMOUNT),
        ],
    )
    assessed.commit()
    assert late.recorded_at > cut
    return Scenario(assessed, cut, late)


def _postings(session: Session) -> list[tuple[LedgerPosting, str, str]]:
    """Every posting with its account's code and type, read directly."""
    rows = session.execute(
        select(LedgerPosting, col(LedgerAccount.code), col(LedgerAccount.account_type)).join(
            LedgerAccount, col(LedgerAccount.id) == col(LedgerPosting.account_id)
        )
    ).all()
    return [(p, str(code), str(kind)) for p, code, kind in rows]


def _known(postings: list[tuple[LedgerPosting, str, str]], known_at: datetime) -> list[Any]:
    return [(p, code, kind) for p, code, kind in postings if p.recorded_at <= known_at]


# --- the trial balance ------------------------------------------------------------------


def test_trial_balance_balances_and_matches_the_postings(scenario: Scenario) -> None:
    session = scenario.session
    report = trial_balance(session, scenario.request())
    frame = report.table("accounts").frame
    postings = _known(_postings(session), scenario.cut)

    accounts = session.execute(select(func.count()).select_from(LedgerAccount)).scalar_one()
    assert len(frame) == accounts  # every account, zeros included
    assert frame["closing"].sum() == 0 and frame["opening"].sum() == 0
    assert frame["debits"].sum() == frame["credits"].sum() > 0
    for fund, part in frame.groupby("fund"):
        assert part["opening"].sum() == 0, fund
        assert part["closing"].sum() == 0, fund
        assert part["debits"].sum() == part["credits"].sum(), fund
    assert (frame["opening"] + frame["debits"] - frame["credits"] == frame["closing"]).all()

    expected: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for p, code, _ in postings:
        if p.value_on > AS_AT:
            continue
        figures = expected[code]
        figures["closing"] += p.amount_minor
        if p.value_on < FROM_ON:
            figures["opening"] += p.amount_minor
        elif p.amount_minor > 0:
            figures["debits"] += p.amount_minor
        else:
            figures["credits"] -= p.amount_minor
    for row in frame.itertuples():
        figures = expected.get(str(row.account_code), {})
        for key in ("opening", "debits", "credits", "closing"):
            assert getattr(row, key) == figures.get(key, 0), (row.account_code, key)
    by_code = frame.set_index("account_code")
    assert int(by_code.loc["SEC.receivable", "opening"]) > 0  # assessed, FRA paid a part
    assert int(by_code.loc["SEC.bank", "debits"]) > int(by_code.loc["SEC.bank", "credits"]) > 0
    assert int(by_code.loc["SEC.state_credit", "closing"]) < 0  # ITA's overpayment
    assert by_code.loc["SEC.bank", "account_type"] == "bank"

    facts = {f.key: f.value for f in report.facts}
    in_period = [p for p, _, _ in postings if FROM_ON <= p.value_on <= AS_AT]
    assert facts["debits"] == sum(p.amount_minor for p in in_period if p.amount_minor > 0)
    assert facts["credits"] == -sum(p.amount_minor for p in in_period if p.amount_minor < 0)
    assert facts["entries"] == len({p.entry_seq for p in in_period}) == 3  # DEU, its reversal, ITA
    head = session.get(JournalEntry, scenario.late.seq - 1)
    assert head is not None
    assert (facts["chain_head_seq"], facts["chain_head_hash"]) == (head.seq, head.entry_hash)
    assert (facts["from_on"], facts["as_at"]) == (FROM_ON, AS_AT)
    assert report.name == "trial-balance"
    assert report.parameters == {"from_on": "2024-03-01", "as_at": "2024-04-15"}


def test_the_period_starts_on_1_january_by_default(scenario: Scenario) -> None:
    request = scenario.request(from_on=None)
    report = trial_balance(scenario.session, request)
    assert report.parameters["from_on"] == "2024-01-01"
    frame = report.table("accounts").frame
    # Nothing was dated before 2024: every balance opens at zero.
    assert (frame["opening"] == 0).all() and frame["debits"].sum() > 0
    ledger = general_ledger(scenario.session, request)
    assert ledger.parameters == report.parameters
    assert ledger.table("postings").frame["value_on"].min() == date(2024, 1, 10)


def test_a_period_that_ends_before_it_starts_is_refused(scenario: Scenario) -> None:
    request = ReportRequest(
        as_at=date(2024, 1, 31), known_at=scenario.cut, year=2024, from_on=date(2024, 2, 1)
    )
    for build in (trial_balance, general_ledger):
        with pytest.raises(ValidationFailed) as raised:
            build(scenario.session, request)
        assert set(raised.value.fields) == {"from_on"}


# --- the general ledger -----------------------------------------------------------------


def test_general_ledger_holds_exactly_the_postings_of_the_period(scenario: Scenario) -> None:
    session = scenario.session
    report = general_ledger(session, scenario.request())
    frame = report.table("postings").frame
    postings = [
        (p, code)
        for p, code, _ in _known(_postings(session), scenario.cut)
        if FROM_ON <= p.value_on <= AS_AT
    ]
    assert len(frame) == len(postings) > 0
    lines = list(zip(frame["seq"], frame["line_no"], strict=True))
    assert lines == sorted((p.entry_seq, p.line_no) for p, _ in postings)  # in order
    direct = {(p.entry_seq, p.line_no): (p, code) for p, code in postings}
    for row in frame.itertuples():
        p, code = direct[(row.seq, row.line_no)]
        assert row.account_code == code and row.fund == p.fund_code
        assert (row.debit, row.credit) == (max(p.amount_minor, 0), max(-p.amount_minor, 0))
        assert row.value_on == p.value_on
        assert plain(row.state_code) == p.state_code
    assert frame["debit"].sum() == sum(p.amount_minor for p, _ in postings if p.amount_minor > 0)
    assert frame["credit"].sum() == frame["debit"].sum()

    entries = {
        e.seq: e
        for e in session.execute(select(JournalEntry)).scalars()
        if e.seq in set(frame["seq"])
    }
    for row in frame.drop_duplicates("seq").itertuples():
        entry = entries[row.seq]
        assert row.entry_hash == entry.entry_hash and row.prev_hash == entry.prev_hash
        assert row.recorded_at == entry.recorded_at.astimezone(UTC).strftime(
            "%Y-%m-%dT%H:%M:%S.%fZ"
        )
        assert row.entry_type == entry.entry_type and row.description == entry.description
        assert row.source_ref == entry.source_ref
    reversal = frame[frame["entry_type"] == "reversal"]
    assert len(reversal) > 0
    assert reversal["reverses_seq"].notna().all()
    assert set(reversal["reverses_seq"]) < set(frame["seq"])  # the DEU receipt, in the period
    assert frame[frame["entry_type"] != "reversal"]["reverses_seq"].isna().all()

    facts = {f.key: f.value for f in report.facts}
    assert facts["postings"] == len(postings)
    assert facts["entries"] == 3
    assert facts["debits"] == facts["credits"] == frame["debit"].sum()
    for _, sums in report.table("postings").totals():
        assert sums["debit"] == sums["credit"]


def test_known_at_leaves_out_a_later_entry(scenario: Scenario) -> None:
    session, late = scenario.session, scenario.late
    now = datetime.now(UTC)
    before = general_ledger(session, scenario.request(scenario.cut))
    after = general_ledger(session, scenario.request(now))
    assert late.seq not in set(before.table("postings").frame["seq"])
    added = after.table("postings").frame
    added = added[added["seq"] == late.seq]
    assert list(added["debit"]) == [LATE_AMOUNT, 0] and list(added["credit"]) == [0, LATE_AMOUNT]
    assert len(after.table("postings").frame) == len(before.table("postings").frame) + 2
    facts = {f.key: f.value for f in after.facts}
    assert (facts["chain_head_seq"], facts["chain_head_hash"]) == (late.seq, late.entry_hash)
    assert facts["entries"] == 4

    old = trial_balance(session, scenario.request(scenario.cut)).table("accounts").frame
    new = trial_balance(session, scenario.request(now)).table("accounts").frame
    change = (
        new.set_index("account_code")[["debits", "credits", "closing"]]
        - old.set_index("account_code")[["debits", "credits", "closing"]]
    )
    moved = change[(change != 0).any(axis=1)]
    assert moved.to_dict("index") == {
        "SEC.bank": {"debits": 0, "credits": LATE_AMOUNT, "closing": -LATE_AMOUNT},
        "SEC.expenditure": {"debits": LATE_AMOUNT, "credits": 0, "closing": LATE_AMOUNT},
    }


def test_formula_looking_text_is_escaped_in_csv_and_xlsx(scenario: Scenario) -> None:
    report = general_ledger(scenario.session, scenario.request(datetime.now(UTC)))
    rows = list(csv.DictReader(io.StringIO(render(report, ReportFormat.CSV, Language.EN).decode())))
    late = [r for r in rows if r["seq"] == str(scenario.late.seq)]
    assert [r["description"] for r in late] == ["'" + LATE_DESCRIPTION] * 2
    assert {r["source_ref"] for r in late} == {"'+INV-7"}
    book = openpyxl.load_workbook(
        io.BytesIO(render(report, ReportFormat.XLSX, Language.FR)), read_only=True
    )
    sheet = book.worksheets[1]
    texts = {c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert "'" + LATE_DESCRIPTION in texts and LATE_DESCRIPTION not in texts
    book.close()
    data = json.loads(render(report, ReportFormat.JSON, Language.EN))
    described = {r["description"] for r in data["tables"]["postings"]["rows"]}
    assert LATE_DESCRIPTION in described  # json keeps the text as it is


def test_small_trial_balance_renders_in_every_language(scenario: Scenario) -> None:
    report = trial_balance(scenario.session, scenario.request())
    titles = {
        Language.EN: "Trial balance, 2024-03-01 to 2024-04-15",
        Language.FR: "Balance de vérification, du 2024-03-01 au 2024-04-15",
        Language.ES: "Balance de comprobación, del 2024-03-01 al 2024-04-15",
    }
    for language, title in titles.items():
        page = render(report, ReportFormat.HTML, language).decode()
        assert title in page
    assert "Contributions à recevoir" in render(report, ReportFormat.HTML, Language.FR).decode()
    ledger = general_ledger(scenario.session, scenario.request())
    assert "Libro mayor, del 2024-03-01 al 2024-04-15" in (
        render(ledger, ReportFormat.HTML, Language.ES).decode()
    )


# --- the full demo ----------------------------------------------------------------------

DEMO_FROM, DEMO_TO = date(2026, 1, 1), date(2026, 9, 30)
DEMO_KNOWN = datetime(2026, 12, 31, tzinfo=UTC)


def _demo_request() -> ReportRequest:
    return ReportRequest(as_at=DEMO_TO, known_at=DEMO_KNOWN, year=2026, from_on=DEMO_FROM)


def _cents(value: Any) -> int:
    return int((Decimal(str(value)) * 100).to_integral_value())


def _total_lines(report: Report, language: Language, by: int) -> dict[Any, list[Any]]:
    """The xlsx total lines of the report's table: group (None: the grand total) → row of
    cached values."""
    book = openpyxl.load_workbook(
        io.BytesIO(render(report, ReportFormat.XLSX, language)), read_only=True, data_only=True
    )
    word = "Total"
    lines: dict[Any, list[Any]] = {}
    data_rows = 0
    for row in book.worksheets[1].iter_rows(min_row=6, values_only=True):
        if word in row:
            lines[row[by]] = list(row)
        elif any(v is not None for v in row) and not lines:
            data_rows += 1
    book.close()
    lines["rows"] = [data_rows]
    return lines


def test_demo_trial_balance_in_every_format(demo_copy: DemoCopy) -> None:
    session = demo_copy.session
    report = trial_balance(session, _demo_request())
    frame = report.table("accounts").frame
    p = LedgerPosting
    amount = col(p.amount_minor)
    in_period = col(p.value_on) >= DEMO_FROM
    closing = dict(
        session.execute(
            select(col(LedgerAccount.code), cast(func.sum(amount), BigInteger))
            .join(LedgerAccount, col(LedgerAccount.id) == col(p.account_id))
            .where(col(p.value_on) <= DEMO_TO, col(p.recorded_at) <= DEMO_KNOWN)
            .group_by(col(LedgerAccount.code))
        ).all()
    )
    assert dict(zip(frame["account_code"], frame["closing"], strict=True)) == {
        code: closing.get(code, 0) for code in frame["account_code"]
    }
    debits, credits = session.execute(
        select(
            cast(func.sum(case((amount > 0, amount), else_=0)), BigInteger),
            cast(func.sum(case((amount < 0, -amount), else_=0)), BigInteger),
        ).where(in_period, col(p.value_on) <= DEMO_TO, col(p.recorded_at) <= DEMO_KNOWN)
    ).one()
    assert frame["debits"].sum() == debits == credits == frame["credits"].sum() > 0
    assert frame["closing"].sum() == 0

    lines = _total_lines(report, Language.EN, by=0)
    assert lines.pop("rows") == [len(frame)]
    funds = frame.groupby("fund")[["opening", "debits", "credits", "closing"]].sum()
    assert set(lines) == {*funds.index, None}
    for fund, row in lines.items():
        sums = funds.sum() if fund is None else funds.loc[fund]
        assert [_cents(v) for v in row[4:8]] == [int(sums[k]) for k in funds.columns], fund

    parsed = list(
        csv.DictReader(io.StringIO(render(report, ReportFormat.CSV, Language.EN).decode()))
    )
    accounts = [r for r in parsed if r["account_code"] != "total"]
    assert len(accounts) == len(frame)
    assert sum(_cents(r["closing"]) for r in accounts) == 0
    assert sum(_cents(r["debits"]) for r in accounts) == debits

    data = json.loads(render(report, ReportFormat.JSON, Language.EN))
    assert data["report"] == "trial-balance" and data["demo"] is True
    assert _cents(data["facts"]["debits"]) == debits
    assert len(data["tables"]["accounts"]["rows"]) == len(frame)

    page = render(report, ReportFormat.HTML, Language.FR).decode()
    assert "Balance de vérification, du 2026-01-01 au 2026-09-30" in page
    needs_pango()
    assert render(report, ReportFormat.PDF, Language.ES).startswith(b"%PDF")


def test_demo_general_ledger_in_every_format_but_pdf(demo_copy: DemoCopy) -> None:
    session = demo_copy.session
    report = general_ledger(session, _demo_request())
    frame = report.table("postings").frame
    p = LedgerPosting
    amount = col(p.amount_minor)
    count, debits, credits = session.execute(
        select(
            func.count(),
            cast(func.sum(case((amount > 0, amount), else_=0)), BigInteger),
            cast(func.sum(case((amount < 0, -amount), else_=0)), BigInteger),
        ).where(
            col(p.value_on) >= DEMO_FROM,
            col(p.value_on) <= DEMO_TO,
            col(p.recorded_at) <= DEMO_KNOWN,
        )
    ).one()
    assert len(frame) == count > 1000
    assert frame["debit"].sum() == debits == credits == frame["credit"].sum()
    hashes = dict(
        session.execute(
            select(col(JournalEntry.seq), col(JournalEntry.entry_hash)).where(
                col(JournalEntry.seq).in_(frame["seq"].unique().tolist())
            )
        ).all()
    )
    assert dict(zip(frame["seq"], frame["entry_hash"], strict=True)) == hashes

    keys = [c.key for c in report.table("postings").columns]
    fund_at, money = keys.index("fund"), slice(keys.index("debit"), keys.index("credit") + 1)
    lines = _total_lines(report, Language.EN, by=fund_at)
    assert lines.pop("rows") == [count]
    assert [_cents(v) for v in lines.pop(None)[money]] == [debits, credits]
    funds = frame.groupby("fund")[["debit", "credit"]].sum()
    assert set(lines) == set(funds.index)
    for fund, row in lines.items():
        assert [_cents(v) for v in row[money]] == list(funds.loc[fund]), fund

    parsed = list(
        csv.DictReader(io.StringIO(render(report, ReportFormat.CSV, Language.EN).decode()))
    )
    postings = [r for r in parsed if r["seq"] != "total"]
    assert len(postings) == count
    assert sum(_cents(r["credit"]) for r in postings) == credits

    data = json.loads(render(report, ReportFormat.JSON, Language.EN))
    rows = data["tables"]["postings"]["rows"]
    assert len(rows) == count and data["facts"]["postings"] == count
    assert {r["entry_hash"] for r in rows} == set(hashes.values())

    page = render(report, ReportFormat.HTML, Language.EN).decode()
    assert "General ledger, 2026-01-01 to 2026-09-30" in page
