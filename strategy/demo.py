"""The demo's strategic plans, loaded after the finance demo (``finance_core.demo``):
the closed plan 2021–2025 and the adopted plan 2026–2030. Deterministic; titles,
narratives, measurements and references are illustrative.

**SP-2021-2025** was drafted in spring 2020 and adopted at CSP6 (written procedure) in
August 2020: four goals of two objectives each, a few activities, nine indicators (four
computed from the finance data, five entered). Each year a finance officer records the
entered values (new States Parties and VTF projects counted from the demo's own
records, annual reports by regional group, outreach meetings and the CSP documents
issued on time) and a second officer approves them; one value of 2022 is corrected in
2023 by an approved new version. Each year's budget lines are shared among its
objectives in January (the 2022 universalization line twice: first to one objective,
then split); some lines stay partly unlinked. The annual updates for 2024 and 2025 are
proposed in January of the following year and published by the second officer a few
days later; the plan is closed on 15 January 2026.

**SP-2026-2030** was drafted in spring 2025 from the ten areas of the recommendations
that started the project (the Treaty's aims, strategic planning, innovation,
stakeholder partnerships, compliance and accountability, aligning resources and
objectives, measuring impact, outreach, transparency, treaty champions) and adopted at
CSP11 in August 2025: ten goals, 23 objectives, activities and outputs, and 27
indicators (six computed, some disaggregated by regional group, some lower-is-better,
some cumulative), with 2025 baselines (the computed ones as the service computes them
for 2025 from the demo's finance data) and targets for 2026–2030. The 2026 budget lines
are linked to its objectives in January 2026; in 2026 officers record values that await
approval on the demo date.

Every write is back-dated to three days after its business date (at 09:00 UTC), in date
order; nothing is recorded after the demo date. The caller commits."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import count

from sqlalchemy import func, select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.audit import service as audit
from finance_core.budgets.models import Budget, BudgetLine
from finance_core.db_types import utctoday
from finance_core.demo import dataset
from finance_core.demo.close import CHECKER, MAKER
from finance_core.demo.loader import DemoResult, load_demo
from finance_core.demo.loader import database_is_empty as finance_is_empty
from finance_core.errors import Conflict
from finance_core.publication import service as publication
from finance_core.states.models import RegionalGroup, State
from finance_core.system import service as system
from finance_core.voluntary.models import Project, VoluntaryReceipt
from strategy import annual_update, service
from strategy.measures import computed_value
from strategy.models import (
    ElementLevel,
    LinkSet,
    MeasurementStatus,
    Source,
    StrategicPlan,
    Unit,
)
from strategy.progress import Direction, TargetKind
from strategy.schemas import (
    AnnualUpdateIn,
    ApprovalIn,
    ElementIn,
    GoalNarrativeIn,
    IndicatorIn,
    LineLinksIn,
    LinkIn,
    MeasurementIn,
    PlanAdoptionIn,
    PlanClosureIn,
    PlanIn,
    TargetIn,
)

#: The finance officer who records, and the one who approves (as in the demo's closes).
OFFICER, SECOND = MAKER, CHECKER

OLD, NEW = "SP-2021-2025", "SP-2026-2030"
GOAL, OBJECTIVE = ElementLevel.GOAL, ElementLevel.OBJECTIVE
ACTIVITY, OUTPUT = ElementLevel.ACTIVITY, ElementLevel.OUTPUT
PCT, COUNT, DAYS, MONTHS = Unit.PERCENT, Unit.COUNT, Unit.DAYS, Unit.MONTHS
LOWER = Direction.LOWER_IS_BETTER
CUMULATIVE = TargetKind.CUMULATIVE
REGIONAL = "regional_group"
AFR, APG, EEG, LAC, WEOG = (
    RegionalGroup.AFRICAN.value,
    RegionalGroup.ASIA_PACIFIC.value,
    RegionalGroup.EASTERN_EUROPEAN.value,
    RegionalGroup.LATIN_AMERICAN_CARIBBEAN.value,
    RegionalGroup.WEOG.value,
)
#: Where the demo's evidence lives (an illustrative address).
EVIDENCE = "https://example.org/att"


def _january(year: int) -> date:
    """Year-end values: recorded early the following January."""
    return date(year + 1, 1, 5)


def _spring(year: int) -> date:
    """After the VTF's yearly round of projects."""
    return date(year, 4, 15)


def _july(year: int) -> date:
    """After the annual reports fall due (31 May)."""
    return date(year, 7, 1)


def _october(year: int) -> date:
    """After the CSP of the year."""
    return date(year, 10, 1)


@dataclass(frozen=True, slots=True)
class _Element:
    """A goal, objective, activity or output (``parent``: its parent's code)."""

    level: ElementLevel
    code: str
    title: str
    description: str | None = None
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class _Indicator:
    """An indicator: computed when it names a ``measure`` (its baseline is then the
    measure's value for the baseline year); entered otherwise, its values being ``fact``
    (counted from the demo's records, see ``_Facts``) or ``values`` (year → category →
    value, "" the overall value), recorded on the day ``when`` gives for each year."""

    element: str
    code: str
    title: str
    unit: Unit
    targets: tuple[str, str, str, str, str]
    measure: str | None = None
    baseline: str | None = None
    direction: Direction = Direction.HIGHER_IS_BETTER
    kind: TargetKind = TargetKind.ANNUAL
    disaggregation: str | None = None
    fact: str | None = None
    values: dict[int, dict[str, str]] = field(default_factory=dict)
    when: Callable[[int], date] = _january
    description: str | None = None


def _overall(*values: str, first: int) -> dict[int, dict[str, str]]:
    return {first + i: {"": v} for i, v in enumerate(values)}


# --- SP-2021-2025 --------------------------------------------------------------------------

