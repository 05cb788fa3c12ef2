"""Generated import files, good and bad, for the property tests of every file import
(States, bank statements, expenditures: CSV or XLSX; the strategic plan's workbook: XLSX;
the assessment preview's participants: CSV), and the error shape their refusal must have.

- ``csv_files``: a header of known and unknown columns (or none), rows of plausible,
  arbitrary, formula-like (``=cmd|' /C calc'!A0``) and huge cells, any delimiter, quoting,
  line ending and encoding, sometimes truncated or with bytes that are no text;
- ``xlsx_files``: random bytes, a zip of random parts, a zip without a workbook, a real
  workbook (typed cells: numbers, dates, booleans, formulas; empty sheets; several
  sheets), the same with a declared dimension of the whole grid or a far-away cell, or
  truncated;
- ``import_files``: either, with a file name saying (or not) what it is."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import openpyxl
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

#: The columns each import reads (its default mapping), so that some files get far.
STATES_COLUMNS = (
    "code",
    "name",
    "un_member",
    "regional_group",
    "signed_on",
    "deposited_on",
    "instrument",
    "ldc_from",
    "ldc_to",
)
BANK_COLUMNS = ("value_date", "amount", "currency", "reference", "payer")
EXPENDITURE_COLUMNS = (
    "fund",
    "year",
    "line",
    "value_date",
    "amount",
    "currency",
    "category",
    "payee",
    "reference",
)
PARTICIPANT_COLUMNS = ("code", "name", "un_rate", "ldc", "fixed_share")

#: Cells a spreadsheet program would run as formulas (the CSV injection family).
FORMULAS = (
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "=1/0",
    "\t=1+1",
)
#: Cells an import could take: codes, names, dates, amounts, flags.
PLAUSIBLE = (
    "FRA",
    "France",
    "CHE",
    "SEC",
    "CSP",
    "SEC-01",
    "2025",
    "2025-03-31",
    "2026-13-45",
    "100.00",
    "-5",
    "1e9",
    "USD",
    "EUR",
    "travel",
    "true",
    "no",
    "ratification",
    "Western European and Others Group",
    "REF-1",
    "",
)

cells = st.one_of(st.sampled_from(PLAUSIBLE), st.sampled_from(FORMULAS), st.text(max_size=20))
#: A cell far larger than any an import needs (one at most per file).
huge_cells = st.integers(min_value=1_000, max_value=200_000).map(lambda n: "x" * n)


@st.composite
def _table(
    draw: st.DrawFn, columns: tuple[str, ...], whole_header: bool = False
) -> list[list[str]]:
    """A header (the import's columns; some of them, unknown or repeated ones; or
    none) and rows: under the import's own header, each cell mostly one its column
    takes, else anything. ``whole_header``: always the import's columns."""
    kind = 0 if whole_header else draw(st.integers(min_value=0, max_value=3))
    if kind < 2:
        header = list(columns)
    elif kind == 2:
        header = draw(st.lists(st.sampled_from(columns), max_size=len(columns) + 2))
    else:
        header = draw(
            st.lists(st.one_of(st.sampled_from(columns), st.text(max_size=12)), max_size=12)
        )
    width = max(len(header), 1)
    if header == list(columns) and draw(st.booleans()):
        row = st.tuples(*(st.one_of(_column_cells(c), cells) for c in columns)).map(list)
    else:
        row = st.lists(cells, max_size=width + 2)
    rows = draw(st.lists(row, max_size=12))
    if rows and rows[0] and draw(st.integers(min_value=0, max_value=5)) == 0:
        rows[0][0] = draw(huge_cells)
    keep_header = bool(header) or draw(st.booleans())
    return [header, *rows] if keep_header else rows


