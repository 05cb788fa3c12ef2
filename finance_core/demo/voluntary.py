"""The demo's voluntary funds from 2016 to the demo date: donors, their pledges and the
money they sent, the Voluntary Trust Fund's (VTF) projects and the Sponsorship
Programme's (SPP) sponsored delegates. Deterministic; names, contacts, amounts and
references are illustrative.

Twenty-seven donors (25 States Parties, the Government of Flanders and a foundation)
pledge in their own currencies: by letter when the VTF opened in 2016, then at each
CSP, to the VTF (some of it earmarked for "gender", "small arms" or "Africa"), to the SPP
and to a named universalization project (fund ``PRJ_UNIV``). Most pledges are paid in
full within a year, some in two or three instalments; two are withdrawn (one after a
first instalment), two stay partly received, and those made in 2026 are still open on
the demo date. A receipt settles its pledge automatically, or explicitly when the
donor's letter names it (or an older pledge of the same fund and earmark is still
open); a few receipts come without a pledge. Receipts in other currencies are recorded
at the demo's rates, most confirmed by the bank's US dollar figure a few days later;
one receipt is returned by the bank and paid again.

Each year from 2017 the VTF selection committee approves projects from what each fund
and earmark holds, less what earlier projects have still to receive; a project is paid
in two or three tranches as its grantee's reports come in (one 2020 project is
cancelled). For each CSP held in person and each February meeting of the working
groups, the SPP sponsors delegates of developing States Parties and Signatories not
under the Rule 8 measures, as far as its money goes: the ticket a few weeks before, the
daily subsistence allowance on the first day. The universalization project pays for
regional workshops. No payment takes more than its fund and earmark hold on its day and
every later one, so the service never has to refuse one. Every record is back-dated a
few days after its business date."""

from __future__ import annotations

import heapq
import itertools
import random
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Literal

from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.arrears.rule8 import rule8
from finance_core.db_types import utctoday
from finance_core.demo import dataset
from finance_core.demo.payments import RATES as PAYMENT_RATES
from finance_core.funds import service as funds
from finance_core.funds.models import FundCreate, FundKind
from finance_core.money import format_minor
from finance_core.payments import service as payments
from finance_core.payments.amounts import decimals_of
from finance_core.payments.schemas import ExchangeRateIn, ReversalIn
from finance_core.states import service as states
from finance_core.states.membership import Status
from finance_core.voluntary import service
from finance_core.voluntary.models import (
    DisbursementKind,
    DonorKind,
    ProjectStatus,
    ReportLanguage,
)
from finance_core.voluntary.schemas import (
    DisbursementIn,
    DonorIn,
    MatchIn,
    PledgeIn,
    ProjectIn,
    ReportIn,
    SponsorshipIn,
    VoluntaryReceiptIn,
    WithdrawalIn,
)

VTF, SPP, PROJECT_FUND = "VTF", "SPP", "PRJ_UNIV"
GENDER, SMALL_ARMS, AFRICA = "gender", "small arms", "Africa"
#: The VTF was set up in 2016; its first projects were approved in 2017.
FIRST_YEAR = 2016
#: The named project fund.
PROJECT = FundCreate(
    code=PROJECT_FUND,
    name="Treaty universalization project (illustrative)",
    kind=FundKind.VOLUNTARY,
)

#: Illustrative US dollars per unit of the donors' other currencies, one rate a year from
#: 2015 (not official rates); Swiss francs and euros use the payment history's rates.
_RATES_TABLE = """
AUD 0.82   0.73   0.72   0.78   0.70   0.70   0.77   0.73   0.68   0.68   0.62   0.66
CAD 0.86   0.72   0.74   0.80   0.73   0.77   0.78   0.79   0.74   0.75   0.70   0.73
DKK 0.163  0.146  0.142  0.161  0.153  0.150  0.164  0.153  0.144  0.148  0.139  0.157
GBP 1.55   1.47   1.23   1.35   1.27   1.32   1.36   1.35   1.21   1.27   1.25   1.34
JPY 0.0083 0.0083 0.0086 0.0089 0.0091 0.0092 0.0097 0.0087 0.0076 0.0071 0.0064 0.0066
NOK 0.134  0.113  0.116  0.122  0.115  0.114  0.117  0.113  0.102  0.098  0.088  0.098
NZD 0.78   0.68   0.70   0.71   0.67   0.67   0.72   0.68   0.63   0.63   0.56   0.58
SEK 0.128  0.118  0.110  0.122  0.112  0.107  0.122  0.110  0.096  0.099  0.090  0.108
"""
RATES: dict[str, tuple[str, ...]] = {
    line.split()[0]: tuple(line.split()[1:]) for line in _RATES_TABLE.strip().splitlines()
}


@dataclass(frozen=True, slots=True)
class _Donor:
    """A donor: its State (for an organisation, the State it belongs to, for information
    only), the currency it gives in and a typical VTF pledge in whole units of it, the
    first year it pledges and how often (every year or every other year), the funds it
    gives to (V: the VTF, S: the SPP, P: the universalization project), what it sometimes
    earmarks its VTF money for, its report language and an illustrative contact."""

    name: str
    kind: DonorKind
    state: str | None
    currency: str
    size: int
    since: int
    every: int
    funds: str
    earmark: str | None
    language: ReportLanguage
    contact: str

    @property
    def tag(self) -> str:
        """A short code for references: the State's, or the name's initials."""
        if self.kind is DonorKind.STATE and self.state:
            return self.state
        return "".join(w[0] for w in self.name.split() if w[0].isupper())[:4]


_S, _O = DonorKind.STATE, DonorKind.ORGANISATION
_EN, _FR, _ES = ReportLanguage.EN, ReportLanguage.FR, ReportLanguage.ES

