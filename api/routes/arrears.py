"""Arrears and aging, Financial Rule 8 measures and Rule 8(1)(d) payment plans.

Everything here is confidential (the Management Committee and finance officers): the
public sees the status of contributions once published, not this detail."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import OfficerDep, PageDep, ReaderDep, SessionDep, as_utc
from api.errors import error_responses
from api.files import file_response, file_responses
from api.schemas import Page, UntilLastYear
from finance_core.arrears import plans, rules
from finance_core.arrears import service as arrears
from finance_core.arrears.rule8 import rule8, rule8_out
from finance_core.arrears.schemas import (
    ArrearsRuleIn,
    ArrearsRuleOut,
    CollectionOut,
    HistoryPointOut,
    PaymentPlanIn,
    PaymentPlanOut,
    PlanDecisionIn,
    Rule8Out,
)
from finance_core.db_types import utctoday
from finance_core.states.service import get_state
from reports import reminders
from reports.aging import aging_csv
from reports.i18n import Language

router = APIRouter(tags=["arrears"])

AsAt = Annotated[date | None, Query(description="Value-date cutoff (default today).")]
KnownAt = Annotated[datetime | None, Query(description="Recording cutoff (UTC; default now).")]
_READ_ERRORS = error_responses(401, 403, 404, 422)
_WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


class AgingFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


@router.get(
    "/arrears/aging",
    response_class=Response,
    responses=file_responses(
        "The aging as JSON (AgingOut) or CSV (one row per State, fund and year).",
        ["application/json", "text/csv; charset=utf-8"],
    ),
)
def get_aging(
    session: SessionDep,
    _actor: ReaderDep,
    as_at: AsAt = None,
    known_at: KnownAt = None,
    state: Annotated[str | None, Query(description="One State's code.")] = None,
    format: AgingFormat = AgingFormat.JSON,
) -> Response:
    """Arrears and aging per State, fund and assessment year: assessed, paid, credited,
    written off, outstanding, bucket and days past due. Buckets sum to the outstanding
    total, which equals the ledger's receivable balance."""
    code = get_state(session, state).code if state else None
    report = arrears.aging_out(
        session,
        arrears.aging(session, as_at=as_at or utctoday(), known_at=as_utc(known_at), state=code),
    )
    if format is AgingFormat.CSV:
        name = f"aging-{report.as_at.isoformat()}.csv"
        return file_response(aging_csv(report), "text/csv; charset=utf-8", name)
    return Response(report.model_dump_json(), media_type="application/json")


@router.get(
    "/arrears/collection",
    response_model=list[CollectionOut],
    responses=error_responses(401, 403, 422),
)
def get_collection(
    session: SessionDep, _actor: ReaderDep, as_at: AsAt = None, known_at: KnownAt = None
) -> list[CollectionOut]:
    """Collection per fund and assessment year: assessed, collected (paid and credit
    applied), written off, outstanding, and the collection rate."""
    return arrears.collection(session, as_at=as_at or utctoday(), known_at=as_utc(known_at))


@router.get(
    "/states/{code}/arrears-history",
    response_model=list[HistoryPointOut],
    responses=_READ_ERRORS,
)
def get_arrears_history(
    code: str,
    session: SessionDep,
    _actor: ReaderDep,
    as_at: Annotated[
        UntilLastYear | None,
        Query(description="Value-date cutoff, by 31 December 2100 (default today)."),
    ] = None,
    known_at: KnownAt = None,
) -> list[HistoryPointOut]:
    """A State's outstanding and arrears at each year end since its first assessment,
    and as at the date."""
    return arrears.history(
        session, state_code=code, as_at=as_at or utctoday(), known_at=as_utc(known_at)
    )


@router.get(
    "/states/{code}/reminder",
    response_class=Response,
    responses=file_responses("The reminder letter as PDF or HTML.", reminders.MEDIA_TYPES.values()),
)
def get_reminder(
    code: str,
    session: SessionDep,
    _actor: ReaderDep,
    as_at: AsAt = None,
    known_at: KnownAt = None,
    lang: Language = Language.EN,
    format: reminders.ReminderFormat = reminders.ReminderFormat.PDF,
) -> Response:
    """The reminder letter to a State with contributions outstanding and due: its
    statement of arrears, where it stands under Financial Rule 8 and how to apply for a
    payment plan. 404 when the State owes nothing that is due."""
    letter = reminders.reminder_for(
        session, state_code=code, as_at=as_at or utctoday(), known_at=as_utc(known_at)
    )
    body = reminders.render(letter, lang, format)
    filename = f"{letter.filename_stem}-{lang.value}.{format.value}"
    return file_response(body, reminders.MEDIA_TYPES[format], filename)


