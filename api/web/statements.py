"""Importing a bank statement, in the web interface: upload a CSV or XLSX file, map its
columns, review the dry run line by line (fixing the State of unmatched lines), then
record the chosen lines in one transaction and see the receipts.

Every step calls ``finance_core.payments.bank_import`` (``columns``, ``dry_run``,
``commit``), the service behind ``POST /api/v1/bank-statements/preview`` and ``/commit``.

How the file is kept between the steps: the upload's bytes travel in the mapping and
review forms themselves, base64 (URL-safe alphabet, so form encoding does not grow it) in
hidden fields of at most 512 KiB each (a form field may hold 1 MiB), with the file's name
and an HMAC-SHA-256 over both. The HMAC's key is derived from the session token, as the
CSRF token is (``finance_core.access.web.csrf_token``): the token never appears in a
page, so a page script, another user or another session cannot produce a valid carried
file, and a changed byte or name is refused ("upload it again", 422). Nothing is stored
on the server, so there is no table, no migration and no clean-up of abandoned uploads;
the price is that the forms carry the file (at most 5 MB, about 6.7 MB encoded) to and
fro. The holder of the session cookie could in principle sign a file of their own, but
they may upload any file anyway: what the HMAC guarantees is that the lines committed
come from a file this user uploaded in this session, and every step re-reads the bytes
through the service (the commit re-runs the same checks), so nothing the browser sends
back is trusted beyond that. (A form holds at most 1,000 fields: a review of more than
about 900 lines to record or to name a State for is refused; split such a statement.)

The review form carries an idempotency key made when the review was shown: pressing
"Record" twice, or resubmitting the form, records the lines once and shows the same
result (``api.web.forms.once``). Only finance officers see these pages."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile

from api.deps import SessionDep
from api.web.auth import Officer, WebCaller
from api.web.forms import KEY_FIELD, errors_of, new_key, state_choices, write_once
from api.web.pages import render
from api.web.payments import RULES
from finance_core.errors import DomainError, ValidationFailed
from finance_core.money import format_minor, parse_minor
from finance_core.payments import bank_import
from finance_core.payments import service as payments
from finance_core.payments.bank_import import ColumnMapping, Proposal
from finance_core.states.importer import MAX_BYTES
from finance_core.system.service import is_demo

router = APIRouter(prefix="/app", include_in_schema=False)

#: The route an idempotency key of the review form is scoped to.
ROUTE = "POST /app/bank-statements/commit"
#: Base64 characters per hidden field carrying the file.
CHUNK = 512 * 1024
#: The mapping's fields as the form shows them: (field, label, required, hint).
MAP_FIELDS = (
    ("value_on", "Value date", True, "Dates as YYYY-MM-DD."),
    ("amount", "Amount received", True, "Such as 12500.00, in the line's currency."),
    ("currency", "Currency", False, "None: every line is in US dollars."),
    ("usd_amount", "US dollars credited", False, "None: converted at the table's rate."),
    ("reference", "Bank reference", True, "A reference already recorded is a duplicate."),
    ("payer", "Payer (ordering party)", True, "A State's name or code."),
)
_MAP_NAMES = tuple(f"map_{field[0]}" for field in MAP_FIELDS)
#: Lines the officer may choose to record (the others are shown, never recorded).
CHOOSABLE = ("ready", "unmatched")
_STATE_FIELD = re.compile(r"^state_(\d+)$")


class Recorded(BaseModel):
    """What a commit recorded: the receipts' ids, in row order."""

    receipts: list[int]


@dataclass(frozen=True, slots=True)
class Carried:
    """The uploaded file as the forms carry it."""

    name: str
    content: bytes


def _mac(caller: WebCaller, name: str, content: bytes) -> str:
    """The HMAC of a carried file, keyed by a key derived from the session token."""
    key = hmac.new(caller.token.encode(), b"attfin-bank-statement", hashlib.sha256).digest()
    label = name.encode()
    message = str(len(label)).encode() + b":" + label + content
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _carry(caller: WebCaller, carried: Carried) -> dict[str, Any]:
    """The hidden fields carrying ``carried``: its name, its parts and their HMAC."""
    text = base64.urlsafe_b64encode(carried.content).decode().rstrip("=")
    return {
        "name": carried.name,
        "parts": [text[i : i + CHUNK] for i in range(0, len(text), CHUNK)] or [""],
        "mac": _mac(caller, carried.name, carried.content),
    }


