"""Ledger exports for the auditors (confidential): the trial balance and the general
ledger of a period, as at ``(as_at, known_at)``.

The period runs from ``from_on`` (default 1 January of the year of ``as_at``) to
``as_at``, both included, and holds the postings recorded by ``known_at``. Amounts are
integer US cents.

Trial balance (``trial-balance``), one row per ledger account (every account of every
fund, zeros included):

- ``opening``: the account's balance before ``from_on`` (signed: debit balances
  positive, credit balances negative);
- ``debits``: the sum of the debit postings (positive amounts) in the period;
- ``credits``: the sum of the credit postings (negative amounts) in the period, shown
  positive;
- ``closing``: the balance as at ``as_at`` (signed like ``opening``), so that
  opening + debits − credits = closing.

Every entry balances within each fund, so each fund's total opening and closing are zero
and its debits equal its credits. One SQL aggregate (integer sums in SQL).

General ledger (``general-ledger``): one row per posting of the period, ordered by entry
``seq`` then ``line_no``, with its entry's value date, recording time (ISO 8601 UTC text),
type, description, source reference, the entry it reverses, and the hash chain
(``prev_hash``, ``entry_hash``); ``debit`` is the posting's amount when positive,
``credit`` minus its amount when negative (the other is zero). One SQL query, read
straight into the DataFrame.

Facts of both: the period, the ledger's chain head (seq and hash of the last entry
recorded by ``known_at``, whatever its value date), the total debits and credits and
the number of entries in the period (the general ledger adds its number of postings)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import BigInteger, ColumnElement, and_, case, cast, func, select
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from finance_core.errors import ValidationFailed
from finance_core.ledger.models import JournalEntry, LedgerAccount, LedgerPosting
from finance_core.publication.service import chain_head_at
from finance_core.system.service import is_demo
from reports.columns import FUND_CODE
from reports.document import Column, ColumnKind, Fact, Report, Table
from reports.request import ReportRequest

TB_AMOUNTS = ("opening", "debits", "credits", "closing")
TB_COLUMNS = ("fund", "account_code", "account_type", "account_name", *TB_AMOUNTS)
GL_COLUMNS = (
    "seq",
    "value_on",
    "recorded_at",
    "entry_type",
    "description",
    "source_ref",
    "actor",
    "reverses_seq",
    "prev_hash",
    "entry_hash",
    "line_no",
    "account_code",
    "fund",
    "state_code",
    "assessment_year",
    "budget_line_id",
    "debit",
    "credit",
)
#: Nullable integer columns of the general ledger (kept as integers, not floats).
GL_OPTIONAL_INTEGERS = ("reverses_seq", "assessment_year", "budget_line_id")
#: How ``recorded_at`` is written: UTC to the microsecond, as in canonical JSON.
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def period_of(request: ReportRequest) -> tuple[date, date]:
    """The period's first and last value dates; ``from_on`` after ``as_at`` is refused."""
    from_on = request.from_on or date(request.as_at.year, 1, 1)
    if from_on > request.as_at:
        raise ValidationFailed(
            "from_on is after as_at",
            fields={"from_on": f"must be on or before as_at ({request.as_at.isoformat()})"},
        )
    return from_on, request.as_at


def _int_sum(expression: Any) -> ColumnElement[int]:
    return cast(func.coalesce(func.sum(expression), 0), BigInteger)


# --- trial balance -----------------------------------------------------------------------


def trial_balance_query(
    *, from_on: date, as_at: date, known_at: datetime
) -> Select[*tuple[Any, ...]]:
    """One row per ledger account with its opening, debits, credits and closing (cents)."""
    p, a = LedgerPosting, LedgerAccount
    amount = col(p.amount_minor)
    before = col(p.value_on) < from_on
    within = col(p.value_on) >= from_on
    return (
        select(
            col(a.fund_code),
            col(a.code),
            col(a.account_type),
            col(a.name),
            _int_sum(case((before, amount), else_=0)).label("opening"),
            _int_sum(case((and_(within, amount > 0), amount), else_=0)).label("debits"),
            _int_sum(case((and_(within, amount < 0), -amount), else_=0)).label("credits"),
            _int_sum(amount).label("closing"),
        )
        .select_from(a)
        .outerjoin(
            p,
            and_(
                col(p.account_id) == col(a.id),
                col(p.value_on) <= as_at,
                col(p.recorded_at) <= known_at,
            ),
        )
        .group_by(col(a.id), col(a.fund_code), col(a.code), col(a.account_type), col(a.name))
        .order_by(col(a.fund_code), col(a.code))
    )


