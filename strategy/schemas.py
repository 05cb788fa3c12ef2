"""API shapes of the strategic plan. Indicator values, baselines and targets are exact
decimal strings in the indicator's unit ("85.5" for 85.5 %); amounts are US dollar
decimal strings ("1234.56"); shares of budget lines are integer basis points (10000 =
100 %); percentages of the way and of indicators on track are decimal strings with two
decimals; dates ISO 8601."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from strategy.models import ElementLevel, MeasurementStatus, PlanStatus, Source, Unit
from strategy.progress import Direction, Status, TargetKind, Trend

# --- plans -------------------------------------------------------------------------------


class PlanIn(BaseModel):
    """A new five-year plan (a draft): it covers ``first_year`` to ``first_year + 4``."""

    code: str = Field(min_length=1, max_length=40, examples=["SP-2026-2030"])
    title: str = Field(min_length=1, max_length=300, examples=["Strategic Plan 2026-2030"])
    description: str | None = Field(default=None, max_length=20000)
    first_year: int = Field(ge=2000, le=2100, examples=[2026])


class PlanUpdate(BaseModel):
    """Changes to a draft plan (fields left out stay as they are)."""

    code: str | None = Field(default=None, min_length=1, max_length=40)
    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=20000)


class PlanAdoptionIn(BaseModel):
    """The CSP decision adopting a draft plan."""

    decision_reference: str = Field(
        min_length=1, max_length=200, examples=["ATT/CSP11/2025/SEC/XXX/Conf.FinRep"]
    )
    adopted_on: date


class PlanClosureIn(BaseModel):
    """The end of an adopted plan (after its last year, or earlier when replaced)."""

    closed_on: date
    note: str | None = Field(default=None, max_length=2000)


class PlanOut(BaseModel):
    id: int
    code: str
    title: str
    description: str | None
    first_year: int
    last_year: int
    status: PlanStatus
    decision_reference: str | None
    adopted_on: date | None
    adopted_by: str | None
    adopted_recorded_at: datetime | None
    closed_on: date | None
    closing_note: str | None
    closed_by: str | None
    closed_recorded_at: datetime | None
    recorded_at: datetime
    recorded_by: str


# --- structure -----------------------------------------------------------------------------


class ElementIn(BaseModel):
    """A goal (no parent), an objective (under a goal) or an output or activity (under an
    objective) of a draft plan; ``code`` is unique within the plan."""

    level: ElementLevel
    parent_code: str | None = Field(default=None, max_length=40)
    code: str = Field(min_length=1, max_length=40, examples=["G1", "O1.1", "A1.1.1"])
    title: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=20000)
    order: int = Field(default=0, ge=0, le=100000, description="Order among its siblings.")


class ElementUpdate(BaseModel):
    """Changes to an element of a draft plan (fields left out stay as they are)."""

    code: str | None = Field(default=None, min_length=1, max_length=40)
    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=20000)
    order: int | None = Field(default=None, ge=0, le=100000)


class ElementOut(BaseModel):
    id: int
    plan_id: int
    level: ElementLevel
    parent_id: int | None
    parent_code: str | None
    code: str
    title: str
    description: str | None
    order: int


class TargetIn(BaseModel):
    year: int
    value: str = Field(examples=["85"])


class TargetOut(BaseModel):
    year: int
    value: str


class IndicatorIn(BaseModel):
    """An indicator of a goal or an objective of a draft plan (``code`` unique within the
    plan). ``computed`` indicators name a measure of the catalogue, have its unit and
    annual targets; ``entered`` ones are measured by officers."""

    element_code: str = Field(min_length=1, max_length=40, examples=["O1.1"])
    code: str = Field(min_length=1, max_length=40, examples=["I1.1.1"])
    title: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=20000)
    unit: Unit
    direction: Direction = Direction.HIGHER_IS_BETTER
    baseline_value: str = Field(examples=["62.5"])
    baseline_year: int = Field(description="At the latest the plan's first year.")
    target_kind: TargetKind = TargetKind.ANNUAL
    targets: list[TargetIn] = Field(default_factory=list, max_length=5)
    source: Source = Source.ENTERED
    measure: str | None = Field(default=None, max_length=60, examples=["collection_rate"])
    disaggregation: str | None = Field(
        default=None,
        max_length=40,
        pattern=r"^[a-z][a-z0-9_]*$",
        examples=["regional_group"],
        description="Entered indicators: measurements may also be given per category.",
    )
    order: int = Field(default=0, ge=0, le=100000)


class IndicatorOut(BaseModel):
    id: int
    plan_id: int
    element_id: int
    element_code: str
    code: str
    title: str
    description: str | None
    unit: Unit
    direction: Direction
    baseline_value: str
    baseline_year: int
    target_kind: TargetKind
    targets: list[TargetOut]
    source: Source
    measure: str | None
    disaggregation: str | None
    order: int


class ElementNodeOut(ElementOut):
    """An element with its indicators and the elements under it."""

    indicators: list[IndicatorOut]
    children: list[ElementNodeOut]


class PlanTreeOut(BaseModel):
    plan: PlanOut
    goals: list[ElementNodeOut]


# --- measurements --------------------------------------------------------------------------


class MeasurementIn(BaseModel):
    """A value of an entered indicator for a year of an adopted plan (and a category of
    its disaggregation; "" is the overall value). When the slot already has a version,
    ``supersedes`` must name the latest one (a correction of an approved value, or an
    edit of one awaiting approval)."""

    year: int
    category: str = Field(default="", max_length=60)
    value: str = Field(examples=["72.5"])
    narrative: str | None = Field(default=None, max_length=20000)
    evidence_url: str | None = Field(
        default=None, max_length=500, examples=["https://thearmstradetreaty.org/reports"]
    )
    supersedes: int | None = Field(default=None, description="Id of the version replaced.")


class ApprovalIn(BaseModel):
    note: str | None = Field(default=None, max_length=2000)


class MeasurementOut(BaseModel):
    id: int
    indicator_id: int
    indicator_code: str
    year: int
    category: str
    value: str
    narrative: str | None
    evidence_url: str | None
    supersedes: int | None
    status: MeasurementStatus
    recorded_by: str
    recorded_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    approval_note: str | None


# --- budget lines and objectives -----------------------------------------------------------


class LinkIn(BaseModel):
    objective_code: str = Field(min_length=1, max_length=40, examples=["O1.1"])
    share_bp: int = Field(ge=1, le=10000, description="Basis points (10000 = 100 %).")


class LineLinksIn(BaseModel):
    """The whole distribution of a budget line among objectives of the plan adopted for
    its year (an empty list unlinks it); what the shares leave is unlinked."""

    links: list[LinkIn] = Field(default_factory=list, max_length=200)
    note: str | None = Field(default=None, max_length=2000)


class LinkOut(BaseModel):
    objective_id: int
    objective_code: str
    objective_title: str
    share_bp: int


class LineLinksOut(BaseModel):
    budget_line_id: int
    fund: str
    year: int
    line_code: str
    line_title: str
    links: list[LinkOut]
    unlinked_bp: int
    recorded_at: datetime | None
    recorded_by: str | None


class FiguresOut(BaseModel):
    original: str
    revised: str
    commitments: str
    actual: str
    available: str
    execution_rate: str | None = Field(description="actual / revised, percent.")


class CostRowOut(BaseModel):
    """A goal's or an objective's part of the budget lines linked to it."""

    element_id: int
    level: ElementLevel
    code: str
    title: str
    goal_code: str | None
    figures: FiguresOut


class LinePartOut(BaseModel):
    objective_code: str
    share_bp: int
    figures: FiguresOut


class LineCostOut(BaseModel):
    budget_line_id: int
    fund: str
    year: int
    line_code: str
    line_title: str
    figures: FiguresOut
    parts: list[LinePartOut]
    unlinked: FiguresOut


class PlanCostOut(BaseModel):
    """Cost per goal and objective as at ``(as_at, known_at)``: the goals' and the
    unlinked figures add up to the total of the lines, to the cent."""

    plan_id: int
    plan_code: str
    as_at: date
    known_at: datetime | None
    year: int | None
    goals: list[CostRowOut]
    objectives: list[CostRowOut]
    unlinked: FiguresOut
    total: FiguresOut
    lines: list[LineCostOut]


# --- computed measures and progress ---------------------------------------------------------


class MeasureOut(BaseModel):
    name: str
    title: str
    description: str
    unit: Unit


class ThresholdsOut(BaseModel):
    on_track: str
    at_risk: str


class IndicatorProgressOut(BaseModel):
    indicator_id: int
    code: str
    title: str
    element_code: str
    unit: Unit
    direction: Direction
    target_kind: TargetKind
    source: Source
    year: int
    baseline: str
    baseline_year: int
    start: str
    target: str | None
    achieved: str | None
    value: str | None
    previous: str | None
    share_of_way: str | None = Field(description="Percent of the way from start to target.")
    status: Status
    trend: Trend | None


class RollupOut(BaseModel):
    element_id: int
    level: ElementLevel
    code: str
    title: str
    status: Status
    counts: dict[Status, int]
    on_track_share: str | None = Field(description="Percent of indicators with data.")


class PlanProgressOut(BaseModel):
    plan_id: int
    plan_code: str
    year: int
    as_at: date
    known_at: datetime | None
    thresholds: ThresholdsOut
    indicators: list[IndicatorProgressOut]
    objectives: list[RollupOut]
    goals: list[RollupOut]


# --- annual updates ----------------------------------------------------------------------


class GoalNarrativeIn(BaseModel):
    """What the year brought for one goal, in the words of the Secretariat."""

    goal_code: str = Field(min_length=1, max_length=40, examples=["G1"])
    text: str = Field(min_length=1, max_length=20000)


class AnnualUpdateIn(BaseModel):
    """The words of an annual public update on progress against the plan: one narrative
    per goal, an optional introduction, and the reference that authorises publication."""

    introduction: str | None = Field(default=None, max_length=20000)
    narratives: list[GoalNarrativeIn] = Field(min_length=1, max_length=50)
    reference: str = Field(
        min_length=1, max_length=300, examples=["ATT/CSP12/2026/MC/Annual-Update"]
    )


class AnnualUpdateProposalIn(AnnualUpdateIn):
    """An annual update for ``year`` with its figures as at ``(as_at, known_at)``."""

    year: int = Field(examples=[2025])
    as_at: date = Field(description="Value-date cutoff of the figures (e.g. 31 December).")
    known_at: datetime | None = Field(
        default=None, description="Recording cutoff of the figures (UTC; default now)."
    )


# --- plan workbook ------------------------------------------------------------------------


class FieldChange(BaseModel):
    """One field as stored (``old``) and as in the workbook (``new``); values are text,
    decimals as decimal strings."""

    field: str
    old: str | None
    new: str | None


class ElementChange(BaseModel):
    """A goal, objective, output or activity the workbook adds, changes or removes
    (``row``: its row on the Elements sheet; none when removed). A changed ``level`` or
    ``parent_code`` moves the element: it is removed and added again, with what is under
    it."""

    level: ElementLevel
    code: str
    parent_code: str | None
    title: str
    row: int | None
    fields: list[FieldChange] = Field(default_factory=list)


class IndicatorChange(BaseModel):
    """An indicator the workbook adds, changes or removes (``row`` on the Indicators
    sheet; none when removed)."""

    code: str
    element_code: str
    title: str
    row: int | None
    fields: list[FieldChange] = Field(default_factory=list)


class TargetChange(BaseModel):
    """A target the workbook adds (``old`` none), changes or removes (``new`` none);
    ``row`` on the Targets sheet (none when removed)."""

    indicator_code: str
    year: int
    old: str | None
    new: str | None
    row: int | None


class PlanChanges(BaseModel):
    """What a workbook changes in a draft plan, matched by code (a changed code is a
    removal and an addition). ``applied``: whether it was applied (false for a
    preview); ``count``: the number of changes listed (0: the workbook changes nothing)."""

    plan_id: int
    plan_code: str
    applied: bool
    count: int
    plan: list[FieldChange]
    elements_added: list[ElementChange]
    elements_changed: list[ElementChange]
    elements_removed: list[ElementChange]
    indicators_added: list[IndicatorChange]
    indicators_changed: list[IndicatorChange]
    indicators_removed: list[IndicatorChange]
    targets_added: list[TargetChange]
    targets_changed: list[TargetChange]
    targets_removed: list[TargetChange]
