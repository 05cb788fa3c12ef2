"""Rendering the portal's pages: the Jinja2 templates of ``api/portal/templates``, the
language switch, the caching headers, and a report's frozen page shown inside the
portal's layout.

Pages are rendered once per set of publications shown: the rendered text is kept under
a key made of the language, the demo flag and the content hashes of the publications on
the page, so a new publication (a new hash) makes a new page and nothing stale is ever
served."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from api.portal.content import Body, Publication
from api.portal.language import COOKIE, NAMES, REMEMBERED, Choice
from finance_core.publication.schemas import SnapshotFileOut
from reports.i18n import Language
from reports.render.cells import t

STATIC = Path(__file__).parent / "static"
STATIC_URL = "/static/portal"
#: Pages showing the current publications may change when a report is published.
CURRENT_CACHE = "public, max-age=300"
#: A publication's own page changes only if a later one replaces it.
PUBLICATION_CACHE = "public, max-age=86400"
#: Static files are asked for with their content hash, so they may be kept for good.
STATIC_CACHE = "public, max-age=31536000, immutable"

#: The sections of the site, in the order of the navigation.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("/", "portal.nav.home"),
    ("/status", "portal.nav.status"),
    ("/progress", "portal.nav.progress"),
    ("/spending", "portal.nav.spending"),
    ("/archive", "portal.nav.archive"),
)


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("api.portal", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def static_url(name: str) -> str:
    """``/static/portal/portal.css?v=<hash>``: a new file is a new address."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    return f"{STATIC_URL}/{name}?v={digest}"


# --- formatting for the templates ----------------------------------------------------------


def _formatters(language: Language) -> dict[str, Callable[..., str]]:
    locale = language.value

    def day(value: Any) -> str:
        return format_date(value, format="long", locale=locale)

    def moment(value: Any) -> str:
        return f"{format_datetime(value, format='medium', tzinfo=None, locale=locale)} UTC"

    def size(n: int) -> str:
        kb = format_decimal(max(n, 1) / 1024, format="#,##0.0", locale=locale)
        return t("portal.size.kb", language, size=kb)

    return {"day": day, "moment": moment, "size": size}


def file_url(pub: Publication, name: str) -> str:
    """Where a frozen file is downloaded: the public API, byte for byte as published."""
    return f"/api/v1/public/publications/{pub.id}/files/{name}"


_FORMATS = ("xlsx", "pdf", "html", "csv", "json")


@dataclass(frozen=True, slots=True)
class Download:
    name: str
    url: str
    format: str  # xlsx, pdf, html, csv, json
    size: int
    sha256: str
    language: Language | None


def downloads(pub: Publication, files: list[SnapshotFileOut]) -> list[Download]:
    """The publication's files, the language-free ones with their format, sorted so that
    the workbook comes first."""
    found = []
    for f in files:
        parts = f.name.rsplit(".", 2)
        fmt = parts[-1]
        lang = next((x for x in Language if len(parts) == 3 and parts[1] == x.value), None)
        found.append(Download(f.name, file_url(pub, f.name), fmt, f.size, f.sha256, lang))
    order = {fmt: i for i, fmt in enumerate(_FORMATS)}
    return sorted(found, key=lambda d: (order.get(d.format, 9), d.name))


# --- a frozen report page inside the layout -----------------------------------------------

_IDS = re.compile(r'(\bid="|aria-labelledby="|url\(#|xlink:href="#|href="#)')
_ORG = re.compile(r'<div class="org">.*?</div>', re.S)


def embedded(body: Body, prefix: str, *, demote: bool) -> tuple[Markup, Markup]:
    """A frozen page's heading block and content for a section of a portal page: the ids
    prefixed so that two reports on one page do not clash, the organisation line dropped
    (the portal's header says it), and with ``demote`` the headings one level down (for a
    page with a title of its own). The figures and words are the frozen ones."""

    def fix(html: str) -> str:
        html = _IDS.sub(lambda m: f"{m.group(1)}{prefix}-", html)
        for level in (2, 1) if demote else ():
            html = html.replace(f"<h{level}", f"<h{level + 1}")
            html = html.replace(f"</h{level}>", f"</h{level + 1}>")
        return html

    # the frozen page was rendered by our own autoescaping template: it is markup already
    header, main = fix(_ORG.sub("", body.header)), fix(body.main)
    return Markup(header), Markup(main)  # noqa: S704


# --- responses -----------------------------------------------------------------------------

_PAGES: dict[Hashable, tuple[str, str]] = {}  # key → (html, ETag)
_PAGES_KEPT = 512


def _context(request: Request, choice: Choice, demo: bool) -> dict[str, Any]:
    language = choice.language
    path = request.url.path
    return {
        "lang": language.value,
        "language": language,
        "t": lambda key, **values: t(key, language, **values),
        "path": path,
        "site_sections": SECTIONS,
        "switch": [(x, NAMES[x], f"{path}?lang={x.value}") for x in Language],
        "demo": demo,
        "css": static_url("portal.css"),
        "icon": static_url("favicon.svg"),
        **_formatters(language),
    }


def page(
    request: Request,
    choice: Choice,
    template: str,
    *,
    demo: bool,
    key: Hashable,
    build: Callable[[], Mapping[str, Any]],
    cache_control: str = CURRENT_CACHE,
    status_code: int = 200,
) -> Response:
    """A page of ``template``; ``build`` gives its own context, called only when the page
    with this ``key`` (its publications' hashes) has not been rendered yet."""
    request.state.demo = demo  # the X-Demo-Data header need not ask the database again
    full_key = (template, request.url.path, choice.language, demo, key)
    kept = _PAGES.get(full_key)
    if kept is None:
        context = {**_context(request, choice, demo), **build()}
        html = _environment().get_template(template).render(**context)
        kept = (html, f'"{hashlib.sha256(html.encode("utf-8")).hexdigest()[:32]}"')
        if len(_PAGES) >= _PAGES_KEPT:
            _PAGES.clear()
        _PAGES[full_key] = kept
    html, etag = kept
    headers = {
        "Content-Language": choice.language.value,
        "Vary": "Accept-Language, Cookie",
        "Cache-Control": "private, no-cache" if choice.switched else cache_control,
        "ETag": etag,
    }
    if status_code == 200 and request.headers.get("if-none-match") == etag and not choice.switched:
        return Response(status_code=304, headers=headers)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    if choice.switched:
        response.set_cookie(
            COOKIE, choice.language.value, max_age=REMEMBERED, samesite="lax", httponly=True
        )
    return response
