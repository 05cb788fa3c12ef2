"""Importing a bank statement (CSV or XLSX) of payments received.

The officer maps the file's columns; a dry run proposes, line by line, the State (found by
its code, its exact name, or a State code at the end of an assessment reference such as
``ATT/FIN/2024/SEC/12/FRA``) and the allocation the payment would get. Lines that match no
State, or that are invalid, are reported as such and never guessed. The officer then
commits the lines chosen (optionally naming the State of an unmatched line): all of them
are recorded in one transaction, or none."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.errors import DomainError, ValidationFailed
from finance_core.payments import allocation as alloc
from finance_core.payments.models import Receipt
from finance_core.payments.schemas import ReceiptIn
from finance_core.payments.service import (
    debts_of,
    lock_states,
    policy_on,
    record_receipt,
    validate_receipt,
)
from finance_core.states.importer import MAX_BYTES, read_table
from finance_core.states.models import State

_CODE_AT_END = re.compile(r"(?:^|[/\s-])([A-Z]{3})\s*$")


class ColumnMapping(BaseModel):
    """Which column of the file holds what (header names, case-insensitive)."""

    value_on: str = Field(default="value_date", description="Value date (YYYY-MM-DD).")
    amount: str = Field(default="amount", description="Amount received.")
    currency: str | None = Field(default="currency", description="Currency (default USD).")
    usd_amount: str | None = Field(default=None, description="US dollars credited, if given.")
    reference: str = Field(default="reference", description="Bank reference.")
    payer: str = Field(default="payer", description="Ordering party: a State's name or code.")


class Proposal(BaseModel):
    """What the dry run found for one line (rows numbered as in a spreadsheet)."""

    row: int
    status: str = Field(description="ready, unmatched, invalid or duplicate.")
    message: str
    state_code: str | None
    matched_by: str | None = Field(description="code, name, reference or chosen.")
    value_on: date | None
    amount: str
    currency: str
    reference: str
    payer: str
    allocations: list[dict[str, str | int | None]] = Field(default_factory=list)


@dataclass
class _Line:
    row: int
    cells: dict[str, str] = field(default_factory=dict)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _table(content: bytes, filename: str) -> pd.DataFrame:
    if len(content) > MAX_BYTES:
        raise ValidationFailed("the file is larger than 5 MB", fields={"file": "too large"})
    return read_table(content, filename)


def columns(content: bytes, filename: str) -> list[str]:
    """The file's header names as the mapping reads them (trimmed, lower case), in file
    order: what a column mapping may name. ValidationFailed if the file is too large or
    unreadable, or has no columns."""
    names = [str(c) for c in _table(content, filename).columns]
    if not names:
        raise ValidationFailed("the file has no columns", fields={"file": "no header"})
    return names


def _lines(content: bytes, filename: str, mapping: ColumnMapping) -> list[_Line]:
    frame = _table(content, filename)
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
    lines = []
    for index, record in enumerate(frame.to_dict("records")):
        cells = {k: str(record.get(v, "")).strip() for k, v in wanted.items()}
        if any(cells.values()):
            lines.append(_Line(index + 2, cells))
    if not lines:
        raise ValidationFailed("the file has no lines", fields={"file": "no rows"})
    return lines


def _match(line: _Line, states: list[State]) -> tuple[str | None, str | None]:
    by_code = {s.code: s.code for s in states}
    by_name = {_norm(s.name): s.code for s in states}
    payer = line.cells.get("payer", "")
    if payer.upper() in by_code:
        return by_code[payer.upper()], "code"
    if _norm(payer) and _norm(payer) in by_name:
        return by_name[_norm(payer)], "name"
    found = _CODE_AT_END.search(line.cells.get("reference", ""))
    if found and found.group(1) in by_code:
        return found.group(1), "reference"
    return None, None


def _receipt(line: _Line, state_code: str) -> ReceiptIn:
    text = line.cells.get("value_on", "")
    try:
        value_on = (
            datetime.fromisoformat(text).date()
            if "T" in text or " " in text
            else date.fromisoformat(text[:10])
        )
    except ValueError:
        raise ValidationFailed(
            f"{text!r} is not a date", fields={"value_on": "not a date"}
        ) from None
    return ReceiptIn(
        state_code=state_code,
        value_on=value_on,
        amount=line.cells.get("amount", ""),
        currency=(line.cells.get("currency") or "USD").upper(),
        usd_amount=line.cells.get("usd_amount") or None,
        bank_reference=line.cells.get("reference", "") or f"statement line {line.row}",
    )


def _proposal(
    line: _Line,
    state_code: str | None,
    how: str | None,
    value_on: date | None,
    status: str,
    message: str,
    allocations: list[dict[str, str | int | None]] | None = None,
) -> Proposal:
    return Proposal(
        row=line.row,
        status=status,
        message=message,
        state_code=state_code,
        matched_by=how,
        value_on=value_on,
        amount=line.cells.get("amount", ""),
        currency=(line.cells.get("currency") or "USD").upper(),
        reference=line.cells.get("reference", ""),
        payer=line.cells.get("payer", ""),
        allocations=allocations or [],
    )


def dry_run(
    session: Session,
    *,
    content: bytes,
    filename: str,
    mapping: ColumnMapping,
    states: dict[int, str] | None = None,
) -> list[Proposal]:
    """Propose a State and an allocation for every line; writes nothing.

    ``states`` names the State of some lines by row, as ``commit`` takes it (matched
    ``chosen``): the proposal is then what committing with the same choice would record.
    An unknown State code leaves the line unmatched, saying so."""
    lines = _lines(content, filename, mapping)
    known = list(session.execute(select(State)).scalars())
    codes = {s.code for s in known}
    chosen = {row: code.strip().upper() for row, code in (states or {}).items() if code.strip()}
    used = set(session.execute(select(col(Receipt.bank_reference))).scalars())
    owed: dict[str, list[alloc.Debt]] = {}
    proposals = []
    for line in lines:
        state_code, how = (
            (chosen[line.row], "chosen") if line.row in chosen else _match(line, known)
        )
        value_on: date | None = None

        try:
            data = _receipt(line, state_code or "XXX")
            value_on = data.value_on
            _, _, usd, _, _ = validate_receipt(session, data)
        except DomainError as exc:
            proposals.append(_proposal(line, state_code, how, value_on, "invalid", exc.detail))
            continue
        if state_code is not None and state_code not in codes:
            proposals.append(
                _proposal(
                    line,
                    state_code,
                    how,
                    value_on,
                    "unmatched",
                    f"unknown State {state_code!r}: choose another",
                )
            )
            continue
        if state_code is None:
            proposals.append(
                _proposal(
                    line,
                    None,
                    None,
                    value_on,
                    "unmatched",
                    "no State matches the payer or the reference; name it to record it",
                )
            )
            continue
        if data.bank_reference in used:
            proposals.append(
                _proposal(
                    line,
                    state_code,
                    how,
                    value_on,
                    "duplicate",
                    f"bank reference {data.bank_reference!r} is already recorded",
                )
            )
            continue
        used.add(data.bank_reference)
        debts = owed.setdefault(state_code, debts_of(session, state_code, data.value_on))
        policy = policy_on(session, data.value_on)
        result = alloc.allocate(
            usd,
            debts,
            policy=alloc.Policy(tuple(policy.fund_order.split(",")), policy.honour_earmarks),
        )
        placed = {(p.fund, p.year): p.amount_minor for p in result.placements}
        owed[state_code] = [
            alloc.Debt(
                d.fund, d.year, d.due_on, d.outstanding_minor - placed.get((d.fund, d.year), 0)
            )
            for d in debts
        ]
        allocations: list[dict[str, str | int | None]] = [
            {
                "fund": p.fund,
                "assessment_year": p.year,
                "amount_minor": p.amount_minor,
                "rule": p.rule.value,
            }
            for p in result.placements
        ]
        if result.credit_minor:
            allocations.append(
                {
                    "fund": policy.credit_fund,
                    "assessment_year": None,
                    "amount_minor": result.credit_minor,
                    "rule": "credit",
                }
            )
        proposals.append(
            _proposal(line, state_code, how, value_on, "ready", "ready to record", allocations)
        )
    return proposals


def commit(
    session: Session,
    *,
    actor: Actor,
    content: bytes,
    filename: str,
    mapping: ColumnMapping,
    rows: list[int],
    states: dict[int, str] | None = None,
) -> list[int]:
    """Record the chosen lines (``states`` names the State of an unmatched line); all or
    nothing. Returns the receipt ids in row order."""
    lines = {line.row: line for line in _lines(content, filename, mapping)}
    unknown = [r for r in rows if r not in lines]
    if unknown:
        raise ValidationFailed(
            f"row {unknown[0]} is not a line of the file",
            fields={f"row {r}": "not in the file" for r in unknown},
        )
    known_states = list(session.execute(select(State)).scalars())
    chosen: dict[int, str] = {}
    for row in sorted(set(rows)):
        state_code = (states or {}).get(row) or _match(lines[row], known_states)[0]
        if state_code is None:
            raise ValidationFailed(
                f"row {row} matches no State: name its State", fields={f"row {row}": "no State"}
            )
        chosen[row] = state_code
    # Every State of the file before the first receipt posts (which takes the chain head).
    lock_states(session, {code.strip().upper() for code in chosen.values()})
    ids = []
    for row, state_code in chosen.items():
        try:
            receipt = record_receipt(session, actor=actor, data=_receipt(lines[row], state_code))
        except DomainError as exc:
            raise type(exc)(f"row {row}: {exc.detail}", fields={f"row {row}": exc.detail}) from exc
        ids.append(receipt.id or 0)
    return ids
