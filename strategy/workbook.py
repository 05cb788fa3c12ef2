"""A draft strategic plan as an xlsx workbook: exported, edited offline, checked and
imported back.

**Sheets.** ``Read me`` explains the columns and the values allowed; ``Plan`` (code,
title, description, years, status: only the title and the description are read back);
``Elements`` (goals, objectives, outputs, activities); ``Indicators``; ``Targets`` (one
row per indicator and year). Rows are matched with the stored plan by code: a new code
is an addition, a code no longer there a removal, a changed code both. Values are
decimal text; numbers typed as numbers are read through their shortest decimal form and
checked for digits, never carried as floats. Text a spreadsheet would read as a formula
(starting with ``=``, ``+``, ``-`` or ``@``) is written after a quote (``'``), which is
taken off again when read.

**Reading** (``parse_workbook``) is pure and bounded (5 MB, 50 MB unpacked as the zip
declares it); every cell is checked and the problems are raised together in one
ValidationFailed keyed by cell (``"Indicators!C7"``).

**Checking against the plan** (``diff_plan``) lists what would change, then applies it
inside a SAVEPOINT through the service functions, each operation in a SAVEPOINT of its
own so that every refusal is collected, and rolls it all back: the service's own checks
(parents and levels, elements of indicators, years of targets, measures, values) decide,
and the fields they name are mapped back to cells. ``apply_changes`` does the same and
keeps the result: all of it or nothing."""

from __future__ import annotations

import io
import re
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import partial
from typing import Any, TypeVar

import xlsxwriter
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from pydantic import ValidationError as PydanticError
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.cells import FORMULA_STARTS, text_safe
from finance_core.errors import Conflict, DomainError, ValidationFailed
from finance_core.uploads import check_xlsx
from strategy import service
from strategy.measures import MEASURES
from strategy.models import PARENT_LEVEL, ElementLevel, PlanElement, PlanStatus, Source, Unit
from strategy.progress import Direction, TargetKind
from strategy.schemas import (
    ElementChange,
    ElementIn,
    ElementUpdate,
    FieldChange,
    IndicatorChange,
    IndicatorIn,
    PlanChanges,
    PlanUpdate,
    TargetChange,
    TargetIn,
)

#: Most rows of a sheet read (the file's size limits are ``finance_core.uploads``'s).
MAX_ROWS = 10_000
#: Most columns of a sheet read (a heading or a cell further right is ignored).
MAX_COLUMNS = 100

README, PLAN, ELEMENTS, INDICATORS, TARGETS = "Read me", "Plan", "Elements", "Indicators", "Targets"

#: The columns of each sheet, in the order written.
COLUMNS: dict[str, tuple[str, ...]] = {
    PLAN: ("code", "title", "description", "first_year", "last_year", "status"),
    ELEMENTS: ("level", "code", "parent_code", "title", "description", "order"),
    INDICATORS: (
        "code",
        "element_code",
        "title",
        "description",
        "unit",
        "direction",
        "baseline_value",
        "baseline_year",
        "target_kind",
        "source",
        "measure",
        "disaggregation",
        "order",
    ),
    TARGETS: ("indicator_code", "year", "value"),
}
#: The columns read back (the Plan sheet's years and status are for information).
REQUIRED: dict[str, tuple[str, ...]] = {
    PLAN: ("code", "title", "description"),
    ELEMENTS: COLUMNS[ELEMENTS],
    INDICATORS: COLUMNS[INDICATORS],
    TARGETS: COLUMNS[TARGETS],
}
#: Columns whose lists of allowed values the workbook offers.
CHOICES: dict[str, type[StrEnum]] = {
    "level": ElementLevel,
    "unit": Unit,
    "direction": Direction,
    "target_kind": TargetKind,
    "source": Source,
}
_WIDTHS = {"title": 48, "description": 60, "code": 14, "element_code": 14, "parent_code": 14}
_VALUES = frozenset({"baseline_value", "value"})

#: Who applies a workbook while it is only checked (everything it writes is rolled back).
PREVIEW = Actor(name="plan workbook preview", origin="preview")