DONORS: tuple[_Donor, ...] = (
    _Donor("Germany", _S, "DEU", "EUR", 150_000, 2016, 1, "VSP", SMALL_ARMS, _EN, "Anna Weber"),
    _Donor("Australia", _S, "AUS", "AUD", 80_000, 2016, 1, "VS", None, _EN, "James Mitchell"),
    _Donor("Netherlands", _S, "NLD", "EUR", 60_000, 2016, 1, "VSP", GENDER, _EN, "Sanne de Vries"),
    _Donor("Norway", _S, "NOR", "NOK", 600_000, 2016, 1, "VS", AFRICA, _EN, "Ingrid Larsen"),
    _Donor("Sweden", _S, "SWE", "SEK", 500_000, 2016, 1, "V", GENDER, _EN, "Erik Lindqvist"),
    _Donor("Switzerland", _S, "CHE", "CHF", 80_000, 2016, 1, "VS", None, _FR, "Claire Favre"),
    _Donor("United Kingdom", _S, "GBR", "GBP", 80_000, 2016, 1, "VS", AFRICA, _EN,
           "Olivia Hughes"),
    _Donor("Japan", _S, "JPN", "JPY", 8_000_000, 2016, 1, "VS", SMALL_ARMS, _EN, "Haruto Sato"),
    _Donor("Finland", _S, "FIN", "EUR", 50_000, 2016, 1, "VS", GENDER, _EN, "Mikko Virtanen"),
    _Donor("Mexico", _S, "MEX", "USD", 20_000, 2016, 1, "V", None, _ES, "Alejandro Hernández"),
    _Donor("Government of Flanders", _O, "BEL", "EUR", 60_000, 2016, 1, "V", AFRICA, _EN,
           "Pieter Janssens"),
    _Donor("Denmark", _S, "DNK", "DKK", 300_000, 2017, 2, "V", None, _EN, "Mette Nielsen"),
    _Donor("Ireland", _S, "IRL", "EUR", 40_000, 2017, 1, "VS", GENDER, _EN, "Aoife Byrne"),
    _Donor("New Zealand", _S, "NZL", "NZD", 40_000, 2017, 1, "S", None, _EN, "Aroha Williams"),
    _Donor("Austria", _S, "AUT", "EUR", 40_000, 2017, 2, "V", None, _EN, "Lukas Gruber"),
    _Donor("France", _S, "FRA", "EUR", 60_000, 2017, 1, "VS", AFRICA, _FR, "Camille Martin"),
    _Donor("Republic of Korea", _S, "KOR", "USD", 50_000, 2017, 1, "VS", None, _EN, "Ji-woo Kim"),
    _Donor("Belgium", _S, "BEL", "EUR", 40_000, 2018, 2, "V", None, _FR, "Julie Peeters"),
    _Donor("Italy", _S, "ITA", "EUR", 50_000, 2018, 2, "V", None, _EN, "Giulia Rossi"),
    _Donor("Spain", _S, "ESP", "EUR", 40_000, 2018, 2, "V", GENDER, _ES, "Lucía García"),
    _Donor("Czechia", _S, "CZE", "USD", 20_000, 2018, 2, "V", None, _EN, "Petr Novák"),
    _Donor("Luxembourg", _S, "LUX", "EUR", 30_000, 2018, 1, "V", AFRICA, _FR, "Marie Schmit"),
    _Donor("Foundation for Treaty Implementation (illustrative)", _O, None, "USD", 50_000,
           2018, 1, "VP", None, _EN, "Dana Brooks"),
    _Donor("Estonia", _S, "EST", "EUR", 10_000, 2019, 2, "V", None, _EN, "Kadri Tamm"),
    _Donor("Slovakia", _S, "SVK", "EUR", 15_000, 2019, 2, "V", None, _EN, "Martin Horváth"),
    _Donor("Canada", _S, "CAN", "CAD", 80_000, 2020, 1, "VS", GENDER, _EN, "Emily Tremblay"),
    _Donor("Philippines", _S, "PHL", "USD", 10_000, 2022, 2, "S", None, _EN, "Maria Santos"),
)  # fmt: skip

#: How each language's donors want to be reported to (illustrative).
REPORTING = {
    _EN: "Annual statement in English by 31 March, per fund and earmark (illustrative)",
    _FR: "Annual statement in French, copied to the permanent mission in Geneva (illustrative)",
    _ES: "Annual statement in Spanish by 31 March (illustrative)",
}

#: Money given without a pledge: donor, value date, fund, earmark, whole units.
UNPLEDGED = (
    ("Estonia", date(2020, 11, 16), VTF, None, 10_000),
    ("Foundation for Treaty Implementation (illustrative)", date(2021, 4, 12), VTF, GENDER, 25_000),
    ("Czechia", date(2021, 10, 5), SPP, None, 15_000),
    ("Slovakia", date(2023, 3, 20), VTF, None, 5_000),
)

#: Developing States whose delegates the SPP sponsors and whose projects the VTF funds
#: (while States Parties or Signatories).
BENEFICIARIES = (
    "AFG", "AGO", "ALB", "ATG", "BDI", "BEN", "BFA", "BGD", "BIH", "BLZ", "BRB", "BWA",
    "CAF", "CIV", "CMR", "COL", "COM", "CPV", "CRI", "DMA", "DOM", "FJI", "GEO", "GHA",
    "GIN", "GMB", "GNB", "GRD", "GTM", "GUY", "HND", "HTI", "JAM", "KHM", "KIR", "KNA",
    "LBR", "LCA", "LSO", "MDA", "MDG", "MDV", "MKD", "MLI", "MNG", "MOZ", "MRT", "MUS",
    "MWI", "NAM", "NER", "NGA", "PAN", "PER", "PHL", "PLW", "PRY", "RWA", "SEN", "SLB",
    "SLE", "SLV", "STP", "SUR", "SYC", "TCD", "TGO", "THA", "TLS", "TTO", "TUV", "TZA",
    "UKR", "URY", "VCT", "VUT", "WSM", "ZMB", "ZWE",
)  # fmt: skip

