"""The reserve (Working Capital Fund, ``WCF``): its dated target rule, its movements and
its position as at ``(as_at, known_at)``.

Every movement is one balanced entry; between the reserve and another fund it goes
through the due-to/due-from accounts, so that each entry balances within each fund
(US cents, debit +, credit −):

- ``reserve.contribution`` (voluntary money for the reserve, held as reserve capital
  rather than revenue of a year): WCF.bank +X, WCF.reserve −X (State dimension when a
  State gave it);
- ``reserve.transfer_in`` (a surplus the CSP put in the reserve, the claim):
  F.accumulated_surplus +X, F.due_to_other_funds −X, WCF.due_from_other_funds +X,
  WCF.reserve −X;
- ``reserve.settlement`` (the cash of that transfer) and ``reserve.replenishment`` (a
  fund paying back a draw-down): F.due_to_other_funds +X, F.bank −X, WCF.bank +X,
  WCF.due_from_other_funds −X;
- ``reserve.draw_down`` (cash advanced to a fund short of liquidity, with its approval):
  WCF.due_from_other_funds +X, WCF.bank −X, F.bank +X, F.due_to_other_funds −X.

The balance is the reserve's capital (the credit balance of WCF.reserve); a draw-down
is an advance, so it leaves the balance as it is and reduces what is *available* (the
cash the reserve holds, never more than the balance less the advances outstanding) until
it is replenished. A draw-down beyond what is available is refused."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from sqlalchemy import BigInteger, cast, func, literal, select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.audit import service as audit
from finance_core.budgets.models import Budget
from finance_core.budgets.service import in_force
from finance_core.db_types import utctoday
from finance_core.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from finance_core.funds.models import Fund, FundKind
from finance_core.funds.service import account_code
from finance_core.ledger.balances import balances
from finance_core.ledger.models import AccountType, LedgerAccount, LedgerPosting
from finance_core.ledger.service import PostingSpec, post_entry
from finance_core.money import format_minor, parse_minor
from finance_core.reserve.models import (
    RESERVE_FUND,
    MovementKind,
    ReserveMovement,
    ReserveTargetRule,
    TargetBasis,
)
from finance_core.reserve.schemas import (
    MovementIn,
    MovementOut,
    ReservePositionOut,
    TargetRuleIn,
    TargetRuleOut,
)
from finance_core.states.models import State

#: Far enough ahead to see every movement, whatever its date.
END_OF_TIME = date(9999, 12, 31)

ENTRY_TYPES: dict[MovementKind, str] = {kind: f"reserve.{kind.value}" for kind in MovementKind}


# --- target rules -------------------------------------------------------------------


def rule_on(session: Session, day: date) -> ReserveTargetRule | None:
    """The target rule in force on ``day`` (None before the first one)."""
    rule: ReserveTargetRule | None = session.execute(
        select(ReserveTargetRule)
        .where(col(ReserveTargetRule.effective_from) <= day)
        .order_by(col(ReserveTargetRule.effective_from).desc())
        .limit(1)
    ).scalar_one_or_none()
    return rule


def list_rules(session: Session) -> list[ReserveTargetRule]:
    """Every target rule, oldest first."""
    return list(
        session.execute(
            select(ReserveTargetRule).order_by(col(ReserveTargetRule.effective_from))
        ).scalars()
    )


def _decimal(text: str | None, field: str, *, upper: Decimal) -> Decimal | None:
    if text is None or not str(text).strip():
        return None
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise ValidationFailed(
            f"{text!r} is not a number", fields={field: "not a number"}
        ) from None
    if not value.is_finite() or value <= 0 or value > upper:
        raise ValidationFailed(
            f"{field} must be above 0 and at most {upper}", fields={field: f"0 < x <= {upper}"}
        )
    return value


def adopt_rule(session: Session, *, actor: Actor, data: TargetRuleIn) -> ReserveTargetRule:
    """Record a target rule adopted by a decision, in force from ``effective_from``."""
    fields: dict[str, str] = {}
    funds = list(dict.fromkeys(f.strip().upper() for f in data.budget_funds))
    for fund in funds:
        if session.get(Fund, fund) is None:
            fields["budget_funds"] = f"unknown fund {fund}"
    percent = _decimal(data.percent, "percent", upper=Decimal(100))
    months = _decimal(data.months, "months", upper=Decimal(120))
    if data.basis is TargetBasis.BUDGET_SHARE and percent is None:
        fields["percent"] = "required for a budget_share rule"
    if data.basis is TargetBasis.MONTHS_OF_SPENDING and months is None:
        fields["months"] = "required for a months_of_spending rule"
    ValidationFailed.raise_if(fields)
    if session.execute(
        select(col(ReserveTargetRule.id)).where(
            col(ReserveTargetRule.effective_from) == data.effective_from
        )
    ).first():
        raise Conflict(f"a reserve target rule in force from {data.effective_from} is recorded")
    rule = ReserveTargetRule(
        effective_from=data.effective_from,
        basis=data.basis,
        percent=percent if data.basis is TargetBasis.BUDGET_SHARE else None,
        months=months if data.basis is TargetBasis.MONTHS_OF_SPENDING else None,
        budget_funds=",".join(funds),
        reference=data.reference,
        recorded_by=actor.name,
    )
    session.add(rule)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="reserve.rule",
        object_type="reserve_target_rule",
        object_id=str(rule.id),
        detail=data.model_dump(mode="json"),
    )
    return rule


def funds_of(rule: ReserveTargetRule) -> list[str]:
    return [f for f in rule.budget_funds.split(",") if f]


def rule_out(rule: ReserveTargetRule) -> TargetRuleOut:
    return TargetRuleOut(
        id=rule.id or 0,
        effective_from=rule.effective_from,
        basis=rule.basis,
        percent=format(rule.percent, "f") if rule.percent is not None else None,
        months=format(rule.months, "f") if rule.months is not None else None,
        budget_funds=funds_of(rule),
        reference=rule.reference,
        recorded_at=rule.recorded_at,
        recorded_by=rule.recorded_by,
    )


# --- the basis: budgets and planned spending ----------------------------------------


def annual_budget(
    session: Session, *, year: int, as_at: date, funds: list[str]
) -> tuple[int, int] | None:
    """(budget year, US cents): the total of the budgets of ``funds`` for ``year`` in
    force as at ``as_at`` (their planned spending, before funds carried over), or for the
    latest earlier year whose budgets of every one of ``funds`` are in force; None if
    there is none."""
    rows = session.execute(
        select(Budget)
        .where(col(Budget.fund_code).in_(funds), col(Budget.year) <= year)
        .order_by(col(Budget.year).desc())
    ).scalars()
    by_year: dict[int, dict[str, Budget]] = {}
    for budget in rows:
        by_year.setdefault(budget.year, {})[budget.fund_code] = budget
    for candidate in sorted(by_year, reverse=True):
        found = by_year[candidate]
        if set(found) != set(funds):
            continue
        total = 0
        for budget in found.values():
            version = in_force(session, budget.id or 0, as_at)
            if version is None:
                break
            total += version.total_minor
        else:
            return candidate, total
    return None


def _round_half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def target_of(rule: ReserveTargetRule, annual_minor: int) -> int:
    """The target in US cents for an annual budget of ``annual_minor`` (half-up)."""
    if rule.basis == TargetBasis.BUDGET_SHARE:
        assert rule.percent is not None
        return _round_half_up(Fraction(annual_minor) * Fraction(rule.percent) / 100)
    assert rule.months is not None
    return _round_half_up(Fraction(annual_minor) * Fraction(rule.months) / 12)


def months_covered(balance_minor: int, monthly: Fraction | None) -> Fraction | None:
    """How many months of planned spending ``balance_minor`` covers (None without a
    budget)."""
    if not monthly:
        return None
    return Fraction(balance_minor) / monthly


def format_months(value: Fraction | None) -> str | None:
    """Months to two decimals (half-up), e.g. ``"2.35"``."""
    if value is None:
        return None
    cents = _round_half_up(value * 100) if value >= 0 else -_round_half_up(-value * 100)
    return format_minor(cents)


# --- position -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Position:
    """The reserve as at ``(as_at, known_at)`` (US cents; see the module docstring).

    ``monthly_spending`` is exact (a fraction of cents); ``gap`` is target − balance
    (positive: below the target); ``months_covered`` is balance ÷ monthly spending."""

    as_at: date
    known_at: datetime | None
    balance_minor: int
    cash_minor: int
    advanced: dict[str, int]
    receivable: dict[str, int]
    rule: ReserveTargetRule | None
    budget_year: int | None
    annual_budget_minor: int | None

    @property
    def available_minor(self) -> int:
        """What a draw-down may take: the cash held, at most the balance less advances."""
        return max(0, min(self.cash_minor, self.balance_minor - sum(self.advanced.values())))

    @property
    def monthly_spending(self) -> Fraction | None:
        if self.annual_budget_minor is None:
            return None
        return Fraction(self.annual_budget_minor, 12)

    @property
    def target_minor(self) -> int | None:
        if self.rule is None or self.annual_budget_minor is None:
            return None
        return target_of(self.rule, self.annual_budget_minor)

    @property
    def gap_minor(self) -> int | None:
        target = self.target_minor
        return None if target is None else target - self.balance_minor

    @property
    def months_covered(self) -> Fraction | None:
        return months_covered(self.balance_minor, self.monthly_spending)


def _account_id(session: Session, fund: str, account_type: AccountType) -> int:
    found = session.execute(
        select(col(LedgerAccount.id)).where(
            col(LedgerAccount.code) == account_code(fund, account_type)
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"account {account_code(fund, account_type)} does not exist")
    return int(found)


def _claims(
    session: Session, *, as_at: date, known_at: datetime | None
) -> dict[MovementKind, dict[str, int]]:
    """Per movement kind and other fund, the sum of the reserve's due-from postings of
    those movements (what they added to, or took off, the claims on other funds)."""
    due_from = _account_id(session, RESERVE_FUND, AccountType.DUE_FROM_OTHER_FUNDS)
    p, m = LedgerPosting, ReserveMovement
    total = cast(func.coalesce(func.sum(col(p.amount_minor)), 0), BigInteger)
    query = (
        select(col(m.kind), col(m.fund_code), total)
        .join(m, col(m.entry_seq) == col(p.entry_seq))
        .where(col(p.account_id) == due_from, col(p.value_on) <= as_at)
        .where(col(p.recorded_at) <= known_at if known_at is not None else literal(True))
        .group_by(col(m.kind), col(m.fund_code))
    )
    result: dict[MovementKind, dict[str, int]] = {}
    for kind, fund, amount in session.execute(query).all():
        result.setdefault(MovementKind(kind), {})[str(fund)] = int(amount)
    return result


def _net(*parts: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in parts:
        for fund, amount in part.items():
            out[fund] = out.get(fund, 0) + amount
    return {fund: amount for fund, amount in sorted(out.items()) if amount}


def _balance(
    session: Session, account_type: AccountType, as_at: date, known_at: datetime | None
) -> int:
    rows = balances(
        session,
        as_at=as_at,
        by=[],
        known_at=known_at,
        fund=RESERVE_FUND,
        account_type=account_type.value,
        include_zero=True,
    )
    return sum(b.amount_minor for b in rows)


def position(session: Session, *, as_at: date, known_at: datetime | None = None) -> Position:
    """The reserve as at ``(as_at, known_at)``: balance, cash, advances and claims from
    the ledger; target and planned spending from the rule and budgets in force on
    ``as_at`` for the year of ``as_at``."""
    claims = _claims(session, as_at=as_at, known_at=known_at)
    rule = rule_on(session, as_at)
    basis = (
        annual_budget(session, year=as_at.year, as_at=as_at, funds=funds_of(rule))
        if rule is not None
        else None
    )
    return Position(
        as_at=as_at,
        known_at=known_at,
        balance_minor=-_balance(session, AccountType.RESERVE, as_at, known_at),
        cash_minor=_balance(session, AccountType.BANK, as_at, known_at),
        advanced=_net(
            claims.get(MovementKind.DRAW_DOWN, {}), claims.get(MovementKind.REPLENISHMENT, {})
        ),
        receivable=_net(
            claims.get(MovementKind.TRANSFER_IN, {}), claims.get(MovementKind.SETTLEMENT, {})
        ),
        rule=rule,
        budget_year=basis[0] if basis else None,
        annual_budget_minor=basis[1] if basis else None,
    )


def _amounts(values: dict[str, int]) -> dict[str, str]:
    return {k: format_minor(v) for k, v in values.items()}


def _maybe(amount: int | Fraction | None) -> str | None:
    if amount is None:
        return None
    if isinstance(amount, Fraction):
        amount = _round_half_up(amount)
    return format_minor(amount)


def position_out(p: Position) -> ReservePositionOut:
    return ReservePositionOut(
        as_at=p.as_at,
        known_at=p.known_at,
        balance=format_minor(p.balance_minor),
        cash=format_minor(p.cash_minor),
        advanced=_amounts(p.advanced),
        receivable=_amounts(p.receivable),
        available=format_minor(p.available_minor),
        rule=rule_out(p.rule) if p.rule is not None else None,
        budget_year=p.budget_year,
        annual_budget=_maybe(p.annual_budget_minor),
        monthly_spending=_maybe(p.monthly_spending),
        target=_maybe(p.target_minor),
        gap=_maybe(p.gap_minor),
        months_covered=format_months(p.months_covered),
    )


# --- movements ------------------------------------------------------------------------


def _lock_reserve(session: Session) -> Fund:
    """The reserve's fund row, locked until commit (two draw-downs never both pass the
    check; SQLite write transactions already hold the database's write lock)."""
    fund: Fund | None = session.execute(
        select(Fund).where(col(Fund.code) == RESERVE_FUND).with_for_update()
    ).scalar_one_or_none()
    if fund is None:
        raise NotFound(f"the reserve fund {RESERVE_FUND} does not exist")
    return fund


