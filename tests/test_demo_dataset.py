"""The demo data set (pure): a plausible, deterministic treaty history."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, time, timedelta

import pytest

from finance_core.conferences.models import Capacity
from finance_core.conferences.schemas import ConferenceCreate
from finance_core.demo import dataset
from finance_core.reference.loader import NON_MEMBER_STATES, read_member_states
from finance_core.states import membership
from finance_core.states.membership import TREATY_ENTRY_INTO_FORCE, Status
from finance_core.states.models import Instrument, MembershipEventType
from finance_core.states.service import check_event

BY_CODE = {m.code: m for m in dataset.MEMBERSHIP}


@pytest.mark.parametrize(
    ("day", "low", "high"),
    [
        (date(2014, 12, 24), 59, 63),
        (date(2017, 1, 31), 86, 92),
        (date(2021, 9, 30), 107, 113),
        (date(2026, 9, 30), 113, 119),
    ],
)
def test_number_of_parties_over_time(day: date, low: int, high: int) -> None:
    assert low <= len(dataset.parties_on(day)) <= high


def test_no_party_before_entry_into_force() -> None:
    assert dataset.parties_on(TREATY_ENTRY_INTO_FORCE - timedelta(days=1)) == []


def test_about_25_signatories_never_deposited() -> None:
    never = [m.code for m in dataset.MEMBERSHIP if m.deposited_on is None]
    assert 20 <= len(never) <= 30
    assert sorted(never) == dataset.signatories_on(dataset.DEMO_DATE)


def test_codes_are_known_states_listed_once() -> None:
    known = {m.code for m in read_member_states()} | set(NON_MEMBER_STATES)
    codes = [m.code for m in dataset.MEMBERSHIP]
    assert len(codes) == len(set(codes))
    assert set(codes) <= known


def test_dates_are_in_range_and_in_order() -> None:
    for m in dataset.MEMBERSHIP:
        assert m.signed_on is not None or m.deposited_on is not None, m.code
        if m.deposited_on is not None:
            assert dataset.FIRST_DEPOSIT <= m.deposited_on <= dataset.DEMO_DATE, m.code
        if m.signed_on is not None:
            # Signature was open from 3 June 2013 until entry into force.
            assert dataset.OPENED_FOR_SIGNATURE <= m.signed_on < TREATY_ENTRY_INTO_FORCE, m.code
            assert m.deposited_on is None or m.signed_on <= m.deposited_on, m.code


def test_instrument_is_ratification_after_signature_else_accession() -> None:
    for m in dataset.MEMBERSHIP:
        if m.deposited_on is None:
            assert m.instrument is None
        elif m.signed_on is None:
            assert m.instrument is Instrument.ACCESSION, m.code
        else:
            assert m.instrument is Instrument.RATIFICATION, m.code


def test_events_pass_the_services_checks() -> None:
    events = dataset.membership_events()
    assert len(events) == sum(
        (m.signed_on is not None) + (m.deposited_on is not None) for m in dataset.MEMBERSHIP
    )
    assert [e.data.event_on for e in events] == sorted(e.data.event_on for e in events)
    for e in events:
        assert check_event(e.data) is None
        assert e.data.event_on <= dataset.DEMO_DATE
    for m in dataset.MEMBERSHIP:
        assert membership.check_order(m.rule_events()) is None, m.code


def test_events_are_recorded_three_days_later_at_nine_utc() -> None:
    for e in dataset.membership_events():
        assert e.recorded_at.tzinfo is UTC
        assert (e.recorded_at.date() - e.data.event_on).days == 3
        assert e.recorded_at.timetz() == time(9, 0, tzinfo=UTC)


def test_well_known_states() -> None:
    assert BY_CODE["USA"].signed_on == date(2013, 9, 25)
    assert BY_CODE["USA"].deposited_on is None
    assert BY_CODE["ISR"].signed_on is not None
    assert BY_CODE["ISR"].deposited_on is None
    assert BY_CODE["CHN"].deposited_on == date(2020, 7, 6)
    assert BY_CODE["CHN"].instrument is Instrument.ACCESSION
    assert BY_CODE["PSE"].deposited_on == date(2017, 12, 29)
    assert BY_CODE["PSE"].instrument is Instrument.ACCESSION
    for code in ("RUS", "IND", "IRN", "VAT"):
        assert code not in BY_CODE


def test_most_western_latin_american_and_african_states_are_parties() -> None:
    groups = {m.code: m.regional_group for m in read_member_states()}
    parties = Counter(groups.get(c) for c in dataset.parties_on(dataset.DEMO_DATE))
    totals = Counter(groups.values())
    for group in (
        "Western European and Others Group",
        "Latin American and Caribbean Group",
        "African Group",
    ):
        assert parties[group] * 2 > totals[group], group


def test_conferences_one_to_eleven() -> None:
    numbers = [c.number for c in dataset.CONFERENCES]
    assert numbers == list(range(1, 12))
    by_number = {c.number: c for c in dataset.CONFERENCES}
    assert (by_number[1].venue, by_number[1].start_on) == ("Cancún", date(2015, 8, 24))
    assert by_number[6].venue == "Written procedure"
    assert (by_number[6].start_on, by_number[6].end_on) == (date(2020, 8, 17), date(2020, 9, 4))
    assert all(c.start_on <= c.end_on <= dataset.DEMO_DATE for c in dataset.CONFERENCES)


@pytest.mark.parametrize("conference", dataset.CONFERENCES, ids=lambda c: f"CSP{c.number}")
def test_registrations_follow_status_on_the_first_day(
    conference: ConferenceCreate,
) -> None:
    registrations = dataset.registrations(conference)
    assert registrations == dataset.registrations(conference)
    codes = [r.state_code for r in registrations]
    assert len(codes) == len(set(codes))
    statuses = dataset.statuses_on(conference.start_on)
    by_capacity = Counter(r.capacity for r in registrations)
    for r in registrations:
        status = statuses.get(r.state_code, Status.NONE)
        expected = {
            Capacity.STATE_PARTY: Status.STATE_PARTY,
            Capacity.SIGNATORY: Status.SIGNATORY,
            Capacity.OBSERVER: Status.NONE,
        }[r.capacity]
        assert status is expected, r
    parties = len(dataset.parties_on(conference.start_on))
    signatories = len(dataset.signatories_on(conference.start_on))
    assert parties * 80 <= by_capacity[Capacity.STATE_PARTY] * 100 <= parties * 100
    assert by_capacity[Capacity.SIGNATORY] == (signatories + 1) // 2
    assert 3 <= by_capacity[Capacity.OBSERVER] <= 6


def test_demo_users() -> None:
    assert [name for name, _role in dataset.DEMO_USERS] == [
        "demo-officer",
        "demo-officer-2",
        "demo-committee",
        "demo-admin",
    ]


def test_signature_and_deposit_event_types() -> None:
    types = Counter(e.data.event_type for e in dataset.membership_events())
    assert set(types) == {MembershipEventType.SIGNATURE, MembershipEventType.DEPOSIT}
