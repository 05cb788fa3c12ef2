"""Reading the packaged reference data and loading it into the database.

The readers are pure: they parse the CSV files in ``finance_core/reference/data`` (rates
as exact ``Decimal``) and check them. ``load_reference`` inserts what is missing: the 193
UN Member States, the Holy See and the State of Palestine, LDC periods, the UN scales of
assessments and the non-member notional rates. It never commits."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources

from sqlalchemy import select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.audit import service as audit
from finance_core.states.models import LdcPeriod, RegionalGroup, ScaleRate, State

#: The package whose ``data`` folder holds the files (see ``data/SOURCES.md``).
DATA_PACKAGE = "finance_core.reference"

#: The UN scale files, oldest first.
SCALE_FILES: tuple[str, ...] = (
    "un_scale_2013_2015.csv",
    "un_scale_2016_2018.csv",
    "un_scale_2019_2021.csv",
    "un_scale_2022_2024.csv",
    "un_scale_2025_2027.csv",
)
REGIONAL_GROUPS_FILE = "un_regional_groups.csv"
LDC_FILE = "un_ldc_list_2025.csv"
NOTIONAL_RATES_FILE = "non_member_notional_rates.csv"

UN_MEMBER_COUNT = 193
#: Non-member States that take part in the treaty's work: code → name.
NON_MEMBER_STATES: dict[str, str] = {"VAT": "Holy See", "PSE": "State of Palestine"}

SCALE_KIND_UN = "un"
SCALE_KIND_NOTIONAL = "notional"


class ReferenceDataError(ValueError):
    """The packaged reference data is malformed or inconsistent."""


@dataclass(frozen=True, slots=True)
class MemberState:
    """A UN Member State and its regional group."""

    code: str
    name: str
    regional_group: str


@dataclass(frozen=True, slots=True)
class ScaleEntry:
    """A State's rate (in percent) on a scale covering ``first_year``..``last_year``."""

    code: str
    name: str
    rate_percent: Decimal
    first_year: int
    last_year: int


@dataclass(frozen=True, slots=True)
class LdcEntry:
    """A State on the LDC list as of ``listed_on`` (the list's date)."""

    code: str
    name: str
    listed_on: date


@dataclass(frozen=True, slots=True)
class ReferenceResult:
    """How many rows ``load_reference`` added (rows already present are skipped)."""

    states: int
    ldc_periods: int
    scale_rates: int
    notional_rates: int


def scale_code(first_year: int, last_year: int) -> str:
    """The code of a UN scale period, e.g. ``UN 2025-2027``."""
    return f"UN {first_year}-{last_year}"


def read_rows(filename: str) -> list[dict[str, str]]:
    """The rows of a packaged CSV file as dicts keyed by its header."""
    resource = resources.files(DATA_PACKAGE).joinpath("data").joinpath(filename)
    text = resource.read_text(encoding="utf-8")
    return [
        {key.strip(): (value or "").strip() for key, value in row.items()}
        for row in csv.DictReader(io.StringIO(text, newline=""))
    ]


def _rate(text: str, filename: str, line: int) -> Decimal:
    try:
        rate = Decimal(text)
    except InvalidOperation:
        raise ReferenceDataError(f"{filename} line {line}: rate {text!r} is not a number") from None
    if not rate.is_finite() or rate < 0:
        raise ReferenceDataError(f"{filename} line {line}: rate {text!r} is not a valid rate")
    return rate


def _period(text: str, filename: str, line: int) -> tuple[int, int]:
    first, sep, last = text.partition("-")
    if not (sep and first.isdigit() and last.isdigit() and int(first) <= int(last)):
        raise ReferenceDataError(f"{filename} line {line}: period {text!r} is not YYYY-YYYY")
    return int(first), int(last)


def read_member_states() -> list[MemberState]:
    """The 193 UN Member States with their regional groups, in file order."""
    groups = {g.value for g in RegionalGroup}
    result = []
    for line, row in enumerate(read_rows(REGIONAL_GROUPS_FILE), start=2):
        if row["regional_group"] not in groups:
            raise ReferenceDataError(
                f"{REGIONAL_GROUPS_FILE} line {line}: unknown group {row['regional_group']!r}"
            )
        result.append(MemberState(row["iso3"], row["state_name"], row["regional_group"]))
    codes = [s.code for s in result]
    if len(set(codes)) != UN_MEMBER_COUNT or len(codes) != UN_MEMBER_COUNT:
        raise ReferenceDataError(
            f"{REGIONAL_GROUPS_FILE} must list {UN_MEMBER_COUNT} distinct States"
        )
    return result


def read_scale(filename: str) -> list[ScaleEntry]:
    """One UN scale file: a rate per Member State, all for the same period."""
    result = []
    for line, row in enumerate(read_rows(filename), start=2):
        first, last = _period(row["period"], filename, line)
        rate = _rate(row["rate_percent"], filename, line)
        result.append(ScaleEntry(row["iso3"], row["state_name"], rate, first, last))
    if len({(e.first_year, e.last_year) for e in result}) != 1:
        raise ReferenceDataError(f"{filename} must hold exactly one period")
    if len({e.code for e in result}) != len(result):
        raise ReferenceDataError(f"{filename} lists a State twice")
    return result


