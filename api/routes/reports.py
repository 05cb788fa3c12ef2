"""Reports for officers and the Management Committee: any report of the catalogue as at
``(as_at, known_at)`` in xlsx, csv, json, html or pdf, and the proposal of a snapshot
(published when a second finance officer approves it under
``/publications/{id}/approval``). The public reads published reports under
``/public/reports``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import OfficerDep, ReaderDep, SessionDep, as_utc
from api.errors import error_responses
from api.files import file_response, file_responses
from api.schemas import Page
from finance_core.publication import service as publication
from finance_core.publication.schemas import SnapshotOut
from reports import service
from reports.catalog import CATALOGUE, NAMES
from reports.i18n import Language
from reports.publish import kind_of, propose_report
from reports.render.formats import MEDIA_TYPES, ReportFormat

router = APIRouter(tags=["reports"])

_NAME_DOC = f"One of: {', '.join(NAMES)}."


class ReportOut(BaseModel):
    """A report of the catalogue."""

    name: str = Field(examples=["status-of-contributions"])
    kind: str = Field(description="The kind of its published snapshots.")
    public: bool = Field(description="Whether the public may read it once published.")
    scope: str = Field(description="What a snapshot is about: year, plan, date or period.")
    description: str


class ReportProposalIn(BaseModel):
    """What to publish: the report as at ``(as_at, known_at)`` with its authority."""

    as_at: date
    known_at: datetime | None = Field(
        default=None, description="Recording cutoff (UTC); default now."
    )
    year: int | None = Field(default=None, description="Default: the year of as_at.")
    plan: str | None = Field(default=None, description="A strategic plan's code.")
    from_on: date | None = Field(default=None, description="First day of a ledger period.")
    reference: str = Field(
        min_length=1, max_length=300, description="The decision or memo authorising it."
    )


@router.get("/reports", response_model=Page[ReportOut], responses=error_responses(401, 403))
def list_reports(_actor: ReaderDep) -> Page[ReportOut]:
    """The reports there are, who may read them once published, and what they hold."""
    return Page.whole(
        [
            ReportOut(
                name=s.name,
                kind=kind_of(s.name),
                public=s.public,
                scope=s.scope,
                description=s.description,
            )
            for s in CATALOGUE
        ]
    )


@router.get(
    "/reports/{name}",
    response_class=Response,
    responses=file_responses(
        "The report in the format asked for.", sorted(set(MEDIA_TYPES.values()))
    ),
)
def get_report(
    name: str,
    session: SessionDep,
    _actor: ReaderDep,
    as_at: Annotated[date, Query(description="Value-date cutoff.")],
    known_at: Annotated[datetime | None, Query(description="Recording cutoff (UTC).")] = None,
    fmt: Annotated[
        ReportFormat, Query(alias="format", description="The file format.")
    ] = ReportFormat.JSON,
    lang: Annotated[Language, Query(description="Language of xlsx, html, pdf.")] = Language.EN,
    year: Annotated[int | None, Query(description="Default: the year of as_at.")] = None,
    plan: Annotated[str | None, Query(description="A strategic plan's code.")] = None,
    from_on: Annotated[date | None, Query(description="First day of a ledger period.")] = None,
    table: Annotated[str | None, Query(description="The csv's table (default the first).")] = None,
) -> Response:
    """The report ``name`` as at ``(as_at, known_at)``, freshly computed (nothing is
    stored): json is its canonical data; csv one table; xlsx, html and pdf in ``lang``."""
    request = service.request_for(
        as_at=as_at, known_at=as_utc(known_at), year=year, plan=plan, from_on=from_on
    )
    report = service.build(session, name, request)
    body, filename = service.render_file(report, fmt, lang, table=table)
    return file_response(body, MEDIA_TYPES[fmt], filename)


@router.post(
    "/reports/{name}/publications",
    response_model=SnapshotOut,
    status_code=201,
    responses=error_responses(401, 403, 404, 409, 422),
)
def propose(
    name: str, data: ReportProposalIn, session: SessionDep, actor: OfficerDep
) -> SnapshotOut:
    """Freeze the report as at ``(as_at, known_at)`` as a draft snapshot: its canonical
    data, json, a csv per table, and xlsx, html and pdf in English, French and Spanish.
    Another finance officer publishes it (``POST /publications/{id}/approval``)."""
    request = service.request_for(
        as_at=data.as_at,
        known_at=as_utc(data.known_at),
        year=data.year,
        plan=data.plan,
        from_on=data.from_on,
    )
    snapshot = propose_report(
        session, actor=actor, name=name, request=request, reference=data.reference
    )
    return publication.snapshot_out(session, snapshot)
