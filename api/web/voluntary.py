"""The voluntary funds: donors, pledges, receipts, projects, in the web interface.

``/app/voluntary`` shows each voluntary fund as at today (``queries.fund_overview``: what
it received, paid out and holds, whether its ledger agrees with its records, and its
pledges per currency: pledged, received, withdrawn, outstanding), the money per fund and
earmark, and the latest receipts. The donors, each with its pledges and receipts; the
pledges with what was received of each and the receipts (instalments) that settled it;
the receipts with the pledges they settled; and read-only lists of the projects, the
sponsored delegates and the disbursements.

Finance officers record a donor, a pledge and a receipt; a receipt settles the donor's
open pledges of its fund and earmark oldest first, no pledge, or the pledge named on the
form (``service.record_receipt``'s ``match``). Each form carries an idempotency key, so a
resubmitted form writes once; a refused one comes back as typed with the service's
errors (422)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from api.deps import SessionDep
from api.web.auth import Officer, Reader, WebCaller
from api.web.forms import (
    KEY_FIELD,
    field_errors,
    form_values,
    fund_choices,
    new_key,
    parse,
    state_choices,
    write_once,
)
from api.web.pages import grouped, render
from finance_core.db_types import utctoday
from finance_core.errors import DomainError, ValidationFailed
from finance_core.funds.models import FundKind
from finance_core.money import format_minor
from finance_core.payments.amounts import decimals_of
from finance_core.system.service import is_demo
from finance_core.voluntary import queries, service
from finance_core.voluntary.models import DonorKind, ReportLanguage
from finance_core.voluntary.schemas import DonorIn, PledgeIn, VoluntaryReceiptIn

router = APIRouter(prefix="/app", include_in_schema=False)

#: The routes the idempotency keys of the forms are scoped to.
DONOR_ROUTE = "POST /app/voluntary/donors"
PLEDGE_ROUTE = "POST /app/voluntary/pledges"
RECEIPT_ROUTE = "POST /app/voluntary/receipts"
_DONOR_FIELDS = (
    "name",
    "kind",
    "state_code",
    "contact_name",
    "contact_email",
    "language",
    "reporting_note",
)
_PLEDGE_FIELDS = (
    "donor_id",
    "pledged_on",
    "fund",
    "earmark",
    "currency",
    "amount",
    "conditions",
    "occasion",
    "reference",
)
_RECEIPT_FIELDS = (
    "donor_id",
    "value_on",
    "fund",
    "earmark",
    "amount",
    "currency",
    "usd_amount",
    "bank_reference",
    "note",
)
#: Rows of a list page.
PAGE = 50
#: The receipts the overview shows.
LATEST = 10

STATUSES = {
    service.OPEN: "open",
    service.PARTLY_RECEIVED: "partly received",
    service.FULFILLED: "fulfilled",
    service.WITHDRAWN: "withdrawn",
}
DONOR_KINDS = {DonorKind.STATE: "A State", DonorKind.ORGANISATION: "Another donor"}
LANGUAGES = {
    ReportLanguage.EN: "English",
    ReportLanguage.FR: "French",
    ReportLanguage.ES: "Spanish",
}
MATCHES = {
    "auto": "The donor's open pledges of this fund and earmark, oldest first",
    "none": "No pledge",
}


def _in(amount_minor: int, currency: str) -> str:
    """Minor units of ``currency`` as grouped text."""
    return grouped(format_minor(amount_minor, decimals_of(currency)))


def _usd(amount_minor: int) -> str:
    return grouped(format_minor(amount_minor))


def _voluntary_funds(session: Session) -> list[tuple[str, str]]:
    return fund_choices(session, FundKind.VOLUNTARY)


def _donors(session: Session) -> list[tuple[str, str]]:
    names = queries.donor_names(session)
    return [(str(i), n) for i, n in sorted(names.items(), key=lambda kv: kv[1])]


def _page(
    request: Request, session: Session, caller: WebCaller, template: str, **context: Any
) -> Response:
    return render(
        request,
        template,
        caller=caller,
        demo=is_demo(session),
        grouped=grouped,
        statuses=STATUSES,
        **context,
    )


def _pager(total: int, offset: int, base: str) -> dict[str, Any]:
    """What a list's pager shows: the window and the links to the next and previous."""
    joiner = "&" if "?" in base else "?"
    return {
        "total": total,
        "first": offset + 1 if total else 0,
        "last": min(offset + PAGE, total),
        "newer": f"{base}{joiner}offset={max(offset - PAGE, 0)}" if offset > 0 else None,
        "older": f"{base}{joiner}offset={offset + PAGE}" if offset + PAGE < total else None,
    }