#: Cells each column takes (by the import's column names).
COLUMN_CELLS: dict[str, tuple[str, ...]] = {
    "code": ("FRA", "CHE", "XKX", "fra"),
    "name": ("France", "Switzerland", "Nowhere"),
    "payer": ("France", "FRA", "Republic of Nowhere"),
    "value_date": ("2025-03-31", "2026-06-30", "2026-02-30"),
    "amount": ("1500.00", "0.01", "-3", "1,000"),
    "currency": ("USD", "EUR", "XXX"),
    "reference": ("BANK-1", "BANK-2", "INV-9"),
    "fund": ("SEC", "CSP", "VTF"),
    "year": ("2025", "2026", "1999"),
    "line": ("SEC-01", "CSP-01", "NONE"),
    "category": ("travel", "staff", "nothing"),
    "payee": ("Hotel", "Airline"),
    "un_rate": ("0.5", "22", "abc"),
    "ldc": ("true", "no", "maybe"),
    "fixed_share": ("", "0.01"),
}


#: How a CSV writer may quote: minimal, all, none (escaping instead).
QUOTINGS: list[Literal[0, 1, 2, 3]] = [csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]


def _column_cells(column: str) -> st.SearchStrategy[str]:
    return st.sampled_from(COLUMN_CELLS.get(column, PLAUSIBLE))


@st.composite
def csv_files(draw: st.DrawFn, columns: tuple[str, ...], plain: bool | None = None) -> bytes:
    """A CSV file: half of them plain (commas, UTF-8, whole, the import's header), the
    others in any delimiter, quoting, line ending and encoding, maybe cut short or with
    bytes that are no text. ``plain`` picks one kind."""
    plain = draw(st.booleans()) if plain is None else plain
    table = draw(_table(columns, whole_header=plain))
    delimiter = "," if plain else draw(st.sampled_from([",", ";", "\t", "|"]))
    quoting = draw(st.sampled_from(QUOTINGS))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    out = io.StringIO()
    writer = csv.writer(
        out, delimiter=delimiter, quoting=quoting, escapechar="\\", lineterminator=ending
    )
    quoted = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator=ending)
    for row in table:
        try:
            writer.writerow(row)
        except csv.Error:  # a row unquoted CSV cannot hold (a single empty field)
            quoted.writerow(row)
    text = out.getvalue()
    if plain:
        return text.encode("utf-8")
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        data = data[: draw(st.integers(min_value=0, max_value=len(data)))]
    if draw(st.booleans()):  # bytes that are no text
        at = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    return data


def _typed(value: str, kind: int) -> Any:
    """The cell ``value`` as a spreadsheet might type it (text as a cell can hold it)."""
    if kind == 1 and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return float(value)
    if kind == 2:
        return date(2025, 3, 31)
    if kind == 3:
        return datetime(2026, 1, 2, 3, 4, 5)
    if kind == 4:
        return value == "true"
    if kind == 5:
        return None
    return cell_value(value)


def cell_value(value: Any) -> Any:
    """``value`` as a cell can hold it (text without control characters, cut at the
    32,767 characters a cell holds)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:32_767] if isinstance(value, str) else value


@st.composite
def workbooks(draw: st.DrawFn, columns: tuple[str, ...]) -> bytes:
    """A real xlsx workbook: the table on its first sheet (or an empty first sheet),
    cells typed as numbers, dates, booleans or text (formulas stay text), more sheets."""
    table = draw(_table(columns))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    if draw(st.booleans()):
        sheet.title = draw(st.sampled_from(["Sheet1", "Plan", "Elements", "Indicators"]))
    empty_first = draw(st.integers(min_value=0, max_value=5)) == 0
    for r, row in enumerate(table, start=1):
        for c, value in enumerate(row, start=1):
            kind = draw(st.integers(min_value=0, max_value=6))
            sheet.cell(row=r, column=c, value=None if empty_first else _typed(value, kind))
    for name in draw(
        st.lists(st.sampled_from(["Plan", "Elements", "Targets", "Other"]), max_size=3)
    ):
        if name not in book.sheetnames:
            book.create_sheet(name).append(list(columns[:3]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rezip(data: bytes, change: dict[str, Any]) -> bytes:
    """The zip ``data`` with parts replaced (``change``: name → new text, or a function
    of the old text)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            part = source.read(name)
            if name in change:
                edit = change[name]
                part = (edit(part.decode()) if callable(edit) else edit).encode()
            target.writestr(name, part)
    return out.getvalue()


