"""Balances as at ``(as_at, known_at)``, computed by one SQL aggregate over postings.

``as_at`` is the value-date cutoff (inclusive); ``known_at`` the recording cutoff
(inclusive; default: everything recorded). Amounts are US cents, debit positive."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import BigInteger, Select, bindparam, cast, func, select
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col

from finance_core.ledger.models import LedgerAccount, LedgerPosting


class BalanceDim(StrEnum):
    """What a balance can be grouped by."""

    ACCOUNT = "account"
    ACCOUNT_TYPE = "account_type"
    FUND = "fund"
    STATE = "state"
    ASSESSMENT_YEAR = "assessment_year"
    BUDGET_LINE = "budget_line"


@dataclass(frozen=True, slots=True)
class Balance:
    """One group's balance; dimensions not grouped by are None."""

    amount_minor: int
    account: str | None = None
    account_type: str | None = None
    fund: str | None = None
    state: str | None = None
    assessment_year: int | None = None
    budget_line: int | None = None


_POSTING_COLUMNS: dict[BalanceDim, Mapped[Any]] = {
    BalanceDim.ACCOUNT: col(LedgerPosting.account_id),
    BalanceDim.FUND: col(LedgerPosting.fund_code),
    BalanceDim.STATE: col(LedgerPosting.state_code),
    BalanceDim.ASSESSMENT_YEAR: col(LedgerPosting.assessment_year),
    BalanceDim.BUDGET_LINE: col(LedgerPosting.budget_line_id),
}


@lru_cache(maxsize=64)
def _query(dims: tuple[BalanceDim, ...], filters: frozenset[str]) -> Select[Any]:
    """The aggregate grouped by ``dims`` and filtered on ``filters`` (names of
    ``balances``' arguments), built once per shape; each call binds the values."""
    group_cols: list[Mapped[Any]] = []
    for dim in dims:
        if dim is BalanceDim.ACCOUNT_TYPE:
            group_cols.append(col(LedgerAccount.account_type))
        else:
            group_cols.append(_POSTING_COLUMNS[dim])
    total = cast(func.coalesce(func.sum(col(LedgerPosting.amount_minor)), 0), BigInteger)
    query = select(*group_cols, total.label("amount_minor")).where(
        col(LedgerPosting.value_on) <= bindparam("as_at")
    )
    if BalanceDim.ACCOUNT_TYPE in dims or "account_type" in filters:
        query = query.join(LedgerAccount, col(LedgerAccount.id) == col(LedgerPosting.account_id))
    if "known_at" in filters:
        query = query.where(col(LedgerPosting.recorded_at) <= bindparam("known_at"))
    if "fund" in filters:
        query = query.where(col(LedgerPosting.fund_code) == bindparam("fund"))
    if "state" in filters:
        query = query.where(col(LedgerPosting.state_code) == bindparam("state"))
    if "account_type" in filters:
        query = query.where(col(LedgerAccount.account_type) == bindparam("account_type"))
    if group_cols:
        query = query.group_by(*group_cols).order_by(*group_cols)
    return query


def balances(
    session: Session,
    *,
    as_at: date,
    by: Sequence[BalanceDim],
    known_at: datetime | None = None,
    fund: str | None = None,
    state: str | None = None,
    account_type: str | None = None,
    include_zero: bool = False,
) -> list[Balance]:
    """Balances grouped by ``by`` (in that order), optionally filtered.

    Groups whose balance is zero are left out unless ``include_zero``."""
    dims = list(dict.fromkeys(by))
    filters = {"known_at": known_at, "fund": fund, "state": state, "account_type": account_type}
    given = {name: value for name, value in filters.items() if value is not None}
    query = _query(tuple(dims), frozenset(given))
    account_codes: dict[int, str] = {}
    if BalanceDim.ACCOUNT in dims:
        account_codes = {
            int(i): str(c)
            for i, c in session.execute(
                select(col(LedgerAccount.id), col(LedgerAccount.code))
            ).all()
        }
    result: list[Balance] = []
    for row in session.execute(query, {"as_at": as_at, **given}).all():
        amount = int(row[-1])
        if amount == 0 and not include_zero:
            continue
        values: dict[str, object] = {}
        for dim, value in zip(dims, row[:-1], strict=True):
            if dim is BalanceDim.ACCOUNT:
                values["account"] = account_codes[int(value)]
            elif dim is BalanceDim.BUDGET_LINE:
                values["budget_line"] = value
            else:
                values[dim.value] = value
        result.append(Balance(amount_minor=amount, **values))  # type: ignore[arg-type]
    return result
