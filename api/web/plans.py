"""Payment plans under Financial Rule 8(1)(d), in the web interface: the list with each
plan's decision and standing; recording an application (the form, the checks the service
makes shown as the officer types and before confirming, then the confirmed write); and a
plan's page with its instalments, its compliance as at a date and, for finance officers,
the form recording the Management Committee's decision.

The checks and the writes are the service's (``finance_core.arrears.plans``:
``check_application``, ``apply_plan``, ``decide_plan``), with the API's request models.
The instalments are typed on rows of a due date and an amount (``due_on_N``,
``amount_N``; blank rows are ignored). Each form that writes carries an idempotency key
made when it was shown: a double click or a resubmitted form writes once."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from api.deps import SessionDep
from api.web.auth import Officer, Reader, WebCaller
from api.web.forms import KEY_FIELD, field_errors, form_values, new_key, parse, write_once
from api.web.pages import render
from api.web.states import DECISIONS, STANDINGS, Text, as_at_of
from finance_core.arrears import plans
from finance_core.arrears.rules import funds_of
from finance_core.arrears.schemas import PaymentPlanIn, PlanDecisionIn
from finance_core.db_types import utctoday
from finance_core.errors import DomainError
from finance_core.money import format_minor, parse_minor
from finance_core.states import service as states
from finance_core.system.service import is_demo

router = APIRouter(prefix="/app", include_in_schema=False)

#: The routes the idempotency keys of the two forms are scoped to.
ROUTE = "POST /app/payment-plans"
DECISION_ROUTE = "POST /app/payment-plans/{plan_id}/decision"
_FIELDS = ("state_code", "received_on", "note_verbale", "reasons", "total_outstanding")
_DECISION_FIELDS = ("approved", "decided_on", "reference", "note")
#: Instalment rows: shown at first, added on request, at most.
ROWS, MORE_ROWS, MAX_ROWS = 6, 6, 200
#: Plans per page of the list.
PAGE = 50
#: A service's field name for an instalment: ``instalments[2].amount`` or
#: ``instalments.2.amount`` (the request model's).
_INSTALMENT = re.compile(r"^instalments(?:\[(\d+)\]|\.(\d+))\.(due_on|amount)$")


# --- the application form -------------------------------------------------------------


def _row_count(text: str, extra: int = 0) -> int:
    try:
        rows = int(text)
    except ValueError:
        rows = ROWS
    return max(1, min(MAX_ROWS, rows + extra))


async def _posted(request: Request) -> dict[str, str]:
    """The application form as typed (its instalment rows included)."""
    form = await request.form()
    rows = _row_count(str(form.get("rows", ROWS)))
    names = [
        *_FIELDS,
        "rows",
        *(f"{f}_{i}" for i in range(1, rows + 1) for f in ("due_on", "amount")),
    ]
    values = await form_values(request, names)
    values["rows"] = str(rows)
    return values


def _typed_rows(values: dict[str, str]) -> tuple[list[dict[str, str]], list[int]]:
    """The instalments typed (blank rows left out) and the row each came from."""
    instalments: list[dict[str, str]] = []
    where: list[int] = []
    for i in range(1, _row_count(values.get("rows", "")) + 1):
        typed = {f: values.get(f"{f}_{i}", "").strip() for f in ("due_on", "amount")}
        if any(typed.values()):
            instalments.append({k: v for k, v in typed.items() if v})
            where.append(i)
    return instalments, where


def _application(values: dict[str, str]) -> PaymentPlanIn:
    """The form as the API's request (ValidationFailed naming the fields)."""
    data: dict[str, Any] = {k: values.get(k, "") for k in _FIELDS}
    data["instalments"] = _typed_rows(values)[0]
    return parse(PaymentPlanIn, data)


def _errors(exc: DomainError, values: dict[str, str]) -> dict[str, str]:
    """What to show on the form: an instalment's error on the row it was typed on."""
    where = _typed_rows(values)[1]
    shown: dict[str, str] = {}
    for name, message in _refusal(exc).items():
        found = _INSTALMENT.match(name)
        if found:
            index = int(found.group(1) or found.group(2))
            if index < len(where):
                name = f"{found.group(3)}_{where[index]}"
        shown[name] = message
    return shown


def _refusal(exc: DomainError) -> dict[str, str]:
    """The refusal by field, and ``form`` only when the sentence says more than the
    fields do (the ledger's figure, the longest plan allowed)."""
    errors = field_errors(exc)
    if exc.fields:
        sentence = _sentence(exc)
        if sentence is None:
            errors.pop("form", None)
        else:
            errors["form"] = sentence
    return errors


