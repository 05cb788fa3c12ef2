"""Receipts (payments from States), their reversal, and exchange rates."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlmodel import col

from api.deps import OfficerDep, PageDep, ReaderDep, SessionDep, as_utc
from api.errors import error_responses
from api.files import file_response, file_responses
from api.idempotency import IdempotencyDep
from api.schemas import Page
from api.uploads import parse_mapping, read_upload
from finance_core.errors import RuleViolation, ValidationFailed
from finance_core.payments import bank_import, credits, service, statement
from finance_core.payments.allocation import Earmark
from finance_core.payments.amounts import parse_amount
from finance_core.payments.bank_import import ColumnMapping, Proposal
from finance_core.payments.models import ExchangeRate
from finance_core.payments.schemas import (
    CreditApplyIn,
    CreditOut,
    ExchangeRateIn,
    ExchangeRateOut,
    ReceiptIn,
    ReceiptOut,
    RefundIn,
    ReversalIn,
    UsdConfirmationIn,
)
from finance_core.system.service import is_demo
from reports.receipts import MEDIA_TYPES as RECEIPT_MEDIA
from reports.receipts import ReceiptFormat
from reports.receipts import render as render_receipt
from reports.statement import MEDIA_TYPES as STATEMENT_MEDIA
from reports.statement import StatementFormat
from reports.statement import render as render_statement

router = APIRouter(tags=["payments"])

_WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


@router.post("/receipts", response_model=ReceiptOut, status_code=201, responses=_WRITE_ERRORS)
def record_receipt(
    data: ReceiptIn, session: SessionDep, actor: OfficerDep, idem: IdempotencyDep
) -> Response:
    """Record a payment from a State and allocate it: oldest debt first across funds (or
    as earmarked), the rest as the State's credit. Send an ``Idempotency-Key``: a retry
    then returns the first receipt instead of recording the payment twice."""
    return idem.run(
        actor,
        lambda: service.receipt_out(
            session, service.record_receipt(session, actor=actor, data=data).id or 0
        ),
        status_code=201,
    )


@router.get("/receipts", response_model=Page[ReceiptOut], responses=error_responses(401, 403, 422))
def list_receipts(
    session: SessionDep, _actor: ReaderDep, window: PageDep, state: str | None = None
) -> Page[ReceiptOut]:
    """Receipts, newest first, optionally of one State."""
    limit, offset = window
    ids, total = service.list_receipts(session, state_code=state, limit=limit, offset=offset)
    return Page(
        items=[service.receipt_out(session, i) for i in ids],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/receipts/{receipt_id}",
    response_model=ReceiptOut,
    responses=error_responses(401, 403, 404, 422),
)
def get_receipt(receipt_id: int, session: SessionDep, _actor: ReaderDep) -> ReceiptOut:
    """The receipt document: the money, where it went and the rule that placed it."""
    return service.receipt_out(session, receipt_id)


@router.post(
    "/receipts/{receipt_id}/reversal",
    response_model=ReceiptOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def reverse_receipt(
    receipt_id: int, data: ReversalIn, session: SessionDep, actor: OfficerDep, idem: IdempotencyDep
) -> Response:
    """Reverse a bounced or mistaken receipt: its entries are reversed; nothing is deleted."""

    def write() -> ReceiptOut:
        service.reverse_receipt(session, actor=actor, receipt_id=receipt_id, data=data)
        return service.receipt_out(session, receipt_id)

    return idem.run(actor, write, status_code=201)


@router.get(
    "/exchange-rates",
    response_model=Page[ExchangeRateOut],
    responses=error_responses(401, 403, 422),
)
def list_rates(
    session: SessionDep, _actor: ReaderDep, currency: str | None = None
) -> Page[ExchangeRateOut]:
    """Exchange rates (US dollars per unit), by currency and date."""
    query = select(ExchangeRate).order_by(col(ExchangeRate.currency), col(ExchangeRate.valid_on))
    if currency:
        query = query.where(col(ExchangeRate.currency) == currency.upper())
    rows = [
        ExchangeRateOut(
            currency=r.currency,
            valid_on=r.valid_on,
            usd_per_unit=format(r.usd_per_unit, "f"),
            source=r.source,
        )
        for r in session.execute(query).scalars()
    ]
    return Page.whole(rows)


@router.post(
    "/exchange-rates", response_model=ExchangeRateOut, status_code=201, responses=_WRITE_ERRORS
)
def add_rate(data: ExchangeRateIn, session: SessionDep, actor: OfficerDep) -> ExchangeRateOut:
    """Record the US dollar value of a currency from a date on."""
    r = service.add_rate(session, actor=actor, data=data)
    return ExchangeRateOut(
        currency=r.currency,
        valid_on=r.valid_on,
        usd_per_unit=format(r.usd_per_unit, "f"),
        source=r.source,
    )


@router.post(
    "/receipts/{receipt_id}/usd-confirmation",
    response_model=ReceiptOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def confirm_usd(
    receipt_id: int,
    data: UsdConfirmationIn,
    session: SessionDep,
    actor: OfficerDep,
    idem: IdempotencyDep,
) -> Response:
    """Record the bank's US dollar figure for a receipt recorded at a provisional rate;
    the difference posts to exchange gain/loss."""

    def write() -> ReceiptOut:
        credits.confirm_usd(
            session,
            actor=actor,
            receipt_id=receipt_id,
            usd_amount=data.usd_amount,
            value_on=data.value_on,
        )
        return service.receipt_out(session, receipt_id)

    return idem.run(actor, write, status_code=201)


@router.get(
    "/states/{code}/credit", response_model=CreditOut, responses=error_responses(401, 403, 404, 422)
)
def get_credit(code: str, session: SessionDep, _actor: ReaderDep) -> CreditOut:
    """A State's credit and how earlier credit was applied or refunded."""
    return credits.credit_out(session, code)


