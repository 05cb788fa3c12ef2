"""The public portal at ``/``: the overview with the headline figures and what changed,
the current status of contributions with the honour roll, the annual progress report,
the activity-based spending, the archive of every publication, and each publication's
own page with its downloads, content hash and references.

Anonymous, read-only, from published snapshots only (``api.portal.content``); anything
unpublished is a 404 page. Not part of the API's OpenAPI schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from sqlmodel import Session
from starlette.types import Scope

from api.deps import SessionDep
from api.portal import content
from api.portal.content import Publication
from api.portal.language import choose
from api.portal.pages import (
    PUBLICATION_CACHE,
    STATIC,
    STATIC_CACHE,
    STATIC_URL,
    downloads,
    embedded,
    page,
)
from finance_core.errors import NotFound
from finance_core.system.service import is_demo
from reports.i18n import Language

router = APIRouter(include_in_schema=False)


class _Static(StaticFiles):
    """The portal's stylesheet and icon, cached for good (their URLs carry their hash)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = STATIC_CACHE
        return response


static_files = _Static(directory=STATIC)


def _sections(
    session: Session, pubs: list[Publication], language: Language, *, demote: bool = True
) -> list[dict[str, Any]]:
    """What a page shows of each publication: its frozen page in ``language`` (if it has
    one), what it is, and its downloads. ``demote``: the page has a title of its own, so
    each report's headings go one level down."""
    found = []
    for i, pub in enumerate(pubs):
        prefix = f"s{i + 1}"
        files = content.files(session, pub)
        body = content.body_of(session, pub, files, language)
        found.append(
            {
                "pub": pub,
                "prefix": prefix,
                "downloads": downloads(pub, files),
                "body": embedded(body, prefix, demote=demote) if body else None,
            }
        )
    return found


def _demo(session: Session, shown: list[Publication]) -> bool:
    """Whether the page is built from demo data: its publications say so (real and demo
    data never mix in one database), else the database's flag."""
    return all(p.demo for p in shown) if shown else is_demo(session)


def _key(*pubs: Publication | None) -> tuple[Any, ...]:
    return tuple((p.id, p.content_hash, p.superseded_by) if p else None for p in pubs)


@router.get("/", name="portal_home")
def home(request: Request, session: SessionDep) -> Response:
    choice = choose(request)
    pubs = content.publications(session)

    def build() -> Mapping[str, Any]:
        return {
            "figures": content.figures(session, pubs, choice.language),
            "changes": content.changes(session, pubs, choice.language),
        }

    return page(
        request, choice, "home.html.j2", demo=is_demo(session), key=_key(*pubs), build=build
    )


def _report_page(
    request: Request,
    session: Session,
    *,
    title: str,
    reports: tuple[str, ...],
) -> Response:
    """A page of the current publication of ``reports[0]`` and, of the others, the
    publication of the same scope (the honour roll of the same year)."""
    choice = choose(request)
    pubs = content.publications(session)
    main = content.current_of(pubs, reports[0])
    shown = [main] if main else []
    if main is not None:
        for other in reports[1:]:
            found = content.current_of(pubs, other, scope=main.scope)
            if found is not None:
                shown.append(found)
    kind = content.REPORT_KINDS[reports[0]]

    def build() -> Mapping[str, Any]:
        others = [p for p in pubs if p.kind == kind and p not in shown]
        return {
            "title": title,
            "sections": _sections(session, shown, choice.language),
            "others": others,
        }

    return page(
        request,
        choice,
        "report.html.j2",
        demo=_demo(session, shown),
        key=_key(*shown),
        build=build,
    )


@router.get("/status", name="portal_status")
def status(request: Request, session: SessionDep) -> Response:
    return _report_page(
        request,
        session,
        title="portal.status.title",
        reports=("status-of-contributions", "honour-roll"),
    )


@router.get("/progress", name="portal_progress")
def progress(request: Request, session: SessionDep) -> Response:
    return _report_page(
        request, session, title="portal.progress.title", reports=("progress-report",)
    )


@router.get("/spending", name="portal_spending")
def spending(request: Request, session: SessionDep) -> Response:
    return _report_page(
        request, session, title="portal.spending.title", reports=("activity-spending",)
    )


@router.get("/archive", name="portal_archive")
def archive(request: Request, session: SessionDep) -> Response:
    choice = choose(request)
    pubs = content.publications(session)

    def build() -> Mapping[str, Any]:
        years: dict[int, list[Publication]] = {}
        for p in pubs:
            years.setdefault(p.published_at.year, []).append(p)
        return {"years": sorted(years.items(), reverse=True)}

    return page(
        request, choice, "archive.html.j2", demo=is_demo(session), key=_key(*pubs), build=build
    )


@router.get("/publications/{snapshot_id}", name="portal_publication")
def publication(snapshot_id: int, request: Request, session: SessionDep) -> Response:
    choice = choose(request)
    try:
        pub = content.publication(session, snapshot_id)
    except NotFound:
        return not_found(request, session)

    def build() -> Mapping[str, Any]:
        return {"sections": _sections(session, [pub], choice.language, demote=False)}

    return page(
        request,
        choice,
        "publication.html.j2",
        demo=pub.demo,
        key=_key(pub),
        build=build,
        cache_control=PUBLICATION_CACHE,
    )


def not_found(request: Request, session: Session | None = None) -> Response:
    """The portal's 404 page (for anything unpublished, and for unknown addresses)."""
    if session is None:
        with Session(request.app.state.engine) as own:
            demo = is_demo(own)
    else:
        demo = is_demo(session)
    return page(
        request,
        choose(request),
        "not_found.html.j2",
        demo=demo,
        key=None,
        build=dict,
        cache_control="no-cache",
        status_code=404,
    )


def is_portal_path(path: str) -> bool:
    """Whether an unknown address belongs to the portal (the API keeps its JSON errors)."""
    return not path.startswith(("/api/", "/docs", "/openapi", "/static/", "/health"))


__all__ = ["STATIC_URL", "is_portal_path", "not_found", "router", "static_files"]