#: What VTF projects are about, per earmark (None: unearmarked money).
THEMES: dict[str | None, tuple[str, ...]] = {
    None: (
        "Establishing a national control system for arms transfers",
        "Drafting national legislation on arms transfer controls",
        "Training licensing and customs officers on the Treaty",
        "Strengthening record-keeping and annual reporting",
        "Developing a national control list",
        "Inter-agency coordination on transfer controls",
        "Preventing diversion at border crossings",
        "Regulating brokering activities",
        "Risk assessment under Article 7: training for licensing officers",
    ),
    GENDER: (
        "Assessing the risk of gender-based violence in export decisions",
        "Integrating gender considerations into transfer controls",
    ),
    SMALL_ARMS: (
        "Marking, tracing and record-keeping of small arms and light weapons",
        "Preventing the diversion of small arms and light weapons",
    ),
    AFRICA: (
        "Harmonising national transfer controls with regional instruments",
        "Sub-regional training on Treaty implementation",
    ),
}
GRANTEES = (
    "Ministry of Foreign Affairs",
    "Ministry of Defence",
    "National Commission on Small Arms",
    "Customs Administration",
    "Ministry of the Interior",
    "Ministry of Trade and Industry",
)
#: Illustrative names of sponsored delegates.
GIVEN_NAMES = (
    "Amina", "Kwame", "Fatou", "Joseph", "Grace", "Moussa", "Ana", "Carlos", "Lucia",
    "Diego", "Maria", "Tevita", "Sione", "Leilani", "Nino", "Giorgi", "Elena", "Ivan",
    "Aisha", "Ibrahim", "Samuel", "Esther", "Jean", "Rafael", "Sofia", "Kofi", "Halima",
)  # fmt: skip
FAMILY_NAMES = (
    "Mensah", "Diallo", "Traoré", "Okafor", "Banda", "Phiri", "Ndiaye", "Sow", "Kamara",
    "Rodríguez", "Pérez", "Gómez", "Morales", "Castillo", "Tupou", "Faleolo", "Beridze",
    "Popescu", "Hoxha", "Silva", "Santos", "Baptiste", "Charles", "Asante", "Nkosi",
)  # fmt: skip
#: Return air fares to Geneva by regional group, US dollars (illustrative).
FARES = {
    "African Group": 1_600,
    "Asia-Pacific Group": 2_300,
    "Eastern European Group": 700,
    "Latin American and Caribbean Group": 1_800,
}
#: Places of the universalization project's regional workshops.
WORKSHOP_PLACES = (
    "Lomé", "Bangkok", "Port of Spain", "Suva", "Dakar", "Panama City", "Windhoek",
    "Ulaanbaatar",
)  # fmt: skip


# The order of the records of one day.
_DONOR, _PLEDGE, _RECEIPT, _CONFIRM, _REVERSE = range(5)
_WITHDRAW, _DECIDE, _PAY, _REPORT, _STATUS = range(5, 10)


@dataclass(frozen=True, slots=True)
class DemoVoluntary:
    """What was loaded."""

    donors: int
    pledges: int
    withdrawn: int
    receipts: int
    reversed: int
    confirmed: int
    explicit_matches: int
    projects: int
    cancelled: int
    reports: int
    sponsorships: int
    disbursements: int


@dataclass
class _Pledge:
    """A pledge to record (``amount``: minor units of the donor's currency)."""

    donor: _Donor
    on: date
    fund: str
    earmark: str | None
    amount: int
    occasion: str | None
    reference: str
    conditions: str | None = None
    id: int | None = None


@dataclass
class _Gift:
    """A receipt to record, for ``pledge`` (None: without a pledge); ``explicit`` when
    the donor's letter names the pledge, ``bounces`` when the bank returns it."""

    donor: _Donor
    on: date
    fund: str
    earmark: str | None
    amount: int
    pledge: _Pledge | None
    note: str
    suffix: str = ""
    explicit: bool = False
    bounces: bool = False
    bank_reference: str | None = None

    @property
    def reference(self) -> str:
        """The bank's reference of the transfer."""
        if self.bank_reference is not None:
            return self.bank_reference
        return f"DEMO-{self.fund}-{self.donor.tag}-{self.on.isoformat()}{self.suffix}"


@dataclass(frozen=True, slots=True)
class _Meeting:
    """A meeting whose delegates the SPP sponsors."""

    label: str
    conference_number: int | None
    venue: str
    start: date
    end: date


@dataclass
class _Project:
    """An approved project: what was approved and paid of it so far (US cents)."""

    id: int
    code: str
    grantee: str
    earmark: str | None
    approved_on: date
    approved: int
    paid: int = 0
    tranches: int = 0
    done: bool = False


def _email(name: str) -> str:
    """An illustrative address at example.org."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", ".") + "@example.org"


def _step(donor: _Donor) -> int:
    """The round number of whole units the donor's amounts are multiples of."""
    return int(10 ** max(len(str(donor.size)) - 3, 0))


def _minor(donor: _Donor, share: Decimal, rnd: random.Random) -> int:
    """A pledge of about ``share`` of the donor's typical one, in round units (minor
    units of its currency)."""
    step = _step(donor)
    units = int(Decimal(donor.size) * share * rnd.randint(80, 120) / 100) // step * step
    return max(units, step) * int(10 ** decimals_of(donor.currency))


