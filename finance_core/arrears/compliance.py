"""Whether a State keeps to its Rule 8(1)(d) payment plan: a pure function over dated
amounts (US cents).

Default rule: from the application on, what the State has paid must cover the
instalments due so far plus the assessments falling due after the application (when the
rule counts them). A shortfall that lasts more than ``grace_days`` days makes the plan
*lapse* (for good: a missed instalment ends the exemption); a plan whose instalments and
new assessments are all paid is *completed*. While short but within the grace period,
the plan is *behind* and still exempts the State."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Standing(StrEnum):
    ON_TRACK = "on_track"
    BEHIND = "behind"
    LAPSED = "lapsed"
    COMPLETED = "completed"


#: Standings under which an approved plan exempts its State from the measures.
EXEMPTING = frozenset({Standing.ON_TRACK, Standing.BEHIND})


@dataclass(frozen=True, slots=True)
class Flow:
    """An amount (US cents) on a date."""

    on: date
    amount: int


@dataclass(frozen=True, slots=True)
class Compliance:
    """A plan's standing as at ``as_at`` and the figures behind it.

    ``received``: paid since the application; ``instalments_due`` and
    ``assessments_due``: what had fallen due by ``as_at``; ``shortfall`` the difference
    (never negative; zero once the plan is completed: later assessments are no longer
    the plan's business); ``short_since`` the first day of the current shortfall;
    ``lapsed_on`` / ``completed_on`` when the plan ended that way."""

    standing: Standing
    as_at: date
    received: int
    instalments_due: int
    assessments_due: int
    plan_total: int
    shortfall: int
    short_since: date | None
    lapsed_on: date | None
    completed_on: date | None

    @property
    def required(self) -> int:
        return self.instalments_due + self.assessments_due


def assess(
    *,
    applied_on: date,
    as_at: date,
    instalments: Sequence[Flow],
    receipts: Sequence[Flow],
    new_assessments: Sequence[Flow],
    grace_days: int,
) -> Compliance:
    """The plan's standing as at ``as_at``, replaying every dated amount from
    ``applied_on`` on. Flows before ``applied_on`` or after ``as_at`` are ignored."""
    plan_total = sum(i.amount for i in instalments)

    def within(flows: Sequence[Flow]) -> list[Flow]:
        return [f for f in flows if applied_on <= f.on <= as_at]

    kept = {
        "instalment": within(instalments),
        "receipt": within(receipts),
        "assessment": within(new_assessments),
    }
    days = sorted({applied_on} | {f.on for flows in kept.values() for f in flows})
    running = dict.fromkeys(kept, 0)
    short_since: date | None = None
    grace = timedelta(days=grace_days + 1)
    standing, lapsed_on, completed_on = Standing.ON_TRACK, None, None
    for i, day in enumerate(days):
        for kind, flows in kept.items():
            running[kind] += sum(f.amount for f in flows if f.on == day)
        if running["receipt"] >= plan_total + running["assessment"]:
            standing, completed_on, short_since = Standing.COMPLETED, day, None
            break
        if running["receipt"] < running["instalment"] + running["assessment"]:
            short_since = short_since or day
        else:
            short_since = None
        next_day = days[i + 1] if i + 1 < len(days) else as_at + timedelta(days=1)
        if short_since is not None and short_since + grace < next_day:
            standing, lapsed_on = Standing.LAPSED, short_since + grace
            break
    else:
        standing = Standing.BEHIND if short_since else Standing.ON_TRACK
    totals = {kind: sum(f.amount for f in flows) for kind, flows in kept.items()}
    return Compliance(
        standing=standing,
        as_at=as_at,
        received=totals["receipt"],
        instalments_due=totals["instalment"],
        assessments_due=totals["assessment"],
        plan_total=plan_total,
        shortfall=0
        if standing is Standing.COMPLETED
        else max(0, totals["instalment"] + totals["assessment"] - totals["receipt"]),
        short_since=short_since,
        lapsed_on=lapsed_on,
        completed_on=completed_on,
    )
