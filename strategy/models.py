"""Strategic plan tables, and the import that registers every table for Alembic.

A plan covers five financial years. Its structure (goals → objectives → outputs and
activities, and the indicators with their targets) is edited while the plan is a
draft and frozen once the CSP adopts it. Measurements, their approvals and the links
from budget lines to objectives are append-only (database triggers refuse UPDATE and
DELETE, see ``triggers.py``): a correction or a new distribution is a new row, so any
figure can be read again as known at an earlier time.

Values of indicators are exact decimals (stored as text); shares of budget lines are
integer basis points (10,000 = 100 %)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

import finance_core.models  # noqa: F401  (the finance tables the strategy refers to)
from finance_core.db_types import BigIntPK, ExactDecimal, UTCDateTime, utcnow
from strategy.progress import Direction, TargetKind

#: Years a plan covers.
PLAN_YEARS = 5


class PlanStatus(StrEnum):
    """``draft`` (structure editable), ``adopted`` (by a CSP decision; structure frozen,
    measurements recorded), ``closed`` (over; nothing more is recorded)."""

    DRAFT = "draft"
    ADOPTED = "adopted"
    CLOSED = "closed"


class ElementLevel(StrEnum):
    """A goal; an objective under a goal; an output or an activity under an objective."""

    GOAL = "goal"
    OBJECTIVE = "objective"
    OUTPUT = "output"
    ACTIVITY = "activity"


#: The level of the parent each level needs (None: no parent).
PARENT_LEVEL: dict[ElementLevel, ElementLevel | None] = {
    ElementLevel.GOAL: None,
    ElementLevel.OBJECTIVE: ElementLevel.GOAL,
    ElementLevel.OUTPUT: ElementLevel.OBJECTIVE,
    ElementLevel.ACTIVITY: ElementLevel.OBJECTIVE,
}


class Unit(StrEnum):
    """What an indicator's values count: a percentage (85.5 means 85.5 %), a number of
    things, US dollars, months, a ratio, or days."""

    PERCENT = "percent"
    COUNT = "count"
    USD = "usd"
    MONTHS = "months"
    RATIO = "ratio"
    DAYS = "days"


class Source(StrEnum):
    """``entered``: measured and entered by an officer, approved by another;
    ``computed``: computed from the finance data (see ``measures.py``)."""

    ENTERED = "entered"
    COMPUTED = "computed"


class MeasurementStatus(StrEnum):
    """Derived, never stored: ``pending`` (the latest version, awaiting approval),
    ``replaced`` (never approved: a later version was recorded), ``approved`` (the value
    in force), ``superseded`` (approved, then a later version was approved)."""

    PENDING = "pending"
    REPLACED = "replaced"
    APPROVED = "approved"
    SUPERSEDED = "superseded"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class StrategicPlan(SQLModel, table=True):
    """A five-year plan (``last_year = first_year + 4``).

    Adoption records the CSP decision (``decision_reference``, ``adopted_on``) and
    when it was recorded; closing records the day the plan ended. At most one adopted
    plan covers any year (checked when a plan is adopted)."""

    __tablename__ = "strategy_plan"
    __table_args__ = (
        CheckConstraint("last_year = first_year + 4", name="ck_strategy_plan_years"),
        CheckConstraint(_in("status", PlanStatus), name="ck_strategy_plan_status"),
        CheckConstraint(
            "status = 'draft' OR (decision_reference IS NOT NULL AND adopted_on IS NOT NULL "
            "AND adopted_recorded_at IS NOT NULL)",
            name="ck_strategy_plan_adopted",
        ),
        CheckConstraint(
            "(status = 'closed') = (closed_on IS NOT NULL)", name="ck_strategy_plan_closed"
        ),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    code: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    title: str = Field(sa_column=Column(String(300), nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text))
    first_year: int = Field(sa_column=Column(Integer, nullable=False))
    last_year: int = Field(sa_column=Column(Integer, nullable=False))
    status: PlanStatus = Field(sa_column=Column(String(16), nullable=False))
    decision_reference: str | None = Field(default=None, sa_column=Column(String(200)))
    adopted_on: date | None = Field(default=None, sa_column=Column(Date))
    adopted_by: str | None = Field(default=None, sa_column=Column(String(120)))
    adopted_recorded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    closed_on: date | None = Field(default=None, sa_column=Column(Date))
    closing_note: str | None = Field(default=None, sa_column=Column(Text))
    closed_by: str | None = Field(default=None, sa_column=Column(String(120)))
    closed_recorded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class PlanElement(SQLModel, table=True):
    """A goal, objective, output or activity of a plan. ``code`` is unique within the
    plan; ``sort_order`` orders siblings (then the code)."""

    __tablename__ = "strategy_element"
    __table_args__ = (
        UniqueConstraint("plan_id", "code"),
        CheckConstraint(_in("level", ElementLevel), name="ck_strategy_element_level"),
        CheckConstraint(
            "(level = 'goal') = (parent_id IS NULL)", name="ck_strategy_element_parent"
        ),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    plan_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("strategy_plan.id"), nullable=False)
    )
    parent_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("strategy_element.id"), index=True),
    )
    level: ElementLevel = Field(sa_column=Column(String(16), nullable=False))
    code: str = Field(sa_column=Column(String(40), nullable=False))
    title: str = Field(sa_column=Column(String(300), nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text))
    sort_order: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class Indicator(SQLModel, table=True):
    """How progress on a goal or an objective is measured.

    ``baseline_value`` was measured in ``baseline_year`` (at the latest the plan's
    first year). ``source`` ``computed`` names the ``measure`` computed from the
    finance data; ``entered`` values are measurements. With a ``disaggregation`` key
    (e.g. ``regional_group``) measurements may also be given per category; targets and
    progress are on the overall value."""

    __tablename__ = "strategy_indicator"
    __table_args__ = (
        UniqueConstraint("plan_id", "code"),
        CheckConstraint(_in("unit", Unit), name="ck_strategy_indicator_unit"),
        CheckConstraint(_in("direction", Direction), name="ck_strategy_indicator_direction"),
        CheckConstraint(_in("target_kind", TargetKind), name="ck_strategy_indicator_target_kind"),
        CheckConstraint(_in("source", Source), name="ck_strategy_indicator_source"),
        CheckConstraint(
            "(source = 'computed') = (measure IS NOT NULL)", name="ck_strategy_indicator_measure"
        ),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    plan_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("strategy_plan.id"), nullable=False)
    )
    element_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("strategy_element.id"), nullable=False, index=True)
    )
    code: str = Field(sa_column=Column(String(40), nullable=False))
    title: str = Field(sa_column=Column(String(300), nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text))
    unit: Unit = Field(sa_column=Column(String(16), nullable=False))
    direction: Direction = Field(sa_column=Column(String(24), nullable=False))
    baseline_value: Decimal = Field(sa_column=Column(ExactDecimal, nullable=False))
    baseline_year: int = Field(sa_column=Column(Integer, nullable=False))
    target_kind: TargetKind = Field(sa_column=Column(String(16), nullable=False))
    source: Source = Field(sa_column=Column(String(16), nullable=False))
    measure: str | None = Field(default=None, sa_column=Column(String(60)))
    disaggregation: str | None = Field(default=None, sa_column=Column(String(40)))
    sort_order: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class Target(SQLModel, table=True):
    """An indicator's target for one year of the plan (see ``TargetKind``)."""

    __tablename__ = "strategy_target"

    indicator_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("strategy_indicator.id"), primary_key=True)
    )
    year: int = Field(sa_column=Column(Integer, primary_key=True))
    value: Decimal = Field(sa_column=Column(ExactDecimal, nullable=False))


