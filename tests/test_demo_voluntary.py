"""The demo's voluntary funds: about 27 donors pledging since 2016 in their own
currencies, receipts matched to pledges (one returned by the bank and paid again), VTF
projects every year from 2017, sponsored delegates at every CSP held in person; every
fund reconciles with the ledger, no fund or earmark ever pays out money it does not
hold, and nothing touches what the States owe. The demo is loaded once per database
(SQLite and PostgreSQL) for the module."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, col

from finance_core.arrears.rule8 import rule8
from finance_core.arrears.service import aging
from finance_core.db_types import utctoday
from finance_core.demo import dataset
from finance_core.demo.loader import DemoResult
from finance_core.funds.models import Fund, FundKind
from finance_core.ledger.models import AccountType, JournalEntry, LedgerAccount, LedgerPosting
from finance_core.voluntary import service, usage
from finance_core.voluntary.models import (
    Disbursement,
    DisbursementKind,
    Donor,
    DonorKind,
    Pledge,
    PledgeWithdrawal,
    Project,
    ProjectReport,
    ProjectStatus,
    ReceiptPledgeMatch,
    Sponsorship,
    VoluntaryReceipt,
    VoluntaryReceiptReversal,
    VoluntaryReceiptUsdConfirmation,
)
from reports.donor_statement import render_csv
from tests.fixtures_demo import DemoCopy

LIMIT = min(dataset.DEMO_DATE, utctoday())
VOLUNTARY_ACCOUNTS = {
    AccountType.BANK.value,
    AccountType.VOLUNTARY_REVENUE.value,
    AccountType.EXPENDITURE.value,
    AccountType.EXCHANGE_GAIN_LOSS.value,
}
T = TypeVar("T")
#: What each database loaded, compared across databases (dialect → figures).
FIGURES: dict[str, dict[str, object]] = {}


@dataclass(frozen=True)
class Loaded:
    session: Session
    result: DemoResult
    dialect: str


@pytest.fixture(scope="module")
def demo(demo_copy: DemoCopy) -> Loaded:
    """A fresh copy of the demo data set per database, for every test of this module
    (which only read it)."""
    return Loaded(demo_copy.session, demo_copy.result.finance, demo_copy.dialect)


def _all(session: Session, model: type[T]) -> list[T]:
    return list(session.execute(select(model)).scalars())


def test_about_27_donors_pledging_since_2016(demo: Loaded) -> None:
    s = demo.session
    donors = _all(s, Donor)
    kinds = Counter(d.kind for d in donors)
    assert kinds == {DonorKind.STATE: 25, DonorKind.ORGANISATION: 2}
    assert "Government of Flanders" in {d.name for d in donors}
    assert all((d.contact_email or "").endswith("@example.org") for d in donors)
    assert {d.language for d in donors} == {"en", "fr", "es"}
    assert demo.result.voluntary.donors == len(donors)
    pledges = _all(s, Pledge)
    assert len(pledges) == demo.result.voluntary.pledges >= 250
    assert {p.pledged_on.year for p in pledges} == set(range(2016, LIMIT.year + 1))
    assert min(p.pledged_on for p in pledges) >= date(2016, 1, 1)
    held = {f"CSP{c.number}" for c in dataset.CONFERENCES if c.start_on.year >= 2016}
    assert held <= {p.occasion for p in pledges}
    assert {"USD", "EUR", "CHF", "GBP", "JPY"} <= {p.currency for p in pledges}
    assert {p.fund_code for p in pledges} == {"VTF", "SPP", "PRJ_UNIV"}
    assert {"gender", "small arms", "Africa"} <= {p.earmark for p in pledges}
    # a State donor pledges while it is a State Party
    state_of = {d.id: d.state_code or "" for d in donors if d.kind == DonorKind.STATE}
    for p in pledges:
        if p.donor_id in state_of:
            status = dataset.statuses_on(p.pledged_on)[state_of[p.donor_id]]
            assert status == "state_party", (p.donor_id, p.pledged_on)


def test_pledges_mostly_fulfilled_a_few_partly_two_withdrawn_2026_open(demo: Loaded) -> None:
    lines = service.pledge_lines(demo.session, as_at=LIMIT)
    status = Counter(x.status for x in lines)
    assert status["fulfilled"] > 0.8 * len(lines)
    assert status["withdrawn"] == demo.result.voluntary.withdrawn == 2
    assert 2 <= status["partly_received"] <= 8
    assert {x.status for x in lines if x.pledged_on.year == LIMIT.year} == {"open"}
    assert all(x.pledged_on.year == LIMIT.year for x in lines if x.status == "open")
    withdrawn = {x.pledge_id: x for x in lines if x.status == "withdrawn"}
    assert {x.received_minor > 0 for x in withdrawn.values()} == {True, False}
    assert all(x.outstanding_minor == 0 for x in withdrawn.values())
    # some were paid in instalments
    matches = Counter(m.pledge_id for m in _all(demo.session, ReceiptPledgeMatch))
    assert sum(1 for n in matches.values() if n >= 2) >= 20


def test_receipts_matched_confirmed_and_one_returned_by_the_bank(demo: Loaded) -> None:
    s = demo.session
    v = demo.result.voluntary
    receipts = _all(s, VoluntaryReceipt)
    assert len(receipts) == v.receipts >= 300
    matched = {m.receipt_id for m in _all(s, ReceiptPledgeMatch)}
    unmatched = [r for r in receipts if r.id not in matched]
    assert 3 <= len(unmatched) <= 6
    assert all("without a pledge" in (r.note or "") for r in unmatched)
    assert 1 <= v.explicit_matches <= 10
    confirmed = _all(s, VoluntaryReceiptUsdConfirmation)
    assert len(confirmed) == v.confirmed >= 100
    assert all(abs(c.difference_minor) * 250 <= c.usd_minor + 250 for c in confirmed)
    assert any(
        r.usd_provisional and r.id not in {c.receipt_id for c in confirmed} for r in receipts
    )
    [reversal] = _all(s, VoluntaryReceiptReversal)
    assert v.reversed == 1
    bounced = s.get(VoluntaryReceipt, reversal.receipt_id)
    assert bounced is not None
    [again] = [r for r in receipts if r.bank_reference == bounced.bank_reference + "-R"]
    assert again.donor_id == bounced.donor_id and again.amount_minor == bounced.amount_minor
    assert bounced.value_on < reversal.value_on < again.value_on
    # the pledge the bounced money had settled is settled by the money paid again
    paid_again = {m.pledge_id for m in _all(s, ReceiptPledgeMatch) if m.receipt_id == again.id}
    first = {m.pledge_id for m in _all(s, ReceiptPledgeMatch) if m.receipt_id == bounced.id}
    assert paid_again == first and len(first) == 1


def test_vtf_projects_every_year_paid_in_tranches_as_reports_come_in(demo: Loaded) -> None:
    s = demo.session
    projects = _all(s, Project)
    assert len(projects) == demo.result.voluntary.projects
    per_year = Counter(p.approved_on.year for p in projects)
    assert all(per_year[y] >= 1 for y in range(2017, LIMIT.year + 1)), per_year
    assert min(per_year) == 2017
    assert {ProjectStatus.APPROVED, ProjectStatus.COMPLETED, ProjectStatus.CANCELLED} == {
        p.status for p in projects
    }
    assert {p.earmark for p in projects} == {None, "gender", "small arms", "Africa"}
    tranches = defaultdict(list)
    for d in _all(s, Disbursement):
        if d.kind == DisbursementKind.PROJECT_TRANCHE:
            tranches[d.project_id].append(d)
    for p in projects:
        shown = service.project_out(s, p.id or 0)
        assert 1 <= len(tranches[p.id]) <= 3 or p.approved_on > LIMIT - timedelta(days=45)
        assert not shown.remaining.startswith("-")
        if p.status == ProjectStatus.COMPLETED:
            assert shown.remaining == "0.00"
            assert all(r.received_on is not None for r in shown.reports)
    reports = _all(s, ProjectReport)
    assert len(reports) == demo.result.voluntary.reports
    due = [r for r in reports if r.due_on <= LIMIT - timedelta(days=60)]
    assert sum(r.received_on is not None for r in due) >= 0.85 * len(due)
    assert any(r.received_on is None for r in due)


def test_sponsored_delegates_at_every_csp_held_in_person(demo: Loaded) -> None:
    s = demo.session
    sponsorships = _all(s, Sponsorship)
    assert len(sponsorships) == demo.result.voluntary.sponsorships
    per_csp = Counter(x.conference_number for x in sponsorships)
    held = [c for c in dataset.CONFERENCES if c.number >= 2 and c.venue != "Written procedure"]
    assert all(per_csp[c.number] >= 5 for c in held), per_csp
    assert per_csp[1] == per_csp[6] == 0
    meetings = {x.meeting for x in sponsorships if x.conference_number is None}
    assert len(meetings) >= 6 and all("working groups" in m for m in meetings)
    assert all(x.travel_minor > 0 and x.subsistence_minor > 0 for x in sponsorships)
    for x in sponsorships[:: max(len(sponsorships) // 40, 1)]:
        shown = service.sponsorship_out(s, x.id or 0)
        assert shown.disbursed == shown.costs
    for c in held:
        found = rule8(s, conference_number=c.number)
        barred = {row.state for row in found.rows if row.subject}
        assert not barred & {x.state_code for x in sponsorships if x.conference_number == c.number}


def test_every_fund_reconciles_with_the_ledger(demo: Loaded) -> None:
    s = demo.session
    checks = [
        (date(2018, 12, 31), None),
        (date(2022, 6, 30), None),
        (date(2021, 12, 31), datetime(2022, 1, 2, 9, tzinfo=UTC)),
        (LIMIT, None),
    ]
    for as_at, known_at in checks:
        found = service.reconcile(s, as_at=as_at, known_at=known_at)
        assert {r.fund for r in found} == {"VTF", "SPP", "PRJ_UNIV"}
        assert all(r.agrees for r in found), (as_at, found)
    project_fund = s.get(Fund, "PRJ_UNIV")
    assert project_fund is not None and project_fund.kind == FundKind.VOLUNTARY


def test_no_fund_or_earmark_ever_pays_out_money_it_does_not_hold(demo: Loaded) -> None:
    s = demo.session
    money_in, money_out = service.traced_money(s, as_at=LIMIT)
    traced = usage.trace(money_in, money_out)
    assert not any(traced.unfunded.values())
    moves: dict[tuple[str, str | None], list[tuple[date, int]]] = defaultdict(list)
    for r in money_in:
        moves[r.pool].append((r.value_on, r.usd_minor))
    for d in money_out:
        moves[d.pool].append((d.value_on, -d.usd_minor))
    assert len(moves) >= 6
    for pool, items in moves.items():
        running = 0
        for day in sorted({d for d, _ in items}):
            running += sum(a for d, a in items if d == day)
            assert running >= 0, (pool, day)
    for year in range(2016, LIMIT.year + 1):
        on = min(date(year, 12, 31), LIMIT)
        assert all(b.available_minor >= 0 for b in service.balances(s, as_at=on))


def test_voluntary_money_never_touches_what_states_owe(demo: Loaded) -> None:
    s = demo.session
    voluntary = set(
        s.execute(select(col(Fund.code)).where(col(Fund.kind) == FundKind.VOLUNTARY.value))
        .scalars()
        .all()
    )
    rows = s.execute(
        select(
            col(LedgerPosting.entry_seq),
            col(LedgerAccount.fund_code),
            col(LedgerAccount.account_type),
            col(LedgerPosting.state_code),
        ).join(LedgerAccount, col(LedgerAccount.id) == col(LedgerPosting.account_id))
    ).all()
    touching = {seq for seq, fund, _, _ in rows if fund in voluntary}
    assert len(touching) >= 1000
    for seq, fund, account_type, _state in rows:
        if seq in touching:
            assert fund in voluntary and account_type in VOLUNTARY_ACCOUNTS, (seq, fund)
    types = set(
        s.execute(
            select(col(JournalEntry.entry_type)).where(col(JournalEntry.seq).in_(touching))
        ).scalars()
    )
    assert {"voluntary.receipt", "voluntary.disbursement"} <= types
    # donor States carry their State on the voluntary revenue, never on a receivable
    states = {r[3] for r in rows if r[1] in voluntary and r[2] == "voluntary_revenue"}
    assert {"DEU", "NOR", "JPN"} <= states
    assert {c.fund for c in aging(s, as_at=LIMIT).cells} <= {"SEC", "CSP"}


def test_every_donor_statement_of_the_last_complete_year_builds(demo: Loaded) -> None:
    s = demo.session
    year = LIMIT.year - 1
    gave = 0
    for donor in _all(s, Donor):
        statement = service.donor_statement(s, donor_id=donor.id or 0, year=year, as_at=LIMIT)
        assert statement.donor_name == donor.name
        assert all(r.value_on.year == year for r in statement.receipts)
        assert all(x.spent_minor >= 0 and x.unspent_minor >= 0 for x in statement.spending)
        assert render_csv(statement)
        gave += bool(statement.receipts)
    assert gave >= 15


def test_records_are_back_dated_and_nothing_is_after_the_demo_date(demo: Loaded) -> None:
    s = demo.session
    for model, day in (
        (Pledge, "pledged_on"),
        (VoluntaryReceipt, "value_on"),
        (Disbursement, "value_on"),
        (Project, "approved_on"),
        (VoluntaryReceiptReversal, "value_on"),
        (VoluntaryReceiptUsdConfirmation, "value_on"),
        (PledgeWithdrawal, "withdrawn_on"),
    ):
        rows = _all(s, model)
        assert rows, model
        for row in rows:
            on = getattr(row, day)
            assert on <= LIMIT
            recorded: datetime = row.recorded_at  # type: ignore[attr-defined]
            assert recorded.date() == on + timedelta(days=3), (model, row)
    assert all(r.received_on is None or r.received_on <= LIMIT for r in _all(s, ProjectReport))


def _figures(s: Session) -> dict[str, object]:
    def sums(model: Any, *keys: str, amount: str = "amount_minor") -> list[tuple[Any, ...]]:
        columns = [getattr(model, k) for k in keys]
        return [
            (*(str(k) for k in r[:-2]), int(r[-2]), int(r[-1]))
            for r in s.execute(
                select(*columns, func.count(), func.sum(getattr(model, amount)))
                .group_by(*columns)
                .order_by(*columns)
            ).all()
        ]

    return {
        "pledges": sums(Pledge, "fund_code", "currency"),
        "receipts": sums(VoluntaryReceipt, "fund_code", "currency", amount="usd_minor"),
        "disbursements": sums(Disbursement, "fund_code", "kind", amount="usd_minor"),
        "projects": sums(Project, "status", amount="approved_minor"),
        "sponsorships": sums(Sponsorship, "fund_code", amount="travel_minor"),
    }


def test_the_load_is_reproducible(demo: Loaded) -> None:
    figures = {"counts": demo.result.voluntary, **_figures(demo.session)}
    assert all(figures.values())
    FIGURES[demo.dialect] = figures
    if len(FIGURES) == 2:  # both databases loaded the same data
        first, second = FIGURES.values()
        assert first == second
