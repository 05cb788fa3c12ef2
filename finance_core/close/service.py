"""The year-end close of a fund and the CSP's decision on its surplus.

**Close (maker-checker).** A finance officer proposes the close of a fund-year: its
figures (``surplus.py``) are computed as at 31 December and frozen on the proposal. A
*different* finance officer approves it: the figures are computed again (a change since
the proposal is refused: propose again), the closing entry posts and the period closes
(``ledger.service.close_period``), so that no posting dated in that year is accepted for
the fund, ever (there is no reopening). Years close in order.

The closing entry (``close.year_end``, dated 31 December of the year) moves the balances
of the fund's income and expense accounts that the year's figures count into the fund's
accumulated surplus (US cents, debit +): each of assessed / voluntary / other revenue,
exchange gain/loss, write-off and expenditure gets minus its balance, and
``accumulated_surplus`` gets minus the surplus. Its postings carry no dimension, so
balances by State, assessment year or budget line keep their detail; a reader of income
and expense balances for a closed year leaves entries of type ``close.year_end`` out.

**Surplus decision.** Recorded once per approved close, dated in an open period (after
the year). The part to the States posts as ``surplus.credit``: F.accumulated_surplus +T
and each State's credit (the allocation policy's credit fund C, ``state_credit``, State
dimension) −a; when F is not C, through F.due_to_other_funds −T and
C.due_from_other_funds +T. The part to the reserve is a reserve transfer (see
``reserve.service``). What is left stays in F's accumulated surplus.

**Simulation.** ``simulate`` applies each option (everything to the States pro rata,
everything to the States that paid in full, everything to the reserve, and any split
asked for) and stores nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from sqlalchemy import BigInteger, cast, func, literal, or_, select
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.arrears.service import cells, state_names
from finance_core.audit import service as audit
from finance_core.close import surplus as pure
from finance_core.close.models import (
    CloseStatus,
    DecisionOption,
    SurplusCredit,
    SurplusDecision,
    YearClose,
)
from finance_core.close.schemas import (
    CloseOut,
    FiguresOut,
    OutcomeOut,
    PartIn,
    SimulationOut,
    StateCreditOut,
    StateEffectOut,
    SurplusDecisionIn,
    SurplusDecisionOut,
    SurplusOut,
)
from finance_core.db_types import utcnow, utctoday
from finance_core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    RuleViolation,
    ValidationFailed,
)
from finance_core.funds.models import Fund
from finance_core.funds.service import account_code
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.ledger.models import (
    AccountType,
    ClosedPeriod,
    JournalEntry,
    LedgerAccount,
    LedgerPosting,
)
from finance_core.ledger.service import PostingSpec, close_period, post_entry
from finance_core.money import format_minor, parse_minor
from finance_core.payments.service import policy_on
from finance_core.reserve import service as reserve
from finance_core.reserve.service import format_months, months_covered

CLOSING_ENTRY_TYPE = "close.year_end"
SURPLUS_CREDIT_ENTRY_TYPE = "surplus.credit"

#: The income and expense accounts a close moves into the accumulated surplus.
INCOME_AND_EXPENSE = tuple(AccountType(t) for t in pure.ACCOUNT_FIGURES)


def year_end(year: int) -> date:
    """31 December of ``year``: the date of the figures and of the closing entry."""
    return date(year, 12, 31)


# --- figures ----------------------------------------------------------------------------


def _open_balances(
    session: Session, *, fund: str, year: int, known_at: datetime | None
) -> dict[str, int]:
    """Per income and expense account type of ``fund``, the balance (debit +) as at 31
    December ``year`` known at ``known_at``, leaving out later assessment years. Earlier
    closing entries are included, so what earlier closes moved out is not counted."""
    p, a = LedgerPosting, LedgerAccount
    total = cast(func.coalesce(func.sum(col(p.amount_minor)), 0), BigInteger)
    query = (
        select(col(a.account_type), total)
        .join(a, col(a.id) == col(p.account_id))
        .where(
            col(p.fund_code) == fund,
            col(a.account_type).in_([t.value for t in INCOME_AND_EXPENSE]),
            col(p.value_on) <= year_end(year),
            or_(col(p.assessment_year).is_(None), col(p.assessment_year) <= year),
        )
        .where(col(p.recorded_at) <= known_at if known_at is not None else literal(True))
        .group_by(col(a.account_type))
    )
    return {str(t): int(v) for t, v in session.execute(query).all()}


def _cash_spent(session: Session, *, fund: str, year: int, known_at: datetime | None) -> int:
    """Expenditure of ``fund`` dated in ``year`` (closing entries left out), US cents."""
    p, a, e = LedgerPosting, LedgerAccount, JournalEntry
    total = cast(func.coalesce(func.sum(col(p.amount_minor)), 0), BigInteger)
    query = (
        select(total)
        .join(a, col(a.id) == col(p.account_id))
        .join(e, col(e.seq) == col(p.entry_seq))
        .where(
            col(p.fund_code) == fund,
            col(a.account_type) == AccountType.EXPENDITURE.value,
            col(p.value_on) >= date(year, 1, 1),
            col(p.value_on) <= year_end(year),
            col(e.entry_type) != CLOSING_ENTRY_TYPE,
        )
        .where(col(p.recorded_at) <= known_at if known_at is not None else literal(True))
    )
    return int(session.execute(query).scalar_one())


def figures(
    session: Session, *, fund: str, year: int, known_at: datetime | None = None
) -> pure.Figures:
    """The fund-year's figures from the ledger as known at ``known_at`` (before its
    close: once the year is closed, read the frozen figures of its close)."""
    collected = sum(
        c.paid + c.credited
        for c in cells(session, as_at=year_end(year), known_at=known_at, funds=[fund])
        if c.year == year
    )
    return pure.figures_of(
        _open_balances(session, fund=fund, year=year, known_at=known_at),
        cash_collected=collected,
        cash_spent=_cash_spent(session, fund=fund, year=year, known_at=known_at),
    )


def frozen(close: YearClose) -> pure.Figures:
    """The figures frozen on a close."""
    return pure.Figures(
        assessed_revenue=close.assessed_revenue_minor,
        voluntary_revenue=close.voluntary_revenue_minor,
        other_revenue=close.other_revenue_minor,
        exchange_gain_loss=close.exchange_gain_loss_minor,
        write_off=close.write_off_minor,
        expenditure=close.expenditure_minor,
        cash_collected=close.cash_collected_minor,
        cash_spent=close.cash_spent_minor,
    )


# --- proposing and approving ------------------------------------------------------------


def _fund(session: Session, code: str) -> Fund:
    fund = session.get(Fund, code.strip().upper())
    if fund is None:
        raise NotFound(f"fund {code} does not exist")
    return fund


def current_close(session: Session, *, fund: str, year: int) -> YearClose | None:
    """The fund-year's close that is proposed or approved (None if there is none)."""
    found: YearClose | None = session.execute(
        select(YearClose).where(
            col(YearClose.fund_code) == fund,
            col(YearClose.year) == year,
            col(YearClose.status) != CloseStatus.SUPERSEDED.value,
        )
    ).scalar_one_or_none()
    return found


