"""The honour roll for a year, as at ``(as_at, known_at)``: the States that had paid the
year's assessment in full (every fund assessed for the year), and those that paid it
within the due period.

A State's year is *paid in full* on the first value date from which its balance for the
year stays at or below zero (up to ``as_at``); it was paid *within the due period* when
every fund's assessment was settled by that fund's due date (the earliest due date of the
fund's assessment runs for the year). One SQL aggregate per State, fund and value date;
the running balances are pandas cumulative sums."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import BigInteger, case, cast, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from finance_core.assessments.due import due_dates
from finance_core.ledger.models import AccountType, JournalEntry, LedgerAccount, LedgerPosting
from finance_core.states.models import State
from finance_core.system.service import is_demo
from reports.columns import STATE_CODE, STATE_NAME
from reports.document import Column, ColumnKind, Fact, Report, Table
from reports.request import ReportRequest
from reports.status import check_year

COLUMNS = ("state_code", "state_name", "fund", "value_on", "amount", "assessed")


def _daily(session: Session, request: ReportRequest) -> pd.DataFrame:
    """The year's receivable movements per State, fund and value date (cents), with the
    assessments of the day apart."""
    p, a, e = LedgerPosting, LedgerAccount, JournalEntry
    original = aliased(JournalEntry)
    kind = func.coalesce(col(original.entry_type), col(e.entry_type))
    amount = cast(func.coalesce(func.sum(col(p.amount_minor)), 0), BigInteger)
    assessed = cast(
        func.coalesce(func.sum(case((kind.like("assessment.%"), col(p.amount_minor)), else_=0)), 0),
        BigInteger,
    )
    rows = (
        session.connection()
        .execute(
            select(
                col(p.state_code),
                col(State.name),
                col(p.fund_code),
                col(p.value_on),
                amount,
                assessed,
            )
            .join(a, col(a.id) == col(p.account_id))
            .join(e, col(e.seq) == col(p.entry_seq))
            .outerjoin(original, col(original.seq) == col(e.reverses_seq))
            .join(State, col(State.code) == col(p.state_code))
            .where(
                col(a.account_type) == AccountType.RECEIVABLE.value,
                col(p.assessment_year) == request.year,
                col(p.value_on) <= request.as_at,
                col(p.recorded_at) <= request.known_at,
            )
            .group_by(col(p.state_code), col(State.name), col(p.fund_code), col(p.value_on))
            .order_by(col(p.state_code), col(p.fund_code), col(p.value_on))
        )
        .all()
    )
    frame = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    frame[["amount", "assessed"]] = frame[["amount", "assessed"]].astype("int64")
    return frame


def paid_in_full(session: Session, request: ReportRequest) -> pd.DataFrame:
    """One row per State whose year is paid in full as at ``as_at``: ``assessed`` (cents,
    every fund), ``paid_on`` (the day the last fund was settled), ``due_on`` (the latest
    due date among its funds) and ``on_time`` (every fund settled by its due date)."""
    daily = _daily(session, request)
    columns = ["state_code", "state_name", "assessed", "paid_on", "due_on", "on_time"]
    if daily.empty:
        return pd.DataFrame(columns=columns)
    daily["balance"] = daily.groupby(["state_code", "fund"])["amount"].cumsum()
    funds = daily.groupby(["state_code", "state_name", "fund"], as_index=False).agg(
        assessed=("assessed", "sum"), balance=("balance", "last")
    )
    owing = daily[daily["balance"] > 0].groupby(["state_code", "fund"])["value_on"].max()
    settled = daily.join(owing.rename("last_owing"), on=["state_code", "fund"])
    after = settled[
        (settled["balance"] <= 0)
        & (settled["last_owing"].isna() | (settled["value_on"] > settled["last_owing"]))
    ]
    first_settled = after.groupby(["state_code", "fund"])["value_on"].min().rename("paid_on")
    funds = funds.join(first_settled, on=["state_code", "fund"])
    due = due_dates(session)
    funds["due_on"] = [due.get((f, request.year)) for f in funds["fund"]]
    funds["settled"] = (funds["balance"] <= 0) & funds["paid_on"].notna()
    funds["on_time"] = [
        isinstance(p, date) and (d is None or p <= d)
        for p, d in zip(funds["paid_on"], funds["due_on"], strict=True)
    ]
    funds = funds[funds["assessed"] > 0]
    states = funds.groupby(["state_code", "state_name"], as_index=False).agg(
        assessed=("assessed", "sum"),
        settled=("settled", "all"),
        on_time=("on_time", "all"),
        paid_on=("paid_on", "max"),
        due_on=("due_on", "max"),
    )
    roll = states[states["settled"]].sort_values(["paid_on", "state_name"], kind="stable")
    return roll[columns].reset_index(drop=True)


def honour_roll(session: Session, request: ReportRequest) -> Report:
    """The honour roll for ``request.year`` as at ``(as_at, known_at)``."""
    check_year(request)
    roll = paid_in_full(session, request)
    roll["on_time"] = roll["on_time"].map({True: "true", False: "false"})
    on_time = roll[roll["on_time"] == "true"].reset_index(drop=True)
    columns = (
        STATE_CODE,
        STATE_NAME,
        Column("paid_on", "honour.col.paid_on", ColumnKind.DATE),
        Column("due_on", "honour.col.due_on", ColumnKind.DATE),
        Column("on_time", "honour.col.on_time", ColumnKind.LABEL, labels="yes_no."),
        Column("assessed", "honour.col.assessed", ColumnKind.MONEY, total=True),
    )
    return Report(
        name="honour-roll",
        title="honour.title",
        as_at=request.as_at,
        known_at=request.known_at,
        demo=is_demo(session),
        parameters={"year": str(request.year)},
        subtitle="honour.subtitle",
        subtitle_values={"year": str(request.year)},
        facts=(
            Fact("paid_in_full", "honour.fact.paid_in_full", ColumnKind.INTEGER, len(roll)),
            Fact("on_time", "honour.fact.on_time", ColumnKind.INTEGER, len(on_time)),
        ),
        tables=(
            Table("paid_in_full", "honour.table.paid_in_full", columns, roll),
            Table("on_time", "honour.table.on_time", columns, on_time),
        ),
    )
