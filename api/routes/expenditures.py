"""Expenditures and commitments against budget lines, their import from a file, and
budget vs commitments vs actual."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from api.deps import OfficerDep, PageDep, ReaderDep, SessionDep, as_utc
from api.errors import error_responses
from api.files import file_response, file_responses
from api.idempotency import IdempotencyDep
from api.schemas import Page
from api.uploads import parse_mapping, parse_rows, read_upload
from finance_core.db_types import utctoday
from finance_core.expenditures import importer, service
from finance_core.expenditures.importer import ExpenditureMapping, ExpenditureProposal
from finance_core.expenditures.schemas import (
    CancellationIn,
    CommitmentIn,
    CommitmentOut,
    ExpenditureIn,
    ExpenditureOut,
)
from finance_core.payments.schemas import ReversalIn, UsdConfirmationIn
from reports.budget_execution import execution_csv

router = APIRouter(tags=["expenditures"])

_READ_ERRORS = error_responses(401, 403, 404, 422)
_WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)


@router.post(
    "/expenditures", response_model=ExpenditureOut, status_code=201, responses=_WRITE_ERRORS
)
def record_expenditure(
    data: ExpenditureIn, session: SessionDep, actor: OfficerDep, idem: IdempotencyDep
) -> Response:
    """Record a payment for a budget line (named by ``budget_line_id``, or by fund, year
    and line code): it posts to the fund's expenditure (with the line and the budget's
    year) against its bank, in US dollars (provisional for another currency until the
    bank's figure is confirmed). Send an ``Idempotency-Key``: a retry then returns the
    first expenditure instead of recording it twice."""
    return idem.run(
        actor,
        lambda: service.expenditure_out(
            session, service.record_expenditure(session, actor=actor, data=data).id or 0
        ),
        status_code=201,
    )


@router.get(
    "/expenditures", response_model=Page[ExpenditureOut], responses=error_responses(401, 403, 422)
)
def list_expenditures(
    session: SessionDep,
    _actor: ReaderDep,
    window: PageDep,
    fund: str | None = None,
    year: Annotated[int | None, Query(description="The budget's year.")] = None,
    commitment: Annotated[int | None, Query(description="Liquidating this commitment.")] = None,
) -> Page[ExpenditureOut]:
    """Expenditures, newest first, optionally of one fund, budget year or commitment."""
    limit, offset = window
    ids, total = service.list_expenditures(
        session, fund=fund, year=year, commitment_id=commitment, limit=limit, offset=offset
    )
    return Page(
        items=[service.expenditure_out(session, i) for i in ids],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/expenditures/{expenditure_id}", response_model=ExpenditureOut, responses=_READ_ERRORS)
def get_expenditure(expenditure_id: int, session: SessionDep, _actor: ReaderDep) -> ExpenditureOut:
    """One expenditure, with its reversal and the bank's US dollar figure if any."""
    return service.expenditure_out(session, expenditure_id)


@router.post(
    "/expenditures/{expenditure_id}/reversal",
    response_model=ExpenditureOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def reverse_expenditure(
    expenditure_id: int,
    data: ReversalIn,
    session: SessionDep,
    actor: OfficerDep,
    idem: IdempotencyDep,
) -> Response:
    """Reverse an expenditure (returned by the bank, recorded in error): its entries are
    reversed, what it liquidated of a commitment is open again; nothing is deleted."""

    def write() -> ExpenditureOut:
        service.reverse_expenditure(session, actor=actor, expenditure_id=expenditure_id, data=data)
        return service.expenditure_out(session, expenditure_id)

    return idem.run(actor, write, status_code=201)


@router.post(
    "/expenditures/{expenditure_id}/usd-confirmation",
    response_model=ExpenditureOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def confirm_usd(
    expenditure_id: int,
    data: UsdConfirmationIn,
    session: SessionDep,
    actor: OfficerDep,
    idem: IdempotencyDep,
) -> Response:
    """Record the bank's US dollar figure for an expenditure recorded at a provisional
    rate; the difference posts to the fund's exchange gain/loss."""

    def write() -> ExpenditureOut:
        service.confirm_usd(
            session,
            actor=actor,
            expenditure_id=expenditure_id,
            usd_amount=data.usd_amount,
            value_on=data.value_on,
        )
        return service.expenditure_out(session, expenditure_id)

    return idem.run(actor, write, status_code=201)


@router.post("/commitments", response_model=CommitmentOut, status_code=201, responses=_WRITE_ERRORS)
def record_commitment(
    data: CommitmentIn, session: SessionDep, actor: OfficerDep, idem: IdempotencyDep
) -> Response:
    """Record an obligation against a budget line (a contract, a purchase order): it
    reduces what is available on the line until expenditures liquidate it. Nothing posts
    to the ledger. An ``Idempotency-Key`` makes a retry safe."""
    return idem.run(
        actor,
        lambda: service.commitment_out(
            session, service.record_commitment(session, actor=actor, data=data).id or 0
        ),
        status_code=201,
    )


class CommitmentStatus(StrEnum):
    OPEN = "open"
    LIQUIDATED = "liquidated"
    CANCELLED = "cancelled"


@router.get(
    "/commitments", response_model=Page[CommitmentOut], responses=error_responses(401, 403, 422)
)
def list_commitments(
    session: SessionDep,
    _actor: ReaderDep,
    window: PageDep,
    fund: str | None = None,
    year: Annotated[int | None, Query(description="The budget's year.")] = None,
    status: CommitmentStatus | None = None,
) -> Page[CommitmentOut]:
    """Commitments, newest first, with what is liquidated and open today."""
    limit, offset = window
    items, total = service.list_commitments(
        session,
        fund=fund,
        year=year,
        status=status.value if status else None,
        limit=limit,
        offset=offset,
    )
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get("/commitments/{commitment_id}", response_model=CommitmentOut, responses=_READ_ERRORS)
def get_commitment(commitment_id: int, session: SessionDep, _actor: ReaderDep) -> CommitmentOut:
    """One commitment: what was committed, liquidated, cancelled and is open today."""
    return service.commitment_out(session, commitment_id)


@router.post(
    "/commitments/{commitment_id}/cancellation",
    response_model=CommitmentOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
def cancel_commitment(
    commitment_id: int, data: CancellationIn, session: SessionDep, actor: OfficerDep
) -> CommitmentOut:
    """Cancel the open remainder of a commitment (it will not be paid)."""
    service.cancel_commitment(session, actor=actor, commitment_id=commitment_id, data=data)
    return service.commitment_out(session, commitment_id)


MappingForm = Annotated[
    str | None,
    Form(
        description='JSON, e.g. {"fund": "Fund", "year": "Year", "line_code": "Line", '
        '"value_on": "Paid on", "amount": "Amount", "currency": "Ccy", "category": '
        '"Category", "payee": "Payee", "reference": "Invoice"}'
    ),
]


@router.post(
    "/expenditure-imports/preview",
    response_model=list[ExpenditureProposal],
    responses=_WRITE_ERRORS,
)
async def preview_import(
    session: SessionDep,
    _actor: OfficerDep,
    file: Annotated[UploadFile, File(description="CSV or XLSX, at most 5 MB.")],
    mapping: MappingForm = None,
) -> list[ExpenditureProposal]:
    """Dry run of an expenditure file: each row ready, invalid (with the row and column at
    fault) or duplicate, with the US dollars it would post; writes nothing."""
    content = await read_upload(file)
    return importer.dry_run(
        session,
        content=content,
        filename=file.filename or "expenditures.csv",
        mapping=parse_mapping(ExpenditureMapping, mapping),
    )


class ImportOut(BaseModel):
    expenditures: list[ExpenditureOut]


@router.post(
    "/expenditure-imports/commit",
    response_model=ImportOut,
    status_code=201,
    responses=_WRITE_ERRORS,
)
async def commit_import(
    session: SessionDep,
    actor: OfficerDep,
    file: Annotated[UploadFile, File(description="The same file as the preview.")],
    rows: Annotated[str, Form(description="JSON list of the rows to record, e.g. [2, 3, 5].")],
    mapping: MappingForm = None,
) -> ImportOut:
    """Record the chosen rows: all of them or none. Recording a row twice is refused (its
    payee's reference is already used)."""
    content = await read_upload(file)
    chosen = parse_rows(rows)
    ids = importer.commit(
        session,
        actor=actor,
        content=content,
        filename=file.filename or "expenditures.csv",
        mapping=parse_mapping(ExpenditureMapping, mapping),
        rows=chosen,
    )
    return ImportOut(expenditures=[service.expenditure_out(session, i) for i in ids])


class ExecutionFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


@router.get(
    "/budget-execution",
    response_class=Response,
    responses=file_responses(
        "Budget vs commitments vs actual as JSON (ExecutionOut) or CSV (one row per line, "
        "then the totals per fund and year).",
        ["application/json", "text/csv; charset=utf-8"],
    ),
)
def get_execution(
    session: SessionDep,
    _actor: ReaderDep,
    fund: str | None = None,
    year: Annotated[int | None, Query(description="The budget's year.")] = None,
    as_at: Annotated[date | None, Query(description="Value-date cutoff (default today).")] = None,
    known_at: Annotated[
        datetime | None, Query(description="Recording cutoff (UTC; default now).")
    ] = None,
    format: ExecutionFormat = ExecutionFormat.JSON,
) -> Response:
    """Per budget line: the original budget, the revised budget in force, open
    commitments, actual expenditure (from the ledger), what is available and the
    execution rate; totals per fund and year."""
    report = service.execution(
        session, as_at=as_at or utctoday(), known_at=as_utc(known_at), fund=fund, year=year
    )
    if format is ExecutionFormat.CSV:
        name = f"budget-execution-{report.as_at.isoformat()}.csv"
        return file_response(execution_csv(report), "text/csv; charset=utf-8", name)
    return Response(report.model_dump_json(), media_type="application/json")