def _unclosed_earlier_years(session: Session, fund: str, year: int) -> list[int]:
    first = session.execute(
        select(func.min(col(LedgerPosting.value_on))).where(col(LedgerPosting.fund_code) == fund)
    ).scalar_one_or_none()
    if first is None:
        return []
    first_year = first.year if isinstance(first, date) else date.fromisoformat(str(first)).year
    closed = set(
        session.execute(
            select(col(ClosedPeriod.year)).where(col(ClosedPeriod.fund_code) == fund)
        ).scalars()
    )
    return [y for y in range(first_year, year) if y not in closed]


def propose_close(
    session: Session,
    *,
    actor: Actor,
    fund: str,
    year: int,
    note: str | None = None,
    recorded_at: datetime | None = None,
) -> YearClose:
    """Propose the close of ``fund``'s ``year`` and freeze its figures (a pending
    proposal of the same fund-year is superseded). ``recorded_at`` defaults to now; only
    the demo loader back-dates it."""
    code = _fund(session, fund).code
    now = recorded_at or utcnow()
    if session.get(ClosedPeriod, (code, year)) is not None:
        raise Conflict(f"{year} is already closed for fund {code}; a closed year is never reopened")
    if year_end(year) >= now.date():
        raise RuleViolation(f"{year} is not over: a year closes after 31 December")
    earlier = _unclosed_earlier_years(session, code, year)
    if earlier:
        raise RuleViolation(
            f"years close in order: close {earlier[0]} of fund {code} first",
            fields={"year": f"close {', '.join(str(y) for y in earlier)} first"},
        )
    pending = current_close(session, fund=code, year=year)
    if pending is not None:
        if pending.status == CloseStatus.APPROVED:
            raise Conflict(f"{year} is already closed for fund {code}")
        pending.status = CloseStatus.SUPERSEDED
        session.add(pending)
        session.flush()
    f = figures(session, fund=code, year=year)  # everything recorded so far
    close = YearClose(
        fund_code=code,
        year=year,
        status=CloseStatus.PROPOSED,
        assessed_revenue_minor=f.assessed_revenue,
        voluntary_revenue_minor=f.voluntary_revenue,
        other_revenue_minor=f.other_revenue,
        exchange_gain_loss_minor=f.exchange_gain_loss,
        write_off_minor=f.write_off,
        expenditure_minor=f.expenditure,
        surplus_minor=f.surplus,
        cash_collected_minor=f.cash_collected,
        cash_spent_minor=f.cash_spent,
        cash_surplus_minor=f.cash_surplus,
        note=note.strip() if note and note.strip() else None,
        proposed_by=actor.name,
        proposed_at=now,
    )
    session.add(close)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="close.propose",
        object_type="fund_year",
        object_id=f"{code}/{year}",
        occurred_at=recorded_at,
        detail={"close": close.id, "surplus_minor": f.surplus, "superseded": pending is not None},
    )
    return close