def _carried(form: FormData, caller: WebCaller) -> Carried | None:
    """The file carried by a posted form, or None when it is missing or was changed."""
    name = str(form.get("file_name", ""))
    mac = str(form.get("file_mac", ""))
    text = "".join(str(part) for part in form.getlist("file_data"))
    if not name or not mac or len(text) > (MAX_BYTES * 4) // 3 + 4:
        return None
    try:
        content = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    if not hmac.compare_digest(_mac(caller, name, content), mac):
        return None
    return Carried(name, content)


_TAMPERED = ValidationFailed(
    "the file carried by the form was changed or is missing: upload the statement again",
    fields={"file": "upload it again"},
)


def _mapping(values: dict[str, str]) -> ColumnMapping:
    """The mapping chosen on the form (a blank optional field: no such column)."""
    chosen = {name: values.get(f"map_{name}", "").strip() for name, *_ in MAP_FIELDS}
    missing = {
        f"map_{name}": "choose the column that holds it"
        for name, _label, required, _hint in MAP_FIELDS
        if required and not chosen[name]
    }
    if missing:
        raise ValidationFailed("choose a column for each required field", fields=missing)
    return ColumnMapping.model_validate({k: v or None for k, v in chosen.items()})


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _preselected(headers: list[str]) -> dict[str, str]:
    """The mapping form's first values: each field on the header that matches its
    default name (``value_date``, ``amount``…; case, spaces and punctuation ignored)."""
    values = {}
    for name, *_ in MAP_FIELDS:
        default = ColumnMapping.model_fields[name].default
        found = [h for h in headers if default and _squash(h) == _squash(str(default))]
        values[f"map_{name}"] = found[0] if found else ""
    return values


def _upload_page(
    request: Request,
    session: Session,
    caller: WebCaller,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "statements_upload.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        errors=errors or {},
        limit_mb=MAX_BYTES // (1024 * 1024),
    )