def _sentence(exc: DomainError) -> str | None:
    """The refusal's sentence when it says more than its fields do (the ledger's figure,
    the longest plan allowed), as a sentence."""
    detail = exc.detail
    if not exc.fields or not detail or detail.startswith("some fields"):
        return None
    if any(detail.startswith(f"{name}: ") for name in exc.fields):
        return None
    return detail[0].upper() + detail[1:] + "."


def _labels(values: dict[str, str]) -> dict[str, str]:
    """The form's fields in words (for the list of what needs attention)."""
    labels = {
        "state_code": "State",
        "received_on": "Received on",
        "note_verbale": "Note verbale",
        "reasons": "Reasons given",
        "total_outstanding": "Total outstanding",
        "instalments": "Instalments",
    }
    for i in range(1, _row_count(values.get("rows", "")) + 1):
        labels[f"due_on_{i}"] = f"Instalment {i}: due on"
        labels[f"amount_{i}"] = f"Instalment {i}: amount"
    return labels


def _ledger(session: Session, values: dict[str, str]) -> dict[str, str] | None:
    """What the ledger shows due for the State on the day received, once both are typed."""
    code, day = values.get("state_code", "").strip(), values.get("received_on", "").strip()
    if not code or not day:
        return None
    received, problem = as_at_of(day)
    if problem:
        return None
    try:
        owed, rule = plans.owed_for_plan(session, code, received)
    except DomainError:
        return None
    return {
        "owed": format_minor(owed),
        "on": received.isoformat(),
        "funds": ", ".join(funds_of(rule)),
        "max_years": str(rule.plan_max_years),
    }


def _check(session: Session, values: dict[str, str]) -> dict[str, Any]:
    """The service's checks on the application as typed: what passed, or what did not."""
    result: dict[str, Any] = {
        "ledger": _ledger(session, values),
        "labels": _labels(values),
        "errors": {},
        "passed": None,
    }
    try:
        checked = plans.check_application(session, _application(values))
    except DomainError as exc:
        result["errors"] = _errors(exc, values)
        return result
    result["passed"] = {
        "state": checked.state.name,
        "total": format_minor(checked.total_minor),
        "count": len(checked.amounts),
        "ends_on": checked.ends_on.isoformat(),
        "latest_end": checked.latest_end.isoformat(),
        "max_years": checked.rule.plan_max_years,
        "conference": checked.counts_for_conference,
        "reason": checked.counts_for_reason,
    }
    return result