def get_close(session: Session, close_id: int) -> YearClose:
    close = session.get(YearClose, close_id)
    if close is None:
        raise NotFound(f"close {close_id} does not exist")
    return close


def closing_postings(session: Session, *, fund: str, year: int) -> list[PostingSpec]:
    """The closing entry's postings (see the module docstring); empty when there is
    nothing to move."""
    open_balances = _open_balances(session, fund=fund, year=year, known_at=None)
    postings = [
        PostingSpec(account_code(fund, t), -open_balances[t.value])
        for t in INCOME_AND_EXPENSE
        if open_balances.get(t.value)
    ]
    moved = sum(p.amount_minor for p in postings)
    if moved:
        postings.append(PostingSpec(account_code(fund, AccountType.ACCUMULATED_SURPLUS), -moved))
    return postings if len(postings) >= 2 else []


def approve_close(
    session: Session,
    *,
    actor: Actor,
    close_id: int,
    reference: str,
    recorded_at: datetime | None = None,
) -> YearClose:
    """Approve a proposed close as a second finance officer: post the closing entry
    dated 31 December and close the period. The proposer may not approve (maker-checker);
    a close whose figures changed since the proposal is refused."""
    close: YearClose | None = session.execute(
        select(YearClose).where(col(YearClose.id) == close_id).with_for_update()
    ).scalar_one_or_none()
    if close is None:
        raise NotFound(f"close {close_id} does not exist")
    if close.status != CloseStatus.PROPOSED:
        raise Conflict(f"close {close_id} is {close.status}, not awaiting approval")
    if actor.name == close.proposed_by:
        raise PermissionDenied(
            f"{actor.name} proposed close {close_id}: a second finance officer must approve it"
        )
    if not reference.strip():
        raise ValidationFailed("the approval needs a reference", fields={"reference": "required"})
    if session.get(ClosedPeriod, (close.fund_code, close.year)) is not None:
        raise Conflict(f"{close.year} is already closed for fund {close.fund_code}")
    now = figures(session, fund=close.fund_code, year=close.year)
    if now != frozen(close):
        raise Conflict(
            f"the ledger of fund {close.fund_code} for {close.year} changed since close "
            f"{close_id} was proposed (surplus {format_minor(close.surplus_minor)} then, "
            f"{format_minor(now.surplus)} now): propose the close again",
        )
    postings = closing_postings(session, fund=close.fund_code, year=close.year)
    if postings:
        entry = post_entry(
            session,
            actor=actor,
            value_on=year_end(close.year),
            entry_type=CLOSING_ENTRY_TYPE,
            description=f"Year-end close of fund {close.fund_code} for {close.year}: income "
            "and expenditure moved to the accumulated surplus",
            source_ref=reference.strip(),
            postings=postings,
            recorded_at=recorded_at,
        )
        close.closing_entry_seq = entry.seq
    close_period(
        session,
        actor=actor,
        fund_code=close.fund_code,
        year=close.year,
        reference=reference.strip(),
    )
    close.status = CloseStatus.APPROVED
    close.approved_by = actor.name
    close.approved_at = recorded_at or utcnow()
    close.reference = reference.strip()
    session.add(close)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="close.approve",
        object_type="fund_year",
        object_id=f"{close.fund_code}/{close.year}",
        occurred_at=recorded_at,
        detail={"close": close.id, "entry": close.closing_entry_seq, "reference": reference},
    )
    return close


