"""The demo's Rule 8(1)(d) payment plans, recorded after its payment history.

Five States Parties that paid nothing in the demo's payment history (its "never" payers),
taken by what they owe on the demo date, largest first (each a State Party owing
arrears on the day it applies), apply by note verbale:

1. one in March 2024 (counts for CSP10); approved, it pays each instalment and each
   assessment falling due after the application on the day it falls due: on track;
2. one in March 2022 (counts for CSP8); approved, it pays the first instalment and then
   stops: the plan lapses and the measures apply from CSP9;
3. one in March 2021 (counts for CSP7); approved, it pays every instalment and the new
   assessments, and keeps paying on time once the plan is completed;
4. one on 3 July 2023, 49 days before CSP9: approved, it counts only from CSP10 (the
   plan records why); the State keeps to it;
5. one in February 2023 whose schedule starts three years later: rejected.

Totals are the ledger's figure on the day of the application and amounts paid are what
the plan's compliance shows due, so nothing is hard-coded in cents. Deterministic;
applications, decisions and receipts are recorded a few days after their business date,
like the rest of the demo. References and reasons are illustrative."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.arrears import plans
from finance_core.arrears.compliance import Standing
from finance_core.arrears.models import PaymentPlan
from finance_core.arrears.rules import funds_of, get_rule, rule_on
from finance_core.arrears.schemas import InstalmentIn, PaymentPlanIn, PlanDecisionIn
from finance_core.arrears.service import aging
from finance_core.db_types import utctoday
from finance_core.demo import dataset
from finance_core.money import format_minor
from finance_core.payments import service
from finance_core.payments.models import Receipt
from finance_core.payments.schemas import ReceiptIn

#: What each applicant does once its application is decided.
KEEPS, FIRST_ONLY, NOTHING = "keeps", "first_only", "nothing"


@dataclass(frozen=True, slots=True)
class DemoPlans:
    """What was loaded: applications, of which approved and rejected, and the receipts
    the States paid under their plans."""

    applications: int
    approved: int
    rejected: int
    receipts: int


@dataclass(frozen=True, slots=True)
class _Story:
    """One application: when it came (and the note verbale's number), when it was
    decided and by which reference, its yearly instalments (due on
    30 June from ``first_year``), and what the State pays (``KEEPS``: every instalment
    and new assessment on the day it falls due, and its assessments once the plan is
    completed; ``FIRST_ONLY``: up to the first instalment; ``NOTHING``)."""

    received_on: date
    number: int
    decided_on: date
    approved: bool
    reference: str
    first_year: int
    instalments: int
    reasons: str
    note: str | None
    pays: str


#: In the order the applicants are taken (largest debt first).
STORIES: tuple[_Story, ...] = (
    _Story(
        received_on=date(2024, 3, 11),
        number=17,
        decided_on=date(2024, 4, 8),
        approved=True,
        reference="ATT/MC/2024/4 (illustrative)",
        first_year=2024,
        instalments=6,
        reasons="Budgetary constraints after a currency crisis (illustrative)",
        note="Approved; the State will pay its new assessments as they fall due (illustrative)",
        pays=KEEPS,
    ),
    _Story(
        received_on=date(2022, 3, 14),
        number=9,
        decided_on=date(2022, 4, 11),
        approved=True,
        reference="ATT/MC/2022/3 (illustrative)",
        first_year=2022,
        instalments=5,
        reasons="Delayed parliamentary approval of international contributions (illustrative)",
        note=None,
        pays=FIRST_ONLY,
    ),
    _Story(
        received_on=date(2021, 3, 15),
        number=12,
        decided_on=date(2021, 4, 12),
        approved=True,
        reference="ATT/MC/2021/2 (illustrative)",
        first_year=2021,
        instalments=3,
        reasons="Budgetary constraints (illustrative)",
        note=None,
        pays=KEEPS,
    ),
    _Story(
        received_on=date(2023, 7, 3),
        number=41,
        decided_on=date(2023, 7, 24),
        approved=True,
        reference="ATT/MC/2023/6 (illustrative)",
        first_year=2024,
        instalments=4,
        reasons="Contributions to international organizations suspended in 2020-2022 "
        "(illustrative)",
        note="Received less than 60 days before CSP9 (illustrative)",
        pays=KEEPS,
    ),
    _Story(
        received_on=date(2023, 2, 20),
        number=6,
        decided_on=date(2023, 3, 20),
        approved=False,
        reference="ATT/MC/2023/2 (illustrative)",
        first_year=2026,
        instalments=3,
        reasons="Competing budgetary priorities (illustrative)",
        note="Rejected: the Committee asked for a schedule starting within the year (illustrative)",
        pays=NOTHING,
    ),
)


def _applicants(session: Session, limit: date) -> list[str]:
    """States that paid nothing in the demo's payment history, largest debt first."""
    paid = set(session.execute(select(col(Receipt.state_code)).distinct()).scalars())
    owed = aging(session, as_at=limit).states
    return sorted(
        (c for c, s in owed.items() if c not in paid and s.outstanding > 0),
        key=lambda c: (-owed[c].outstanding, c),
    )


def _owed(session: Session, code: str, day: date) -> int:
    return plans.outstanding_due(session, code, day, rule_on(session, day), None)


def _instalments(total: int, story: _Story) -> list[InstalmentIn]:
    """``story.instalments`` yearly instalments in whole dollars, the rest in the last."""
    each = total // story.instalments // 100 * 100
    amounts = [each] * (story.instalments - 1) + [total - each * (story.instalments - 1)]
    return [
        InstalmentIn(due_on=date(story.first_year + k, 6, 30), amount=format_minor(amount))
        for k, amount in enumerate(amounts)
    ]


def _pay(session: Session, actor: Actor, plan: PaymentPlan, on: date, cents: int) -> None:
    service.record_receipt(
        session,
        actor=actor,
        data=ReceiptIn(
            state_code=plan.state_code,
            value_on=on,
            amount=format_minor(cents),
            bank_reference=f"DEMO-{plan.state_code}-PLAN-{on.isoformat()}",
            note=f"Under the payment plan of {plan.note_verbale} (illustrative)",
        ),
        recorded_at=dataset.recorded_at(on),
    )


def _keep_to(session: Session, actor: Actor, plan: PaymentPlan, until: date) -> int:
    """Pay, on each day an instalment or a new assessment falls due up to ``until``, what
    the plan's compliance shows short that day (what is due, once the plan is completed).
    Returns the number of receipts."""
    rule = get_rule(session, plan.rule_id)
    falling_due = plans.assessments_falling_due(
        session,
        state_code=plan.state_code,
        funds=funds_of(rule),
        after=plan.received_on,
        as_at=until,
        known_at=None,
    )
    days = {i.due_on for i in plans.instalments_of(session, plan.id or 0)}
    days |= {f.on for f in falling_due}
    receipts = 0
    for day in sorted(d for d in days if d <= until):
        standing = plans.compliance_of(session, plan, as_at=day)
        assert standing is not None
        if standing.standing is Standing.COMPLETED:
            cents = _owed(session, plan.state_code, day)
        else:
            cents = standing.shortfall
        if cents > 0:
            _pay(session, actor, plan, day, cents)
            receipts += 1
    return receipts


def load_plans(session: Session, *, actor: Actor) -> DemoPlans:
    """Record the demo's payment plans, decisions and the receipts under them (the
    caller commits)."""
    limit = min(dataset.DEMO_DATE, utctoday())
    candidates = _applicants(session, limit)
    chosen: list[tuple[_Story, str]] = []
    for story in STORIES:
        if story.received_on > limit:
            continue
        parties = set(dataset.parties_on(story.received_on))
        code = next(
            (
                c
                for c in candidates
                if c in parties
                and c not in {x for _, x in chosen}
                and _owed(session, c, story.received_on) > 0
            ),
            None,
        )
        if code is not None:
            chosen.append((story, code))
    approved = rejected = receipts = 0
    for story, code in sorted(chosen, key=lambda x: x[0].received_on):
        total = _owed(session, code, story.received_on)
        plan = plans.apply_plan(
            session,
            actor=actor,
            data=PaymentPlanIn(
                state_code=code,
                received_on=story.received_on,
                note_verbale=f"NV/{code}/{story.received_on.year}/{story.number} (illustrative)",
                reasons=story.reasons,
                total_outstanding=format_minor(total),
                instalments=_instalments(total, story),
            ),
            recorded_at=dataset.recorded_at(story.received_on),
        )
        if story.decided_on > limit:
            continue
        plans.decide_plan(
            session,
            actor=actor,
            plan_id=plan.id or 0,
            data=PlanDecisionIn(
                approved=story.approved,
                decided_on=story.decided_on,
                reference=story.reference,
                note=story.note,
            ),
            recorded_at=dataset.recorded_at(story.decided_on),
        )
        approved += story.approved
        rejected += not story.approved
        if story.pays == KEEPS:
            receipts += _keep_to(session, actor, plan, limit)
        elif story.pays == FIRST_ONLY:
            first = date(story.first_year, 6, 30)
            receipts += _keep_to(session, actor, plan, min(first, limit))
    return DemoPlans(
        applications=len(chosen), approved=approved, rejected=rejected, receipts=receipts
    )