@st.composite
def _far_cell(draw: st.DrawFn, book: bytes) -> bytes:
    """The workbook with a cell moved far out (up to XFD1048576), or its dimension
    declared as the whole grid."""
    row = draw(st.integers(min_value=20, max_value=1_048_576))
    column = draw(st.sampled_from(["B", "KZ", "ZZ", "XFD"]))
    declare_only = draw(st.booleans())
    far = (
        f'<row r="{row}"><c r="{column}{row}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    )

    def patch(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>', xml)
        return xml if declare_only else xml.replace("</sheetData>", far, 1)

    return _rezip(book, {"xl/worksheets/sheet1.xml": patch})


@st.composite
def _junk_zip(draw: st.DrawFn) -> bytes:
    """A zip archive of random parts, some named as a workbook's are."""
    names = st.one_of(
        st.sampled_from(
            [
                "[Content_Types].xml",
                "_rels/.rels",
                "xl/workbook.xml",
                "xl/_rels/workbook.xml.rels",
                "xl/worksheets/sheet1.xml",
                "xl/sharedStrings.xml",
                "docProps/core.xml",
            ]
        ),
        st.text(alphabet="abcdefghij/._", min_size=1, max_size=20),
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in draw(st.lists(names, max_size=6, unique=True)):
            archive.writestr(name, draw(st.binary(max_size=200)))
    return out.getvalue()


def _truncated(data: bytes) -> st.SearchStrategy[bytes]:
    """``data`` cut short. The cut is drawn without knowing the length: a saved workbook
    carries the time it was saved, so its length may differ when Hypothesis replays."""
    return st.integers(min_value=0, max_value=2**20).map(lambda n: data[: n % len(data)])


def junk_files() -> st.SearchStrategy[bytes]:
    """Bytes no import can read: random bytes, a zip of random parts."""
    return st.one_of(st.binary(max_size=2_000), _junk_zip())


def xlsx_files(columns: tuple[str, ...]) -> st.SearchStrategy[bytes]:
    """An xlsx file or something claiming to be one."""
    return st.one_of(
        junk_files(),
        workbooks(columns),
        workbooks(columns).flatmap(_far_cell),
        workbooks(columns).flatmap(_truncated),
    )


@dataclass(frozen=True)
class ImportFile:
    """A generated upload: its name, its bytes, and whether it is junk (no import can
    read it, so it must be refused)."""

    name: str
    content: bytes
    junk: bool = False


def import_files(columns: tuple[str, ...]) -> st.SearchStrategy[ImportFile]:
    """A CSV or xlsx file, named for what it is or not, or junk: a quarter of them plain
    CSV files with the import's header, whose rows the import gets to check."""
    return st.one_of(
        st.builds(ImportFile, st.just("up.csv"), csv_files(columns, plain=True)),
        st.builds(ImportFile, st.sampled_from(["up.csv", "up.txt", "up"]), csv_files(columns)),
        st.builds(ImportFile, st.just("up.xlsx"), xlsx_files(columns)),
        st.builds(ImportFile, st.sampled_from(["up.csv", "up.xlsx"]), junk_files(), st.just(True)),
    )


def is_refusal(body: Any) -> bool:
    """Whether ``body`` is the service's error shape: ``error`` (a class name),
    ``detail`` (a sentence) and maybe ``fields`` (text → text)."""
    if not isinstance(body, dict) or not set(body) <= {"error", "detail", "fields"}:
        return False
    fields = body.get("fields")
    return (
        isinstance(body.get("error"), str)
        and bool(re.fullmatch(r"[A-Z][A-Za-z]+", body["error"]))
        and isinstance(body.get("detail"), str)
        and bool(body["detail"])
        and (
            fields is None
            or (isinstance(fields, dict) and all(isinstance(v, str) for v in fields.values()))
        )
    )


def declared_statuses(path: str) -> set[int]:
    """The status codes the API declares for ``POST path`` (its success and its errors),
    read from the route rather than from the generated OpenAPI document."""
    from api.app import api_routes

    for full_path, route in api_routes():
        if full_path == path and "POST" in (route.methods or set()):
            return {route.status_code or 200} | {int(code) for code in route.responses}
    raise LookupError(path)
