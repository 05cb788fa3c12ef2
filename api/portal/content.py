"""What the public portal shows, read from published snapshots only: the publications of
the public kinds (``PUBLIC_KINDS``) that a second officer approved, their frozen data and
files. Nothing here reads the ledger or any draft, so a page can show nothing that was
not published.

A snapshot never changes once approved, so the body of its frozen page is cached by its
content hash; only which snapshot is current can change, and that is asked of the
database on every request."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from finance_core.errors import NotFound
from finance_core.publication.models import Snapshot, SnapshotApproval, SnapshotWithdrawal
from finance_core.publication.schemas import SnapshotFileOut
from finance_core.publication.service import PUBLIC_KINDS, file_of, files_of
from reports.catalog import CATALOGUE
from reports.document import ColumnKind
from reports.i18n import Language
from reports.progress_report import STATUSES
from reports.publish import kind_of
from reports.render.cells import amount_text, rate_text, t

#: The kind of a published annual update of the strategic plan.
ANNUAL_UPDATE = "strategy.annual_update"
#: Report name → its snapshot kind, for the public reports of the catalogue.
REPORT_KINDS = {spec.name: kind_of(spec.name) for spec in CATALOGUE if spec.public}
_TITLES = {kind_of(spec.name): spec.title for spec in CATALOGUE}


@dataclass(frozen=True, slots=True)
class Publication:
    """A published snapshot as the portal lists it (no officer names: see
    ``PublicSnapshotOut``). ``superseded_by``: the id of the later publication of the
    same kind and scope that replaced it, if any."""

    id: int
    kind: str
    scope: str
    title: str
    as_at: date
    known_at: datetime
    published_at: datetime
    content_hash: str
    reference: str
    approval_reference: str | None
    chain_head_seq: int | None
    demo: bool
    superseded_by: int | None

    @property
    def parameters(self) -> dict[str, str]:
        """The scope as the title's placeholders: ``year``, and ``plan`` for plan scopes."""
        plan, _, year = self.scope.rpartition("/")
        return {"year": year, "plan": plan} if plan else {"year": self.scope, "plan": ""}

    def title_in(self, language: Language) -> str:
        key = _TITLES.get(self.kind)
        if key is None and self.kind == ANNUAL_UPDATE:
            key = "portal.kind.annual_update"
        return t(key, language, **self.parameters) if key else self.title


def _query() -> Any:
    return (
        select(
            col(Snapshot.id),
            col(Snapshot.kind),
            col(Snapshot.scope),
            col(Snapshot.title),
            col(Snapshot.as_at),
            col(Snapshot.known_at),
            col(SnapshotApproval.approved_at),
            col(Snapshot.content_hash),
            col(Snapshot.reference),
            col(SnapshotApproval.reference),
            col(Snapshot.chain_head_seq),
            col(Snapshot.demo),
        )
        .join(SnapshotApproval, col(SnapshotApproval.snapshot_id) == col(Snapshot.id))
        .outerjoin(SnapshotWithdrawal, col(SnapshotWithdrawal.snapshot_id) == col(Snapshot.id))
        .where(
            col(Snapshot.kind).in_(sorted(PUBLIC_KINDS)),
            col(SnapshotWithdrawal.snapshot_id).is_(None),
        )
    )


def _publication(row: Any, superseded_by: int | None) -> Publication:
    """A row of ``_query()`` (its columns in the order of ``Publication``'s fields)."""
    return Publication(*tuple(row), superseded_by=superseded_by)  # type: ignore[misc]


def publications(session: Session, *, kind: str | None = None) -> list[Publication]:
    """Every publication (of ``kind`` if given), latest published first."""
    query = _query()
    if kind is not None:
        query = query.where(col(Snapshot.kind) == kind)
    rows = session.execute(query.order_by(col(Snapshot.id))).all()
    later: dict[tuple[str, str], int] = {}
    found: list[Publication] = []
    for row in reversed(rows):  # newest first: the first seen of a kind and scope is current
        key = (row[1], row[2])
        found.append(_publication(row, later.get(key)))
        later[key] = row[0]
    return sorted(found, key=lambda p: (p.published_at, p.id), reverse=True)


def publication(session: Session, snapshot_id: int) -> Publication:
    """One publication, or NotFound (drafts, withdrawn and confidential snapshots alike)."""
    row = session.execute(_query().where(col(Snapshot.id) == snapshot_id)).one_or_none()
    if row is None:
        raise NotFound(f"no published snapshot {snapshot_id}")
    later = session.execute(
        select(col(Snapshot.id))
        .join(SnapshotApproval, col(SnapshotApproval.snapshot_id) == col(Snapshot.id))
        .where(
            col(Snapshot.kind) == row[1],
            col(Snapshot.scope) == row[2],
            col(Snapshot.id) > snapshot_id,
        )
        .order_by(col(Snapshot.id))
        .limit(1)
    ).scalar_one_or_none()
    return _publication(row, later)