def _receipts(session: Session, ids: Iterable[int]) -> list[Any]:
    return [service.receipt_out(session, i) for i in ids]


def _totals(totals: Iterable[queries.PledgeTotal]) -> list[dict[str, Any]]:
    """Pledge totals as text, in their currencies."""
    return [
        {
            "fund": p.fund,
            "currency": p.currency,
            "count": p.pledges,
            "open": p.still_open,
            "pledged": _in(p.pledged_minor, p.currency),
            "received": _in(p.received_minor, p.currency),
            "withdrawn": _in(p.withdrawn_minor, p.currency),
            "outstanding": _in(p.outstanding_minor, p.currency),
        }
        for p in totals
    ]


# --- overview ---------------------------------------------------------------------------


@router.get("/voluntary")
def overview(request: Request, session: SessionDep, caller: Reader) -> Response:
    today = utctoday()
    funds = queries.fund_overview(session, as_at=today)
    pools = service.balances_out(session, as_at=today).pools
    latest, _ = queries.list_receipts(session, limit=LATEST, offset=0)
    return _page(
        request,
        session,
        caller,
        "voluntary.html.j2",
        as_at=today,
        funds=[
            {
                "fund": f.fund,
                "name": f.name,
                "received": _usd(f.received_minor),
                "disbursed": _usd(f.disbursed_minor),
                "available": _usd(f.available_minor),
                "agrees": f.agrees,
                "pledges": _totals(f.pledges),
            }
            for f in funds
        ],
        pools=pools,
        latest=_receipts(session, latest),
    )


# --- donors -----------------------------------------------------------------------------


