"""Rule 8(1)(d) payment plans: the application and its checks, the Management
Committee's decision, and compliance as at any date (the rule in ``compliance``).

Checks on an application (rule in force on the day it was received): the total it gives
equals what the ledger shows outstanding and due in the arrears funds that day; the
instalments add up to that total, fall due in order from the application on, and end
within ``plan_max_years`` years of it. An application received less than
``plan_lead_days`` days before the next CSP opens counts from the CSP after it, and the
plan says why."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.arrears import compliance as pure
from finance_core.arrears.aging import NOT_DUE, bucket_of
from finance_core.arrears.models import ArrearsRule, PaymentPlan, PlanDecision, PlanInstalment
from finance_core.arrears.rules import funds_of, get_rule, rule_on
from finance_core.arrears.schemas import (
    ComplianceOut,
    InstalmentOut,
    PaymentPlanIn,
    PaymentPlanOut,
    PlanDecisionIn,
)
from finance_core.arrears.service import cells
from finance_core.assessments.models import AssessmentRun
from finance_core.audit import service as audit
from finance_core.conferences.models import Conference
from finance_core.db_types import utcnow, utctoday
from finance_core.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from finance_core.ledger.models import AccountType, JournalEntry, LedgerAccount, LedgerPosting
from finance_core.money import format_minor, parse_minor
from finance_core.states.models import State
from finance_core.states.service import get_state


def add_years(day: date, years: int) -> date:
    """``day`` ``years`` years later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def outstanding_due(
    session: Session, state_code: str, day: date, rule: ArrearsRule, known_at: datetime | None
) -> int:
    """What the State owed on ``day`` in the arrears funds, on assessments due by then."""
    found = cells(session, as_at=day, known_at=known_at, state=state_code, funds=funds_of(rule))
    return sum(
        c.outstanding
        for c in found
        if bucket_of(c.year, c.due_on, day, rule.bucket_years) != NOT_DUE
    )


def _counts_for(
    session: Session, received_on: date, lead_days: int
) -> tuple[int | None, str | None]:
    """The CSP a plan received on ``received_on`` counts for first, and why not the
    next one when it does not."""
    upcoming = list(
        session.execute(
            select(Conference)
            .where(col(Conference.start_on) > received_on)
            .order_by(col(Conference.start_on))
            .limit(2)
        ).scalars()
    )
    if not upcoming:
        return None, None
    nxt = upcoming[0]
    days = (nxt.start_on - received_on).days
    if days >= lead_days:
        return nxt.number, None
    reason = (
        f"received {days} days before the opening of {nxt.name} on {nxt.start_on}, less than "
        f"the {lead_days} days required: the plan counts from the following CSP"
    )
    return (upcoming[1].number if len(upcoming) > 1 else None), reason


@dataclass(frozen=True, slots=True)
class PlanCheck:
    """An application that passed every check, and what recording it would store: the
    State, the rule in force on the day it was received, the total and each instalment
    (US cents), what the ledger shows due that day (equal to the total), the last day the
    rule allows the plan to run to, and the CSP it counts for first (and why not the next
    one, when it does not)."""

    state: State
    rule: ArrearsRule
    total_minor: int
    amounts: list[int]
    owed_minor: int
    ends_on: date
    latest_end: date
    counts_for_conference: int | None
    counts_for_reason: str | None


