"""Publishing reports in the web interface (maker-checker): the snapshots with their kind,
scope, status, proposer, approver and content hash; the proposal of a report of the
catalogue as at ``(as_at, known_at)`` with its parameters (as ``POST
/reports/{name}/publications``); one snapshot with its files and its verification; its
approval (which publishes it) by a finance officer other than its author, or its
withdrawal. A published snapshot of a public kind links to its page on the public portal.

Every write calls the same service as the JSON API (``reports.publish.propose_report``,
``finance_core.publication.service``) and runs once per form (``forms.once``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import Field
from sqlmodel import Session

from api.deps import SessionDep, as_utc
from api.errors import status_of
from api.routes.publications import ApprovalIn, WithdrawalIn, frozen_file
from api.routes.reports import ReportProposalIn
from api.web.auth import Officer, Reader, WebCaller
from api.web.forms import KEY_FIELD, errors_of, form_values, new_key, parse, write_once
from api.web.pages import render
from finance_core.actor import Actor
from finance_core.db_types import utctoday
from finance_core.errors import DomainError
from finance_core.publication import service as publication
from finance_core.publication.models import SnapshotStatus
from finance_core.publication.schemas import SnapshotOut
from finance_core.system.service import is_demo
from reports import service as reports
from reports.catalog import CATALOGUE
from reports.publish import propose_report
from reports.request import ReportRequest
from strategy import service as strategy

router = APIRouter(prefix="/app", include_in_schema=False)

#: Snapshots shown on one page of the list.
PAGE = 50
_PROPOSAL_FIELDS = ("name", "as_at", "known_at", "year", "plan", "from_on", "reference")
#: What a finished write tells on the page it leads to (``?done=``).
DONE = {
    "proposed": "Proposed: a second finance officer must now approve it to publish it.",
    "published": "Approved and published.",
    "withdrawn": "Withdrawn: it will not be published.",
}


class ReportProposalForm(ReportProposalIn):
    """The proposal form: the report's name and what ``POST /reports/{name}/publications``
    takes."""

    name: str = Field(min_length=1, max_length=60)


def kind_label(kind: str) -> str:
    """``report.status_of_contributions`` → ``Status of contributions``."""
    if kind == "strategy.annual_update":
        return "Annual update"
    return kind.removeprefix("report.").replace("_", " ").capitalize()


def _report_label(name: str) -> str:
    """``status-of-contributions`` → ``Status of contributions``."""
    return name.replace("-", " ").capitalize()


def public_url(out: SnapshotOut) -> str | None:
    """The public portal's page of a published snapshot of a public kind (else None)."""
    published = out.status in (SnapshotStatus.PUBLISHED, SnapshotStatus.SUPERSEDED)
    return f"/publications/{out.id}" if published and out.kind in publication.PUBLIC_KINDS else None


def snapshot_context(session: Session, snapshot_id: int) -> dict[str, Any]:
    """What a snapshot's page shows: the snapshot, its frozen data, where the public reads
    it, and its verification."""
    detail = publication.snapshot_detail(session, publication.get(session, snapshot_id))
    return {
        "snap": detail,
        "kind": kind_label(detail.kind),
        "public": public_url(detail),
        "check": publication.verify(session, snapshot_id),
    }


def approve_snapshot(
    session: Session,
    request: Request,
    caller: WebCaller,
    snapshot_id: int,
    values: dict[str, str],
    *,
    then: str,
    refused: Callable[[DomainError], Response],
) -> Response:
    """Publish a draft as this officer (the service refuses its author), once per form;
    then the page at ``then``, or ``refused(exc)`` (``forms.write_once``)."""
    return write_once(
        session,
        request,
        caller,
        route="POST /app/publications/{snapshot_id}/approval",
        key=values[KEY_FIELD],
        data=lambda: parse(ApprovalIn, values),
        payload=lambda data: {"snapshot_id": snapshot_id, **data.model_dump(mode="json")},
        write=lambda actor, data: publication.snapshot_out(
            session,
            publication.approve(
                session, actor=actor, snapshot_id=snapshot_id, reference=data.reference
            ),
        ),
        then=lambda _done: then,
        refused=refused,
    )


