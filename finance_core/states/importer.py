"""Import of States and membership from a CSV or XLSX file: all rows or nothing.

One row per State. Columns (header names, any order; only ``code`` and ``name`` are
required): ``code`` (ISO alpha-3), ``name``, ``un_member`` (true/false, default true),
``regional_group``, ``signed_on``, ``deposited_on``, ``instrument``,
``withdrawal_notified_on``, ``withdrawal_effective_on``, ``ldc_from``, ``ldc_to``.
Dates are ``YYYY-MM-DD``. Rows are numbered as a spreadsheet shows them (the header is
row 1). Re-importing the same file changes nothing."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from sqlalchemy import select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.audit import service as audit
from finance_core.errors import ValidationFailed
from finance_core.states import membership
from finance_core.states.models import (
    Instrument,
    LdcPeriod,
    MembershipEvent,
    MembershipEventType,
    RegionalGroup,
    State,
)
from finance_core.states.schemas import ImportResult
from finance_core.uploads import MAX_BYTES as MAX_BYTES  # the importers' limit, kept here too
from finance_core.uploads import check_size, check_xlsx

REQUIRED_COLUMNS = ("code", "name")
OPTIONAL_COLUMNS = (
    "un_member",
    "regional_group",
    "signed_on",
    "deposited_on",
    "instrument",
    "withdrawal_notified_on",
    "withdrawal_effective_on",
    "ldc_from",
    "ldc_to",
)
_CODE = re.compile(r"^[A-Z]{3}$")
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n"}


@dataclass(slots=True)
class _Row:
    number: int
    code: str
    name: str
    un_member: bool
    regional_group: str | None
    events: list[tuple[MembershipEventType, date, date, Instrument | None]]
    ldc: tuple[date, date | None] | None


#: Most rows under the header, and most columns, of an imported table: checked before the
#: table is parsed, since a small file can name a far cell (``XFD1048576``) or hold a line
#: of a million commas, and the parser would build every empty cell up to it.
MAX_ROWS = 10_000
MAX_COLUMNS = 200


def _check_extent(rows: Iterable[Sequence[object]]) -> None:
    """ValidationFailed when ``rows`` (the header first) hold a row of more than
    MAX_COLUMNS cells, or a row holding anything (a blank line, an empty spreadsheet row
    do not count) beyond the first MAX_ROWS under the header."""
    for number, row in enumerate(rows, start=1):
        if len(row) > MAX_COLUMNS:
            raise ValidationFailed(
                f"row {number} has more than {MAX_COLUMNS} columns",
                fields={f"row {number}": "too many columns"},
            )
        if number > MAX_ROWS + 1 and any(v is not None for v in row):
            raise ValidationFailed(
                f"the file has more than {MAX_ROWS} rows", fields={"file": "too many rows"}
            )


def _xlsx_rows(content: bytes) -> Iterable[Sequence[object]]:
    """The first sheet's rows as pandas reads them: from the cells the sheet holds, not
    the dimension it declares."""
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        yield from sheet.iter_rows(values_only=True)
    finally:
        book.close()


def _csv_rows(content: bytes) -> Iterable[Sequence[object]]:
    """The records of a CSV file as the ``csv`` module splits them (quotes honoured)."""
    return csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))


def read_table(content: bytes, filename: str) -> pd.DataFrame:
    """The file's rows as text (CSV or XLSX by file name), with normalised headers; a
    file beyond the limits of ``finance_core.uploads``, or with more than MAX_ROWS rows
    or MAX_COLUMNS columns, is refused before it is parsed."""
    suffix = Path(filename).suffix.lower()
    check_size(content)
    try:
        if suffix in (".xlsx", ".xlsm"):
            check_xlsx(content, filename)
            _check_extent(_xlsx_rows(content))
            frame = pd.read_excel(io.BytesIO(content), dtype=str, keep_default_na=False)
        elif suffix in (".csv", ".txt", ""):
            _check_extent(_csv_rows(content))
            frame = pd.read_csv(
                io.BytesIO(content), dtype=str, keep_default_na=False, encoding="utf-8-sig"
            )
        else:
            raise ValidationFailed(
                f"cannot read {suffix} files: give a .csv or .xlsx file",
                fields={"file": "unsupported type"},
            )
    except ValidationFailed:
        raise
    except Exception as exc:
        raise ValidationFailed(
            f"cannot read {filename}: {exc}", fields={"file": "unreadable"}
        ) from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame


def _parse_rows(frame: pd.DataFrame) -> list[_Row]:
    errors: dict[str, str] = {}
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValidationFailed(
            f"missing column {', '.join(missing)}",
            fields={f"column {c}": "missing" for c in missing},
        )
    unknown = [c for c in frame.columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise ValidationFailed(
            f"unknown column {', '.join(unknown)}",
            fields={f"column {c}": "unknown" for c in unknown},
        )
    groups = {g.value for g in RegionalGroup}
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for index, record in enumerate(frame.to_dict("records")):
        number = index + 2
        cell = {str(k): str(v).strip() for k, v in record.items()}

        def err(column: str, message: str, number: int = number) -> None:
            errors.setdefault(f"row {number}, {column}", message)

        def day(column: str, cell: dict[str, str] = cell) -> date | None:
            text = cell.get(column, "")
            if not text:
                return None
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                err(column, f"{text!r} is not a date (YYYY-MM-DD)")
                return None

        code = cell.get("code", "").upper()
        if not _CODE.match(code):
            err("code", f"{cell.get('code', '')!r} is not an ISO 3166 alpha-3 code")
        elif code in seen:
            err("code", f"{code} already appears on row {seen[code]}")
        else:
            seen[code] = number
        name = cell.get("name", "")
        if not name:
            err("name", "required")
        flag = cell.get("un_member", "").lower()
        un_member = True
        if flag in _FALSE:
            un_member = False
        elif flag and flag not in _TRUE:
            err("un_member", f"{flag!r} is not true or false")
        group = cell.get("regional_group") or None
        if group is not None and group not in groups:
            err("regional_group", f"{group!r} is not a UN regional group")
        signed, deposited = day("signed_on"), day("deposited_on")
        notified, withdrawal_on = day("withdrawal_notified_on"), day("withdrawal_effective_on")
        ldc_from, ldc_to = day("ldc_from"), day("ldc_to")
        instrument: Instrument | None = None
        text = cell.get("instrument", "").lower()
        if text:
            try:
                instrument = Instrument(text)
            except ValueError:
                err(
                    "instrument", f"{text!r} is not ratification, accession, acceptance or approval"
                )
        events: list[tuple[MembershipEventType, date, date, Instrument | None]] = []
        if signed:
            events.append((MembershipEventType.SIGNATURE, signed, signed, None))
        if deposited:
            if instrument is None and not text:
                err("instrument", "required when deposited_on is given")
            if signed and deposited < signed:
                err("deposited_on", f"deposit {deposited} is before signature {signed}")
            eif = membership.entry_into_force_for(deposited)
            events.append((MembershipEventType.DEPOSIT, deposited, eif, instrument))
        elif text:
            err("instrument", "given without deposited_on")
        if notified:
            if not deposited:
                err("withdrawal_notified_on", "a State that never deposited cannot withdraw")
            elif notified < deposited:
                err("withdrawal_notified_on", f"notice {notified} is before deposit {deposited}")
            if withdrawal_on and withdrawal_on < notified:
                err("withdrawal_effective_on", "before the notice of withdrawal")
            effective = membership.withdrawal_effective_on(notified, withdrawal_on)
            events.append((MembershipEventType.WITHDRAWAL, notified, effective, None))
        elif withdrawal_on:
            err("withdrawal_effective_on", "given without withdrawal_notified_on")
        if ldc_to and not ldc_from:
            err("ldc_to", "given without ldc_from")
        if ldc_from and ldc_to and ldc_to <= ldc_from:
            err("ldc_to", f"{ldc_to} is not after ldc_from {ldc_from}")
        rows.append(
            _Row(
                number=number,
                code=code,
                name=name,
                un_member=un_member,
                regional_group=group,
                events=events,
                ldc=(ldc_from, ldc_to) if ldc_from else None,
            )
        )
    if not rows:
        errors["file"] = "no rows"
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(
            f"{len(errors)} problem(s) in the file; first: {first}: {errors[first]}",
            fields=errors,
        )
    return rows


def import_states(session: Session, *, actor: Actor, content: bytes, filename: str) -> ImportResult:
    """Create or update every State in the file and add its membership events.

    Any bad row raises ValidationFailed naming row and column, before anything is written."""
    rows = _parse_rows(read_table(content, filename))
    codes = [r.code for r in rows]
    states = {
        s.code: s
        for s in session.execute(select(State).where(col(State.code).in_(codes))).scalars()
    }
    names = {n: c for c, n in session.execute(select(col(State.code), col(State.name))).all()}
    existing_events: dict[str, list[MembershipEvent]] = {}
    for e in session.execute(
        select(MembershipEvent).where(col(MembershipEvent.state_code).in_(codes))
    ).scalars():
        existing_events.setdefault(e.state_code, []).append(e)
    ldc_existing = {
        (p.state_code, p.from_on)
        for p in session.execute(
            select(LdcPeriod).where(col(LdcPeriod.state_code).in_(codes))
        ).scalars()
    }
    errors: dict[str, str] = {}
    plan: list[tuple[_Row, list[tuple[MembershipEventType, date, date, Instrument | None]]]] = []
    for row in rows:
        owner = names.get(row.name)
        if owner is not None and owner != row.code:
            errors[f"row {row.number}, name"] = f"{row.name!r} is already the name of {owner}"
        have = existing_events.get(row.code, [])
        new_events = [
            ev
            for ev in row.events
            if not any(e.event_type == ev[0] and e.event_on == ev[1] for e in have)
        ]
        for ev in new_events:
            clash = next((e for e in have if e.event_type == ev[0]), None)
            if clash is not None and ev[0] is not MembershipEventType.WITHDRAWAL:
                column = "signed_on" if ev[0] is MembershipEventType.SIGNATURE else "deposited_on"
                errors[f"row {row.number}, {column}"] = (
                    f"{row.code} already has a {ev[0].value} on {clash.event_on}"
                )
        history = [membership.Event(e.event_type, e.event_on, e.effective_on) for e in have]
        problem = membership.check_order(
            history + [membership.Event(t, on, eff) for t, on, eff, _ in new_events]
        )
        if problem:
            errors.setdefault(f"row {row.number}, deposited_on", problem)
        plan.append((row, new_events))
    if errors:
        first = next(iter(errors))
        raise ValidationFailed(
            f"{len(errors)} problem(s) in the file; first: {first}: {errors[first]}",
            fields=errors,
        )
    created = updated = added = 0
    for row, _events in plan:
        state = states.get(row.code)
        if state is None:
            session.add(
                State(
                    code=row.code,
                    name=row.name,
                    un_member=row.un_member,
                    regional_group=row.regional_group,
                )
            )
            created += 1
        elif (state.name, state.un_member, state.regional_group) != (
            row.name,
            row.un_member,
            row.regional_group,
        ):
            state.name, state.un_member = row.name, row.un_member
            state.regional_group = row.regional_group
            session.add(state)
            updated += 1
    session.flush()
    for row, new_events in plan:
        for event_type, event_on, effective, instrument in new_events:
            session.add(
                MembershipEvent(
                    state_code=row.code,
                    event_type=event_type,
                    instrument=instrument,
                    event_on=event_on,
                    effective_on=effective,
                    reference=f"import {filename}",
                    recorded_by=actor.name,
                )
            )
            added += 1
        if row.ldc and (row.code, row.ldc[0]) not in ldc_existing:
            session.add(
                LdcPeriod(
                    state_code=row.code,
                    from_on=row.ldc[0],
                    to_on=row.ldc[1],
                    source=f"import {filename}",
                )
            )
    session.flush()
    result = ImportResult(
        rows=len(rows), states_created=created, states_updated=updated, events_added=added
    )
    audit.record(
        session,
        actor=actor,
        action="states.import",
        object_type="file",
        object_id=filename[:120],
        detail=result.model_dump(),
    )
    return result