def current_of(
    pubs: Sequence[Publication], report: str, scope: str | None = None
) -> Publication | None:
    """The current publication of a public report among ``pubs`` (every publication, as
    ``publications`` lists them; of ``scope`` if given): the latest published, by what it
    reports on (a 2025 report before a 2024 one republished later)."""
    kind = REPORT_KINDS[report]
    found = [p for p in pubs if p.kind == kind and p.superseded_by is None]
    if scope is not None:
        found = [p for p in found if p.scope == scope]
    return max(found, key=lambda p: (p.as_at, p.published_at), default=None)


def files(session: Session, pub: Publication) -> list[SnapshotFileOut]:
    """The publication's files (names, media types, sizes, SHA-256), by name."""
    return files_of(session, pub.id)


def previous(pubs: Sequence[Publication], pub: Publication) -> Publication | None:
    """The publication among ``pubs`` of the same report that ``pub`` followed: the
    current one of the latest earlier scope (2024 before 2025)."""
    earlier = [
        p for p in pubs if p.kind == pub.kind and p.superseded_by is None and p.as_at < pub.as_at
    ]
    return max(earlier, key=lambda p: (p.as_at, p.published_at), default=None)


def data_of(session: Session, pub: Publication) -> dict[str, Any]:
    """The snapshot's frozen data (its canonical JSON, parsed)."""
    frozen = session.execute(select(col(Snapshot.data)).where(col(Snapshot.id) == pub.id))
    parsed: dict[str, Any] = json.loads(frozen.scalar_one())
    return parsed


# --- the frozen page of a report -----------------------------------------------------------

_HEADER = re.compile(r"<header>(.*?)</header>", re.S)
_MAIN = re.compile(r"<main>(.*?)</main>", re.S)


@dataclass(frozen=True, slots=True)
class Body:
    """A report's frozen page cut into its heading block and its content (HTML exactly as
    rendered and hashed when it was published)."""

    header: str
    main: str


def page_name(files: Sequence[SnapshotFileOut], language: Language) -> str | None:
    """The name of the publication's page in ``language``, if it has pages."""
    suffix = f".{language.value}.html"
    return next((f.name for f in files if f.name.endswith(suffix)), None)


#: Bodies by (content hash, language): a published snapshot's files never change, and the
#: content hash covers them all, so the key holds across databases.
_BODIES: dict[tuple[str, str], Body | None] = {}  # None: a data-only publication
_BODIES_KEPT = 256
_UNREAD = object()


def body_of(
    session: Session, pub: Publication, files: Sequence[SnapshotFileOut], language: Language
) -> Body | None:
    """The frozen page of ``pub`` in ``language`` (None for data-only publications)."""
    key = (pub.content_hash, language.value)
    kept = _BODIES.get(key, _UNREAD)
    if kept is not _UNREAD:
        return kept if isinstance(kept, Body) else None
    name = page_name(files, language)
    body = None
    if name is not None:
        page = file_of(session, pub.id, name).content.decode("utf-8")
        header, main = _HEADER.search(page), _MAIN.search(page)
        if header and main:
            body = Body(header.group(1), main.group(1))
    if len(_BODIES) >= _BODIES_KEPT:
        _BODIES.clear()
    _BODIES[key] = body
    return body


# --- headline figures ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Headline:
    """A fact of a report that the home page compares between publications: its key in
    the frozen data, its kind and its label key."""

    fact: str
    kind: ColumnKind
    label: str


#: Report → the headline facts compared between its publications.
HEADLINES: dict[str, tuple[Headline, ...]] = {
    "status-of-contributions": (
        Headline("collection_rate", ColumnKind.RATE, "status.fact.collection_rate"),
        Headline("outstanding", ColumnKind.MONEY, "status.fact.outstanding"),
        Headline("prior", ColumnKind.MONEY, "status.fact.prior"),
        Headline("paid", ColumnKind.INTEGER, "status.fact.paid"),
        Headline("reserve_balance", ColumnKind.MONEY, "reserve.fact.balance"),
    ),
    "honour-roll": (
        Headline("paid_in_full", ColumnKind.INTEGER, "honour.fact.paid_in_full"),
        Headline("on_time", ColumnKind.INTEGER, "honour.fact.on_time"),
    ),
    "activity-spending": (
        Headline("actual", ColumnKind.MONEY, "activity.fact.actual"),
        Headline("rate", ColumnKind.RATE, "activity.fact.rate"),
    ),
    "progress-report": (
        Headline("on_track", ColumnKind.INTEGER, "progress.fact.on_track"),
        Headline("off_track", ColumnKind.INTEGER, "progress.fact.off_track"),
        Headline("spent", ColumnKind.MONEY, "progress.fact.spent"),
    ),
}


