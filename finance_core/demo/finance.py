"""The demo's money: methodologies, budgets 2015–2026 (Secretariat and CSP) and their
assessment runs. Amounts are illustrative (USD 1–3 million a year), except the 2018
Secretariat budget, which has the published figures (USD 975,927 of which USD 270,370
carried over, USD 705,557 assessed)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.assessments import methodology, service
from finance_core.assessments.methodology import MethodologyIn
from finance_core.assessments.models import DueRule, Payers, ProRata
from finance_core.budgets import service as budgets
from finance_core.budgets.schemas import BudgetIn, LineIn, VersionIn
from finance_core.demo import dataset
from finance_core.states.models import MembershipEvent, ScaleRate

FIRST_YEAR = 2015
LAST_YEAR = 2026

#: Activity lines of each fund's budget: code, title, share of the fund's budget.
SEC_LINES = (
    ("SEC-01", "Secretariat staff and running costs", Decimal("0.55")),
    ("SEC-02", "Universalization and outreach", Decimal("0.15")),
    ("SEC-03", "Reporting support and the IT platform", Decimal("0.15")),
    ("SEC-04", "Support to the Voluntary Trust Fund and working groups", Decimal("0.15")),
)
CSP_LINES = (
    ("CSP-01", "Conference services and venue", Decimal("0.50")),
    ("CSP-02", "Interpretation and documents", Decimal("0.35")),
    ("CSP-03", "Preparatory meetings", Decimal("0.15")),
)

#: Illustrative notional rates for the non-member States (the State of Palestine, an ATT
#: State Party, and the Holy See, which may attend a CSP) before the UN's own notional
#: rates of 2025–2027; they are not UN figures.
NOTIONAL = {
    ("PSE", "UN 2013-2015"): "0.005",
    ("PSE", "UN 2016-2018"): "0.007",
    ("PSE", "UN 2019-2021"): "0.008",
    ("PSE", "UN 2022-2024"): "0.010",
    ("VAT", "UN 2013-2015"): "0.001",
    ("VAT", "UN 2016-2018"): "0.001",
    ("VAT", "UN 2019-2021"): "0.001",
    ("VAT", "UN 2022-2024"): "0.001",
}


@dataclass(frozen=True, slots=True)
class DemoFinance:
    """What was loaded."""

    methodologies: int
    budgets: int
    runs: int


def _lines(spec: tuple[tuple[str, str, Decimal], ...], total: int) -> list[LineIn]:
    amounts = [int(total * share) for _, _, share in spec]
    amounts[0] += total - sum(amounts)
    return [
        LineIn(code=code, title=title, amount=str(amount))
        for (code, title, _), amount in zip(spec, amounts, strict=True)
    ]


def _csp_of(year: int) -> tuple[int, date, date] | None:
    for c in dataset.CONFERENCES:
        if c.start_on.year == year:
            return c.number, c.start_on, c.end_on
    return None


def _adopted_on(year: int) -> tuple[str, date]:
    """The CSP that adopts the budget for ``year`` (the one of the year before; the 2015
    budget was adopted at CSP1 itself)."""
    csp = _csp_of(year - 1) or _csp_of(year)
    assert csp is not None
    number, _, end = csp
    return f"ATT/CSP{number}/{end.year}/SEC/FIN", end


def _when(day: date) -> date:
    return min(day, dataset.DEMO_DATE)


def load_finance(session: Session, *, actor: Actor) -> DemoFinance:
    """Record the demo methodologies, budgets and runs (the caller commits)."""
    for (code, scale), rate in NOTIONAL.items():
        first, last = (int(y) for y in scale.split()[1].split("-"))
        session.add(
            ScaleRate(
                scale_code=scale,
                first_year=first,
                last_year=last,
                state_code=code,
                rate_percent=Decimal(rate),
                kind="notional",
                source="demo: illustrative notional rate",
            )
        )
    session.flush()
    common = {
        "decision_symbol": "ATT/CSP1/2015/WP.2/Rev.1 (illustrative)",
        "adopted_on": date(2015, 8, 27),
        "effective_from_year": FIRST_YEAR,
        "ceiling": Decimal(22),
        "ldc_cap": Decimal("0.01"),
        "rounding_unit": Decimal(1),
    }
    methodology.adopt(
        session,
        actor=actor,
        data=MethodologyIn(
            fund="SEC",
            payers=Payers.STATES_PARTIES,
            pro_rata=ProRata.MONTHS,
            due_rule=DueRule.DAYS_AFTER_NOTICE,
            due_days=30,
            **common,
        ),
    )
    methodology.adopt(
        session,
        actor=actor,
        data=MethodologyIn(
            fund="CSP",
            payers=Payers.PARTIES_AND_SIGNATORIES,
            reassessment_payers=Payers.CSP_REGISTERED,
            pro_rata=ProRata.MONTHS,
            due_rule=DueRule.DAYS_AFTER_NOTICE,
            due_days=30,
            **common,
        ),
    )
    rnd = random.Random(dataset.SEED)  # noqa: S311 (illustrative figures, not secrets)
    joins = [
        (e.effective_on, e.state_code)
        for e in session.execute(
            select(MembershipEvent).where(col(MembershipEvent.event_type) == "deposit")
        ).scalars()
    ]
    runs = count = 0
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        symbol, adopted = _adopted_on(year)
        sec_total = rnd.randrange(1_100_000, 2_000_000, 1000)
        carried = rnd.choice([0, 0, 50_000, 120_000])
        if year == 2018:
            sec_total, carried = 975_927, 270_370
        csp_total = rnd.randrange(450_000, 900_000, 1000)
        run_on = max(date(year, 1, 10), adopted + timedelta(days=10))
        for fund, total, spec, left in (
            ("SEC", sec_total, SEC_LINES, carried),
            ("CSP", csp_total, CSP_LINES, 0),
        ):
            budget = budgets.adopt_budget(
                session,
                actor=actor,
                data=BudgetIn(
                    fund=fund,
                    year=year,
                    decision_symbol=symbol.replace("SEC", fund),
                    adopted_on=adopted,
                    carried_over=str(left),
                    lines=_lines(spec, total),
                ),
                recorded_at=dataset.recorded_at(adopted),
            )
            assert budget.id is not None
            count += 1
            service.assess(
                session,
                actor=actor,
                budget_id=budget.id,
                run_on=run_on,
                recorded_at=dataset.recorded_at(run_on),
            )
            runs += 1
            if fund == "SEC" and year == 2020:  # a revision: meetings held online
                revised = _when(date(2020, 9, 4))
                budgets.revise_budget(
                    session,
                    actor=actor,
                    budget_id=budget.id,
                    data=VersionIn(
                        decision_symbol="ATT/CSP6/2020/SEC/FIN/Rev.1 (illustrative)",
                        adopted_on=revised,
                        carried_over=str(left),
                        lines=_lines(spec, total - 150_000),
                    ),
                    recorded_at=dataset.recorded_at(revised),
                )
                service.assess(
                    session,
                    actor=actor,
                    budget_id=budget.id,
                    run_on=revised,
                    recorded_at=dataset.recorded_at(revised),
                )
                runs += 1
            if fund == "SEC":
                for joined, code in sorted(joins):
                    on = joined + timedelta(days=20)
                    in_year = date(year, 1, 1) < joined <= date(year, 12, 31)
                    due = service.pro_rata_factor(ProRata.MONTHS, joined, year) > 0
                    if in_year and due and on <= dataset.DEMO_DATE:
                        service.assess_supplementary(
                            session,
                            actor=actor,
                            budget_id=budget.id,
                            state_code=code,
                            run_on=max(on, run_on),
                            recorded_at=dataset.recorded_at(max(on, run_on)),
                        )
                        runs += 1
            csp = _csp_of(year)
            if fund == "CSP" and csp is not None:
                on = _when(csp[2] + timedelta(days=14))
                service.reassess_csp(
                    session,
                    actor=actor,
                    budget_id=budget.id,
                    run_on=on,
                    recorded_at=dataset.recorded_at(on),
                )
                runs += 1
    return DemoFinance(methodologies=2, budgets=count, runs=runs)
