"""A State's credit (money received beyond what it owed): applying it to what the State
owes, refunding it, and confirming a provisional US dollar figure.

Credit is held in the policy's credit fund (``state_credit`` account, State dimension).
Applying it to a debt of another fund goes through the due-to/due-from accounts, so that
every entry balances within each fund. Amounts are US cents."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.audit import service as audit
from finance_core.db_types import utctoday
from finance_core.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from finance_core.funds.service import account_code
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.ledger.corrections import check_correction_date, post_bank_figure
from finance_core.ledger.models import AccountType
from finance_core.ledger.service import PostingSpec, post_entry
from finance_core.money import format_minor
from finance_core.payments import allocation as alloc
from finance_core.payments.amounts import parse_amount
from finance_core.payments.models import CreditUse, CreditUseLine, Receipt, UsdConfirmation
from finance_core.payments.schemas import CreditOut, CreditUseOut
from finance_core.payments.service import (
    add_lines,
    allocation_out,
    debts_of,
    lock_state,
    policy_on,
)
from finance_core.states.service import get_state


def credit_of(session: Session, state_code: str, *, as_at: date | None = None) -> int:
    """The State's credit in US cents (positive: the Secretariat holds money of the State)."""
    rows = balances(
        session,
        as_at=as_at or date(9999, 12, 31),
        by=[],
        state=state_code,
        account_type=AccountType.STATE_CREDIT.value,
        include_zero=True,
    )
    return -sum(b.amount_minor for b in rows)


def _transfer(
    credit_fund: str, fund: str, amount: int, state: str, year: int | None
) -> list[PostingSpec]:
    """Postings moving ``amount`` of a State's credit onto its debt in ``fund``."""
    use_credit = PostingSpec(account_code(credit_fund, AccountType.STATE_CREDIT), amount, state)
    settle = PostingSpec(account_code(fund, AccountType.RECEIVABLE), -amount, state, year)
    if fund == credit_fund:
        return [use_credit, settle]
    return [
        use_credit,
        PostingSpec(account_code(credit_fund, AccountType.DUE_TO_OTHER_FUNDS), -amount, state),
        PostingSpec(account_code(fund, AccountType.DUE_FROM_OTHER_FUNDS), amount, state),
        settle,
    ]


def apply_credit(
    session: Session,
    *,
    actor: Actor,
    state_code: str,
    value_on: date,
    amount_minor: int | None = None,
    earmark: alloc.Earmark | None = None,
    recorded_at: datetime | None = None,
) -> CreditUse | None:
    """Apply the State's credit (or ``amount_minor`` of it) to what it owes as at
    ``value_on``, oldest first (or as earmarked). None when there is nothing to apply."""
    state = lock_state(session, state_code.upper())
    available = credit_of(session, state.code, as_at=value_on)
    wanted = available if amount_minor is None else amount_minor
    if wanted <= 0 or available <= 0:
        if amount_minor is None:
            return None
        raise ValidationFailed("there is no credit to apply", fields={"amount": "no credit"})
    if wanted > available:
        raise ValidationFailed(
            f"{state.name} has {format_minor(available)} USD of credit, not {format_minor(wanted)}",
            fields={"amount": f"at most {format_minor(available)}"},
        )
    debts = debts_of(session, state.code, value_on)
    if not debts:
        if amount_minor is None:
            return None
        raise RuleViolation(f"{state.name} owes nothing as at {value_on}")
    policy = policy_on(session, value_on)
    result = alloc.allocate(
        wanted,
        debts,
        earmark=earmark,
        policy=alloc.Policy(tuple(policy.fund_order.split(",")), policy.honour_earmarks),
    )
    if not result.placements:
        return None
    postings: list[PostingSpec] = []
    for p in result.placements:
        postings += _transfer(policy.credit_fund, p.fund, p.amount_minor, state.code, p.year)
    entry = post_entry(
        session,
        actor=actor,
        value_on=value_on,
        entry_type="credit.applied",
        description=f"Credit of {state.name} applied to what it owes",
        postings=postings,
        recorded_at=recorded_at,
    )
    use = CreditUse(
        state_code=state.code,
        kind="applied",
        value_on=value_on,
        amount_minor=result.allocated_minor,
        entry_seq=entry.seq,
        recorded_by=actor.name,
    )
    if recorded_at is not None:
        use.recorded_at = recorded_at
    session.add(use)
    session.flush()
    add_lines(session, CreditUseLine, {"credit_use_id": use.id or 0}, result.placements)
    audit.record(
        session,
        actor=actor,
        action="payments.credit_applied",
        object_type="state",
        object_id=state.code,
        occurred_at=recorded_at,
        detail={"amount_minor": use.amount_minor, "entry": entry.seq},
    )
    return use


def apply_credits_after_assessment(
    session: Session,
    *,
    actor: Actor,
    state_codes: list[str],
    value_on: date,
    recorded_at: datetime | None = None,
) -> list[CreditUse]:
    """The default: each State's credit pays its new assessments as soon as they post
    (unless the policy in force says credits wait for a request)."""
    if not policy_on(session, value_on).apply_credit_on_assessment:
        return []
    holding = {
        str(b.state)
        for b in balances(
            session,
            as_at=value_on,
            by=[BalanceDim.STATE],
            account_type=AccountType.STATE_CREDIT.value,
        )
        if b.amount_minor < 0
    }
    uses = []
    for code in sorted(set(state_codes) & holding):
        if credit_of(session, code, as_at=value_on) > 0:
            use = apply_credit(
                session, actor=actor, state_code=code, value_on=value_on, recorded_at=recorded_at
            )
            if use is not None:
                uses.append(use)
    return uses