@router.get("/voluntary/donors")
def donors_page(
    request: Request,
    session: SessionDep,
    caller: Reader,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    rows, total = service.list_donors(session, limit=PAGE, offset=offset)
    return _page(
        request,
        session,
        caller,
        "voluntary_donors.html.j2",
        donors=[service.donor_out(d) for d in rows],
        kinds=DONOR_KINDS,
        languages=LANGUAGES,
        pager=_pager(total, offset, "/app/voluntary/donors"),
    )


def _donor_form(
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
        "voluntary_donor_form.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        values=values,
        errors=errors or {},
        kinds=[(k.value, w) for k, w in DONOR_KINDS.items()],
        languages=[(k.value, w) for k, w in LANGUAGES.items()],
        states=state_choices(session),
    )


@router.get("/voluntary/donors/new")
def new_donor(request: Request, session: SessionDep, caller: Officer) -> Response:
    values = {"kind": DonorKind.STATE.value, "language": "en", KEY_FIELD: new_key()}
    return _donor_form(request, session, caller, values)


@router.post("/voluntary/donors")
async def record_donor(request: Request, session: SessionDep, caller: Officer) -> Response:
    values = await form_values(request, _DONOR_FIELDS)
    return write_once(
        session,
        request,
        caller,
        route=DONOR_ROUTE,
        key=values[KEY_FIELD],
        data=lambda: parse(DonorIn, {k: values[k] for k in _DONOR_FIELDS}),
        write=lambda actor, data: service.donor_out(
            service.create_donor(session, actor=actor, data=data)
        ),
        then=lambda done: f"/app/voluntary/donors/{done['id']}?recorded=1",
        refused=lambda exc: _donor_form(
            request, session, caller, values, errors=field_errors(exc), status_code=422
        ),
    )


@router.get("/voluntary/donors/{donor_id}")
def donor_page(
    donor_id: int,
    request: Request,
    session: SessionDep,
    caller: Reader,
    recorded: bool = False,
) -> Response:
    donor = service.donor_out(service.get_donor(session, donor_id=donor_id))
    pledge_ids, _ = queries.list_pledges(session, donor_id=donor_id, limit=1000, offset=0)
    receipt_ids, _ = queries.list_receipts(session, donor_id=donor_id, limit=1000, offset=0)
    return _page(
        request,
        session,
        caller,
        "voluntary_donor.html.j2",
        donor=donor,
        recorded=recorded,
        kinds=DONOR_KINDS,
        languages=LANGUAGES,
        pledges=[service.pledge_out(session, i) for i in pledge_ids],
        totals=_totals(queries.pledge_totals(session, as_at=utctoday(), donor_id=donor_id)),
        receipts=_receipts(session, receipt_ids),
    )


# --- pledges ----------------------------------------------------------------------------


@router.get("/voluntary/pledges")
def pledges_page(
    request: Request,
    session: SessionDep,
    caller: Reader,
    offset: Annotated[int, Query(ge=0)] = 0,
    status: str = "",
    fund: str = "",
) -> Response:
    if status and status not in STATUSES:
        raise ValidationFailed(f"unknown status {status!r}", fields={"status": "unknown"})
    ids, total = queries.list_pledges(
        session, fund=fund or None, status=status or None, limit=PAGE, offset=offset
    )
    query = urlencode([(k, v) for k, v in (("status", status), ("fund", fund)) if v])
    return _page(
        request,
        session,
        caller,
        "voluntary_pledges.html.j2",
        pledges=[service.pledge_out(session, i) for i in ids],
        names=queries.donor_names(session),
        values={"status": status, "fund": fund},
        status_choices=list(STATUSES.items()),
        funds=_voluntary_funds(session),
        pager=_pager(total, offset, "/app/voluntary/pledges" + (f"?{query}" if query else "")),
    )


def _pledge_form(
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
        "voluntary_pledge_form.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        values=values,
        errors=errors or {},
        donors=_donors(session),
        funds=_voluntary_funds(session),
    )


@router.get("/voluntary/pledges/new")
def new_pledge(
    request: Request, session: SessionDep, caller: Officer, donor_id: int | None = None
) -> Response:
    values = {
        "donor_id": "" if donor_id is None else str(donor_id),
        "pledged_on": utctoday().isoformat(),
        "fund": "VTF",
        "currency": "USD",
        KEY_FIELD: new_key(),
    }
    return _pledge_form(request, session, caller, values)


@router.post("/voluntary/pledges")
async def record_pledge(request: Request, session: SessionDep, caller: Officer) -> Response:
    values = await form_values(request, _PLEDGE_FIELDS)
    return write_once(
        session,
        request,
        caller,
        route=PLEDGE_ROUTE,
        key=values[KEY_FIELD],
        data=lambda: parse(PledgeIn, {k: values[k] for k in _PLEDGE_FIELDS}),
        write=lambda actor, data: service.pledge_out(
            session, service.record_pledge(session, actor=actor, data=data).id or 0
        ),
        then=lambda done: f"/app/voluntary/pledges/{done['id']}?recorded=1",
        refused=lambda exc: _pledge_form(
            request, session, caller, values, errors=field_errors(exc), status_code=422
        ),
    )


@router.get("/voluntary/pledges/{pledge_id}")
def pledge_page(
    pledge_id: int,
    request: Request,
    session: SessionDep,
    caller: Reader,
    recorded: bool = False,
) -> Response:
    pledge = service.pledge_out(session, pledge_id)
    return _page(
        request,
        session,
        caller,
        "voluntary_pledge.html.j2",
        pledge=pledge,
        recorded=recorded,
        donor=service.donor_out(service.get_donor(session, donor_id=pledge.donor_id)),
        receipts=_receipts(session, queries.receipts_of_pledge(session, pledge_id)),
    )


# --- receipts ---------------------------------------------------------------------------


@router.get("/voluntary/receipts")
def receipts_page(
    request: Request,
    session: SessionDep,
    caller: Reader,
    offset: Annotated[int, Query(ge=0)] = 0,
    fund: str = "",
) -> Response:
    ids, total = queries.list_receipts(session, fund=fund or None, limit=PAGE, offset=offset)
    return _page(
        request,
        session,
        caller,
        "voluntary_receipts.html.j2",
        receipts=_receipts(session, ids),
        values={"fund": fund},
        funds=_voluntary_funds(session),
        pager=_pager(
            total,
            offset,
            "/app/voluntary/receipts" + (f"?{urlencode({'fund': fund})}" if fund else ""),
        ),
    )


def _open_pledges(session: Session) -> list[tuple[str, str]]:
    """The pledges a receipt may name (open or partly received), as select options."""
    return [
        (
            str(x.pledge_id),
            f"Pledge {x.pledge_id}: {name}, {x.fund}"
            + (f" ({x.earmark})" if x.earmark else "")
            + f", {_in(x.outstanding_minor, x.currency)} {x.currency} outstanding",
        )
        for _, name, x in queries.open_pledges(session, as_at=date.max)
    ]


def _receipt_form(
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
        "voluntary_receipt_form.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        values=values,
        errors=errors or {},
        donors=_donors(session),
        funds=_voluntary_funds(session),
        matches=[*MATCHES.items(), *_open_pledges(session)],
    )


@router.get("/voluntary/receipts/new")
def new_receipt(
    request: Request,
    session: SessionDep,
    caller: Officer,
    donor_id: int | None = None,
    pledge_id: int | None = None,
) -> Response:
    values = {
        "donor_id": "" if donor_id is None else str(donor_id),
        "value_on": utctoday().isoformat(),
        "fund": "VTF",
        "currency": "USD",
        "match": "auto",
        KEY_FIELD: new_key(),
    }
    if pledge_id is not None:  # a receipt against this pledge: its donor, fund and earmark
        pledge = service.pledge_out(session, pledge_id)
        values.update(
            donor_id=str(pledge.donor_id),
            fund=pledge.fund,
            earmark=pledge.earmark or "",
            currency=pledge.currency,
            match=str(pledge_id),
        )
    return _receipt_form(request, session, caller, values)


def _receipt_in(values: dict[str, str]) -> VoluntaryReceiptIn:
    """The form's fields as the API's request: ``match`` is ``auto``, ``none`` or the id
    of the pledge to settle ``match_amount`` of (in the pledge's currency)."""
    data: dict[str, Any] = {k: values[k] for k in _RECEIPT_FIELDS}
    match = values["match"].strip() or "auto"
    if match.isdigit():
        if not values["match_amount"].strip():
            raise ValidationFailed(
                "say how much of the pledge the receipt settles",
                fields={"match_amount": "required when the receipt settles a named pledge"},
            )
        data["match"] = [{"pledge_id": int(match), "amount": values["match_amount"].strip()}]
    else:
        data["match"] = match
    return parse(VoluntaryReceiptIn, data)


_MATCH_FIELD = re.compile(r"match\[\d+\]\.\w+: ", re.IGNORECASE)


def _receipt_errors(exc: DomainError) -> dict[str, str]:
    """The service's errors on the form's fields (``match[0].amount`` is ``match_amount``)."""
    errors: dict[str, str] = {}
    for name, text in field_errors(exc).items():
        if name == "form":  # "Match[0].amount: at most …" → "At most …"
            text = _MATCH_FIELD.sub("", text)
            text = text[:1].upper() + text[1:]
        elif name.startswith("match") and name.endswith("amount"):
            name = "match_amount"
        elif name.startswith("match"):
            name = "match"
        errors.setdefault(name, text)
    return errors


@router.post("/voluntary/receipts")
async def record_receipt(request: Request, session: SessionDep, caller: Officer) -> Response:
    values = await form_values(request, (*_RECEIPT_FIELDS, "match", "match_amount"))
    return write_once(
        session,
        request,
        caller,
        route=RECEIPT_ROUTE,
        key=values[KEY_FIELD],
        data=lambda: _receipt_in(values),
        write=lambda actor, data: service.receipt_out(
            session, service.record_receipt(session, actor=actor, data=data).id or 0
        ),
        then=lambda done: f"/app/voluntary/receipts/{done['id']}?recorded=1",
        refused=lambda exc: _receipt_form(
            request, session, caller, values, errors=_receipt_errors(exc), status_code=422
        ),
    )


@router.get("/voluntary/receipts/{receipt_id}")
def receipt_page(
    receipt_id: int,
    request: Request,
    session: SessionDep,
    caller: Reader,
    recorded: bool = False,
) -> Response:
    receipt = service.receipt_out(session, receipt_id)
    return _page(
        request,
        session,
        caller,
        "voluntary_receipt.html.j2",
        receipt=receipt,
        recorded=recorded,
        settled=[(m, service.pledge_out(session, m.pledge_id)) for m in receipt.matches],
    )


# --- projects, sponsored delegates, disbursements (read-only) ---------------------------


@router.get("/voluntary/projects")
def projects_page(
    request: Request,
    session: SessionDep,
    caller: Reader,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    ids, total = queries.list_projects(session, limit=PAGE, offset=offset)
    return _page(
        request,
        session,
        caller,
        "voluntary_projects.html.j2",
        projects=[service.project_out(session, i) for i in ids],
        pager=_pager(total, offset, "/app/voluntary/projects"),
    )


@router.get("/voluntary/sponsorships")
def sponsorships_page(
    request: Request,
    session: SessionDep,
    caller: Reader,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    ids, total = queries.list_sponsorships(session, limit=PAGE, offset=offset)
    return _page(
        request,
        session,
        caller,
        "voluntary_sponsorships.html.j2",
        sponsorships=[service.sponsorship_out(session, i) for i in ids],
        pager=_pager(total, offset, "/app/voluntary/sponsorships"),
    )


@router.get("/voluntary/disbursements")
def disbursements_page(
    request: Request,
    session: SessionDep,
    caller: Reader,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    ids, total = queries.list_disbursements(session, limit=PAGE, offset=offset)
    return _page(
        request,
        session,
        caller,
        "voluntary_disbursements.html.j2",
        disbursements=[service.disbursement_out(session, i) for i in ids],
        pager=_pager(total, offset, "/app/voluntary/disbursements"),
    )