def list_closes(
    session: Session, *, fund: str | None = None, year: int | None = None
) -> list[YearClose]:
    """Closes (superseded proposals included), by fund and year, latest first."""
    query = select(YearClose)
    if fund:
        query = query.where(col(YearClose.fund_code) == fund.upper())
    if year:
        query = query.where(col(YearClose.year) == year)
    return list(
        session.execute(
            query.order_by(
                col(YearClose.year).desc(), col(YearClose.fund_code), col(YearClose.id).desc()
            )
        ).scalars()
    )


# --- the surplus, the States, the options ------------------------------------------------


def surplus_of(
    session: Session, *, fund: str, year: int, known_at: datetime | None = None
) -> tuple[pure.Figures, str, YearClose | None]:
    """The figures a decision or simulation uses, where they come from, and the close:
    the approved close's, else the proposed close's, else the ledger's."""
    close = current_close(session, fund=fund, year=year)
    if close is not None:
        return frozen(close), f"{close.status} close {close.id}", close
    return figures(session, fund=fund, year=year, known_at=known_at), "ledger", None


def state_years(
    session: Session, *, fund: str, year: int, as_at: date, known_at: datetime | None = None
) -> tuple[list[pure.StateYear], dict[str, int]]:
    """Each State's assessment for ``year`` in ``fund`` and what was outstanding on it
    as at ``as_at``; and each State's assessment for the year after, where recorded."""
    found = cells(session, as_at=as_at, known_at=known_at, funds=[fund])
    years = [
        pure.StateYear(c.state, c.assessed, c.outstanding)
        for c in sorted(found, key=lambda c: c.state)
        if c.year == year and c.assessed > 0
    ]
    following = {c.state: c.assessed for c in found if c.year == year + 1 and c.assessed > 0}
    return years, following


@dataclass(frozen=True, slots=True)
class StateEffect:
    """A State under one option, US cents (positive balances are owed by the State)."""

    code: str
    name: str
    assessed_minor: int
    paid_in_full: bool
    credit_minor: int
    owed_minor: int
    credit_held_minor: int
    next_year_assessed_minor: int | None

    @property
    def balance_after_minor(self) -> int:
        """What it owes less its credit, the new credit included (negative: a credit)."""
        return self.owed_minor - self.credit_held_minor - self.credit_minor

    @property
    def next_year_to_pay_minor(self) -> int | None:
        """Its next-year assessment less the credit (negative: credit left over)."""
        if self.next_year_assessed_minor is None:
            return None
        return self.next_year_assessed_minor - self.credit_minor


@dataclass(frozen=True, slots=True)
class Outcome:
    """One option applied to the surplus (US cents): what the States and the reserve
    would get, each State's position and the reserve after. ``feasible`` is False when
    the option cannot apply (a deficit, or no State qualifying), ``note`` says why."""

    name: str
    option: pure.Option
    surplus_minor: int
    to_states_minor: int
    to_reserve_minor: int
    retained_minor: int
    state_credits: dict[str, int]
    states: tuple[StateEffect, ...]
    reserve_balance_after_minor: int
    months_covered_after: Fraction | None
    feasible: bool = True
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Simulation:
    """The outcomes of every option for a fund-year as at ``(as_at, known_at)``."""

    fund: str
    year: int
    as_at: date
    known_at: datetime | None
    surplus_minor: int
    surplus_source: str
    reserve: reserve.Position
    outcomes: list[Outcome]