def check_application(session: Session, data: PaymentPlanIn) -> PlanCheck:
    """Check an application as ``apply_plan`` does, writing nothing (a preview of the
    checks): raises the same errors, or gives what would be recorded."""
    state = get_state(session, data.state_code.strip())
    fields: dict[str, str] = {}
    if data.received_on > utctoday():
        fields["received_on"] = "an application cannot be received in the future"
    total = parse_minor(data.total_outstanding, field="total_outstanding")
    if total <= 0:
        fields["total_outstanding"] = "must be positive"
    amounts: list[int] = []
    for i, inst in enumerate(data.instalments):
        amount = parse_minor(inst.amount, field=f"instalments[{i}].amount")
        if amount <= 0:
            fields[f"instalments[{i}].amount"] = "must be positive"
        if i == 0 and inst.due_on < data.received_on:
            fields["instalments[0].due_on"] = "cannot fall due before the application"
        if i > 0 and inst.due_on <= data.instalments[i - 1].due_on:
            fields[f"instalments[{i}].due_on"] = "instalments must fall due in order"
        amounts.append(amount)
    if not fields and sum(amounts) != total:
        fields["instalments"] = (
            f"add up to {format_minor(sum(amounts))}, not the total {format_minor(total)}"
        )
    ValidationFailed.raise_if(fields)
    rule = rule_on(session, data.received_on)
    ends_on = data.instalments[-1].due_on
    limit = add_years(data.received_on, rule.plan_max_years)
    if ends_on > limit:
        raise RuleViolation(
            f"the plan runs to {ends_on}, longer than the {rule.plan_max_years} years Rule "
            f"8(1)(d) allows (at the latest {limit})",
            fields={"instalments": f"the last instalment must fall due by {limit}"},
        )
    owed = outstanding_due(session, state.code, data.received_on, rule, None)
    if owed <= 0:
        raise RuleViolation(
            f"{state.name} owed nothing due on {data.received_on}: there is nothing to plan"
        )
    if owed != total:
        raise ValidationFailed(
            f"the application gives a total outstanding of {format_minor(total)} USD but the "
            f"ledger shows {format_minor(owed)} USD due on {data.received_on}",
            fields={"total_outstanding": f"the ledger shows {format_minor(owed)}"},
        )
    pending = session.execute(
        select(col(PaymentPlan.id)).where(
            col(PaymentPlan.state_code) == state.code,
            col(PaymentPlan.decision) == PlanDecision.SUBMITTED.value,
        )
    ).scalar()
    if pending is not None:
        raise Conflict(f"{state.name} already has application {pending} awaiting a decision")
    conference, reason = _counts_for(session, data.received_on, rule.plan_lead_days)
    return PlanCheck(state, rule, total, amounts, owed, ends_on, limit, conference, reason)


def owed_for_plan(session: Session, state_code: str, day: date) -> tuple[int, ArrearsRule]:
    """What an application received on ``day`` must give as the State's total
    outstanding (US cents, due that day in the rule's arrears funds), and that rule."""
    state = get_state(session, state_code)
    rule = rule_on(session, day)
    return outstanding_due(session, state.code, day, rule, None), rule


def apply_plan(
    session: Session, *, actor: Actor, data: PaymentPlanIn, recorded_at: datetime | None = None
) -> PaymentPlan:
    """Record an application after checking it (see the module docstring and
    ``check_application``)."""
    checked = check_application(session, data)
    state, rule, total, amounts = checked.state, checked.rule, checked.total_minor, checked.amounts
    conference, reason = checked.counts_for_conference, checked.counts_for_reason
    plan = PaymentPlan(
        state_code=state.code,
        received_on=data.received_on,
        note_verbale=data.note_verbale,
        reasons=data.reasons,
        total_minor=total,
        rule_id=rule.id or 0,
        counts_for_conference=conference,
        counts_for_reason=reason,
        decision=PlanDecision.SUBMITTED,
        recorded_by=actor.name,
    )
    if recorded_at is not None:
        plan.recorded_at = recorded_at
    session.add(plan)
    session.flush()
    for i, (inst, amount) in enumerate(zip(data.instalments, amounts, strict=True), start=1):
        session.add(
            PlanInstalment(plan_id=plan.id or 0, line_no=i, due_on=inst.due_on, amount_minor=amount)
        )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="arrears.plan_application",
        object_type="payment_plan",
        object_id=str(plan.id),
        occurred_at=recorded_at,
        detail={
            "state": state.code,
            "received_on": data.received_on.isoformat(),
            "total_minor": total,
            "instalments": len(amounts),
            "counts_for_conference": conference,
        },
    )
    return plan


def get_plan(session: Session, plan_id: int) -> PaymentPlan:
    plan = session.get(PaymentPlan, plan_id)
    if plan is None:
        raise NotFound(f"payment plan {plan_id} does not exist")
    return plan