def number(kind: ColumnKind, text: Any) -> int | None:
    """A frozen fact as an integer: money in cents, rates in hundredths of a percent."""
    if text is None:
        return None
    if kind in (ColumnKind.MONEY, ColumnKind.RATE):
        return int(Decimal(str(text)).scaleb(2))
    return int(text)


def shown(kind: ColumnKind, value: int | None, language: Language, *, signed: bool = False) -> str:
    """A fact's text in ``language`` (a change with its sign; rates in points)."""
    if value is None:
        return "–"
    sign = "+" if signed and value > 0 else ""
    if kind == ColumnKind.MONEY:
        return sign + amount_text(value, language)
    if kind == ColumnKind.RATE:
        if signed:
            return t("portal.points", language, value=sign + amount_text(value, language))
        return rate_text(value, language)
    return f"{sign}{value}"


@dataclass(frozen=True, slots=True)
class Change:
    """One headline figure of a report before and after its latest publication."""

    label: str
    before: str
    after: str
    change: str


@dataclass(frozen=True, slots=True)
class Changes:
    """What a report's latest publication changed against the one before (None: first)."""

    current: Publication
    before: Publication | None
    figures: list[Change]


def changes(session: Session, pubs: Sequence[Publication], language: Language) -> list[Changes]:
    """For each public report published, its current publication against the previous."""
    found: list[Changes] = []
    for report, headlines in HEADLINES.items():
        now = current_of(pubs, report)
        if now is None:
            continue
        before = previous(pubs, now)
        figures: list[Change] = []
        if before is not None:
            new = data_of(session, now).get("facts", {})
            old = data_of(session, before).get("facts", {})
            for h in headlines:
                a, b = number(h.kind, old.get(h.fact)), number(h.kind, new.get(h.fact))
                if a == b:
                    continue
                delta = b - a if a is not None and b is not None else None
                figures.append(
                    Change(
                        t(h.label, language),
                        shown(h.kind, a, language),
                        shown(h.kind, b, language),
                        shown(h.kind, delta, language, signed=True),
                    )
                )
        found.append(Changes(now, before, figures))
    return sorted(found, key=lambda c: c.current.published_at, reverse=True)


@dataclass(frozen=True, slots=True)
class Figure:
    """A headline figure of the home page: label, value, a line of detail, and the page
    (and publication) it comes from."""

    label: str
    value: str
    detail: str | None
    href: str
    source: Publication


def _fact_text(facts: dict[str, Any], key: str, kind: ColumnKind, language: Language) -> str:
    """A frozen headline fact as text of ``language``."""
    return shown(kind, number(kind, facts.get(key)), language)


def figures(session: Session, pubs: Sequence[Publication], language: Language) -> list[Figure]:
    """The home page's headline figures from the current publications."""
    found: list[Figure] = []
    rate, money = ColumnKind.RATE, ColumnKind.MONEY
    status = current_of(pubs, "status-of-contributions")
    if status is not None:
        facts = data_of(session, status).get("facts", {})
        year = status.parameters["year"]
        for label, key, kind in (
            (t("portal.home.collection_rate", language, year=year), "collection_rate", rate),
            (t("portal.home.outstanding", language), "outstanding", money),
            (t("portal.home.prior", language, year=year), "prior", money),
        ):
            found.append(
                Figure(label, _fact_text(facts, key, kind, language), None, "/status", status)
            )
        if facts.get("reserve_target") is not None:
            detail = t(
                "portal.home.reserve_detail",
                language,
                balance=_fact_text(facts, "reserve_balance", money, language),
                target=_fact_text(facts, "reserve_target", money, language),
            )
            value = _fact_text(facts, "reserve_funded", rate, language)
            found.append(
                Figure(t("portal.home.reserve", language), value, detail, "/status", status)
            )
    progress = current_of(pubs, "progress-report")
    if progress is not None:
        facts = data_of(session, progress).get("facts", {})
        counts = {s: int(facts.get(s) or 0) for s in STATUSES}
        total = sum(counts.values())
        on_track = counts.get("on_track", 0)
        share = (on_track * 10000 + total // 2) // total if total else None
        found.append(
            Figure(
                t("portal.home.plan", language, year=progress.parameters["year"]),
                shown(rate, share, language),
                t("portal.home.plan_detail", language, on_track=on_track, count=total),
                "/progress",
                progress,
            )
        )
    spending = current_of(pubs, "activity-spending")
    if spending is not None:
        facts = data_of(session, spending).get("facts", {})
        label = t("portal.home.spending", language, year=spending.parameters["year"])
        value = _fact_text(facts, "rate", rate, language)
        found.append(Figure(label, value, None, "/spending", spending))
    return found
