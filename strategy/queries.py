"""Reading the strategy's append-only history as known at a time: the link sets of
budget lines and the approved values of indicators in force."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlmodel import Session, col

from strategy.models import LinkSet, LinkShare, Measurement, MeasurementApproval


def sets_in_force(
    session: Session, *, line_ids: Sequence[int] | None = None, known_at: datetime | None = None
) -> dict[int, LinkSet]:
    """Per budget line (of ``line_ids``, default all), its latest link set recorded by
    ``known_at`` (lines never linked by then are absent)."""
    query = select(LinkSet).order_by(col(LinkSet.recorded_at), col(LinkSet.id))
    if line_ids is not None:
        query = query.where(col(LinkSet.budget_line_id).in_(list(line_ids)))
    if known_at is not None:
        query = query.where(col(LinkSet.recorded_at) <= known_at)
    return {s.budget_line_id: s for s in session.execute(query).scalars()}


def shares_in_force(
    session: Session, *, line_ids: Sequence[int] | None = None, known_at: datetime | None = None
) -> dict[int, dict[int, int]]:
    """Per budget line, objective id → basis points of its link set in force as known at
    ``known_at`` (an empty mapping: unlinked; lines never linked are absent)."""
    sets = sets_in_force(session, line_ids=line_ids, known_at=known_at)
    result: dict[int, dict[int, int]] = {line: {} for line in sets}
    by_set = {s.id: line for line, s in sets.items()}
    if not by_set:
        return result
    rows = session.execute(
        select(LinkShare).where(col(LinkShare.set_id).in_(list(by_set)))
    ).scalars()
    for share in rows:
        result[by_set[share.set_id]][share.objective_id] = share.share_bp
    return result


def approved_values(
    session: Session,
    *,
    indicator_ids: Sequence[int],
    known_at: datetime | None = None,
    category: str | None = "",
) -> dict[int, dict[tuple[int, str], Measurement]]:
    """Per indicator, (year, category) → the measurement in force as known at
    ``known_at``: the latest approved by then. ``category`` "" (default) keeps the
    overall values only; None keeps every category."""
    m, a = Measurement, MeasurementApproval
    query = (
        select(m, col(a.recorded_at))
        .join(a, col(a.measurement_id) == col(m.id))
        .where(col(m.indicator_id).in_(list(indicator_ids)))
        .order_by(col(a.recorded_at), col(m.id))
    )
    if known_at is not None:
        query = query.where(col(a.recorded_at) <= known_at)
    if category is not None:
        query = query.where(col(m.category) == category)
    result: dict[int, dict[tuple[int, str], Measurement]] = {i: {} for i in indicator_ids}
    for measurement, _approved_at in session.execute(query).all():
        result[measurement.indicator_id][(measurement.year, measurement.category)] = measurement
    return result


def values_by_year(found: dict[tuple[int, str], Measurement]) -> dict[int, Decimal]:
    """The overall values of ``approved_values``' result for one indicator, by year."""
    return {year: m.value for (year, category), m in found.items() if category == ""}
