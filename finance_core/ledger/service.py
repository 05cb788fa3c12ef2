"""Posting to the ledger, reversing, closing periods and reading accounts and entries.

Services never commit: the caller's transaction does. ``post_entry`` validates first
(clear errors, nothing written), then locks the chain head for the short final part.

An entry's ``recorded_at`` is read from the clock once the chain head is locked, so an
entry recorded by a moment had taken the head by then: once the transaction holding the
head has ended (``wait_for_postings``), every entry recorded by that moment is committed
and readable, and what is recorded as known at it no longer changes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.pool import Pool
from sqlmodel import Session, SQLModel, col

from finance_core.actor import Actor
from finance_core.audit import service as audit
from finance_core.db_types import utcnow
from finance_core.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from finance_core.ledger.hashing import HashedPosting, entry_hash
from finance_core.ledger.models import (
    ClosedPeriod,
    JournalEntry,
    LedgerAccount,
    LedgerChainHead,
    LedgerPosting,
)


@dataclass(frozen=True, slots=True)
class AccountRef:
    """What posting needs to know of an account: its id and its fund."""

    id: int
    fund_code: str


_POSTINGS = SQLModel.metadata.tables[LedgerPosting.__tablename__]
_ENTRIES = SQLModel.metadata.tables[JournalEntry.__tablename__]

# Statements built once (each post binds its values): posting is the ledger's hot path.
_HEAD = (
    select(col(LedgerChainHead.seq), col(LedgerChainHead.entry_hash))
    .where(col(LedgerChainHead.id) == 1)
    .with_for_update()
)
_HEAD_SHARED = (
    select(col(LedgerChainHead.seq)).where(col(LedgerChainHead.id) == 1).with_for_update(read=True)
)
_CLOSED = select(col(ClosedPeriod.fund_code)).where(
    col(ClosedPeriod.fund_code).in_(bindparam("funds", expanding=True)),
    col(ClosedPeriod.year) == bindparam("year"),
)

#: Account references per connection pool (so per database). Accounts are only ever
#: added, never changed or removed, so a cached reference stays true.
_ACCOUNT_CACHE: WeakKeyDictionary[Pool, dict[str, AccountRef]] = WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class PostingSpec:
    """A posting to make: ``amount_minor`` US cents, debit > 0, credit < 0."""

    account: str
    amount_minor: int
    state_code: str | None = None
    assessment_year: int | None = None
    budget_line_id: int | None = None


def _accounts_by_code(session: Session, codes: set[str]) -> dict[str, AccountRef]:
    """References of the accounts named in ``codes`` (unknown codes are left out)."""
    cache = _ACCOUNT_CACHE.setdefault(session.get_bind().engine.pool, {})
    missing = codes - cache.keys()
    if missing:
        rows = session.execute(
            select(
                col(LedgerAccount.code), col(LedgerAccount.id), col(LedgerAccount.fund_code)
            ).where(col(LedgerAccount.code).in_(missing))
        )
        for code, account_id, fund_code in rows:
            cache[code] = AccountRef(int(account_id), str(fund_code))
    return {code: cache[code] for code in codes if code in cache}


def _lock_head(session: Session) -> tuple[int, str]:
    """The chain head (seq, entry hash), locked until commit (FOR UPDATE on PostgreSQL;
    a SQLite write transaction already holds the database's write lock)."""
    head = session.execute(_HEAD).first()
    if head is None:
        raise RuleViolation("the ledger has no chain head: run `attfin db upgrade`")
    return int(head[0]), str(head[1])


def wait_for_postings(session: Session) -> None:
    """Wait until the transaction posting to the ledger now (if any) has ended, without
    keeping any lock: afterwards every entry recorded before this call is readable (see
    the module docstring). On SQLite a transaction never runs beside a posting one."""
    if session.get_bind().dialect.name != "postgresql":
        return
    with session.begin_nested() as savepoint:  # its rollback releases the row lock
        session.execute(_HEAD_SHARED).all()
        savepoint.rollback()


def validate_postings(postings: Sequence[PostingSpec], accounts: dict[str, AccountRef]) -> None:
    """Raise ValidationFailed unless the postings form a valid balanced entry."""
    errors: dict[str, str] = {}
    if len(postings) < 2:
        errors["postings"] = "an entry needs at least two postings"
    per_fund: dict[str, int] = defaultdict(int)
    for i, p in enumerate(postings, start=1):
        if not isinstance(p.amount_minor, int) or isinstance(p.amount_minor, bool):
            errors[f"postings[{i}].amount"] = "amounts are integer minor units"
            continue
        if p.amount_minor == 0:
            errors[f"postings[{i}].amount"] = "a posting may not be zero"
        account = accounts.get(p.account)
        if account is None:
            errors[f"postings[{i}].account"] = f"unknown account {p.account!r}"
            continue
        per_fund[account.fund_code] += p.amount_minor
    for fund, total in sorted(per_fund.items()):
        if total != 0:
            errors[f"fund.{fund}"] = f"postings in fund {fund} sum to {total}, not zero"
    if errors:
        raise ValidationFailed("the entry is not a valid balanced entry", fields=errors)


def post_entry(
    session: Session,
    *,
    actor: Actor,
    value_on: date,
    entry_type: str,
    description: str,
    postings: Sequence[PostingSpec],
    source_ref: str | None = None,
    reverses_seq: int | None = None,
    recorded_at: datetime | None = None,
) -> JournalEntry:
    """Append one balanced entry to the ledger and return it (sealed, with its hash).

    ``recorded_at`` defaults to now; only the demo loader back-dates it."""
    accounts = _accounts_by_code(session, {p.account for p in postings})
    validate_postings(postings, accounts)
    funds = {accounts[p.account].fund_code for p in postings}
    closed = (
        session.execute(_CLOSED, {"funds": sorted(funds), "year": value_on.year}).scalars().all()
    )
    if closed:
        raise RuleViolation(
            f"{value_on.year} is closed for fund {', '.join(sorted(closed))}: "
            "date the entry in an open period"
        )
    hashed = [
        HashedPosting(
            line_no=i,
            account_code=p.account,
            fund_code=accounts[p.account].fund_code,
            amount_minor=p.amount_minor,
            state_code=p.state_code,
            assessment_year=p.assessment_year,
            budget_line_id=p.budget_line_id,
        )
        for i, p in enumerate(postings, start=1)
    ]
    head_seq, head_hash = _lock_head(session)
    recorded_at = recorded_at or utcnow()
    seq = head_seq + 1
    entry = JournalEntry(
        seq=seq,
        value_on=value_on,
        recorded_at=recorded_at,
        entry_type=entry_type,
        description=description,
        source_ref=source_ref,
        actor=actor.name,
        reverses_seq=reverses_seq,
        prev_hash=head_hash,
        entry_hash="",
    )
    entry.entry_hash = entry_hash(entry, hashed)
    # Core statements (not the ORM unit of work): postings first, then the entry row,
    # whose insertion seals the entry and moves the chain head (database triggers).
    connection = session.connection()
    connection.execute(
        insert(_POSTINGS),
        [
            {
                "entry_seq": seq,
                "line_no": h.line_no,
                "account_id": accounts[h.account_code].id,
                "fund_code": h.fund_code,
                "value_on": value_on,
                "recorded_at": recorded_at,
                "amount_minor": h.amount_minor,
                "state_code": h.state_code,
                "assessment_year": h.assessment_year,
                "budget_line_id": h.budget_line_id,
            }
            for h in hashed
        ],
    )
    connection.execute(insert(_ENTRIES), entry.model_dump(include=set(JournalEntry.model_fields)))
    return entry


def reverse_entry(
    session: Session,
    *,
    actor: Actor,
    seq: int,
    value_on: date,
    reason: str,
    recorded_at: datetime | None = None,
) -> JournalEntry:
    """Append the entry that exactly undoes entry ``seq`` (same dimensions, signs flipped).

    ``recorded_at`` defaults to now; only the demo loader back-dates it."""
    original, rows = get_entry(session, seq)
    already = session.execute(
        select(col(JournalEntry.seq)).where(col(JournalEntry.reverses_seq) == seq)
    ).scalar_one_or_none()
    if already is not None:
        raise Conflict(f"journal entry {seq} was already reversed by entry {already}")
    if not reason.strip():
        raise ValidationFailed("a reversal needs a reason", fields={"reason": "required"})
    entry = post_entry(
        session,
        actor=actor,
        value_on=value_on,
        entry_type="reversal",
        description=f"Reversal of entry {seq}: {reason.strip()}",
        source_ref=original.source_ref,
        reverses_seq=seq,
        recorded_at=recorded_at,
        postings=[
            PostingSpec(
                account=code,
                amount_minor=-p.amount_minor,
                state_code=p.state_code,
                assessment_year=p.assessment_year,
                budget_line_id=p.budget_line_id,
            )
            for p, code in rows
        ],
    )
    audit.record(
        session,
        actor=actor,
        action="ledger.reverse",
        object_type="journal_entry",
        object_id=str(entry.seq),
        detail={"reverses": seq, "reason": reason},
        occurred_at=recorded_at,
    )
    return entry


def close_period(
    session: Session, *, actor: Actor, fund_code: str, year: int, reference: str
) -> ClosedPeriod:
    """Close ``year`` of ``fund_code``: no posting dated in it will be accepted."""
    if session.get(ClosedPeriod, (fund_code, year)) is not None:
        raise Conflict(f"{year} is already closed for fund {fund_code}")
    from finance_core.funds.models import Fund

    if session.get(Fund, fund_code) is None:
        raise NotFound(f"fund {fund_code} does not exist")
    period = ClosedPeriod(fund_code=fund_code, year=year, closed_by=actor.name, reference=reference)
    session.add(period)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="ledger.close_period",
        object_type="fund_year",
        object_id=f"{fund_code}/{year}",
        detail={"reference": reference},
    )
    return period


