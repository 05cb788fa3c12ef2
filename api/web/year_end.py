"""The year-end close and the surplus simulation, in the web interface.

``/app/year-end`` shows, for a fund and a year (GET parameters ``fund`` and ``year``; by
default the year after the fund's last closed one), the year's surplus and its parts
(``finance_core.close.service.surplus_out``: the ledger's figures if the year were closed
now, or the figures frozen on its close), what each choice of the CSP would do with it
(``simulation``: everything to the States pro rata, only to those that paid in full,
everything to the reserve, and the split asked for with ``split``, a percentage to the
States), and the close's workflow: a finance officer proposes the close, a *different*
one approves it (the service refuses the proposer), then the CSP's surplus decision is
recorded with its reference. Every close is listed below.

Every form carries an idempotency key made when it was shown: a resubmitted form writes
once; a refused one comes back as typed with the service's reason (422, or 403 when the
service refuses the person)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from api.deps import SessionDep
from api.web.auth import Officer, Reader, WebCaller
from api.web.forms import KEY_FIELD, field_errors, form_values, new_key, parse, write_once
from api.web.pages import grouped, render
from finance_core.close import service
from finance_core.close import surplus as pure
from finance_core.close.models import CloseStatus, DecisionOption
from finance_core.close.schemas import PartIn, SurplusDecisionIn
from finance_core.db_types import utctoday
from finance_core.errors import DomainError, PermissionDenied, ValidationFailed
from finance_core.funds.service import list_funds
from finance_core.system.service import is_demo

router = APIRouter(prefix="/app", include_in_schema=False)

#: The routes the idempotency keys of the forms are scoped to.
PROPOSAL_ROUTE = "POST /app/year-end/{fund}/{year}/close"
APPROVAL_ROUTE = "POST /app/year-end/closes/{close_id}/approval"
DECISION_ROUTE = "POST /app/year-end/{fund}/{year}/surplus-decision"

_DECISION_FIELDS = (
    "decided_on",
    "reference",
    "option",
    "credit_rule",
    "to_states.percent",
    "to_states.amount",
    "to_reserve.percent",
    "to_reserve.amount",
    "note",
)
#: The standard options of the simulation, in words.
OPTIONS = {
    "states_pro_rata_assessed": "Everything credited to the States, in proportion to their "
    "assessments",
    "states_paid_in_full_only": "Everything credited to the States that had paid in full",
    "reserve": "Everything to the reserve",
}
DECISIONS = {
    DecisionOption.CREDIT_STATES.value: "Credit it to the States",
    DecisionOption.TO_RESERVE.value: "Put it in the reserve",
    DecisionOption.SPLIT.value: "Split it between the States and the reserve",
}
CREDIT_RULES = {
    pure.CreditRule.PRO_RATA_ASSESSED.value: "Every State assessed, in proportion to its "
    "assessment",
    pure.CreditRule.PAID_IN_FULL_ONLY.value: "Only the States that had paid in full",
}
STATUSES = {"proposed": "Proposed", "approved": "Closed", "superseded": "Superseded"}


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) == 4 else None


def _chosen(session: Session, fund: str | None, year: str | None) -> tuple[str, int] | None:
    """The fund and year asked for; by default the fund of the latest close (else the
    first fund) and the year after its last closed one (else last year). None without
    any fund."""
    codes = [f.code for f in list_funds(session)]
    if not codes:
        return None
    closes = service.list_closes(session)
    code = (fund or "").strip().upper()
    if code not in codes:
        code = closes[0].fund_code if closes else codes[0]
    chosen = _int(year)
    if chosen is None:
        closed = [c.year for c in closes if c.fund_code == code and c.status == "approved"]
        chosen = min(max(closed) + 1, utctoday().year) if closed else utctoday().year - 1
    return code, chosen


def _split(text: str) -> tuple[pure.Option | None, str | None]:
    """The split asked for (``text`` percent to the States, the rest to the reserve), or
    the reason it cannot be shown."""
    if not text.strip():
        return None, None
    try:
        part = service.part_of(PartIn(percent=text.strip()), "split")
    except ValidationFailed as exc:
        return None, f"{text} is not a percentage between 0 and 100 ({exc.detail})"
    name = f"split_{text.strip()}_percent"
    return pure.option_for_split(name, part, None, pure.CreditRule.PRO_RATA_ASSESSED), None


def _option_words(name: str, split: str) -> str:
    if name in OPTIONS:
        return OPTIONS[name]
    return f"{split.strip()} % credited to the States (in proportion), the rest to the reserve"


def _page(
    request: Request,
    session: Session,
    caller: WebCaller,
    fund: str | None,
    year: str | None,
    split: str = "",
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    failed: str | None = None,
    status_code: int = 200,
) -> Response:
    chosen = _chosen(session, fund, year)
    keys = {"propose": new_key(), "approve": new_key(), "decision": new_key()}
    if failed and values:
        keys[failed] = values.get(KEY_FIELD, "") or new_key()
    context: dict[str, Any] = {
        "values": {"decided_on": utctoday().isoformat(), **(values or {})},
        "errors": errors or {},
        "failed": failed,
        "keys": keys,
        "split": split,
        "grouped": grouped,
        "statuses": STATUSES,
        "decisions": DECISIONS,
        "credit_rules": CREDIT_RULES,
    }
    closes = [service.close_out(c) for c in service.list_closes(session)]
    decided = {d.close_id: d for d in service.list_decisions(session)}
    context.update(closes=closes, decided=decided)
    if chosen is None:
        return render(
            request,
            "year_end.html.j2",
            caller=caller,
            demo=is_demo(session),
            status_code=status_code,
            chosen=None,
            **context,
        )
    code, chosen_year = chosen
    option, split_error = _split(split)
    surplus = service.surplus_out(session, fund=code, year=chosen_year)
    simulation = service.simulation_out(
        service.simulation(
            session,
            fund=code,
            year=chosen_year,
            as_at=utctoday(),
            options=[option] if option is not None else [],
        )
    )
    outcomes = [(o, _option_words(o.name, split)) for o in simulation.outcomes]
    per_state = [
        (effect, [o.states[i].credit for o in simulation.outcomes])
        for i, effect in enumerate(simulation.outcomes[0].states if simulation.outcomes else [])
    ]
    current = surplus.close
    decision = None
    if current is not None and current.status == CloseStatus.APPROVED:
        found = decided.get(current.id)
        decision = service.decision_out(session, found) if found is not None else None
    return render(
        request,
        "year_end.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        chosen=chosen,
        fund=code,
        year=chosen_year,
        funds=[(f.code, f"{f.code} · {f.name}") for f in list_funds(session)],
        surplus=surplus,
        simulation=simulation,
        outcomes=outcomes,
        per_state=per_state,
        split_error=split_error,
        current=current,
        decision=decision,
        query=urlencode({"fund": code, "year": chosen_year}),
        **context,
    )


@router.get("/year-end")
def year_end_page(
    request: Request,
    session: SessionDep,
    caller: Reader,
    fund: str | None = None,
    year: str | None = None,
    split: str = "",
) -> Response:
    """A fund-year's surplus, the simulation of the CSP's options and the close."""
    return _page(request, session, caller, fund, year, split[:20])


def _refused(
    request: Request,
    session: Session,
    caller: WebCaller,
    fund: str,
    year: int,
    values: dict[str, str],
    exc: DomainError,
    failed: str,
    renamed: dict[str, str] | None = None,
) -> Response:
    """The page again with the form as typed and the service's reason: 403 when it
    refuses the person (the proposer approving), else 422."""
    names = renamed or {}
    errors = {names.get(k, k): v for k, v in field_errors(exc).items() if k != "form"}
    errors["form"] = exc.detail
    status = 403 if isinstance(exc, PermissionDenied) else 422
    return _page(
        request,
        session,
        caller,
        fund,
        str(year),
        values=values,
        errors=errors,
        failed=failed,
        status_code=status,
    )


def _back(fund: str, year: int, anchor: str) -> str:
    """The year-end page of ``fund`` and ``year``, at ``anchor``."""
    query = urlencode({"fund": fund.upper(), "year": year})
    return f"/app/year-end?{query}#{anchor}"


@router.post("/year-end/{fund}/{year}/close")
async def propose_close(
    fund: str, year: int, request: Request, session: SessionDep, caller: Officer
) -> Response:
    values = await form_values(request, ("proposal_note",))
    note = values["proposal_note"].strip() or None
    return write_once(
        session,
        request,
        caller,
        route=PROPOSAL_ROUTE,
        key=values[KEY_FIELD],
        data=lambda: {"fund": fund.upper(), "year": year, "note": note},
        write=lambda actor, _payload: service.close_out(
            service.propose_close(session, actor=actor, fund=fund, year=year, note=note)
        ),
        then=lambda _done: _back(fund, year, "close"),
        refused=lambda exc: _refused(
            request, session, caller, fund, year, values, exc, "propose", {"note": "proposal_note"}
        ),
    )


@router.post("/year-end/closes/{close_id}/approval")
async def approve_close(
    close_id: int, request: Request, session: SessionDep, caller: Officer
) -> Response:
    close = service.get_close(session, close_id)  # a 404 page when there is none
    fund, year = close.fund_code, close.year
    values = await form_values(request, ("approval_reference",))
    reference = values["approval_reference"]
    return write_once(
        session,
        request,
        caller,
        route=APPROVAL_ROUTE,
        key=values[KEY_FIELD],
        data=lambda: {"close_id": close_id, "reference": reference.strip()},
        write=lambda actor, _payload: service.close_out(
            service.approve_close(session, actor=actor, close_id=close_id, reference=reference)
        ),
        then=lambda _done: _back(fund, year, "close"),
        refused=lambda exc: _refused(
            request,
            session,
            caller,
            fund,
            year,
            values,
            exc,
            "approve",
            {"reference": "approval_reference"},
        ),
    )


def _decision_in(values: dict[str, str]) -> SurplusDecisionIn:
    """The decision form as the API's request: a part only when one of its fields is
    filled in."""
    data: dict[str, Any] = {
        k: values[k] for k in ("decided_on", "reference", "option", "credit_rule", "note")
    }
    for part in ("to_states", "to_reserve"):
        given = {
            k: values[f"{part}.{k}"].strip()
            for k in ("percent", "amount")
            if values[f"{part}.{k}"].strip()
        }
        if given:
            data[part] = given
    return parse(SurplusDecisionIn, data)


@router.post("/year-end/{fund}/{year}/surplus-decision")
async def record_decision(
    fund: str, year: int, request: Request, session: SessionDep, caller: Officer
) -> Response:
    values = await form_values(request, _DECISION_FIELDS)
    return write_once(
        session,
        request,
        caller,
        route=DECISION_ROUTE,
        key=values[KEY_FIELD],
        data=lambda: _decision_in(values),
        payload=lambda data: {"fund": fund.upper(), "year": year, **data.model_dump(mode="json")},
        write=lambda actor, data: service.decision_out(
            session,
            service.record_decision(session, actor=actor, fund=fund, year=year, data=data),
        ),
        then=lambda _done: _back(fund, year, "decision"),
        refused=lambda exc: _refused(request, session, caller, fund, year, values, exc, "decision"),
    )
