"""The demo data set (pure, no database): an illustrative, deterministic treaty history.

It resembles the Arms Trade Treaty's: opened for signature on 3 June 2013, first deposits
on 2 April 2014, entry into force on 24 December 2014 with 61 States Parties, about 89
Parties by early 2017, about 110 by late 2021 and 116 on the demo date (30 September
2026), with about 25 Signatories that never deposited. Dates are plausible, not official:
the demo data set is for trying the service, never for reporting."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from finance_core.access.models import Role
from finance_core.conferences.models import Capacity
from finance_core.conferences.schemas import ConferenceCreate, RegistrationIn
from finance_core.states import membership
from finance_core.states.membership import Status
from finance_core.states.models import Instrument, MembershipEventType
from finance_core.states.schemas import MembershipEventCreate

#: The day the demo data set describes ("today" in the demo).
DEMO_DATE = date(2026, 9, 30)
#: Seed of every pseudo-random choice, so that each load gives the same data.
SEED = 2015
#: The treaty was open for signature from this day until its entry into force.
OPENED_FOR_SIGNATURE = date(2013, 6, 3)
#: The first instruments of ratification were deposited on this day.
FIRST_DEPOSIT = date(2014, 4, 2)
#: Membership events are recorded this long after the act, at 09:00 UTC.
RECORDING_DELAY = timedelta(days=3)
RECORDING_TIME = time(9, 0, tzinfo=UTC)

# One line per State with a relation to the treaty: code, day of signature, day of
# deposit ("-" for none). A State that signed deposits an instrument of ratification; one
# that did not sign (signature closed at entry into force) deposits one of accession.
_MEMBERSHIP_TABLE = """
AUT 2013-06-03 2014-04-02
BEL 2013-06-03 2014-04-02
BGR 2013-06-03 2014-04-02
DNK 2013-06-03 2014-04-02
EST 2013-06-03 2014-04-02
FIN 2013-06-03 2014-04-02
FRA 2013-06-03 2014-04-02
DEU 2013-06-03 2014-04-02
HUN 2013-06-03 2014-04-02
IRL 2013-06-03 2014-04-02
ITA 2013-06-03 2014-04-02
LVA 2013-06-03 2014-04-02
MLT 2013-06-03 2014-04-02
ROU 2013-06-03 2014-04-02
SVK 2013-06-03 2014-04-02
SVN 2013-06-03 2014-04-02
ESP 2013-06-03 2014-04-02
GBR 2013-06-03 2014-04-02
SLV 2013-06-05 2014-04-02
HRV 2013-06-03 2014-04-02
ISL 2013-06-03 2014-04-02
GUY 2013-06-03 2014-04-02
ATG 2013-06-03 2014-04-02
NGA 2013-08-12 2014-04-02
CRI 2013-06-03 2014-04-02
MEX 2013-06-03 2014-04-02
TTO 2013-06-03 2014-04-02
NOR 2013-06-03 2014-04-02
MKD 2013-06-25 2014-04-02
ALB 2013-06-03 2014-04-02
MLI 2013-06-03 2014-04-15
PAN 2013-06-03 2014-04-28
JPN 2013-06-03 2014-05-09
GRD 2013-06-03 2014-05-21
AUS 2013-06-03 2014-06-03
LUX 2013-06-03 2014-06-03
JAM 2013-06-03 2014-06-03
BFA 2013-06-03 2014-06-03
WSM 2013-09-25 2014-06-03
VCT 2013-06-03 2014-06-03
SWE 2013-06-03 2014-06-16
DOM 2013-06-03 2014-08-07
SLE 2013-09-25 2014-08-12
MNE 2013-06-03 2014-08-18
NZL 2013-06-03 2014-09-02
ARG 2013-06-03 2014-09-25
URY 2013-06-03 2014-09-25
SEN 2013-06-03 2014-09-25
BIH 2013-06-03 2014-09-25
CZE 2013-06-03 2014-09-25
PRT 2013-06-03 2014-09-25
BHS 2013-06-03 2014-09-25
GIN 2013-07-09 2014-10-21
LCA 2013-06-03 2014-11-25
SRB 2013-08-12 2014-12-05
KNA 2013-06-03 2014-12-15
LIE 2013-06-03 2014-12-16
POL 2013-12-10 2014-12-17
LTU 2013-06-03 2014-12-18
NLD 2013-06-03 2014-12-18
ZAF 2013-09-25 2014-12-22
CHE 2013-06-03 2015-01-30
CIV 2013-06-03 2015-02-26
BLZ 2013-09-25 2015-03-19
TCD 2013-06-03 2015-03-23
PRY 2013-06-03 2015-04-09
LBR 2013-09-25 2015-04-21
DMA 2013-09-25 2015-05-21
MUS 2013-07-23 2015-07-23
NER 2013-06-24 2015-07-24
SMR 2013-06-03 2015-07-29
TUV -          2015-09-04
BRB 2013-09-25 2015-09-18
MRT 2013-09-23 2015-09-23
MDA -          2015-09-28
CAF 2013-09-25 2015-10-07
TGO 2013-06-03 2015-10-08
SYC 2013-09-25 2015-11-02
GHA 2013-06-03 2015-12-22
LSO 2014-01-25 2016-01-25
PER 2013-09-24 2016-02-16
CYP 2013-06-03 2016-05-10
ZMB 2013-09-25 2016-05-20
GEO 2014-06-24 2016-05-23
MDG 2014-09-22 2016-06-15
GTM 2013-06-24 2016-07-12
GRC 2013-06-03 2016-08-10
CPV 2013-09-25 2016-09-23
BEN 2013-06-03 2016-10-24
KOR 2013-06-03 2016-11-28
HND 2013-06-03 2017-03-01
PSE -          2017-12-29
CHL 2013-06-03 2018-06-04
SUR 2013-08-12 2018-06-25
BRA 2013-06-03 2018-08-03
GNB 2013-09-26 2018-09-24
KAZ -          2018-12-07
CMR 2013-12-05 2018-12-11
LBN -          2019-05-09
BWA 2013-09-25 2019-05-23
CAN -          2019-06-17
MDV -          2019-09-27
AND 2013-06-03 2020-01-10
AFG -          2020-02-20
NAM 2014-12-09 2020-07-02
CHN -          2020-07-06
STP 2013-09-26 2020-09-07
GMB -          2020-11-16
GAB 2013-09-25 2021-03-17
MOZ -          2021-05-18
PHL 2013-09-25 2022-03-24
MWI 2013-09-26 2023-03-14
SLB -          2023-09-26
TLS -          2024-05-08
MNG 2013-09-24 2025-02-12
FJI -          2025-09-22
USA 2013-09-25 -
TUR 2013-07-02 -
BDI 2013-07-03 -
LBY 2013-07-09 -
ARE 2013-06-03 -
DJI 2013-06-03 -
KHM 2013-06-03 -
PLW 2013-06-03 -
VUT 2013-07-26 -
TZA 2013-09-24 -
AGO 2013-09-24 -
COL 2013-09-24 -
COM 2013-09-26 -
MYS 2013-09-26 -
KIR 2013-09-26 -
NRU 2013-12-11 -
RWA 2013-12-20 -
HTI 2014-07-23 -
ZWE 2014-08-18 -
UKR 2014-09-23 -
BGD 2014-09-25 -
COG 2014-09-25 -
THA 2014-09-25 -
BHR 2014-11-21 -
ISR 2014-12-04 -
SGP 2014-12-05 -
"""

#: States with no relation to the treaty that may attend a CSP as observers.
_OBSERVER_POOL: tuple[str, ...] = (
    "ARM", "AZE", "BOL", "CHN", "CUB", "DZA", "ECU", "EGY", "ETH", "IDN", "IND", "IRQ",
    "JOR", "KEN", "KWT", "LKA", "MAR", "MCO", "OMN", "PAK", "QAT", "SAU", "UGA", "VAT",
    "VNM",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DemoMembership:
    """A State's relation to the treaty in the demo: when it signed and deposited."""

    code: str
    signed_on: date | None
    deposited_on: date | None

    @property
    def instrument(self) -> Instrument | None:
        """Ratification after a signature, accession without one; None without deposit."""
        if self.deposited_on is None:
            return None
        return Instrument.RATIFICATION if self.signed_on else Instrument.ACCESSION

    def rule_events(self) -> list[membership.Event]:
        """The State's events as the treaty's rules see them."""
        events = []
        if self.signed_on is not None:
            events.append(membership.Event("signature", self.signed_on, self.signed_on))
        if self.deposited_on is not None:
            effective = membership.entry_into_force_for(self.deposited_on)
            events.append(membership.Event("deposit", self.deposited_on, effective))
        return events