def decide_plan(
    session: Session,
    *,
    actor: Actor,
    plan_id: int,
    data: PlanDecisionIn,
    recorded_at: datetime | None = None,
) -> PaymentPlan:
    """Record the Management Committee's decision on an application (once)."""
    plan = get_plan(session, plan_id)
    if plan.decision != PlanDecision.SUBMITTED:
        raise Conflict(f"payment plan {plan_id} was already {plan.decision} on {plan.decided_on}")
    if data.decided_on < plan.received_on:
        raise ValidationFailed(
            "a decision cannot precede the application",
            fields={"decided_on": f"on or after {plan.received_on}"},
        )
    if data.decided_on > utctoday():
        raise ValidationFailed(
            "a decision cannot be dated in the future", fields={"decided_on": "in the future"}
        )
    plan.decision = PlanDecision.APPROVED if data.approved else PlanDecision.REJECTED
    plan.decided_on = data.decided_on
    plan.decision_reference = data.reference
    plan.decision_note = data.note
    plan.decision_recorded_by = actor.name
    plan.decision_recorded_at = recorded_at or utcnow()
    session.add(plan)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="arrears.plan_decision",
        object_type="payment_plan",
        object_id=str(plan_id),
        occurred_at=recorded_at,
        detail=data.model_dump(mode="json"),
    )
    return plan


def instalments_of(session: Session, plan_id: int) -> list[PlanInstalment]:
    return list(
        session.execute(
            select(PlanInstalment)
            .where(col(PlanInstalment.plan_id) == plan_id)
            .order_by(col(PlanInstalment.line_no))
        ).scalars()
    )


def _flows(rows: object) -> list[pure.Flow]:
    totals: dict[date, int] = defaultdict(int)
    for on, amount in rows:  # type: ignore[attr-defined]
        totals[on] += int(amount)
    return [pure.Flow(on, amount) for on, amount in sorted(totals.items()) if amount]


def received_since(
    session: Session,
    *,
    state_code: str,
    funds: list[str],
    since: date,
    as_at: date,
    known_at: datetime | None,
) -> list[pure.Flow]:
    """Money received from the State (net of reversals and refunds) in the arrears
    funds' bank accounts, per value date from ``since`` to ``as_at``."""
    p, a = LedgerPosting, LedgerAccount
    query = (
        select(col(p.value_on), func.sum(col(p.amount_minor)))
        .join(a, col(a.id) == col(p.account_id))
        .where(
            col(p.state_code) == state_code,
            col(a.account_type) == AccountType.BANK.value,
            col(p.fund_code).in_(funds),
            col(p.value_on) >= since,
            col(p.value_on) <= as_at,
        )
        .group_by(col(p.value_on))
    )
    if known_at is not None:
        query = query.where(col(p.recorded_at) <= known_at)
    return _flows(session.execute(query).all())


def assessments_falling_due(
    session: Session,
    *,
    state_code: str,
    funds: list[str],
    after: date,
    as_at: date,
    known_at: datetime | None,
) -> list[pure.Flow]:
    """Assessments of the State in the arrears funds falling due after ``after``, per
    the day each fell due (its run's due date, or its posting date when later)."""
    p, a, e, r = LedgerPosting, LedgerAccount, JournalEntry, AssessmentRun
    query = (
        select(col(r.due_on), col(p.value_on), col(p.amount_minor))
        .join(a, col(a.id) == col(p.account_id))
        .join(e, col(e.seq) == col(p.entry_seq))
        .join(r, and_(col(r.entry_seq) == col(e.seq)))
        .where(
            col(p.state_code) == state_code,
            col(a.account_type) == AccountType.RECEIVABLE.value,
            col(p.fund_code).in_(funds),
            col(r.due_on) > after,
            col(p.value_on) <= as_at,
        )
    )
    if known_at is not None:
        query = query.where(col(p.recorded_at) <= known_at)
    rows = [(max(due, posted), amount) for due, posted, amount in session.execute(query).all()]
    return _flows([(on, amount) for on, amount in rows if on <= as_at])


def compliance_of(
    session: Session, plan: PaymentPlan, *, as_at: date, known_at: datetime | None = None
) -> pure.Compliance | None:
    """An approved plan's standing as at ``(as_at, known_at)`` (None if not approved)."""
    if plan.decision != PlanDecision.APPROVED:
        return None
    rule = get_rule(session, plan.rule_id)
    funds = funds_of(rule)
    new = (
        assessments_falling_due(
            session,
            state_code=plan.state_code,
            funds=funds,
            after=plan.received_on,
            as_at=as_at,
            known_at=known_at,
        )
        if rule.plan_counts_new_assessments
        else []
    )
    return pure.assess(
        applied_on=plan.received_on,
        as_at=as_at,
        instalments=[
            pure.Flow(i.due_on, i.amount_minor) for i in instalments_of(session, plan.id or 0)
        ],
        receipts=received_since(
            session,
            state_code=plan.state_code,
            funds=funds,
            since=plan.received_on,
            as_at=as_at,
            known_at=known_at,
        ),
        new_assessments=new,
        grace_days=rule.plan_grace_days,
    )


