"""The ledger: accounts, entries, balances as at (as_at, known_at), verification."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import PageDep, ReaderDep, SessionDep, as_utc
from api.errors import error_responses
from api.schemas import Page
from finance_core.ledger import service
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.ledger.verify import verify_ledger
from finance_core.money import format_minor

router = APIRouter(prefix="/ledger", tags=["ledger"])


class AccountOut(BaseModel):
    code: str
    fund_code: str
    account_type: str
    name: str


class PostingOut(BaseModel):
    line_no: int
    account: str
    amount: str = Field(description="US dollars, debit positive, credit negative.")
    state_code: str | None
    assessment_year: int | None
    budget_line_id: int | None


class EntryOut(BaseModel):
    seq: int
    value_on: date
    recorded_at: datetime
    entry_type: str
    description: str
    source_ref: str | None
    actor: str
    reverses_seq: int | None
    prev_hash: str
    entry_hash: str


class EntryDetail(EntryOut):
    postings: list[PostingOut]


class BalanceOut(BaseModel):
    amount: str = Field(description="US dollars, debit positive.")
    account: str | None = None
    account_type: str | None = None
    fund: str | None = None
    state: str | None = None
    assessment_year: int | None = None
    budget_line: int | None = None


class BalancesOut(BaseModel):
    as_at: date
    known_at: datetime | None
    by: list[BalanceDim]
    items: list[BalanceOut]


class ProblemOut(BaseModel):
    seq: int
    kind: str
    message: str


class VerifyOut(BaseModel):
    ok: bool
    entries_checked: int
    postings_checked: int
    problems: list[ProblemOut]


@router.get("/accounts", response_model=Page[AccountOut], responses=error_responses(401, 403, 422))
def list_accounts(
    session: SessionDep, _actor: ReaderDep, fund: str | None = None
) -> Page[AccountOut]:
    """Accounts per fund and type."""
    rows = [
        AccountOut.model_validate(a, from_attributes=True)
        for a in service.list_accounts(session, fund_code=fund)
    ]
    return Page.whole(rows)


@router.get("/entries", response_model=Page[EntryOut], responses=error_responses(401, 403, 422))
def list_entries(session: SessionDep, _actor: ReaderDep, window: PageDep) -> Page[EntryOut]:
    """Journal entries, newest first."""
    limit, offset = window
    rows, total = service.list_entries(session, limit=limit, offset=offset)
    items = [EntryOut.model_validate(e, from_attributes=True) for e in rows]
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/entries/{seq}", response_model=EntryDetail, responses=error_responses(401, 403, 404, 422)
)
def get_entry(seq: int, session: SessionDep, _actor: ReaderDep) -> EntryDetail:
    """One entry with its postings."""
    entry, postings = service.get_entry(session, seq)
    return EntryDetail(
        **EntryOut.model_validate(entry, from_attributes=True).model_dump(),
        postings=[
            PostingOut(
                line_no=p.line_no,
                account=code,
                amount=format_minor(p.amount_minor),
                state_code=p.state_code,
                assessment_year=p.assessment_year,
                budget_line_id=p.budget_line_id,
            )
            for p, code in postings
        ],
    )


@router.get("/balances", response_model=BalancesOut, responses=error_responses(401, 403, 422))
def get_balances(
    session: SessionDep,
    _actor: ReaderDep,
    as_at: Annotated[date, Query(description="Value-date cutoff (inclusive).")],
    known_at: Annotated[
        datetime | None, Query(description="Recording cutoff (inclusive, UTC); default now.")
    ] = None,
    by: Annotated[list[BalanceDim] | None, Query(description="Group by (repeatable).")] = None,
    fund: str | None = None,
    state: str | None = None,
    account_type: str | None = None,
) -> BalancesOut:
    """Balances as at ``(as_at, known_at)``, grouped and filtered."""
    known_at = as_utc(known_at)
    dims = by or [BalanceDim.ACCOUNT]
    rows = balances(
        session,
        as_at=as_at,
        known_at=known_at,
        by=dims,
        fund=fund,
        state=state,
        account_type=account_type,
    )
    return BalancesOut(
        as_at=as_at,
        known_at=known_at,
        by=dims,
        items=[
            BalanceOut(
                amount=format_minor(b.amount_minor),
                account=b.account,
                account_type=b.account_type,
                fund=b.fund,
                state=b.state,
                assessment_year=b.assessment_year,
                budget_line=b.budget_line,
            )
            for b in rows
        ],
    )


@router.get("/verify", response_model=VerifyOut, responses=error_responses(401, 403))
def verify(session: SessionDep, _actor: ReaderDep) -> VerifyOut:
    """Recompute the hash chain and every entry's balance."""
    report = verify_ledger(session)
    return VerifyOut(
        ok=report.ok,
        entries_checked=report.entries_checked,
        postings_checked=report.postings_checked,
        problems=[ProblemOut(seq=p.seq, kind=p.kind, message=p.message) for p in report.problems],
    )