def _by_state(
    session: Session, account_type: AccountType, as_at: date, known_at: datetime | None
) -> dict[str, int]:
    return {
        str(b.state): b.amount_minor
        for b in balances(
            session,
            as_at=as_at,
            by=[BalanceDim.STATE],
            known_at=known_at,
            account_type=account_type.value,
        )
        if b.state is not None
    }


def simulation(
    session: Session,
    *,
    fund: str,
    year: int,
    as_at: date,
    known_at: datetime | None = None,
    options: Sequence[pure.Option] = (),
) -> Simulation:
    """Each standard option, then ``options``, applied to the fund-year's surplus with
    the States' payments as at ``(as_at, known_at)``. Stores nothing."""
    code = _fund(session, fund).code
    f, source, _close = surplus_of(session, fund=code, year=year, known_at=known_at)
    years, following = state_years(session, fund=code, year=year, as_at=as_at, known_at=known_at)
    names = state_names(session)
    owed = _by_state(session, AccountType.RECEIVABLE, as_at, known_at)
    held = {k: -v for k, v in _by_state(session, AccountType.STATE_CREDIT, as_at, known_at).items()}
    position = reserve.position(session, as_at=as_at, known_at=known_at)
    assessed = {s.code: s for s in years}
    codes = sorted(set(assessed) | set(following))
    outcomes = []
    for option in [*pure.standard_options(), *options]:
        note = None
        try:
            result = pure.split(f.surplus, option, years)
        except pure.SurplusError as exc:
            note = str(exc)
            result = pure.Split(option, f.surplus, 0, 0, max(f.surplus, 0))
        states = tuple(
            StateEffect(
                code=c,
                name=names.get(c, c),
                assessed_minor=assessed[c].assessed_minor if c in assessed else 0,
                paid_in_full=assessed[c].paid_in_full if c in assessed else False,
                credit_minor=result.state_credits.get(c, 0),
                owed_minor=owed.get(c, 0),
                credit_held_minor=held.get(c, 0),
                next_year_assessed_minor=following.get(c),
            )
            for c in codes
        )
        after = position.balance_minor + result.to_reserve_minor
        outcomes.append(
            Outcome(
                name=option.name,
                option=option,
                surplus_minor=f.surplus,
                to_states_minor=result.to_states_minor,
                to_reserve_minor=result.to_reserve_minor,
                retained_minor=result.retained_minor,
                state_credits=result.state_credits,
                states=states,
                reserve_balance_after_minor=after,
                months_covered_after=months_covered(after, position.monthly_spending),
                feasible=note is None,
                note=note,
            )
        )
    return Simulation(code, year, as_at, known_at, f.surplus, source, position, outcomes)


def simulate(
    session: Session,
    *,
    fund: str,
    year: int,
    as_at: date,
    known_at: datetime | None = None,
    options: Sequence[pure.Option] = (),
) -> list[Outcome]:
    """The outcomes of ``simulation``: for each option its ``name``, ``state_credits``
    (US cents per State code) and ``to_reserve_minor``, among the rest. Stores nothing."""
    return simulation(
        session, fund=fund, year=year, as_at=as_at, known_at=known_at, options=options
    ).outcomes


# --- recording the decision ------------------------------------------------------------


def _percent(text: str, field: str) -> Fraction:
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise ValidationFailed(
            f"{text!r} is not a percentage", fields={field: "not a number"}
        ) from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise ValidationFailed(
            f"{field} must be between 0 and 100", fields={field: "between 0 and 100"}
        )
    return Fraction(value)


def part_of(data: PartIn | None, field: str) -> pure.Part | None:
    """A part as given (a percentage or an amount in US dollars), or None."""
    if data is None:
        return None
    if (data.percent is None) == (data.amount is None):
        raise ValidationFailed(
            f"{field} is a percentage or an amount, one of them",
            fields={field: "give percent or amount"},
        )
    if data.percent is not None:
        return pure.Part(percent=_percent(data.percent, f"{field}.percent"))
    assert data.amount is not None
    amount = parse_minor(data.amount, field=f"{field}.amount")
    if amount < 0:
        raise ValidationFailed(
            f"{field}.amount may not be negative", fields={f"{field}.amount": "not negative"}
        )
    return pure.Part(amount_minor=amount)


