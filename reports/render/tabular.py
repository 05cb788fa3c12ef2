"""A report's locale-free renderings: its canonical data (what a snapshot freezes and
the json format returns) and one csv file per table.

Canonical data: ``{"report", "as_at", "known_at", "demo", "parameters", "facts":
{key: value}, "tables": {key: {"columns": [...], "rows": [{column: value}], "totals":
[...]}}}``; money and rates are decimal strings, dates ISO 8601."""

from __future__ import annotations

import csv
import io
from typing import Any

from finance_core.canonical import canonical_json
from finance_core.cells import text_safe
from reports.document import Column, ColumnKind, Report, Table
from reports.render.cells import known_utc, plain_text


def _fact_column(kind: ColumnKind) -> Column:
    return Column("value", "", kind)


def table_data(table: Table) -> dict[str, Any]:
    """One table's rows and total lines as JSON-ready values."""
    columns = table.columns
    rows = [
        {c.key: plain_text(c, v) for c, v in zip(columns, record, strict=True)}
        for record in table.records()
    ]
    totals = []
    for group, sums in table.totals():
        line: dict[str, Any] = {table.total_by: group} if table.total_by else {}
        line.update({k: plain_text(table.column(k), v) for k, v in sums.items()})
        totals.append(line)
    return {"columns": [c.key for c in columns], "rows": rows, "totals": totals}


def canonical_data(report: Report) -> dict[str, Any]:
    """Everything the report says, without words of any language."""
    return {
        "report": report.name,
        "as_at": report.as_at.isoformat(),
        "known_at": known_utc(report),
        "demo": report.demo,
        "parameters": dict(report.parameters),
        "facts": {f.key: plain_text(_fact_column(f.kind), f.value) for f in report.facts},
        "tables": {t.key: table_data(t) for t in report.tables},
        "notes": list(report.notes),
    }


def render_json(report: Report) -> bytes:
    """The canonical data as canonical JSON (keys sorted: byte-identical on every run)."""
    return canonical_json(canonical_data(report))


def render_csv(report: Report, table_key: str | None = None) -> bytes:
    """One table (the first when ``table_key`` is None) as CSV: a heading row of column
    keys, the rows, then the total lines with ``total`` in the first column. Text that a
    spreadsheet would run as a formula is escaped."""
    table = report.table(table_key) if table_key else report.tables[0]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in table.columns])

    def cell(column: Column, value: Any) -> Any:
        text = plain_text(column, value)
        if text is None:
            return ""
        return text_safe(text) if isinstance(text, str) and column.kind in _TEXTS else text

    for record in table.records():
        writer.writerow([cell(c, v) for c, v in zip(table.columns, record, strict=True)])
    for group, sums in table.totals():
        line: list[Any] = []
        marked = False
        for c in table.columns:
            if c.key in sums:
                line.append(plain_text(c, sums[c.key]))
            elif table.total_by and c.key == table.total_by:
                line.append(cell(c, group))
            else:
                line.append("" if marked else "total")
                marked = True
        writer.writerow(line)
    return out.getvalue().encode("utf-8")


_TEXTS = frozenset({ColumnKind.TEXT, ColumnKind.LABEL})
