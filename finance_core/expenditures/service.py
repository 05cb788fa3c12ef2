"""Recording expenditures and commitments against budget lines, and budget vs
commitments vs actual as at ``(as_at, known_at)``.

An expenditure posts one entry (``expenditure``): debit the fund's ``expenditure``
account with the budget line and the budget's year as dimensions, credit the fund's
``bank``, for its US dollar amount (the bank's figure, or a provisional one from the
exchange-rate table; the bank's figure, when it arrives, posts the difference to the
fund's ``exchange_gain_loss``). It is undone by reversing entries, never deleted.

An expenditure is dated in its budget's year, or up to the end of the following year when
it liquidates a commitment of that budget. A commitment is dated in its budget's year and
posts nothing: it is an obligation, reduced by the expenditures that liquidate it (less
what reversed expenditures had liquidated) until its open remainder is cancelled. Nothing
is dated in the future or in a closed period of the fund. Amounts are US cents."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import BigInteger, and_, case, cast, func, literal, select
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.arrears.service import percent
from finance_core.audit import service as audit
from finance_core.budgets.models import Budget, BudgetLine, BudgetLineAmount, BudgetVersion
from finance_core.db_types import utctoday
from finance_core.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from finance_core.expenditures import execution as pure
from finance_core.expenditures.models import (
    Commitment,
    CommitmentCancellation,
    Expenditure,
    ExpenditureReversal,
    ExpenditureUsdConfirmation,
)
from finance_core.expenditures.schemas import (
    CancellationIn,
    CancellationOut,
    CommitmentIn,
    CommitmentOut,
    ExecutionFigures,
    ExecutionLineOut,
    ExecutionOut,
    ExecutionTotalOut,
    ExpenditureIn,
    ExpenditureOut,
    ExpenditureReversalOut,
    LineOut,
    LineRef,
)
from finance_core.funds.service import account_code
from finance_core.ledger.corrections import check_correction_date, post_bank_figure, reverse_entries
from finance_core.ledger.models import (
    AccountType,
    ClosedPeriod,
    JournalEntry,
    LedgerAccount,
    LedgerPosting,
)
from finance_core.ledger.service import PostingSpec, post_entry
from finance_core.money import format_minor
from finance_core.payments.amounts import check_currency, decimals_of, parse_amount
from finance_core.payments.schemas import ReversalIn
from finance_core.payments.service import rate_on

T = TypeVar("T")

#: Entry type of an expenditure's posting.
ENTRY_TYPE = "expenditure"


@dataclass(frozen=True, slots=True)
class Money:
    """An amount as given and its US dollar value: ``amount_minor`` in ``currency``'s
    minor units, ``usd_minor`` in cents, ``provisional`` when it came from ``rate``."""

    currency: str
    amount_minor: int
    usd_minor: int
    provisional: bool
    rate: Decimal | None


@dataclass(frozen=True, slots=True)
class CheckedExpenditure:
    """An expenditure that passed validation: its line, budget, money and commitment."""

    line: BudgetLine
    budget: Budget
    money: Money
    commitment: Commitment | None


@dataclass(frozen=True, slots=True)
class Position:
    """A commitment as at a date: its US dollar amount, what expenditures liquidated
    (net of reversals) and whether it was cancelled, in US cents."""

    commitment_id: int
    budget_line_id: int
    usd_minor: int
    liquidated_minor: int
    cancelled: bool

    @property
    def open_minor(self) -> int:
        """What is still to be paid (zero once cancelled)."""
        return pure.open_balance(self.usd_minor, self.liquidated_minor, cancelled=self.cancelled)


def _collect(fields: dict[str, str], check: Callable[[], T]) -> T | None:
    """``check()``, or None with its ValidationFailed fields added to ``fields``."""
    try:
        return check()
    except ValidationFailed as exc:
        fields.update(exc.fields or {"request": exc.detail})
        return None


def find_line(session: Session, ref: LineRef) -> tuple[BudgetLine, Budget]:
    """The budget line named by its id, or by fund, year and line code; ValidationFailed
    naming the field otherwise."""
    if ref.budget_line_id is not None:
        line = session.get(BudgetLine, ref.budget_line_id)
        if line is None:
            raise ValidationFailed(
                f"budget line {ref.budget_line_id} does not exist",
                fields={"budget_line_id": "unknown budget line"},
            )
        budget = session.get(Budget, line.budget_id)
        assert budget is not None
        return line, budget
    missing = {
        name: "required (or give budget_line_id)"
        for name in ("fund", "year", "line_code")
        if getattr(ref, name) in (None, "")
    }
    ValidationFailed.raise_if(missing)
    assert ref.fund is not None and ref.year is not None and ref.line_code is not None
    fund, code = ref.fund.strip().upper(), ref.line_code.strip()
    budget = session.execute(
        select(Budget).where(col(Budget.fund_code) == fund, col(Budget.year) == ref.year)
    ).scalar_one_or_none()
    if budget is None:
        raise ValidationFailed(
            f"no {ref.year} budget is recorded for fund {fund}",
            fields={"year": f"no {ref.year} budget of fund {fund}"},
        )
    found = session.execute(
        select(BudgetLine).where(
            col(BudgetLine.budget_id) == budget.id, col(BudgetLine.code) == code
        )
    ).scalar_one_or_none()
    if found is None:
        raise ValidationFailed(
            f"{code!r} is not a line of the {ref.year} budget of fund {fund}",
            fields={"line_code": "unknown budget line"},
        )
    return found, budget


def money(
    session: Session, *, amount: str, currency: str, usd_amount: str | None, on: date
) -> Money:
    """The amount in its currency and in US dollars (the bank's figure if given, else the
    amount itself for USD, else provisional at the table's rate on ``on``)."""
    code = check_currency(currency.strip().upper())
    minor = parse_amount(amount, code)
    if usd_amount is not None:
        usd = parse_amount(usd_amount, "USD", field="usd_amount")
        return Money(code, minor, usd, provisional=False, rate=None)
    if code == "USD":
        return Money(code, minor, minor, provisional=False, rate=None)
    rate = Decimal(rate_on(session, code, on).usd_per_unit)
    usd = pure.usd_value(minor, decimals_of(code), rate)
    if usd <= 0:
        raise ValidationFailed(
            "the amount is worth less than one US cent", fields={"amount": "too small"}
        )
    return Money(code, minor, usd, provisional=True, rate=rate)


def refuse_closed(session: Session, fund: str, on: date, field: str = "value_on") -> None:
    """RuleViolation if ``on`` falls in a closed period of ``fund``."""
    if session.get(ClosedPeriod, (fund, on.year)) is not None:
        raise RuleViolation(
            f"{on.year} is closed for fund {fund}: date it in an open period",
            fields={field: f"{on.year} is closed for fund {fund}"},
        )


def _post(session: Session, **kwargs: Any) -> JournalEntry:
    """``post_entry``, with the database's refusal (a closed period) as a RuleViolation."""
    try:
        return post_entry(session, **kwargs)
    except DBAPIError as exc:
        message = str(exc.orig)
        if "ledger:" in message:
            raise RuleViolation(message[message.index("ledger:") :].splitlines()[0]) from exc
        raise


def _lock(session: Session, model: type[T], key: int) -> T | None:
    """The row of ``model`` with primary key ``key``, locked until commit on PostgreSQL
    (a SQLite write transaction already holds the database's write lock)."""
    return session.get(model, key, with_for_update=True)


def _liquidated_now(session: Session, commitment_id: int) -> int:
    """US cents of the commitment liquidated by expenditures not reversed."""
    e, r = Expenditure, ExpenditureReversal
    total = session.execute(
        select(cast(func.coalesce(func.sum(col(e.liquidated_minor)), 0), BigInteger))
        .outerjoin(r, col(r.expenditure_id) == col(e.id))
        .where(col(e.commitment_id) == commitment_id, col(r.expenditure_id).is_(None))
    ).scalar_one()
    return int(total)


def open_from(session: Session, commitment: Commitment, day: date) -> int:
    """What a payment dated ``day`` may still liquidate of a commitment: its least open
    balance on any day from ``day`` on, everything recorded counted (US cents; zero once
    cancelled)."""
    assert commitment.id is not None
    if session.get(CommitmentCancellation, commitment.id) is not None:
        return 0
    e, r = Expenditure, ExpenditureReversal
    rows = session.execute(
        select(col(e.value_on), col(e.liquidated_minor), col(r.value_on))
        .outerjoin(r, col(r.expenditure_id) == col(e.id))
        .where(col(e.commitment_id) == commitment.id, col(e.liquidated_minor) > 0)
    ).all()
    movements = [(paid_on, -int(amount)) for paid_on, amount, _ in rows]
    movements += [(back_on, int(amount)) for _, amount, back_on in rows if back_on is not None]
    return pure.lowest_open(commitment.usd_minor, movements, day)


def duplicate_of(session: Session, *, payee: str, reference: str) -> int | None:
    """The id of an expenditure already recorded with this payee and reference."""
    found = session.execute(
        select(col(Expenditure.id))
        .where(col(Expenditure.payee) == payee, col(Expenditure.reference) == reference)
        .limit(1)
    ).scalar()
    return None if found is None else int(found)


def check_expenditure(
    session: Session, data: ExpenditureIn, *, check_duplicate: bool = True
) -> CheckedExpenditure:
    """Validate an expenditure without writing anything: every bad field at once
    (ValidationFailed), then a closed period (RuleViolation), then a repeated
    reference for the payee unless confirmed."""
    fields: dict[str, str] = {}
    found = _collect(fields, lambda: find_line(session, data))
    paid = _collect(
        fields,
        lambda: money(
            session,
            amount=data.amount,
            currency=data.currency,
            usd_amount=data.usd_amount,
            on=data.value_on,
        ),
    )
    if data.value_on > utctoday():
        fields["value_on"] = "an expenditure cannot be dated in the future"
    commitment = None
    if data.commitment_id is not None:
        commitment = session.get(Commitment, data.commitment_id)
        if commitment is None:
            fields["commitment_id"] = f"unknown commitment {data.commitment_id}"
        elif found is not None and commitment.budget_line_id != found[0].id:
            fields["commitment_id"] = f"commitment {commitment.id} is on another budget line"
        elif commitment.committed_on > data.value_on:
            fields["commitment_id"] = f"commitment {commitment.id} is dated after the payment"
    if found is not None and "value_on" not in fields:
        year = found[1].year
        last = year + (1 if data.commitment_id is not None else 0)
        if not year <= data.value_on.year <= last:
            fields["value_on"] = f"an expenditure of the {year} budget is dated in {year}" + (
                f" or {last} (liquidating a commitment)" if last > year else ""
            )
    ValidationFailed.raise_if(fields)
    assert found is not None and paid is not None
    line, budget = found
    refuse_closed(session, budget.fund_code, data.value_on)
    if check_duplicate and not data.confirm_duplicate_reference:
        used = duplicate_of(session, payee=data.payee, reference=data.reference)
        if used is not None:
            raise ValidationFailed(
                f"reference {data.reference!r} of {data.payee} is already on expenditure "
                f"{used}; set confirm_duplicate_reference to record it anyway",
                fields={"reference": f"already used by expenditure {used}"},
            )
    return CheckedExpenditure(line, budget, paid, commitment)


def record_expenditure(
    session: Session, *, actor: Actor, data: ExpenditureIn, recorded_at: datetime | None = None
) -> Expenditure:
    """Record a payment for a budget line and post it (see the module docstring); if it
    names a commitment, it liquidates as much of its open balance as it pays.

    ``recorded_at`` defaults to now; only the demo loader back-dates it."""
    checked = check_expenditure(session, data)
    line, budget, paid = checked.line, checked.budget, checked.money
    assert line.id is not None
    liquidated = 0
    if checked.commitment is not None:
        commitment = _lock(session, Commitment, checked.commitment.id or 0)
        assert commitment is not None and commitment.id is not None
        cancelled = session.get(CommitmentCancellation, commitment.id)
        if cancelled is not None:
            raise RuleViolation(
                f"commitment {commitment.id} was cancelled on {cancelled.cancelled_on}",
                fields={"commitment_id": "cancelled"},
            )
        open_minor = open_from(session, commitment, data.value_on)
        if open_minor <= 0:
            raise RuleViolation(
                f"commitment {commitment.id} is fully liquidated (as at {data.value_on} or later)",
                fields={"commitment_id": "nothing open"},
            )
        liquidated = pure.liquidation(
            open_minor=open_minor,
            paid_usd_minor=paid.usd_minor,
            paid_amount_minor=paid.amount_minor,
            same_currency=paid.currency == commitment.currency,
            commitment_amount_minor=commitment.amount_minor,
            commitment_usd_minor=commitment.usd_minor,
        )
    fund = budget.fund_code
    shown = format_minor(paid.amount_minor, decimals_of(paid.currency))
    entry = _post(
        session,
        actor=actor,
        value_on=data.value_on,
        entry_type=ENTRY_TYPE,
        description=f"Expenditure on {fund} {budget.year} {line.code} ({data.category.value}): "
        f"{data.payee[:120]}, {shown} {paid.currency}",
        source_ref=f"expenditure {data.reference}",
        postings=[
            PostingSpec(
                account_code(fund, AccountType.EXPENDITURE),
                paid.usd_minor,
                assessment_year=budget.year,
                budget_line_id=line.id,
            ),
            PostingSpec(account_code(fund, AccountType.BANK), -paid.usd_minor),
        ],
        recorded_at=recorded_at,
    )
    expenditure = Expenditure(
        budget_line_id=line.id,
        value_on=data.value_on,
        category=data.category,
        currency=paid.currency,
        amount_minor=paid.amount_minor,
        usd_minor=paid.usd_minor,
        usd_provisional=paid.provisional,
        exchange_rate=paid.rate,
        payee=data.payee,
        reference=data.reference,
        description=data.description,
        commitment_id=data.commitment_id,
        liquidated_minor=liquidated,
        entry_seq=entry.seq,
        recorded_by=actor.name,
    )
    audit.store(
        session,
        expenditure,
        actor=actor,
        action="expenditures.record",
        object_type="expenditure",
        recorded_at=recorded_at,
        detail={
            "budget_line_id": line.id,
            "usd_minor": paid.usd_minor,
            "entry": entry.seq,
            "commitment_id": data.commitment_id,
            "liquidated_minor": liquidated,
        },
    )
    return expenditure


def _get_expenditure(session: Session, expenditure_id: int, *, lock: bool = False) -> Expenditure:
    found = (
        _lock(session, Expenditure, expenditure_id)
        if lock
        else session.get(Expenditure, expenditure_id)
    )
    if found is None:
        raise NotFound(f"expenditure {expenditure_id} does not exist")
    return found


def _budget_of_line(session: Session, line_id: int) -> tuple[BudgetLine, Budget]:
    line = session.get(BudgetLine, line_id)
    assert line is not None
    budget = session.get(Budget, line.budget_id)
    assert budget is not None
    return line, budget


def reverse_expenditure(
    session: Session,
    *,
    actor: Actor,
    expenditure_id: int,
    data: ReversalIn,
    recorded_at: datetime | None = None,
) -> ExpenditureReversal:
    """Undo an expenditure (returned by the bank, recorded in error): its entry and any
    exchange difference are reversed on ``data.value_on``; what it liquidated of a
    commitment is open again. Nothing is deleted."""
    expenditure = _get_expenditure(session, expenditure_id, lock=True)
    if session.get(ExpenditureReversal, expenditure_id) is not None:
        raise Conflict(f"expenditure {expenditure_id} is already reversed")
    check_correction_date(data.value_on, since=expenditure.value_on, what="expenditure")
    _, budget = _budget_of_line(session, expenditure.budget_line_id)
    refuse_closed(session, budget.fund_code, data.value_on)
    confirmed = session.get(ExpenditureUsdConfirmation, expenditure_id)
    entry = reverse_entries(
        session,
        actor=actor,
        seqs=[None if confirmed is None else confirmed.entry_seq, expenditure.entry_seq],
        value_on=data.value_on,
        reason=data.reason,
        recorded_at=recorded_at,
    )
    reversal = ExpenditureReversal(
        expenditure_id=expenditure_id,
        value_on=data.value_on,
        reason=data.reason,
        entry_seq=entry.seq,
        recorded_by=actor.name,
    )
    audit.store(
        session,
        reversal,
        actor=actor,
        action="expenditures.reversal",
        object_type="expenditure",
        object_id=str(expenditure_id),
        detail=data.model_dump(mode="json"),
        recorded_at=recorded_at,
    )
    return reversal


def confirm_usd(
    session: Session,
    *,
    actor: Actor,
    expenditure_id: int,
    usd_amount: str,
    value_on: date,
    recorded_at: datetime | None = None,
) -> ExpenditureUsdConfirmation:
    """Record the bank's US dollar figure for an expenditure recorded at a provisional
    rate; the difference posts to exchange gain/loss in the expenditure's fund (the bank
    paid out more dollars: a loss, debit; fewer: a gain, credit)."""
    expenditure = _get_expenditure(session, expenditure_id, lock=True)
    if not expenditure.usd_provisional:
        raise RuleViolation(
            f"expenditure {expenditure_id} already carries the bank's US dollar figure"
        )
    if session.get(ExpenditureUsdConfirmation, expenditure_id) is not None:
        raise Conflict(f"the US dollar figure of expenditure {expenditure_id} is already confirmed")
    if session.get(ExpenditureReversal, expenditure_id) is not None:
        raise RuleViolation(f"expenditure {expenditure_id} is reversed")
    check_correction_date(
        value_on, since=expenditure.value_on, what="expenditure", correction="confirmation"
    )
    usd = parse_amount(usd_amount, "USD", field="usd_amount")
    line, budget = _budget_of_line(session, expenditure.budget_line_id)
    confirmation = ExpenditureUsdConfirmation(
        expenditure_id=expenditure_id,
        usd_minor=usd,
        difference_minor=usd - expenditure.usd_minor,
        value_on=value_on,
        recorded_by=actor.name,
        entry_seq=post_bank_figure(
            session,
            actor=actor,
            fund=budget.fund_code,
            value_on=value_on,
            provisional_minor=expenditure.usd_minor,
            bank_minor=usd,
            inflow=False,
            what=f"expenditure {expenditure_id}",
            source_ref=f"expenditure {expenditure.reference}",
            assessment_year=budget.year,
            budget_line_id=line.id,
            recorded_at=recorded_at,
        ),
    )
    audit.store(
        session,
        confirmation,
        actor=actor,
        action="expenditures.usd_confirmed",
        object_type="expenditure",
        object_id=str(expenditure_id),
        detail={"usd_minor": usd, "difference": confirmation.difference_minor},
        recorded_at=recorded_at,
    )
    return confirmation


def record_commitment(
    session: Session, *, actor: Actor, data: CommitmentIn, recorded_at: datetime | None = None
) -> Commitment:
    """Record an obligation against a budget line (nothing posts to the ledger).

    ``recorded_at`` defaults to now; only the demo loader back-dates it."""
    fields: dict[str, str] = {}
    found = _collect(fields, lambda: find_line(session, data))
    given: dict[str, str] = {}
    committed = _collect(
        given,
        lambda: money(
            session,
            amount=data.amount,
            currency=data.currency,
            usd_amount=None,
            on=data.committed_on,
        ),
    )
    fields.update({"currency" if k == "usd_amount" else k: v for k, v in given.items()})
    if data.committed_on > utctoday():
        fields["committed_on"] = "a commitment cannot be dated in the future"
    elif found is not None and data.committed_on.year != found[1].year:
        fields["committed_on"] = f"a commitment of the {found[1].year} budget is dated in it"
    ValidationFailed.raise_if(fields)
    assert found is not None and committed is not None
    line, budget = found
    refuse_closed(session, budget.fund_code, data.committed_on, "committed_on")
    commitment = Commitment(
        budget_line_id=line.id or 0,
        committed_on=data.committed_on,
        currency=committed.currency,
        amount_minor=committed.amount_minor,
        usd_minor=committed.usd_minor,
        exchange_rate=committed.rate,
        payee=data.payee,
        reference=data.reference,
        description=data.description,
        recorded_by=actor.name,
    )
    audit.store(
        session,
        commitment,
        actor=actor,
        action="expenditures.commitment",
        object_type="commitment",
        recorded_at=recorded_at,
        detail={**data.model_dump(mode="json"), "usd_minor": committed.usd_minor},
    )
    return commitment


def cancel_commitment(
    session: Session,
    *,
    actor: Actor,
    commitment_id: int,
    data: CancellationIn,
    recorded_at: datetime | None = None,
) -> CommitmentCancellation:
    """Cancel the open remainder of a commitment (it will not be paid): from
    ``data.cancelled_on`` its open balance is zero and it cannot be liquidated."""
    commitment = _lock(session, Commitment, commitment_id)
    if commitment is None:
        raise NotFound(f"commitment {commitment_id} does not exist")
    if session.get(CommitmentCancellation, commitment_id) is not None:
        raise Conflict(f"commitment {commitment_id} is already cancelled")
    last_paid = session.execute(
        select(func.max(col(Expenditure.value_on))).where(
            col(Expenditure.commitment_id) == commitment_id
        )
    ).scalar()
    earliest = max(commitment.committed_on, last_paid or commitment.committed_on)
    if not earliest <= data.cancelled_on <= utctoday():
        raise ValidationFailed(
            "a cancellation is dated between the commitment's last payment and today",
            fields={"cancelled_on": f"from {earliest} to today"},
        )
    _, budget = _budget_of_line(session, commitment.budget_line_id)
    refuse_closed(session, budget.fund_code, data.cancelled_on, "cancelled_on")
    remaining = commitment.usd_minor - _liquidated_now(session, commitment_id)
    if remaining <= 0:
        raise RuleViolation(f"commitment {commitment_id} is fully liquidated: nothing to cancel")
    cancellation = CommitmentCancellation(
        commitment_id=commitment_id,
        cancelled_on=data.cancelled_on,
        amount_minor=remaining,
        reason=data.reason,
        recorded_by=actor.name,
    )
    audit.store(
        session,
        cancellation,
        actor=actor,
        action="expenditures.commitment_cancelled",
        object_type="commitment",
        object_id=str(commitment_id),
        recorded_at=recorded_at,
        detail={**data.model_dump(mode="json"), "amount_minor": remaining},
    )
    return cancellation


def positions(
    session: Session,
    *,
    as_at: date | None = None,
    known_at: datetime | None = None,
    line_ids: Sequence[int] | None = None,
) -> dict[int, Position]:
    """Every commitment as at ``(as_at, known_at)`` (default: everything recorded), of
    ``line_ids`` if given: one SQL aggregate of what expenditures liquidated, counting a
    liquidation undone once its reversal is dated and recorded by then."""
    e, r = Expenditure, ExpenditureReversal
    c, x = Commitment, CommitmentCancellation
    day = as_at or date.max

    def known(column: Any) -> Any:
        return column <= known_at if known_at is not None else literal(True)

    undone = and_(
        col(r.expenditure_id) == col(e.id), col(r.value_on) <= day, known(col(r.recorded_at))
    )
    liquidated = (
        select(
            col(e.commitment_id).label("commitment_id"),
            cast(
                func.coalesce(
                    func.sum(
                        case((col(r.expenditure_id).is_(None), col(e.liquidated_minor)), else_=0)
                    ),
                    0,
                ),
                BigInteger,
            ).label("liquidated"),
        )
        .outerjoin(r, undone)
        .where(col(e.commitment_id).is_not(None), col(e.value_on) <= day, known(col(e.recorded_at)))
        .group_by(col(e.commitment_id))
        .subquery()
    )
    cancelled = and_(
        col(x.commitment_id) == col(c.id), col(x.cancelled_on) <= day, known(col(x.recorded_at))
    )
    query = (
        select(
            col(c.id),
            col(c.budget_line_id),
            col(c.usd_minor),
            func.coalesce(liquidated.c.liquidated, 0),
            col(x.commitment_id).is_not(None),
        )
        .outerjoin(liquidated, liquidated.c.commitment_id == col(c.id))
        .outerjoin(x, cancelled)
        .where(col(c.committed_on) <= day, known(col(c.recorded_at)))
    )
    if line_ids is not None:
        query = query.where(col(c.budget_line_id).in_(list(line_ids)))
    return {
        int(i): Position(int(i), int(line), int(usd), int(done), bool(gone))
        for i, line, usd, done, gone in session.execute(query).all()
    }


def _line_out(session: Session, line_id: int) -> LineOut:
    line, budget = _budget_of_line(session, line_id)
    return LineOut(
        budget_line_id=line_id,
        fund=budget.fund_code,
        year=budget.year,
        line_code=line.code,
        line_title=line.title,
    )


def expenditure_out(session: Session, expenditure_id: int) -> ExpenditureOut:
    """An expenditure as the API shows it, with its reversal and confirmation."""
    e = _get_expenditure(session, expenditure_id)
    reversal = session.get(ExpenditureReversal, expenditure_id)
    confirmed = session.get(ExpenditureUsdConfirmation, expenditure_id)
    return ExpenditureOut(
        **_line_out(session, e.budget_line_id).model_dump(),
        id=expenditure_id,
        value_on=e.value_on,
        category=str(e.category),
        amount=format_minor(e.amount_minor, decimals_of(e.currency)),
        currency=e.currency,
        usd_amount=format_minor(e.usd_minor),
        usd_provisional=e.usd_provisional,
        usd_confirmed=None if confirmed is None else format_minor(confirmed.usd_minor),
        exchange_rate=None if e.exchange_rate is None else format(e.exchange_rate, "f"),
        payee=e.payee,
        reference=e.reference,
        description=e.description,
        commitment_id=e.commitment_id,
        liquidated=format_minor(e.liquidated_minor),
        entry_seq=e.entry_seq,
        recorded_at=e.recorded_at,
        recorded_by=e.recorded_by,
        reversal=None
        if reversal is None
        else ExpenditureReversalOut(
            value_on=reversal.value_on,
            reason=reversal.reason,
            entry_seq=reversal.entry_seq,
            recorded_by=reversal.recorded_by,
        ),
    )


def _line_filter(query: Any, line_column: Any, fund: str | None, year: int | None) -> Any:
    if fund is None and year is None:
        return query
    query = query.join(BudgetLine, col(BudgetLine.id) == line_column).join(
        Budget, col(Budget.id) == col(BudgetLine.budget_id)
    )
    if fund is not None:
        query = query.where(col(Budget.fund_code) == fund.upper())
    if year is not None:
        query = query.where(col(Budget.year) == year)
    return query


def list_expenditures(
    session: Session,
    *,
    fund: str | None = None,
    year: int | None = None,
    commitment_id: int | None = None,
    budget_line_id: int | None = None,
    limit: int,
    offset: int,
) -> tuple[list[int], int]:
    """Expenditure ids, newest value date first, and how many match (of a fund, a
    budget year, a commitment or one budget line, when given)."""
    query = _line_filter(select(col(Expenditure.id)), col(Expenditure.budget_line_id), fund, year)
    if commitment_id is not None:
        query = query.where(col(Expenditure.commitment_id) == commitment_id)
    if budget_line_id is not None:
        query = query.where(col(Expenditure.budget_line_id) == budget_line_id)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    ids = session.execute(
        query.order_by(col(Expenditure.value_on).desc(), col(Expenditure.id).desc())
        .limit(limit)
        .offset(offset)
    ).scalars()
    return [int(i) for i in ids], int(total)


def _status(position: Position) -> str:
    if position.cancelled:
        return "cancelled"
    return "open" if position.open_minor > 0 else "liquidated"


def commitment_out(
    session: Session, commitment_id: int, position: Position | None = None
) -> CommitmentOut:
    """A commitment as the API shows it: what it was, what is liquidated and open now."""
    c = session.get(Commitment, commitment_id)
    if c is None:
        raise NotFound(f"commitment {commitment_id} does not exist")
    if position is None:
        liquidated = _liquidated_now(session, commitment_id)
        gone = session.get(CommitmentCancellation, commitment_id) is not None
        position = Position(commitment_id, c.budget_line_id, c.usd_minor, liquidated, gone)
    cancellation = session.get(CommitmentCancellation, commitment_id)
    paid = session.execute(
        select(col(Expenditure.id))
        .where(col(Expenditure.commitment_id) == commitment_id)
        .order_by(col(Expenditure.id))
    ).scalars()
    return CommitmentOut(
        **_line_out(session, c.budget_line_id).model_dump(),
        id=commitment_id,
        committed_on=c.committed_on,
        amount=format_minor(c.amount_minor, decimals_of(c.currency)),
        currency=c.currency,
        usd_amount=format_minor(c.usd_minor),
        exchange_rate=None if c.exchange_rate is None else format(c.exchange_rate, "f"),
        payee=c.payee,
        reference=c.reference,
        description=c.description,
        liquidated=format_minor(position.liquidated_minor),
        open=format_minor(position.open_minor),
        status=_status(position),
        cancellation=None
        if cancellation is None
        else CancellationOut(
            cancelled_on=cancellation.cancelled_on,
            amount=format_minor(cancellation.amount_minor),
            reason=cancellation.reason,
            recorded_by=cancellation.recorded_by,
        ),
        expenditure_ids=[int(i) for i in paid],
        recorded_at=c.recorded_at,
        recorded_by=c.recorded_by,
    )


def list_commitments(
    session: Session,
    *,
    fund: str | None = None,
    year: int | None = None,
    status: str | None = None,
    limit: int,
    offset: int,
) -> tuple[list[CommitmentOut], int]:
    """Commitments (of a fund, a year, a status: open, liquidated or cancelled), newest
    first, and how many match."""
    query = _line_filter(select(col(Commitment.id)), col(Commitment.budget_line_id), fund, year)
    ids = [
        int(i)
        for i in session.execute(
            query.order_by(col(Commitment.committed_on).desc(), col(Commitment.id).desc())
        ).scalars()
    ]
    now = positions(session)
    if status is not None:
        ids = [i for i in ids if _status(now[i]) == status]
    window = ids[offset : offset + limit]
    return [commitment_out(session, i, now[i]) for i in window], len(ids)


def _figures_out(figures: pure.Figures) -> dict[str, Any]:
    return ExecutionFigures(
        original=format_minor(figures.original),
        revised=format_minor(figures.revised),
        commitments=format_minor(figures.commitments),
        actual=format_minor(figures.actual),
        available=format_minor(figures.available),
        execution_rate=percent(figures.rate),
    ).model_dump()


def actual_by_line(
    session: Session,
    *,
    as_at: date,
    known_at: datetime | None = None,
    fund: str | None = None,
    year: int | None = None,
) -> dict[int, int]:
    """Expenditure per budget line (US cents, net of reversals) as at ``(as_at,
    known_at)``: one SQL aggregate over the expenditure accounts' postings."""
    p = LedgerPosting
    query = (
        select(
            col(p.budget_line_id),
            cast(func.coalesce(func.sum(col(p.amount_minor)), 0), BigInteger),
        )
        .join(LedgerAccount, col(LedgerAccount.id) == col(p.account_id))
        .where(
            col(LedgerAccount.account_type) == AccountType.EXPENDITURE.value,
            col(p.budget_line_id).is_not(None),
            col(p.value_on) <= as_at,
        )
        .group_by(col(p.budget_line_id))
    )
    if known_at is not None:
        query = query.where(col(p.recorded_at) <= known_at)
    if fund is not None:
        query = query.where(col(p.fund_code) == fund)
    if year is not None:
        query = query.where(col(p.assessment_year) == year)
    rows = session.connection().execute(query).all()
    return {int(line): int(total) for line, total in rows if line is not None}


def execution_lines(
    session: Session,
    *,
    as_at: date,
    known_at: datetime | None = None,
    fund: str | None = None,
    year: int | None = None,
) -> list[pure.Line]:
    """Every line of the budgets of ``fund`` and ``year`` (default all) with its
    original and revised budget, open commitments and actual as at ``(as_at,
    known_at)``. A budget version counts once adopted by ``as_at`` and recorded by
    ``known_at``; lines without one show zero budgets."""
    code = fund.upper() if fund else None
    query = select(Budget).order_by(col(Budget.fund_code), col(Budget.year))
    if code is not None:
        query = query.where(col(Budget.fund_code) == code)
    if year is not None:
        query = query.where(col(Budget.year) == year)
    budgets = {b.id: b for b in session.execute(query).scalars()}
    if not budgets:
        return []
    version_query = select(BudgetVersion).where(
        col(BudgetVersion.budget_id).in_(list(budgets)), col(BudgetVersion.adopted_on) <= as_at
    )
    if known_at is not None:
        version_query = version_query.where(col(BudgetVersion.recorded_at) <= known_at)
    first: dict[int, BudgetVersion] = {}
    current: dict[int, BudgetVersion] = {}
    for v in session.execute(version_query).scalars():
        if v.budget_id not in first or v.version < first[v.budget_id].version:
            first[v.budget_id] = v
        if v.budget_id not in current or v.version > current[v.budget_id].version:
            current[v.budget_id] = v
    wanted = {v.id for v in first.values()} | {v.id for v in current.values()}
    amounts = {
        (a.version_id, a.line_id): a.amount_minor
        for a in session.execute(
            select(BudgetLineAmount).where(col(BudgetLineAmount.version_id).in_(list(wanted)))
        ).scalars()
    }
    lines = list(
        session.execute(
            select(BudgetLine)
            .where(col(BudgetLine.budget_id).in_(list(budgets)))
            .order_by(col(BudgetLine.budget_id), col(BudgetLine.code))
        ).scalars()
    )
    actual = actual_by_line(session, as_at=as_at, known_at=known_at, fund=code, year=year)
    committed: dict[int, int] = defaultdict(int)
    for position in positions(
        session, as_at=as_at, known_at=known_at, line_ids=[x.id or 0 for x in lines]
    ).values():
        committed[position.budget_line_id] += position.open_minor
    result = []
    for line in lines:
        budget = budgets[line.budget_id]
        line_id = line.id or 0
        original = first.get(line.budget_id)
        revised = current.get(line.budget_id)
        result.append(
            pure.Line(
                fund=budget.fund_code,
                year=budget.year,
                line_id=line_id,
                code=line.code,
                title=line.title,
                figures=pure.Figures(
                    original=amounts.get((original.id, line_id), 0) if original else 0,
                    revised=amounts.get((revised.id, line_id), 0) if revised else 0,
                    commitments=committed.get(line_id, 0),
                    actual=actual.get(line_id, 0),
                ),
            )
        )
    result.sort(key=lambda x: (x.fund, x.year, x.code))
    return result


def execution(
    session: Session,
    *,
    as_at: date,
    known_at: datetime | None = None,
    fund: str | None = None,
    year: int | None = None,
) -> ExecutionOut:
    """Budget vs commitments vs actual per line, with totals per fund and year, as at
    ``(as_at, known_at)`` (see ``execution_lines``)."""
    lines = execution_lines(session, as_at=as_at, known_at=known_at, fund=fund, year=year)
    return ExecutionOut(
        as_at=as_at,
        known_at=known_at,
        lines=[
            ExecutionLineOut(
                fund=x.fund,
                year=x.year,
                budget_line_id=x.line_id,
                line_code=x.code,
                line_title=x.title,
                **_figures_out(x.figures),
            )
            for x in lines
        ],
        totals=[
            ExecutionTotalOut(fund=f, year=y, **_figures_out(figures))
            for (f, y), figures in pure.totals(lines).items()
        ],
    )