def option_of(data: SurplusDecisionIn) -> pure.Option:
    """The decision as an option of the pure calculation."""
    if data.option is DecisionOption.SPLIT:
        try:
            return pure.option_for_split(
                "split",
                part_of(data.to_states, "to_states"),
                part_of(data.to_reserve, "to_reserve"),
                data.credit_rule,
            )
        except pure.SurplusError as exc:
            raise ValidationFailed(str(exc), fields={"to_states": str(exc)}) from None
    if data.to_states is not None or data.to_reserve is not None:
        raise ValidationFailed(
            f"option {data.option} takes no parts: use option split",
            fields={"option": "split, to name parts"},
        )
    if data.option is DecisionOption.CREDIT_STATES:
        return pure.Option("credit_states", to_states=pure.ALL, credit_rule=data.credit_rule)
    return pure.Option("to_reserve", to_reserve=pure.ALL)


def record_decision(
    session: Session,
    *,
    actor: Actor,
    fund: str,
    year: int,
    data: SurplusDecisionIn,
    recorded_at: datetime | None = None,
) -> SurplusDecision:
    """Record the CSP's decision on the surplus of the approved close of ``fund``'s
    ``year`` and post it on ``decided_on`` (see the module docstring)."""
    code = _fund(session, fund).code
    close = current_close(session, fund=code, year=year)
    if close is None or close.status != CloseStatus.APPROVED:
        raise RuleViolation(
            f"{year} of fund {code} is not closed: the surplus is decided on after the close"
        )
    existing = session.execute(
        select(col(SurplusDecision.id)).where(col(SurplusDecision.close_id) == close.id)
    ).scalar_one_or_none()
    if existing is not None:
        raise Conflict(f"the surplus of {year} of fund {code} was decided on (decision {existing})")
    today = recorded_at.date() if recorded_at else utctoday()
    fields: dict[str, str] = {}
    if data.decided_on <= year_end(year):
        fields["decided_on"] = f"after 31 December {year}"
    elif data.decided_on > today:
        fields["decided_on"] = "may not be in the future"
    if not data.reference.strip():
        fields["reference"] = "required"
    ValidationFailed.raise_if(fields)
    if close.surplus_minor <= 0:
        raise RuleViolation(
            f"{year} of fund {code} closed with a deficit of "
            f"{format_minor(-close.surplus_minor)} USD: there is no surplus to decide on"
        )
    option = option_of(data)
    years, _following = state_years(session, fund=code, year=year, as_at=data.decided_on)
    try:
        result = pure.split(close.surplus_minor, option, years)
    except pure.SurplusError as exc:
        if exc.field == "credit_rule":
            raise RuleViolation(str(exc), fields={exc.field: str(exc)}) from None
        raise ValidationFailed(str(exc), fields={exc.field: str(exc)}) from None
    reference = data.reference.strip()
    decision = SurplusDecision(
        close_id=close.id or 0,
        fund_code=code,
        year=year,
        decided_on=data.decided_on,
        reference=reference,
        option=data.option,
        credit_rule=option.credit_rule.value if result.to_states_minor else None,
        states_percent=_asked_percent(option.to_states),
        states_amount_minor=option.to_states.amount_minor if option.to_states else None,
        reserve_percent=_asked_percent(option.to_reserve),
        reserve_amount_minor=option.to_reserve.amount_minor if option.to_reserve else None,
        surplus_minor=result.surplus_minor,
        to_states_minor=result.to_states_minor,
        to_reserve_minor=result.to_reserve_minor,
        retained_minor=result.retained_minor,
        note=data.note.strip() if data.note and data.note.strip() else None,
        recorded_by=actor.name,
    )
    if recorded_at is not None:
        decision.recorded_at = recorded_at
    if result.to_states_minor:
        credit_fund = policy_on(session, data.decided_on).credit_fund
        entry = post_entry(
            session,
            actor=actor,
            value_on=data.decided_on,
            entry_type=SURPLUS_CREDIT_ENTRY_TYPE,
            description=f"Surplus of fund {code} for {year} credited to the States "
            f"({option.credit_rule.value.replace('_', ' ')})",
            source_ref=reference,
            postings=credit_postings(code, credit_fund, result.state_credits),
            recorded_at=recorded_at,
        )
        decision.credit_fund = credit_fund
        decision.credit_entry_seq = entry.seq
    if result.to_reserve_minor:
        claim, settled = reserve.transfer_from_surplus(
            session,
            actor=actor,
            fund=code,
            amount_minor=result.to_reserve_minor,
            value_on=data.decided_on,
            reference=reference,
            recorded_at=recorded_at,
        )
        decision.transfer_movement_id = claim.id
        decision.settlement_movement_id = settled.id if settled else None
    session.add(decision)
    session.flush()
    weights = {s.code: s.assessed_minor for s in years}
    for state_code, amount in sorted(result.state_credits.items()):
        session.add(
            SurplusCredit(
                decision_id=decision.id or 0,
                state_code=state_code,
                assessed_minor=weights[state_code],
                amount_minor=amount,
            )
        )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="close.surplus_decision",
        object_type="fund_year",
        object_id=f"{code}/{year}",
        occurred_at=recorded_at,
        detail={
            "decision": decision.id,
            "reference": reference,
            "to_states_minor": result.to_states_minor,
            "to_reserve_minor": result.to_reserve_minor,
            "retained_minor": result.retained_minor,
        },
    )
    return decision


