"""Arrears and aging as at ``(as_at, known_at)``: one SQL aggregate over the receivable
postings gives every cell (State × fund × assessment year, with what moved it); the pure
``aging`` module buckets them. Collection per year and fund, and a State's arrears
history, come from the same cells."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlalchemy import BigInteger, Select, case, cast, func, literal, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from finance_core.arrears import aging as pure
from finance_core.arrears.models import ArrearsRule
from finance_core.arrears.rules import aging_rules, funds_of, rule_on
from finance_core.arrears.schemas import (
    AgingCellOut,
    AgingOut,
    CollectionOut,
    HistoryPointOut,
    StateAgingOut,
)
from finance_core.assessments.due import due_dates
from finance_core.ledger.models import AccountType, JournalEntry, LedgerAccount, LedgerPosting
from finance_core.money import format_minor
from finance_core.states.models import State
from finance_core.states.service import get_state

#: Entry types (of the entry, or of the entry a reversal undoes) → cell column.
_PAID, _CREDITED, _WRITTEN_OFF = "receipt", "credit.applied", "write_off"


def receivable_accounts(session: Session, funds: Sequence[str] | None = None) -> list[int]:
    """Ids of the receivable accounts (of ``funds``, default every fund)."""
    query = select(col(LedgerAccount.id)).where(
        col(LedgerAccount.account_type) == AccountType.RECEIVABLE.value
    )
    if funds is not None:
        query = query.where(col(LedgerAccount.fund_code).in_(list(funds)))
    return [int(i) for i in session.execute(query).scalars()]


def cells_query(
    accounts: Sequence[int], *, as_at: date, known_at: datetime | None, state: str | None
) -> Select[str | None, str, int | None, int, int, int, int, int]:
    """The aggregate behind the cells: per State, fund and year, the sums of the
    assessment, receipt, credit and write-off postings (reversals counted with what they
    undo) and the total, all US cents as in the ledger (debit positive)."""
    p, e = LedgerPosting, JournalEntry
    original = aliased(JournalEntry)
    kind = func.coalesce(col(original.entry_type), col(e.entry_type))
    amount = col(p.amount_minor)

    def total(when: ColumnElement[bool] | None = None) -> ColumnElement[int]:
        summed = func.sum(amount if when is None else case((when, amount), else_=0))
        return cast(func.coalesce(summed, 0), BigInteger)

    query = (
        select(
            col(p.state_code),
            col(p.fund_code),
            col(p.assessment_year),
            total(kind.like("assessment%")),
            total(kind == _PAID),
            total(kind == _CREDITED),
            total(kind == _WRITTEN_OFF),
            total(),
        )
        .join(e, col(e.seq) == col(p.entry_seq))
        .outerjoin(original, col(original.seq) == col(e.reverses_seq))
        .where(col(p.account_id).in_(list(accounts)), col(p.value_on) <= as_at)
        .group_by(col(p.state_code), col(p.fund_code), col(p.assessment_year))
    )
    query = query.where(col(p.recorded_at) <= known_at if known_at is not None else literal(True))
    if state is not None:
        query = query.where(col(p.state_code) == state)
    return query


def cells(
    session: Session,
    *,
    as_at: date,
    known_at: datetime | None = None,
    state: str | None = None,
    funds: Sequence[str] | None = None,
) -> list[pure.Cell]:
    """Every receivable cell as at ``(as_at, known_at)`` (of one State, of some funds)."""
    due = due_dates(session)
    query = cells_query(
        receivable_accounts(session, funds), as_at=as_at, known_at=known_at, state=state
    )
    result: list[pure.Cell] = []
    for (
        code,
        fund,
        year,
        assessed,
        paid,
        credited,
        written,
        balance,
    ) in session.connection().execute(query):
        year = int(year or 0)
        adjusted = int(balance) - int(assessed) - int(paid) - int(credited) - int(written)
        result.append(
            pure.Cell(
                state=str(code),
                fund=str(fund),
                year=year,
                due_on=due.get((str(fund), year)) or date(max(year, 1), 1, 1),
                assessed=int(assessed),
                paid=-int(paid),
                credited=-int(credited),
                written_off=-int(written),
                adjusted=adjusted,
            )
        )
    return result


@dataclass(frozen=True, slots=True)
class Aging:
    """The aging as at ``(as_at, known_at)`` under ``rule``: every State's position."""

    as_at: date
    known_at: datetime | None
    rule: ArrearsRule
    rules: pure.AgingRules
    cells: list[pure.Cell]
    states: dict[str, pure.StateAging]

    def totals(self) -> dict[str, int]:
        """Per bucket, plus ``outstanding`` and ``arrears``, over every State."""
        sums = dict.fromkeys(pure.bucket_names(self.rules.bucket_years), 0)
        sums["outstanding"] = sums["arrears"] = 0
        for s in self.states.values():
            for name, amount in s.buckets.items():
                sums[name] += amount
            sums["outstanding"] += s.outstanding
            sums["arrears"] += s.arrears
        return sums