def trial_balance_frame(
    session: Session, *, from_on: date, as_at: date, known_at: datetime
) -> pd.DataFrame:
    """The trial balance as a DataFrame (columns ``TB_COLUMNS``), sorted by fund then
    account code."""
    rows = (
        session.connection()
        .execute(trial_balance_query(from_on=from_on, as_at=as_at, known_at=known_at))
        .all()
    )
    frame = pd.DataFrame.from_records(rows, columns=list(TB_COLUMNS))
    frame[list(TB_AMOUNTS)] = frame[list(TB_AMOUNTS)].astype("int64")
    return frame


def entries_in_period(session: Session, *, from_on: date, as_at: date, known_at: datetime) -> int:
    """The number of journal entries dated in the period and recorded by ``known_at``."""
    e = JournalEntry
    count = session.execute(
        select(func.count()).where(
            col(e.value_on) >= from_on, col(e.value_on) <= as_at, col(e.recorded_at) <= known_at
        )
    ).scalar_one()
    return int(count)


def _period_facts(
    session: Session, from_on: date, as_at: date, known_at: datetime
) -> tuple[Fact, ...]:
    head = chain_head_at(session, known_at)
    return (
        Fact("from_on", "gl.fact.from_on", ColumnKind.DATE, from_on),
        Fact("as_at", "gl.fact.as_at", ColumnKind.DATE, as_at),
        Fact(
            "chain_head_seq",
            "gl.fact.chain_head_seq",
            ColumnKind.INTEGER,
            None if head is None else head[0],
        ),
        Fact(
            "chain_head_hash",
            "gl.fact.chain_head_hash",
            ColumnKind.TEXT,
            None if head is None else head[1],
        ),
    )


def _parameters(from_on: date, as_at: date) -> dict[str, str]:
    return {"from_on": from_on.isoformat(), "as_at": as_at.isoformat()}


ACCOUNT_CODE = Column("account_code", "gl.col.account_code", width=28)


def _money(key: str, prefix: str) -> Column:
    return Column(key, f"{prefix}.col.{key}", ColumnKind.MONEY, total=True)


def trial_balance(session: Session, request: ReportRequest) -> Report:
    """The trial balance of the period ``from_on``..``as_at`` as known at ``known_at``."""
    from_on, as_at = period_of(request)
    frame = trial_balance_frame(session, from_on=from_on, as_at=as_at, known_at=request.known_at)
    debits = int(frame["debits"].sum())
    credits = int(frame["credits"].sum())
    entries = entries_in_period(session, from_on=from_on, as_at=as_at, known_at=request.known_at)
    period = _period_facts(session, from_on, as_at, request.known_at)
    facts = (
        *period[:2],
        Fact("debits", "tb.fact.debits", ColumnKind.MONEY, debits),
        Fact("credits", "tb.fact.credits", ColumnKind.MONEY, credits),
        Fact("entries", "tb.fact.entries", ColumnKind.INTEGER, entries),
        *period[2:],
    )
    columns = (
        FUND_CODE,
        ACCOUNT_CODE,
        Column(
            "account_type", "tb.col.account_type", ColumnKind.LABEL, labels="tb.type.", width=22
        ),
        Column("account_name", "tb.col.account_name", width=44),
        *(_money(k, "tb") for k in TB_AMOUNTS),
    )
    return Report(
        name="trial-balance",
        title="tb.title",
        as_at=as_at,
        known_at=request.known_at,
        demo=is_demo(session),
        parameters=_parameters(from_on, as_at),
        subtitle="tb.subtitle",
        facts=facts,
        tables=(
            Table(
                "accounts",
                "tb.table.accounts",
                columns,
                frame,
                total_by="fund",
                note="tb.note.signs",
            ),
        ),
    )


# --- general ledger ----------------------------------------------------------------------