def _asked_percent(part: pure.Part | None) -> Decimal | None:
    if part is None or part.percent is None:
        return None
    return Decimal(part.percent.numerator) / Decimal(part.percent.denominator)


def credit_postings(fund: str, credit_fund: str, credits: dict[str, int]) -> list[PostingSpec]:
    """The postings crediting ``credits`` (State → US cents) out of ``fund``'s
    accumulated surplus into the States' credit held in ``credit_fund``."""
    total = sum(credits.values())
    postings = [PostingSpec(account_code(fund, AccountType.ACCUMULATED_SURPLUS), total)]
    if fund != credit_fund:
        postings += [
            PostingSpec(account_code(fund, AccountType.DUE_TO_OTHER_FUNDS), -total),
            PostingSpec(account_code(credit_fund, AccountType.DUE_FROM_OTHER_FUNDS), total),
        ]
    postings += [
        PostingSpec(account_code(credit_fund, AccountType.STATE_CREDIT), -amount, code)
        for code, amount in sorted(credits.items())
    ]
    return postings


def decision_states(session: Session, decision: SurplusDecision) -> list[str]:
    """The States credited by a decision, by code."""
    return list(
        session.execute(
            select(col(SurplusCredit.state_code))
            .where(col(SurplusCredit.decision_id) == decision.id)
            .order_by(col(SurplusCredit.state_code))
        ).scalars()
    )


def list_decisions(
    session: Session, *, fund: str | None = None, year: int | None = None
) -> list[SurplusDecision]:
    """Surplus decisions, latest year first."""
    query = select(SurplusDecision)
    if fund:
        query = query.where(col(SurplusDecision.fund_code) == fund.upper())
    if year:
        query = query.where(col(SurplusDecision.year) == year)
    return list(
        session.execute(
            query.order_by(col(SurplusDecision.year).desc(), col(SurplusDecision.fund_code))
        ).scalars()
    )


# --- shapes -------------------------------------------------------------------------------


def figures_out(f: pure.Figures) -> FiguresOut:
    return FiguresOut(
        assessed_revenue=format_minor(f.assessed_revenue),
        voluntary_revenue=format_minor(f.voluntary_revenue),
        other_revenue=format_minor(f.other_revenue),
        exchange_gain_loss=format_minor(f.exchange_gain_loss),
        write_off=format_minor(f.write_off),
        expenditure=format_minor(f.expenditure),
        surplus=format_minor(f.surplus),
        cash_collected=format_minor(f.cash_collected),
        cash_spent=format_minor(f.cash_spent),
        cash_surplus=format_minor(f.cash_surplus),
    )


def close_out(close: YearClose) -> CloseOut:
    return CloseOut(
        id=close.id or 0,
        fund=close.fund_code,
        year=close.year,
        status=close.status,
        figures=figures_out(frozen(close)),
        note=close.note,
        proposed_by=close.proposed_by,
        proposed_at=close.proposed_at,
        approved_by=close.approved_by,
        approved_at=close.approved_at,
        reference=close.reference,
        closing_entry_seq=close.closing_entry_seq,
    )