def _other_fund(session: Session, code: str | None) -> str:
    fund = session.get(Fund, (code or "SEC").strip().upper())
    if fund is None:
        raise ValidationFailed(f"unknown fund {code!r}", fields={"fund": "unknown fund"})
    if fund.kind != FundKind.ASSESSED:
        raise ValidationFailed(
            f"fund {fund.code} is not an assessed fund: the reserve moves to and from the "
            "assessed funds",
            fields={"fund": "an assessed fund (e.g. SEC)"},
        )
    return fund.code


def postings_of(
    kind: MovementKind, fund: str | None, amount: int, state: str | None
) -> list[PostingSpec]:
    """The postings of a movement of ``amount`` cents (see the module docstring)."""
    wcf = RESERVE_FUND

    def acc(f: str, t: AccountType) -> str:
        return account_code(f, t)

    if kind is MovementKind.CONTRIBUTION:
        return [
            PostingSpec(acc(wcf, AccountType.BANK), amount, state),
            PostingSpec(acc(wcf, AccountType.RESERVE), -amount, state),
        ]
    assert fund is not None
    if kind is MovementKind.TRANSFER_IN:
        return [
            PostingSpec(acc(fund, AccountType.ACCUMULATED_SURPLUS), amount),
            PostingSpec(acc(fund, AccountType.DUE_TO_OTHER_FUNDS), -amount),
            PostingSpec(acc(wcf, AccountType.DUE_FROM_OTHER_FUNDS), amount),
            PostingSpec(acc(wcf, AccountType.RESERVE), -amount),
        ]
    if kind is MovementKind.DRAW_DOWN:
        return [
            PostingSpec(acc(wcf, AccountType.DUE_FROM_OTHER_FUNDS), amount),
            PostingSpec(acc(wcf, AccountType.BANK), -amount),
            PostingSpec(acc(fund, AccountType.BANK), amount),
            PostingSpec(acc(fund, AccountType.DUE_TO_OTHER_FUNDS), -amount),
        ]
    # settlement and replenishment: the other fund pays cash it owes the reserve
    return [
        PostingSpec(acc(fund, AccountType.DUE_TO_OTHER_FUNDS), amount),
        PostingSpec(acc(fund, AccountType.BANK), -amount),
        PostingSpec(acc(wcf, AccountType.BANK), amount),
        PostingSpec(acc(wcf, AccountType.DUE_FROM_OTHER_FUNDS), -amount),
    ]


