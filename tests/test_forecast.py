"""The cash forecast on a constructed history of three States, worked out by hand month by
month, on both databases; spending plans; scenarios; the API and the command line."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.assessments import methodology
from finance_core.assessments import service as assessments
from finance_core.assessments.methodology import MethodologyIn
from finance_core.assessments.models import Payers
from finance_core.budgets import service as budgets
from finance_core.budgets.schemas import BudgetIn, LineIn
from finance_core.db_types import utcnow
from finance_core.errors import ValidationFailed
from finance_core.forecast import service
from finance_core.forecast.model import Scenario
from finance_core.forecast.schemas import SpendingMonthIn, SpendingPlanIn
from finance_core.forecast.spending_plans import add_plan
from finance_core.ledger.service import PostingSpec, post_entry
from finance_core.payments import service as payments
from finance_core.payments.schemas import ReceiptIn
from finance_core.states.models import ScaleRate, State
from finance_core.states.schemas import MembershipEventCreate
from finance_core.states.service import add_event
from tests.api_helpers import api_env
from tests.cli_helpers import attfin
from tests.conftest import Database

AS_AT = date(2026, 1, 31)
K = 100  # cents per US dollar


def receive(
    session: Session, officer: Actor, state: str, on: date, amount: int, year: int | None = None
) -> None:
    """A receipt of ``amount`` whole US dollars (earmarked for SEC ``year`` if given)."""
    payments.record_receipt(
        session,
        actor=officer,
        data=ReceiptIn(
            state_code=state,
            value_on=on,
            amount=f"{amount}.00",
            bank_reference=f"{state}-{on}",
            earmark_fund="SEC" if year else None,
            earmark_year=year,
        ),
    )


@pytest.fixture
def three(session: Session, officer: Actor) -> Session:
    """Three States on a test scale (A 2, B 1, C 1) and a Secretariat budget of
    USD 120,000 a year 2021-2026, each assessed on 1 December of the year before and due
    on 1 January. A and B are Parties since 2019, C since 31 August 2025 (deposit 2 June
    2025), so 2021-2025 are assessed on A (80,000) and B (40,000), and 2026 on A (60,000),
    B (30,000) and C (30,000).

    - A pays each year in full on 11 January (10 days after the due date), 2026 included.
    - B pays half of each year 2021-2025, earmarked for it, 100 days after the due date
      (11 April; 10 April in the leap year 2024); nothing yet of 2026.
    - C has paid nothing (it has no assessment before 2026).

    Spent by 31 December 2025: USD 545,000 (posted as one expenditure), so the Secretariat
    holds 460,000 (A) + 100,000 (B) - 545,000 = 15,000 on 31 January 2026. The reserve
    (WCF) holds USD 20,000 given by a donor."""
    for code, rate, deposit in (
        ("AAA", "2", date(2019, 5, 2)),
        ("BBB", "1", date(2019, 5, 2)),
        ("CCC", "1", date(2025, 6, 2)),
    ):
        session.add(State(code=code, name=f"State {code[0]}", un_member=True))
        session.flush()
        session.add(
            ScaleRate(
                scale_code="TEST 2021-2026",
                first_year=2021,
                last_year=2026,
                state_code=code,
                rate_percent=Decimal(rate),
                kind="un",
                source="test",
            )
        )
        add_event(
            session,
            actor=officer,
            state_code=code,
            data=MembershipEventCreate(
                event_type="deposit", event_on=deposit, instrument="ratification"
            ),
        )
    methodology.adopt(
        session,
        actor=officer,
        data=MethodologyIn(
            fund="SEC",
            effective_from_year=2021,
            decision_symbol="ATT/CSP6/TEST",
            adopted_on=date(2020, 8, 20),
            payers=Payers.STATES_PARTIES,
        ),
    )
    for year in range(2021, 2027):
        budget = budgets.adopt_budget(
            session,
            actor=officer,
            data=BudgetIn(
                fund="SEC",
                year=year,
                decision_symbol=f"ATT/CSP/{year}/SEC",
                adopted_on=date(year - 1, 8, 25),
                lines=[LineIn(code="A1", title="Secretariat", amount="120000")],
            ),
        )
        assessments.assess(
            session, actor=officer, budget_id=budget.id or 0, run_on=date(year - 1, 12, 1)
        )
    for year in range(2021, 2026):
        receive(session, officer, "AAA", date(year, 1, 11), 80_000)
        receive(session, officer, "BBB", date(year, 1, 1) + timedelta(days=100), 20_000, year)
    receive(session, officer, "AAA", date(2026, 1, 11), 60_000)
    post_entry(
        session,
        actor=officer,
        value_on=date(2025, 12, 31),
        entry_type="expenditure",
        description="Spending 2021-2025",
        postings=[
            PostingSpec("SEC.expenditure", 545_000 * K),
            PostingSpec("SEC.bank", -545_000 * K),
        ],
    )
    post_entry(
        session,
        actor=officer,
        value_on=date(2025, 12, 31),
        entry_type="reserve.contribution",
        description="A donor's gift to the reserve",
        postings=[PostingSpec("WCF.bank", 20_000 * K), PostingSpec("WCF.reserve", -20_000 * K)],
    )
    session.commit()
    return session


def rows(report: service.CashForecast, scenario: int = 0) -> list[tuple[int, ...]]:
    """(receipts, spending, closing before draw, draw, closing after draw, reserve after,
    shortfall) per month, in whole dollars."""
    return [
        tuple(
            v // K
            for v in (
                m.receipts,
                m.spending,
                m.closing_before_draw,
                m.draw,
                m.closing_after_draw,
                m.reserve_after,
                m.shortfall,
            )
        )
        for m in report.result.forecasts[scenario].months
    ]


#: The baseline, by hand. Spending: the 2026 budget, 120,000 ÷ 12 = 10,000 a month, and
#: for January 2027 the same (no 2027 budget yet: the 2026 one is assumed).
#: Receipts (share and delay from 2021-2025):
#:   A: share 1, delay 10 days. 2026 is paid. 2027 is not assessed: assumed 60,000 as in
#:      2026, due 1 January 2027, so 60,000 × 1 arrives on 11 January 2027 (month 12).
#:   B: share 100,000 / 200,000 = 1/2, delay 100 days. Its arrears 2021-2025 are already
#:      paid at its usual half: nothing more. 2026: 30,000 × 1/2 = 15,000 on 1 January +
#:      100 days = 11 April 2026 (month 3). 2027: 15,000 on 11 April 2027 (after).
#:   C: no history: the median of A and B, share (1 + 1/2) / 2 = 3/4, delay (10 + 100) / 2
#:      = 55 days. 2026: 30,000 × 3/4 = 22,500 on 25 February 2026 (month 1). 2027:
#:      22,500 on 25 February 2027 (after).
#: Cash: 15,000 + receipts - 10,000 each month; below zero the reserve (20,000) is drawn.
BASELINE = [
    # receipts spending before   draw    after  reserve shortfall
    (22_500, 10_000, 27_500, 0, 27_500, 20_000, 0),  # 2026-02: 15,000 + 22,500 - 10,000
    (0, 10_000, 17_500, 0, 17_500, 20_000, 0),  # 2026-03
    (15_000, 10_000, 22_500, 0, 22_500, 20_000, 0),  # 2026-04: B's 15,000
    (0, 10_000, 12_500, 0, 12_500, 20_000, 0),  # 2026-05
    (0, 10_000, 2_500, 0, 2_500, 20_000, 0),  # 2026-06
    (0, 10_000, -7_500, 7_500, 0, 12_500, 0),  # 2026-07: the reserve is first drawn
    (0, 10_000, -10_000, 10_000, 0, 2_500, 0),  # 2026-08
    (0, 10_000, -10_000, 2_500, -7_500, 0, 7_500),  # 2026-09: the reserve runs out
    (0, 10_000, -17_500, 0, -17_500, 0, 17_500),  # 2026-10
    (0, 10_000, -27_500, 0, -27_500, 0, 27_500),  # 2026-11
    (0, 10_000, -37_500, 0, -37_500, 0, 37_500),  # 2026-12
    (60_000, 10_000, 12_500, 0, 12_500, 0, 0),  # 2027-01: A's assumed 2027, 60,000
]


def test_the_three_states_month_by_month(three: Session) -> None:
    report = service.forecast(three, as_at=AS_AT)
    assert report.funds == ("SEC",)
    assert (report.opening_cash, report.reserve_available) == (15_000 * K, 20_000 * K)
    habits = report.result.habits
    assert (habits["AAA"].share, habits["AAA"].delay_days) == (1, 10)
    assert (habits["BBB"].share, habits["BBB"].delay_days) == (Decimal(1) / 2, 100)
    assert (habits["CCC"].share * 4, habits["CCC"].delay_days) == (3, 55)
    assert [m.label for m in report.result.months] == [
        f"{y}-{mo:02d}" for y, mo in [(2026, mo) for mo in range(2, 13)] + [(2027, 1)]
    ]
    assert rows(report) == BASELINE
    base = report.baseline
    assert [(e.state, e.year, e.arrives_on, e.amount // K) for e in base.expected] == [
        ("AAA", 2027, date(2027, 1, 11), 60_000),
        ("BBB", 2026, date(2026, 4, 11), 15_000),
        ("BBB", 2027, date(2027, 4, 11), 15_000),
        ("CCC", 2026, date(2026, 2, 25), 22_500),
        ("CCC", 2027, date(2027, 2, 25), 22_500),
    ]
    assert base.receipts == sum(e.amount for e in base.expected if e.month is not None)
    assert (base.after_horizon, base.drawn) == (37_500 * K, 20_000 * K)
    assert base.first_draw is not None and base.first_draw.month.label == "2026-07"
    out = service.forecast_out(three, report)
    assert out.reserve_balance == out.reserve_cash == out.reserve_available == "20000.00"
    assert [p.model_dump() for p in out.projections] == [
        {"fund": "SEC", "base_year": 2026, "years": [2027]}
    ]
    assert any("the 2026 budget is assumed" in n for n in out.notes)
    assert out.scenarios[0].months[5].draw == "7500.00"
    assert {h.state_code: h.share for h in out.habits} == {
        "AAA": "100.00",
        "BBB": "50.00",
        "CCC": "75.00",
    }


def test_both_funds_together_are_the_secretariat_here(three: Session) -> None:
    both = service.forecast(three, as_at=AS_AT, fund=None)
    assert both.funds == ("CSP", "SEC") and rows(both) == BASELINE
    with pytest.raises(ValidationFailed, match="not an assessed fund"):
        service.forecast(three, as_at=AS_AT, fund="WCF")
    with pytest.raises(ValidationFailed, match="months"):
        service.forecast(three, as_at=AS_AT, months=0)


def test_scenarios_a_credit_and_a_transfer_to_the_reserve(three: Session) -> None:
    """A credit of 4,000 to A lowers its next assessment (2027, assumed 60,000) to 56,000,
    all of which it pays (share 1): January 2027 receives 56,000, closing at 8,500. A
    transfer of 10,000 to the reserve: cash opens at 5,000, the reserve at 30,000."""
    report = service.forecast(
        three,
        as_at=AS_AT,
        scenarios=[
            Scenario("credit A", {"AAA": 4_000 * K}),
            Scenario("to reserve", to_reserve_minor=10_000 * K),
        ],
    )
    credit = rows(report, 1)
    assert credit[:11] == BASELINE[:11]
    assert credit[11] == (56_000, 10_000, 8_500, 0, 8_500, 0, 0)
    assert rows(report, 2) == [
        (22_500, 10_000, 17_500, 0, 17_500, 30_000, 0),  # 5,000 + 22,500 - 10,000
        (0, 10_000, 7_500, 0, 7_500, 30_000, 0),
        (15_000, 10_000, 12_500, 0, 12_500, 30_000, 0),
        (0, 10_000, 2_500, 0, 2_500, 30_000, 0),
        (0, 10_000, -7_500, 7_500, 0, 22_500, 0),  # 2026-06: drawn a month earlier
        (0, 10_000, -10_000, 10_000, 0, 12_500, 0),
        (0, 10_000, -10_000, 10_000, 0, 2_500, 0),
        (0, 10_000, -10_000, 2_500, -7_500, 0, 7_500),  # 2026-09: the reserve runs out
        (0, 10_000, -17_500, 0, -17_500, 0, 17_500),
        (0, 10_000, -27_500, 0, -27_500, 0, 27_500),
        (0, 10_000, -37_500, 0, -37_500, 0, 37_500),
        (60_000, 10_000, 12_500, 0, 12_500, 0, 0),
    ]
    out = service.forecast_out(three, report)
    assert [s.name for s in out.scenarios] == ["baseline", "credit A", "to reserve"]
    assert out.scenarios[1].state_credits == {"AAA": "4000.00"}
    a27 = next(e for e in out.scenarios[1].expected if e.state_code == "AAA")
    assert (a27.amount, a27.credit, a27.projected) == ("56000.00", "4000.00", True)


def test_a_spending_plan_replaces_the_even_split(three: Session, officer: Actor) -> None:
    """The 2026 plan: 10,000 in January, 5,000 a month February-July, 40,000 in August
    (the CSP), 10,000 a month September-December (120,000 in all)."""
    months = [SpendingMonthIn(month=1, amount="10000.00")]
    months += [SpendingMonthIn(month=k, amount="5000.00") for k in range(2, 8)]
    months += [SpendingMonthIn(month=8, amount="40000.00")]
    months += [SpendingMonthIn(month=k, amount="10000") for k in range(9, 13)]
    add_plan(
        three,
        actor=officer,
        data=SpendingPlanIn(fund="SEC", year=2026, reference="SP-2026/1", months=months),
    )
    three.commit()
    first_known = utcnow()
    report = service.forecast(three, as_at=AS_AT)
    assert [r[1] for r in rows(report)] == [5_000] * 6 + [40_000] + [10_000] * 5
    assert rows(report) == [
        (22_500, 5_000, 32_500, 0, 32_500, 20_000, 0),  # 15,000 + 22,500 - 5,000
        (0, 5_000, 27_500, 0, 27_500, 20_000, 0),
        (15_000, 5_000, 37_500, 0, 37_500, 20_000, 0),
        (0, 5_000, 32_500, 0, 32_500, 20_000, 0),
        (0, 5_000, 27_500, 0, 27_500, 20_000, 0),
        (0, 5_000, 22_500, 0, 22_500, 20_000, 0),  # 2026-07
        (0, 40_000, -17_500, 17_500, 0, 2_500, 0),  # 2026-08: the CSP; first draw
        (0, 10_000, -10_000, 2_500, -7_500, 0, 7_500),
        (0, 10_000, -17_500, 0, -17_500, 0, 17_500),
        (0, 10_000, -27_500, 0, -27_500, 0, 27_500),
        (0, 10_000, -37_500, 0, -37_500, 0, 37_500),
        (60_000, 10_000, 12_500, 0, 12_500, 0, 0),  # 2027-01: no 2027 plan: the budget
    ]
    # a second version moves 20,000 from August to December; known before it, the first
    add_plan(
        three,
        actor=officer,
        data=SpendingPlanIn(
            fund="SEC",
            year=2026,
            reference="SP-2026/2",
            months=[
                *months[:7],
                SpendingMonthIn(month=8, amount="20000.00"),
                *months[8:11],
                SpendingMonthIn(month=12, amount="30000.00"),
            ],
        ),
    )
    three.commit()
    second = service.forecast(three, as_at=AS_AT)
    assert [r[1] for r in rows(second)][6:11] == [20_000, 10_000, 10_000, 10_000, 30_000]
    assert rows(service.forecast(three, as_at=AS_AT, known_at=first_known)) == rows(report)
    out = service.forecast_out(three, second)
    year = next(y for y in out.spending_years if y.year == 2026)
    assert (year.source, year.total, year.months[7]) == ("plan", "120000.00", "20000.00")


def test_known_at_credits_held_and_a_partial_first_month(three: Session, officer: Actor) -> None:
    """C pays 22,500 on 20 January 2026 and A 10,000 more on 25 January (A owes nothing:
    its credit), both recorded after ``known_at``: known at that time the forecast is the
    baseline; now, C owes nothing more of 2026 at its share, the cash opens 32,500 higher,
    and A's credit lowers its 2027 (assumed 60,000) to 50,000, paid in January 2027."""
    known = utcnow()
    receive(three, officer, "CCC", date(2026, 1, 20), 22_500)
    receive(three, officer, "AAA", date(2026, 1, 25), 10_000)
    three.commit()
    assert rows(service.forecast(three, as_at=AS_AT, known_at=known)) == BASELINE
    now = service.forecast(three, as_at=AS_AT)
    assert now.opening_cash == 47_500 * K and now.credits_held == {"AAA": 10_000 * K}
    assert [e.state for e in now.baseline.expected if e.year == 2026] == ["BBB"]
    a27 = next(e for e in now.baseline.expected if e.state == "AAA")
    assert (a27.amount, a27.credit, a27.month) == (50_000 * K, 10_000 * K, 12)
    assert "1 State(s) hold credits of 10000.00 USD" in " ".join(service.notes(now))
    # As at 15 June 2026 (month 1 is 16-30 June, 15 of 30 days: 10,000 × 15/30 = 5,000)
    # B's 2026 (11 April) has passed, so its 15,000 is expected on 16 June, in month 1.
    june = service.forecast(three, as_at=date(2026, 6, 15), months=2)
    assert [(m.spending, m.receipts) for m in june.baseline.months] == [
        (5_000 * K, 15_000 * K),
        (10_000 * K, 0),
    ]
    assert "pro rata" in service.notes(june)[0]