@router.post(
    "/states/{code}/credit/applications",
    response_model=CreditOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def apply_credit(
    code: str, data: CreditApplyIn, session: SessionDep, actor: OfficerDep, idem: IdempotencyDep
) -> Response:
    """Apply a State's credit (all, or ``amount``) to what it owes, oldest first or as
    earmarked. Credit is also applied by default as soon as new assessments post."""

    def write() -> CreditOut:
        amount = None if data.amount is None else parse_amount(data.amount, "USD")
        used = credits.apply_credit(
            session,
            actor=actor,
            state_code=code,
            value_on=data.value_on,
            amount_minor=amount,
            earmark=Earmark(data.earmark_fund, data.earmark_year),
        )
        if used is None:
            raise RuleViolation(
                f"{code.upper()} has no credit, or owes nothing, on {data.value_on}"
            )
        return credits.credit_out(session, code)

    return idem.run(actor, write, status_code=201)


@router.post(
    "/states/{code}/credit/refunds",
    response_model=CreditOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def refund_credit(
    code: str, data: RefundIn, session: SessionDep, actor: OfficerDep, idem: IdempotencyDep
) -> Response:
    """Send (part of) a State's credit back to it."""

    def write() -> CreditOut:
        credits.refund_credit(
            session,
            actor=actor,
            state_code=code,
            value_on=data.value_on,
            amount=data.amount,
            bank_reference=data.bank_reference,
            reason=data.reason,
        )
        return credits.credit_out(session, code)

    return idem.run(actor, write, status_code=201)


@router.get(
    "/states/{code}/statement",
    response_class=Response,
    responses=file_responses(
        "The statement as JSON (StatementOut), CSV, xlsx or PDF.", STATEMENT_MEDIA.values()
    ),
)
def get_statement(
    code: str,
    session: SessionDep,
    _actor: ReaderDep,
    as_at: Annotated[date, Query(description="Last value date (inclusive).")],
    from_on: Annotated[
        date | None, Query(description="First value date (default 1 Jan 2015).")
    ] = None,
    known_at: Annotated[datetime | None, Query(description="Recording cutoff (UTC).")] = None,
    format: StatementFormat = StatementFormat.JSON,
) -> Response:
    """A State's statement of account: per fund and year, opening balance, assessed,
    received, paid from credit, written off, reversed, closing balance; its credit; and
    every movement of the period."""
    data = statement.statement(
        session,
        state_code=code,
        from_on=from_on or date(2015, 1, 1),
        as_at=as_at,
        known_at=as_utc(known_at),
    )
    body = render_statement(data, format, demo=is_demo(session))
    name = f"statement-{data.state_code}-{data.as_at.isoformat()}.{format.value}"
    return file_response(body, STATEMENT_MEDIA[format], name)


MappingForm = Annotated[
    str | None,
    Form(
        description='JSON, e.g. {"value_on": "Date", "amount": "Credit", "currency": "Ccy", '
        '"reference": "Reference", "payer": "Ordering party"}'
    ),
]


@router.post("/bank-statements/preview", response_model=list[Proposal], responses=_WRITE_ERRORS)
async def preview_statement(
    session: SessionDep,
    _actor: OfficerDep,
    file: Annotated[UploadFile, File(description="CSV or XLSX, at most 5 MB.")],
    mapping: MappingForm = None,
) -> list[Proposal]:
    """Dry run of a bank statement: each line's State (by code, exact name, or the code at
    the end of an assessment reference) and proposed allocation; writes nothing."""
    content = await read_upload(file)
    return bank_import.dry_run(
        session,
        content=content,
        filename=file.filename or "statement.csv",
        mapping=parse_mapping(ColumnMapping, mapping),
    )


class CommitOut(BaseModel):
    receipts: list[ReceiptOut]


@router.post(
    "/bank-statements/commit",
    response_model=CommitOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
async def commit_statement(
    session: SessionDep,
    actor: OfficerDep,
    file: Annotated[UploadFile, File(description="The same file as the preview.")],
    rows: Annotated[str, Form(description="JSON list of the rows to record, e.g. [2, 3, 5].")],
    mapping: MappingForm = None,
    states: Annotated[
        str | None,
        Form(description='JSON {row: State code} for unmatched lines, e.g. {"4": "FRA"}.'),
    ] = None,
) -> CommitOut:
    """Record the chosen lines: all of them or none. Recording a line twice is refused
    (its bank reference is already used)."""
    content = await read_upload(file)
    try:
        chosen = [int(r) for r in json.loads(rows)]
        named = {int(k): str(v).upper() for k, v in json.loads(states or "{}").items()}
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValidationFailed(
            "rows is a JSON list of row numbers; states a JSON object",
            fields={"rows": "JSON list of integers"},
        ) from exc
    ids = bank_import.commit(
        session,
        actor=actor,
        content=content,
        filename=file.filename or "statement.csv",
        mapping=parse_mapping(ColumnMapping, mapping),
        rows=chosen,
        states=named,
    )
    return CommitOut(receipts=[service.receipt_out(session, i) for i in ids])


@router.get(
    "/receipts/{receipt_id}/document",
    response_class=Response,
    responses=file_responses("The receipt as PDF or HTML.", RECEIPT_MEDIA.values()),
)
def get_receipt_document(
    receipt_id: int,
    session: SessionDep,
    _actor: ReaderDep,
    format: ReceiptFormat = ReceiptFormat.PDF,
) -> Response:
    """The receipt document: the money, where it went and the rule that placed it."""
    doc = service.receipt_out(session, receipt_id)
    body = render_receipt(doc, format, demo=is_demo(session))
    return file_response(body, RECEIPT_MEDIA[format], f"receipt-{receipt_id}.{format.value}")