OLD_TITLE = "Strategic Plan 2021-2025 (illustrative)"
OLD_DESCRIPTION = (
    "The Secretariat's first five-year plan: universal adherence, effective implementation "
    "and reporting, sound finances, and efficient support to the Conference of States "
    "Parties (illustrative)."
)
OLD_ELEMENTS: tuple[_Element, ...] = (
    _Element(GOAL, "G1", "Universal adherence to the Treaty",
             "More States join the Treaty and implement it."),
    _Element(OBJECTIVE, "O1.1", "More States join the Treaty",
             "Instruments of ratification, acceptance, approval or accession deposited.", "G1"),
    _Element(ACTIVITY, "A1.1.1", "Regional universalization workshops", None, "O1.1"),
    _Element(OBJECTIVE, "O1.2", "Signatories and non-Parties engaged",
             "Bilateral and regional dialogue with Signatories and States not yet Party.", "G1"),
    _Element(GOAL, "G2", "Effective implementation and reporting",
             "States Parties implement the Treaty and report on it."),
    _Element(OBJECTIVE, "O2.1", "Annual and initial reports submitted on time",
             "Reports submitted by their deadlines, through the online reporting tool.", "G2"),
    _Element(ACTIVITY, "A2.1.1", "Reporting helpdesk and online reporting tool", None, "O2.1"),
    _Element(OBJECTIVE, "O2.2", "National control systems strengthened",
             "International assistance through the Voluntary Trust Fund (VTF).", "G2"),
    _Element(ACTIVITY, "A2.2.1", "Support to the VTF selection committee", None, "O2.2"),
    _Element(GOAL, "G3", "Sound and sustainable finances",
             "Assessed contributions paid in full and on time; resources used prudently."),
    _Element(OBJECTIVE, "O3.1", "Assessed contributions paid in full and on time",
             "Fewer States in arrears and under the Financial Rule 8 measures.", "G3"),
    _Element(ACTIVITY, "A3.1.1", "Reminders and payment-plan dialogue with States in arrears",
             None, "O3.1"),
    _Element(OBJECTIVE, "O3.2", "Resources managed prudently",
             "Budgets executed as adopted and a reserve that covers the Treaty's needs.", "G3"),
    _Element(GOAL, "G4", "Efficient Conference and Secretariat",
             "The CSP, its working groups and the public well served."),
    _Element(OBJECTIVE, "O4.1", "Conference and working groups well serviced",
             "Documents, interpretation and meetings prepared on time.", "G4"),
    _Element(OUTPUT, "P4.1.1", "Pre-session documents in English, French and Spanish",
             None, "O4.1"),
    _Element(OBJECTIVE, "O4.2", "Information on the Treaty accessible to all",
             "The Treaty's website and its public documents.", "G4"),
)  # fmt: skip
OLD_INDICATORS: tuple[_Indicator, ...] = (
    _Indicator("O1.1", "I1.1", "New States Parties", COUNT, ("3", "6", "9", "12", "15"),
               kind=CUMULATIVE, fact="new_parties", when=_january,
               description="Instruments deposited in the year (cumulative over the plan)."),
    _Indicator("O1.2", "I1.2", "Outreach meetings with Signatories and non-Parties", COUNT,
               ("12", "15", "18", "20", "22"), baseline="9",
               values=_overall("14", "18", "21", "19", "24", first=2021), when=_january),
    _Indicator("O2.1", "I2.1", "States Parties that submitted their annual report", PCT,
               ("66", "68", "70", "72", "75"), disaggregation=REGIONAL,
               fact="annual_reports", when=_july,
               description="Share of the States Parties whose annual report on exports and "
               "imports of the previous year was received by 31 May."),
    _Indicator("O2.2", "I2.2", "VTF projects approved", COUNT, ("12", "25", "38", "52", "65"),
               kind=CUMULATIVE, fact="vtf_projects", when=_spring),
    _Indicator("O3.1", "I3.1", "Assessed contributions collected", PCT,
               ("38", "42", "46", "50", "55"), measure="collection_rate"),
    _Indicator("O3.1", "I3.2", "States subject to Financial Rule 8 measures", COUNT,
               ("45", "43", "40", "38", "35"), measure="rule8_states", direction=LOWER),
    _Indicator("O3.2", "I3.3", "Reserve in months of spending", MONTHS,
               ("3", "3", "3", "3", "3"), measure="reserve_months"),
    _Indicator("O3.2", "I3.4", "Budget executed", PCT, ("88", "89", "90", "90", "90"),
               measure="budget_execution_rate"),
    _Indicator("O4.1", "I4.1", "CSP pre-session documents issued six weeks ahead", PCT,
               ("80", "83", "86", "89", "92"), baseline="70.0",
               values=_overall("78.0", "85.0", "88.0", "90.5", "92.0", first=2021),
               when=_october,
               description="Share of the pre-session documents issued in English, French "
               "and Spanish at least six weeks before the CSP."),
)  # fmt: skip
#: The correction: (indicator, year, corrected value, business date, narrative).
OLD_CORRECTION = (
    "I4.1",
    2022,
    "82.5",
    date(2023, 2, 6),
    "Corrected after the CSP8 review: two pre-session documents were posted after the "
    "six-week deadline.",
)
#: How each budget line of 2021–2025 is shared among the objectives (basis points).
OLD_LINKS: dict[str, dict[str, int]] = {
    "SEC-01": {"O3.1": 1500, "O3.2": 1500, "O4.1": 2000},
    "SEC-02": {"O1.1": 6000, "O1.2": 4000},
    "SEC-03": {"O2.1": 7000, "O4.2": 3000},
    "SEC-04": {"O2.2": 7000, "O4.1": 3000},
    "CSP-01": {"O4.1": 10000},
    "CSP-02": {"O4.1": 8000},
    "CSP-03": {"O4.1": 6000, "O2.1": 2000},
}
#: From 2023 the outreach line also pays for the Treaty's public website.
OLD_LINKS_FROM_2023 = {"SEC-02": {"O1.1": 5000, "O1.2": 3000, "O4.2": 2000}}
#: The 2022 universalization line: first linked to one objective, split in April.
OLD_FIRST_2022 = ("SEC-02", {"O1.1": 10000}, date(2022, 4, 11))

# --- SP-2026-2030 --------------------------------------------------------------------------

