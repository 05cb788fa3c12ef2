"""Treaty membership rules (pure): entry into force and status as at a date.

Article 22: the treaty entered into force on 24 December 2014, 90 days after the 50th
instrument; for a State depositing before that day it entered into force on that day,
for a later deposit 90 days after the deposit. Article 25: a withdrawal takes effect
90 days after its notification unless the notification names a later date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

TREATY_ENTRY_INTO_FORCE = date(2014, 12, 24)
DAYS_TO_ENTRY_INTO_FORCE = 90
DAYS_TO_WITHDRAWAL = 90


class Status(StrEnum):
    """A State's relation to the treaty on a given day."""

    STATE_PARTY = "state_party"
    SIGNATORY = "signatory"
    NONE = "none"


def entry_into_force_for(deposited_on: date) -> date:
    """The day the treaty enters into force for a State that deposited on ``deposited_on``."""
    if deposited_on < TREATY_ENTRY_INTO_FORCE:
        return TREATY_ENTRY_INTO_FORCE
    return deposited_on + timedelta(days=DAYS_TO_ENTRY_INTO_FORCE)


def withdrawal_effective_on(notified_on: date, requested_on: date | None = None) -> date:
    """The day a withdrawal takes effect: 90 days after notice, or a later requested day."""
    earliest = notified_on + timedelta(days=DAYS_TO_WITHDRAWAL)
    return max(earliest, requested_on) if requested_on else earliest


@dataclass(frozen=True, slots=True)
class Event:
    """A membership event as the rules see it (type, act date, effective date)."""

    event_type: str
    event_on: date
    effective_on: date


def status_on(events: Iterable[Event], day: date) -> Status:
    """Status on ``day`` from a State's events (those effective after ``day`` are ignored)."""
    signed = False
    party = False
    for e in sorted(events, key=lambda e: (e.effective_on, e.event_type)):
        if e.effective_on > day:
            break
        if e.event_type == "signature":
            signed = True
        elif e.event_type == "deposit":
            party = True
        elif e.event_type == "withdrawal":
            party = False
    if party:
        return Status.STATE_PARTY
    return Status.SIGNATORY if signed else Status.NONE


def check_order(events: Iterable[Event]) -> str | None:
    """A sentence saying why a State's events are out of order, or None if they are fine."""
    ordered = sorted(events, key=lambda e: (e.event_on, e.event_type))
    party = False
    signed_on: date | None = None
    for e in ordered:
        if e.event_type == "signature":
            if party:
                return f"signature on {e.event_on} after becoming a Party"
            signed_on = e.event_on
        elif e.event_type == "deposit":
            if party:
                return f"deposit on {e.event_on} while already a Party"
            if signed_on is not None and e.event_on < signed_on:
                return "deposit before signature"
            party = True
        elif e.event_type == "withdrawal":
            if not party:
                return f"withdrawal notified on {e.event_on} by a State that is not a Party"
            party = False
    return None