def test_api_and_command_line(three: Session, engine: Engine, db: Database) -> None:
    with api_env(engine) as env:
        reader = env.auth("committee")
        r = env.client.get("/api/v1/forecast?as_at=2026-01-31", headers=reader)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["opening_cash"] == "15000.00" and body["reserve_available"] == "20000.00"
        months = body["scenarios"][0]["months"]
        assert [m["closing_after_draw"] for m in months][5:8] == ["0.00", "0.00", "-7500.00"]
        assert body["scenarios"][0]["first_draw_month"] == "2026-07"
        r = env.client.get("/api/v1/forecast?as_at=2026-01-31&fund=all&format=csv", headers=reader)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        table = list(csv.DictReader(io.StringIO(r.text)))
        assert len(table) == 12 and table[0]["month"] == "2026-02"
        assert table[7]["shortfall"] == "7500.00"
        r = env.client.get(
            "/api/v1/forecast?as_at=2026-01-31&surplus_year=2025&format=csv", headers=reader
        )
        assert r.status_code == 200, r.text
        names = [row["scenario"] for row in csv.DictReader(io.StringIO(r.text))]
        assert names[::12] == [
            "baseline",
            "states_pro_rata_assessed",
            "states_paid_in_full_only",
            "reserve",
        ]
        bad = env.client.get("/api/v1/forecast?as_at=2026-01-31&fund=VTF", headers=reader)
        assert bad.status_code == 422 and bad.json()["fields"] == {"fund": "not an assessed fund"}
        bad = env.client.get("/api/v1/forecast?floor=1e3", headers=reader)
        assert bad.status_code == 422 and "floor" in bad.json()["fields"]
        # the command line on the same database, before any spending plan
        shown = attfin(db, "forecast", "--as-at", "2026-01-31")
        assert shown.returncode == 0, shown.stderr
        lines = {line.split()[0]: line.split()[1:] for line in shown.stdout.splitlines()[2:14]}
        assert lines["2026-08"] == [
            "0.00",
            "10000.00",
            "-10000.00",
            "10000.00",
            "0.00",
            "2500.00",
            "0.00",
        ]
        assert "reserve drawn 20000.00 from 2026-07" in shown.stdout
        as_json = json.loads(attfin(db, "forecast", "--as-at", "2026-01-31", "--json").stdout)
        assert as_json["scenarios"][0]["drawn"] == "20000.00"
        as_csv = attfin(db, "forecast", "--as-at", "2026-01-31", "--fund", "all", "--csv")
        assert as_csv.stdout.splitlines()[0].startswith("scenario,month,start,end")
        assert len(as_csv.stdout.splitlines()) == 13

        plan = {
            "fund": "SEC",
            "year": 2026,
            "reference": "SP-1",
            "months": [{"month": 8, "amount": "40000.00"}, {"month": 8, "amount": "1.00"}],
        }
        officer = env.auth("finance_officer")
        bad = env.client.post("/api/v1/spending-plans", json=plan, headers=officer)
        assert bad.status_code == 422 and bad.json()["fields"] == {"months.8": "given twice"}
        plan["months"] = [{"month": 8, "amount": "40000.00"}]
        assert (
            env.client.post("/api/v1/spending-plans", json=plan, headers=reader).status_code == 403
        )
        r = env.client.post("/api/v1/spending-plans", json=plan, headers=officer)
        assert r.status_code == 201, r.text
        assert r.json()["total"] == "40000.00" and r.json()["budget"] == "120000.00"
        listed = env.client.get("/api/v1/spending-plans?fund=SEC", headers=reader).json()
        assert listed["total"] == 1 and listed["items"][0]["months"][7] == "40000.00"

    added = attfin(
        db,
        "spending-plan",
        "add",
        "--fund",
        "SEC",
        "--year",
        "2027",
        "--reference",
        "SP-2027",
        "--month",
        "1:12000.00",
    )
    assert added.returncode == 0, added.stderr
    assert "SEC 2027 version 1 (SP-2027): total 12000.00 USD, no budget" in added.stdout
    listed_cli = attfin(db, "spending-plan", "list", "--year", "2026").stdout
    assert "SEC 2026 version 1 (SP-1): total 40000.00 USD, budget 120000.00" in listed_cli
    after = attfin(db, "forecast", "--as-at", "2026-01-31", "--json")
    january = json.loads(after.stdout)["scenarios"][0]["months"][11]
    assert january["spending"] == "12000.00"
    bad = attfin(
        db,
        "spending-plan",
        "add",
        "--fund",
        "SEC",
        "--year",
        "2027",
        "--reference",
        "R",
        "--month",
        "13",
    )
    assert bad.returncode == 1 and bad.stderr.startswith("error: --month")
    bad = attfin(
        db,
        "spending-plan",
        "add",
        "--fund",
        "SEC",
        "--year",
        "2027",
        "--reference",
        "R",
        "--month",
        "13:5",
    )
    assert bad.returncode == 1 and bad.stderr.startswith(
        "error: month: Input should be less than or equal to 12"
    )
    bad = attfin(db, "forecast", "--fund", "XYZ")
    assert bad.returncode == 1 and "not an assessed fund" in bad.stderr