@router.get("/arrears/rule8", response_model=Rule8Out, responses=_READ_ERRORS)
def get_rule8(
    session: SessionDep,
    _actor: ReaderDep,
    conference: Annotated[
        int | None, Query(description="As at this CSP's opening (its number).")
    ] = None,
    as_at: AsAt = None,
    known_at: KnownAt = None,
) -> Rule8Out:
    """Financial Rule 8 as at a CSP's opening (or a date): every State in arrears, whether
    the trigger is met, whether a payment plan exempts it, the measures that apply, and
    why, with the figures."""
    result = rule8(
        session,
        as_at=None if conference is not None else (as_at or utctoday()),
        conference_number=conference,
        known_at=as_utc(known_at),
    )
    return rule8_out(session, result)


@router.get(
    "/arrears/rules", response_model=Page[ArrearsRuleOut], responses=error_responses(401, 403)
)
def list_rules(session: SessionDep, _actor: ReaderDep) -> Page[ArrearsRuleOut]:
    """The dated arrears and Rule 8 rules, oldest first, each with its decision."""
    return Page.whole([rules.rule_out(r) for r in rules.list_rules(session)])


@router.post(
    "/arrears/rules", response_model=ArrearsRuleOut, status_code=201, responses=_WRITE_ERRORS
)
def adopt_rule(data: ArrearsRuleIn, session: SessionDep, actor: OfficerDep) -> ArrearsRuleOut:
    """Record an arrears rule adopted by a decision (trigger, measures, aging buckets,
    payment-plan parameters), in force from its date."""
    return rules.rule_out(rules.adopt_rule(session, actor=actor, data=data))


@router.post(
    "/payment-plans", response_model=PaymentPlanOut, status_code=201, responses=_WRITE_ERRORS
)
def apply_plan(data: PaymentPlanIn, session: SessionDep, actor: OfficerDep) -> PaymentPlanOut:
    """Record a State's application for a Rule 8(1)(d) payment plan after checking it: the
    total against the ledger, instalments adding up to it and in order, at most the
    rule's years; a late application counts from the following CSP (with the reason)."""
    plan = plans.apply_plan(session, actor=actor, data=data)
    return plans.plan_out(session, plan, as_at=data.received_on)


@router.get("/payment-plans", response_model=Page[PaymentPlanOut], responses=_READ_ERRORS)
def list_plans(
    session: SessionDep,
    _actor: ReaderDep,
    window: PageDep,
    state: str | None = None,
    as_at: AsAt = None,
    known_at: KnownAt = None,
) -> Page[PaymentPlanOut]:
    """Payment plans, newest application first, with their compliance as at the date."""
    limit, offset = window
    found, total = plans.list_plans(session, state_code=state, limit=limit, offset=offset)
    items = [
        plans.plan_out(session, p, as_at=as_at or utctoday(), known_at=as_utc(known_at))
        for p in found
    ]
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get("/payment-plans/{plan_id}", response_model=PaymentPlanOut, responses=_READ_ERRORS)
def get_plan(
    plan_id: int,
    session: SessionDep,
    _actor: ReaderDep,
    as_at: AsAt = None,
    known_at: KnownAt = None,
) -> PaymentPlanOut:
    """A payment plan, its decision, and its compliance as at the date."""
    return plans.plan_out(
        session,
        plans.get_plan(session, plan_id),
        as_at=as_at or utctoday(),
        known_at=as_utc(known_at),
    )


@router.post(
    "/payment-plans/{plan_id}/decision", response_model=PaymentPlanOut, responses=_WRITE_ERRORS
)
def decide_plan(
    plan_id: int, data: PlanDecisionIn, session: SessionDep, actor: OfficerDep
) -> PaymentPlanOut:
    """Record the Management Committee's decision on an application (once)."""
    plan = plans.decide_plan(session, actor=actor, plan_id=plan_id, data=data)
    return plans.plan_out(session, plan, as_at=data.decided_on)
