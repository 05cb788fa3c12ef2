"""The public portal on the demo with its published reports, on both databases: every page
in English, French and Spanish; the language switch, the cookie and ``Accept-Language``;
an anonymous crawl of everything reachable from ``/`` (every page and file from a
published snapshot, nothing confidential, drafts a 404); caching headers; and, in a real
browser (Chromium driven by Playwright), each page at 1280 and 390 px wide: no console
errors, no horizontal scrolling, charts drawn, keyboard navigation, the switch, and
downloads whose totals match the page. Screenshots go to ``test-output/portal/``."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

import openpyxl
import pytest
from sqlalchemy import text
from sqlmodel import Session

from api.portal.language import COOKIE, accepted
from finance_core.db import create_db_engine
from reports.i18n import Language
from reports.render.cells import t
from tests.browser import WIDTHS, open_page
from tests.fixtures_portal import (
    CONFIDENTIAL_FIELD,
    CONFIDENTIAL_REFERENCE,
    DRAFT_REFERENCE,
    SCREENSHOTS,
    Portal,
)

PAGES = ("/", "/status", "/progress", "/spending", "/archive")
#: The navigation's words in each language: the page is really in that language.
NAV = {
    Language.EN: "Status of contributions",
    Language.FR: "État des contributions",
    Language.ES: "Estado de las contribuciones",
}
FILES = re.compile(r"^/api/v1/public/publications/(\d+)/files/([^/?#]+)$")


class _Links(HTMLParser):
    """The ``href`` and ``src`` of a page, and its ``<html lang>``."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        if values.get("id"):
            self.ids.append(values["id"] or "")
        for name in ("href", "src"):
            if values.get(name) and tag in ("a", "link", "img", "script"):
                self.links.append(values[name] or "")


def _parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _published(portal: Portal) -> dict[int, dict[str, str]]:
    """Every published snapshot of a public kind: id → file name → SHA-256 (SQL)."""
    engine = create_db_engine(portal.database.url)
    try:
        with Session(engine) as s:
            rows = s.execute(
                text(
                    "SELECT f.snapshot_id, f.name, f.sha256 FROM snapshot_file f "
                    "JOIN snapshot s ON s.id = f.snapshot_id "
                    "JOIN snapshot_approval a ON a.snapshot_id = s.id "
                    "WHERE s.kind IN ('report.status_of_contributions', 'report.honour_roll', "
                    "'report.activity_spending', 'report.progress_report', "
                    "'strategy.annual_update')"
                )
            ).all()
            users = {u for (u,) in s.execute(text("SELECT name FROM app_user")).all()}
    finally:
        engine.dispose()
    found: dict[int, dict[str, str]] = {}
    for snapshot_id, name, sha in rows:
        found.setdefault(int(snapshot_id), {})[name] = sha
    found[-1] = dict.fromkeys(users, "")  # the officers' names, which no page may show
    return found


# --- pages, languages, headers -----------------------------------------------------------


@pytest.mark.parametrize("language", list(Language))
def test_every_page_exists_in_each_language(portal: Portal, language: Language) -> None:
    for path in PAGES:
        response = portal.client.get(path, params={"lang": language.value})
        assert response.status_code == 200, path
        html = response.text
        assert _parse(html).lang == language.value
        assert NAV[language] in html, (path, language)
        assert "Illustrative data" in html or language != Language.EN
        assert response.headers["content-language"] == language.value


def test_language_is_remembered_and_negotiated(portal: Portal) -> None:
    client = portal.client
    client.cookies.clear()
    assert _parse(client.get("/").text).lang == "en"
    assert _parse(client.get("/", headers={"Accept-Language": "es-ES,es;q=0.9"}).text).lang == "es"
    switched = client.get("/status", params={"lang": "fr"})
    assert switched.headers["cache-control"].startswith("private")
    assert COOKIE in switched.headers["set-cookie"]
    # the switch is remembered over the browser's language
    later = client.get("/archive", headers={"Accept-Language": "es"})
    assert _parse(later.text).lang == "fr"
    client.cookies.clear()


def test_accept_language_ranking() -> None:
    assert accepted("de-DE,de;q=0.9,fr;q=0.8,en;q=0.5") == Language.FR
    assert accepted("es;q=0.2, en;q=0.9") == Language.EN
    assert accepted("de, *;q=0.1") is None
    assert accepted("fr;q=0, es") == Language.ES
    assert accepted("fr;q=bad, es") == Language.ES
    assert accepted(None) is None


def test_pages_print_and_scale() -> None:
    css = (Path(__file__).resolve().parent.parent / "api/portal/static/portal.css").read_text()
    assert "@media print" in css and "@page" in css
    assert ".scroll { overflow-x: auto" in css  # wide tables scroll inside their box