NEW_TITLE = "Strategic Plan 2026-2030 (illustrative)"
NEW_DESCRIPTION = (
    "The plan built on the ten areas of the recommendations: living up to the Treaty's "
    "aims, strategic planning, innovation, stakeholder partnerships, compliance and "
    "accountability, aligning resources with objectives, measuring impact, outreach, "
    "transparency, and treaty champions (illustrative)."
)
NEW_ELEMENTS: tuple[_Element, ...] = (
    _Element(GOAL, "G1", "Living up to the Treaty's aims",
             "The Treaty's object and purpose (reducing human suffering, contributing to peace, "
             "security and stability, and promoting cooperation, transparency and responsible "
             "action) guide the work of the States Parties, the CSP and the Secretariat."),
    _Element(OBJECTIVE, "O1.1", "Risk assessments that prevent diversion",
             "States Parties apply Articles 7 and 11 and share information on diversion.", "G1"),
    _Element(ACTIVITY, "A1.1.1", "Diversion Information Exchange Forum meetings", None, "O1.1"),
    _Element(OBJECTIVE, "O1.2", "Gender and gender-based violence addressed",
             "Export assessments consider the risk of gender-based violence; women take "
             "part in the Treaty's meetings.", "G1"),
    _Element(OBJECTIVE, "O1.3", "Cooperation among national authorities",
             "Licensing, customs and enforcement officers exchange practice.", "G1"),
    _Element(GOAL, "G2", "Strategic planning and direction",
             "A plan the CSP adopts, follows every year through a public update, and that "
             "the working groups serve."),
    _Element(OBJECTIVE, "O2.1", "A plan the CSP steers by every year",
             "The annual update is published early in the following year.", "G2"),
    _Element(OUTPUT, "P2.1.1", "Annual public update on progress", None, "O2.1"),
    _Element(OBJECTIVE, "O2.2", "Working groups aligned with the plan",
             "The working groups' deliverables serve the plan's objectives.", "G2"),
    _Element(GOAL, "G3", "Innovation in Treaty implementation",
             "Digital tools that make reporting and meetings easier and cheaper."),
    _Element(OBJECTIVE, "O3.1", "Online reporting used by all",
             "States Parties report through the online reporting tool.", "G3"),
    _Element(OUTPUT, "P3.1.1", "Online reporting tool upgraded", None, "O3.1"),
    _Element(OBJECTIVE, "O3.2", "Paperless and faster Conference documents",
             "Documents and reports of the CSP published sooner.", "G3"),
    _Element(GOAL, "G4", "Stakeholder partnerships",
             "International assistance and the knowledge of regional organisations, civil "
             "society and industry put to the Treaty's use."),
    _Element(OBJECTIVE, "O4.1", "International assistance matched to needs",
             "VTF projects that answer the needs States Parties identify.", "G4"),
    _Element(OBJECTIVE, "O4.2", "Regional organisations, civil society and industry engaged",
             "Working arrangements with partner organisations.", "G4"),
    _Element(ACTIVITY, "A4.2.1", "Annual partners' dialogue before the CSP", None, "O4.2"),
    _Element(GOAL, "G5", "Compliance and accountability",
             "States Parties meet their financial and reporting obligations; the Secretariat "
             "accounts for what it does with their money."),
    _Element(OBJECTIVE, "O5.1", "Assessed contributions paid in full and on time",
             "Fewer States in arrears; payment plans kept.", "G5"),
    _Element(ACTIVITY, "A5.1.1", "Reminders and payment-plan dialogue with States in arrears",
             None, "O5.1"),
    _Element(OBJECTIVE, "O5.2", "Reporting obligations met",
             "Initial and annual reports submitted on time.", "G5"),
    _Element(OBJECTIVE, "O5.3", "An accountable Secretariat",
             "Audit recommendations implemented within a year.", "G5"),
    _Element(GOAL, "G6", "Aligning resources with objectives",
             "Budgets built on the plan's objectives, executed as adopted, with a prudent "
             "reserve and diverse voluntary funding."),
    _Element(OBJECTIVE, "O6.1", "Budgets built on the plan's objectives",
             "Every budget line linked to the objectives it serves.", "G6"),
    _Element(OBJECTIVE, "O6.2", "A prudent reserve and diverse voluntary funding",
             "The Working Capital Fund at its target; more donors to the voluntary funds.", "G6"),
    _Element(GOAL, "G7", "Measuring impact",
             "Evidence of what the Treaty and its assistance change."),
    _Element(OBJECTIVE, "O7.1", "Every indicator measured every year",
             "The plan's indicators have data for each year.", "G7"),
    _Element(OBJECTIVE, "O7.2", "Impact of assistance evaluated",
             "Independent evaluations of completed VTF projects.", "G7"),
    _Element(ACTIVITY, "A7.2.1", "Evaluation framework for VTF projects", None, "O7.2"),
    _Element(GOAL, "G8", "Outreach and universalization",
             "More States join the Treaty, above all in the regions with fewest Parties."),
    _Element(OBJECTIVE, "O8.1", "More States join the Treaty",
             "Instruments of ratification, acceptance, approval or accession deposited.", "G8"),
    _Element(OBJECTIVE, "O8.2", "Signatories supported towards ratification",
             "A structured dialogue with each Signatory.", "G8"),
    _Element(OBJECTIVE, "O8.3", "Outreach in Asia and the Pacific",
             "The region with the smallest share of States Parties.", "G8"),
    _Element(ACTIVITY, "A8.3.1", "Regional universalization workshops", None, "O8.3"),
    _Element(GOAL, "G9", "Transparency",
             "Transparency in arms transfers and in the Treaty's own finances."),
    _Element(OBJECTIVE, "O9.1", "Annual reports made public",
             "States Parties agree to their reports being public.", "G9"),
    _Element(OBJECTIVE, "O9.2", "Open finances",
             "Audited financial statements and the status of contributions published "
             "promptly.", "G9"),
    _Element(GOAL, "G10", "Treaty champions",
             "Champions in every region who carry the Treaty's message to governments, "
             "parliaments and the public."),
    _Element(OBJECTIVE, "O10.1", "Champions appointed in every region",
             "Eminent persons who advocate the Treaty.", "G10"),
    _Element(OBJECTIVE, "O10.2", "Parliamentarians engaged",
             "Briefings for the parliamentarians who ratify and fund the Treaty.", "G10"),
    _Element(ACTIVITY, "A10.2.1", "Parliamentary briefings with the Inter-Parliamentary Union "
             "(illustrative)", None, "O10.2"),
)  # fmt: skip
NEW_INDICATORS: tuple[_Indicator, ...] = (
    _Indicator("O1.1", "I1.1", "Diversion cases discussed in the Diversion Information "
               "Exchange Forum", COUNT, ("10", "20", "30", "40", "50"), baseline="9",
               kind=CUMULATIVE),
    _Indicator("O1.2", "I1.2", "States Parties whose export assessments consider the risk of "
               "gender-based violence", PCT, ("45", "50", "55", "60", "65"), baseline="41.5",
               values={2026: {"": "44.8"}}, when=lambda y: date(y, 7, 6)),
    _Indicator("O1.2", "I1.3", "Women among the delegates to the CSP and its preparatory "
               "meetings", PCT, ("36", "38", "40", "42", "45"), baseline="34.0",
               disaggregation=REGIONAL,
               values={2026: {"": "38.1", AFR: "31.5", APG: "28.0", EEG: "41.2", LAC: "45.6",
                              WEOG: "48.3"}},
               when=lambda y: date(y, 3, 2)),
    _Indicator("O2.1", "I2.1", "Days from the year end to the publication of the annual "
               "update", DAYS, ("20", "20", "15", "15", "15"), baseline="13", direction=LOWER),
    _Indicator("O2.2", "I2.2", "Working-group deliverables that serve an objective of the plan",
               PCT, ("70", "80", "85", "90", "95"), baseline="60.0"),
    _Indicator("O3.1", "I3.1", "Annual reports submitted through the online reporting tool",
               PCT, ("62", "68", "74", "80", "85"), baseline="58.0",
               values={2026: {"": "63.5"}}, when=_july),
    _Indicator("O3.2", "I3.2", "Days from the close of the CSP to the publication of its final "
               "report", DAYS, ("18", "15", "14", "12", "10"), baseline="21", direction=LOWER),
    _Indicator("O4.1", "I4.1", "VTF projects approved", COUNT, ("15", "30", "45", "60", "75"),
               kind=CUMULATIVE, fact="vtf_projects", when=lambda y: date(y, 3, 20)),
    _Indicator("O4.2", "I4.2", "Working arrangements with regional and civil-society "
               "organisations", COUNT, ("2", "4", "6", "8", "10"), baseline="2",
               kind=CUMULATIVE, values={2026: {"": "1"}}, when=lambda y: date(y, 6, 15)),
    _Indicator("O5.1", "I5.1", "Assessed contributions collected", PCT,
               ("40", "45", "50", "55", "60"), measure="collection_rate"),
    _Indicator("O5.1", "I5.2", "States subject to Financial Rule 8 measures", COUNT,
               ("50", "45", "40", "35", "30"), measure="rule8_states", direction=LOWER),
    _Indicator("O5.1", "I5.3", "Payment plans kept", PCT, ("100", "100", "100", "100", "100"),
               measure="payment_plans_on_track"),
    _Indicator("O5.2", "I5.4", "States Parties that submitted their annual report", PCT,
               ("71", "73", "75", "77", "80"), disaggregation=REGIONAL, fact="annual_reports",
               when=_july,
               description="Share of the States Parties whose annual report on exports and "
               "imports of the previous year was received by 31 May."),
    _Indicator("O5.2", "I5.5", "States Parties that submitted their initial report", PCT,
               ("86", "88", "90", "92", "94"), baseline="84.5",
               values={2026: {"": "85.3"}}, when=_july),
    _Indicator("O5.3", "I5.6", "Audit recommendations implemented within a year", PCT,
               ("80", "85", "90", "95", "100"), baseline="75.0"),
    _Indicator("O6.1", "I6.1", "Spending linked to objectives", PCT,
               ("78", "82", "85", "88", "90"), measure="spending_linked_share"),
    _Indicator("O6.1", "I6.2", "Budget executed", PCT, ("85", "87", "88", "90", "90"),
               measure="budget_execution_rate"),
    _Indicator("O6.2", "I6.3", "Reserve in months of spending", MONTHS,
               ("3", "3", "3", "3", "3"), measure="reserve_months"),
    _Indicator("O6.2", "I6.4", "Donors contributing to the voluntary funds", COUNT,
               ("21", "22", "23", "24", "25"), fact="donors"),
    _Indicator("O7.1", "I7.1", "Indicators of the plan with data for the year", PCT,
               ("100", "100", "100", "100", "100"), baseline="100.0"),
    _Indicator("O7.2", "I7.2", "VTF projects with an independent impact evaluation", COUNT,
               ("2", "4", "6", "8", "10"), baseline="1", kind=CUMULATIVE),
    _Indicator("O8.1", "I8.1", "New States Parties", COUNT, ("3", "6", "9", "12", "15"),
               kind=CUMULATIVE, disaggregation=REGIONAL, fact="new_parties"),
    _Indicator("O8.2", "I8.2", "Signatories in a structured ratification dialogue", COUNT,
               ("10", "12", "14", "16", "18"), baseline="8",
               values={2026: {"": "9"}}, when=lambda y: date(y, 9, 1)),
    _Indicator("O9.1", "I9.1", "Annual reports made public", PCT,
               ("83", "85", "87", "89", "90"), baseline="81.0",
               values={2026: {"": "82.4"}}, when=lambda y: date(y, 7, 6)),
    _Indicator("O9.2", "I9.2", "Days from the year end to the publication of the audited "
               "financial statements", DAYS, ("110", "100", "90", "90", "90"), baseline="120",
               direction=LOWER),
    _Indicator("O10.1", "I10.1", "Treaty champions appointed", COUNT,
               ("3", "6", "9", "12", "15"), baseline="0", kind=CUMULATIVE,
               disaggregation=REGIONAL,
               values={2026: {"": "4", AFR: "1", APG: "1", LAC: "1", WEOG: "1"}},
               when=lambda y: date(y, 5, 4)),
    _Indicator("O10.2", "I10.2", "Parliamentarians taking part in Treaty briefings", COUNT,
               ("40", "80", "120", "160", "200"), baseline="35", kind=CUMULATIVE,
               values={2026: {"": "27"}}, when=lambda y: date(y, 9, 21)),
)  # fmt: skip
#: The entered indicators with values of 2026 awaiting approval on the demo date.
NEW_DRAFTS = ("I1.2", "I1.3", "I3.1", "I4.1", "I4.2", "I5.4", "I5.5", "I8.2", "I9.1", "I10.1",
              "I10.2")  # fmt: skip