_DESCRIPTIONS = {
    MovementKind.CONTRIBUTION: "Voluntary contribution to the reserve from {who}",
    MovementKind.TRANSFER_IN: "Surplus of fund {fund} transferred to the reserve",
    MovementKind.SETTLEMENT: "Cash of the surplus transfer paid by fund {fund} to the reserve",
    MovementKind.DRAW_DOWN: "Reserve drawn down to cover a liquidity gap of fund {fund}",
    MovementKind.REPLENISHMENT: "Reserve replenished by fund {fund}",
}


def _post(
    session: Session,
    *,
    actor: Actor,
    kind: MovementKind,
    value_on: date,
    amount: int,
    fund: str | None,
    reference: str,
    state: str | None = None,
    donor: str | None = None,
    note: str | None = None,
    recorded_at: datetime | None = None,
) -> ReserveMovement:
    who = state or donor or "a donor"
    entry = post_entry(
        session,
        actor=actor,
        value_on=value_on,
        entry_type=ENTRY_TYPES[kind],
        description=_DESCRIPTIONS[kind].format(who=who, fund=fund),
        source_ref=reference,
        postings=postings_of(kind, fund, amount, state),
        recorded_at=recorded_at,
    )
    movement = ReserveMovement(
        kind=kind,
        value_on=value_on,
        amount_minor=amount,
        fund_code=fund,
        state_code=state,
        donor=donor,
        reference=reference,
        note=note,
        entry_seq=entry.seq,
        recorded_by=actor.name,
    )
    audit.store(
        session,
        movement,
        actor=actor,
        action=f"reserve.{kind.value}",
        object_type="reserve_movement",
        recorded_at=recorded_at,
        detail={
            "amount_minor": amount,
            "fund": fund,
            "state": state,
            "reference": reference,
            "entry": entry.seq,
        },
    )
    return movement