@dataclass(frozen=True, slots=True)
class DemoEvent:
    """A membership event to record for State ``code``, back-dated to ``recorded_at``."""

    code: str
    data: MembershipEventCreate
    recorded_at: datetime


def _day(text: str) -> date | None:
    return None if text == "-" else date.fromisoformat(text)


def _parse(table: str) -> tuple[DemoMembership, ...]:
    rows = []
    for line in table.strip().splitlines():
        code, signed, deposited = line.split()
        rows.append(DemoMembership(code, _day(signed), _day(deposited)))
    return tuple(rows)


#: Every State with a signature or a deposit, in the order of the table.
MEMBERSHIP: tuple[DemoMembership, ...] = _parse(_MEMBERSHIP_TABLE)

#: CSP1–CSP11 (CSP6 was held by written procedure).
CONFERENCES: tuple[ConferenceCreate, ...] = tuple(
    ConferenceCreate(number=n, venue=venue, start_on=start, end_on=end)
    for n, venue, start, end in (
        (1, "Cancún", date(2015, 8, 24), date(2015, 8, 27)),
        (2, "Geneva", date(2016, 8, 22), date(2016, 8, 26)),
        (3, "Geneva", date(2017, 9, 11), date(2017, 9, 15)),
        (4, "Tokyo", date(2018, 8, 20), date(2018, 8, 24)),
        (5, "Geneva", date(2019, 8, 26), date(2019, 8, 30)),
        (6, "Written procedure", date(2020, 8, 17), date(2020, 9, 4)),
        (7, "Geneva", date(2021, 8, 30), date(2021, 9, 3)),
        (8, "Geneva", date(2022, 8, 22), date(2022, 8, 26)),
        (9, "Geneva", date(2023, 8, 21), date(2023, 8, 25)),
        (10, "Geneva", date(2024, 8, 19), date(2024, 8, 23)),
        (11, "Geneva", date(2025, 8, 25), date(2025, 8, 29)),
    )
)