def test_caching_headers(portal: Portal) -> None:
    client = portal.client
    client.cookies.clear()
    page = client.get("/status")
    assert page.headers["cache-control"] == "public, max-age=300"
    assert "Accept-Language" in page.headers["vary"]
    again = client.get("/status", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304 and not again.content
    links = _parse(page.text).links
    css = next(link for link in links if link.startswith("/static/portal/portal.css?v="))
    static = client.get(css)
    assert static.status_code == 200
    assert "immutable" in static.headers["cache-control"]
    file_link = next(link for link in links if FILES.match(link))
    frozen = client.get(file_link)
    assert (
        "immutable" in frozen.headers["cache-control"]
        or "max-age" in frozen.headers["cache-control"]
    )
    assert frozen.headers["etag"].strip('"') == hashlib.sha256(frozen.content).hexdigest()
    archive = _parse(client.get("/archive").text).links
    publication = next(link for link in archive if link.startswith("/publications/"))
    assert client.get(publication).headers["cache-control"] == "public, max-age=86400"


def test_unpublished_is_a_404_page_not_a_403(portal: Portal) -> None:
    client = portal.client
    for snapshot_id in portal.hidden:
        page = client.get(f"/publications/{snapshot_id}")
        assert page.status_code == 404
        assert "text/html" in page.headers["content-type"]
        assert _parse(page.text).lang == "en"
        api = client.get(f"/api/v1/public/publications/{snapshot_id}")
        assert api.status_code == 404
        assert (
            client.get(f"/api/v1/public/publications/{snapshot_id}/files/x.json").status_code == 404
        )
    assert client.get("/no-such-page", params={"lang": "es"}).status_code == 404
    assert "Página no encontrada" in client.get("/no-such-page", params={"lang": "es"}).text
    # the API keeps its JSON errors
    assert client.get("/api/v1/no-such-route").json()["error"] == "NotFound"


def test_a_superseded_publication_points_to_its_successor(portal: Portal) -> None:
    first, second = portal.superseded
    old = portal.client.get(f"/publications/{first}", params={"lang": "en"}).text
    assert f'href="/publications/{second}"' in old
    assert "A later publication replaces this one" in old
    new = portal.client.get(f"/publications/{second}").text
    assert "This is the current publication" in new
    archive = portal.client.get("/archive").text
    assert f"/publications/{first}" in archive and f"/publications/{second}" in archive


def test_home_shows_the_headline_figures_and_changes(portal: Portal) -> None:
    client = portal.client
    home = client.get("/", params={"lang": "en"}).text
    status = client.get("/api/v1/public/reports/status-of-contributions/latest").json()
    facts = status["data"]["facts"]
    rate = Decimal(facts["collection_rate"])
    assert f"{rate:,.2f} %" in home
    assert f"{Decimal(facts['outstanding']):,.2f}" in home
    assert f"{Decimal(facts['reserve_balance']):,.2f}" in home
    assert "Working Capital Fund against its target" in home
    assert "Indicators of the strategic plan on track (2025)" in home
    # the honour roll of 2025 against that of 2024
    rolls = {
        item["scope"]: item
        for item in client.get("/api/v1/public/reports/honour-roll").json()["items"]
    }
    assert f'href="/publications/{rolls["2025"]["id"]}"' in home
    assert "What changed since the last publication" in home


# --- the anonymous crawl -----------------------------------------------------------------


def _crawl(portal: Portal) -> Iterator[tuple[str, bytes, str]]:
    """Every address reachable from ``/`` (in each language), once: (path, body, type)."""
    client = portal.client
    client.cookies.clear()
    seen: set[str] = set()
    queue = [f"/?lang={x.value}" for x in Language]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code == 200, path
        kind = response.headers["content-type"]
        yield path, response.content, kind
        if kind.startswith("text/html") and not FILES.match(urlparse(path).path):
            for link in _parse(response.text).links:
                target = urlparse(urljoin("http://portal" + path, link))
                if target.netloc != "portal" or target.path.startswith("/docs"):
                    continue
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    client.cookies.clear()


def test_anonymous_crawl_sees_published_material_only(portal: Portal) -> None:
    published = _published(portal)
    officers = set(published.pop(-1))
    pages = files = 0
    for path, body, kind in _crawl(portal):
        match = FILES.match(urlparse(path).path)
        if match:
            snapshot_id, name = int(match.group(1)), match.group(2)
            assert snapshot_id in published, f"{path}: not a published public snapshot"
            assert hashlib.sha256(body).hexdigest() == published[snapshot_id][name], path
            files += 1
        elif kind.startswith("text/html"):
            pages += 1
            parsed = _parse(body.decode("utf-8"))
            assert len(parsed.ids) == len(set(parsed.ids)), f"{path}: an id used twice"
            html = unescape(body.decode("utf-8"))
            assert any(t(key="illustrative", language=x) in html for x in Language), path
            for snapshot_id in re.findall(r'href="/publications/(\d+)"', html):
                assert int(snapshot_id) in published, f"{path} links to {snapshot_id}"
        text_ = body.decode("utf-8", errors="replace")
        for secret in (DRAFT_REFERENCE, CONFIDENTIAL_REFERENCE, CONFIDENTIAL_FIELD):
            assert secret not in text_, f"{path} holds {secret}"
        if kind.startswith(("text/html", "application/json", "text/csv")):
            for officer in officers:
                assert officer not in text_, f"{path} names {officer}"
    assert pages >= 5 * 3 and files >= 20, (pages, files)


# --- downloads agree with the page -------------------------------------------------------


def _status_section(portal: Portal) -> tuple[str, dict[str, str]]:
    """The status page in English and its download links by file name."""
    html = portal.client.get("/status", params={"lang": "en"}).text
    links = {link.rsplit("/", 1)[-1]: link for link in _parse(html).links if FILES.match(link)}
    return html, links


def _fund_total(html: str) -> str:
    """The outstanding total of the by-fund table as the page shows it."""
    table = html[html.index('id="s1-funds"') :]
    foot = table[table.index("<tfoot>") : table.index("</tfoot>")]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", foot)
    return cells[4]


def test_each_download_is_a_valid_file_whose_totals_match_the_page(portal: Portal) -> None:
    html, links = _status_section(portal)
    shown = Decimal(_fund_total(html).replace(",", ""))
    workbook = portal.client.get(links["status-of-contributions-2025-12-31.en.xlsx"]).content
    book = openpyxl.load_workbook(io.BytesIO(workbook), data_only=True)
    funds = list(book.worksheets[1].iter_rows(values_only=True))
    total_row = next(r for r in funds if r and r[0] == "Total")
    assert Decimal(str(total_row[4])).quantize(Decimal("0.01")) == shown
    data = json.loads(portal.client.get(links["status-of-contributions-2025-12-31.json"]).content)
    assert Decimal(data["tables"]["funds"]["totals"][0]["outstanding"]) == shown
    rows = list(
        csv.reader(
            io.StringIO(
                portal.client.get(links["status-of-contributions-2025-12-31.funds.csv"]).text
            )
        )
    )
    assert rows[0][0] == "fund" and Decimal(rows[-1][4]) == shown
    pdf = portal.client.get(links["status-of-contributions-2025-12-31.en.pdf"]).content
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:]
    page = portal.client.get(links["status-of-contributions-2025-12-31.en.html"]).text
    assert _parse(page).lang == "en"


