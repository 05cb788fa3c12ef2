"""The reserve (Working Capital Fund) and its movements, in the web interface.

``/app/reserve`` shows the position as at today (``finance_core.reserve.service.position``:
balance, target under the rule in force, the balance as a share of the target, the months
of planned spending it covers, what is available for a draw-down), the target rules and
their history, and the movements, newest first. Finance officers record a movement
(a contribution, a draw-down with its approval, a replenishment, the settlement of a
surplus transfer) or a target rule adopted by a decision; each form carries an
idempotency key, so a resubmitted form writes once, and a refused one comes back as typed
with the service's errors (422)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from api.deps import SessionDep
from api.web.auth import Officer, Reader, WebCaller
from api.web.forms import (
    KEY_FIELD,
    field_errors,
    form_lists,
    form_values,
    fund_choices,
    new_key,
    parse,
    state_choices,
    write_once,
)
from api.web.pages import grouped, render
from finance_core.db_types import utctoday
from finance_core.funds.models import FundKind
from finance_core.reserve import service
from finance_core.reserve.models import MovementKind, TargetBasis
from finance_core.reserve.schemas import MovementIn, TargetRuleIn
from finance_core.system.service import is_demo
from reports.i18n import Language
from reports.render.cells import rate_text
from reports.reserve_facts import reserve_facts

router = APIRouter(prefix="/app", include_in_schema=False)

#: The routes the idempotency keys of the two forms are scoped to.
MOVEMENT_ROUTE = "POST /app/reserve/movements"
RULE_ROUTE = "POST /app/reserve/rules"
_MOVEMENT_FIELDS = (
    "kind",
    "value_on",
    "amount",
    "fund",
    "state_code",
    "donor",
    "reference",
    "note",
)
_RULE_FIELDS = ("effective_from", "basis", "percent", "months", "reference")
#: Movements shown per page.
PAGE = 50

#: Each kind of movement in words.
KINDS = {
    MovementKind.CONTRIBUTION: "Contribution",
    MovementKind.TRANSFER_IN: "Surplus transferred in",
    MovementKind.SETTLEMENT: "Surplus paid over",
    MovementKind.DRAW_DOWN: "Draw-down",
    MovementKind.REPLENISHMENT: "Replenishment",
}
#: The kinds an officer records here (a surplus comes in with the CSP's surplus decision).
RECORDED_HERE = (
    MovementKind.CONTRIBUTION,
    MovementKind.DRAW_DOWN,
    MovementKind.REPLENISHMENT,
    MovementKind.SETTLEMENT,
)
BASES = {
    TargetBasis.BUDGET_SHARE: "A share of the annual budget",
    TargetBasis.MONTHS_OF_SPENDING: "Months of planned spending",
}


def _funds(session: Session) -> list[tuple[str, str]]:
    """The assessed funds (those the reserve moves to and from, whose budgets make the
    annual budget): (code, name), by code."""
    return fund_choices(session, FundKind.ASSESSED)


def _rule_words(rule: Any) -> str:
    """A target rule in words (``rule`` as ``TargetRuleOut``)."""
    funds = " and ".join(rule.budget_funds)
    if rule.basis == TargetBasis.BUDGET_SHARE:
        return f"{Decimal(rule.percent).normalize():f} % of the annual budget of {funds}"
    return f"{Decimal(rule.months).normalize():f} months of the planned spending of {funds}"


def _position(session: Session) -> dict[str, Any]:
    """The position as at today, as the page shows it."""
    position = service.position(session, as_at=utctoday())
    out = service.position_out(position)
    funded = {f.key: f.value for f in reserve_facts(position)}["reserve_funded"]
    return {
        "position": out,
        "funded": rate_text(int(funded), Language.EN) if funded is not None else "–",
        "rule_words": _rule_words(out.rule) if out.rule else None,
    }


@router.get("/reserve")
def reserve_page(
    request: Request,
    session: SessionDep,
    caller: Reader,
    offset: Annotated[int, Query(ge=0)] = 0,
    recorded: int | None = None,
    rule: int | None = None,
) -> Response:
    rows, total = service.list_movements(session, limit=PAGE, offset=offset)
    rules = [service.rule_out(r) for r in service.list_rules(session)]
    context = _position(session)
    in_force = context["position"].rule
    return render(
        request,
        "reserve.html.j2",
        caller=caller,
        demo=is_demo(session),
        movements=[service.movement_out(m) for m in rows],
        total=total,
        offset=offset,
        page=PAGE,
        rules=[(r, _rule_words(r), in_force is not None and r.id == in_force.id) for r in rules],
        recorded=service.movement_out(service.get_movement(session, recorded))
        if recorded is not None
        else None,
        recorded_rule=next((r for r in rules if r.id == rule), None),
        kinds=KINDS,
        grouped=grouped,
        **context,
    )


# --- recording a movement ---------------------------------------------------------------


def _movement_form(
    request: Request,
    session: Session,
    caller: WebCaller,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "reserve_movement_form.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        values=values,
        errors=errors or {},
        kinds=[(k.value, KINDS[k]) for k in RECORDED_HERE],
        funds=_funds(session),
        states=state_choices(session),
        grouped=grouped,
        **_position(session),
    )


@router.get("/reserve/movements/new")
def new_movement(
    request: Request, session: SessionDep, caller: Officer, kind: str = ""
) -> Response:
    values = {"kind": kind, "value_on": utctoday().isoformat(), KEY_FIELD: new_key()}
    return _movement_form(request, session, caller, values)


@router.post("/reserve/movements")
async def record_movement(request: Request, session: SessionDep, caller: Officer) -> Response:
    values = await form_values(request, _MOVEMENT_FIELDS)
    return write_once(
        session,
        request,
        caller,
        route=MOVEMENT_ROUTE,
        key=values[KEY_FIELD],
        data=lambda: parse(MovementIn, {k: values[k] for k in _MOVEMENT_FIELDS}),
        write=lambda actor, data: service.movement_out(
            service.record_movement(session, actor=actor, data=data)
        ),
        then=lambda done: f"/app/reserve?recorded={done['id']}#recorded",
        refused=lambda exc: _movement_form(
            request, session, caller, values, errors=field_errors(exc), status_code=422
        ),
    )


# --- recording a target rule ------------------------------------------------------------


def _rule_form(
    request: Request,
    session: Session,
    caller: WebCaller,
    values: dict[str, str],
    chosen: list[str],
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "reserve_rule_form.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        values=values,
        chosen=chosen,
        errors=errors or {},
        bases=[(b.value, words) for b, words in BASES.items()],
        funds=_funds(session),
    )


@router.get("/reserve/rules/new")
def new_rule(request: Request, session: SessionDep, caller: Officer) -> Response:
    values = {"basis": TargetBasis.BUDGET_SHARE.value, KEY_FIELD: new_key()}
    return _rule_form(request, session, caller, values, ["SEC", "CSP"])


@router.post("/reserve/rules")
async def record_rule(request: Request, session: SessionDep, caller: Officer) -> Response:
    values = await form_values(request, _RULE_FIELDS)
    chosen = await form_lists(request, "budget_funds")
    return write_once(
        session,
        request,
        caller,
        route=RULE_ROUTE,
        key=values[KEY_FIELD],
        data=lambda: parse(
            TargetRuleIn, {**{k: values[k] for k in _RULE_FIELDS}, "budget_funds": chosen}
        ),
        write=lambda actor, data: service.rule_out(
            service.adopt_rule(session, actor=actor, data=data)
        ),
        then=lambda done: f"/app/reserve?rule={done['id']}#rules",
        refused=lambda exc: _rule_form(
            request, session, caller, values, chosen, errors=field_errors(exc), status_code=422
        ),
    )
