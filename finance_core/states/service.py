"""States and membership: reading status as at a date, recording events."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.audit import service as audit
from finance_core.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from finance_core.states import membership
from finance_core.states.membership import Status
from finance_core.states.models import (
    LdcPeriod,
    MembershipEvent,
    MembershipEventType,
    State,
)
from finance_core.states.schemas import (
    MembershipEventCreate,
    MembershipEventPublic,
    StateDetail,
    StatePublic,
)


def _events_by_state(
    session: Session, codes: list[str] | None = None
) -> dict[str, list[membership.Event]]:
    query = select(MembershipEvent)
    if codes is not None:
        query = query.where(col(MembershipEvent.state_code).in_(codes))
    grouped: dict[str, list[membership.Event]] = defaultdict(list)
    for e in session.execute(query).scalars():
        grouped[e.state_code].append(membership.Event(e.event_type, e.event_on, e.effective_on))
    return grouped


def _ldc_on(session: Session, day: date) -> set[str]:
    query = select(col(LdcPeriod.state_code)).where(
        col(LdcPeriod.from_on) <= day,
        (col(LdcPeriod.to_on).is_(None)) | (col(LdcPeriod.to_on) > day),
    )
    return set(session.execute(query).scalars())


def get_state(session: Session, code: str) -> State:
    """One State or NotFound."""
    state = session.get(State, code.upper())
    if state is None:
        raise NotFound(f"State {code} does not exist")
    return state


def statuses_on(session: Session, day: date) -> dict[str, Status]:
    """Every State's status on ``day``."""
    events = _events_by_state(session)
    codes = session.execute(select(col(State.code))).scalars()
    return {code: membership.status_on(events.get(code, []), day) for code in codes}


def parties_on(session: Session, day: date) -> list[str]:
    """Codes of the States Parties on ``day`` (the Secretariat budget's payers), sorted."""
    return sorted(c for c, s in statuses_on(session, day).items() if s is Status.STATE_PARTY)


def list_states(
    session: Session,
    *,
    as_at: date,
    status: Status | None = None,
    regional_group: str | None = None,
    search: str | None = None,
) -> list[StatePublic]:
    """States with their status and LDC flag on ``as_at``, by name, filtered."""
    statuses = statuses_on(session, as_at)
    ldc = _ldc_on(session, as_at)
    query = select(State).order_by(col(State.name))
    if regional_group:
        query = query.where(col(State.regional_group) == regional_group)
    result = []
    for s in session.execute(query).scalars():
        if status is not None and statuses[s.code] is not status:
            continue
        if search and search.lower() not in s.name.lower() and search.upper() != s.code:
            continue
        result.append(
            StatePublic(
                code=s.code,
                name=s.name,
                un_member=s.un_member,
                regional_group=s.regional_group,
                ldc=s.code in ldc,
                status=statuses[s.code],
            )
        )
    return result


def state_detail(session: Session, code: str, *, as_at: date) -> StateDetail:
    """A State with its membership history and LDC periods."""
    state = get_state(session, code)
    events = list(
        session.execute(
            select(MembershipEvent)
            .where(col(MembershipEvent.state_code) == state.code)
            .order_by(col(MembershipEvent.event_on), col(MembershipEvent.id))
        ).scalars()
    )
    periods = list(
        session.execute(
            select(LdcPeriod)
            .where(col(LdcPeriod.state_code) == state.code)
            .order_by(col(LdcPeriod.from_on))
        ).scalars()
    )
    rule_events = [membership.Event(e.event_type, e.event_on, e.effective_on) for e in events]
    return StateDetail(
        code=state.code,
        name=state.name,
        un_member=state.un_member,
        regional_group=state.regional_group,
        ldc=any(p.from_on <= as_at and (p.to_on is None or p.to_on > as_at) for p in periods),
        status=membership.status_on(rule_events, as_at),
        events=[MembershipEventPublic.model_validate(e, from_attributes=True) for e in events],
        ldc_periods=[(p.from_on, p.to_on) for p in periods],
    )


def effective_on(data: MembershipEventCreate) -> date:
    """When an event takes effect under the treaty's rules."""
    if data.event_type is MembershipEventType.DEPOSIT:
        return membership.entry_into_force_for(data.event_on)
    if data.event_type is MembershipEventType.WITHDRAWAL:
        return membership.withdrawal_effective_on(data.event_on, data.withdrawal_effective_on)
    return data.event_on


def check_event(data: MembershipEventCreate) -> str | None:
    """Why an event's own fields are inconsistent, or None."""
    if data.event_type is MembershipEventType.DEPOSIT and data.instrument is None:
        return "a deposit names its instrument (ratification, accession, acceptance, approval)"
    if data.event_type is not MembershipEventType.DEPOSIT and data.instrument is not None:
        return "only a deposit has an instrument"
    if data.withdrawal_effective_on is not None:
        if data.event_type is not MembershipEventType.WITHDRAWAL:
            return "only a withdrawal has an effective date of its own"
        if data.withdrawal_effective_on < data.event_on:
            return "a withdrawal cannot take effect before its notification"
    return None


def add_event(
    session: Session,
    *,
    actor: Actor,
    state_code: str,
    data: MembershipEventCreate,
    recorded_at: datetime | None = None,
) -> MembershipEvent:
    """Record a membership event after checking it fits the State's history."""
    state = get_state(session, state_code)
    problem = check_event(data)
    if problem:
        raise ValidationFailed(problem, fields={"event": problem})
    existing = list(
        session.execute(
            select(MembershipEvent).where(col(MembershipEvent.state_code) == state.code)
        ).scalars()
    )
    if any(e.event_type == data.event_type and e.event_on == data.event_on for e in existing):
        raise Conflict(f"{state.name} already has a {data.event_type} on {data.event_on}")
    new = membership.Event(data.event_type, data.event_on, effective_on(data))
    history = [membership.Event(e.event_type, e.event_on, e.effective_on) for e in existing]
    problem = membership.check_order([*history, new])
    if problem:
        raise RuleViolation(f"{state.name}: {problem}")
    event = MembershipEvent(
        state_code=state.code,
        event_type=data.event_type,
        instrument=data.instrument,
        event_on=data.event_on,
        effective_on=new.effective_on,
        reference=data.reference,
        recorded_by=actor.name,
    )
    audit.store(
        session,
        event,
        actor=actor,
        action="states.membership_event",
        object_type="state",
        object_id=state.code,
        detail=data.model_dump(mode="json"),
        recorded_at=recorded_at,
    )
    return event
