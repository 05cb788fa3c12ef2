"""The demo's arrears: its Rule 8(1)(d) payment plans (on track, lapsed, completed, one
counting from the next CSP, one rejected) and Rule 8 at the recent CSPs, as at the demo
date. The demo is loaded once per database (SQLite and PostgreSQL) for the module."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from finance_core.arrears import plans
from finance_core.arrears.compliance import Compliance, Standing
from finance_core.arrears.models import PaymentPlan, PlanDecision
from finance_core.arrears.rule8 import Rule8Row, rule8
from finance_core.arrears.service import aging
from finance_core.conferences.models import Conference
from finance_core.db_types import utctoday
from finance_core.demo import dataset
from finance_core.ledger.balances import BalanceDim, balances
from tests.fixtures_demo import DemoCopy

LIMIT = min(dataset.DEMO_DATE, utctoday())


@pytest.fixture(scope="module")
def demo(demo_copy: DemoCopy) -> Session:
    """A fresh copy of the demo data set per database, for every test of this module
    (which only read it)."""
    return demo_copy.session


def all_plans(session: Session) -> list[PaymentPlan]:
    return list(
        session.execute(select(PaymentPlan).order_by(col(PaymentPlan.received_on))).scalars()
    )


def standings(session: Session) -> dict[int, Compliance]:
    """Each approved plan's compliance as at the demo date."""
    found = {}
    for plan in all_plans(session):
        c = plans.compliance_of(session, plan, as_at=LIMIT)
        if c is not None:
            found[plan.id or 0] = c
    return found


def only(session: Session, standing: Standing) -> tuple[PaymentPlan, Compliance]:
    """The one approved plan (counting from the first CSP after its application) with
    this standing as at the demo date."""
    by_id = {p.id: p for p in all_plans(session)}
    matches = [
        (by_id[i], c)
        for i, c in standings(session).items()
        if c.standing is standing and by_id[i].counts_for_reason is None
    ]
    assert len(matches) == 1, matches
    return matches[0]


def row_of(session: Session, conference: int, state: str) -> Rule8Row:
    return next(r for r in rule8(session, conference_number=conference).rows if r.state == state)


def test_plans_on_track_lapsed_completed_one_late_one_rejected(demo: Session) -> None:
    found = all_plans(demo)
    assert len(found) == 5
    assert len({p.state_code for p in found}) == 5
    decided = Counter(p.decision for p in found)
    assert decided == {PlanDecision.APPROVED: 4, PlanDecision.REJECTED: 1}
    assert Counter(c.standing for c in standings(demo).values()) == {
        Standing.ON_TRACK: 2,
        Standing.LAPSED: 1,
        Standing.COMPLETED: 1,
    }
    for plan in found:
        assert plan.state_code in dataset.parties_on(plan.received_on), plan.state_code
        assert plan.recorded_at == dataset.recorded_at(plan.received_on)
        assert plan.decided_on is not None
        assert timedelta(days=14) <= plan.decided_on - plan.received_on <= timedelta(days=42)
        assert plan.decision_recorded_at == dataset.recorded_at(plan.decided_on)
        assert plan.decision_reference and plan.decision_reference.startswith("ATT/MC/")
        assert "illustrative" in plan.reasons
        instalments = plans.instalments_of(demo, plan.id or 0)
        assert sum(i.amount_minor for i in instalments) == plan.total_minor


def test_the_on_track_plan_is_kept_and_exempts_its_state_from_its_first_csp(
    demo: Session,
) -> None:
    plan, c = only(demo, Standing.ON_TRACK)
    assert plan.received_on.year == 2024 and plan.counts_for_conference == 10
    assert c.shortfall == 0 and c.received == c.required > 0
    assert c.instalments_due > 0 and c.assessments_due > 0
    first = row_of(demo, 10, plan.state_code)
    assert first.trigger.met and first.exempt and not first.subject, first.reason
    assert first.plan is not None and first.plan.id == plan.id
    later = row_of(demo, 11, plan.state_code)
    assert later.exempt and not later.subject, later.reason
    before = row_of(demo, 9, plan.state_code)
    assert before.subject and before.plan is None


def test_the_lapsed_plan_leaves_its_state_subject_from_the_next_csp(demo: Session) -> None:
    plan, c = only(demo, Standing.LAPSED)
    assert plan.received_on.year == 2022
    first_instalment = plans.instalments_of(demo, plan.id or 0)[0]
    assert c.received == first_instalment.amount_minor
    assert c.lapsed_on is not None
    counted = row_of(demo, plan.counts_for_conference or 0, plan.state_code)
    assert counted.exempt, counted.reason
    after = demo.execute(
        select(col(Conference.number))
        .where(col(Conference.start_on) > c.lapsed_on)
        .order_by(col(Conference.start_on))
    ).scalars()
    numbers = list(after)
    assert numbers and numbers[-1] == 11
    for number in numbers:
        row = row_of(demo, number, plan.state_code)
        assert row.subject and not row.exempt, (number, row.reason)
        assert f"lapsed on {c.lapsed_on}" in row.reason


def test_the_completed_plan_is_paid_and_its_state_owes_nothing(demo: Session) -> None:
    plan, c = only(demo, Standing.COMPLETED)
    assert plan.received_on.year == 2021
    last = plans.instalments_of(demo, plan.id or 0)[-1]
    assert c.completed_on == last.due_on <= LIMIT
    position = aging(demo, as_at=LIMIT, state=plan.state_code).states[plan.state_code]
    assert position.outstanding == 0


def test_late_application_counts_from_the_following_csp(demo: Session) -> None:
    late = [p for p in all_plans(demo) if p.counts_for_reason is not None]
    assert len(late) == 1
    plan = late[0]
    assert plan.counts_for_reason is not None
    assert "less than the 60 days required" in plan.counts_for_reason
    assert plan.counts_for_conference == 10
    at_csp9 = row_of(demo, 9, plan.state_code)
    assert at_csp9.subject and "counts from the next one" in at_csp9.reason
    assert row_of(demo, 10, plan.state_code).exempt


def test_the_rejected_application_has_no_standing(demo: Session) -> None:
    rejected = [p for p in all_plans(demo) if p.decision == PlanDecision.REJECTED]
    assert len(rejected) == 1
    assert plans.compliance_of(demo, rejected[0], as_at=LIMIT) is None
    assert row_of(demo, 11, rejected[0].state_code).subject


@pytest.mark.parametrize("number", [9, 10, 11])
def test_rule8_at_recent_csps_names_states_subject_to_the_measures(
    demo: Session, number: int
) -> None:
    result = rule8(demo, conference_number=number)
    subject = [r for r in result.rows if r.subject]
    assert subject
    for r in subject:
        assert r.trigger.met and r.trigger.arrears >= r.trigger.threshold
        assert "the measures apply" in r.reason


def test_aging_buckets_sum_to_outstanding_equal_to_the_ledger(demo: Session) -> None:
    report = aging(demo, as_at=LIMIT)
    ledger = {
        b.state: b.amount_minor
        for b in balances(demo, as_at=LIMIT, by=[BalanceDim.STATE], account_type="receivable")
    }
    assert report.states
    for code, position in report.states.items():
        assert sum(position.buckets.values()) == position.outstanding, code
        assert position.outstanding == ledger.get(code, 0), code
    assert {c for c, v in ledger.items() if v} <= set(report.states)