def list_accounts(session: Session, *, fund_code: str | None = None) -> list[LedgerAccount]:
    """Accounts, by fund and type."""
    query = select(LedgerAccount).order_by(col(LedgerAccount.code))
    if fund_code:
        query = query.where(col(LedgerAccount.fund_code) == fund_code)
    return list(session.execute(query).scalars())


def list_entries(session: Session, *, limit: int, offset: int) -> tuple[list[JournalEntry], int]:
    """Journal entries, newest first, and how many there are."""
    total = session.execute(select(func.count()).select_from(JournalEntry)).scalar_one()
    rows = session.execute(
        select(JournalEntry).order_by(col(JournalEntry.seq).desc()).limit(limit).offset(offset)
    ).scalars()
    return list(rows), int(total)


def get_entry(session: Session, seq: int) -> tuple[JournalEntry, list[tuple[LedgerPosting, str]]]:
    """One entry with its postings and their account codes."""
    entry = session.get(JournalEntry, seq)
    if entry is None:
        raise NotFound(f"journal entry {seq} does not exist")
    rows = session.execute(
        select(LedgerPosting, col(LedgerAccount.code))
        .join(LedgerAccount, col(LedgerAccount.id) == col(LedgerPosting.account_id))
        .where(col(LedgerPosting.entry_seq) == seq)
        .order_by(col(LedgerPosting.line_no))
    ).all()
    return entry, [(p, code) for p, code in rows]