def record_movement(
    session: Session, *, actor: Actor, data: MovementIn, recorded_at: datetime | None = None
) -> ReserveMovement:
    """Record a contribution, draw-down, replenishment or settlement (see the module
    docstring); a draw-down beyond what is available, a replenishment beyond what the
    fund drew, or a settlement beyond what it owes or beyond the cash it holds, is
    refused."""
    fields: dict[str, str] = {}
    amount = parse_minor(data.amount)
    if amount <= 0:
        fields["amount"] = "must be positive"
    if data.value_on > utctoday():
        fields["value_on"] = "may not be in the future"
    if not data.reference.strip():
        fields["reference"] = "required"
    ValidationFailed.raise_if(fields)
    reference = data.reference.strip()
    note = data.note.strip() if data.note and data.note.strip() else None
    if data.kind is MovementKind.TRANSFER_IN:
        raise RuleViolation(
            "a transfer of a surplus into the reserve is recorded with the CSP's surplus "
            "decision (POST /year-end/{fund}/{year}/surplus-decision)"
        )
    _lock_reserve(session)
    if data.kind is MovementKind.CONTRIBUTION:
        return _contribution(session, actor, data, amount, reference, note, recorded_at)
    fund = _other_fund(session, data.fund)
    at_date = position(session, as_at=data.value_on)
    latest = position(session, as_at=END_OF_TIME)
    if data.kind is MovementKind.DRAW_DOWN:
        available = min(at_date.available_minor, latest.available_minor)
        if amount > available:
            raise RuleViolation(
                f"the reserve has {format_minor(available)} USD available on {data.value_on}: "
                f"a draw-down of {format_minor(amount)} USD is beyond its balance",
                fields={"amount": f"at most {format_minor(available)}"},
            )
    else:
        owed_of = "advanced" if data.kind is MovementKind.REPLENISHMENT else "receivable"
        owed = min(getattr(at_date, owed_of).get(fund, 0), getattr(latest, owed_of).get(fund, 0))
        what = (
            "drew from the reserve and has not paid back"
            if data.kind is MovementKind.REPLENISHMENT
            else "owes the reserve for surplus transfers"
        )
        if amount > owed:
            raise RuleViolation(
                f"fund {fund} {what} {format_minor(owed)} USD on {data.value_on}, "
                f"not {format_minor(amount)}",
                fields={"amount": f"at most {format_minor(owed)}"},
            )
        cash = fund_cash(session, fund, data.value_on)
        if amount > cash:
            raise RuleViolation(
                f"fund {fund} holds {format_minor(cash)} USD it can pay out on "
                f"{data.value_on} (its lowest bank balance from that day on): "
                f"it cannot pay {format_minor(amount)} to the reserve",
                fields={"amount": f"at most {format_minor(cash)}"},
            )
    return _post(
        session,
        actor=actor,
        kind=data.kind,
        value_on=data.value_on,
        amount=amount,
        fund=fund,
        reference=reference,
        note=note,
        recorded_at=recorded_at,
    )