#: A draft of 2026 edited before anyone approved it: (indicator, business date, value).
NEW_EDIT = ("I5.4", date(2026, 7, 20), "+1.1")
#: How each 2026 budget line is shared among the objectives (basis points).
NEW_LINKS: dict[str, dict[str, int]] = {
    "SEC-01": {"O2.1": 1000, "O5.1": 1500, "O6.1": 1500, "O9.2": 1000},
    "SEC-02": {"O8.1": 4000, "O8.2": 2500, "O8.3": 1500, "O10.1": 1000},
    "SEC-03": {"O5.2": 4000, "O3.1": 4000, "O9.1": 2000},
    "SEC-04": {"O4.1": 5000, "O2.2": 2500, "O7.2": 1500},
    "CSP-01": {"O2.1": 5000, "O4.2": 2500},
    "CSP-02": {"O3.2": 6000, "O9.1": 2000},
    "CSP-03": {"O2.2": 6000, "O1.1": 2000},
}

#: Chance in percent that a State Party of each regional group sends its annual report
#: by 31 May of 2021 (one point more each later year).
REPORTING_CHANCE = {AFR: 38, APG: 50, EEG: 82, LAC: 60, WEOG: 93}


@dataclass(frozen=True, slots=True)
class _PlanSpec:
    code: str
    title: str
    description: str
    first_year: int
    elements: tuple[_Element, ...]
    indicators: tuple[_Indicator, ...]
    drafted_on: date
    adoption: PlanAdoptionIn


