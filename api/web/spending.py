"""Expenditures and commitments, in the web interface.

``/app/expenditures`` shows, for a fund and a budget year (GET parameters ``fund``,
``year`` — ``all`` for every year — and ``line``, a budget line's id; the latest budget
year by default), the budget execution per budget line as at today
(``finance_core.expenditures.service.execution``: budget, committed, spent, available),
the expenditures recorded, newest first, and for finance officers the form that records
one (the API's ``ExpenditureIn``; ``commitment=ID`` fills it in to pay against that
commitment). An expenditure's page shows its line's figures now; officers reverse it
there, or record the bank's US dollar figure of a provisional one.

``/app/commitments`` lists the commitments (``fund``, ``year``, ``status``) with what is
liquidated and open, and records one (``CommitmentIn``); a commitment's page shows the
expenditures that liquidated it, links to paying against it and cancels its open
remainder.

Every form carries an idempotency key made when it was shown: a resubmitted form writes
once and leads to the same result; a refused one comes back as typed, with the service's
errors (422)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from api.deps import SessionDep
from api.web.auth import Officer, Reader, WebCaller
from api.web.forms import KEY_FIELD, field_errors, form_values, new_key, parse, write_once
from api.web.pages import grouped, render
from finance_core.access.models import Role
from finance_core.budgets import service as budgets
from finance_core.db_types import utctoday
from finance_core.errors import DomainError, NotFound
from finance_core.expenditures import service
from finance_core.expenditures.models import Category
from finance_core.expenditures.schemas import (
    CancellationIn,
    CommitmentIn,
    CommitmentOut,
    ExecutionLineOut,
    ExpenditureIn,
    ExpenditureOut,
)
from finance_core.payments.schemas import ReversalIn, UsdConfirmationIn
from finance_core.system.service import is_demo

router = APIRouter(prefix="/app", include_in_schema=False)

#: The routes the idempotency keys of the forms are scoped to.
EXPENDITURE_ROUTE = "POST /app/expenditures"
COMMITMENT_ROUTE = "POST /app/commitments"
CANCELLATION_ROUTE = "POST /app/commitments/{commitment_id}/cancellation"
REVERSAL_ROUTE = "POST /app/expenditures/{expenditure_id}/reversal"
CONFIRMATION_ROUTE = "POST /app/expenditures/{expenditure_id}/usd-confirmation"
#: Rows per page of a list.
PAGE = 25

_EXPENDITURE_FIELDS = (
    "budget_line_id",
    "value_on",
    "amount",
    "currency",
    "usd_amount",
    "category",
    "payee",
    "reference",
    "description",
    "commitment_id",
    "confirm_duplicate_reference",
)
_COMMITMENT_FIELDS = (
    "budget_line_id",
    "committed_on",
    "amount",
    "currency",
    "payee",
    "reference",
    "description",
)
#: The hidden fields that bring a refused form back to the page it was on.
_VIEW_FIELDS = ("view_fund", "view_year", "view_line", "view_status")
#: What an expenditure paid for, in words.
CATEGORIES = [(c.value, c.value.replace("_", " ").capitalize()) for c in Category]
#: A commitment's status, in words.
STATUSES = {"open": "Open", "liquidated": "Liquidated", "cancelled": "Cancelled"}


def _int(text: str | None) -> int | None:
    """A whole number typed in an address, or None."""
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


@dataclass(frozen=True, slots=True)
class View:
    """What a list shows: a fund (None: every fund), a budget year (None: every year),
    a budget line and a commitment status (None: all)."""

    fund: str | None
    year: int | None
    line: int | None = None
    status: str | None = None

    def query(self, **more: Any) -> str:
        """The address's query string for this view (and ``more``)."""
        params: dict[str, Any] = {"fund": self.fund or "", "year": self.year or "all"}
        if self.line is not None:
            params["line"] = self.line
        if self.status:
            params["status"] = self.status
        params.update({k: v for k, v in more.items() if v is not None})
        return urlencode(params)


def _choices(session: Session) -> dict[str, Any]:
    """The funds and years that have a budget, for the filters."""
    found = budgets.list_budgets(session)
    return {
        "funds": sorted({b.fund_code for b in found}),
        "years": sorted({b.year for b in found}, reverse=True),
    }