def _parts(amount: int, count: int, unit: int) -> list[int]:
    """``amount`` in ``count`` parts of whole ``unit``s (the last takes the rest)."""
    part = amount // count // unit * unit
    return [part] * (count - 1) + [amount - part * (count - 1)]


def meetings(rnd: random.Random) -> list[_Meeting]:
    """Every CSP held in person from CSP2 on, and the February meetings of the working
    groups from 2017 (those of 2020 and 2021 were held online: nobody travelled)."""
    found = [
        _Meeting(f"CSP{c.number}", c.number, c.venue, c.start_on, c.end_on)
        for c in dataset.CONFERENCES
        if c.number >= 2 and c.venue != "Written procedure"
    ]
    for year in range(FIRST_YEAR + 1, dataset.DEMO_DATE.year + 1):
        start = date(year, 2, 3) + timedelta(days=rnd.randint(0, 11))
        if year not in (2020, 2021):
            label = f"CSP{year - 2014} working groups and preparatory meeting"
            found.append(_Meeting(label, None, "Geneva", start, start + timedelta(days=3)))
    return sorted(found, key=lambda m: m.start)


def _plan_pledges(rnd: random.Random, prep_2026: date) -> list[_Pledge]:
    """Letters when the VTF opened (2016), statements at each CSP (by a donor that is a
    State Party on its first day), and a few pledges at the 2026 preparatory meeting."""
    pledges: list[_Pledge] = []

    def pledge(donor: _Donor, on: date, occasion: str | None, reference: str, scale: int) -> None:
        for letter in donor.funds:
            if letter == "V":
                fund, share = VTF, Decimal(1)
                earmark = donor.earmark if donor.earmark and rnd.random() < 0.5 else None
            elif letter == "S":
                fund, earmark = SPP, None
                share = Decimal(1) if "V" not in donor.funds else Decimal("0.15")
            elif occasion is not None and on.year >= 2018 and on.year % 2 == 0:
                fund, earmark = PROJECT_FUND, None
                share = Decimal(1) if donor.kind is DonorKind.ORGANISATION else Decimal("0.4")
            else:
                continue
            amount = _minor(donor, share * scale / 100, rnd)
            conditions = f"For projects on {earmark} (illustrative)" if earmark else None
            pledges.append(
                _Pledge(donor, on, fund, earmark, amount, occasion, reference, conditions)
            )

    for donor in DONORS:
        if donor.since == FIRST_YEAR:
            on = date(2016, 3, 1) + timedelta(days=rnd.randint(0, 60))
            pledge(donor, on, None, f"Letter of {on.isoformat()} (illustrative)", 50)
    for conference in dataset.CONFERENCES:
        year = conference.start_on.year
        if year < FIRST_YEAR:
            continue
        statuses = dataset.statuses_on(conference.start_on)
        if conference.venue == "Written procedure":
            reference = f"Letter to the CSP{conference.number} President (illustrative)"
        else:
            reference = f"Statement at CSP{conference.number} (illustrative)"
        for donor in DONORS:
            if year < donor.since or (year - donor.since) % donor.every:
                continue
            party = statuses.get(donor.state or "") is Status.STATE_PARTY
            if donor.kind is DonorKind.STATE and not party:
                continue
            length = (conference.end_on - conference.start_on).days
            on = conference.start_on + timedelta(days=rnd.randint(0, length))
            pledge(donor, on, f"CSP{conference.number}", reference, 100)
    for donor in DONORS:
        if rnd.random() < 0.4:
            reference = "Statement at the CSP12 preparatory meeting (illustrative)"
            pledge(donor, prep_2026, "CSP12 preparatory meeting", reference, 100)
    return pledges


def _plan_gifts(rnd: random.Random, pledges: list[_Pledge]) -> tuple[list[_Gift], dict[int, date]]:
    """The receipts that pay the pledges, and the pledges withdrawn (index → day): most
    are paid in full, some in two or three instalments; two are withdrawn (one with
    nothing received, one after a first instalment), two stay partly received, and the
    2026 pledges are still open. Then the receipts without a pledge."""
    eligible = [
        i for i, p in enumerate(pledges) if 2017 <= p.on.year <= 2023 and p.occasion is not None
    ]
    withdrawn_none, withdrawn_part = rnd.sample(eligible, 2)
    later = [
        i
        for i, p in enumerate(pledges)
        if p.on.year in (2023, 2024) and i not in (withdrawn_none, withdrawn_part)
    ]
    partly = set(rnd.sample(later, 2))
    gifts: list[_Gift] = []
    withdrawals: dict[int, date] = {}
    for i, p in enumerate(pledges):
        if p.on.year >= 2026:
            continue
        if i == withdrawn_none:
            withdrawals[i] = p.on + timedelta(days=rnd.randint(330, 420))
            continue
        if i == withdrawn_part or i in partly:
            count, keep = 2, 1
        else:
            count = rnd.choice((1, 1, 1, 1, 1, 1, 1, 2, 2, 3))
            keep = count
        if p.occasion is None:
            on = p.on + timedelta(days=rnd.randint(20, 75))
            what = f"by letter of {p.on.isoformat()}"
        else:
            on = p.on + timedelta(days=rnd.randint(25, 200))
            what = f"at {p.occasion}"
        unit = _step(p.donor) * 10 ** decimals_of(p.donor.currency)
        for n, amount in enumerate(_parts(p.amount, count, unit)[:keep], start=1):
            if n > 1:
                on += timedelta(days=rnd.randint(90, 180))
            note = f"Contribution pledged {what} (illustrative)"
            if count > 1:
                note = (
                    f"Instalment {n} of {count} of the contribution pledged {what} (illustrative)"
                )
            gifts.append(_Gift(p.donor, on, p.fund, p.earmark, amount, p, note, f"-{n}"))
        if i == withdrawn_part:
            withdrawals[i] = on + timedelta(days=rnd.randint(180, 270))
    by_name = {d.name: d for d in DONORS}
    for name, on, fund, earmark, units in UNPLEDGED:
        donor = by_name[name]
        amount = units * 10 ** decimals_of(donor.currency)
        note = "Contribution without a pledge (illustrative)"
        gifts.append(_Gift(donor, on, fund, earmark, amount, None, note))
    gifts.sort(key=lambda g: (g.on, g.donor.name, g.fund, g.suffix))
    # the letters of the first two second instalments name their pledge
    for gift in [g for g in gifts if g.suffix == "-2"][:2]:
        gift.explicit = True
    # Mexico's first transfer from 2019 on is returned by its bank
    next(g for g in gifts if g.donor.name == "Mexico" and g.on.year >= 2019).bounces = True
    return gifts, withdrawals