def refund_credit(
    session: Session,
    *,
    actor: Actor,
    state_code: str,
    value_on: date,
    amount: str,
    bank_reference: str,
    reason: str,
) -> CreditUse:
    """Send (part of) a State's credit back to it."""
    if value_on > utctoday():
        raise ValidationFailed(
            "a refund cannot be dated in the future", fields={"value_on": "future"}
        )
    if not reason.strip() or not bank_reference.strip():
        raise ValidationFailed(
            "a refund needs a bank reference and a reason",
            fields={"reason": "required", "bank_reference": "required"},
        )
    cents = parse_amount(amount, "USD")
    state = lock_state(session, state_code.upper())
    available = credit_of(session, state.code, as_at=value_on)
    if cents > available:
        raise ValidationFailed(
            f"{state.name} has {format_minor(available)} USD of credit, not {format_minor(cents)}",
            fields={"amount": f"at most {format_minor(available)}"},
        )
    fund = policy_on(session, value_on).credit_fund
    entry = post_entry(
        session,
        actor=actor,
        value_on=value_on,
        entry_type="credit.refund",
        description=f"Credit refunded to {state.name}: {reason.strip()}",
        source_ref=f"bank {bank_reference}",
        postings=[
            PostingSpec(account_code(fund, AccountType.STATE_CREDIT), cents, state.code),
            PostingSpec(account_code(fund, AccountType.BANK), -cents, state.code),
        ],
    )
    use = CreditUse(
        state_code=state.code,
        kind="refund",
        value_on=value_on,
        amount_minor=cents,
        bank_reference=bank_reference,
        reason=reason.strip(),
        entry_seq=entry.seq,
        recorded_by=actor.name,
    )
    session.add(use)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="payments.credit_refund",
        object_type="state",
        object_id=state.code,
        detail={"amount_minor": cents, "reason": reason},
    )
    return use


def confirm_usd(
    session: Session,
    *,
    actor: Actor,
    receipt_id: int,
    usd_amount: str,
    value_on: date,
    recorded_at: datetime | None = None,
) -> UsdConfirmation:
    """Record the bank's US dollar figure for a receipt recorded at a provisional rate;
    the difference posts to exchange gain/loss in the credit fund."""
    receipt = session.get(Receipt, receipt_id)
    if receipt is None:
        raise NotFound(f"receipt {receipt_id} does not exist")
    if not receipt.usd_provisional:
        raise RuleViolation(f"receipt {receipt_id} already carries the bank's US dollar figure")
    lock_state(session, receipt.state_code)  # two confirmations of one receipt queue here
    if session.get(UsdConfirmation, receipt_id) is not None:
        raise Conflict(f"the US dollar figure of receipt {receipt_id} is already confirmed")
    check_correction_date(
        value_on, since=receipt.value_on, what="receipt", correction="confirmation"
    )
    usd = parse_amount(usd_amount, "USD", field="usd_amount")
    confirmation = UsdConfirmation(
        receipt_id=receipt_id,
        usd_minor=usd,
        difference_minor=usd - receipt.usd_minor,
        value_on=value_on,
        recorded_by=actor.name,
        entry_seq=post_bank_figure(
            session,
            actor=actor,
            fund=policy_on(session, value_on).credit_fund,
            value_on=value_on,
            provisional_minor=receipt.usd_minor,
            bank_minor=usd,
            inflow=True,
            what=f"receipt {receipt_id}",
            source_ref=f"bank {receipt.bank_reference}",
            state_code=receipt.state_code,
            recorded_at=recorded_at,
        ),
    )
    audit.store(
        session,
        confirmation,
        actor=actor,
        action="payments.usd_confirmed",
        object_type="receipt",
        object_id=str(receipt_id),
        detail={"usd_minor": usd, "difference": confirmation.difference_minor},
        recorded_at=recorded_at,
    )
    return confirmation


def credit_uses(session: Session, state_code: str) -> list[tuple[CreditUse, list[CreditUseLine]]]:
    """A State's credit applications and refunds, oldest first, with their lines."""
    uses = (
        session.execute(
            select(CreditUse)
            .where(col(CreditUse.state_code) == state_code.upper())
            .order_by(col(CreditUse.value_on), col(CreditUse.id))
        )
        .scalars()
        .all()
    )
    result = []
    for use in uses:
        lines = (
            session.execute(
                select(CreditUseLine)
                .where(col(CreditUseLine.credit_use_id) == use.id)
                .order_by(col(CreditUseLine.line_no))
            )
            .scalars()
            .all()
        )
        result.append((use, list(lines)))
    return result


def credit_out(session: Session, state_code: str) -> CreditOut:
    """A State's credit and how earlier credit was used."""
    code = get_state(session, state_code).code
    return CreditOut(
        state_code=code,
        credit=format_minor(credit_of(session, code)),
        uses=[
            CreditUseOut(
                id=use.id or 0,
                kind=use.kind,
                value_on=use.value_on,
                amount=format_minor(use.amount_minor),
                bank_reference=use.bank_reference,
                reason=use.reason,
                entry_seq=use.entry_seq,
                allocations=[allocation_out(x) for x in lines],
            )
            for use, lines in credit_uses(session, code)
        ],
    )