def _view(
    session: Session,
    fund: str | None,
    year: str | None,
    line: str | None = None,
    status: str | None = None,
) -> View:
    """The view asked for, read leniently: unknown values are left out; without a year,
    the latest budget year not after this one."""
    choices = _choices(session)
    code = (fund or "").strip().upper()
    if (year or "").strip() == "all":
        chosen: int | None = None
    else:
        chosen = _int(year)
        if chosen is None:
            current = [y for y in choices["years"] if y <= utctoday().year]
            chosen = current[0] if current else None
    return View(
        fund=code if code in choices["funds"] else None,
        year=chosen,
        line=_int(line),
        status=status if status in STATUSES else None,
    )


def _execution(session: Session, view: View) -> dict[str, Any]:
    """The budget execution as at today for the view: every line of its fund and year
    (the choices of the forms), the lines shown and the totals per fund and year."""
    report = service.execution(session, as_at=utctoday(), fund=view.fund, year=view.year)
    shown = [x for x in report.lines if view.line is None or x.budget_line_id == view.line]
    return {
        "execution": report,
        "lines": report.lines,
        "shown": shown,
        "totals": report.totals if view.line is None else [],
    }


def _line_label(line: ExecutionLineOut | CommitmentOut | ExpenditureOut) -> str:
    return f"{line.fund} {line.year} {line.line_code} · {line.line_title}"


def _figures_of(session: Session, fund: str, year: int, line_id: int) -> ExecutionLineOut | None:
    """One budget line's execution figures as at today."""
    report = service.execution(session, as_at=utctoday(), fund=fund, year=year)
    return next((x for x in report.lines if x.budget_line_id == line_id), None)


def _errors(exc: DomainError, prefix: str = "") -> dict[str, str]:
    """The service's errors by field (named with ``prefix``), and its sentence."""
    found = {f"{prefix}{k}": v for k, v in field_errors(exc).items() if k != "form"}
    return {**found, "form": exc.detail}


def _view_of(session: Session, values: dict[str, str]) -> View:
    return _view(
        session,
        values.get("view_fund"),
        values.get("view_year"),
        values.get("view_line"),
        values.get("view_status"),
    )


# --- expenditures -------------------------------------------------------------------------


