"""Financial Rule 8 as at a date or a CSP's opening: which States the measures apply
to, which are exempt through a Rule 8(1)(d) payment plan, and why, with the figures.

At a CSP, a plan exempts its State only if it was received at least the rule's lead
time before the opening, approved by then, and on track (or behind within the grace
period) that day. As at any other date, the lead time is not looked at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session

from finance_core.arrears import aging as pure
from finance_core.arrears import plans as plan_service
from finance_core.arrears.compliance import Compliance
from finance_core.arrears.models import ArrearsRule, PaymentPlan
from finance_core.arrears.rules import MEASURES, measures_of
from finance_core.arrears.schemas import Rule8Out, Rule8StateOut, TriggerOut
from finance_core.arrears.service import Aging, aging, state_names
from finance_core.conferences.models import Conference
from finance_core.errors import NotFound, ValidationFailed
from finance_core.money import format_minor
from finance_core.states.service import statuses_on


@dataclass(frozen=True, slots=True)
class Rule8Row:
    """One State owing arrears, or meeting the trigger, on the date."""

    state: str
    status: str
    position: pure.StateAging
    trigger: pure.Trigger
    plan: PaymentPlan | None
    standing: Compliance | None
    exempt: bool
    reason: str

    @property
    def subject(self) -> bool:
        return self.trigger.met and not self.exempt


@dataclass(frozen=True, slots=True)
class Rule8:
    as_at: date
    known_at: datetime | None
    conference: Conference | None
    rule: ArrearsRule
    rows: list[Rule8Row]


def _usd(minor: int) -> str:
    """US cents as "50,000.00 USD" (sentences only; data stays in cents)."""
    return f"{Decimal(minor).scaleb(-2):,.2f} USD"


def _years(years: tuple[int, ...]) -> str:
    """(2024, 2023) → "2023 and 2024"."""
    ordered = [str(y) for y in sorted(years)]
    return ordered[0] if len(ordered) == 1 else ", ".join(ordered[:-1]) + f" and {ordered[-1]}"


def _choose_plan(
    plans: list[PaymentPlan], conference: Conference | None, lead_days: int
) -> tuple[PaymentPlan | None, PaymentPlan | None]:
    """(the latest plan that counts on the date, the latest plan received too late)."""
    counting = late = None
    for plan in plans:
        if conference is None or plan_service.counts_at(plan, conference.start_on, lead_days):
            counting = plan
        else:
            late = plan
    return counting, late


def rule8(
    session: Session,
    *,
    as_at: date | None = None,
    conference_number: int | None = None,
    known_at: datetime | None = None,
    aged: Aging | None = None,
) -> Rule8:
    """Rule 8 as at ``as_at``, or as at the opening of CSP ``conference_number``.
    ``aged``: the aging as at the same ``(as_at, known_at)`` when the caller already has
    it (it is not read again)."""
    conference: Conference | None = None
    if conference_number is not None:
        conference = session.get(Conference, conference_number)
        if conference is None:
            raise NotFound(f"CSP{conference_number} is not recorded")
        as_at = conference.start_on
    if as_at is None:
        raise ValidationFailed("give as_at or a conference", fields={"as_at": "required"})
    if aged is not None and (aged.as_at, aged.known_at) != (as_at, known_at):
        raise ValueError("the aging given is not as at the same (as_at, known_at)")
    report = aged or aging(session, as_at=as_at, known_at=known_at)
    rule, rules = report.rule, report.rules
    by_state: dict[str, list[pure.Cell]] = {}
    for cell in report.cells:
        by_state.setdefault(cell.state, []).append(cell)
    statuses = statuses_on(session, as_at)
    approved = plan_service.approved_by(session, as_at, known_at)
    rows: list[Rule8Row] = []
    for code, position in report.states.items():
        check = pure.trigger(position, by_state.get(code, []), as_at, rules)
        if position.arrears <= 0 and not check.met:
            continue
        plan, late = _choose_plan(approved.get(code, []), conference, rule.plan_lead_days)
        standing = (
            plan_service.compliance_of(session, plan, as_at=as_at, known_at=known_at)
            if plan is not None and check.met
            else None
        )
        exempt = plan is not None and plan_service.exempts(plan, standing, as_at)
        rows.append(
            Rule8Row(
                state=code,
                status=str(statuses.get(code, "")),
                position=position,
                trigger=check,
                plan=plan,
                standing=standing,
                exempt=exempt and check.met,
                reason=_reason(check, plan, late, standing, exempt, rule),
            )
        )
    rows.sort(key=lambda r: (not r.subject, not r.exempt, -r.position.arrears, r.state))
    return Rule8(as_at, known_at, conference, rule, rows)


def _reason(
    check: pure.Trigger,
    plan: PaymentPlan | None,
    late: PaymentPlan | None,
    standing: Compliance | None,
    exempt: bool,
    rule: ArrearsRule,
) -> str:
    """Why the State is subject, exempt, or neither, in one sentence with the figures."""
    compared = (
        f"arrears of {_usd(check.arrears)} are "
        + ("at least" if check.arrears >= check.threshold else "less than")
        + f" the {_usd(check.threshold)} assessed for {_years(check.years)}"
    )
    if not check.met:
        if check.arrears >= check.threshold:
            compared = f"arrears of {_usd(check.arrears)} do not exceed {_usd(check.minimum)}"
        return f"{compared}: not subject to the measures"
    if plan is not None and standing is not None:
        label = f"payment plan {plan.id} (approved on {plan.decided_on}, {plan.decision_reference})"
        if exempt:
            return (
                f"{compared}, but {label} is {standing.standing.value.replace('_', ' ')} "
                f"(received {_usd(standing.received)}, due {_usd(standing.required)}): exempt"
            )
        ended = (
            f"lapsed on {standing.lapsed_on} (received {_usd(standing.received)}, due "
            f"{_usd(standing.required)})"
            if standing.lapsed_on
            else f"is {standing.standing.value.replace('_', ' ')}"
        )
        return f"{compared}, and {label} {ended}: the measures apply"
    if late is not None:
        return (
            f"{compared}; payment plan {late.id} was received on {late.received_on}, less than "
            f"{rule.plan_lead_days} days before this CSP, and counts from the next one: "
            "the measures apply"
        )
    return f"{compared}: the measures apply"


def rule8_out(session: Session, result: Rule8) -> Rule8Out:
    names = state_names(session)
    measures = measures_of(result.rule)
    items = [
        Rule8StateOut(
            state_code=r.state,
            state_name=names.get(r.state, r.state),
            status=r.status,
            outstanding=format_minor(r.position.outstanding),
            arrears=format_minor(r.position.arrears),
            trigger=TriggerOut(
                met=r.trigger.met,
                arrears=format_minor(r.trigger.arrears),
                threshold=format_minor(r.trigger.threshold),
                years=sorted(r.trigger.years),
                minimum=format_minor(r.trigger.minimum),
            ),
            subject=r.subject,
            exempt=r.exempt,
            plan_id=r.plan.id if r.plan else None,
            plan_standing=r.standing.standing.value if r.standing else None,
            measures=measures if r.subject else [],
            reason=r.reason,
        )
        for r in result.rows
    ]
    return Rule8Out(
        as_at=result.as_at,
        known_at=result.known_at,
        conference=result.conference.number if result.conference else None,
        conference_name=result.conference.name if result.conference else None,
        rule_id=result.rule.id or 0,
        rule_reference=result.rule.reference,
        measures={m: MEASURES.get(m, m) for m in measures},
        subject=sum(r.subject for r in result.rows),
        exempt=sum(r.exempt for r in result.rows),
        items=items,
    )


@dataclass(frozen=True, slots=True)
class Position:
    """A State's position as at a date: everything it owes and its arrears (US cents),
    and where it stands under Rule 8: ``subject`` to the measures, ``exempt`` through an
    approved payment plan, or neither."""

    outstanding: int
    arrears: int
    subject: bool
    exempt: bool


def positions(
    session: Session, *, as_at: date, known_at: datetime | None = None
) -> dict[str, Position]:
    """Every State with a receivable as at ``(as_at, known_at)``, by code, from one aging
    and Rule 8 on it (a State not in it owes nothing and is not subject)."""
    report = aging(session, as_at=as_at, known_at=known_at)
    listed = {r.state: r for r in rule8(session, as_at=as_at, known_at=known_at, aged=report).rows}
    found: dict[str, Position] = {}
    for code, position in report.states.items():
        row = listed.get(code)
        found[code] = Position(
            outstanding=position.outstanding,
            arrears=position.arrears,
            subject=row is not None and row.subject,
            exempt=row is not None and row.exempt,
        )
    return found
