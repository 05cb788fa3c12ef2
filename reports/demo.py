"""The demo's published reports, loaded after the finance and strategy demo: the status of
contributions of the last closed year, the honour roll and the activity-based spending
of the last two years of the first strategic plan, and its final progress report; each
proposed by one demo officer a few weeks after the year ended and approved by the other
(as the Secretariat would, so that the public portal has history to show).

``load_demo_with_reports`` is what ``attfin demo load`` runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.demo import dataset
from finance_core.demo.close import CHECKER, MAKER
from finance_core.publication import service as publication
from reports.publish import propose_report
from reports.request import ReportRequest
from strategy.demo import OLD, FullDemo, load_full_demo

#: (report, year, plan): what the demo publishes, for the year after ``year`` began.
PUBLISHED: tuple[tuple[str, int, str | None], ...] = (
    ("honour-roll", 2024, None),
    ("activity-spending", 2024, OLD),
    ("status-of-contributions", 2025, None),
    ("honour-roll", 2025, None),
    ("activity-spending", 2025, OLD),
    ("progress-report", 2025, OLD),
)
#: Days after the year's end when a report is proposed, and then approved.
PROPOSED_AFTER, APPROVED_AFTER = timedelta(days=20), timedelta(days=34)


@dataclass(frozen=True, slots=True)
class DemoReports:
    published: int

    def summary(self) -> str:
        return (
            f"{self.published} reports published (status of contributions, honour roll, "
            "activity-based spending, progress report)"
        )


@dataclass(frozen=True, slots=True)
class FullDemoWithReports:
    demo: FullDemo
    reports: DemoReports

    def summary(self) -> str:
        """The demo's summary, the reports' line before the users' tokens."""
        return self.demo.finance.summary(
            also=[self.demo.strategy.summary(), self.reports.summary()]
        )


def load_demo_reports(session: Session, *, actor: Actor) -> DemoReports:
    """Propose and approve the demo's published reports (``PUBLISHED``)."""
    maker = Actor(name=MAKER, origin=actor.origin)
    checker = Actor(name=CHECKER, origin=actor.origin)
    for name, year, plan in PUBLISHED:
        year_end = date(year, 12, 31)
        proposed = dataset.recorded_at(year_end + PROPOSED_AFTER)
        snapshot = propose_report(
            session,
            actor=maker,
            name=name,
            request=ReportRequest(as_at=year_end, known_at=proposed, year=year, plan=plan),
            reference=f"ATT/SEC/{year + 1}/REPORT-{name.upper()} (illustrative)",
            recorded_at=proposed,
        )
        publication.approve(
            session,
            actor=checker,
            snapshot_id=snapshot.id or 0,
            reference=f"ATT/MC/{year + 1}/PUBLISH-{name.upper()} (illustrative)",
            recorded_at=dataset.recorded_at(year_end + APPROVED_AFTER),
        )
    return DemoReports(published=len(PUBLISHED))


def load_demo_with_reports(session: Session, *, actor: Actor) -> FullDemoWithReports:
    """The whole demo: finance, strategic plans, then the published reports."""
    demo = load_full_demo(session, actor=actor)
    return FullDemoWithReports(demo, load_demo_reports(session, actor=actor))
