"""Published snapshots for officers and the committee: the list, one snapshot with its
data, its files, its verification; approval by a second person, and the withdrawal of a
draft. Proposals are made by the domains that publish (annual updates, reports)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import OfficerDep, PageDep, ReaderDep, SessionDep
from api.errors import error_responses
from api.files import file_responses
from api.schemas import Page
from finance_core.publication import service
from finance_core.publication.models import SnapshotFile, SnapshotStatus
from finance_core.publication.schemas import SnapshotDetailOut, SnapshotOut, VerifyOut
from reports.render.formats import MEDIA_TYPES

router = APIRouter(tags=["publications"])

_READ_ERRORS = error_responses(401, 403, 404, 422)
_WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)

#: Published files never change: caches may keep them for a year.
PUBLISHED_CACHE = "public, max-age=31536000, immutable"
#: The media types of frozen files: what reports and annual updates publish.
FROZEN_MEDIA_TYPES = sorted(set(MEDIA_TYPES.values()))


class ApprovalIn(BaseModel):
    """A second person publishing a snapshot."""

    reference: str | None = Field(default=None, max_length=300, examples=["ATT/CSP11/2025/DEC.4"])


class WithdrawalIn(BaseModel):
    """Why a draft will not be published."""

    reason: str = Field(min_length=1, max_length=2000)


@router.get("/publications", response_model=Page[SnapshotOut], responses=_READ_ERRORS)
def list_publications(
    session: SessionDep,
    _actor: ReaderDep,
    page: PageDep,
    kind: Annotated[str | None, Query(description="e.g. report.status_of_contributions")] = None,
    scope: Annotated[str | None, Query(description="e.g. 2025")] = None,
    status: Annotated[SnapshotStatus | None, Query()] = None,
) -> Page[SnapshotOut]:
    """Snapshots, latest first, drafts and withdrawn ones included, with their status."""
    limit, offset = page
    items, total = service.list_snapshots(
        session, kind=kind, scope=scope, status=status, limit=limit, offset=offset
    )
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get("/publications/{snapshot_id}", response_model=SnapshotDetailOut, responses=_READ_ERRORS)
def get_publication(snapshot_id: int, session: SessionDep, _actor: ReaderDep) -> SnapshotDetailOut:
    """One snapshot with its frozen data, files, status and approval."""
    return service.snapshot_detail(session, service.get(session, snapshot_id))


@router.get(
    "/publications/{snapshot_id}/files/{name}",
    response_class=Response,
    responses=file_responses("The file's stored bytes.", FROZEN_MEDIA_TYPES),
)
def get_publication_file(
    snapshot_id: int, name: str, session: SessionDep, _actor: ReaderDep
) -> Response:
    """A file of the snapshot exactly as frozen (``ETag``: its SHA-256; a published
    snapshot's files may be cached for good)."""
    found = service.file_of(session, snapshot_id, name)
    status = service.status_of(session, service.get(session, snapshot_id))
    return frozen_file(
        found, published=status in (SnapshotStatus.PUBLISHED, SnapshotStatus.SUPERSEDED)
    )


def frozen_file(found: SnapshotFile, *, published: bool) -> Response:
    """A snapshot's file as stored, tagged with its SHA-256; a published one may be
    cached for good, a draft's not at all."""
    return Response(
        found.content,
        media_type=found.media_type,
        headers={
            "ETag": f'"{found.sha256}"',
            "Cache-Control": PUBLISHED_CACHE if published else "private, no-cache",
            "Content-Disposition": f'attachment; filename="{found.name}"',
        },
    )


@router.post(
    "/publications/{snapshot_id}/approval", response_model=SnapshotOut, responses=_WRITE_ERRORS
)
def approve_publication(
    snapshot_id: int, data: ApprovalIn, session: SessionDep, actor: OfficerDep
) -> SnapshotOut:
    """Publish a draft as a finance officer other than its author (403 for the author);
    it supersedes the earlier published snapshot of its kind and scope."""
    snapshot = service.approve(
        session, actor=actor, snapshot_id=snapshot_id, reference=data.reference
    )
    return service.snapshot_out(session, snapshot)


@router.post(
    "/publications/{snapshot_id}/withdrawal", response_model=SnapshotOut, responses=_WRITE_ERRORS
)
def withdraw_publication(
    snapshot_id: int, data: WithdrawalIn, session: SessionDep, actor: OfficerDep
) -> SnapshotOut:
    """Withdraw a draft that will not be published (409 for a published snapshot)."""
    snapshot = service.withdraw(session, actor=actor, snapshot_id=snapshot_id, reason=data.reason)
    return service.snapshot_out(session, snapshot)


@router.get("/publications/{snapshot_id}/verify", response_model=VerifyOut, responses=_READ_ERRORS)
def verify_publication(snapshot_id: int, session: SessionDep, _actor: ReaderDep) -> VerifyOut:
    """Recompute the snapshot's content hash from its stored data and files, and check
    its chain head against the ledger."""
    return service.verify(session, snapshot_id)
