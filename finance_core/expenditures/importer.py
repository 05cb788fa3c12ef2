"""Importing expenditures from a CSV or XLSX file (at most 5 MB).

The same two steps as the bank-statement import. The officer maps the file's columns; a
dry run proposes every row with its status (``ready``; ``invalid``, naming the row and
column at fault; ``duplicate``, when the payee's reference is already recorded or
appears on an earlier row) and writes nothing. The officer then commits the rows chosen:
all of them are recorded in one transaction, or none. A row names its budget line by
fund, year and line code; rows are numbered as a spreadsheet shows them (the header is
row 1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field
from pydantic import ValidationError as PydanticError
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.audit import service as audit
from finance_core.errors import DomainError, ValidationFailed
from finance_core.expenditures import execution as pure
from finance_core.expenditures import service
from finance_core.expenditures.models import Category
from finance_core.expenditures.schemas import ExpenditureIn
from finance_core.money import format_minor
from finance_core.payments.amounts import decimals_of
from finance_core.states.importer import MAX_BYTES, read_table


class ExpenditureMapping(BaseModel):
    """Which column of the file holds what (header names, case-insensitive; None: the
    file has no such column)."""

    fund: str = Field(default="fund", description="Fund code of the budget, e.g. SEC.")
    year: str = Field(default="year", description="Year of the budget.")
    line_code: str = Field(default="line", description="Code of the budget line.")
    value_on: str = Field(default="value_date", description="Value date (YYYY-MM-DD).")
    amount: str = Field(default="amount", description="Amount paid.")
    currency: str | None = Field(default="currency", description="Currency (default USD).")
    usd_amount: str | None = Field(default=None, description="US dollars debited, if known.")
    category: str = Field(default="category", description="staff, travel, … (see Category).")
    payee: str = Field(default="payee")
    reference: str = Field(default="reference", description="Invoice or bank reference.")
    description: str | None = Field(default=None)
    commitment_id: str | None = Field(default=None, description="Commitment liquidated.")


class ExpenditureProposal(BaseModel):
    """What the dry run found for one row. ``usd_amount`` is what would post (US
    dollars); ``liquidates`` the US dollars of the commitment it would liquidate."""

    row: int
    status: str = Field(description="ready, invalid or duplicate.")
    message: str
    fields: dict[str, str] = Field(default_factory=dict, description="Row and column → message.")
    fund: str
    year: str
    line_code: str
    budget_line_id: int | None = None
    value_on: date | None = None
    amount: str
    currency: str
    usd_amount: str | None = None
    usd_provisional: bool | None = None
    category: str
    payee: str
    reference: str
    commitment_id: int | None = None
    liquidates: str | None = None


@dataclass
class _Row:
    number: int
    cells: dict[str, str] = field(default_factory=dict)


def _rows(content: bytes, filename: str, mapping: ExpenditureMapping) -> list[_Row]:
    if len(content) > MAX_BYTES:
        raise ValidationFailed("the file is larger than 5 MB", fields={"file": "too large"})
    frame = read_table(content, filename)
    wanted = {k: v.strip().lower() for k, v in mapping.model_dump().items() if v}
    missing = {
        f"column {v}": f"mapped to {k}, not in the file"
        for k, v in wanted.items()
        if v not in frame.columns
    }
    if missing:
        raise ValidationFailed(
            f"{len(missing)} mapped column(s) missing from the file", fields=missing
        )
    rows = []
    for index, record in enumerate(frame.to_dict("records")):
        cells = {k: str(record.get(v, "")).strip() for k, v in wanted.items()}
        if any(cells.values()):
            rows.append(_Row(index + 2, cells))
    if not rows:
        raise ValidationFailed("the file has no rows", fields={"file": "no rows"})
    return rows


def _located(row: int, fields: dict[str, str], mapping: ExpenditureMapping) -> dict[str, str]:
    """Field errors as ``row N, column`` → message (the file's column names)."""
    columns = {k: v for k, v in mapping.model_dump().items() if v}
    columns["budget_line_id"] = columns["line_code"]
    located = {}
    for name, message in fields.items():
        column = columns.get(name.split(".")[0])
        located[f"row {row}, {column}" if column else f"row {row}"] = message
    return located


def _day(text: str) -> date:
    if " " in text or "T" in text:
        return datetime.fromisoformat(text).date()
    return date.fromisoformat(text[:10])


def _data(row: _Row) -> ExpenditureIn:
    """The row as an expenditure to record, or ValidationFailed naming each bad field."""
    cells = row.cells
    errors: dict[str, str] = {}
    year: int | None = None
    try:
        year = int(cells.get("year", ""))
    except ValueError:
        errors["year"] = f"{cells.get('year', '')!r} is not a year"
    value_on: date | None = None
    try:
        value_on = _day(cells.get("value_on", ""))
    except ValueError:
        errors["value_on"] = f"{cells.get('value_on', '')!r} is not a date (YYYY-MM-DD)"
    category: Category | None = None
    try:
        category = Category(cells.get("category", "").lower().replace(" ", "_"))
    except ValueError:
        errors["category"] = "one of " + ", ".join(c.value for c in Category)
    commitment: int | None = None
    if cells.get("commitment_id"):
        try:
            commitment = int(cells["commitment_id"])
        except ValueError:
            errors["commitment_id"] = f"{cells['commitment_id']!r} is not a commitment id"
    ValidationFailed.raise_if(errors)
    assert value_on is not None and category is not None
    try:
        return ExpenditureIn(
            fund=cells.get("fund", ""),
            year=year,
            line_code=cells.get("line_code", ""),
            value_on=value_on,
            amount=cells.get("amount", ""),
            currency=(cells.get("currency") or "USD").upper(),
            usd_amount=cells.get("usd_amount") or None,
            category=category,
            payee=cells.get("payee", ""),
            reference=cells.get("reference", ""),
            description=cells.get("description") or None,
            commitment_id=commitment,
        )
    except PydanticError as exc:
        fields = {str(e["loc"][0]) if e["loc"] else "row": str(e["msg"]) for e in exc.errors()}
        ValidationFailed.raise_if(fields)
        raise


def _proposal(row: _Row, status: str, message: str, **found: Any) -> ExpenditureProposal:
    cells = row.cells
    return ExpenditureProposal(
        row=row.number,
        status=status,
        message=message,
        fund=cells.get("fund", ""),
        year=cells.get("year", ""),
        line_code=cells.get("line_code", ""),
        amount=cells.get("amount", ""),
        currency=(cells.get("currency") or "USD").upper(),
        category=cells.get("category", ""),
        payee=cells.get("payee", ""),
        reference=cells.get("reference", ""),
        **found,
    )


def dry_run(
    session: Session, *, content: bytes, filename: str, mapping: ExpenditureMapping
) -> list[ExpenditureProposal]:
    """Check every row and propose it (ready, invalid or duplicate); writes nothing."""
    seen: dict[tuple[str, str], int] = {}
    left: dict[int, int] = {}  # commitment id → open US cents after the earlier rows
    proposals = []
    for row in _rows(content, filename, mapping):
        try:
            data = _data(row)
            checked = service.check_expenditure(session, data, check_duplicate=False)
        except DomainError as exc:
            fields = _located(row.number, exc.fields, mapping) or {f"row {row.number}": exc.detail}
            message = "; ".join(f"{k.split(', ', 1)[-1]}: {v}" for k, v in fields.items())
            proposals.append(_proposal(row, "invalid", message, fields=fields))
            continue
        paid = checked.money
        found: dict[str, object] = {
            "budget_line_id": checked.line.id,
            "value_on": data.value_on,
            "usd_amount": format_minor(paid.usd_minor),
            "usd_provisional": paid.provisional,
            "commitment_id": data.commitment_id,
        }
        key = (data.payee, data.reference)
        used = service.duplicate_of(session, payee=data.payee, reference=data.reference)
        if used is not None or key in seen:
            where = f"expenditure {used}" if used is not None else f"row {seen[key]}"
            message = f"reference {data.reference!r} of {data.payee} is already on {where}"
            proposals.append(_proposal(row, "duplicate", message, **found))
            continue
        seen[key] = row.number
        if checked.commitment is not None:
            c = checked.commitment
            assert c.id is not None
            open_minor = left.setdefault(c.id, service.open_from(session, c, data.value_on))
            if open_minor <= 0:
                message = f"commitment {c.id} has nothing open to liquidate"
                fields = _located(row.number, {"commitment_id": message}, mapping)
                proposals.append(_proposal(row, "invalid", message, fields=fields, **found))
                continue
            liquidated = pure.liquidation(
                open_minor=open_minor,
                paid_usd_minor=paid.usd_minor,
                paid_amount_minor=paid.amount_minor,
                same_currency=paid.currency == c.currency,
                commitment_amount_minor=c.amount_minor,
                commitment_usd_minor=c.usd_minor,
            )
            left[c.id] = open_minor - liquidated
            found["liquidates"] = format_minor(liquidated)
        amount = format_minor(paid.amount_minor, decimals_of(paid.currency))
        message = f"ready: {amount} {paid.currency} = {format_minor(paid.usd_minor)} USD" + (
            " (provisional)" if paid.provisional else ""
        )
        proposals.append(_proposal(row, "ready", message, **found))
    return proposals


def commit(
    session: Session,
    *,
    actor: Actor,
    content: bytes,
    filename: str,
    mapping: ExpenditureMapping,
    rows: list[int],
) -> list[int]:
    """Record the chosen rows, all or nothing (the caller rolls back on error). Returns
    the expenditure ids in row order."""
    by_number = {row.number: row for row in _rows(content, filename, mapping)}
    if not rows:
        raise ValidationFailed("choose at least one row to record", fields={"rows": "empty"})
    unknown = [r for r in rows if r not in by_number]
    if unknown:
        raise ValidationFailed(
            f"row {unknown[0]} is not a row of the file",
            fields={f"row {r}": "not in the file" for r in unknown},
        )
    ids = []
    for number in sorted(set(rows)):
        try:
            expenditure = service.record_expenditure(
                session, actor=actor, data=_data(by_number[number])
            )
        except DomainError as exc:
            fields = _located(number, exc.fields, mapping) or {f"row {number}": exc.detail}
            raise type(exc)(f"row {number}: {exc.detail}", fields=fields) from exc
        ids.append(expenditure.id or 0)
    audit.record(
        session,
        actor=actor,
        action="expenditures.import",
        object_type="file",
        object_id=filename[:120],
        detail={"rows": sorted(set(rows)), "expenditures": ids},
    )
    return ids