# --- in a real browser -------------------------------------------------------------------


def test_pages_in_the_browser_at_both_widths(portal: Portal, browser: Any) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        context, page, errors = open_page(browser, width, 900)
        for path in (*PAGES, "/publications/1"):
            response = page.goto(portal.url + path)
            assert response is not None and response.ok, path
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)
            name = path.strip("/").replace("/", "-") or "home"
            page.screenshot(
                path=str(SCREENSHOTS / f"{portal.dialect}-{name}-{width}.png"), full_page=True
            )
        for path in ("/status", "/progress", "/spending"):
            page.goto(portal.url + path)
            charts = page.locator("figure svg")
            assert charts.count() >= 1, path
            for i in range(charts.count()):
                box = charts.nth(i).bounding_box()
                assert box is not None and box["width"] > 100 and box["height"] > 50, path
                assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, path
        assert errors == [], errors
        context.close()


def test_language_switch_and_keyboard_in_the_browser(portal: Portal, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(portal.url + "/")
    assert page.get_attribute("html", "lang") == "en"
    page.get_by_role("link", name="Français").click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "fr"
    page.get_by_role("link", name="État des contributions").first.click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "fr"  # remembered
    assert page.locator("h1").first.inner_text() == "État des contributions et tableau d'honneur"
    # the first Tab reaches the skip link, which moves to the content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    page.get_by_role("link", name="Español").click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "es"
    context.close()


def test_downloads_in_the_browser_match_the_page(portal: Portal, browser: Any) -> None:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(portal.url + "/status?lang=en")
    frozen = portal.client.get("/api/v1/public/reports/status-of-contributions/latest").json()[
        "data"
    ]
    shown = Decimal(page.locator("#s1-funds tfoot td").nth(4).inner_text().replace(",", ""))
    for fmt in ("json", "xlsx", "csv", "pdf"):
        link = page.locator(f'a[data-format="{fmt}"]').first
        with page.expect_download() as info:
            link.click()
        download = info.value
        with open(download.path(), "rb") as saved:
            content = saved.read()
        expected = link.locator("xpath=..").locator("code.hash").inner_text()
        assert hashlib.sha256(content).hexdigest() == expected, fmt
        if fmt == "xlsx":
            book = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
            total = next(
                r for r in book.worksheets[1].iter_rows(values_only=True) if r[0] == "Total"
            )
            assert Decimal(str(total[4])).quantize(Decimal("0.01")) == shown
        elif fmt == "json":
            assert Decimal(json.loads(content)["facts"]["outstanding"]) == shown
        elif fmt == "pdf":
            assert content.startswith(b"%PDF-")
        else:  # a table's csv: the heading row is the table's columns in the frozen data
            table = download.suggested_filename.rsplit(".", 2)[-2]
            heading = content.decode("utf-8").splitlines()[0].split(",")
            assert heading == frozen["tables"][table]["columns"], table
    context.close()
