"""What anyone may read without a token, from published material only: the strategic
plans adopted by the CSP, their published annual updates and the published public
reports (status of contributions, honour roll, activity-based spending, progress
report), with their frozen files.
Anything unpublished (drafts, withdrawn proposals, confidential kinds) is a 404, never a
403, so that its existence is not told."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.deps import Audience, PageDep, SessionDep, allow
from api.errors import error_responses
from api.files import file_responses
from api.routes.publications import FROZEN_MEDIA_TYPES, frozen_file
from api.schemas import Page
from finance_core.actor import Actor
from finance_core.publication import service as publication
from finance_core.publication.schemas import PublicSnapshotDetailOut, PublicSnapshotOut
from reports import service as reports
from strategy import annual_update
from strategy.public import PublicPlanOut, PublicPlanTreeOut, public_plan, public_plans

router = APIRouter(prefix="/public", tags=["public"])

PublicDep = Annotated[Actor, allow(Audience.PUBLIC)]
_ERRORS = error_responses(404, 422)


@router.get("/plans", response_model=Page[PublicPlanOut], responses=_ERRORS)
def list_plans(session: SessionDep, _caller: PublicDep) -> Page[PublicPlanOut]:
    """The strategic plans the CSP adopted (adopted or closed), latest first."""
    return Page.whole(public_plans(session))


@router.get("/plans/{plan_code}", response_model=PublicPlanTreeOut, responses=_ERRORS)
def get_plan(plan_code: str, session: SessionDep, _caller: PublicDep) -> PublicPlanTreeOut:
    """An adopted plan with its goals, objectives, activities and indicators (baselines
    and targets); 404 for a draft."""
    return public_plan(session, code=plan_code)


@router.get("/annual-updates", response_model=Page[PublicSnapshotOut], responses=_ERRORS)
def list_updates(session: SessionDep, _caller: PublicDep, page: PageDep) -> Page[PublicSnapshotOut]:
    """The annual updates published (the current one per plan and year), latest first."""
    limit, offset = page
    items, total = annual_update.published_updates(session, limit=limit, offset=offset)
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/annual-updates/{plan_code}/{year}",
    response_model=PublicSnapshotDetailOut,
    responses=_ERRORS,
)
def get_update(
    plan_code: str, year: int, session: SessionDep, _caller: PublicDep
) -> PublicSnapshotDetailOut:
    """The published annual update of a plan for a year, with its frozen data, content
    hash and files; 404 while only a draft exists."""
    snapshot = annual_update.published_update(session, plan_code=plan_code, year=year)
    return publication.public_detail(session, snapshot)


@router.get(
    "/publications/{snapshot_id}",
    response_model=PublicSnapshotDetailOut,
    responses=_ERRORS,
)
def get_publication(
    snapshot_id: int, session: SessionDep, _caller: PublicDep
) -> PublicSnapshotDetailOut:
    """A published snapshot of a public kind by id (superseded ones stay readable)."""
    return publication.public_detail(session, publication.public_snapshot(session, snapshot_id))


@router.get(
    "/publications/{snapshot_id}/files/{name}",
    response_class=Response,
    responses=file_responses("The file exactly as published.", FROZEN_MEDIA_TYPES),
)
def get_file(
    snapshot_id: int,
    name: Annotated[str, Path(max_length=200)],
    session: SessionDep,
    _caller: PublicDep,
) -> Response:
    """A file of a published snapshot, byte for byte as frozen (``ETag``: its SHA-256;
    it never changes, so it may be cached for good)."""
    publication.public_snapshot(session, snapshot_id)
    return frozen_file(publication.file_of(session, snapshot_id, name), published=True)


@router.get("/reports/{name}", response_model=Page[PublicSnapshotOut], responses=_ERRORS)
def list_published_reports(
    name: str, session: SessionDep, _caller: PublicDep, page: PageDep
) -> Page[PublicSnapshotOut]:
    """The published snapshots of a public report (the current one per year or plan and
    superseded ones), latest first; 404 for a confidential report."""
    limit, offset = page
    items, total = reports.published(session, name, limit=limit, offset=offset)
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get("/reports/{name}/latest", response_model=PublicSnapshotDetailOut, responses=_ERRORS)
def latest_report(
    name: str,
    session: SessionDep,
    _caller: PublicDep,
    scope: Annotated[
        str | None, Query(description="What it reports on: 2025, or SP-2026-2030/2026.")
    ] = None,
) -> PublicSnapshotDetailOut:
    """The latest published snapshot of a public report (of ``scope`` if given), with its
    frozen data, content hash and files."""
    return publication.public_detail(session, reports.latest(session, name, scope))