def test_the_same_forecast_under_each_surplus_decision(three: Session) -> None:
    """The 2025 surplus of the Secretariat as the ledger shows it (no close yet): assessed
    revenue 2021-2025, 600,000, less the 545,000 spent: 55,000.

    - pro rata to the 2025 assessments (A 80,000, B 40,000): A 36,666.67 (it takes the
      cent left by the largest remainder), B 18,333.33. A's 2027 (assumed 60,000) is asked
      23,333.33, paid in full in January 2027: -37,500 + 23,333.33 - 10,000 = -24,166.67.
    - to the States that paid 2025 in full (A only): A 55,000; its 2027 is asked 5,000:
      January 2027 closes at -37,500 + 5,000 - 10,000 = -42,500.
    - into the reserve: cash opens at 15,000 - 55,000 = -40,000, the reserve at 75,000:
      February -40,000 + 22,500 - 10,000 = -27,500 is drawn at once."""
    report = service.forecast(three, as_at=AS_AT, surplus_year=2025)
    by_name = {f.scenario.name: f for f in report.result.forecasts}
    assert list(by_name) == [
        "baseline",
        "states_pro_rata_assessed",
        "states_paid_in_full_only",
        "reserve",
    ]
    pro_rata = by_name["states_pro_rata_assessed"]
    assert dict(pro_rata.scenario.state_credits) == {"AAA": 3_666_667, "BBB": 1_833_333}
    assert pro_rata.months[-1].receipts == 2_333_333
    assert pro_rata.months[-1].closing_after_draw == -2_416_667
    assert pro_rata.months[-1].shortfall == 2_416_667
    b27 = next(e for e in pro_rata.expected if e.state == "BBB" and e.year == 2027)
    assert b27.amount == 583_334  # (30,000 - 18,333.33) × 1/2 = 5,833.335, half up
    paid_in_full = by_name["states_paid_in_full_only"]
    assert dict(paid_in_full.scenario.state_credits) == {"AAA": 55_000 * K}
    assert paid_in_full.months[-1].closing_after_draw == -42_500 * K
    reserve = by_name["reserve"]
    assert (reserve.opening_cash, reserve.reserve) == (-40_000 * K, 75_000 * K)
    assert [m.draw // K for m in reserve.months] == [
        27_500,  # February
        10_000,  # March
        0,  # April: B's 15,000 arrives, 5,000 left
        5_000,  # May
        10_000,
        10_000,
        10_000,  # August: 2,500 left
        2_500,  # September: the reserve runs out, 7,500 short
        0,
        0,
        0,
        0,
    ]
    assert reserve.months[7].shortfall == 7_500 * K
    assert rows(report) == BASELINE
