"""CSPs: recording sessions and the States registered for each (who pays its budget)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.audit import service as audit
from finance_core.conferences.models import Conference, Registration
from finance_core.conferences.schemas import (
    ConferenceCreate,
    ConferenceDetail,
    ConferencePublic,
    RegistrationIn,
    RegistrationPublic,
)
from finance_core.errors import Conflict, NotFound, ValidationFailed
from finance_core.states.models import State


def create_conference(session: Session, *, actor: Actor, data: ConferenceCreate) -> Conference:
    """Record a CSP session."""
    if data.end_on < data.start_on:
        raise ValidationFailed(
            "a CSP cannot end before it starts", fields={"end_on": "before start_on"}
        )
    if session.get(Conference, data.number) is not None:
        raise Conflict(f"CSP{data.number} already exists")
    conference = Conference(name=f"CSP{data.number}", **data.model_dump())
    session.add(conference)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="conferences.create",
        object_type="conference",
        object_id=str(data.number),
        detail=data.model_dump(mode="json"),
    )
    return conference


def register_states(
    session: Session, *, actor: Actor, number: int, registrations: Sequence[RegistrationIn]
) -> int:
    """Register States for CSP ``number`` (a State already registered keeps its capacity).

    Returns how many were added; an unknown State refuses the whole request."""
    if session.get(Conference, number) is None:
        raise NotFound(f"CSP{number} does not exist")
    codes = [r.state_code.upper() for r in registrations]
    known = set(
        session.execute(select(col(State.code)).where(col(State.code).in_(codes))).scalars()
    )
    unknown = {
        f"registrations[{i}]": f"unknown State {c}" for i, c in enumerate(codes) if c not in known
    }
    if unknown:
        raise ValidationFailed("unknown State in registrations", fields=unknown)
    already = set(
        session.execute(
            select(col(Registration.state_code)).where(
                col(Registration.conference_number) == number
            )
        ).scalars()
    )
    added = 0
    for code, r in zip(codes, registrations, strict=True):
        if code in already:
            continue
        session.add(Registration(conference_number=number, state_code=code, capacity=r.capacity))
        already.add(code)
        added += 1
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="conferences.register",
        object_type="conference",
        object_id=str(number),
        detail={"added": added},
    )
    return added


def list_conferences(session: Session) -> list[ConferencePublic]:
    """Every CSP, newest first, with its number of registered States."""
    counts: dict[int, int] = dict(
        session.execute(
            select(col(Registration.conference_number), func.count()).group_by(
                col(Registration.conference_number)
            )
        ).all()
    )
    return [
        ConferencePublic(**c.model_dump(), registered=int(counts.get(c.number, 0)))
        for c in session.execute(
            select(Conference).order_by(col(Conference.number).desc())
        ).scalars()
    ]


def payers(session: Session, number: int) -> list[str]:
    """Codes of the States registered for CSP ``number``: those who pay its budget."""
    return list(
        session.execute(
            select(col(Registration.state_code))
            .where(col(Registration.conference_number) == number)
            .order_by(col(Registration.state_code))
        ).scalars()
    )


def conference_detail(session: Session, number: int) -> ConferenceDetail:
    """A CSP with its registrations."""
    conference = session.get(Conference, number)
    if conference is None:
        raise NotFound(f"CSP{number} does not exist")
    rows = session.execute(
        select(Registration, col(State.name))
        .join(State, col(State.code) == col(Registration.state_code))
        .where(col(Registration.conference_number) == number)
        .order_by(col(State.name))
    ).all()
    return ConferenceDetail(
        **conference.model_dump(),
        registered=len(rows),
        registrations=[
            RegistrationPublic(state_code=r.state_code, state_name=name, capacity=r.capacity)
            for r, name in rows
        ],
    )
