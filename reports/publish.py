"""Publishing a report: a frozen snapshot of its canonical data and of every rendered file
(json and one csv per table, and xlsx, html and pdf in English, French and Spanish), made
by one officer and approved by another (``finance_core.publication.service.approve``).

The snapshot's kind is ``report.<name with underscores>`` and its scope says what it
reports on: the year (``2025``), the plan and year (``SP-2026-2030/2026``), the date of a
pack (``2026-09-30``) or the period of a ledger export (``2026-01-01..2026-09-30``). A
newer approved snapshot of the same kind and scope supersedes the older one, which stays
readable. Public reports (``reports.catalog``) are readable by everyone once approved."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.ledger.service import wait_for_postings
from finance_core.publication import service as publication
from finance_core.publication.models import Snapshot
from finance_core.publication.schemas import FileIn
from reports.catalog import CATALOGUE, ReportSpec, spec_of
from reports.document import Report
from reports.i18n import Language
from reports.render.cells import title
from reports.render.formats import MEDIA_TYPES, ReportFormat, Wanted, file_name, render_each
from reports.render.tabular import canonical_data
from reports.request import ReportRequest

#: Called with the name of each file as it is rendered (a progress bar's hook).
Progress = Callable[[str], None]


def kind_of(name: str) -> str:
    """``status-of-contributions`` → ``report.status_of_contributions``."""
    return "report." + name.replace("-", "_")


def scope_of(spec: ReportSpec, report: Report) -> str:
    """What a snapshot of ``report`` is about (see the module docstring)."""
    if spec.scope == "year":
        return report.parameters["year"]
    if spec.scope == "plan":
        return f"{report.parameters['plan']}/{report.parameters['year']}"
    if spec.scope == "period":
        return f"{report.parameters['from_on']}..{report.as_at.isoformat()}"
    return report.as_at.isoformat()


def rendered_files(
    report: Report,
    languages: Sequence[Language] = tuple(Language),
    progress: Progress | None = None,
) -> list[FileIn]:
    """Every file of a snapshot of ``report``."""
    wanted: list[Wanted] = [
        (ReportFormat.JSON, Language.EN, None),
        *((ReportFormat.CSV, Language.EN, t.key) for t in report.tables),
        *(
            (fmt, lang, None)
            for lang in languages
            for fmt in (ReportFormat.XLSX, ReportFormat.HTML, ReportFormat.PDF)
        ),
    ]
    files = []
    for (fmt, lang, table), content in render_each(report, wanted):
        name = file_name(report, fmt, lang, table=table)
        files.append(FileIn(name, MEDIA_TYPES[fmt], content))
        if progress is not None:
            progress(name)
    return files


def file_count(report: Report, languages: Sequence[Language] = tuple(Language)) -> int:
    """How many files ``rendered_files`` makes (for a progress bar's length)."""
    return 1 + len(report.tables) + 3 * len(languages)


def propose_report(
    session: Session,
    *,
    actor: Actor,
    name: str,
    request: ReportRequest,
    reference: str,
    recorded_at: datetime | None = None,
    progress: Progress | None = None,
    built: Report | None = None,
) -> Snapshot:
    """Build the report ``name`` for ``request`` and freeze it as a draft snapshot with
    its authorising ``reference``; another person publishes it by approving it.
    ``recorded_at`` back-dates the proposal (the demo loader only); ``built`` passes a
    report already built for ``request`` (so that a progress bar can be sized first; the
    caller then calls ``wait_for_postings`` before building it)."""
    spec = spec_of(name)
    if built is None:
        # an entry recorded before known_at but still being committed belongs in it
        wait_for_postings(session)
    report = built or spec.build(session, request)
    return publication.propose(
        session,
        actor=actor,
        kind=kind_of(spec.name),
        scope=scope_of(spec, report),
        title=title(report, Language.EN),
        as_at=report.as_at,
        known_at=report.known_at,
        data=canonical_data(report),
        files=rendered_files(report, progress=progress),
        reference=reference,
        recorded_at=recorded_at,
    )


def public_kinds() -> frozenset[str]:
    """The snapshot kinds of the public reports."""
    return frozenset(kind_of(s.name) for s in CATALOGUE if s.public)
