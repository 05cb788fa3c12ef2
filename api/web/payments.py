"""Recording a payment in the web interface: the form (the State chosen by name or code),
a preview of its allocation computed by the same service that records it
(``finance_core.payments.service.plan_receipt``), then the receipt with its allocation and
the rule behind each line.

Each form carries an idempotency key made when it was shown: a double click, a resubmitted
form or the back button followed by "confirm" again records the payment once and shows
the same receipt (``api.idempotency``, the key scoped to the user and this route)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlmodel import Session, col

from api.deps import SessionDep
from api.web.auth import Officer, Reader, WebCaller
from api.web.forms import KEY_FIELD, field_errors, form_values, new_key, parse, write_once
from api.web.pages import render
from finance_core.db_types import utctoday
from finance_core.errors import DomainError
from finance_core.funds.models import Fund
from finance_core.money import format_minor
from finance_core.payments import service as payments
from finance_core.payments.schemas import ReceiptIn
from finance_core.states.models import State
from finance_core.system.service import is_demo

router = APIRouter(prefix="/app", include_in_schema=False)

#: The route an idempotency key of the payment form is scoped to.
ROUTE = "POST /app/payments"
_FIELDS = ("state_code", "value_on", "amount", "currency", "bank_reference")
_OPTIONAL = ("earmark_fund", "earmark_year", "note")
#: Why each allocation line went where it did, in words.
RULES = {
    "oldest_first": "oldest debt first",
    "earmark": "as the State earmarked it",
    "credit": "kept as the State's credit",
    "write_off": "bank charges written off",
}


def _choices(session: Session) -> dict[str, Any]:
    states = session.execute(select(col(State.code), col(State.name)).order_by(col(State.name)))
    funds = session.execute(select(col(Fund.code), col(Fund.name)).order_by(col(Fund.code)))
    return {"states": states.all(), "funds": funds.all()}


def _form(
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
        "payment_form.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        values=values,
        errors=errors or {},
        **_choices(session),
    )


def _refused(
    request: Request, session: Session, caller: WebCaller, values: dict[str, str], exc: DomainError
) -> Response:
    """The form again, as typed, with what the service refused (422)."""
    return _form(request, session, caller, values, errors=field_errors(exc), status_code=422)


def _receipt_in(values: dict[str, str]) -> ReceiptIn:
    """The form's fields as the API's request (ValidationFailed naming the fields)."""
    data = {k: values.get(k, "") for k in (*_FIELDS, *_OPTIONAL)}
    data["state_code"] = data["state_code"].strip().split(" ")[0].upper()  # "FRA France"
    return parse(ReceiptIn, data)


@router.get("/payments/new")
def new_payment(request: Request, session: SessionDep, caller: Officer) -> Response:
    values = {
        "currency": "USD",
        "value_on": utctoday().isoformat(),
        KEY_FIELD: new_key(),
    }
    return _form(request, session, caller, values)


@router.post("/payments/preview")
async def preview_payment(request: Request, session: SessionDep, caller: Officer) -> Response:
    values = await form_values(request, (*_FIELDS, *_OPTIONAL))
    live = request.headers.get("x-requested-with") == "fetch"  # the form's live preview
    try:
        planned = payments.plan_receipt(session, _receipt_in(values), lock=False)
    except DomainError as exc:
        if live:
            return render(
                request,
                "payment_allocation.html.j2",
                caller=caller,
                demo=False,
                errors=field_errors(exc),
            )
        return _refused(request, session, caller, values, exc)
    lines = [
        {
            "fund": p.fund,
            "year": p.year,
            "amount": format_minor(p.amount_minor),
            "rule": RULES.get(str(p.rule), str(p.rule)),
        }
        for p in planned.lines()
    ]
    return render(
        request,
        "payment_allocation.html.j2" if live else "payment_preview.html.j2",
        caller=caller,
        demo=is_demo(session),
        values=values,
        planned=planned,
        lines=lines,
        usd=format_minor(planned.usd_minor),
        owed=format_minor(sum(d.outstanding_minor for d in planned.debts)),
    )


@router.post("/payments")
async def record_payment(request: Request, session: SessionDep, caller: Officer) -> Response:
    values = await form_values(request, (*_FIELDS, *_OPTIONAL))
    return write_once(
        session,
        request,
        caller,
        route=ROUTE,
        key=values[KEY_FIELD],
        data=lambda: _receipt_in(values),
        write=lambda actor, data: payments.receipt_out(
            session, payments.record_receipt(session, actor=actor, data=data).id or 0
        ),
        then=lambda done: f"/app/receipts/{done['id']}",
        refused=lambda exc: _refused(request, session, caller, values, exc),
    )


@router.get("/receipts/{receipt_id}")
def receipt(receipt_id: int, request: Request, session: SessionDep, caller: Reader) -> Response:
    out = payments.receipt_out(session, receipt_id)
    debts = payments.debts_of(session, out.state_code, out.value_on)
    owed = sum(d.outstanding_minor for d in debts)
    return render(
        request,
        "receipt.html.j2",
        caller=caller,
        demo=is_demo(session),
        receipt=out,
        owed=format_minor(owed),
    )
