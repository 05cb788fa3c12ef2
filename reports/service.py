"""Reports on request, and published reports: what the API and the command line call."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session

from finance_core.db_types import utcnow
from finance_core.errors import NotFound, ValidationFailed
from finance_core.publication import service as publication
from finance_core.publication.models import Snapshot, SnapshotStatus
from finance_core.publication.schemas import PublicSnapshotOut
from reports.catalog import spec_of
from reports.document import Report
from reports.i18n import Language
from reports.publish import kind_of
from reports.render.formats import ReportFormat, file_name, render
from reports.request import ReportRequest


def request_for(
    *,
    as_at: date,
    known_at: datetime | None = None,
    year: int | None = None,
    plan: str | None = None,
    from_on: date | None = None,
) -> ReportRequest:
    """A request with its defaults resolved: ``known_at`` now, ``year`` that of ``as_at``.
    A ``known_at`` without a time zone is UTC."""
    known = known_at or utcnow()
    if known.tzinfo is None:
        known = known.replace(tzinfo=UTC)
    fields: dict[str, str] = {}
    if year is not None and not 1900 <= year <= 9999:
        fields["year"] = "a year such as 2025"
    if from_on is not None and from_on > as_at:
        fields["from_on"] = "must be on or before as_at"
    ValidationFailed.raise_if(fields)
    return ReportRequest(
        as_at=as_at,
        known_at=known,
        year=year if year is not None else as_at.year,
        plan=(plan or "").strip() or None,
        from_on=from_on,
    )


def build(session: Session, name: str, request: ReportRequest) -> Report:
    """The report ``name`` for ``request`` (NotFound for an unknown name)."""
    return spec_of(name).build(session, request)


def published(
    session: Session, name: str, *, limit: int = 50, offset: int = 0
) -> tuple[list[PublicSnapshotOut], int]:
    """The published snapshots of a public report (the current one per scope), latest
    first, as the public sees them; NotFound for a confidential or unknown report."""
    spec = spec_of(name)
    if not spec.public:
        raise NotFound(f"no report {name!r} is published")
    items, total = publication.list_snapshots(
        session,
        kind=kind_of(spec.name),
        status=SnapshotStatus.PUBLISHED,
        limit=limit,
        offset=offset,
    )
    return [publication.public_of(x) for x in items], total


def latest(session: Session, name: str, scope: str | None = None) -> Snapshot:
    """The latest published snapshot of a public report (of ``scope`` if given)."""
    spec = spec_of(name)
    found = (
        publication.latest_published(session, kind=kind_of(spec.name), scope=scope)
        if spec.public
        else None
    )
    if found is None:
        what = f" for {scope}" if scope else ""
        raise NotFound(f"no {name} report{what} is published")
    return found


def render_file(
    report: Report, fmt: ReportFormat, language: Language, *, table: str | None = None
) -> tuple[bytes, str]:
    """The report's file in ``fmt`` and its name; ``table`` (csv only) must be one of the
    report's tables (ValidationFailed naming them otherwise)."""
    keys = [t.key for t in report.tables]
    if table is not None and table not in keys:
        raise ValidationFailed(
            f"table: {report.name} has the tables {', '.join(keys)}",
            fields={"table": f"one of {', '.join(keys)}"},
        )
    return render(report, fmt, language, table=table), file_name(report, fmt, language, table=table)