def _list_page(
    request: Request,
    session: Session,
    caller: WebCaller,
    *,
    offset: int = 0,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    items, total = publication.list_snapshots(session, limit=PAGE, offset=offset)
    today = utctoday()
    return render(
        request,
        "publications_list.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        items=[(s, kind_label(s.kind), public_url(s)) for s in items],
        total=total,
        offset=offset,
        page=PAGE,
        reports=[(s.name, _report_label(s.name), s.description) for s in CATALOGUE],
        report_options=[(s.name, f"{_report_label(s.name)} (by {s.scope})") for s in CATALOGUE],
        plans=[(p.code, p.code) for p in strategy.list_plans(session)],
        values=values or {KEY_FIELD: new_key(), "as_at": today.isoformat()},
        errors=errors or {},
    )


@router.get("/publications")
def publications(
    request: Request,
    session: SessionDep,
    caller: Reader,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    return _list_page(request, session, caller, offset=offset)


@router.post("/publications")
async def propose(request: Request, session: SessionDep, caller: Officer) -> Response:
    values = await form_values(request, _PROPOSAL_FIELDS)

    def proposal() -> tuple[ReportProposalForm, ReportRequest]:
        """The form and the report's request it asks for."""
        form = parse(ReportProposalForm, values)
        request_for = reports.request_for(
            as_at=form.as_at,
            known_at=as_utc(form.known_at),
            year=form.year,
            plan=form.plan,
            from_on=form.from_on,
        )
        return form, request_for

    def write(actor: Actor, asked: tuple[ReportProposalForm, ReportRequest]) -> SnapshotOut:
        form, request_for = asked
        return publication.snapshot_out(
            session,
            propose_report(
                session, actor=actor, name=form.name, request=request_for, reference=form.reference
            ),
        )

    return write_once(
        session,
        request,
        caller,
        route="POST /app/publications",
        key=values[KEY_FIELD],
        data=proposal,
        payload=lambda asked: asked[0],
        write=write,
        then=lambda done: f"/app/publications/{done['id']}?done=proposed",
        refused=lambda exc: _list_page(
            request, session, caller, values=values, errors=errors_of(exc), status_code=422
        ),
    )


def _detail_page(
    request: Request,
    session: Session,
    caller: WebCaller,
    snapshot_id: int,
    *,
    done: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "publications_detail.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        done=DONE.get(done or ""),
        errors=errors or {},
        values=values or {},
        new_key=new_key,
        **snapshot_context(session, snapshot_id),
    )


@router.get("/publications/{snapshot_id}")
def snapshot(
    snapshot_id: int,
    request: Request,
    session: SessionDep,
    caller: Reader,
    done: str | None = None,
) -> Response:
    return _detail_page(request, session, caller, snapshot_id, done=done)


@router.get("/publications/{snapshot_id}/files/{name}")
def snapshot_file(snapshot_id: int, name: str, session: SessionDep, _caller: Reader) -> Response:
    """A file of the snapshot exactly as frozen."""
    found = publication.file_of(session, snapshot_id, name)
    status = publication.status_of(session, publication.get(session, snapshot_id))
    return frozen_file(
        found, published=status in (SnapshotStatus.PUBLISHED, SnapshotStatus.SUPERSEDED)
    )


@router.post("/publications/{snapshot_id}/approval")
async def approve(
    snapshot_id: int, request: Request, session: SessionDep, caller: Officer
) -> Response:
    values = await form_values(request, ("reference",))
    return approve_snapshot(
        session,
        request,
        caller,
        snapshot_id,
        values,
        then=f"/app/publications/{snapshot_id}?done=published",
        refused=lambda exc: _detail_page(
            request,
            session,
            caller,
            snapshot_id,
            errors={"approval": exc.detail},
            values=values,
            status_code=status_of(exc),
        ),
    )


@router.post("/publications/{snapshot_id}/withdrawal")
async def withdraw(
    snapshot_id: int, request: Request, session: SessionDep, caller: Officer
) -> Response:
    values = await form_values(request, ("reason",))
    return write_once(
        session,
        request,
        caller,
        route="POST /app/publications/{snapshot_id}/withdrawal",
        key=values[KEY_FIELD],
        data=lambda: parse(WithdrawalIn, values),
        payload=lambda data: {"snapshot_id": snapshot_id, **data.model_dump(mode="json")},
        write=lambda actor, data: publication.snapshot_out(
            session,
            publication.withdraw(session, actor=actor, snapshot_id=snapshot_id, reason=data.reason),
        ),
        then=lambda _done: f"/app/publications/{snapshot_id}?done=withdrawn",
        refused=lambda exc: _detail_page(
            request,
            session,
            caller,
            snapshot_id,
            errors={"withdrawal": exc.fields.get("reason", exc.detail)},
            values=values,
            status_code=status_of(exc),
        ),
    )