def aging(
    session: Session,
    *,
    as_at: date,
    known_at: datetime | None = None,
    state: str | None = None,
    rule: ArrearsRule | None = None,
) -> Aging:
    """Arrears and aging as at ``(as_at, known_at)`` under the rule in force on
    ``as_at`` (or ``rule``), for every State or one."""
    rule = rule or rule_on(session, as_at)
    rules = aging_rules(rule)
    found = cells(session, as_at=as_at, known_at=known_at, state=state)
    return Aging(as_at, known_at, rule, rules, found, pure.age_cells(found, as_at, rules))


def state_names(session: Session) -> dict[str, str]:
    return {str(c): str(n) for c, n in session.execute(select(col(State.code), col(State.name)))}


def _amounts(values: dict[str, int]) -> dict[str, str]:
    return {k: format_minor(v) for k, v in values.items()}


def aging_out(session: Session, report: Aging, *, only_owing: bool = True) -> AgingOut:
    """The aging as the API shows it: States owing something (or all), most owed first."""
    names = state_names(session)
    states = sorted(
        (s for s in report.states.values() if s.outstanding != 0 or not only_owing),
        key=lambda s: (-s.arrears, -s.outstanding, s.state),
    )
    return AgingOut(
        as_at=report.as_at,
        known_at=report.known_at,
        rule_id=report.rule.id or 0,
        rule_reference=report.rule.reference,
        buckets=pure.bucket_names(report.rules.bucket_years),
        arrears_funds=funds_of(report.rule),
        totals=_amounts(report.totals()),
        states=[
            StateAgingOut(
                state_code=s.state,
                state_name=names.get(s.state, s.state),
                outstanding=format_minor(s.outstanding),
                arrears=format_minor(s.arrears),
                buckets=_amounts(s.buckets),
                oldest_year_due=s.oldest_year_due,
                cells=[
                    AgingCellOut(
                        fund=a.cell.fund,
                        assessment_year=a.cell.year,
                        due_on=a.cell.due_on,
                        assessed=format_minor(a.cell.assessed),
                        paid=format_minor(a.cell.paid),
                        credited=format_minor(a.cell.credited),
                        written_off=format_minor(a.cell.written_off),
                        adjusted=format_minor(a.cell.adjusted),
                        outstanding=format_minor(a.outstanding),
                        bucket=a.bucket,
                        days_past_due=a.days_past_due,
                    )
                    for a in sorted(s.cells, key=lambda a: (a.cell.year, a.cell.fund))
                ],
            )
            for s in states
        ],
    )


def percent(rate: Fraction | None) -> str | None:
    """A ratio as a percentage with two decimals (half up), or None."""
    if rate is None:
        return None
    value = Decimal(rate.numerator * 100) / Decimal(rate.denominator)
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def collection(
    session: Session, *, as_at: date, known_at: datetime | None = None
) -> list[CollectionOut]:
    """Collection per fund and assessment year as at ``(as_at, known_at)``."""
    return [
        CollectionOut(
            fund=c.fund,
            assessment_year=c.year,
            assessed=format_minor(c.assessed),
            collected=format_minor(c.collected),
            written_off=format_minor(c.written_off),
            outstanding=format_minor(c.outstanding),
            rate=percent(c.rate),
        )
        for c in pure.collection(cells(session, as_at=as_at, known_at=known_at))
    ]


def history(
    session: Session, *, state_code: str, as_at: date, known_at: datetime | None = None
) -> list[HistoryPointOut]:
    """A State's outstanding and arrears at the end of each year since its first
    assessment, and as at ``as_at`` (each under the rule in force on that date)."""
    state = get_state(session, state_code)
    first = session.execute(
        select(func.min(col(LedgerPosting.assessment_year))).where(
            col(LedgerPosting.state_code) == state.code,
            col(LedgerPosting.account_id).in_(receivable_accounts(session)),
        )
    ).scalar()
    if first is None:
        return []
    points = [date(y, 12, 31) for y in range(int(first), as_at.year)] + [as_at]
    result: list[HistoryPointOut] = []
    for point in points:
        report = aging(session, as_at=point, known_at=known_at, state=state.code)
        position = report.states.get(state.code)
        buckets = dict.fromkeys(pure.bucket_names(report.rules.bucket_years), 0)
        result.append(
            HistoryPointOut(
                as_at=point,
                outstanding=format_minor(position.outstanding if position else 0),
                arrears=format_minor(position.arrears if position else 0),
                buckets=_amounts(position.buckets if position else buckets),
            )
        )
    return result