#: The demo users: name and role (two finance officers, for the maker-checker steps).
DEMO_USERS: tuple[tuple[str, Role], ...] = (
    ("demo-officer", Role.FINANCE_OFFICER),
    ("demo-officer-2", Role.FINANCE_OFFICER),
    ("demo-committee", Role.COMMITTEE),
    ("demo-admin", Role.ADMIN),
)


def recorded_at(event_on: date) -> datetime:
    """When the demo says an event was recorded: three days later at 09:00 UTC."""
    return datetime.combine(event_on + RECORDING_DELAY, RECORDING_TIME)


def membership_events() -> list[DemoEvent]:
    """Every signature and deposit, in date order (then by State code)."""
    events = []
    for m in MEMBERSHIP:
        if m.signed_on is not None:
            data = MembershipEventCreate(
                event_type=MembershipEventType.SIGNATURE, event_on=m.signed_on
            )
            events.append(DemoEvent(m.code, data, recorded_at(m.signed_on)))
        if m.deposited_on is not None:
            data = MembershipEventCreate(
                event_type=MembershipEventType.DEPOSIT,
                event_on=m.deposited_on,
                instrument=m.instrument,
            )
            events.append(DemoEvent(m.code, data, recorded_at(m.deposited_on)))
    return sorted(events, key=lambda e: (e.data.event_on, e.code, e.data.event_type))


def statuses_on(day: date) -> dict[str, Status]:
    """The status on ``day`` of every State in ``MEMBERSHIP`` (others have none)."""
    return {m.code: membership.status_on(m.rule_events(), day) for m in MEMBERSHIP}


def parties_on(day: date) -> list[str]:
    """Codes of the States Parties on ``day``, sorted."""
    return sorted(c for c, s in statuses_on(day).items() if s is Status.STATE_PARTY)


def signatories_on(day: date) -> list[str]:
    """Codes of the States that have signed but are not Parties on ``day``, sorted."""
    return sorted(c for c, s in statuses_on(day).items() if s is Status.SIGNATORY)


def registrations(conference: ConferenceCreate) -> list[RegistrationIn]:
    """Who registers for ``conference``, by status on its first day: 85–95 % of the
    States Parties, half of the Signatories and three to six other States as observers."""
    rng = random.Random(SEED * 100 + conference.number)  # noqa: S311 (repeatable, not secret)
    day = conference.start_on
    statuses = statuses_on(day)
    share = rng.randint(85, 95)
    parties = [c for c in parties_on(day) if rng.randrange(100) < share]
    signatories = signatories_on(day)
    signatories = sorted(rng.sample(signatories, (len(signatories) + 1) // 2))
    outsiders = [c for c in _OBSERVER_POOL if statuses.get(c, Status.NONE) is Status.NONE]
    observers = sorted(rng.sample(outsiders, rng.randint(3, 6)))
    return [
        *(RegistrationIn(state_code=c, capacity=Capacity.STATE_PARTY) for c in parties),
        *(RegistrationIn(state_code=c, capacity=Capacity.SIGNATORY) for c in signatories),
        *(RegistrationIn(state_code=c, capacity=Capacity.OBSERVER) for c in observers),
    ]