class _Loader:
    """Records the demo's voluntary funds in date order (and within a day in the order
    ``_DONOR`` … ``_STATUS``); some records plan later ones as they are made."""

    def __init__(self, session: Session, actor: Actor, rnd: random.Random, limit: date) -> None:
        self.session, self.actor, self.rnd, self.limit = session, actor, rnd, limit
        self.calendar: list[tuple[date, int, int, Callable[[], object]]] = []
        self.sequence = itertools.count()
        self.counts: dict[str, int] = defaultdict(int)
        self.donor_ids: dict[str, int] = {}
        #: The pledges of each donor, fund and earmark in the order they were made, what
        #: is outstanding of each (minor units of its currency), and what each receipt
        #: settled (pledge id, amount).
        self.pledged: dict[tuple[str, str, str | None], list[_Pledge]] = defaultdict(list)
        self.outstanding: dict[int, int] = {}
        self.settled: dict[int, tuple[int, int]] = {}
        #: Per VTF earmark, US cents approved for projects and not paid (nor released).
        self.committed: dict[str | None, int] = defaultdict(int)
        self.places = itertools.cycle(WORKSHOP_PLACES)
        self.known_states: dict[str, tuple[str, str | None]] = {}

    def at(self, day: date, order: int, run: Callable[[], object]) -> None:
        """Plan ``run`` on ``day`` (never before what is being recorded)."""
        heapq.heappush(self.calendar, (day, order, next(self.sequence), run))

    def run(self) -> None:
        """Record everything planned up to the limit, in date order."""
        while self.calendar:
            day, _order, _n, run = heapq.heappop(self.calendar)
            if day <= self.limit:
                run()

    def state(self, code: str) -> tuple[str, str | None]:
        """A State's name and regional group."""
        if code not in self.known_states:
            found = states.get_state(self.session, code)
            self.known_states[code] = (found.name, found.regional_group)
        return self.known_states[code]

    def available(self, fund: str, earmark: str | None, day: date) -> int:
        """US cents that may leave the fund and earmark on ``day``."""
        return int(service.available_from(self.session, fund=fund, earmark=earmark, day=day))

    def pay(self, data: DisbursementIn) -> int:
        """Record a disbursement; its US cents."""
        paid = service.record_disbursement(
            self.session,
            actor=self.actor,
            data=data,
            recorded_at=dataset.recorded_at(data.value_on),
        )
        self.counts["disbursements"] += 1
        return int(paid.usd_minor)

    # --- donors, pledges and receipts ----------------------------------------------

    def donor(self, donor: _Donor, day: date) -> None:
        created = service.create_donor(
            self.session,
            actor=self.actor,
            data=DonorIn(
                name=donor.name,
                kind=donor.kind,
                state_code=donor.state,
                contact_name=f"{donor.contact} (illustrative)",
                contact_email=_email(donor.contact),
                language=donor.language,
                reporting_note=REPORTING[donor.language],
            ),
            recorded_at=dataset.recorded_at(day),
        )
        self.donor_ids[donor.name] = created.id or 0
        self.counts["donors"] += 1

    def pledge(self, p: _Pledge) -> None:
        recorded = service.record_pledge(
            self.session,
            actor=self.actor,
            data=PledgeIn(
                donor_id=self.donor_ids[p.donor.name],
                pledged_on=p.on,
                fund=p.fund,
                earmark=p.earmark,
                currency=p.donor.currency,
                amount=format_minor(p.amount, decimals_of(p.donor.currency)),
                conditions=p.conditions,
                occasion=p.occasion,
                reference=p.reference,
            ),
            recorded_at=dataset.recorded_at(p.on),
        )
        p.id = recorded.id or 0
        self.pledged[(p.donor.name, p.fund, p.earmark)].append(p)
        self.outstanding[p.id] = p.amount
        self.counts["pledges"] += 1

    def _match(self, gift: _Gift) -> tuple[Literal["auto", "none"] | list[MatchIn], int]:
        """How the receipt settles its pledge, and how much of it (in its currency):
        automatically, unless the gift has no pledge, the donor's letter names the
        pledge, or an older pledge of the same fund and earmark is still open (which
        automatic matching would settle first)."""
        p = gift.pledge
        if p is None or p.id is None or self.outstanding[p.id] <= 0:
            return "none", 0
        amount = min(gift.amount, self.outstanding[p.id])
        older = self.pledged[(gift.donor.name, gift.fund, gift.earmark)]
        first = next(x for x in older if x.id is not None and self.outstanding[x.id] > 0)
        if first is p and not gift.explicit:
            return "auto", amount
        self.counts["explicit_matches"] += 1
        shown = format_minor(amount, decimals_of(gift.donor.currency))
        return [MatchIn(pledge_id=p.id, amount=shown)], amount

    def receive(self, gift: _Gift) -> None:
        currency = gift.donor.currency
        match, settles = self._match(gift)
        receipt = service.record_receipt(
            self.session,
            actor=self.actor,
            data=VoluntaryReceiptIn(
                donor_id=self.donor_ids[gift.donor.name],
                value_on=gift.on,
                fund=gift.fund,
                earmark=gift.earmark,
                amount=format_minor(gift.amount, decimals_of(currency)),
                currency=currency,
                bank_reference=gift.reference,
                note=gift.note,
                match=match,
            ),
            recorded_at=dataset.recorded_at(gift.on),
        )
        self.counts["receipts"] += 1
        if settles and gift.pledge is not None and gift.pledge.id is not None:
            self.outstanding[gift.pledge.id] -= settles
            self.settled[receipt.id or 0] = (gift.pledge.id, settles)
        if receipt.usd_provisional and self.rnd.random() < 0.75:
            day = gift.on + timedelta(days=self.rnd.randint(3, 6))
            self.at(
                day, _CONFIRM, partial(self.confirm, receipt.id or 0, gift, receipt.usd_minor, day)
            )
        if gift.bounces:
            back = gift.on + timedelta(days=10)
            self.at(
                back,
                _REVERSE,
                partial(self.reverse, receipt.id or 0, gift, receipt.usd_minor, back),
            )

    def confirm(self, receipt_id: int, gift: _Gift, usd: int, day: date) -> None:
        """The bank's figure: within 0.4 % of the provisional one, never lower than the
        fund and earmark can give back."""
        difference = self.rnd.randint(-usd // 250, usd // 250)
        if difference < 0:
            difference = max(difference, -self.available(gift.fund, gift.earmark, day))
        service.confirm_receipt_usd(
            self.session,
            actor=self.actor,
            receipt_id=receipt_id,
            usd_amount=format_minor(usd + difference),
            value_on=day,
            recorded_at=dataset.recorded_at(day),
        )
        self.counts["confirmed"] += 1

    def reverse(self, receipt_id: int, gift: _Gift, usd: int, day: date) -> None:
        """The bank returns the money; the donor pays again three weeks later."""
        if self.available(gift.fund, gift.earmark, day) < usd:
            return
        service.reverse_receipt(
            self.session,
            actor=self.actor,
            receipt_id=receipt_id,
            data=ReversalIn(
                value_on=day,
                reason="Returned by the bank: the beneficiary's account details were "
                "incomplete (illustrative)",
            ),
            recorded_at=dataset.recorded_at(day),
        )
        self.counts["reversed"] += 1
        if receipt_id in self.settled:  # its pledge is outstanding again
            pledge_id, amount = self.settled.pop(receipt_id)
            self.outstanding[pledge_id] += amount
        again = _Gift(
            gift.donor,
            day + timedelta(days=20),
            gift.fund,
            gift.earmark,
            gift.amount,
            gift.pledge,
            "Paid again after the bank returned the first transfer (illustrative)",
            bank_reference=gift.reference + "-R",
        )
        self.at(again.on, _RECEIPT, partial(self.receive, again))

    def withdraw(self, p: _Pledge, day: date) -> None:
        service.withdraw_pledge(
            self.session,
            actor=self.actor,
            pledge_id=p.id or 0,
            data=WithdrawalIn(
                withdrawn_on=day,
                reason="The appropriation was not renewed in the donor's budget (illustrative)",
            ),
            recorded_at=dataset.recorded_at(day),
        )
        self.outstanding[p.id or 0] = 0
        self.counts["withdrawn"] += 1

    # --- VTF projects ---------------------------------------------------------------

    def approve(self, year: int, day: date) -> None:
        """The selection committee's decisions of the year: projects within what each
        earmark of the VTF holds, less what earlier projects have still to receive."""
        rnd = self.rnd
        statuses = dataset.statuses_on(day)
        eligible = [
            c for c in BENEFICIARIES if statuses.get(c) in (Status.STATE_PARTY, Status.SIGNATORY)
        ]
        number = 0
        for earmark in (None, GENDER, SMALL_ARMS, AFRICA):
            free = self.available(VTF, earmark, day) - self.committed[earmark]
            budget = min(free * 85 // 100, 1_200_000_00)
            countries = eligible
            if earmark == AFRICA:
                countries = [c for c in eligible if self.state(c)[1] == "African Group"]
            wanted = rnd.randint(6, 10) if earmark is None else rnd.randint(1, 3)
            for country in rnd.sample(countries, min(wanted, len(countries))):
                amount = min(rnd.randint(80, 300) * 500_00, budget // 500_00 * 500_00)
                if amount < 15_000_00:
                    break
                budget -= amount
                number += 1
                self.project(year, number, day, earmark, country, amount)

    def project(
        self, year: int, number: int, day: date, earmark: str | None, country: str, amount: int
    ) -> None:
        """Record an approved project and plan its reports and tranches: the first
        tranche on signature, the next once the interim report is in (when there are
        three), the last once the final report is in."""
        rnd = self.rnd
        code = f"VTF-{year}-{number:02d}"
        grantee = f"{rnd.choice(GRANTEES)}, {self.state(country)[0]}"
        created = service.create_project(
            self.session,
            actor=self.actor,
            data=ProjectIn(
                code=code,
                title=rnd.choice(THEMES[earmark]),
                grantee=grantee,
                country=country,
                fund=VTF,
                earmark=earmark,
                approved_on=day,
                approved_amount=format_minor(amount),
                reference=f"ATT/VTF/SC/{year}/{number:02d} (illustrative)",
            ),
            recorded_at=dataset.recorded_at(day),
        )
        self.counts["projects"] += 1
        project = _Project(created.id or 0, code, grantee, earmark, day, amount)
        self.committed[earmark] += amount
        shares = (50, 30, 20) if rnd.random() < 0.6 else (70, 30)
        tranches = [amount * s // 100 for s in shares[:-1]]
        tranches.append(amount - sum(tranches))
        first = day + timedelta(days=rnd.randint(20, 45))
        self.at(first, _PAY, partial(self.tranche, project, tranches[0], first))
        final = "Final narrative and financial report"
        if year == 2020 and number == 1:  # its activities were stopped by the pandemic
            cancelled = day + timedelta(days=110)
            self.at(
                cancelled, _STATUS, partial(self.close, project, ProjectStatus.CANCELLED, cancelled)
            )
            self.report(project, cancelled + timedelta(days=60), final, missing=0)
            return
        if len(tranches) == 3:
            due = day + timedelta(days=182)
            received = self.report(project, due, "Interim narrative and financial report", 0)
            if received is not None:
                on = received + timedelta(days=rnd.randint(10, 25))
                self.at(on, _PAY, partial(self.tranche, project, tranches[1], on))
        received = self.report(project, day + timedelta(days=rnd.randint(400, 440)), final, 8)
        if received is not None:
            last = received + timedelta(days=rnd.randint(10, 30))
            self.at(last, _PAY, partial(self.tranche, project, tranches[-1], last, final=True))
            done = last + timedelta(days=5)
            self.at(done, _STATUS, partial(self.close, project, ProjectStatus.COMPLETED, done))

    def report(self, project: _Project, due: date, title: str, missing: int) -> date | None:
        """Plan a report due from the grantee and the day it comes (``missing`` % never
        do; one in ten comes months late); returns that day."""
        rnd = self.rnd
        received: date | None = None
        if rnd.randrange(100) >= missing:
            late = rnd.randint(60, 150) if rnd.random() < 0.1 else rnd.randint(-15, 40)
            received = max(due + timedelta(days=late), project.approved_on + timedelta(days=30))
        self.at(
            project.approved_on, _REPORT, partial(self.add_report, project, due, title, received)
        )
        return received

    def add_report(self, project: _Project, due: date, title: str, received: date | None) -> None:
        report = service.add_project_report(
            self.session,
            actor=self.actor,
            project_id=project.id,
            data=ReportIn(due_on=due, title=title),
            recorded_at=dataset.recorded_at(project.approved_on),
        )
        self.counts["reports"] += 1
        if received is not None:
            self.at(received, _REPORT, partial(self.report_received, report.id or 0, received))

    def report_received(self, report_id: int, day: date) -> None:
        service.mark_report_received(
            self.session,
            actor=self.actor,
            report_id=report_id,
            received_on=day,
            recorded_at=dataset.recorded_at(day),
        )

    def tranche(self, project: _Project, amount: int, day: date, *, final: bool = False) -> None:
        """Pay a tranche (the last one: what is left). The committee approved it from
        money the VTF held and no other project needed, so the money is there."""
        if project.done:
            return
        left = project.approved - project.paid
        amount = min(left if final else amount, left)
        if amount <= 0:
            return
        project.tranches += 1
        paid = self.pay(
            DisbursementIn(
                kind=DisbursementKind.PROJECT_TRANCHE,
                value_on=day,
                project_id=project.id,
                amount=format_minor(amount),
                payee=project.grantee,
                reference=f"DEMO-{project.code}-T{project.tranches}",
                description="Tranche paid under the grant agreement (illustrative)",
            )
        )
        project.paid += paid
        self.committed[project.earmark] -= paid

    def close(self, project: _Project, status: ProjectStatus, day: date) -> None:
        """Mark a project completed or cancelled: what it did not receive is free again."""
        project.done = True
        self.committed[project.earmark] -= project.approved - project.paid
        service.set_project_status(
            self.session,
            actor=self.actor,
            project_id=project.id,
            status=status,
            recorded_at=dataset.recorded_at(day),
        )
        if status is ProjectStatus.CANCELLED:
            self.counts["cancelled"] += 1

    # --- sponsored delegates --------------------------------------------------------

    def sponsor(self, meeting: _Meeting, decided: date) -> None:
        """Sponsor delegates of States eligible on the meeting's first day, as far as
        the SPP's unearmarked money goes (tickets and allowances together)."""
        rnd = self.rnd
        statuses = dataset.statuses_on(meeting.start)
        if meeting.conference_number is not None:
            found = rule8(self.session, conference_number=meeting.conference_number)
        else:
            found = rule8(self.session, as_at=meeting.start)
        barred: set[str] = set()
        if "no_sponsorship" in found.rule.measures.split(","):
            barred = {row.state for row in found.rows if row.subject}
        eligible = [
            c
            for c in BENEFICIARIES
            if statuses.get(c) in (Status.STATE_PARTY, Status.SIGNATORY) and c not in barred
        ]
        budget = self.available(SPP, None, decided) * 95 // 100
        wanted = rnd.randint(18, 26) if meeting.conference_number else rnd.randint(9, 14)
        days = (meeting.end - meeting.start).days + 2
        allowance = 330 if meeting.venue == "Tokyo" else 400 + 8 * (meeting.start.year - 2016)
        tag = f"{meeting.label.split()[0]}-{meeting.start.year}"
        chosen = sorted(rnd.sample(eligible, min(wanted, len(eligible))))
        for n, code in enumerate(chosen, start=1):
            name, group = self.state(code)
            fare = FARES.get(group or "", 1_500)
            if meeting.venue == "Tokyo":
                fare = 1_200 if group == "Asia-Pacific Group" else fare * 14 // 10
            travel = fare * rnd.randint(80, 130) + rnd.randint(0, 99)
            subsistence = allowance * days * 100
            other = rnd.randint(50, 180) * 100 if rnd.random() < 0.3 else 0
            if travel + subsistence + other > budget:
                continue
            budget -= travel + subsistence + other
            traveller = f"{rnd.choice(GIVEN_NAMES)} {rnd.choice(FAMILY_NAMES)}"
            created = service.create_sponsorship(
                self.session,
                actor=self.actor,
                data=SponsorshipIn(
                    fund=SPP,
                    meeting=meeting.label,
                    conference_number=meeting.conference_number,
                    traveller=traveller,
                    state_code=code,
                    travel=format_minor(travel),
                    subsistence=format_minor(subsistence),
                    other=format_minor(other),
                    note=f"Delegate of {name} (illustrative)",
                ),
                recorded_at=dataset.recorded_at(decided),
            )
            self.counts["sponsorships"] += 1
            ticket_on = decided + timedelta(days=rnd.randint(3, 21))
            for on, cents, payee, suffix, what in (
                (ticket_on, travel, "Travel agency", "T", f"Air ticket for {traveller}"),
                (
                    meeting.start,
                    subsistence + other,
                    traveller,
                    "D",
                    "Daily subsistence allowance and terminal expenses",
                ),
            ):
                data = DisbursementIn(
                    kind=DisbursementKind.SPONSORSHIP,
                    value_on=on,
                    sponsorship_id=created.id,
                    amount=format_minor(cents),
                    payee=payee,
                    reference=f"DEMO-SPP-{tag}-{n:02d}-{suffix}",
                    description=f"{what} (illustrative)",
                )
                self.at(on, _PAY, partial(self.pay, data))

    # --- the universalization project ----------------------------------------------

    def workshop(self, day: date) -> None:
        """A regional workshop, as far as the project's money goes."""
        place = next(self.places)
        most = self.available(PROJECT_FUND, None, day) * 95 // 100 // 100_00 * 100_00
        amount = min(self.rnd.randint(18, 40) * 1_000_00, most)
        if amount < 5_000_00:
            return
        self.pay(
            DisbursementIn(
                fund=PROJECT_FUND,
                value_on=day,
                amount=format_minor(amount),
                payee=f"Workshop organiser, {place}",
                reference=f"DEMO-{PROJECT_FUND}-{day.isoformat()}",
                description=f"Regional universalization workshop, {place} (illustrative)",
            )
        )


def load_voluntary(session: Session, *, actor: Actor) -> DemoVoluntary:
    """Record the demo's voluntary funds (the caller commits)."""
    rnd = random.Random(dataset.SEED + 13)  # noqa: S311 (illustrative figures, not secrets)
    limit = min(dataset.DEMO_DATE, utctoday())
    for money_code, yearly in RATES.items():
        if money_code in PAYMENT_RATES:
            continue
        for i, per_unit in enumerate(yearly):
            payments.add_rate(
                session,
                actor=actor,
                data=ExchangeRateIn(
                    currency=money_code,
                    valid_on=date(2015 + i, 1, 1),
                    usd_per_unit=per_unit,
                    source="demo: illustrative rate",
                ),
            )
    funds.create_fund(session, actor=actor, data=PROJECT)
    schedule = meetings(rnd)
    prep_2026 = next(m.start for m in schedule if m.start.year == 2026)
    pledges = _plan_pledges(rnd, prep_2026)
    gifts, withdrawals = _plan_gifts(rnd, pledges)
    loader = _Loader(session, actor, rnd, limit)
    first: dict[str, date] = {}  # each donor is recorded on the day it first pledges or gives
    days = [(x.donor.name, x.on) for x in pledges] + [(x.donor.name, x.on) for x in gifts]
    for name, day in days:
        first[name] = min(first.get(name, day), day)
    for donor in DONORS:
        loader.at(first[donor.name], _DONOR, partial(loader.donor, donor, first[donor.name]))
    for p in pledges:
        loader.at(p.on, _PLEDGE, partial(loader.pledge, p))
    for gift in gifts:
        loader.at(gift.on, _RECEIPT, partial(loader.receive, gift))
    for i, day in withdrawals.items():
        loader.at(day, _WITHDRAW, partial(loader.withdraw, pledges[i], day))
    for year in range(FIRST_YEAR + 1, limit.year + 1):
        day = date(year, 3, 1) + timedelta(days=rnd.randint(0, 20))
        loader.at(day, _DECIDE, partial(loader.approve, year, day))
    for meeting in schedule:
        decided = meeting.start - timedelta(days=42)
        loader.at(decided, _DECIDE, partial(loader.sponsor, meeting, decided))
    for year in range(2019, limit.year + 1):
        for month, day_of_month in ((5, 10), (11, 3)):
            day = date(year, month, day_of_month) + timedelta(days=rnd.randint(0, 14))
            loader.at(day, _PAY, partial(loader.workshop, day))
    loader.run()
    counts = loader.counts
    return DemoVoluntary(
        donors=counts["donors"],
        pledges=counts["pledges"],
        withdrawn=counts["withdrawn"],
        receipts=counts["receipts"],
        reversed=counts["reversed"],
        confirmed=counts["confirmed"],
        explicit_matches=counts["explicit_matches"],
        projects=counts["projects"],
        cancelled=counts["cancelled"],
        reports=counts["reports"],
        sponsorships=counts["sponsorships"],
        disbursements=counts["disbursements"],
    )