def read_scales() -> dict[str, list[ScaleEntry]]:
    """Every UN scale, oldest first, keyed by scale code (``UN 2013-2015`` …)."""
    result = {}
    for filename in SCALE_FILES:
        entries = read_scale(filename)
        result[scale_code(entries[0].first_year, entries[0].last_year)] = entries
    return result


def read_ldc_list() -> list[LdcEntry]:
    """The States on the LDC list (rows marked ``is_ldc`` true)."""
    result = []
    for line, row in enumerate(read_rows(LDC_FILE), start=2):
        if row["is_ldc"].lower() != "true":
            continue
        try:
            listed_on = date.fromisoformat(row["ldc_source_date"])
        except ValueError:
            raise ReferenceDataError(f"{LDC_FILE} line {line}: bad ldc_source_date") from None
        result.append(LdcEntry(row["iso3"], row["state_name"], listed_on))
    return result


def read_notional_rates() -> list[ScaleEntry]:
    """The notional rates of the non-member States (Holy See, State of Palestine)."""
    result = []
    for line, row in enumerate(read_rows(NOTIONAL_RATES_FILE), start=2):
        first, last = _period(row["period"], NOTIONAL_RATES_FILE, line)
        rate = _rate(row["rate_percent"], NOTIONAL_RATES_FILE, line)
        result.append(ScaleEntry(row["code"], row["name"], rate, first, last))
    return result


def check_codes(
    members: Iterable[MemberState],
    scales: dict[str, list[ScaleEntry]],
    ldcs: Iterable[LdcEntry],
    notional: Iterable[ScaleEntry],
) -> None:
    """Raise ReferenceDataError unless every code of the scales and the LDC list is one
    of the Member States and every notional rate belongs to a non-member State."""
    known = {m.code for m in members}
    for code, entries in scales.items():
        unknown = sorted({e.code for e in entries} - known)
        if unknown:
            raise ReferenceDataError(
                f"scale {code} names codes that are not UN Member States: {', '.join(unknown)}"
            )
    unknown = sorted({e.code for e in ldcs} - known)
    if unknown:
        raise ReferenceDataError(f"the LDC list names unknown codes: {', '.join(unknown)}")
    strangers = sorted({e.code for e in notional} - set(NON_MEMBER_STATES))
    if strangers:
        raise ReferenceDataError(
            f"notional rates for States that are not known non-members: {', '.join(strangers)}"
        )


def load_reference(session: Session, *, actor: Actor) -> ReferenceResult:
    """Insert the reference data that is not yet in the database (the caller commits)."""
    members = read_member_states()
    scales = read_scales()
    ldcs = read_ldc_list()
    notional = read_notional_rates()
    check_codes(members, scales, ldcs, notional)

    existing_states = set(session.execute(select(col(State.code))).scalars())
    new_states = [
        State(code=m.code, name=m.name, un_member=True, regional_group=m.regional_group)
        for m in members
        if m.code not in existing_states
    ]
    new_states += [
        State(code=code, name=name, un_member=False, regional_group=None)
        for code, name in NON_MEMBER_STATES.items()
        if code not in existing_states
    ]
    session.add_all(new_states)
    session.flush()

    existing_ldc = set(session.execute(select(col(LdcPeriod.state_code), col(LdcPeriod.from_on))))
    new_ldc = [
        LdcPeriod(state_code=e.code, from_on=e.listed_on, to_on=None, source=LDC_FILE)
        for e in ldcs
        if (e.code, e.listed_on) not in existing_ldc
    ]
    session.add_all(new_ldc)

    existing_rates = set(
        session.execute(select(col(ScaleRate.scale_code), col(ScaleRate.state_code)))
    )
    new_un = [
        ScaleRate(
            scale_code=code,
            first_year=e.first_year,
            last_year=e.last_year,
            state_code=e.code,
            rate_percent=e.rate_percent,
            kind=SCALE_KIND_UN,
            source=filename,
        )
        for filename, (code, entries) in zip(SCALE_FILES, scales.items(), strict=True)
        for e in entries
        if (code, e.code) not in existing_rates
    ]
    new_notional = [
        ScaleRate(
            scale_code=scale_code(e.first_year, e.last_year),
            first_year=e.first_year,
            last_year=e.last_year,
            state_code=e.code,
            rate_percent=e.rate_percent,
            kind=SCALE_KIND_NOTIONAL,
            source=NOTIONAL_RATES_FILE,
        )
        for e in notional
        if (scale_code(e.first_year, e.last_year), e.code) not in existing_rates
    ]
    session.add_all(new_un + new_notional)
    session.flush()

    result = ReferenceResult(
        states=len(new_states),
        ldc_periods=len(new_ldc),
        scale_rates=len(new_un),
        notional_rates=len(new_notional),
    )
    audit.record(
        session,
        actor=actor,
        action="reference.load",
        object_type="reference",
        detail={
            "states": result.states,
            "ldc_periods": result.ldc_periods,
            "scale_rates": result.scale_rates,
            "notional_rates": result.notional_rates,
        },
    )
    return result