class Measurement(SQLModel, table=True):
    """One version of an indicator's value for a year (and a category: ``""`` is the
    overall value). Never changed: a correction, or an edit of a version awaiting
    approval, is a new version that ``supersedes`` the latest one of the same
    indicator, year and category, so each has a single line of versions. The value in
    force is that of the latest approved version."""

    __tablename__ = "strategy_measurement"
    __table_args__ = (
        Index("ix_strategy_measurement_slot", "indicator_id", "year", "category"),
        Index(
            "uq_strategy_measurement_first",
            "indicator_id",
            "year",
            "category",
            unique=True,
            sqlite_where=text("supersedes_id IS NULL"),
            postgresql_where=text("supersedes_id IS NULL"),
        ),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    indicator_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("strategy_indicator.id"), nullable=False)
    )
    year: int = Field(sa_column=Column(Integer, nullable=False))
    category: str = Field(default="", sa_column=Column(String(60), nullable=False))
    value: Decimal = Field(sa_column=Column(ExactDecimal, nullable=False))
    narrative: str | None = Field(default=None, sa_column=Column(Text))
    evidence_url: str | None = Field(default=None, sa_column=Column(String(500)))
    supersedes_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, ForeignKey("strategy_measurement.id"), unique=True),
    )
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class MeasurementApproval(SQLModel, table=True):
    """The approval of a measurement by someone other than its author, which makes it
    the value in force (``recorded_at`` is when it was approved)."""

    __tablename__ = "strategy_measurement_approval"

    measurement_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("strategy_measurement.id"), primary_key=True)
    )
    approved_by: str = Field(sa_column=Column(String(120), nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class LinkSet(SQLModel, table=True):
    """How a budget line is shared among objectives, from ``recorded_at`` until the
    line's next set (its shares are ``LinkShare`` rows; none: the line is unlinked)."""

    __tablename__ = "strategy_link_set"

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    budget_line_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("budget_line.id"), nullable=False, index=True)
    )
    note: str | None = Field(default=None, sa_column=Column(Text))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class LinkShare(SQLModel, table=True):
    """An objective's share of a budget line, in basis points (1 to 10,000; the shares
    of a set add up to at most 10,000, the rest being unlinked)."""

    __tablename__ = "strategy_link_share"
    __table_args__ = (
        CheckConstraint("share_bp BETWEEN 1 AND 10000", name="ck_strategy_link_share_bp"),
    )

    set_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("strategy_link_set.id"), primary_key=True)
    )
    objective_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("strategy_element.id"), primary_key=True)
    )
    share_bp: int = Field(sa_column=Column(Integer, nullable=False))


__all__ = [
    "PLAN_YEARS",
    "ElementLevel",
    "Indicator",
    "LinkSet",
    "LinkShare",
    "Measurement",
    "MeasurementApproval",
    "MeasurementStatus",
    "PlanElement",
    "PlanStatus",
    "Source",
    "StrategicPlan",
    "Target",
    "Unit",
]
