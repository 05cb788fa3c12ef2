"""The worked example of the arrears issue, as an officer tells it (see
``tests/fixtures_arrears.py`` for the story's set-up), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.arrears import plans
from finance_core.arrears.compliance import Standing
from finance_core.arrears.rule8 import rule8
from finance_core.arrears.schemas import InstalmentIn, PaymentPlanIn
from finance_core.arrears.service import aging
from finance_core.errors import RuleViolation
from tests.fixtures_arrears import CSP11, CSP12

K = 100  # cents per dollar


def buckets(session: Session, state: str, as_at: date) -> dict[str, int]:
    position = aging(session, as_at=as_at).states[state]
    return {name: amount // K for name, amount in position.buckets.items() if amount}


def test_c_owes_a_quarter_in_each_bucket_on_1_june_2025(example: Session) -> None:
    report = aging(example, as_at=date(2025, 6, 1))
    c = report.states["CCC"]
    assert c.outstanding == 100_000 * K
    assert buckets(example, "CCC", date(2025, 6, 1)) == {
        "current": 25_000,
        "1_year": 25_000,
        "2_years": 25_000,
        "3_years_plus": 25_000,
    }
    assert c.arrears == 75_000 * K


def test_position_at_the_opening_of_csp11(example: Session) -> None:
    report = aging(example, as_at=CSP11)
    assert report.states["AAA"].outstanding == 0
    b = report.states["BBB"]
    assert b.outstanding == 65_000 * K
    assert buckets(example, "BBB", CSP11) == {
        "current": 25_000,
        "1_year": 25_000,
        "2_years": 15_000,
    }
    assert b.arrears == 40_000 * K
    c = report.states["CCC"]
    assert c.outstanding == 75_000 * K
    assert buckets(example, "CCC", CSP11) == {
        "current": 25_000,
        "1_year": 25_000,
        "2_years": 25_000,
    }
    assert c.arrears == 50_000 * K


def test_rule8_at_csp11_b_below_the_trigger_c_exempt_by_its_plan(example: Session) -> None:
    result = rule8(example, conference_number=11)
    assert result.as_at == CSP11
    rows = {r.state: r for r in result.rows}
    assert "AAA" not in rows
    b = rows["BBB"]
    assert (b.trigger.arrears, b.trigger.threshold) == (40_000 * K, 50_000 * K)
    assert not b.trigger.met and not b.subject and not b.exempt
    assert "not subject" in b.reason
    c = rows["CCC"]
    assert (c.trigger.arrears, c.trigger.threshold) == (50_000 * K, 50_000 * K)
    assert c.trigger.met and c.exempt and not c.subject
    assert c.standing is not None and c.standing.standing is Standing.ON_TRACK
    assert (c.standing.received, c.standing.instalments_due, c.standing.assessments_due) == (
        25_000 * K,
        25_000 * K,
        0,
    )
    assert "exempt" in c.reason and "50,000.00 USD" in c.reason


def test_rule8_at_csp12_c_subject_after_its_plan_lapsed(example: Session) -> None:
    report = aging(example, as_at=CSP12)
    c = report.states["CCC"]
    assert (c.outstanding, c.arrears) == (100_000 * K, 75_000 * K)
    result = rule8(example, conference_number=12)
    row = next(r for r in result.rows if r.state == "CCC")
    assert row.trigger.met and row.trigger.threshold == 50_000 * K
    assert row.standing is not None
    assert row.standing.standing is Standing.LAPSED
    assert row.standing.received == 25_000 * K
    assert row.standing.instalments_due == 50_000 * K
    assert row.standing.assessments_due == 25_000 * K
    assert row.standing.short_since == date(2026, 1, 1)
    assert row.standing.lapsed_on == date(2026, 2, 1)
    assert row.subject and not row.exempt
    assert "lapsed on 2026-02-01" in row.reason


def test_b_applies_46_days_before_csp11_and_counts_for_csp12(
    example: Session, officer: Actor
) -> None:
    plan = plans.apply_plan(
        example,
        actor=officer,
        data=PaymentPlanIn(
            state_code="BBB",
            received_on=date(2025, 7, 10),
            note_verbale="NV/BBB/2025/3",
            reasons="Delayed parliamentary approval",
            total_outstanding="65000.00",
            instalments=[
                InstalmentIn(due_on=date(2025, 12, 1), amount="30000.00"),
                InstalmentIn(due_on=date(2026, 12, 1), amount="35000.00"),
            ],
        ),
    )
    assert (CSP11 - plan.received_on).days == 46
    assert plan.counts_for_conference == 12
    assert plan.counts_for_reason is not None
    assert "46 days before the opening of CSP11" in plan.counts_for_reason
    assert "60 days" in plan.counts_for_reason


def test_a_seven_year_plan_is_refused(example: Session, officer: Actor) -> None:
    with pytest.raises(RuleViolation, match="longer than the 6 years"):
        plans.apply_plan(
            example,
            actor=officer,
            data=PaymentPlanIn(
                state_code="BBB",
                received_on=date(2025, 7, 10),
                note_verbale="NV/BBB/2025/4",
                reasons="Delayed parliamentary approval",
                total_outstanding="65000.00",
                instalments=[
                    InstalmentIn(due_on=date(2025 + k, 7, 1), amount=amount)
                    for k, amount in enumerate(["10000.00"] * 6 + ["5000.00"], start=1)
                ],
            ),
        )


def test_rule8_as_known_before_the_plan_was_decided(example: Session) -> None:
    from datetime import timedelta

    from finance_core.arrears.models import PaymentPlan

    plan = example.get(PaymentPlan, 1)
    assert plan is not None and plan.decision_recorded_at is not None
    before = plan.decision_recorded_at - timedelta(microseconds=1)
    row = next(
        r for r in rule8(example, conference_number=11, known_at=before).rows if r.state == "CCC"
    )
    assert row.plan is None and row.subject
    assert row.position.outstanding == 100_000 * K  # its receipt was recorded later too