OLD_PLAN = _PlanSpec(
    OLD,
    OLD_TITLE,
    OLD_DESCRIPTION,
    2021,
    OLD_ELEMENTS,
    OLD_INDICATORS,
    date(2020, 4, 20),
    PlanAdoptionIn(
        decision_reference="ATT/CSP6/2020/DEC.4 (illustrative)", adopted_on=date(2020, 8, 28)
    ),
)
NEW_PLAN = _PlanSpec(
    NEW,
    NEW_TITLE,
    NEW_DESCRIPTION,
    2026,
    NEW_ELEMENTS,
    NEW_INDICATORS,
    date(2025, 4, 14),
    PlanAdoptionIn(
        decision_reference="ATT/CSP11/2025/DEC.6 (illustrative)", adopted_on=date(2025, 8, 29)
    ),
)
#: The annual updates of SP-2021-2025: year, business day of the proposal, of the approval.
UPDATES = (
    (2024, date(2025, 1, 10), date(2025, 1, 15)),
    (2025, date(2026, 1, 9), date(2026, 1, 13)),
)
#: The old plan closes once its last update is published.
CLOSED_ON = date(2026, 1, 15)
CLOSING_NOTE = (
    "The plan's five years are over; its final annual update (2025) is published and "
    "SP-2026-2030 follows it (illustrative)."
)
#: Budget lines are linked to the objectives on this day of their year.
LINK_DAY = (1, 20)


@dataclass(frozen=True, slots=True)
class DemoStrategy:
    """What ``load_strategy_demo`` added."""

    plans: int
    closed: int
    goals: int
    objectives: int
    activities: int
    indicators: int
    computed: int
    measurements: int
    approved: int
    pending: int
    link_sets: int
    linked_lines: int
    updates: int

    def summary(self) -> str:
        """One line: the plans and what they hold."""
        return (
            f"strategic plans: {self.plans} ({self.closed} closed, "
            f"{self.plans - self.closed} adopted) with {self.goals} goals, {self.objectives} "
            f"objectives, {self.activities} activities and outputs, {self.indicators} "
            f"indicators ({self.computed} computed), {self.measurements} measurements "
            f"({self.approved} approved, {self.pending} awaiting approval), "
            f"{self.linked_lines} budget lines linked to objectives ({self.link_sets} link "
            f"sets), {self.updates} annual updates published"
        )


@dataclass(frozen=True, slots=True)
class FullDemo:
    """The finance demo and the strategic plans loaded on top of it."""

    finance: DemoResult
    strategy: DemoStrategy

    def summary(self) -> str:
        """Both summaries, the demo users' tokens last."""
        return self.finance.summary(also=[self.strategy.summary()])


