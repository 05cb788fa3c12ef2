"""Reading the strategy's append-only history as known at a time: the link sets of
budget lines, the approved values of indicators in force (and the latest of each), and
the latest version of a measurement slot."""

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


def latest_approved(
    session: Session, *, indicator_ids: Sequence[int], known_at: datetime | None = None
) -> dict[int, Measurement]:
    """Per indicator, its overall value in force for the latest year that has one, as
    known at ``known_at`` (indicators without an approved overall value are absent)."""
    found = approved_values(session, indicator_ids=indicator_ids, known_at=known_at)
    return {i: slots[max(slots)] for i, slots in found.items() if slots}


def latest_version(
    session: Session, *, indicator_id: int, year: int, category: str = ""
) -> Measurement | None:
    """The latest version recorded for an indicator's year and category, whatever its
    status (None: nothing yet): the one a new value of that slot supersedes."""
    found: Measurement | None = session.execute(
        select(Measurement)
        .where(
            col(Measurement.indicator_id) == indicator_id,
            col(Measurement.year) == year,
            col(Measurement.category) == category.strip(),
        )
        .order_by(col(Measurement.id).desc())
        .limit(1)
    ).scalar_one_or_none()
    return found