def surplus_out(
    session: Session, *, fund: str, year: int, known_at: datetime | None = None
) -> SurplusOut:
    """The fund-year's figures (see ``surplus_of``) with its close."""
    code = _fund(session, fund).code
    f, source, close = surplus_of(session, fund=code, year=year, known_at=known_at)
    return SurplusOut(
        fund=code,
        year=year,
        as_at=year_end(year),
        known_at=known_at if close is None else close.proposed_at,
        source=source,
        closed=session.get(ClosedPeriod, (code, year)) is not None,
        figures=figures_out(f),
        close=close_out(close) if close is not None else None,
    )


def decision_out(session: Session, d: SurplusDecision) -> SurplusDecisionOut:
    names = state_names(session)
    credits = session.execute(
        select(SurplusCredit)
        .where(col(SurplusCredit.decision_id) == d.id)
        .order_by(col(SurplusCredit.state_code))
    ).scalars()

    def pct(value: Decimal | None) -> str | None:
        return format(value, "f") if value is not None else None

    def amount(value: int | None) -> str | None:
        return format_minor(value) if value is not None else None

    return SurplusDecisionOut(
        id=d.id or 0,
        close_id=d.close_id,
        fund=d.fund_code,
        year=d.year,
        decided_on=d.decided_on,
        reference=d.reference,
        option=d.option,
        credit_rule=pure.CreditRule(d.credit_rule) if d.credit_rule else None,
        states_percent=pct(d.states_percent),
        states_amount=amount(d.states_amount_minor),
        reserve_percent=pct(d.reserve_percent),
        reserve_amount=amount(d.reserve_amount_minor),
        surplus=format_minor(d.surplus_minor),
        to_states=format_minor(d.to_states_minor),
        to_reserve=format_minor(d.to_reserve_minor),
        retained=format_minor(d.retained_minor),
        credit_fund=d.credit_fund,
        credit_entry_seq=d.credit_entry_seq,
        transfer_movement_id=d.transfer_movement_id,
        settlement_movement_id=d.settlement_movement_id,
        credits=[
            StateCreditOut(
                state_code=c.state_code,
                state_name=names.get(c.state_code, c.state_code),
                assessed=format_minor(c.assessed_minor),
                amount=format_minor(c.amount_minor),
            )
            for c in credits
        ],
        note=d.note,
        recorded_at=d.recorded_at,
        recorded_by=d.recorded_by,
    )


def simulation_out(s: Simulation) -> SimulationOut:
    def effect(e: StateEffect) -> StateEffectOut:
        to_pay = e.next_year_to_pay_minor
        return StateEffectOut(
            state_code=e.code,
            state_name=e.name,
            assessed=format_minor(e.assessed_minor),
            paid_in_full=e.paid_in_full,
            credit=format_minor(e.credit_minor),
            owed=format_minor(e.owed_minor),
            credit_held=format_minor(e.credit_held_minor),
            balance_after=format_minor(e.balance_after_minor),
            next_year_assessed=format_minor(e.next_year_assessed_minor)
            if e.next_year_assessed_minor is not None
            else None,
            next_year_to_pay=format_minor(to_pay) if to_pay is not None else None,
        )

    return SimulationOut(
        fund=s.fund,
        year=s.year,
        as_at=s.as_at,
        known_at=s.known_at,
        surplus=format_minor(s.surplus_minor),
        surplus_source=s.surplus_source,
        reserve_balance=format_minor(s.reserve.balance_minor),
        months_covered=format_months(s.reserve.months_covered),
        outcomes=[
            OutcomeOut(
                name=o.name,
                feasible=o.feasible,
                note=o.note,
                credit_rule=o.option.credit_rule,
                to_states=format_minor(o.to_states_minor),
                to_reserve=format_minor(o.to_reserve_minor),
                retained=format_minor(o.retained_minor),
                reserve_balance_after=format_minor(o.reserve_balance_after_minor),
                months_covered_after=format_months(o.months_covered_after),
                states=[effect(e) for e in o.states],
            )
            for o in s.outcomes
        ],
    )