def _form(
    request: Request,
    session: Session,
    caller: WebCaller,
    values: dict[str, str],
    *,
    check: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    choices = [
        (s.code, f"{s.name} ({s.code})") for s in states.list_states(session, as_at=utctoday())
    ]
    return render(
        request,
        "plans_form.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        values=values,
        rows=_row_count(values.get("rows", "")),
        errors=(check or {}).get("errors", {}),
        check=check,
        states=choices,
    )


@router.get("/payment-plans")
def plans_list(
    request: Request,
    session: SessionDep,
    caller: Reader,
    state: Text = "",
    offset: Text = "",
) -> Response:
    """Every plan, newest application first, with its decision and standing today."""
    start = max(0, int(offset)) if offset.isdigit() else 0
    code = state.strip().upper() or None
    found, total = plans.list_plans(session, state_code=code, limit=PAGE, offset=start)
    today = utctoday()
    shown = [plans.plan_out(session, p, as_at=today) for p in found]
    with_plans = sorted({(p.state_code, p.state_name) for p in shown}, key=lambda s: s[1])
    return render(
        request,
        "plans_list.html.j2",
        caller=caller,
        demo=is_demo(session),
        plans=shown,
        total=total,
        offset=start,
        page=PAGE,
        state=code or "",
        states=[(s.code, f"{s.name} ({s.code})") for s in states.list_states(session, as_at=today)],
        with_plans=with_plans,
        as_at=today,
        decisions=DECISIONS,
        standings=STANDINGS,
    )


@router.get("/payment-plans/new")
def new_plan(request: Request, session: SessionDep, caller: Officer, state: Text = "") -> Response:
    values = {
        "state_code": state.strip().upper(),
        "received_on": utctoday().isoformat(),
        "rows": str(ROWS),
        KEY_FIELD: new_key(),
    }
    check = {"ledger": _ledger(session, values), "labels": {}, "errors": {}, "passed": None}
    return _form(request, session, caller, values, check=check)


@router.post("/payment-plans/check")
async def check_plan(request: Request, session: SessionDep, caller: Officer) -> Response:
    """The checks on the application as typed, as a fragment of the form (writes nothing)."""
    values = await _posted(request)
    return render(
        request,
        "plans_check.html.j2",
        caller=caller,
        demo=is_demo(session),
        check=_check(session, values),
    )


@router.post("/payment-plans/edit")
async def edit_plan(request: Request, session: SessionDep, caller: Officer) -> Response:
    """The form again as typed (from the confirmation, or with more instalment rows)."""
    values = await _posted(request)
    form = await request.form()
    if form.get("more"):
        values["rows"] = str(_row_count(values["rows"], MORE_ROWS))
    return _form(request, session, caller, values, check=_check(session, values))


@router.post("/payment-plans/preview")
async def preview_plan(request: Request, session: SessionDep, caller: Officer) -> Response:
    """The application checked: the confirmation, or the form again with what to fix."""
    values = await _posted(request)
    check = _check(session, values)
    if check["passed"] is None:
        return _form(request, session, caller, values, check=check, status_code=422)
    instalments, _where = _typed_rows(values)
    return render(
        request,
        "plans_preview.html.j2",
        caller=caller,
        demo=is_demo(session),
        values=values,
        check=check,
        instalments=instalments,
        hidden=list(values),
    )


@router.post("/payment-plans")
async def record_plan(request: Request, session: SessionDep, caller: Officer) -> Response:
    values = await _posted(request)

    def refused(exc: DomainError) -> Response:
        check = _check(session, values)
        if not check["errors"]:
            check["errors"] = _errors(exc, values)
        return _form(request, session, caller, values, check=check, status_code=422)

    return write_once(
        session,
        request,
        caller,
        route=ROUTE,
        key=values[KEY_FIELD],
        data=lambda: _application(values),
        write=lambda actor, data: plans.plan_out(
            session, plans.apply_plan(session, actor=actor, data=data), as_at=data.received_on
        ),
        then=lambda done: f"/app/payment-plans/{done['id']}",
        refused=refused,
    )


# --- a plan and the Committee's decision -----------------------------------------------


def _plan_page(
    request: Request,
    session: Session,
    caller: WebCaller,
    plan_id: int,
    *,
    as_at: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    day, problem = as_at_of(as_at)
    plan = plans.get_plan(session, plan_id)
    out = plans.plan_out(session, plan, as_at=day)
    running, schedule = 0, []
    for i in out.instalments:
        running += parse_minor(i.amount)
        schedule.append(
            {"due_on": i.due_on, "amount": i.amount, "cumulative": format_minor(running)}
        )
    decision = values or {"decided_on": utctoday().isoformat(), KEY_FIELD: new_key()}
    return render(
        request,
        "plans_page.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        plan=out,
        schedule=schedule,
        as_at=day,
        as_at_text=as_at,
        problem=problem,
        decisions=DECISIONS,
        standings=STANDINGS,
        values=decision,
        errors=errors or {},
        verdicts=[("true", "Approved"), ("false", "Rejected")],
    )


@router.get("/payment-plans/{plan_id}")
def plan_page(
    plan_id: int, request: Request, session: SessionDep, caller: Reader, as_at: Text = ""
) -> Response:
    return _plan_page(request, session, caller, plan_id, as_at=as_at)


@router.post("/payment-plans/{plan_id}/decision")
async def decide_plan(
    plan_id: int, request: Request, session: SessionDep, caller: Officer
) -> Response:
    values = await form_values(request, _DECISION_FIELDS)
    return write_once(
        session,
        request,
        caller,
        route=DECISION_ROUTE,
        key=values[KEY_FIELD],
        data=lambda: parse(PlanDecisionIn, values),
        payload=lambda data: {"plan_id": plan_id, **data.model_dump(mode="json")},
        write=lambda actor, data: plans.plan_out(
            session,
            plans.decide_plan(session, actor=actor, plan_id=plan_id, data=data),
            as_at=data.decided_on,
        ),
        then=lambda _done: f"/app/payment-plans/{plan_id}",
        refused=lambda exc: _plan_page(
            request, session, caller, plan_id, values=values, errors=_refusal(exc), status_code=422
        ),
    )
