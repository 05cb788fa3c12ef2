"""Recording receipts: validate, lock the State, find what it owes, allocate by the
policy in force, post one balanced entry (and a write-off entry if asked), store the
allocation with its rules. Reversal undoes a receipt by reversing entries.

Two receipts of one State never allocate the same debt twice: the State's row is locked
(``FOR NO KEY UPDATE`` on PostgreSQL; SQLite write transactions hold the database lock)
before its debts are read, and held to commit. That lock mode leaves other transactions'
foreign keys to the State free (an assessment run posting for every State does not wait
for a receipt that waits for the ledger's chain head). Work that locks several States
locks them all at once, in code order, before it posts (``lock_states``)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import bindparam, func, insert, select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.assessments.due import due_dates
from finance_core.audit import service as audit
from finance_core.db_types import utctoday
from finance_core.errors import Conflict, NotFound, ValidationFailed
from finance_core.funds.models import Fund
from finance_core.funds.service import account_code
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.ledger.corrections import check_correction_date, reverse_entries
from finance_core.ledger.models import AccountType, LedgerAccount, LedgerPosting
from finance_core.ledger.service import PostingSpec, post_entry
from finance_core.money import format_minor
from finance_core.payments import allocation as alloc
from finance_core.payments.amounts import check_currency, decimals_of, parse_amount
from finance_core.payments.models import (
    AllocationPolicy,
    CreditUseLine,
    ExchangeRate,
    Receipt,
    ReceiptAllocation,
    ReceiptReversal,
    UsdConfirmation,
)
from finance_core.payments.schemas import (
    AllocationOut,
    ExchangeRateIn,
    ReceiptIn,
    ReceiptOut,
    ReversalIn,
    ReversalOut,
)
from finance_core.states.models import State

# The lookups run for every receipt, built once (each call binds its values).
_POLICY_ON = (
    select(AllocationPolicy)
    .where(col(AllocationPolicy.effective_from) <= bindparam("day"))
    .order_by(col(AllocationPolicy.effective_from).desc())
    .limit(1)
)
_RATE_ON = (
    select(ExchangeRate)
    .where(
        col(ExchangeRate.currency) == bindparam("currency"),
        col(ExchangeRate.valid_on) <= bindparam("day"),
    )
    .order_by(col(ExchangeRate.valid_on).desc())
    .limit(1)
)


def policy_on(session: Session, day: date) -> AllocationPolicy:
    """The allocation policy in force on ``day``."""
    policy: AllocationPolicy | None = session.execute(_POLICY_ON, {"day": day}).scalar_one_or_none()
    if policy is None:
        raise NotFound(f"no allocation policy is in force on {day}")
    return policy


def rate_on(session: Session, currency: str, day: date) -> ExchangeRate:
    """The exchange rate of ``currency`` in force on ``day``."""
    rate: ExchangeRate | None = session.execute(
        _RATE_ON, {"currency": currency, "day": day}
    ).scalar_one_or_none()
    if rate is None:
        raise ValidationFailed(
            f"no exchange rate for {currency} on {day}: give usd_amount (the bank's figure) "
            "or record a rate",
            fields={"usd_amount": f"required: no {currency} rate on {day}"},
        )
    return rate


def add_rate(session: Session, *, actor: Actor, data: ExchangeRateIn) -> ExchangeRate:
    """Record the US dollar value of a currency from a date on."""
    currency = check_currency(data.currency.upper())
    try:
        value = Decimal(data.usd_per_unit)
    except ArithmeticError:
        value = Decimal(0)
    if not value.is_finite() or value <= 0:
        raise ValidationFailed(
            "a rate is a positive number", fields={"usd_per_unit": "must be a positive number"}
        )
    if session.execute(
        select(ExchangeRate).where(
            col(ExchangeRate.currency) == currency, col(ExchangeRate.valid_on) == data.valid_on
        )
    ).first():
        raise Conflict(f"a {currency} rate from {data.valid_on} is already recorded")
    rate = ExchangeRate(
        currency=currency, valid_on=data.valid_on, usd_per_unit=value, source=data.source
    )
    session.add(rate)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="payments.exchange_rate",
        object_type="currency",
        object_id=currency,
        detail=data.model_dump(mode="json"),
    )
    return rate


def lock_state(session: Session, code: str) -> State:
    """The State ``code``, locked until commit (see the module docstring)."""
    state: State | None = session.execute(
        select(State).where(col(State.code) == code).with_for_update(key_share=True)
    ).scalar_one_or_none()
    if state is None:
        raise ValidationFailed(f"unknown State {code!r}", fields={"state_code": "unknown State"})
    return state


def lock_states(session: Session, codes: Collection[str]) -> None:
    """Lock the States of ``codes`` until commit, in code order (so that two transactions
    locking several never wait for each other in a circle); unknown codes are skipped."""
    if codes:
        session.execute(
            select(col(State.code))
            .where(col(State.code).in_(sorted(set(codes))))
            .order_by(col(State.code))
            .with_for_update(key_share=True)
        ).all()


def debts_of(session: Session, state_code: str, as_at: date) -> list[alloc.Debt]:
    """What a State owes as at ``as_at`` and may still be paid by a payment of that date:
    positive receivable balances per fund and year, each with the earliest due date of
    the assessments behind it.

    A back-dated payment must not pay again what a payment dated later has already paid:
    each balance is capped by its lowest running balance on any later value date in the
    ledger, so that no receivable is ever overpaid, as at any date."""
    owed = {
        (str(b.fund), b.assessment_year): b.amount_minor
        for b in balances(
            session,
            as_at=as_at,
            by=[BalanceDim.FUND, BalanceDim.ASSESSMENT_YEAR],
            state=state_code,
            account_type=AccountType.RECEIVABLE.value,
        )
        if b.amount_minor > 0
    }
    for (fund, year), lowest in _lowest_later_balances(session, state_code, as_at, owed).items():
        owed[(fund, year)] = min(owed[(fund, year)], lowest)
    due = due_dates(session)
    return [
        alloc.Debt(
            fund=fund,
            year=year,
            due_on=due.get((fund, year or 0)) or date(year or 1, 1, 1),
            outstanding_minor=amount,
        )
        for (fund, year), amount in owed.items()
        if amount > 0
    ]


def _lowest_later_balances(
    session: Session, state_code: str, as_at: date, owed: dict[tuple[str, int | None], int]
) -> dict[tuple[str, int | None], int]:
    """For each (fund, year) of ``owed`` (its balance as at ``as_at``) moved after
    ``as_at``, the lowest running balance after each later value date."""
    if not owed:
        return {}
    rows = session.execute(
        select(
            col(LedgerPosting.fund_code),
            col(LedgerPosting.assessment_year),
            col(LedgerPosting.value_on),
            func.sum(col(LedgerPosting.amount_minor)),
        )
        .join(LedgerAccount, col(LedgerAccount.id) == col(LedgerPosting.account_id))
        .where(
            col(LedgerAccount.account_type) == AccountType.RECEIVABLE.value,
            col(LedgerPosting.state_code) == state_code,
            col(LedgerPosting.value_on) > as_at,
        )
        .group_by(
            col(LedgerPosting.fund_code),
            col(LedgerPosting.assessment_year),
            col(LedgerPosting.value_on),
        )
        .order_by(col(LedgerPosting.value_on))
    ).all()
    running = dict(owed)
    lowest: dict[tuple[str, int | None], int] = {}
    for fund, year, _value_on, amount in rows:
        key = (str(fund), year)
        if key not in running:
            continue
        running[key] += int(amount)
        lowest[key] = min(lowest.get(key, running[key]), running[key])
    return lowest


def _usd_minor(amount_minor: int, currency: str, rate: Decimal) -> int:
    """``amount_minor`` of ``currency`` in US cents at ``rate``, rounded half up."""
    exact = Fraction(amount_minor, 10 ** decimals_of(currency)) * Fraction(rate) * 100
    return math.floor(exact + Fraction(1, 2))


def validate_receipt(
    session: Session, data: ReceiptIn
) -> tuple[str, int, int, bool, Decimal | None]:
    """(currency, amount_minor, usd_minor, provisional, rate) or ValidationFailed."""
    fields: dict[str, str] = {}
    currency = data.currency.strip().upper()
    try:
        check_currency(currency)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.detail, fields=exc.fields) from None
    amount = parse_amount(data.amount, currency)
    if data.value_on > utctoday():
        fields["value_on"] = "a payment cannot be dated in the future"
    if data.earmark_fund is not None and session.get(Fund, data.earmark_fund) is None:
        fields["earmark_fund"] = f"unknown fund {data.earmark_fund}"
    ValidationFailed.raise_if(fields)
    if data.usd_amount is not None:
        return (
            currency,
            amount,
            parse_amount(data.usd_amount, "USD", field="usd_amount"),
            False,
            None,
        )
    if currency == "USD":
        return currency, amount, amount, False, None
    rate = Decimal(rate_on(session, currency, data.value_on).usd_per_unit)
    usd = _usd_minor(amount, currency, rate)
    if usd <= 0:
        raise ValidationFailed(
            "the amount is worth less than one US cent", fields={"amount": "too small"}
        )
    return currency, amount, usd, True, rate


def add_lines(
    session: Session,
    model: type[ReceiptAllocation] | type[CreditUseLine],
    parent: dict[str, int],
    placements: Sequence[alloc.Placement],
) -> None:
    """Store placements as numbered lines of ``model`` under ``parent`` (its id column),
    in one bulk INSERT."""
    rows = [
        {
            **parent,
            "line_no": i,
            "fund_code": p.fund,
            "assessment_year": p.year,
            "amount_minor": p.amount_minor,
            "rule": p.rule.value,
        }
        for i, p in enumerate(placements, start=1)
    ]
    if rows:
        session.execute(insert(model), rows)


def allocation_out(line: ReceiptAllocation | CreditUseLine) -> AllocationOut:
    """A stored line as the API shows it."""
    return AllocationOut(
        fund=line.fund_code,
        assessment_year=line.assessment_year,
        amount=format_minor(line.amount_minor),
        rule=line.rule,
    )


@dataclass(frozen=True, slots=True)
class PlannedReceipt:
    """How a payment would be recorded: its amounts (minor units of its currency, US
    cents), the State, the policy in force, and the allocation with any write-off. What
    ``record_receipt`` records, and what a preview shows before it does."""

    currency: str
    amount_minor: int
    usd_minor: int
    provisional: bool
    rate: Decimal | None
    state: State
    policy: AllocationPolicy
    debts: list[alloc.Debt]
    result: alloc.Allocation
    write_off: alloc.Placement | None

    def lines(self) -> list[alloc.Placement]:
        """The allocation lines in order: placements, then the credit, then a write-off."""
        found = list(self.result.placements)
        if self.result.credit_minor:
            found.append(
                alloc.Placement(
                    self.policy.credit_fund, None, self.result.credit_minor, alloc.Rule.CREDIT
                )
            )
        if self.write_off is not None:
            found.append(self.write_off)
        return found


def plan_receipt(session: Session, data: ReceiptIn, *, lock: bool = True) -> PlannedReceipt:
    """Validate a payment and work out its allocation (``lock``: hold the State's row, as
    recording does; a preview does not)."""
    currency, amount, usd, provisional, rate = validate_receipt(session, data)
    code = data.state_code.strip().upper()
    state = lock_state(session, code) if lock else session.get(State, code)
    if state is None:
        raise ValidationFailed(f"unknown State {code!r}", fields={"state_code": "unknown State"})
    if not data.confirm_duplicate_reference:
        used = session.execute(
            select(col(Receipt.id)).where(col(Receipt.bank_reference) == data.bank_reference)
        ).scalar()
        if used is not None:
            raise ValidationFailed(
                f"bank reference {data.bank_reference!r} is already on receipt {used}; "
                "set confirm_duplicate_reference to record it anyway",
                fields={"bank_reference": f"already used by receipt {used}"},
            )
    policy = policy_on(session, data.value_on)
    debts = debts_of(session, state.code, data.value_on)
    result = alloc.allocate(
        usd,
        debts,
        earmark=alloc.Earmark(data.earmark_fund, data.earmark_year),
        policy=alloc.Policy(tuple(policy.fund_order.split(",")), policy.honour_earmarks),
    )
    write_off = (
        alloc.shortfall(result, debts, policy.write_off_tolerance_minor)
        if data.write_off_shortfall
        else None
    )
    if data.write_off_shortfall and write_off is None:
        raise ValidationFailed(
            "nothing to write off: the payment leaves no shortfall within the tolerance "
            f"of {format_minor(policy.write_off_tolerance_minor)} USD",
            fields={"write_off_shortfall": "no shortfall within the tolerance"},
        )
    return PlannedReceipt(
        currency, amount, usd, provisional, rate, state, policy, debts, result, write_off
    )


def record_receipt(
    session: Session, *, actor: Actor, data: ReceiptIn, recorded_at: datetime | None = None
) -> Receipt:
    """Record a payment and allocate it (see the module docstring).

    ``recorded_at`` defaults to now; only the demo loader back-dates it."""
    planned = plan_receipt(session, data)
    currency, amount, usd = planned.currency, planned.amount_minor, planned.usd_minor
    provisional, rate, state, policy = (
        planned.provisional,
        planned.rate,
        planned.state,
        planned.policy,
    )
    result, write_off = planned.result, planned.write_off
    per_fund: dict[str, int] = defaultdict(int)
    postings: list[PostingSpec] = []
    for p in result.placements:
        per_fund[p.fund] += p.amount_minor
        postings.append(
            PostingSpec(
                account_code(p.fund, AccountType.RECEIVABLE), -p.amount_minor, state.code, p.year
            )
        )
    if result.credit_minor:
        per_fund[policy.credit_fund] += result.credit_minor
        postings.append(
            PostingSpec(
                account_code(policy.credit_fund, AccountType.STATE_CREDIT),
                -result.credit_minor,
                state.code,
            )
        )
    bank = [
        PostingSpec(account_code(fund, AccountType.BANK), total, state.code)
        for fund, total in sorted(per_fund.items())
    ]
    reference = f"bank {data.bank_reference}"
    entry = post_entry(
        session,
        actor=actor,
        value_on=data.value_on,
        entry_type="receipt",
        description=f"Receipt from {state.name}: {format_minor(amount, decimals_of(currency))} "
        f"{currency}",
        source_ref=reference,
        postings=bank + postings,
        recorded_at=recorded_at,
    )
    receipt = Receipt(
        state_code=state.code,
        value_on=data.value_on,
        currency=currency,
        amount_minor=amount,
        usd_minor=usd,
        usd_provisional=provisional,
        exchange_rate=rate,
        bank_reference=data.bank_reference,
        earmark_fund=data.earmark_fund,
        earmark_year=data.earmark_year,
        note=data.note,
        entry_seq=entry.seq,
        recorded_by=actor.name,
    )
    if recorded_at is not None:
        receipt.recorded_at = recorded_at
    if write_off is not None:
        receivable = account_code(write_off.fund, AccountType.RECEIVABLE)
        written = post_entry(
            session,
            actor=actor,
            value_on=data.value_on,
            entry_type="write_off",
            description=f"Bank charges written off on the receipt from {state.name} "
            f"({data.bank_reference})",
            source_ref=reference,
            recorded_at=recorded_at,
            postings=[
                PostingSpec(
                    account_code(write_off.fund, AccountType.WRITE_OFF),
                    write_off.amount_minor,
                    state.code,
                    write_off.year,
                ),
                PostingSpec(receivable, -write_off.amount_minor, state.code, write_off.year),
            ],
        )
        receipt.write_off_entry_seq = written.seq
    session.add(receipt)
    session.flush()
    assert receipt.id is not None
    add_lines(session, ReceiptAllocation, {"receipt_id": receipt.id or 0}, planned.lines())
    audit.record(
        session,
        actor=actor,
        action="payments.receipt",
        object_type="receipt",
        object_id=str(receipt.id),
        occurred_at=recorded_at,
        detail={
            "state": state.code,
            "usd_minor": usd,
            "entry": entry.seq,
            "credit_minor": result.credit_minor,
        },
    )
    return receipt


def reverse_receipt(
    session: Session,
    *,
    actor: Actor,
    receipt_id: int,
    data: ReversalIn,
    recorded_at: datetime | None = None,
) -> ReceiptReversal:
    """Undo a bounced or mistaken receipt: reversing entries; nothing is deleted."""
    receipt = session.get(Receipt, receipt_id)
    if receipt is None:
        raise NotFound(f"receipt {receipt_id} does not exist")
    lock_state(session, receipt.state_code)
    if session.get(ReceiptReversal, receipt_id) is not None:
        raise Conflict(f"receipt {receipt_id} is already reversed")
    check_correction_date(data.value_on, since=receipt.value_on, what="receipt")
    entry = reverse_entries(
        session,
        actor=actor,
        seqs=[receipt.write_off_entry_seq, receipt.entry_seq],
        value_on=data.value_on,
        reason=data.reason,
        recorded_at=recorded_at,
    )
    reversal = ReceiptReversal(
        receipt_id=receipt_id,
        value_on=data.value_on,
        reason=data.reason,
        entry_seq=entry.seq,
        recorded_by=actor.name,
    )
    audit.store(
        session,
        reversal,
        actor=actor,
        action="payments.reversal",
        object_type="receipt",
        object_id=str(receipt_id),
        detail=data.model_dump(mode="json"),
        recorded_at=recorded_at,
    )
    return reversal


def receipt_out(session: Session, receipt_id: int) -> ReceiptOut:
    """The receipt document: the money, its allocation with the rules, any reversal."""
    receipt = session.get(Receipt, receipt_id)
    if receipt is None:
        raise NotFound(f"receipt {receipt_id} does not exist")
    state = session.get(State, receipt.state_code)
    lines = session.execute(
        select(ReceiptAllocation)
        .where(col(ReceiptAllocation.receipt_id) == receipt_id)
        .order_by(col(ReceiptAllocation.line_no))
    ).scalars()
    reversal = session.get(ReceiptReversal, receipt_id)
    confirmed = session.get(UsdConfirmation, receipt_id)
    return ReceiptOut(
        id=receipt_id,
        state_code=receipt.state_code,
        state_name=state.name if state else "",
        value_on=receipt.value_on,
        amount=format_minor(receipt.amount_minor, decimals_of(receipt.currency)),
        currency=receipt.currency,
        usd_amount=format_minor(receipt.usd_minor),
        usd_provisional=receipt.usd_provisional,
        usd_confirmed=None if confirmed is None else format_minor(confirmed.usd_minor),
        exchange_rate=None if receipt.exchange_rate is None else format(receipt.exchange_rate, "f"),
        bank_reference=receipt.bank_reference,
        earmark_fund=receipt.earmark_fund,
        earmark_year=receipt.earmark_year,
        note=receipt.note,
        entry_seq=receipt.entry_seq,
        write_off_entry_seq=receipt.write_off_entry_seq,
        recorded_at=receipt.recorded_at,
        recorded_by=receipt.recorded_by,
        allocations=[allocation_out(x) for x in lines],
        reversal=None
        if reversal is None
        else ReversalOut(
            value_on=reversal.value_on,
            reason=reversal.reason,
            entry_seq=reversal.entry_seq,
            recorded_by=reversal.recorded_by,
        ),
    )


def list_receipts(
    session: Session, *, state_code: str | None, limit: int, offset: int
) -> tuple[list[int], int]:
    """Receipt ids, newest first, and how many match."""
    query = select(col(Receipt.id))
    if state_code:
        query = query.where(col(Receipt.state_code) == state_code.upper())
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    ids = session.execute(
        query.order_by(col(Receipt.value_on).desc(), col(Receipt.id).desc())
        .limit(limit)
        .offset(offset)
    ).scalars()
    return [int(i) for i in ids], int(total)
