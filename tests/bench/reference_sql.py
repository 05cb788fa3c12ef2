"""Hand-written SQL the benchmarks measure the service against.

``RECEIVABLE_AGGREGATE`` is the one read every arrears figure starts from: the States'
receivable postings as at a value date (optionally as known at a time), summed per State,
fund and assessment year and split by what moved them (assessed, paid, credited, written
off; a reversal counts as the kind of entry it undoes). A report built on the ledger
cannot be faster than fetching this, so it is the reference of the aging, Rule 8,
forecast and Committee pack benchmarks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Engine, bindparam, text

from finance_core.db import transaction
from finance_core.db_types import UTCDateTime

_KIND = "COALESCE(o.entry_type, e.entry_type)"
_RECEIVABLE_SQL = (
    "SELECT p.state_code, p.fund_code, p.assessment_year,"
    f" CAST(SUM(CASE WHEN {_KIND} LIKE 'assessment%' THEN p.amount_minor ELSE 0 END) AS BIGINT),"
    f" CAST(SUM(CASE WHEN {_KIND} = 'receipt' THEN p.amount_minor ELSE 0 END) AS BIGINT),"
    f" CAST(SUM(CASE WHEN {_KIND} = 'credit.applied' THEN p.amount_minor ELSE 0 END) AS BIGINT),"
    f" CAST(SUM(CASE WHEN {_KIND} = 'write_off' THEN p.amount_minor ELSE 0 END) AS BIGINT),"
    " CAST(SUM(p.amount_minor) AS BIGINT)"
    " FROM ledger_posting p"
    " JOIN ledger_account a ON a.id = p.account_id"
    " JOIN journal_entry e ON e.seq = p.entry_seq"
    " LEFT JOIN journal_entry o ON o.seq = e.reverses_seq"
    " WHERE a.account_type = 'receivable' AND p.value_on <= :d{extra}"
    " GROUP BY p.state_code, p.fund_code, p.assessment_year"
)
RECEIVABLE_AGGREGATE = text(_RECEIVABLE_SQL.format(extra="")).bindparams(
    bindparam("d", type_=Date())
)
RECEIVABLE_AGGREGATE_KNOWN = text(
    _RECEIVABLE_SQL.format(extra=" AND p.recorded_at <= :k")
).bindparams(bindparam("d", type_=Date()), bindparam("k", type_=UTCDateTime()))


def receivable_aggregate(
    engine: Engine, as_at: date, known_at: datetime | None = None
) -> Callable[[], Sequence[Sequence[Any]]]:
    """A call fetching ``RECEIVABLE_AGGREGATE`` fully in a read-only transaction."""

    def call() -> Sequence[Sequence[Any]]:
        with transaction(engine, read_only=True) as session:
            if known_at is None:
                return list(session.execute(RECEIVABLE_AGGREGATE, {"d": as_at}).all())
            return list(
                session.execute(RECEIVABLE_AGGREGATE_KNOWN, {"d": as_at, "k": known_at}).all()
            )

    return call
