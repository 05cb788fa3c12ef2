"""A State's statement of account as at ``(as_at, known_at)`` for a period: per fund and
assessment year, the opening balance, what was assessed, received, paid from credit,
written off and reversed, and the closing balance; the State's credit likewise; and every
movement in the period. One SQL aggregate per part, over postings (no Python loop over
the ledger). Amounts are US cents; a positive balance is owed by the State."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import BigInteger, and_, case, cast, func, literal, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from finance_core.ledger.models import AccountType, JournalEntry, LedgerAccount, LedgerPosting
from finance_core.states.service import get_state

#: Statement columns by the (original) entry type of a movement.
CATEGORIES = {
    "receipt": "received",
    "credit.applied": "credit_applied",
    "credit.refund": "refunded",
    "write_off": "written_off",
    "exchange_difference": "exchange",
    "surplus.credit": "surplus_credited",
}
ASSESSED = "assessed"
REVERSED = "reversed"


def category(entry_type: str, reversed_type: str | None) -> str:
    """The statement column of a movement (reversals have their own column)."""
    if reversed_type is not None:
        return REVERSED
    if entry_type.startswith("assessment."):
        return ASSESSED
    return CATEGORIES.get(entry_type, "other")


@dataclass(slots=True)
class Row:
    """One fund and year (or the credit): opening, movements by column, closing."""

    fund: str
    assessment_year: int | None
    opening_minor: int = 0
    movements: dict[str, int] = field(default_factory=dict)
    closing_minor: int = 0


@dataclass(frozen=True, slots=True)
class Movement:
    value_on: date
    entry_seq: int
    entry_type: str
    description: str
    fund: str
    assessment_year: int | None
    account_type: str
    amount_minor: int


@dataclass(frozen=True, slots=True)
class Statement:
    state_code: str
    state_name: str
    from_on: date
    as_at: date
    known_at: datetime | None
    receivables: list[Row]
    credit: list[Row]
    movements: list[Movement]

    @property
    def owed_minor(self) -> int:
        return sum(r.closing_minor for r in self.receivables)

    @property
    def credit_minor(self) -> int:
        return -sum(r.closing_minor for r in self.credit)


def statement(
    session: Session,
    *,
    state_code: str,
    from_on: date,
    as_at: date,
    known_at: datetime | None = None,
) -> Statement:
    """The statement of ``state_code`` for ``from_on``..``as_at`` as known at ``known_at``."""
    state = get_state(session, state_code)
    conn = session.connection()  # Core execution: plain rows, no ORM bookkeeping
    p, a, e = LedgerPosting, LedgerAccount, JournalEntry
    original = aliased(JournalEntry)
    types = (AccountType.RECEIVABLE.value, AccountType.STATE_CREDIT.value)
    known = col(p.recorded_at) <= known_at if known_at is not None else literal(True)
    mine = and_(col(p.state_code) == state.code, col(a.account_type).in_(types), known)
    amount = cast(func.coalesce(func.sum(col(p.amount_minor)), 0), BigInteger)
    before = from_on - timedelta(days=1)

    def opening_and_closing() -> dict[tuple[str, str, int | None], tuple[int, int]]:
        opening = func.sum(case((col(p.value_on) <= before, col(p.amount_minor)), else_=0))
        rows = conn.execute(
            select(
                col(a.account_type),
                col(p.fund_code),
                col(p.assessment_year),
                cast(func.coalesce(opening, 0), BigInteger),
                amount,
            )
            .join(a, col(a.id) == col(p.account_id))
            .where(mine, col(p.value_on) <= as_at)
            .group_by(col(a.account_type), col(p.fund_code), col(p.assessment_year))
        ).all()
        return {(t, f, y): (int(o), int(c)) for t, f, y, o, c in rows}

    in_period = and_(mine, col(p.value_on) >= from_on, col(p.value_on) <= as_at)
    moved = conn.execute(
        select(
            col(a.account_type),
            col(p.fund_code),
            col(p.assessment_year),
            col(e.entry_type),
            col(original.entry_type),
            amount,
        )
        .join(a, col(a.id) == col(p.account_id))
        .join(e, col(e.seq) == col(p.entry_seq))
        .outerjoin(original, col(original.seq) == col(e.reverses_seq))
        .where(in_period)
        .group_by(
            col(a.account_type),
            col(p.fund_code),
            col(p.assessment_year),
            col(e.entry_type),
            col(original.entry_type),
        )
    ).all()
    rows: dict[tuple[str, str, int | None], Row] = {}
    for (kind, fund, year), (opening, closing) in opening_and_closing().items():
        rows[(kind, fund, year)] = Row(fund, year, opening, {}, closing)
    for kind, fund, year, entry_type, reversed_type, total in moved:
        row = rows.setdefault((kind, fund, year), Row(fund, year))
        column = category(entry_type, reversed_type)
        row.movements[column] = row.movements.get(column, 0) + int(total)
    listed = conn.execute(
        select(
            col(p.value_on),
            col(e.seq),
            col(e.entry_type),
            col(e.description),
            col(p.fund_code),
            col(p.assessment_year),
            col(a.account_type),
            col(p.amount_minor),
        )
        .join(a, col(a.id) == col(p.account_id))
        .join(e, col(e.seq) == col(p.entry_seq))
        .where(in_period)
        .order_by(col(p.value_on), col(e.seq), col(p.line_no))
    ).all()

    def keep(row: Row) -> bool:
        return bool(row.opening_minor or row.closing_minor or any(row.movements.values()))

    def order(key: tuple[str, str, int | None]) -> tuple[int, str]:
        return (key[2] or 0, key[1])

    return Statement(
        state_code=state.code,
        state_name=state.name,
        from_on=from_on,
        as_at=as_at,
        known_at=known_at,
        receivables=[
            rows[k]
            for k in sorted(rows, key=order)
            if k[0] == AccountType.RECEIVABLE.value and keep(rows[k])
        ],
        credit=[
            rows[k]
            for k in sorted(rows, key=order)
            if k[0] == AccountType.STATE_CREDIT.value and keep(rows[k])
        ],
        movements=[Movement(*m) for m in listed],
    )