def general_ledger_query(
    *, from_on: date, as_at: date, known_at: datetime
) -> Select[*tuple[Any, ...]]:
    """One row per posting of the period, ordered by entry seq then line no."""
    p, e, a = LedgerPosting, JournalEntry, LedgerAccount
    amount = col(p.amount_minor)
    return (
        select(
            col(e.seq),
            col(e.value_on),
            col(e.recorded_at),
            col(e.entry_type),
            col(e.description),
            col(e.source_ref),
            col(e.actor),
            col(e.reverses_seq),
            col(e.prev_hash),
            col(e.entry_hash),
            col(p.line_no),
            col(a.code),
            col(p.fund_code),
            col(p.state_code),
            col(p.assessment_year),
            col(p.budget_line_id),
            cast(case((amount > 0, amount), else_=0), BigInteger).label("debit"),
            cast(case((amount < 0, -amount), else_=0), BigInteger).label("credit"),
        )
        .select_from(p)
        .join(e, col(e.seq) == col(p.entry_seq))
        .join(a, col(a.id) == col(p.account_id))
        .where(
            col(p.value_on) >= from_on,
            col(p.value_on) <= as_at,
            col(p.recorded_at) <= known_at,
        )
        .order_by(col(p.entry_seq), col(p.line_no))
    )


def general_ledger_frame(
    session: Session, *, from_on: date, as_at: date, known_at: datetime
) -> pd.DataFrame:
    """The general ledger as a DataFrame (columns ``GL_COLUMNS``): one query, no loop."""
    result = session.connection().execute(
        general_ledger_query(from_on=from_on, as_at=as_at, known_at=known_at)
    )
    frame = pd.DataFrame.from_records(result, columns=list(GL_COLUMNS))
    for key in ("seq", "line_no", "debit", "credit"):
        frame[key] = frame[key].astype("int64")
    for key in GL_OPTIONAL_INTEGERS:
        frame[key] = frame[key].astype("Int64")
    recorded = pd.to_datetime(frame["recorded_at"], utc=True)
    frame["recorded_at"] = recorded.dt.strftime(TIMESTAMP_FORMAT).astype("object")
    return frame


def _gl(key: str, kind: ColumnKind = ColumnKind.TEXT, width: int | None = None) -> Column:
    return Column(key, f"gl.col.{key}", kind, width=width)


GL_TABLE_COLUMNS = (
    _gl("seq", ColumnKind.INTEGER),
    _gl("value_on", ColumnKind.DATE),
    _gl("recorded_at", width=28),
    _gl("entry_type", width=24),
    _gl("description", width=60),
    _gl("source_ref", width=30),
    _gl("actor", width=18),
    _gl("reverses_seq", ColumnKind.INTEGER),
    _gl("prev_hash", width=20),
    _gl("entry_hash", width=20),
    _gl("line_no", ColumnKind.INTEGER),
    ACCOUNT_CODE,
    FUND_CODE,
    _gl("state_code", width=8),
    _gl("assessment_year", ColumnKind.INTEGER),
    _gl("budget_line_id", ColumnKind.INTEGER),
    _money("debit", "gl"),
    _money("credit", "gl"),
)


def general_ledger(session: Session, request: ReportRequest) -> Report:
    """Every posting of the period ``from_on``..``as_at`` recorded by ``known_at``."""
    from_on, as_at = period_of(request)
    frame = general_ledger_frame(session, from_on=from_on, as_at=as_at, known_at=request.known_at)
    period = _period_facts(session, from_on, as_at, request.known_at)
    facts = (
        *period[:2],
        Fact("debits", "tb.fact.debits", ColumnKind.MONEY, int(frame["debit"].sum())),
        Fact("credits", "tb.fact.credits", ColumnKind.MONEY, int(frame["credit"].sum())),
        Fact("entries", "tb.fact.entries", ColumnKind.INTEGER, int(frame["seq"].nunique())),
        Fact("postings", "gl.fact.postings", ColumnKind.INTEGER, len(frame)),
        *period[2:],
    )
    return Report(
        name="general-ledger",
        title="gl.title",
        as_at=as_at,
        known_at=request.known_at,
        demo=is_demo(session),
        parameters=_parameters(from_on, as_at),
        subtitle="gl.subtitle",
        facts=facts,
        tables=(
            Table(
                "postings",
                "gl.table.postings",
                GL_TABLE_COLUMNS,
                frame,
                total_by="fund",
                note="gl.note.signs",
            ),
        ),
    )