def exempts(plan: PaymentPlan, standing: pure.Compliance | None, as_at: date) -> bool:
    """Whether the plan exempts its State on ``as_at``: approved by then, and on track
    (or behind within the grace period)."""
    return (
        standing is not None
        and plan.decided_on is not None
        and plan.decided_on <= as_at
        and standing.standing in pure.EXEMPTING
    )


def compliance_out(plan: PaymentPlan, c: pure.Compliance) -> ComplianceOut:
    return ComplianceOut(
        as_at=c.as_at,
        standing=c.standing.value,
        received=format_minor(c.received),
        instalments_due=format_minor(c.instalments_due),
        assessments_due=format_minor(c.assessments_due),
        shortfall=format_minor(c.shortfall),
        short_since=c.short_since,
        lapsed_on=c.lapsed_on,
        completed_on=c.completed_on,
        exempts=exempts(plan, c, c.as_at),
    )


def plan_out(
    session: Session,
    plan: PaymentPlan,
    *,
    as_at: date | None = None,
    known_at: datetime | None = None,
) -> PaymentPlanOut:
    """The plan as the API shows it, with its compliance as at ``as_at`` (default today)."""
    instalments = instalments_of(session, plan.id or 0)
    standing = compliance_of(session, plan, as_at=as_at or utctoday(), known_at=known_at)
    return PaymentPlanOut(
        id=plan.id or 0,
        state_code=plan.state_code,
        state_name=get_state(session, plan.state_code).name,
        received_on=plan.received_on,
        note_verbale=plan.note_verbale,
        reasons=plan.reasons,
        total_outstanding=format_minor(plan.total_minor),
        instalments=[
            InstalmentOut(due_on=i.due_on, amount=format_minor(i.amount_minor)) for i in instalments
        ],
        ends_on=instalments[-1].due_on if instalments else plan.received_on,
        rule_id=plan.rule_id,
        counts_for_conference=plan.counts_for_conference,
        counts_for_reason=plan.counts_for_reason,
        decision=plan.decision.value
        if isinstance(plan.decision, PlanDecision)
        else str(plan.decision),
        decided_on=plan.decided_on,
        decision_reference=plan.decision_reference,
        decision_note=plan.decision_note,
        recorded_at=plan.recorded_at,
        recorded_by=plan.recorded_by,
        compliance=None if standing is None else compliance_out(plan, standing),
    )


def list_plans(
    session: Session, *, state_code: str | None, limit: int, offset: int
) -> tuple[list[PaymentPlan], int]:
    """Plans, newest application first, and how many match."""
    query = select(PaymentPlan)
    if state_code:
        query = query.where(col(PaymentPlan.state_code) == state_code.upper())
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    plans = session.execute(
        query.order_by(col(PaymentPlan.received_on).desc(), col(PaymentPlan.id).desc())
        .limit(limit)
        .offset(offset)
    ).scalars()
    return list(plans), int(total)


def approved_by(
    session: Session, as_at: date, known_at: datetime | None = None
) -> dict[str, list[PaymentPlan]]:
    """Each State's plans approved by ``as_at`` (with the decision recorded by
    ``known_at``), oldest application first."""
    plans: dict[str, list[PaymentPlan]] = defaultdict(list)
    query = select(PaymentPlan).where(
        col(PaymentPlan.decision) == PlanDecision.APPROVED.value,
        col(PaymentPlan.decided_on) <= as_at,
    )
    if known_at is not None:
        query = query.where(col(PaymentPlan.decision_recorded_at) <= known_at)
    for plan in session.execute(
        query.order_by(col(PaymentPlan.received_on), col(PaymentPlan.id))
    ).scalars():
        plans[plan.state_code].append(plan)
    return plans


def counts_at(plan: PaymentPlan, conference_start: date, lead_days: int) -> bool:
    """Whether the plan was received early enough to count at a CSP opening then."""
    return (conference_start - plan.received_on) >= timedelta(days=lead_days)