def _expenditures_page(
    request: Request,
    session: Session,
    caller: WebCaller,
    view: View,
    *,
    offset: int = 0,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    ids, total = service.list_expenditures(
        session, fund=view.fund, year=view.year, budget_line_id=view.line, limit=PAGE, offset=offset
    )
    open_commitments: list[CommitmentOut] = []
    if caller.may(Role.FINANCE_OFFICER):
        open_commitments, _ = service.list_commitments(
            session, fund=view.fund, year=view.year, status="open", limit=500, offset=0
        )
    if values is None:
        values = {
            "currency": "USD",
            "value_on": utctoday().isoformat(),
            "budget_line_id": str(view.line or ""),
            KEY_FIELD: new_key(),
        }
    return render(
        request,
        "spending_expenditures.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        view=view,
        expenditures=[service.expenditure_out(session, i) for i in ids],
        total=total,
        offset=offset,
        page=PAGE,
        open_commitments=open_commitments,
        categories=CATEGORIES,
        values=values,
        errors=errors or {},
        grouped=grouped,
        line_label=_line_label,
        **_execution(session, view),
        **_choices(session),
    )


@router.get("/expenditures")
def expenditures_page(
    request: Request,
    session: SessionDep,
    caller: Reader,
    fund: str | None = None,
    year: str | None = None,
    line: str | None = None,
    offset: str | None = None,
    commitment: str | None = None,
) -> Response:
    """The budget execution, the expenditures and (officers) the form recording one;
    ``commitment=ID`` fills the form in to pay against that commitment."""
    values: dict[str, str] | None = None
    view = _view(session, fund, year, line)
    commitment_id = _int(commitment)
    if commitment_id is not None and caller.may(Role.FINANCE_OFFICER):
        try:
            c = service.commitment_out(session, commitment_id)
        except NotFound:
            c = None
        if c is not None:
            view = View(fund=c.fund, year=c.year, line=c.budget_line_id)
            values = {
                "budget_line_id": str(c.budget_line_id),
                "commitment_id": str(c.id),
                "payee": c.payee,
                "currency": "USD",
                "amount": c.open if c.currency == "USD" else "",
                "value_on": utctoday().isoformat(),
                KEY_FIELD: new_key(),
            }
    return _expenditures_page(
        request, session, caller, view, offset=_int(offset) or 0, values=values
    )


@router.post("/expenditures")
async def record_expenditure(request: Request, session: SessionDep, caller: Officer) -> Response:
    values = await form_values(request, (*_EXPENDITURE_FIELDS, *_VIEW_FIELDS))
    return write_once(
        session,
        request,
        caller,
        route=EXPENDITURE_ROUTE,
        key=values[KEY_FIELD],
        data=lambda: parse(ExpenditureIn, {k: values[k] for k in _EXPENDITURE_FIELDS}),
        write=lambda actor, data: service.expenditure_out(
            session, service.record_expenditure(session, actor=actor, data=data).id or 0
        ),
        then=lambda done: f"/app/expenditures/{done['id']}",
        refused=lambda exc: _expenditures_page(
            request,
            session,
            caller,
            _view_of(session, values),
            values=values,
            errors=_errors(exc),
            status_code=422,
        ),
    )


def _expenditure_page(
    request: Request,
    session: Session,
    caller: WebCaller,
    expenditure_id: int,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    failed: str | None = None,
    status_code: int = 200,
) -> Response:
    out = service.expenditure_out(session, expenditure_id)
    keys = {"reversal": new_key(), "confirmation": new_key()}
    if failed and values:
        keys[failed] = values.get(KEY_FIELD, "") or new_key()
    today = utctoday().isoformat()
    shown = {"reversal.value_on": today, "confirmation.value_on": today, **(values or {})}
    commitment = None
    if out.commitment_id is not None:
        commitment = service.commitment_out(session, out.commitment_id)
    return render(
        request,
        "spending_expenditure.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        e=out,
        line=_figures_of(session, out.fund, out.year, out.budget_line_id),
        commitment=commitment,
        view=View(fund=out.fund, year=out.year, line=out.budget_line_id),
        values=shown,
        errors=errors or {},
        failed=failed,
        keys=keys,
        grouped=grouped,
        line_label=_line_label,
    )


@router.get("/expenditures/{expenditure_id}")
def expenditure_page(
    expenditure_id: int, request: Request, session: SessionDep, caller: Reader
) -> Response:
    """One expenditure, its budget line's figures now, and (officers) its corrections."""
    return _expenditure_page(request, session, caller, expenditure_id)


@router.post("/expenditures/{expenditure_id}/reversal")
async def reverse_expenditure(
    expenditure_id: int, request: Request, session: SessionDep, caller: Officer
) -> Response:
    values = await form_values(request, ("reversal.value_on", "reversal.reason"))

    def write(actor: Any, data: ReversalIn) -> ExpenditureOut:
        service.reverse_expenditure(session, actor=actor, expenditure_id=expenditure_id, data=data)
        return service.expenditure_out(session, expenditure_id)

    return write_once(
        session,
        request,
        caller,
        route=REVERSAL_ROUTE,
        key=values[KEY_FIELD],
        data=lambda: parse(
            ReversalIn,
            {"value_on": values["reversal.value_on"], "reason": values["reversal.reason"]},
        ),
        payload=lambda data: {"expenditure_id": expenditure_id, **data.model_dump(mode="json")},
        write=write,
        then=lambda _done: f"/app/expenditures/{expenditure_id}",
        refused=lambda exc: _expenditure_page(
            request,
            session,
            caller,
            expenditure_id,
            values=values,
            errors=_errors(exc, "reversal."),
            failed="reversal",
            status_code=422,
        ),
    )


@router.post("/expenditures/{expenditure_id}/usd-confirmation")
async def confirm_usd(
    expenditure_id: int, request: Request, session: SessionDep, caller: Officer
) -> Response:
    values = await form_values(request, ("confirmation.usd_amount", "confirmation.value_on"))

    def write(actor: Any, data: UsdConfirmationIn) -> ExpenditureOut:
        service.confirm_usd(
            session,
            actor=actor,
            expenditure_id=expenditure_id,
            usd_amount=data.usd_amount,
            value_on=data.value_on,
        )
        return service.expenditure_out(session, expenditure_id)

    return write_once(
        session,
        request,
        caller,
        route=CONFIRMATION_ROUTE,
        key=values[KEY_FIELD],
        data=lambda: parse(
            UsdConfirmationIn,
            {
                "usd_amount": values["confirmation.usd_amount"],
                "value_on": values["confirmation.value_on"],
            },
        ),
        payload=lambda data: {"expenditure_id": expenditure_id, **data.model_dump(mode="json")},
        write=write,
        then=lambda _done: f"/app/expenditures/{expenditure_id}",
        refused=lambda exc: _expenditure_page(
            request,
            session,
            caller,
            expenditure_id,
            values=values,
            errors=_errors(exc, "confirmation."),
            failed="confirmation",
            status_code=422,
        ),
    )


# --- commitments --------------------------------------------------------------------------


def _commitments_page(
    request: Request,
    session: Session,
    caller: WebCaller,
    view: View,
    *,
    offset: int = 0,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    items, total = service.list_commitments(
        session, fund=view.fund, year=view.year, status=view.status, limit=PAGE, offset=offset
    )
    if values is None:
        values = {"currency": "USD", "committed_on": utctoday().isoformat(), KEY_FIELD: new_key()}
    return render(
        request,
        "spending_commitments.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        view=view,
        commitments=items,
        total=total,
        offset=offset,
        page=PAGE,
        statuses=STATUSES,
        values=values,
        errors=errors or {},
        grouped=grouped,
        line_label=_line_label,
        **_execution(session, View(fund=view.fund, year=view.year)),
        **_choices(session),
    )


@router.get("/commitments")
def commitments_page(
    request: Request,
    session: SessionDep,
    caller: Reader,
    fund: str | None = None,
    year: str | None = None,
    status: str | None = None,
    offset: str | None = None,
) -> Response:
    """Commitments with what is liquidated and open today, and (officers) the form
    recording one."""
    view = _view(session, fund, year, status=status)
    return _commitments_page(request, session, caller, view, offset=_int(offset) or 0)


@router.post("/commitments")
async def record_commitment(request: Request, session: SessionDep, caller: Officer) -> Response:
    values = await form_values(request, (*_COMMITMENT_FIELDS, *_VIEW_FIELDS))
    return write_once(
        session,
        request,
        caller,
        route=COMMITMENT_ROUTE,
        key=values[KEY_FIELD],
        data=lambda: parse(CommitmentIn, {k: values[k] for k in _COMMITMENT_FIELDS}),
        write=lambda actor, data: service.commitment_out(
            session, service.record_commitment(session, actor=actor, data=data).id or 0
        ),
        then=lambda done: f"/app/commitments/{done['id']}",
        refused=lambda exc: _commitments_page(
            request,
            session,
            caller,
            _view_of(session, values),
            values=values,
            errors=_errors(exc),
            status_code=422,
        ),
    )


def _commitment_page(
    request: Request,
    session: Session,
    caller: WebCaller,
    commitment_id: int,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    out = service.commitment_out(session, commitment_id)
    if values is None:
        values = {"cancellation.cancelled_on": utctoday().isoformat(), KEY_FIELD: new_key()}
    pay = View(fund=out.fund, year=out.year, line=out.budget_line_id).query(commitment=out.id)
    return render(
        request,
        "spending_commitment.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        c=out,
        line=_figures_of(session, out.fund, out.year, out.budget_line_id),
        paid=[service.expenditure_out(session, i) for i in out.expenditure_ids],
        pay_url=f"/app/expenditures?{pay}#record",
        statuses=STATUSES,
        values=values,
        errors=errors or {},
        grouped=grouped,
        line_label=_line_label,
    )


@router.get("/commitments/{commitment_id}")
def commitment_page(
    commitment_id: int, request: Request, session: SessionDep, caller: Reader
) -> Response:
    """One commitment: what is liquidated and open, the expenditures that liquidated it,
    and (officers) paying against it or cancelling its open remainder."""
    return _commitment_page(request, session, caller, commitment_id)


@router.post("/commitments/{commitment_id}/cancellation")
async def cancel_commitment(
    commitment_id: int, request: Request, session: SessionDep, caller: Officer
) -> Response:
    values = await form_values(request, ("cancellation.cancelled_on", "cancellation.reason"))

    def write(actor: Any, data: CancellationIn) -> CommitmentOut:
        service.cancel_commitment(session, actor=actor, commitment_id=commitment_id, data=data)
        return service.commitment_out(session, commitment_id)

    return write_once(
        session,
        request,
        caller,
        route=CANCELLATION_ROUTE,
        key=values[KEY_FIELD],
        data=lambda: parse(
            CancellationIn,
            {
                "cancelled_on": values["cancellation.cancelled_on"],
                "reason": values["cancellation.reason"],
            },
        ),
        payload=lambda data: {"commitment_id": commitment_id, **data.model_dump(mode="json")},
        write=write,
        then=lambda _done: f"/app/commitments/{commitment_id}",
        refused=lambda exc: _commitment_page(
            request,
            session,
            caller,
            commitment_id,
            values=values,
            errors=_errors(exc, "cancellation."),
            status_code=422,
        ),
    )