def _contribution(
    session: Session,
    actor: Actor,
    data: MovementIn,
    amount: int,
    reference: str,
    note: str | None,
    recorded_at: datetime | None,
) -> ReserveMovement:
    state = data.state_code.strip().upper() if data.state_code else None
    donor = data.donor.strip() if data.donor and data.donor.strip() else None
    if (state is None) == (donor is None):
        raise ValidationFailed(
            "a contribution names the State (state_code) or the donor (donor) that gave it",
            fields={"state_code": "a State, or a donor, not both"},
        )
    if state is not None and session.get(State, state) is None:
        raise ValidationFailed(f"unknown State {state!r}", fields={"state_code": "unknown"})
    if data.fund and data.fund.strip().upper() != RESERVE_FUND:
        raise ValidationFailed(
            f"a contribution to the reserve goes to fund {RESERVE_FUND}",
            fields={"fund": f"{RESERVE_FUND} or nothing"},
        )
    return _post(
        session,
        actor=actor,
        kind=MovementKind.CONTRIBUTION,
        value_on=data.value_on,
        amount=amount,
        fund=None,
        reference=reference,
        state=state,
        donor=donor,
        note=note,
        recorded_at=recorded_at,
    )


def fund_cash(session: Session, fund: str, as_at: date) -> int:
    """The cash (US cents) ``fund`` can pay out on ``as_at``: its bank balance then, or
    less if payments already recorded with later value dates need some of it (the
    lowest bank balance from ``as_at`` on), never below zero."""
    bank = account_code(fund, AccountType.BANK)
    running = sum(
        b.amount_minor
        for b in balances(
            session, as_at=as_at, by=[], fund=fund, account_type=AccountType.BANK.value
        )
    )
    lowest = running
    later = session.execute(
        select(
            col(LedgerPosting.value_on), cast(func.sum(col(LedgerPosting.amount_minor)), BigInteger)
        )
        .join(LedgerAccount, col(LedgerAccount.id) == col(LedgerPosting.account_id))
        .where(col(LedgerAccount.code) == bank, col(LedgerPosting.value_on) > as_at)
        .group_by(col(LedgerPosting.value_on))
        .order_by(col(LedgerPosting.value_on))
    ).all()
    for _day, amount in later:
        running += int(amount)
        lowest = min(lowest, running)
    return max(0, lowest)