def _unquote(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _layout() -> dict[str, dict[str, str]]:
    return {
        sheet: {name: get_column_letter(i + 1) for i, name in enumerate(names)}
        for sheet, names in COLUMNS.items()
    }


# --- the plan as rows ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ElementRow:
    """A goal, objective, output or activity (``row``: its row on the sheet; 0 when
    read from the database)."""

    level: ElementLevel
    code: str
    parent_code: str | None
    title: str
    description: str | None
    order: int
    row: int = 0


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """An indicator without its targets."""

    code: str
    element_code: str
    title: str
    description: str | None
    unit: Unit
    direction: Direction
    baseline_value: Decimal
    baseline_year: int
    target_kind: TargetKind
    source: Source
    measure: str | None
    disaggregation: str | None
    order: int
    row: int = 0


@dataclass(frozen=True, slots=True)
class TargetRow:
    indicator_code: str
    year: int
    value: Decimal
    row: int = 0


@dataclass(frozen=True, slots=True)
class PlanSheet:
    """A plan as a workbook holds it. ``columns``: per sheet, the letter of each column
    (to name the cell at fault)."""

    code: str
    title: str
    description: str | None
    first_year: int | None = None
    last_year: int | None = None
    status: str | None = None
    elements: tuple[ElementRow, ...] = ()
    indicators: tuple[IndicatorRow, ...] = ()
    targets: tuple[TargetRow, ...] = ()
    columns: Mapping[str, Mapping[str, str]] = field(default_factory=_layout)


ELEMENT_FIELDS = ("level", "parent_code", "title", "description", "order")
INDICATOR_FIELDS = (
    "element_code",
    "title",
    "description",
    "unit",
    "direction",
    "baseline_value",
    "baseline_year",
    "target_kind",
    "source",
    "measure",
    "disaggregation",
    "order",
)


def _tree_order(elements: Sequence[PlanElement]) -> list[PlanElement]:
    """Goals in order, each followed by what is under it (depth first)."""
    children: dict[int | None, list[PlanElement]] = defaultdict(list)
    for e in elements:
        children[e.parent_id].append(e)
    ordered: list[PlanElement] = []

    def walk(parent: int | None) -> None:
        for e in children.get(parent, []):
            ordered.append(e)
            walk(e.id)

    walk(None)
    return ordered


def plan_sheet(session: Session, *, plan_id: int) -> PlanSheet:
    """The stored plan as rows: elements depth first, indicators and their targets in
    order."""
    plan = service.get_plan(session, plan_id=plan_id)
    elements = service.elements_of(session, plan_id=plan_id)
    codes = {e.id: e.code for e in elements}
    indicators = service.indicators_of(session, plan_id=plan_id)
    return PlanSheet(
        code=plan.code,
        title=plan.title,
        description=plan.description,
        first_year=plan.first_year,
        last_year=plan.last_year,
        status=PlanStatus(plan.status).value,
        elements=tuple(
            ElementRow(
                level=ElementLevel(e.level),
                code=e.code,
                parent_code=codes.get(e.parent_id) if e.parent_id is not None else None,
                title=e.title,
                description=e.description,
                order=e.sort_order,
            )
            for e in _tree_order(elements)
        ),
        indicators=tuple(
            IndicatorRow(
                code=i.code,
                element_code=codes[i.element_id],
                title=i.title,
                description=i.description,
                unit=Unit(i.unit),
                direction=Direction(i.direction),
                baseline_value=i.baseline_value,
                baseline_year=i.baseline_year,
                target_kind=TargetKind(i.target_kind),
                source=Source(i.source),
                measure=i.measure,
                disaggregation=i.disaggregation,
                order=i.sort_order,
            )
            for i in indicators
        ),
        targets=tuple(
            TargetRow(indicator_code=i.code, year=year, value=value)
            for i in indicators
            for year, value in service.targets_of(session, indicator_id=i.id or 0).items()
        ),
    )


# --- writing ---------------------------------------------------------------------------


def _readme_rows() -> list[tuple[str, str]]:
    def allowed(enum: type[StrEnum]) -> str:
        return ", ".join(v.value for v in enum)

    measures = "; ".join(f"{m.name} ({m.unit}): {m.title}" for m in MEASURES.values())
    return [
        (
            "This workbook",
            "A strategic plan to edit while it is a draft, then to import back (attfin "
            "plan-workbook import, or POST /api/v1/strategy/plans/{id}/workbook/preview and "
            "…/import). The preview lists what would change and writes nothing; the import "
            "applies it all or nothing. Rows are matched with the plan by code: a new code "
            "adds, a code no longer there removes, a changed code removes and adds. Text "
            "starting with = + - @ is shown after a quote ('), which the import takes off.",
        ),
        ("Plan", "Only title and description are read back; the other columns are read only."),
        ("Plan: code", "The plan this workbook is of; importing it into another plan is refused."),
        ("Elements", "One row per goal, objective, output or activity."),
        ("Elements: level", f"One of {allowed(ElementLevel)}."),
        ("Elements: code", "Unique in the plan: letters, digits, '.', '-' and '_'."),
        (
            "Elements: parent_code",
            "Empty for a goal; the goal of an objective; the objective of an output or an "
            "activity. Changing the level or the parent moves the element with what is "
            "under it.",
        ),
        ("Elements: order", "Order among the siblings (a whole number, 0 if empty)."),
        ("Indicators", "One row per indicator of a goal or an objective."),
        ("Indicators: element_code", "The goal or objective it measures."),
        ("Indicators: unit", f"One of {allowed(Unit)}."),
        ("Indicators: direction", f"One of {allowed(Direction)}."),
        (
            "Indicators: baseline_value",
            "A decimal in the unit (85.5 for 85.5 %), at most 6 decimals; written as text so "
            "that every digit is kept.",
        ),
        ("Indicators: baseline_year", "At the latest the plan's first year."),
        (
            "Indicators: target_kind",
            f"One of {allowed(TargetKind)} (cumulative: each year's target is the total "
            "from the plan's first year).",
        ),
        (
            "Indicators: source",
            f"One of {allowed(Source)}; a computed indicator names its measure, has the "
            "measure's unit and annual targets.",
        ),
        ("Indicators: measure", f"Computed indicators only, one of: {measures}."),
        (
            "Indicators: disaggregation",
            "Entered indicators: a key such as regional_group (lower case, digits, _).",
        ),
        ("Targets", "One row per indicator and year of the plan; adoption needs every year."),
        ("Targets: value", "A decimal in the indicator's unit, written as text."),
    ]


def render_workbook(sheet: PlanSheet) -> bytes:
    """The workbook of ``sheet``: header rows bold and frozen, filters, lists of the
    allowed values, values as text."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    book.set_properties(
        {
            "title": f"Strategic plan {sheet.code}",
            "subject": sheet.title,
            "author": "ATT Secretariat",
            "comments": "Edit while the plan is a draft, then import (see the Read me sheet).",
        }
    )
    head = book.add_format({"bold": True, "bg_color": "#e8eef5", "bottom": 1})
    text = book.add_format({"num_format": "@"})
    editable = book.add_format({"num_format": "@", "locked": False})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})

    readme = book.add_worksheet(README)
    readme.set_column(0, 0, 28)
    readme.set_column(1, 1, 100, wrap)
    readme.write_string(0, 0, "sheet: column", head)
    readme.write_string(0, 1, "meaning and allowed values", head)
    for r, (name, meaning) in enumerate(_readme_rows(), start=1):
        readme.write_string(r, 0, name, wrap)
        readme.write_string(r, 1, text_safe(meaning), wrap)
    readme.freeze_panes(1, 0)

    def table(name: str, rows: Iterable[Sequence[object]]) -> Any:
        ws = book.add_worksheet(name)
        names = COLUMNS[name]
        for c, column in enumerate(names):
            ws.set_column(c, c, _WIDTHS.get(column, 16), text if column in _VALUES else None)
            ws.write_string(0, c, column, head)
        count = 0
        for r, values in enumerate(rows, start=1):
            count = r
            for c, value in enumerate(values):
                if isinstance(value, int):
                    ws.write_number(r, c, value)
                elif isinstance(value, Decimal):
                    ws.write_string(r, c, format(value, "f"), text)
                elif value is not None:
                    ws.write_string(r, c, text_safe(value))
        for c, column in enumerate(names):
            if column in CHOICES:
                ws.data_validation(
                    1,
                    c,
                    MAX_ROWS,
                    c,
                    {
                        "validate": "list",
                        "source": [v.value for v in CHOICES[column]],
                        "error_title": column,
                        "error_message": "Choose one of the values listed.",
                    },
                )
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(count, 1), len(names) - 1)
        return ws

    plan = table(PLAN, [])
    for c, value in enumerate(
        (sheet.code, sheet.title, sheet.description, sheet.first_year, sheet.last_year)
    ):
        fmt = editable if c in (1, 2) else None
        if isinstance(value, int):
            plan.write_number(1, c, value)
        elif value is None:
            plan.write_blank(1, c, None, fmt)
        else:
            plan.write_string(1, c, text_safe(value), fmt)
    plan.write_string(1, 5, sheet.status or "")
    plan.protect("", {"autofilter": True, "format_columns": True, "format_rows": True})

    table(
        ELEMENTS,
        (
            (e.level.value, e.code, e.parent_code, e.title, e.description, e.order)
            for e in sheet.elements
        ),
    )
    table(
        INDICATORS,
        (
            (
                i.code,
                i.element_code,
                i.title,
                i.description,
                i.unit.value,
                i.direction.value,
                i.baseline_value,
                i.baseline_year,
                i.target_kind.value,
                i.source.value,
                i.measure,
                i.disaggregation,
                i.order,
            )
            for i in sheet.indicators
        ),
    )
    table(TARGETS, ((t.indicator_code, t.year, t.value) for t in sheet.targets))
    book.close()
    return buffer.getvalue()


def export_plan(session: Session, *, plan_id: int) -> bytes:
    """The plan as an xlsx workbook (see the module's description)."""
    return render_workbook(plan_sheet(session, plan_id=plan_id))


# --- reading ---------------------------------------------------------------------------


def _raise(errors: dict[str, str]) -> None:
    if errors:
        key, message = next(iter(errors.items()))
        raise ValidationFailed(
            f"{len(errors)} problem(s) in the workbook; the first: {key}: {message}",
            fields=errors,
        )


class _Bad(Exception):
    """A cell that cannot be read (the message says why)."""


EnumT = TypeVar("EnumT", bound=StrEnum)


def _text(raw: object) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, bool | date | time):
        raise _Bad("text expected")
    if isinstance(raw, float):
        text = str(int(raw)) if raw.is_integer() else repr(raw)
    else:
        text = str(raw)
    text = _unquote(text.strip())
    return text or None


def _required(raw: object) -> str:
    text = _text(raw)
    if text is None:
        raise _Bad("required")
    return text


def _integer(raw: object, default: int | None = None) -> int:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if default is None:
            raise _Bad("required")
        return default
    if isinstance(raw, bool):
        raise _Bad("a whole number expected")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise _Bad(f"{raw!r} is not a whole number")
    if isinstance(raw, str) and re.fullmatch(r"[+-]?\d{1,9}", raw.strip()):
        return int(raw.strip())
    raise _Bad(f"{raw!r} is not a whole number")


def _number(raw: object) -> str:
    """A value as decimal text: a number typed as a number goes through its shortest
    decimal form (``repr``), never kept as a float."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise _Bad("required")
    if isinstance(raw, bool | date | time):
        raise _Bad("a number expected")
    text = repr(raw) if isinstance(raw, float) else _unquote(str(raw).strip())
    try:
        Decimal(text)
    except InvalidOperation:
        raise _Bad(f"{text!r} is not a number") from None
    return text


def _choice(raw: object, enum: type[EnumT]) -> EnumT:
    text = _required(raw).lower()
    try:
        return enum(text)
    except ValueError:
        allowed = ", ".join(v.value for v in enum)
        raise _Bad(f"{text!r} is not one of {allowed}") from None


@dataclass(slots=True)
class _Table:
    name: str
    positions: dict[str, int]
    rows: list[tuple[int, tuple[object, ...]]]

    def letter(self, column: str) -> str:
        return str(get_column_letter(self.positions[column] + 1))


def _read_tables(book: Any) -> dict[str, _Table]:
    errors: dict[str, str] = {}
    names = {str(n).strip().lower(): n for n in book.sheetnames}
    tables: dict[str, _Table] = {}
    layout = _layout()
    for name in (PLAN, ELEMENTS, INDICATORS, TARGETS):
        actual = names.get(name.lower())
        if actual is None:
            errors[name] = f"no sheet {name}"
            continue
        sheet = book[actual]
        sheet.reset_dimensions()  # the cells the sheet holds, not the size it declares
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        header = next(rows, ()) or ()
        positions: dict[str, int] = {}
        for index, cell in enumerate(header):
            heading = str(cell).strip().lower() if cell is not None else ""
            if heading in positions:
                errors[f"{name}!{get_column_letter(index + 1)}1"] = f"column {heading} twice"
            elif heading in COLUMNS[name]:
                positions[heading] = index
        for column in REQUIRED[name]:
            if column not in positions:
                errors[f"{name}!{layout[name][column]}1"] = f"no column {column}"
        body: list[tuple[int, tuple[object, ...]]] = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:
                errors[name] = f"more than {MAX_ROWS} rows"
                break
            if any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values):
                body.append((number, tuple(values)))
        tables[name] = _Table(name, positions, body)
    _raise(errors)
    return tables


class _Reader:
    """Reads the tables into rows, collecting a message per cell at fault."""

    def __init__(self, tables: dict[str, _Table]) -> None:
        self.tables = tables
        self.errors: dict[str, str] = {}

    def key(self, table: _Table, column: str, number: int) -> str:
        return f"{table.name}!{table.letter(column)}{number}"

    def fail(self, key: str, message: str) -> None:
        self.errors[key] = f"{self.errors[key]}; {message}" if key in self.errors else message

    def cells(self, table: _Table, number: int, values: tuple[object, ...]) -> dict[str, object]:
        return {
            column: values[index] if index < len(values) else None
            for column, index in table.positions.items()
        }

    def read(
        self,
        table: _Table,
        number: int,
        cells: dict[str, object],
        convert: Mapping[str, Callable[[object], object]],
    ) -> dict[str, Any] | None:
        """Each cell converted, or None (and the messages noted) when one cannot be."""
        out: dict[str, Any] = {}
        ok = True
        for column, fn in convert.items():
            try:
                out[column] = fn(cells.get(column))
            except _Bad as exc:
                self.fail(self.key(table, column, number), str(exc))
                ok = False
        return out if ok else None

    def schema(self, table: _Table, number: int, check: Callable[[], object]) -> bool:
        """Whether the row passes the schema of the service (lengths, patterns, ranges)."""
        try:
            check()
        except PydanticError as exc:
            for error in exc.errors():
                column = str(error["loc"][0]) if error["loc"] else "code"
                column = column if column in table.positions else COLUMNS[table.name][0]
                self.fail(self.key(table, column, number), error["msg"])
            return False
        return True

    def plan(self) -> tuple[str, str, str | None, int | None, int | None, str | None]:
        table = self.tables[PLAN]
        if not table.rows:
            self.fail(f"{PLAN}!{table.letter('code')}2", "required")
            return "", "", None, None, None, None
        for number, _values in table.rows[1:]:
            self.fail(f"{PLAN}!A{number}", "the Plan sheet has one row")
        number, values = table.rows[0]
        cells = self.cells(table, number, values)
        got = self.read(
            table, number, cells, {"code": _required, "title": _required, "description": _text}
        )
        if got is None:
            return "", "", None, None, None, None

        def loose(column: str) -> int | None:
            try:
                return _integer(cells.get(column))
            except _Bad:
                return None

        status = cells.get("status")
        return (
            got["code"],
            got["title"],
            got["description"],
            loose("first_year"),
            loose("last_year"),
            str(status) if isinstance(status, str) else None,
        )

    def elements(self, written: set[str]) -> list[ElementRow]:
        table = self.tables[ELEMENTS]
        rows: list[ElementRow] = []
        seen: dict[str, int] = {}
        for number, values in table.rows:
            cells = self.cells(table, number, values)
            got = self.read(
                table,
                number,
                cells,
                {
                    "level": lambda v: _choice(v, ElementLevel),
                    "code": _required,
                    "parent_code": _text,
                    "title": _required,
                    "description": _text,
                    "order": lambda v: _integer(v, 0),
                },
            )
            if got is None:
                continue
            row = ElementRow(**got, row=number)
            if not self.schema(table, number, partial(ElementIn, **_element_fields(row))):
                continue
            if row.code in seen:
                self.fail(
                    self.key(table, "code", number), f"{row.code} is also on row {seen[row.code]}"
                )
                continue
            seen[row.code] = number
            rows.append(row)
        for r in rows:
            if r.parent_code is not None and r.parent_code not in written:
                self.fail(
                    self.key(table, "parent_code", r.row),
                    f"no element {r.parent_code} on the Elements sheet",
                )
        return rows

    def indicators(self, written: set[str]) -> list[IndicatorRow]:
        table = self.tables[INDICATORS]
        rows: list[IndicatorRow] = []
        seen: dict[str, int] = {}
        for number, values in table.rows:
            cells = self.cells(table, number, values)
            got = self.read(
                table,
                number,
                cells,
                {
                    "code": _required,
                    "element_code": _required,
                    "title": _required,
                    "description": _text,
                    "unit": lambda v: _choice(v, Unit),
                    "direction": lambda v: _choice(v, Direction),
                    "baseline_value": _number,
                    "baseline_year": _integer,
                    "target_kind": lambda v: _choice(v, TargetKind),
                    "source": lambda v: _choice(v, Source),
                    "measure": _text,
                    "disaggregation": _text,
                    "order": lambda v: _integer(v, 0),
                },
            )
            if got is None:
                continue
            key = self.key(table, "baseline_value", number)
            try:
                got["baseline_value"] = service.parse_value(
                    got["baseline_value"], unit=got["unit"], field=key
                )
            except ValidationFailed as exc:
                for k, message in exc.fields.items():
                    self.fail(k, message)
                continue
            row = IndicatorRow(**got, row=number)
            if not self.schema(table, number, partial(indicator_in, row, [])):
                continue
            if row.code in seen:
                self.fail(
                    self.key(table, "code", number), f"{row.code} is also on row {seen[row.code]}"
                )
                continue
            seen[row.code] = number
            if row.element_code not in written:
                self.fail(
                    self.key(table, "element_code", number),
                    f"no element {row.element_code} on the Elements sheet",
                )
            rows.append(row)
        return rows

    def targets(self, indicators: Mapping[str, Unit], invalid: set[str]) -> list[TargetRow]:
        table = self.tables[TARGETS]
        rows: list[TargetRow] = []
        seen: dict[tuple[str, int], int] = {}
        for number, values in table.rows:
            cells = self.cells(table, number, values)
            got = self.read(
                table,
                number,
                cells,
                {"indicator_code": _required, "year": _integer, "value": _number},
            )
            if got is None:
                continue
            code, year = got["indicator_code"], got["year"]
            if code not in indicators:
                if code not in invalid:
                    self.fail(
                        self.key(table, "indicator_code", number),
                        f"no indicator {code} on the Indicators sheet",
                    )
                continue
            key = self.key(table, "value", number)
            try:
                value = service.parse_value(got["value"], unit=indicators[code], field=key)
            except ValidationFailed as exc:
                for k, message in exc.fields.items():
                    self.fail(k, message)
                continue
            if (code, year) in seen:
                self.fail(
                    self.key(table, "year", number),
                    f"{code} {year} is also on row {seen[(code, year)]}",
                )
                continue
            seen[(code, year)] = number
            rows.append(TargetRow(indicator_code=code, year=year, value=value, row=number))
        return rows


def _written(table: _Table) -> set[str]:
    """Every code written on a sheet, on rows valid or not."""
    if "code" not in table.positions:
        return set()
    index = table.positions["code"]
    codes: set[str] = set()
    for _number, values in table.rows:
        try:
            text = _text(values[index] if index < len(values) else None)
        except _Bad:
            continue
        if text:
            codes.add(text)
    return codes


def parse_workbook(data: bytes) -> PlanSheet:
    """The plan held by an xlsx workbook (pure: nothing is read from the database).
    ValidationFailed names every cell at fault (``"Indicators!C7"``) when the file is
    too large, is not a workbook, lacks a sheet or a column, or a cell is bad."""
    check_xlsx(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ValidationFailed(
            f"the file is not a readable xlsx workbook: {type(exc).__name__}",
            fields={"file": "not an xlsx workbook"},
        ) from exc
    try:
        try:
            tables = _read_tables(book)
        except ValidationFailed:
            raise
        except Exception as exc:
            raise ValidationFailed(
                f"the workbook cannot be read: {type(exc).__name__}",
                fields={"file": "not an xlsx workbook"},
            ) from exc
    finally:
        book.close()
    reader = _Reader(tables)
    code, title, description, first_year, last_year, status = reader.plan()
    elements = reader.elements(_written(tables[ELEMENTS]))
    indicators = reader.indicators(_written(tables[ELEMENTS]))
    units = {i.code: i.unit for i in indicators}
    targets = reader.targets(units, _written(tables[INDICATORS]) - set(units))
    _raise(reader.errors)
    return PlanSheet(
        code=code,
        title=title,
        description=description,
        first_year=first_year,
        last_year=last_year,
        status=status,
        elements=tuple(elements),
        indicators=tuple(indicators),
        targets=tuple(targets),
        columns={name: {c: t.letter(c) for c in t.positions} for name, t in tables.items()},
    )


# --- comparing -------------------------------------------------------------------------


def _element_fields(e: ElementRow) -> dict[str, Any]:
    return {
        "level": e.level,
        "parent_code": e.parent_code,
        "code": e.code,
        "title": e.title,
        "description": e.description,
        "order": e.order,
    }


def indicator_in(i: IndicatorRow, targets: Sequence[TargetRow]) -> IndicatorIn:
    """What the service takes to add or replace the indicator with these targets. The
    targets are set after validation: the service checks them year by year, so that a
    year outside the plan is named by its cell rather than refused as one target too
    many."""
    data = IndicatorIn(
        element_code=i.element_code,
        code=i.code,
        title=i.title,
        description=i.description,
        unit=i.unit,
        direction=i.direction,
        baseline_value=format(i.baseline_value, "f"),
        baseline_year=i.baseline_year,
        target_kind=i.target_kind,
        source=i.source,
        measure=i.measure,
        disaggregation=i.disaggregation,
        order=i.order,
    )
    chosen = [TargetIn(year=t.year, value=format(t.value, "f")) for t in targets]
    return data.model_copy(update={"targets": chosen})


def _show(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, StrEnum):
        return value.value
    return str(value)


def _differences(old: object, new: object, names: Sequence[str]) -> list[FieldChange]:
    return [
        FieldChange(field=name, old=_show(getattr(old, name)), new=_show(getattr(new, name)))
        for name in names
        if getattr(old, name) != getattr(new, name)
    ]


@dataclass(slots=True)
class _Changes:
    """What a workbook changes, with the rows involved (for applying it)."""

    plan: list[FieldChange]
    elements_added: list[ElementRow]
    elements_changed: list[tuple[ElementRow, ElementRow, list[FieldChange]]]
    elements_removed: list[ElementRow]
    indicators_added: list[IndicatorRow]
    indicators_changed: list[tuple[IndicatorRow, IndicatorRow, list[FieldChange]]]
    indicators_removed: list[IndicatorRow]
    targets_added: list[TargetRow]
    targets_changed: list[tuple[TargetRow, TargetRow]]
    targets_removed: list[TargetRow]
    retargeted: set[str]  # indicators whose targets change


def _compare(stored: PlanSheet, sheet: PlanSheet) -> _Changes:
    old_e = {e.code: e for e in stored.elements}
    new_e = {e.code: e for e in sheet.elements}
    old_i = {i.code: i for i in stored.indicators}
    new_i = {i.code: i for i in sheet.indicators}
    old_t = {(t.indicator_code, t.year): t for t in stored.targets}
    new_t = {(t.indicator_code, t.year): t for t in sheet.targets}
    elements_changed = [
        (old_e[e.code], e, fields)
        for e in sheet.elements
        if e.code in old_e and (fields := _differences(old_e[e.code], e, ELEMENT_FIELDS))
    ]
    indicators_changed = [
        (old_i[i.code], i, _differences(old_i[i.code], i, INDICATOR_FIELDS))
        for i in sheet.indicators
        if i.code in old_i
    ]
    targets_changed = [
        (old_t[k], t) for k, t in new_t.items() if k in old_t and old_t[k].value != t.value
    ]
    targets_added = [t for k, t in new_t.items() if k not in old_t]
    targets_removed = [t for k, t in old_t.items() if k not in new_t]
    retargeted = {
        t.indicator_code
        for t in [*targets_added, *targets_removed, *(new for _old, new in targets_changed)]
    }
    return _Changes(
        plan=_differences(stored, sheet, ("title", "description")),
        elements_added=[e for e in sheet.elements if e.code not in old_e],
        elements_changed=elements_changed,
        elements_removed=[e for e in stored.elements if e.code not in new_e],
        indicators_added=[i for i in sheet.indicators if i.code not in old_i],
        indicators_changed=[
            (old, new, fields) for old, new, fields in indicators_changed if fields
        ],
        indicators_removed=[i for i in stored.indicators if i.code not in new_i],
        targets_added=targets_added,
        targets_changed=targets_changed,
        targets_removed=targets_removed,
        retargeted=retargeted,
    )


def _report(plan_id: int, plan_code: str, c: _Changes, *, applied: bool) -> PlanChanges:
    def element(e: ElementRow, fields: list[FieldChange] | None = None) -> ElementChange:
        return ElementChange(
            level=e.level,
            code=e.code,
            parent_code=e.parent_code,
            title=e.title,
            row=e.row or None,
            fields=fields or [],
        )

    def indicator(i: IndicatorRow, fields: list[FieldChange] | None = None) -> IndicatorChange:
        return IndicatorChange(
            code=i.code,
            element_code=i.element_code,
            title=i.title,
            row=i.row or None,
            fields=fields or [],
        )

    def target(t: TargetRow, old: Decimal | None, new: Decimal | None) -> TargetChange:
        return TargetChange(
            indicator_code=t.indicator_code,
            year=t.year,
            old=_show(old),
            new=_show(new),
            row=t.row or None,
        )

    lists: dict[str, list[Any]] = {
        "plan": c.plan,
        "elements_added": [element(e) for e in c.elements_added],
        "elements_changed": [element(new, f) for _old, new, f in c.elements_changed],
        "elements_removed": [element(e) for e in c.elements_removed],
        "indicators_added": [indicator(i) for i in c.indicators_added],
        "indicators_changed": [indicator(new, f) for _old, new, f in c.indicators_changed],
        "indicators_removed": [indicator(i) for i in c.indicators_removed],
        "targets_added": [target(t, None, t.value) for t in c.targets_added],
        "targets_changed": [target(new, old.value, new.value) for old, new in c.targets_changed],
        "targets_removed": [target(t, t.value, None) for t in c.targets_removed],
    }
    count = sum(len(v) for v in lists.values())
    return PlanChanges(plan_id=plan_id, plan_code=plan_code, applied=applied, count=count, **lists)


# --- applying --------------------------------------------------------------------------

_TARGET_FIELD = re.compile(r"^targets(?:\[(\d+)\]|\.(\d+))\.(year|value)$")


@dataclass(frozen=True, slots=True)
class _Place:
    """Where an operation's row is, to name the cell a refusal is about (``row`` 0: a
    row removed, named by ``label``)."""

    sheet: str
    row: int
    columns: Mapping[str, str]
    label: str = ""
    targets: Sequence[int] = ()
    target_columns: Mapping[str, str] = field(default_factory=dict)

    def cell(self, name: str) -> tuple[str, str | None]:
        """The cell of field ``name``, and the field's name when the cell is the row's
        first (the field has no column)."""
        found = _TARGET_FIELD.match(name)
        if found and self.targets:
            index = int(found.group(1) or found.group(2))
            if index < len(self.targets) and found.group(3) in self.target_columns:
                return f"{TARGETS}!{self.target_columns[found.group(3)]}{self.targets[index]}", None
        if not self.row:
            return self.sheet, self.label
        if name in self.columns:
            return f"{self.sheet}!{self.columns[name]}{self.row}", None
        first = self.columns.get("code") or next(iter(self.columns.values()), "A")
        return f"{self.sheet}!{first}{self.row}", name or None


class _Run:
    """Applies the changes through the service, one SAVEPOINT per operation, noting
    what the service refuses instead of stopping at the first refusal."""

    def __init__(self, session: Session, actor: Actor, plan_id: int, sheet: PlanSheet) -> None:
        self.session = session
        self.actor = actor
        self.plan_id = plan_id
        self.sheet = sheet
        self.errors: dict[str, str] = {}
        self.failed: set[str] = set()

    def place(self, sheet: str, row: int, label: str = "", targets: Sequence[int] = ()) -> _Place:
        return _Place(
            sheet,
            row,
            self.sheet.columns.get(sheet, {}),
            label,
            targets,
            self.sheet.columns.get(TARGETS, {}),
        )

    def attempt(self, place: _Place, op: Callable[..., object], *args: Any) -> bool:
        try:
            with self.session.begin_nested():
                op(*args)
        except DomainError as exc:
            self.note(place, exc.fields or {"": exc.detail})
            return False
        except PydanticError as exc:
            self.note(
                place,
                {".".join(str(p) for p in e["loc"]): e["msg"] for e in exc.errors()},
            )
            return False
        return True

    def note(self, place: _Place, fields: Mapping[str, str]) -> None:
        for name, message in fields.items():
            key, prefix = place.cell(name)
            text = f"{prefix}: {message}" if prefix else message
            self.errors[key] = f"{self.errors[key]}; {text}" if key in self.errors else text

    def run(self, stored: PlanSheet, c: _Changes) -> dict[str, str]:
        s, actor, sheet = self.session, self.actor, self.sheet
        element_ids = {e.code: e.id or 0 for e in service.elements_of(s, plan_id=self.plan_id)}
        indicator_ids = {i.code: i.id or 0 for i in service.indicators_of(s, plan_id=self.plan_id)}
        new_elements = {e.code: e for e in sheet.elements}
        new_indicators = {i.code for i in sheet.indicators}
        children: dict[str, list[str]] = defaultdict(list)
        for e in stored.elements:
            if e.parent_code is not None:
                children[e.parent_code].append(e.code)
        # An element whose level or parent changes is removed and added again, with
        # what is under it (the service does not move elements).
        moved = [
            new.code
            for _old, new, fields in c.elements_changed
            if {f.field for f in fields} & {"level", "parent_code"}
        ]
        rebuilt: set[str] = set()
        stack = list(moved)
        while stack:
            code = stack.pop()
            if code not in rebuilt:
                rebuilt.add(code)
                stack.extend(children.get(code, []))
        rebuilt &= set(new_elements)
        gone = {e.code for e in c.elements_removed} | rebuilt
        # Indicators of elements removed or rebuilt are removed and added again.
        readded = {
            i.code for i in stored.indicators if i.code in new_indicators and i.element_code in gone
        }

        for code in [i.code for i in c.indicators_removed] + sorted(readded):
            self.attempt(
                self.place(INDICATORS, 0, code),
                lambda k: service.delete_indicator(s, actor=actor, indicator_id=indicator_ids[k]),
                code,
            )
        for e in sorted(
            (e for e in stored.elements if e.code in gone), key=lambda e: -_level_depth(e.level)
        ):
            self.attempt(
                self.place(ELEMENTS, 0, e.code),
                lambda k: service.delete_element(s, actor=actor, element_id=element_ids[k]),
                e.code,
            )
        adding = {e.code for e in c.elements_added} | rebuilt
        parents = {e.code: e.parent_code for e in sheet.elements}
        for e in sorted(
            (e for e in sheet.elements if e.code in adding), key=lambda e: _depth(e.code, parents)
        ):
            if e.parent_code in self.failed or not self.attempt(
                self.place(ELEMENTS, e.row),
                lambda row: service.add_element(
                    s, actor=actor, plan_id=self.plan_id, data=ElementIn(**_element_fields(row))
                ),
                e,
            ):
                self.failed.add(e.code)
        for _old, new, fields in c.elements_changed:
            names = {f.field for f in fields} & {"title", "description", "order"}
            if new.code in rebuilt or not names:
                continue
            self.attempt(
                self.place(ELEMENTS, new.row),
                lambda row, names: service.update_element(
                    s,
                    actor=actor,
                    element_id=element_ids[row.code],
                    data=ElementUpdate(**{n: getattr(row, n) for n in names}),
                ),
                new,
                names,
            )
        targets: dict[str, list[TargetRow]] = defaultdict(list)
        for t in sheet.targets:
            targets[t.indicator_code].append(t)
        adding = {i.code for i in c.indicators_added} | readded
        updating = {new.code for _old, new, _f in c.indicators_changed} | (
            c.retargeted - adding - {i.code for i in c.indicators_removed}
        )
        for i in sheet.indicators:
            if i.element_code in self.failed or i.code not in adding | updating:
                continue
            place = self.place(INDICATORS, i.row, targets=[t.row for t in targets[i.code]])
            if i.code in adding:
                self.attempt(
                    place,
                    lambda row, ts: service.add_indicator(
                        s, actor=actor, plan_id=self.plan_id, data=indicator_in(row, ts)
                    ),
                    i,
                    targets[i.code],
                )
            else:
                self.attempt(
                    place,
                    lambda row, ts: service.update_indicator(
                        s,
                        actor=actor,
                        indicator_id=indicator_ids[row.code],
                        data=indicator_in(row, ts),
                    ),
                    i,
                    targets[i.code],
                )
        if c.plan:
            self.attempt(
                self.place(PLAN, 2),
                lambda: service.update_plan(
                    s,
                    actor=actor,
                    plan_id=self.plan_id,
                    data=PlanUpdate(**{f.field: getattr(sheet, f.field) for f in c.plan}),
                ),
            )
        return self.errors


def _level_depth(level: ElementLevel) -> int:
    depth, current = 0, PARENT_LEVEL[level]
    while current is not None:
        depth, current = depth + 1, PARENT_LEVEL[current]
    return depth


def _depth(code: str, parents: Mapping[str, str | None]) -> int:
    """How many parents ``code`` has on the sheet (a loop stops the count)."""
    depth, seen = 0, {code}
    parent = parents.get(code)
    while parent is not None and parent not in seen:
        seen.add(parent)
        depth += 1
        parent = parents.get(parent)
    return depth


def _prepare(session: Session, plan_id: int, sheet: PlanSheet) -> tuple[str, PlanSheet, _Changes]:
    plan = service.get_plan(session, plan_id=plan_id)
    if plan.status != PlanStatus.DRAFT:
        raise Conflict(
            f"plan {plan.code} is {plan.status}: only a draft plan's structure can be edited"
        )
    if sheet.code != plan.code:
        column = sheet.columns.get(PLAN, {}).get("code", "A")
        raise ValidationFailed(
            f"the workbook is of plan {sheet.code}, not of plan {plan.code}",
            fields={f"{PLAN}!{column}2": f"the workbook is of plan {sheet.code}, not {plan.code}"},
        )
    stored = plan_sheet(session, plan_id=plan_id)
    return plan.code, stored, _compare(stored, sheet)


def diff_plan(session: Session, *, plan_id: int, sheet: PlanSheet) -> PlanChanges:
    """What ``sheet`` would change in the draft plan, checked by applying it through
    the service inside a SAVEPOINT that is rolled back (writes nothing). ValidationFailed
    names each cell the service refuses; Conflict unless the plan is a draft."""
    code, stored, changes = _prepare(session, plan_id, sheet)
    savepoint = session.begin_nested()
    try:
        errors = _Run(session, PREVIEW, plan_id, sheet).run(stored, changes)
    finally:
        savepoint.rollback()
    _raise(errors)
    return _report(plan_id, code, changes, applied=False)


def apply_changes(session: Session, *, actor: Actor, plan_id: int, sheet: PlanSheet) -> PlanChanges:
    """Apply ``sheet`` to the draft plan through the service (removals of indicators,
    then of elements deepest first, then additions parents first, then changes): all of
    it or nothing. Returns the same report as ``diff_plan``; applying the same workbook
    again changes nothing."""
    code, stored, changes = _prepare(session, plan_id, sheet)
    with session.begin_nested():
        _raise(_Run(session, actor, plan_id, sheet).run(stored, changes))
    return _report(plan_id, code, changes, applied=True)
