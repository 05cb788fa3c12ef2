"""The dated arrears and Rule 8 rules: which one is in force, adopting a new one, and the
catalogue of measures a rule may bring."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.arrears.aging import AgingRules
from finance_core.arrears.models import ArrearsRule
from finance_core.arrears.schemas import ArrearsRuleIn, ArrearsRuleOut
from finance_core.audit import service as audit
from finance_core.errors import Conflict, NotFound, ValidationFailed
from finance_core.funds.models import Fund
from finance_core.money import format_minor, parse_minor

#: Measures a rule may bring (code → what it means), after Financial Rule 8.
MEASURES: dict[str, str] = {
    "no_vote": "may not vote at the Conference of States Parties",
    "no_bureau": "not eligible for the Bureau of the CSP",
    "no_management_committee": "not eligible for the Management Committee",
    "no_vtf_selection_committee": "not eligible for the VTF Selection Committee",
    "no_sponsorship": "not eligible for the Sponsorship Programme",
}


def rule_on(session: Session, day: date) -> ArrearsRule:
    """The arrears rule in force on ``day``."""
    rule: ArrearsRule | None = session.execute(
        select(ArrearsRule)
        .where(col(ArrearsRule.effective_from) <= day)
        .order_by(col(ArrearsRule.effective_from).desc())
        .limit(1)
    ).scalar_one_or_none()
    if rule is None:
        raise NotFound(f"no arrears rule is in force on {day}")
    return rule


def get_rule(session: Session, rule_id: int) -> ArrearsRule:
    rule = session.get(ArrearsRule, rule_id)
    if rule is None:
        raise NotFound(f"arrears rule {rule_id} does not exist")
    return rule


def aging_rules(rule: ArrearsRule) -> AgingRules:
    """What the pure calculation needs of a stored rule."""
    return AgingRules(
        bucket_years=rule.bucket_years,
        arrears_funds=frozenset(funds_of(rule)),
        trigger_years=rule.trigger_years,
        trigger_minimum=rule.trigger_minimum_minor,
    )


def funds_of(rule: ArrearsRule) -> list[str]:
    return [f for f in rule.arrears_funds.split(",") if f]


def measures_of(rule: ArrearsRule) -> list[str]:
    return [m for m in rule.measures.split(",") if m]


def list_rules(session: Session) -> list[ArrearsRule]:
    """Every rule, oldest first."""
    return list(
        session.execute(select(ArrearsRule).order_by(col(ArrearsRule.effective_from))).scalars()
    )


def adopt_rule(session: Session, *, actor: Actor, data: ArrearsRuleIn) -> ArrearsRule:
    """Record a rule adopted by a decision, in force from ``effective_from``."""
    fields: dict[str, str] = {}
    funds = [f.strip().upper() for f in data.arrears_funds]
    for fund in funds:
        if session.get(Fund, fund) is None:
            fields["arrears_funds"] = f"unknown fund {fund}"
    if not funds:
        fields["arrears_funds"] = "name at least one fund"
    unknown = [m for m in data.measures if m not in MEASURES]
    if unknown:
        fields["measures"] = f"unknown measure {unknown[0]!r}; known: {', '.join(MEASURES)}"
    minimum = parse_minor(data.trigger_minimum, field="trigger_minimum")
    if minimum < 0:
        fields["trigger_minimum"] = "must not be negative"
    ValidationFailed.raise_if(fields)
    if session.execute(
        select(col(ArrearsRule.id)).where(col(ArrearsRule.effective_from) == data.effective_from)
    ).first():
        raise Conflict(f"a rule in force from {data.effective_from} is already recorded")
    rule = ArrearsRule(
        effective_from=data.effective_from,
        arrears_funds=",".join(dict.fromkeys(funds)),
        bucket_years=data.bucket_years,
        trigger_years=data.trigger_years,
        trigger_minimum_minor=minimum,
        measures=",".join(dict.fromkeys(data.measures)),
        plan_max_years=data.plan_max_years,
        plan_lead_days=data.plan_lead_days,
        plan_grace_days=data.plan_grace_days,
        plan_counts_new_assessments=data.plan_counts_new_assessments,
        reference=data.reference,
        recorded_by=actor.name,
    )
    session.add(rule)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="arrears.rule",
        object_type="arrears_rule",
        object_id=str(rule.id),
        detail=data.model_dump(mode="json"),
    )
    return rule


def rule_out(rule: ArrearsRule) -> ArrearsRuleOut:
    return ArrearsRuleOut(
        id=rule.id or 0,
        effective_from=rule.effective_from,
        arrears_funds=funds_of(rule),
        bucket_years=rule.bucket_years,
        trigger_years=rule.trigger_years,
        trigger_minimum=format_minor(rule.trigger_minimum_minor),
        measures=measures_of(rule),
        plan_max_years=rule.plan_max_years,
        plan_lead_days=rule.plan_lead_days,
        plan_grace_days=rule.plan_grace_days,
        plan_counts_new_assessments=rule.plan_counts_new_assessments,
        reference=rule.reference,
        recorded_at=rule.recorded_at,
        recorded_by=rule.recorded_by,
    )
