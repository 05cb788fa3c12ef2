"""The reports the service produces: their names, who may read them, and how each is
built. ``public`` reports may be published for everyone once approved; the others are
confidential (officers and the Management Committee only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from finance_core.errors import NotFound
from reports.activity_spending import activity_spending
from reports.committee_pack import committee_pack
from reports.document import Report
from reports.honour_roll import honour_roll
from reports.ledger_export import general_ledger, trial_balance
from reports.progress_report import progress_report
from reports.request import ReportRequest
from reports.status import status_report

Builder = Callable[[Session, ReportRequest], Report]


@dataclass(frozen=True, slots=True)
class ReportSpec:
    """A report of the catalogue: ``name`` (as in URLs and the CLI), its title's label
    key, whether it is public once published, what it is about (``scope``: ``year``,
    ``plan`` or ``period``: what a publication's scope is made of) and its builder."""

    name: str
    title: str
    public: bool
    scope: str
    build: Builder
    description: str


CATALOGUE: tuple[ReportSpec, ...] = (
    ReportSpec(
        "status-of-contributions",
        "status.title",
        True,
        "year",
        status_report,
        "Per State and fund: outstanding from earlier years, assessed, received, credits "
        "and advances, outstanding; totals per fund; collection rate.",
    ),
    ReportSpec(
        "honour-roll",
        "honour.title",
        True,
        "year",
        honour_roll,
        "States that paid the year's assessment in full, and those that paid within the "
        "due period.",
    ),
    ReportSpec(
        "activity-spending",
        "activity.title",
        True,
        "plan",
        activity_spending,
        "Budget (original, revised), commitments, actual and variance per budget line, "
        "rolled up to the objectives and goals of the strategic plan.",
    ),
    ReportSpec(
        "progress-report",
        "progress.title",
        True,
        "plan",
        progress_report,
        "The annual progress report: per goal and objective, indicators with baseline, "
        "target, actual, status and narrative, and the money spent on each.",
    ),
    ReportSpec(
        "committee-pack",
        "pack.title",
        False,
        "date",
        committee_pack,
        "The Management Committee pack: arrears with aging, the Rule 8 list, payment-plan "
        "compliance, the reserve against its target, the 12-month cash forecast, budget "
        "vs actual per fund.",
    ),
    ReportSpec(
        "trial-balance",
        "tb.title",
        False,
        "period",
        trial_balance,
        "For auditors: every account's opening balance, debits, credits and closing balance "
        "for a period.",
    ),
    ReportSpec(
        "general-ledger",
        "gl.title",
        False,
        "period",
        general_ledger,
        "For auditors: every journal entry of a period with its postings and hashes.",
    ),
)
BY_NAME = {spec.name: spec for spec in CATALOGUE}
NAMES = tuple(BY_NAME)


def spec_of(name: str) -> ReportSpec:
    """The report called ``name`` (NotFound naming the reports there are)."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise NotFound(f"no report {name!r}; the reports are {', '.join(NAMES)}") from None