def _mapping_page(
    request: Request,
    session: Session,
    caller: WebCaller,
    carried: Carried,
    values: dict[str, str] | None = None,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The mapping form for the carried file (the upload form if it cannot be read)."""
    try:
        headers = bank_import.columns(carried.content, carried.name)
    except DomainError as exc:
        return _upload_page(request, session, caller, errors=errors_of(exc), status_code=422)
    fields = [
        {
            "name": f"map_{name}",
            "label": label,
            "required": required,
            "hint": hint,
        }
        for name, label, required, hint in MAP_FIELDS
    ]
    return render(
        request,
        "statements_mapping.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        carried=_carry(caller, carried),
        headers=headers,
        fields=fields,
        values=values if values is not None else _preselected(headers),
        errors=errors or {},
    )


def _line(
    p: Proposal, *, reviewed: bool, chosen_rows: set[int], states: dict[int, str]
) -> dict[str, Any]:
    """One line of the review as the table shows it."""
    choosable = p.status in CHOOSABLE
    return {
        "p": p,
        "choosable": choosable,
        "checked": choosable and (p.row in chosen_rows if reviewed else p.status == "ready"),
        "pick_state": p.status == "unmatched" or p.matched_by == "chosen",
        "state": states.get(p.row, ""),
        "allocations": [
            {
                "fund": a["fund"],
                "year": a["assessment_year"] or "",
                "amount": format_minor(int(a["amount_minor"] or 0)),
                "rule": RULES.get(str(a["rule"]), str(a["rule"])),
            }
            for a in p.allocations
        ],
    }


def _review_page(
    request: Request,
    session: Session,
    caller: WebCaller,
    carried: Carried,
    values: dict[str, str],
    *,
    reviewed: bool,
    chosen_rows: set[int],
    states: dict[int, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The dry run of the carried file with the chosen States (the mapping form again,
    422, if the mapping does not fit the file)."""
    try:
        mapping = _mapping(values)
        proposals = bank_import.dry_run(
            session,
            content=carried.content,
            filename=carried.name,
            mapping=mapping,
            states=states,
        )
    except DomainError as exc:
        return _mapping_page(
            request, session, caller, carried, values, errors=errors_of(exc), status_code=422
        )
    lines = [_line(p, reviewed=reviewed, chosen_rows=chosen_rows, states=states) for p in proposals]
    counts = {
        status: sum(1 for p in proposals if p.status == status)
        for status in ("ready", "unmatched", "invalid", "duplicate")
    }
    return render(
        request,
        "statements_review.html.j2",
        caller=caller,
        demo=is_demo(session),
        status_code=status_code,
        carried=_carry(caller, carried),
        values={**values, KEY_FIELD: new_key()},
        map_names=_MAP_NAMES,
        lines=lines,
        counts=counts,
        state_choices=state_choices(session),
        errors=errors or {},
    )


def _choices(form: FormData) -> tuple[dict[str, str], set[int], dict[int, str]]:
    """The review form's mapping, the rows ticked "record" and the States chosen."""
    values = {name: str(form.get(name, "")) for name in _MAP_NAMES}
    rows = {int(v) for v in (str(r) for r in form.getlist("record")) if v.isdigit()}
    states: dict[int, str] = {}
    for name, value in form.multi_items():
        found = _STATE_FIELD.match(name)
        if found and str(value).strip():
            states[int(found.group(1))] = str(value).strip().upper()
    return values, rows, states


@router.get("/bank-statements")
def upload_form(request: Request, session: SessionDep, caller: Officer) -> Response:
    return _upload_page(request, session, caller)


@router.post("/bank-statements/mapping")
async def map_columns(request: Request, session: SessionDep, caller: Officer) -> Response:
    """The mapping form for an uploaded file (or for the file carried by the review form,
    to change the mapping)."""
    form = await request.form()
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        content = await upload.read(MAX_BYTES + 1)  # the service refuses anything larger
        carried = Carried(upload.filename, content)
        if not content:
            return _upload_page(
                request,
                session,
                caller,
                errors={"file": f"{upload.filename} is empty: choose the statement file"},
                status_code=422,
            )
        values = None
    elif "file_mac" in form:
        found = _carried(form, caller)
        if found is None:
            return _upload_page(
                request, session, caller, errors=errors_of(_TAMPERED), status_code=422
            )
        carried, values = found, _choices(form)[0]
    else:
        return _upload_page(
            request,
            session,
            caller,
            errors={"file": "choose the statement file (CSV or XLSX)"},
            status_code=422,
        )
    return _mapping_page(request, session, caller, carried, values)


@router.post("/bank-statements/review")
async def review(request: Request, session: SessionDep, caller: Officer) -> Response:
    """The dry run: every line's proposal, with the States chosen for unmatched lines."""
    form = await request.form()
    carried = _carried(form, caller)
    if carried is None:
        return _upload_page(request, session, caller, errors=errors_of(_TAMPERED), status_code=422)
    values, rows, states = _choices(form)
    return _review_page(
        request,
        session,
        caller,
        carried,
        values,
        reviewed=form.get("reviewed") == "yes",
        chosen_rows=rows,
        states=states,
    )


@router.post("/bank-statements/commit")
async def commit(request: Request, session: SessionDep, caller: Officer) -> Response:
    """Record the lines ticked "record", all of them or none, once per review form."""
    form = await request.form()
    carried = _carried(form, caller)
    if carried is None:
        return _upload_page(request, session, caller, errors=errors_of(_TAMPERED), status_code=422)
    values, rows, states = _choices(form)
    named = {row: code for row, code in states.items() if row in rows}

    def chosen() -> ColumnMapping:
        """The mapping, once a line is chosen."""
        mapping = _mapping(values)
        if not rows:
            raise ValidationFailed("no line chosen: tick Record for the lines to record")
        return mapping

    return write_once(
        session,
        request,
        caller,
        route=ROUTE,
        key=str(form.get(KEY_FIELD, "")),
        data=chosen,
        payload=lambda mapping: {
            "file": hashlib.sha256(carried.content).hexdigest(),
            "name": carried.name,
            "mapping": mapping.model_dump(),
            "rows": sorted(rows),
            "states": {str(k): v for k, v in sorted(named.items())},
        },
        write=lambda actor, mapping: Recorded(
            receipts=bank_import.commit(
                session,
                actor=actor,
                content=carried.content,
                filename=carried.name,
                mapping=mapping,
                rows=sorted(rows),
                states=named,
            )
        ),
        then=lambda done: (
            f"/app/bank-statements/recorded?{urlencode([('receipt', i) for i in done['receipts']])}"
        ),
        refused=lambda exc: _review_page(
            request,
            session,
            caller,
            carried,
            values,
            reviewed=True,
            chosen_rows=rows,
            states=states,
            errors=errors_of(exc),
            status_code=422,
        ),
    )


@router.get("/bank-statements/recorded")
def recorded(
    request: Request,
    session: SessionDep,
    caller: Officer,
    receipt: Annotated[list[int] | None, Query()] = None,
) -> Response:
    """The receipts a commit recorded (404 for an unknown receipt)."""
    receipts = [payments.receipt_out(session, i) for i in receipt or []]
    total = sum(parse_minor(r.usd_amount) for r in receipts)
    return render(
        request,
        "statements_recorded.html.j2",
        caller=caller,
        demo=is_demo(session),
        receipts=receipts,
        total=format_minor(total),
    )