def _percent(part: int, whole: int) -> str:
    """``part / whole`` in percent with one decimal (half up)."""
    value = (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return format(value, "f")


class _Facts:
    """Entered values an officer counts from the demo's own records, by year and
    category ("" the overall value)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.groups: dict[str, str | None] = {
            s.code: s.regional_group for s in session.execute(select(State)).scalars()
        }
        self.names: dict[str, str] = {
            s.code: s.name for s in session.execute(select(State)).scalars()
        }

    def __call__(self, fact: str, year: int) -> dict[str, str]:
        """The values of ``fact`` for ``year`` by category."""
        if fact == "new_parties":
            return self.new_parties(year)
        if fact == "annual_reports":
            return self.annual_reports(year)
        if fact == "vtf_projects":
            return {"": str(self.vtf_projects(year))}
        assert fact == "donors", fact
        return {"": str(self.donors(year))}

    def joined(self, year: int) -> list[dataset.DemoMembership]:
        """The States that deposited an instrument in ``year``, in date order."""
        return sorted(
            (m for m in dataset.MEMBERSHIP if m.deposited_on and m.deposited_on.year == year),
            key=lambda m: (m.deposited_on, m.code),
        )

    def new_parties(self, year: int) -> dict[str, str]:
        joined = self.joined(year)
        by_group = Counter(self.groups.get(m.code) for m in joined)
        return {"": str(len(joined))} | {
            g: str(n) for g, n in sorted(by_group.items(), key=lambda x: str(x[0])) if g
        }

    def annual_reports(self, year: int) -> dict[str, str]:
        """Which States Parties of the year before sent their report by 31 May (a
        repeatable draw per State, likelier in some regional groups than others)."""
        rnd = random.Random(dataset.SEED * 1000 + year)  # noqa: S311 (illustrative, repeatable)
        sent: Counter[str] = Counter()
        owed: Counter[str] = Counter()
        for code in dataset.parties_on(date(year - 1, 12, 31)):
            group = self.groups.get(code) or ""
            chance = REPORTING_CHANCE.get(group, 50) + (year - 2021)
            submitted = rnd.randrange(100) < chance
            for key in {"", group}:
                owed[key] += 1
                sent[key] += submitted
        return {k: _percent(sent[k], owed[k]) for k in sorted(owed)}

    def vtf_projects(self, year: int) -> int:
        return int(
            self.session.execute(
                select(func.count()).where(
                    col(Project.fund_code) == "VTF",
                    col(Project.approved_on) >= date(year, 1, 1),
                    col(Project.approved_on) <= date(year, 12, 31),
                )
            ).scalar_one()
        )

    def donors(self, year: int) -> int:
        return int(
            self.session.execute(
                select(func.count(func.distinct(col(VoluntaryReceipt.donor_id)))).where(
                    col(VoluntaryReceipt.value_on) >= date(year, 1, 1),
                    col(VoluntaryReceipt.value_on) <= date(year, 12, 31),
                )
            ).scalar_one()
        )


def _year_end_value(session: Session, measure: str, year: int) -> Decimal:
    """A computed measure's value for ``year`` as the service computes it at its end."""
    found = computed_value(session, measure=measure, year=year, as_at=date(year, 12, 31))
    if found is None:
        raise Conflict(f"the demo data give no {measure} for {year}")
    return found


class _Loader:
    """Records the demo's plans in date order (then in the order planned)."""

    def __init__(self, session: Session, actor: Actor, limit: date) -> None:
        self.session, self.limit = session, limit
        self.officer = Actor(name=OFFICER, origin=actor.origin)
        self.second = Actor(name=SECOND, origin=actor.origin)
        self.calendar: list[tuple[date, int, Callable[[], object]]] = []
        self.sequence = count()
        self.facts = _Facts(session)
        self.plans: dict[str, int] = {}
        self.indicators: dict[tuple[str, str], int] = {}
        #: The latest version of each (plan, indicator, year, category).
        self.latest: dict[tuple[str, str, int, str], int] = {}
        self.counts: Counter[str] = Counter()
        self.computed: dict[tuple[str, int], Decimal] = {}

    def year_end(self, measure: str, year: int) -> Decimal:
        """A computed measure's value for ``year`` at its end (computed once)."""
        if (measure, year) not in self.computed:
            self.computed[(measure, year)] = _year_end_value(self.session, measure, year)
        return self.computed[(measure, year)]

    def at(self, day: date, run: Callable[[], object]) -> None:
        """Plan ``run`` for ``day`` (after what is already planned for that day)."""
        self.calendar.append((day, next(self.sequence), run))

    def run(self) -> None:
        for day, _n, run in sorted(self.calendar, key=lambda x: (x[0], x[1])):
            if day <= self.limit:
                run()

    # --- plans ---------------------------------------------------------------------------

    def plan(self, spec: _PlanSpec) -> None:
        self.at(spec.drafted_on, lambda: self.draft(spec))
        self.at(spec.adoption.adopted_on, lambda: self.adopt(spec))

    def draft(self, spec: _PlanSpec) -> None:
        when = dataset.recorded_at(spec.drafted_on)
        plan = service.create_plan(
            self.session,
            actor=self.officer,
            data=PlanIn(
                code=spec.code,
                title=spec.title,
                description=spec.description,
                first_year=spec.first_year,
            ),
            recorded_at=when,
        )
        plan_id = plan.id or 0
        self.plans[spec.code] = plan_id
        order = Counter[str | None]()
        for e in spec.elements:
            order[e.parent] += 1
            service.add_element(
                self.session,
                actor=self.officer,
                plan_id=plan_id,
                data=ElementIn(
                    level=e.level,
                    parent_code=e.parent,
                    code=e.code,
                    title=e.title,
                    description=e.description,
                    order=order[e.parent],
                ),
                recorded_at=when,
            )
            self.counts[e.level.value] += 1
        baseline_year = spec.first_year - 1
        for n, i in enumerate(spec.indicators, start=1):
            if i.measure is not None:
                baseline = format(self.year_end(i.measure, baseline_year), "f")
            elif i.fact is not None:
                baseline = self.facts(i.fact, baseline_year)[""]
            else:
                assert i.baseline is not None, i.code
                baseline = i.baseline
            indicator = service.add_indicator(
                self.session,
                actor=self.officer,
                plan_id=plan_id,
                data=IndicatorIn(
                    element_code=i.element,
                    code=i.code,
                    title=i.title,
                    description=i.description,
                    unit=i.unit,
                    direction=i.direction,
                    baseline_value=baseline,
                    baseline_year=baseline_year,
                    target_kind=i.kind,
                    targets=[
                        TargetIn(year=spec.first_year + k, value=v) for k, v in enumerate(i.targets)
                    ],
                    source=Source.COMPUTED if i.measure else Source.ENTERED,
                    measure=i.measure,
                    disaggregation=i.disaggregation,
                    order=n,
                ),
                recorded_at=when,
            )
            self.indicators[(spec.code, i.code)] = indicator.id or 0
            self.counts["indicators"] += 1
            self.counts["computed"] += i.measure is not None

    def adopt(self, spec: _PlanSpec) -> None:
        service.adopt_plan(
            self.session,
            actor=self.officer,
            plan_id=self.plans[spec.code],
            data=spec.adoption,
            recorded_at=dataset.recorded_at(spec.adoption.adopted_on),
        )

    def close(self, code: str) -> None:
        service.close_plan(
            self.session,
            actor=self.officer,
            plan_id=self.plans[code],
            data=PlanClosureIn(closed_on=CLOSED_ON, note=CLOSING_NOTE),
            recorded_at=dataset.recorded_at(CLOSED_ON),
        )
        self.counts["closed"] += 1

    # --- measurements ----------------------------------------------------------------------

    def values(self, i: _Indicator, year: int) -> dict[str, str]:
        """The indicator's values for ``year`` by category (the overall value only when
        it is not disaggregated)."""
        found = self.facts(i.fact, year) if i.fact is not None else i.values.get(year, {})
        return found if i.disaggregation else {"": found[""]}

    def measure(self, plan: str, i: _Indicator, year: int, *, approve: bool) -> None:
        """Plan the recording of the indicator's values for ``year`` (and their approval
        two days later)."""
        day = i.when(year)
        self.at(day, lambda: self.record(plan, i, year, day))
        if approve:
            self.at(date.fromordinal(day.toordinal() + 2), lambda: self.approve(plan, i, year))

    def record(self, plan: str, i: _Indicator, year: int, day: date) -> None:
        for category, value in self.values(i, year).items():
            self.version(plan, i.code, year, category, value, day, self._narrative(i, year))

    def version(
        self,
        plan: str,
        code: str,
        year: int,
        category: str,
        value: str,
        day: date,
        narrative: str | None,
        actor: Actor | None = None,
    ) -> None:
        key = (plan, code, year, category)
        found = service.record_measurement(
            self.session,
            actor=actor or self.officer,
            indicator_id=self.indicators[(plan, code)],
            data=MeasurementIn(
                year=year,
                category=category,
                value=value,
                narrative=narrative if not category else None,
                evidence_url=f"{EVIDENCE}/{plan.lower()}/{code.lower()}/{year}",
                supersedes=self.latest.get(key),
            ),
            recorded_at=dataset.recorded_at(day),
        )
        self.latest[key] = found.id or 0
        self.counts["measurements"] += 1

    def approve(self, plan: str, i: _Indicator, year: int, note: str | None = None) -> None:
        day = date.fromordinal(i.when(year).toordinal() + 2)
        for category in self.values(i, year):
            self.approval(plan, i.code, year, category, day, note)

    def approval(
        self,
        plan: str,
        code: str,
        year: int,
        category: str,
        day: date,
        note: str | None = None,
        actor: Actor | None = None,
    ) -> None:
        service.approve_measurement(
            self.session,
            actor=actor or self.second,
            measurement_id=self.latest[(plan, code, year, category)],
            data=ApprovalIn(note=note),
            recorded_at=dataset.recorded_at(day),
        )
        self.counts["approved"] += 1

    def _narrative(self, i: _Indicator, year: int) -> str | None:
        if i.fact == "new_parties":
            joined = self.facts.joined(year)
            names = ", ".join(self.facts.names.get(m.code, m.code) for m in joined)
            return f"Instruments deposited in {year}: {names or 'none'}."
        if i.fact == "vtf_projects":
            return f"Projects approved by the VTF selection committee in its {year} round."
        if i.fact == "annual_reports":
            return (
                f"Reports on {year - 1} received by 31 May {year}, counted per regional "
                "group of the States Parties that owed one."
            )
        return None

    def correct(self) -> None:
        code, year, value, day, narrative = OLD_CORRECTION
        self.at(
            day,
            lambda: self.version(OLD, code, year, "", value, day, narrative, actor=self.second),
        )
        later = date.fromordinal(day.toordinal() + 3)
        self.at(
            later,
            lambda: self.approval(
                OLD, code, year, "", later, "Checked against the CSP8 document log.", self.officer
            ),
        )

    def edit(self) -> None:
        """A 2026 draft edited by its author before anyone approved it."""
        code, day, delta = NEW_EDIT
        i = next(x for x in NEW_INDICATORS if x.code == code)

        def run() -> None:
            old = self.values(i, 2026)[""]
            value = format(Decimal(old) + Decimal(delta), "f")
            self.version(
                NEW, code, 2026, "", value, day, "Updated with the reports received late in June."
            )

        self.at(day, run)

    # --- budget lines -----------------------------------------------------------------------

    def lines(self, year: int) -> dict[str, int]:
        """The demo's budget lines of ``year``: code → id (each fund's codes differ)."""
        rows = self.session.execute(
            select(col(BudgetLine.code), col(BudgetLine.id))
            .join(Budget, col(Budget.id) == col(BudgetLine.budget_id))
            .where(col(Budget.year) == year)
            .order_by(col(BudgetLine.code))
        ).all()
        return {str(code): int(line_id) for code, line_id in rows}

    def link(self, year: int, shares: dict[str, dict[str, int]], day: date, note: str) -> None:
        when = dataset.recorded_at(day)
        for code, line_id in self.lines(year).items():
            if code not in shares:
                continue
            service.set_line_links(
                self.session,
                actor=self.officer,
                budget_line_id=line_id,
                data=LineLinksIn(
                    links=[LinkIn(objective_code=o, share_bp=bp) for o, bp in shares[code].items()],
                    note=note,
                ),
                recorded_at=when,
            )
            self.counts["link_sets"] += 1

    def link_old(self, year: int) -> None:
        day = date(year, *LINK_DAY)
        shares = dict(OLD_LINKS)
        if year >= 2023:
            shares |= OLD_LINKS_FROM_2023
        note = f"Shares of the {year} budget among the objectives of {OLD} (illustrative)"
        if year == 2022:
            code, first, split_on = OLD_FIRST_2022
            self.at(day, lambda: self.link(year, {code: first}, day, note))
            rest = {k: v for k, v in shares.items() if k != code}
            self.at(day, lambda: self.link(year, rest, day, note))
            again = "Split once the 2022 workshop programme was agreed (illustrative)"
            self.at(split_on, lambda: self.link(year, {code: shares[code]}, split_on, again))
        else:
            self.at(day, lambda: self.link(year, shares, day, note))

    # --- annual updates ----------------------------------------------------------------------

    def update(self, year: int, proposed_on: date, approved_on: date) -> None:
        """Plan the proposal of the old plan's update for ``year`` and its publication."""
        proposals: dict[int, int] = {}

        def propose() -> None:
            when = dataset.recorded_at(proposed_on)
            snapshot = annual_update.propose_update(
                self.session,
                actor=self.officer,
                plan_id=self.plans[OLD],
                year=year,
                as_at=date(year, 12, 31),
                known_at=when,
                data=AnnualUpdateIn(
                    introduction=_introduction(year),
                    narratives=[
                        GoalNarrativeIn(goal_code=g, text=t)
                        for g, t in _narratives(self.facts, self.year_end, year).items()
                    ],
                    reference=f"ATT/SEC/SP/{year + 1}/UPDATE-{year} (illustrative)",
                ),
                recorded_at=when,
            )
            proposals[year] = snapshot.id or 0

        def approve() -> None:
            publication.approve(
                self.session,
                actor=self.second,
                snapshot_id=proposals[year],
                reference=f"ATT/MC/{year + 1}/SP-UPDATE-{year} (illustrative): the Management "
                f"Committee took note of the {year} annual update",
                recorded_at=dataset.recorded_at(approved_on),
            )
            self.counts["updates"] += 1

        self.at(proposed_on, propose)
        self.at(approved_on, approve)


def _introduction(year: int) -> str:
    if year == 2024:
        return (
            "This update reports on the fourth year of the Strategic Plan 2021-2025. It shows "
            "each goal and objective with the status of its indicators at 31 December 2024 "
            "and what it cost in the year, as the Secretariat's records stood when the "
            "update was prepared. The figures are illustrative."
        )
    return (
        "This is the last update of the Strategic Plan 2021-2025. It closes the five years "
        "of the plan and serves as the baseline of the Strategic Plan 2026-2030 adopted at "
        "CSP11. Each goal and objective is shown with the status of its indicators at 31 "
        "December 2025 and what it cost in the year. The figures are illustrative."
    )


def _target(code: str, year: int) -> str:
    """The old plan's target of indicator ``code`` for ``year``."""
    found = next(i for i in OLD_INDICATORS if i.code == code)
    return found.targets[year - OLD_PLAN.first_year]


def _narratives(
    facts: _Facts, year_end: Callable[[str, int], Decimal], year: int
) -> dict[str, str]:
    """One paragraph per goal of SP-2021-2025 for the update of ``year``; the figures
    quoted are those of the demo."""
    joined = facts.joined(year)
    names = " and ".join(facts.names.get(m.code, m.code) for m in joined) or "No State"
    so_far = sum(len(facts.joined(y)) for y in range(OLD_PLAN.first_year, year + 1))
    reports = facts.annual_reports(year)[""]
    projects = facts.vtf_projects(year)
    all_projects = sum(facts.vtf_projects(y) for y in range(OLD_PLAN.first_year, year + 1))
    collected = year_end("collection_rate", year)
    rule8 = year_end("rule8_states", year)
    executed = year_end("budget_execution_rate", year)
    reserve = year_end("reserve_months", year)
    finances = (
        f"By 31 December {collected} % of the {year} assessed contributions had been "
        f"collected (target {_target('I3.1', year)} %) and {rule8} States were subject to "
        f"the measures of Financial Rule 8 (target at most {_target('I3.2', year)}). The "
        f"Secretariat and CSP budgets were {executed} % executed and the Working Capital "
        f"Fund covered {reserve} months of planned spending, against the three months the "
        "CSP set in 2022."
    )
    if year == 2024:
        return {
            "G1": (
                f"{names} joined the Treaty in 2024, {so_far} States since the plan began "
                f"(target {_target('I1.1', year)}). The regional workshops in Asia and the "
                "Pacific and in Africa brought several Signatories closer to ratification, "
                "but parliamentary procedures take time; the Secretariat kept up its "
                "meetings with Signatories and States not yet Party, many of them online."
            ),
            "G2": (
                f"{reports} % of the States Parties sent their annual report on 2023 by 31 "
                f"May 2024 (target {_target('I2.1', year)} %). The reporting helpdesk "
                "answered national points of contact in English, French and Spanish, and the "
                "online reporting tool now takes a report in a single session. The VTF "
                f"selection committee approved {projects} projects, most of them on national "
                "control lists and the training of licensing officers."
            ),
            "G3": finances
            + " Reminders went out in January and July, and States in arrears were offered "
            "payment plans under Financial Rule 8(1)(d).",
            "G4": (
                "CSP10 met in Geneva in August with interpretation in English, French and "
                "Spanish. Pre-session documents that could not be issued six weeks ahead "
                "depended on working-group drafts agreed late. The Treaty's website moved to "
                "a new content platform."
            ),
        }
    return {
        "G1": (
            f"{names} joined the Treaty in 2025: {so_far} States joined during the plan, "
            f"against the {_target('I1.1', year)} it aimed for. This experience shaped the "
            "outreach goal of the 2026-2030 plan, which concentrates on the regions with the "
            "fewest States Parties and on a structured dialogue with each Signatory."
        ),
        "G2": (
            f"{reports} % of the States Parties sent their annual report on 2024 by 31 May "
            f"2025 (target {_target('I2.1', year)} %). The VTF selection committee approved "
            f"{projects} projects, {all_projects} over the five years against a target of "
            f"{_target('I2.2', year)}; evaluating their impact is a goal of the next plan."
        ),
        "G3": finances
        + " Compliance with financial obligations becomes a goal of its own in the 2026-2030 "
        "plan.",
        "G4": (
            "CSP11 met in Geneva in August and adopted the Strategic Plan 2026-2030. The "
            "pre-session documents were issued in English, French and Spanish, and the "
            "Conference's documents and reports moved to the new website."
        ),
    }


def _count(session: Session, model: type[object]) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def load_strategy_demo(session: Session, *, actor: Actor) -> DemoStrategy:
    """Load the demo's strategic plans into a database holding the finance demo
    (``finance_core.demo.loader.load_demo``) and no plan (Conflict otherwise)."""
    if not system.is_demo(session):
        raise Conflict("the strategic plans of the demo load into the demo data set only")
    if _count(session, StrategicPlan):
        raise Conflict("the database already holds strategic plans")
    loader = _Loader(session, actor, min(dataset.DEMO_DATE, utctoday()))
    loader.plan(OLD_PLAN)
    for year in range(2021, 2026):
        loader.link_old(year)
        for i in OLD_INDICATORS:
            if i.measure is None:
                loader.measure(OLD, i, year, approve=True)
    loader.correct()
    for year, proposed_on, approved_on in UPDATES:
        loader.update(year, proposed_on, approved_on)
    loader.at(CLOSED_ON, lambda: loader.close(OLD))
    loader.plan(NEW_PLAN)
    day = date(2026, *LINK_DAY)
    note = f"Shares of the 2026 budget among the objectives of {NEW} (illustrative)"
    loader.at(day, lambda: loader.link(2026, NEW_LINKS, day, note))
    for i in NEW_INDICATORS:
        if i.code in NEW_DRAFTS:
            loader.measure(NEW, i, 2026, approve=False)
    loader.edit()
    loader.run()
    c = loader.counts
    linked = set(_linked_lines(session))
    result = DemoStrategy(
        plans=len(loader.plans),
        closed=c["closed"],
        goals=c["goal"],
        objectives=c["objective"],
        activities=c["activity"] + c["output"],
        indicators=c["indicators"],
        computed=c["computed"],
        measurements=c["measurements"],
        approved=c["approved"],
        pending=sum(
            1
            for code in loader.plans
            for m in service.measurement_history(session, plan_id=loader.plans[code])
            if m.status == MeasurementStatus.PENDING
        ),
        link_sets=c["link_sets"],
        linked_lines=len(linked),
        updates=c["updates"],
    )
    audit.record(
        session,
        actor=actor,
        action="demo.load_strategy",
        object_type="dataset",
        object_id=system.DEMO,
        detail={"plans": sorted(loader.plans), "summary": result.summary()},
    )
    return result


def _linked_lines(session: Session) -> list[int]:
    return [
        int(x) for x in session.execute(select(col(LinkSet.budget_line_id)).distinct()).scalars()
    ]


def database_is_empty(session: Session) -> bool:
    """Whether the database holds no data at all: neither the demo, nor data of its own,
    nor a strategic plan."""
    return finance_is_empty(session) and not _count(session, StrategicPlan)


def load_full_demo(session: Session, *, actor: Actor) -> FullDemo:
    """Load the finance demo (``load_demo``), then the strategic plans on top of it, into
    a database that holds no other data (Conflict otherwise)."""
    if not system.is_demo(session) and _count(session, StrategicPlan):
        raise Conflict(
            "the database already holds data of its own, so the demo data set "
            "cannot be loaded into it"
        )
    finance = load_demo(session, actor=actor)
    return FullDemo(finance=finance, strategy=load_strategy_demo(session, actor=actor))


__all__: Sequence[str] = (
    "DemoStrategy",
    "FullDemo",
    "database_is_empty",
    "load_full_demo",
    "load_strategy_demo",
)
