"""Treaty membership rules (pure) and their use through the service."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.errors import Conflict, RuleViolation, ValidationFailed
from finance_core.states import membership, service
from finance_core.states.membership import Event, Status
from finance_core.states.models import State
from finance_core.states.schemas import MembershipEventCreate


def test_entry_into_force_rules() -> None:
    assert membership.entry_into_force_for(date(2014, 4, 2)) == date(2014, 12, 24)
    assert membership.entry_into_force_for(date(2014, 12, 23)) == date(2014, 12, 24)
    assert membership.entry_into_force_for(date(2014, 12, 24)) == date(2015, 3, 24)
    assert membership.entry_into_force_for(date(2020, 7, 6)) == date(2020, 10, 4)


def test_withdrawal_rules() -> None:
    assert membership.withdrawal_effective_on(date(2024, 1, 1)) == date(2024, 3, 31)
    assert membership.withdrawal_effective_on(date(2024, 1, 1), date(2024, 12, 31)) == date(
        2024, 12, 31
    )
    assert membership.withdrawal_effective_on(date(2024, 1, 1), date(2024, 2, 1)) == date(
        2024, 3, 31
    )


def test_status_over_a_history() -> None:
    events = [
        Event("signature", date(2013, 6, 3), date(2013, 6, 3)),
        Event("deposit", date(2016, 1, 10), membership.entry_into_force_for(date(2016, 1, 10))),
        Event("withdrawal", date(2022, 1, 1), date(2022, 4, 1)),
    ]
    assert membership.status_on(events, date(2013, 6, 2)) is Status.NONE
    assert membership.status_on(events, date(2013, 6, 3)) is Status.SIGNATORY
    assert membership.status_on(events, date(2016, 4, 8)) is Status.SIGNATORY
    assert membership.status_on(events, date(2016, 4, 9)) is Status.STATE_PARTY
    assert membership.status_on(events, date(2022, 3, 31)) is Status.STATE_PARTY
    assert membership.status_on(events, date(2022, 4, 1)) is Status.SIGNATORY


@given(st.dates(date(2013, 6, 3), date(2030, 1, 1)), st.dates(date(2013, 1, 1), date(2035, 1, 1)))
def test_a_deposit_makes_a_party_exactly_from_entry_into_force(deposit: date, day: date) -> None:
    eif = membership.entry_into_force_for(deposit)
    assert eif >= max(deposit, date(2014, 12, 24))
    status = membership.status_on([Event("deposit", deposit, eif)], day)
    assert (status is Status.STATE_PARTY) == (day >= eif)


@pytest.fixture
def france(session: Session) -> str:
    session.add(State(code="FRA", name="France", un_member=True))
    session.commit()
    return "FRA"


def test_service_records_and_checks_events(session: Session, officer: Actor, france: str) -> None:
    sign = MembershipEventCreate(event_type="signature", event_on=date(2013, 6, 3))
    service.add_event(session, actor=officer, state_code=france, data=sign)
    with pytest.raises(Conflict):
        service.add_event(session, actor=officer, state_code=france, data=sign)
    with pytest.raises(ValidationFailed, match="instrument"):
        service.add_event(
            session,
            actor=officer,
            state_code=france,
            data=MembershipEventCreate(event_type="deposit", event_on=date(2014, 4, 2)),
        )
    with pytest.raises(RuleViolation, match="not a Party"):
        service.add_event(
            session,
            actor=officer,
            state_code=france,
            data=MembershipEventCreate(event_type="withdrawal", event_on=date(2015, 1, 1)),
        )
    deposit = service.add_event(
        session,
        actor=officer,
        state_code=france,
        data=MembershipEventCreate(
            event_type="deposit", event_on=date(2014, 4, 2), instrument="ratification"
        ),
    )
    assert deposit.effective_on == date(2014, 12, 24)
    session.commit()
    assert service.parties_on(session, date(2014, 12, 23)) == []
    assert service.parties_on(session, date(2014, 12, 24)) == ["FRA"]
    detail = service.state_detail(session, "fra", as_at=date(2015, 1, 1))
    assert detail.status is Status.STATE_PARTY
    assert [e.event_type for e in detail.events] == ["signature", "deposit"]