def transfer_from_surplus(
    session: Session,
    *,
    actor: Actor,
    fund: str,
    amount_minor: int,
    value_on: date,
    reference: str,
    recorded_at: datetime | None = None,
) -> tuple[ReserveMovement, ReserveMovement | None]:
    """Put ``amount_minor`` of ``fund``'s accumulated surplus in the reserve: the claim
    (``transfer_in``), then the cash the fund holds on ``value_on`` up to that amount
    (``settlement``; None when it holds none). Cash the fund does not hold yet stays owed
    to the reserve until a later settlement."""
    if amount_minor <= 0:
        raise ValidationFailed("a transfer is positive", fields={"amount": "must be positive"})
    _lock_reserve(session)
    claim = _post(
        session,
        actor=actor,
        kind=MovementKind.TRANSFER_IN,
        value_on=value_on,
        amount=amount_minor,
        fund=fund,
        reference=reference,
        recorded_at=recorded_at,
    )
    cash = min(amount_minor, max(0, fund_cash(session, fund, value_on)))
    settled = None
    if cash > 0:
        settled = _post(
            session,
            actor=actor,
            kind=MovementKind.SETTLEMENT,
            value_on=value_on,
            amount=cash,
            fund=fund,
            reference=reference,
            recorded_at=recorded_at,
        )
    return claim, settled


def list_movements(
    session: Session,
    *,
    kind: MovementKind | None = None,
    fund: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ReserveMovement], int]:
    """Movements, newest first, and how many there are."""
    query = select(ReserveMovement)
    if kind is not None:
        query = query.where(col(ReserveMovement.kind) == kind.value)
    if fund:
        query = query.where(col(ReserveMovement.fund_code) == fund.upper())
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(
        query.order_by(col(ReserveMovement.value_on).desc(), col(ReserveMovement.id).desc())
        .limit(limit)
        .offset(offset)
    ).scalars()
    return list(rows), int(total)


def get_movement(session: Session, movement_id: int) -> ReserveMovement:
    """One movement of the reserve, or NotFound."""
    movement = session.get(ReserveMovement, movement_id)
    if movement is None:
        raise NotFound(f"reserve movement {movement_id} does not exist")
    return movement


def movement_out(m: ReserveMovement) -> MovementOut:
    return MovementOut(
        id=m.id or 0,
        kind=m.kind,
        value_on=m.value_on,
        amount=format_minor(m.amount_minor),
        fund=m.fund_code,
        state_code=m.state_code,
        donor=m.donor,
        reference=m.reference,
        note=m.note,
        entry_seq=m.entry_seq,
        recorded_at=m.recorded_at,
        recorded_by=m.recorded_by,
    )
