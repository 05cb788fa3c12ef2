"""Methodology versions: recording them and finding the one that applies to a budget."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.assessments.models import DueRule, MethodologyVersion, Payers, ProRata
from finance_core.audit import service as audit
from finance_core.errors import Conflict, NotFound, ValidationFailed
from finance_core.funds.models import Fund


class MethodologyIn(BaseModel):
    """A methodology as adopted by a CSP decision (rates in percent; null: no limit)."""

    fund: str
    effective_from_year: int = Field(ge=2014, le=2100)
    decision_symbol: str = Field(min_length=1, max_length=120)
    adopted_on: date
    scale_lag_years: int = Field(default=0, ge=0, le=6)
    payers: Payers
    reassessment_payers: Payers | None = None
    payers_as_at_month: int = Field(default=1, ge=1, le=12)
    payers_as_at_day: int = Field(default=1, ge=1, le=31)
    ceiling: Decimal | None = Field(default=None, gt=0, le=100)
    ldc_cap: Decimal | None = Field(default=None, ge=0, le=100)
    floor_rate: Decimal | None = Field(default=None, ge=0, le=100)
    floor_amount: Decimal | None = Field(default=None, ge=0)
    fixed_shares: dict[str, Decimal] = Field(default_factory=dict)
    rounding_unit: Decimal = Field(default=Decimal(1))
    pro_rata: ProRata = ProRata.FULL_YEAR
    due_rule: DueRule = DueRule.FIXED_DATE
    due_month: int | None = Field(default=1, ge=1, le=12)
    due_day: int | None = Field(default=1, ge=1, le=31)
    due_days: int | None = Field(default=None, ge=0, le=366)


class MethodologyOut(MethodologyIn):
    id: int


def _check(data: MethodologyIn) -> None:
    fields: dict[str, str] = {}
    if data.rounding_unit not in (Decimal(1), Decimal("0.01")):
        fields["rounding_unit"] = "must be 1 or 0.01"
    if data.due_rule is DueRule.FIXED_DATE and (data.due_month is None or data.due_day is None):
        fields["due_month"] = "a fixed due date needs due_month and due_day"
    if data.due_rule is DueRule.DAYS_AFTER_NOTICE and data.due_days is None:
        fields["due_days"] = "required when the due date is N days after notice"
    try:
        date(2001, data.payers_as_at_month, data.payers_as_at_day)
        if data.due_month and data.due_day:
            date(2001, data.due_month, data.due_day)
    except ValueError:
        fields["payers_as_at_day"] = "not a day of the year"
    if sum(data.fixed_shares.values(), Decimal(0)) > 100:
        fields["fixed_shares"] = "sum over 100 %"
    if any(v < 0 for v in data.fixed_shares.values()):
        fields["fixed_shares"] = "must not be negative"
    ValidationFailed.raise_if(fields)


def adopt(session: Session, *, actor: Actor, data: MethodologyIn) -> MethodologyVersion:
    """Record a methodology version for a fund from a budget year on."""
    _check(data)
    if session.get(Fund, data.fund) is None:
        raise NotFound(f"fund {data.fund} does not exist")
    clash = session.execute(
        select(MethodologyVersion).where(
            col(MethodologyVersion.fund_code) == data.fund,
            col(MethodologyVersion.effective_from_year) == data.effective_from_year,
        )
    ).first()
    if clash:
        raise Conflict(
            f"fund {data.fund} already has a methodology from {data.effective_from_year}"
        )
    values = data.model_dump(exclude={"fund", "fixed_shares"})
    version = MethodologyVersion(
        fund_code=data.fund,
        fixed_shares=json.dumps({k: str(v) for k, v in sorted(data.fixed_shares.items())}),
        recorded_by=actor.name,
        **values,
    )
    session.add(version)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="methodology.adopt",
        object_type="methodology",
        object_id=f"{data.fund}/{data.effective_from_year}",
        detail=data.model_dump(mode="json"),
    )
    return version


def fixed_shares(version: MethodologyVersion) -> dict[str, Decimal]:
    """The version's fixed shares: participant code → percent."""
    return {k: Decimal(v) for k, v in json.loads(version.fixed_shares).items()}


def to_out(version: MethodologyVersion) -> MethodologyOut:
    """The API shape of a stored version."""
    data = {
        name: getattr(version, name)
        for name in MethodologyOut.model_fields
        if name not in ("fund", "fixed_shares")
    }
    return MethodologyOut(fund=version.fund_code, fixed_shares=fixed_shares(version), **data)


def for_budget(session: Session, *, fund_code: str, year: int) -> MethodologyVersion:
    """The version that applies to a fund's budget for ``year`` (the latest from ≤ year)."""
    version: MethodologyVersion | None = session.execute(
        select(MethodologyVersion)
        .where(
            col(MethodologyVersion.fund_code) == fund_code,
            col(MethodologyVersion.effective_from_year) <= year,
        )
        .order_by(col(MethodologyVersion.effective_from_year).desc())
        .limit(1)
    ).scalar_one_or_none()
    if version is None:
        raise NotFound(f"no methodology applies to fund {fund_code} in {year}: record one first")
    return version


def list_versions(session: Session, *, fund_code: str | None = None) -> list[MethodologyVersion]:
    """Every version, by fund and year."""
    query = select(MethodologyVersion).order_by(
        col(MethodologyVersion.fund_code), col(MethodologyVersion.effective_from_year)
    )
    if fund_code:
        query = query.where(col(MethodologyVersion.fund_code) == fund_code)
    return list(session.execute(query).scalars())
