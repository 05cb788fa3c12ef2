"""Voluntary funds: donors, pledges, receipts matched to pledges, projects, sponsored
delegates and disbursements; balances per fund and earmark, a donor's statement and the
reconciliation with the ledger, as at ``(as_at, known_at)``.

A receipt posts one entry (``voluntary.receipt``): debit ``<fund>.bank``, credit
``<fund>.voluntary_revenue`` (State dimension: the donor's State when the donor is a
State); a disbursement one (``voluntary.disbursement``): debit ``<fund>.expenditure``,
credit ``<fund>.bank``; both for their US dollar amount, the bank's figure or a
provisional one whose difference with the bank's, once confirmed, posts to the fund's
``exchange_gain_loss``. Voluntary money never touches a receivable, a State's credit or
an assessed fund. Corrections are reversals, never deletions.

Money is kept apart per fund and earmark (a *pool*); what a pool holds on a day is what
it received (US dollars, the bank's figure once confirmed) less what it paid out, by
value date. Nothing may leave a pool short on any day: a disbursement, the reversal of
a receipt, or a bank figure that lowers what came in (or raises what went out) is
refused when the pool, from its date on, holds less than it takes.

A pledge is settled by matches (amounts in the pledge's currency) that count as long as
their receipt is not reversed; a match never takes more of a pledge than is outstanding
on any day from the receipt's date on. Nothing is dated in the future or in a closed
period of the fund. Amounts are US cents unless named otherwise."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Any, Protocol, TypeVar

from sqlalchemy import BigInteger, and_, bindparam, case, cast, func, literal, select, union_all
from sqlmodel import Session, col

from finance_core.actor import Actor
from finance_core.audit import service as audit
from finance_core.conferences.models import Conference
from finance_core.db_types import utcnow, utctoday
from finance_core.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from finance_core.expenditures.execution import lowest_open
from finance_core.expenditures.service import Money, money, refuse_closed
from finance_core.funds.models import Fund, FundKind
from finance_core.funds.service import account_code
from finance_core.ledger.balances import BalanceDim
from finance_core.ledger.balances import balances as ledger_balances
from finance_core.ledger.corrections import check_correction_date, post_bank_figure, reverse_entries
from finance_core.ledger.models import AccountType
from finance_core.ledger.service import PostingSpec, post_entry
from finance_core.money import format_minor
from finance_core.payments.amounts import check_currency, decimals_of, parse_amount
from finance_core.payments.schemas import ReversalIn, ReversalOut
from finance_core.payments.service import rate_on
from finance_core.states.models import State
from finance_core.voluntary import matching, usage
from finance_core.voluntary.models import (
    Disbursement,
    DisbursementKind,
    DisbursementReversal,
    DisbursementUsdConfirmation,
    Donor,
    DonorKind,
    Pledge,
    PledgeWithdrawal,
    Project,
    ProjectReport,
    ProjectStatus,
    ReceiptPledgeMatch,
    Sponsorship,
    VoluntaryReceipt,
    VoluntaryReceiptReversal,
    VoluntaryReceiptUsdConfirmation,
)
from finance_core.voluntary.schemas import (
    BalancesOut,
    DisbursementIn,
    DisbursementOut,
    DonorIn,
    DonorOut,
    DonorUpdate,
    MatchIn,
    MatchOut,
    PledgeIn,
    PledgeOut,
    PoolOut,
    ProjectIn,
    ProjectOut,
    ProjectReportOut,
    ReportIn,
    SponsorshipIn,
    SponsorshipOut,
    VoluntaryReceiptIn,
    VoluntaryReceiptOut,
    WithdrawalIn,
    WithdrawalOut,
)
from finance_core.voluntary.statement import (
    CurrencyTotal,
    DonorStatement,
    PledgeLine,
    ReceiptLine,
    SpendingLine,
)

T = TypeVar("T")

#: Entry types of the voluntary funds' postings.
RECEIPT_ENTRY = "voluntary.receipt"
DISBURSEMENT_ENTRY = "voluntary.disbursement"

#: Pledge statuses.
OPEN, PARTLY_RECEIVED, FULFILLED, WITHDRAWN = "open", "partly_received", "fulfilled", "withdrawn"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ZERO = re.compile(r"^0+(\.0+)?$")


# --- small helpers ----------------------------------------------------------------------


def _collect(fields: dict[str, str], check: Callable[[], T]) -> T | None:
    """``check()``, or None with its ValidationFailed fields added to ``fields``."""
    try:
        return check()
    except ValidationFailed as exc:
        fields.update(exc.fields or {"request": exc.detail})
        return None


def _lock(session: Session, model: type[T], key: Any) -> T | None:
    """The row of ``model`` with primary key ``key``, locked until commit on PostgreSQL
    (a SQLite write transaction already holds the database's write lock)."""
    return session.get(model, key, with_for_update=True)


def _lock_fund(session: Session, code: str) -> None:
    """Lock the fund's row until commit: writes that move one fund's money, or settle its
    pledges, pass their checks one at a time."""
    _lock(session, Fund, code)


def _known(column: Any, known_at: datetime | None) -> Any:
    """``column <= known_at``, or true without a recording cutoff."""
    return column <= known_at if known_at is not None else literal(True)


def _total(column: Any) -> Any:
    return cast(func.coalesce(func.sum(column), 0), BigInteger)


def earmark_of(text: str | None) -> str | None:
    """An earmark as stored: spaces trimmed and collapsed; None when empty."""
    if text is None:
        return None
    cleaned = " ".join(text.split())
    return cleaned or None


def _same_earmark(column: Any, earmark: str | None) -> Any:
    return column.is_(None) if earmark is None else column == earmark


def _voluntary_fund(session: Session, code: str | None, field: str = "fund") -> str:
    """The code of a voluntary fund, else ValidationFailed naming ``field``."""
    fund = session.get(Fund, (code or "").strip().upper())
    if fund is None:
        raise ValidationFailed(f"unknown fund {code!r}", fields={field: "unknown fund"})
    if fund.kind != FundKind.VOLUNTARY:
        raise ValidationFailed(
            f"fund {fund.code} is not a voluntary fund: voluntary money never goes to the "
            f"{fund.kind} funds",
            fields={field: "a voluntary fund (e.g. VTF, SPP)"},
        )
    return fund.code


def _not_future(fields: dict[str, str], field: str, day: date, what: str) -> None:
    if day > utctoday():
        fields[field] = f"{what} cannot be dated in the future"


def _cents(text: str, field: str) -> int:
    """US cents from a decimal string that may be zero ("0", "0.00")."""
    if _ZERO.match(text.strip()):
        return 0
    return parse_amount(text, "USD", field=field)


def _pool_words(fund: str, earmark: str | None) -> str:
    return f"{fund} money under earmark {earmark!r}" if earmark else f"unearmarked {fund} money"


def _usd(amount_minor: int, currency: str) -> str:
    """``at most``-style text: the amount in US dollars, naming the unit unless USD."""
    return format_minor(amount_minor) + ("" if currency == "USD" else " US dollars")


# --- donors -----------------------------------------------------------------------------


def _state_exists(session: Session, code: str | None, fields: dict[str, str]) -> str | None:
    if code is None or not code.strip():
        return None
    found = code.strip().upper()
    if session.get(State, found) is None:
        fields["state_code"] = f"unknown State {found}"
    return found


def create_donor(
    session: Session, *, actor: Actor, data: DonorIn, recorded_at: datetime | None = None
) -> Donor:
    """Record a donor (a State names its State)."""
    fields: dict[str, str] = {}
    name = " ".join(data.name.split())
    if not name:
        fields["name"] = "required"
    state_code = _state_exists(session, data.state_code, fields)
    if data.kind is DonorKind.STATE and state_code is None:
        fields["state_code"] = "required for a State donor"
    if data.contact_email and not _EMAIL.match(data.contact_email.strip()):
        fields["contact_email"] = "not an e-mail address"
    ValidationFailed.raise_if(fields)
    if session.execute(select(col(Donor.id)).where(col(Donor.name) == name)).first():
        raise Conflict(f"a donor named {name!r} is already recorded", fields={"name": "taken"})
    donor = Donor(
        name=name,
        kind=data.kind,
        state_code=state_code,
        contact_name=data.contact_name,
        contact_email=data.contact_email.strip() if data.contact_email else None,
        language=data.language,
        reporting_note=data.reporting_note,
        recorded_by=actor.name,
    )
    return audit.store(
        session,
        donor,
        actor=actor,
        action="voluntary.donor",
        object_type="donor",
        recorded_at=recorded_at,
        detail=data.model_dump(mode="json"),
    )


def get_donor(session: Session, *, donor_id: int) -> Donor:
    """One donor or NotFound."""
    donor = session.get(Donor, donor_id)
    if donor is None:
        raise NotFound(f"donor {donor_id} does not exist")
    return donor


def update_donor(
    session: Session,
    *,
    actor: Actor,
    donor_id: int,
    data: DonorUpdate,
    recorded_at: datetime | None = None,
) -> Donor:
    """Change a donor's contact details or reporting preferences (the fields given)."""
    donor = get_donor(session, donor_id=donor_id)
    given = data.model_dump(include=data.model_fields_set)
    email = given.get("contact_email")
    if email and not _EMAIL.match(email.strip()):
        raise ValidationFailed(
            f"{email!r} is not an e-mail address", fields={"contact_email": "not an e-mail address"}
        )
    if "language" in given and given["language"] is None:
        raise ValidationFailed("a donor has a report language", fields={"language": "required"})
    for name, value in given.items():  # an empty text clears the field
        setattr(donor, name, (value.strip() or None) if type(value) is str else value)
    donor.updated_at = recorded_at or utcnow()
    donor.updated_by = actor.name
    session.add(donor)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="voluntary.donor_update",
        object_type="donor",
        object_id=str(donor_id),
        detail=data.model_dump(mode="json", include=data.model_fields_set),
        occurred_at=recorded_at,
    )
    return donor


def list_donors(
    session: Session, *, limit: int, offset: int, kind: DonorKind | None = None
) -> tuple[list[Donor], int]:
    """Donors by name (of one kind if given), and how many match."""
    query = select(Donor)
    if kind is not None:
        query = query.where(col(Donor.kind) == kind.value)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(col(Donor.name)).limit(limit).offset(offset)).scalars()
    return list(rows), int(total)


def donor_out(donor: Donor) -> DonorOut:
    return DonorOut.model_validate(donor, from_attributes=True)


# --- pledges ----------------------------------------------------------------------------


def record_pledge(
    session: Session, *, actor: Actor, data: PledgeIn, recorded_at: datetime | None = None
) -> Pledge:
    """Record a donor's pledge to a voluntary fund (nothing posts to the ledger)."""
    fields: dict[str, str] = {}
    if session.get(Donor, data.donor_id) is None:
        fields["donor_id"] = f"unknown donor {data.donor_id}"
    fund = _collect(fields, lambda: _voluntary_fund(session, data.fund))
    currency = _collect(fields, lambda: check_currency(data.currency.strip().upper()))
    amount = None
    if currency is not None:
        amount = _collect(fields, lambda: parse_amount(data.amount, currency))
    _not_future(fields, "pledged_on", data.pledged_on, "a pledge")
    ValidationFailed.raise_if(fields)
    assert fund is not None and currency is not None and amount is not None
    pledge = Pledge(
        donor_id=data.donor_id,
        pledged_on=data.pledged_on,
        fund_code=fund,
        earmark=earmark_of(data.earmark),
        currency=currency,
        amount_minor=amount,
        conditions=data.conditions,
        occasion=data.occasion.strip() if data.occasion else None,
        reference=data.reference,
        recorded_by=actor.name,
    )
    return audit.store(
        session,
        pledge,
        actor=actor,
        action="voluntary.pledge",
        object_type="pledge",
        recorded_at=recorded_at,
        detail={**data.model_dump(mode="json"), "amount_minor": amount},
    )


def _get_pledge(session: Session, pledge_id: int) -> Pledge:
    pledge = session.get(Pledge, pledge_id)
    if pledge is None:
        raise NotFound(f"pledge {pledge_id} does not exist")
    return pledge


def _match_movements(
    session: Session, pledge_ids: Sequence[int]
) -> dict[int, list[tuple[date, int]]]:
    """Per pledge, everything recorded that changed what is outstanding: − each match
    on its receipt's date, + the same on the date the receipt was reversed."""
    m, r, rv = ReceiptPledgeMatch, VoluntaryReceipt, VoluntaryReceiptReversal
    rows = session.execute(
        select(col(m.pledge_id), col(r.value_on), col(m.amount_minor), col(rv.value_on))
        .join(r, col(r.id) == col(m.receipt_id))
        .outerjoin(rv, col(rv.receipt_id) == col(r.id))
        .where(col(m.pledge_id).in_(list(pledge_ids)))
    ).all()
    moves: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for pledge_id, paid_on, amount, back_on in rows:
        moves[int(pledge_id)].append((paid_on, -int(amount)))
        if back_on is not None:
            moves[int(pledge_id)].append((back_on, int(amount)))
    return moves


def withdraw_pledge(
    session: Session,
    *,
    actor: Actor,
    pledge_id: int,
    data: WithdrawalIn,
    recorded_at: datetime | None = None,
) -> PledgeWithdrawal:
    """Withdraw what is still outstanding of a pledge (the donor will not give it), from
    ``data.withdrawn_on``: on or after the date of the last receipt (or its reversal)
    that settled any of it. A fulfilled pledge has nothing to withdraw."""
    pledge = _get_pledge(session, pledge_id)
    _lock_fund(session, pledge.fund_code)
    if session.get(PledgeWithdrawal, pledge_id) is not None:
        raise Conflict(f"pledge {pledge_id} is already withdrawn")
    moves = _match_movements(session, [pledge_id]).get(pledge_id, [])
    earliest = max([pledge.pledged_on, *(on for on, _ in moves)])
    if data.withdrawn_on < earliest:
        raise ValidationFailed(
            "a withdrawal is dated on or after the pledge and the receipts that settled it",
            fields={"withdrawn_on": f"on or after {earliest}"},
        )
    if data.withdrawn_on > utctoday():
        raise ValidationFailed(
            "a withdrawal cannot be dated in the future", fields={"withdrawn_on": "in the future"}
        )
    outstanding = pledge.amount_minor + sum(change for _, change in moves)
    if outstanding <= 0:
        raise RuleViolation(
            f"pledge {pledge_id} is fulfilled: nothing is outstanding to withdraw",
            fields={"pledge_id": "fulfilled"},
        )
    withdrawal = PledgeWithdrawal(
        pledge_id=pledge_id,
        withdrawn_on=data.withdrawn_on,
        amount_minor=outstanding,
        reason=data.reason,
        recorded_by=actor.name,
    )
    return audit.store(
        session,
        withdrawal,
        actor=actor,
        action="voluntary.pledge_withdrawal",
        object_type="pledge",
        object_id=str(pledge_id),
        recorded_at=recorded_at,
        detail={**data.model_dump(mode="json"), "amount_minor": outstanding},
    )


def _status(amount: int, received: int, withdrawn: bool) -> str:
    if withdrawn:
        return WITHDRAWN
    if received >= amount:
        return FULFILLED
    return PARTLY_RECEIVED if received > 0 else OPEN


def pledge_lines(
    session: Session,
    *,
    as_at: date,
    known_at: datetime | None = None,
    donor_id: int | None = None,
    pledge_ids: Sequence[int] | None = None,
) -> list[PledgeLine]:
    """Every pledge made by ``as_at`` and recorded by ``known_at`` (of ``donor_id``, or
    ``pledge_ids``, if given), oldest first, with what receipts dated and not reversed
    by then settled of it and what was withdrawn (one SQL aggregate), in its currency.
    A receipt reversed after a withdrawal leaves its amount outstanding again."""
    p, w, m = Pledge, PledgeWithdrawal, ReceiptPledgeMatch
    r, rv = VoluntaryReceipt, VoluntaryReceiptReversal
    undone = and_(
        col(rv.receipt_id) == col(r.id), col(rv.value_on) <= as_at, _known(rv.recorded_at, known_at)
    )
    received = (
        select(
            col(m.pledge_id).label("pledge_id"),
            _total(case((col(rv.receipt_id).is_(None), col(m.amount_minor)), else_=0)).label(
                "received"
            ),
        )
        .join(r, col(r.id) == col(m.receipt_id))
        .outerjoin(rv, undone)
        .where(col(r.value_on) <= as_at, _known(r.recorded_at, known_at))
        .group_by(col(m.pledge_id))
        .subquery()
    )
    withdrawn = and_(
        col(w.pledge_id) == col(p.id),
        col(w.withdrawn_on) <= as_at,
        _known(w.recorded_at, known_at),
    )
    query = (
        select(
            p,
            func.coalesce(received.c.received, 0),
            func.coalesce(col(w.amount_minor), 0),
            col(w.pledge_id).is_not(None),
        )
        .outerjoin(received, received.c.pledge_id == col(p.id))
        .outerjoin(w, withdrawn)
        .where(col(p.pledged_on) <= as_at, _known(p.recorded_at, known_at))
        .order_by(col(p.pledged_on), col(p.id))
    )
    if donor_id is not None:
        query = query.where(col(p.donor_id) == donor_id)
    if pledge_ids is not None:
        query = query.where(col(p.id).in_(list(pledge_ids)))
    lines = []
    for pledge, got, gone, is_withdrawn in session.execute(query).all():
        amount, got, gone = pledge.amount_minor, int(got), int(gone)
        lines.append(
            PledgeLine(
                pledge_id=pledge.id or 0,
                pledged_on=pledge.pledged_on,
                fund=pledge.fund_code,
                earmark=pledge.earmark,
                occasion=pledge.occasion,
                currency=pledge.currency,
                amount_minor=amount,
                received_minor=got,
                withdrawn_minor=gone,
                outstanding_minor=amount - got - gone,
                status=_status(amount, got, bool(is_withdrawn)),
            )
        )
    return lines


def pledge_status(
    session: Session, *, pledge_id: int, as_at: date, known_at: datetime | None = None
) -> PledgeLine:
    """A pledge as at ``(as_at, known_at)``: received, withdrawn and outstanding in its
    currency, and its status (open, partly_received, fulfilled or withdrawn)."""
    _get_pledge(session, pledge_id)
    found = pledge_lines(session, as_at=as_at, known_at=known_at, pledge_ids=[pledge_id])
    if not found:
        raise NotFound(f"pledge {pledge_id} was not made (or not recorded) as at {as_at}")
    return found[0]


def pledge_out(session: Session, pledge_id: int) -> PledgeOut:
    """A pledge as the API shows it, with everything recorded."""
    pledge = _get_pledge(session, pledge_id)
    line = pledge_lines(session, as_at=date.max, pledge_ids=[pledge_id])[0]
    places = decimals_of(pledge.currency)
    withdrawal = session.get(PledgeWithdrawal, pledge_id)
    return PledgeOut(
        id=pledge_id,
        donor_id=pledge.donor_id,
        pledged_on=pledge.pledged_on,
        fund=pledge.fund_code,
        earmark=pledge.earmark,
        currency=pledge.currency,
        amount=format_minor(pledge.amount_minor, places),
        received=format_minor(line.received_minor, places),
        withdrawn=format_minor(line.withdrawn_minor, places),
        outstanding=format_minor(line.outstanding_minor, places),
        status=line.status,
        conditions=pledge.conditions,
        occasion=pledge.occasion,
        reference=pledge.reference,
        withdrawal=None
        if withdrawal is None
        else WithdrawalOut(
            withdrawn_on=withdrawal.withdrawn_on,
            amount=format_minor(withdrawal.amount_minor, places),
            reason=withdrawal.reason,
            recorded_by=withdrawal.recorded_by,
        ),
        recorded_at=pledge.recorded_at,
        recorded_by=pledge.recorded_by,
    )


# --- receipts ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Receiving:
    """A receipt that passed validation."""

    donor: Donor
    fund: str
    earmark: str | None
    money: Money


def _rate_or_none(session: Session, currency: str, day: date) -> Decimal | None:
    """US dollars per unit of ``currency`` on ``day`` (1 for USD; None without a rate)."""
    if currency == "USD":
        return Decimal(1)
    try:
        return Decimal(rate_on(session, currency, day).usd_per_unit)
    except ValidationFailed:
        return None


def _outstanding_from(session: Session, pledges: Sequence[Pledge], day: date) -> dict[int, int]:
    """What a receipt dated ``day`` may still settle of each pledge: its least outstanding
    amount on any day from ``day`` on (zero once withdrawn), in its currency."""
    ids = [p.id or 0 for p in pledges]
    moves = _match_movements(session, ids)
    withdrawn = set(
        session.execute(
            select(col(PledgeWithdrawal.pledge_id)).where(col(PledgeWithdrawal.pledge_id).in_(ids))
        ).scalars()
    )
    return {
        p.id or 0: 0
        if p.id in withdrawn
        else lowest_open(p.amount_minor, moves.get(p.id or 0, []), day)
        for p in pledges
    }


def _auto_matches(
    session: Session, checked: _Receiving, value_on: date
) -> list[tuple[Pledge, int]]:
    """The donor's open pledges of the receipt's fund and earmark made by its date,
    settled oldest first (see ``matching.auto_match``)."""
    p = Pledge
    pledges = list(
        session.execute(
            select(p)
            .where(
                col(p.donor_id) == checked.donor.id,
                col(p.fund_code) == checked.fund,
                _same_earmark(col(p.earmark), checked.earmark),
                col(p.pledged_on) <= value_on,
            )
            .order_by(col(p.pledged_on), col(p.id))
        ).scalars()
    )
    outstanding = _outstanding_from(session, pledges, value_on)
    by_id = {x.id: x for x in pledges}
    paid = checked.money
    found = matching.auto_match(
        matching.ReceiptValue(paid.currency, paid.amount_minor, paid.usd_minor),
        [
            matching.OpenPledge(
                x.id or 0,
                x.currency,
                decimals_of(x.currency),
                outstanding[x.id or 0],
                None
                if x.currency == paid.currency or not outstanding[x.id or 0]
                else _rate_or_none(session, x.currency, value_on),
            )
            for x in pledges
        ],
    )
    return [(by_id[i], amount) for i, amount in found]


def _explicit_matches(
    session: Session, checked: _Receiving, value_on: date, given: list[MatchIn]
) -> list[tuple[Pledge, int]]:
    """The matches named by the caller, checked: pledges of the donor, fund and earmark,
    made by the receipt's date, not withdrawn, each within what is outstanding, together
    within the receipt."""
    fields: dict[str, str] = {}
    found: list[tuple[int, Pledge, int]] = []
    seen: set[int] = set()
    for i, item in enumerate(given):
        where = f"match[{i}]"
        pledge = session.get(Pledge, item.pledge_id)
        if pledge is None:
            fields[f"{where}.pledge_id"] = f"unknown pledge {item.pledge_id}"
        elif item.pledge_id in seen:
            fields[f"{where}.pledge_id"] = f"pledge {item.pledge_id} is named twice"
        elif pledge.donor_id != checked.donor.id:
            fields[f"{where}.pledge_id"] = f"pledge {item.pledge_id} is another donor's"
        elif pledge.fund_code != checked.fund or pledge.earmark != checked.earmark:
            fields[f"{where}.pledge_id"] = (
                f"pledge {item.pledge_id} is to {_pool_words(pledge.fund_code, pledge.earmark)}"
            )
        elif pledge.pledged_on > value_on:
            fields[f"{where}.pledge_id"] = f"pledge {item.pledge_id} was made after the receipt"
        else:
            seen.add(item.pledge_id)
            try:
                amount = parse_amount(item.amount, pledge.currency, field=f"{where}.amount")
            except ValidationFailed as exc:
                fields.update(exc.fields)
            else:
                found.append((i, pledge, amount))
    ValidationFailed.raise_if(fields)
    outstanding = _outstanding_from(session, [p for _, p, _ in found], value_on)
    paid = checked.money
    receipt = matching.ReceiptValue(paid.currency, paid.amount_minor, paid.usd_minor)
    taken = Fraction(0)
    for i, pledge, amount in found:
        where = f"match[{i}]"
        places = decimals_of(pledge.currency)
        most = outstanding[pledge.id or 0]
        if session.get(PledgeWithdrawal, pledge.id) is not None:
            fields[f"{where}.pledge_id"] = f"pledge {pledge.id} is withdrawn"
        elif amount > most:
            fields[f"{where}.amount"] = (
                f"at most {format_minor(most, places)} {pledge.currency} is outstanding"
            )
        share = matching.share(
            receipt,
            currency=pledge.currency,
            decimals=places,
            amount_minor=amount,
            usd_per_unit=None
            if pledge.currency == paid.currency
            else _rate_or_none(session, pledge.currency, value_on),
        )
        if share is None:
            fields[f"{where}.amount"] = (
                f"no {pledge.currency} rate on {value_on} to weigh it against the receipt"
            )
        else:
            taken += share
    if not fields and taken > paid.usd_minor:
        fields["match"] = "the matches add up to more than the receipt"
    if fields:
        message = next(iter(fields.values()))
        raise RuleViolation(f"the receipt cannot settle these pledges: {message}", fields=fields)
    return [(pledge, amount) for _, pledge, amount in found]


def record_receipt(
    session: Session,
    *,
    actor: Actor,
    data: VoluntaryReceiptIn,
    recorded_at: datetime | None = None,
) -> VoluntaryReceipt:
    """Record money from a donor into a voluntary fund, post it (see the module
    docstring) and settle pledges with it: those named in ``data.match``, or with
    ``"auto"`` the donor's open pledges of the same fund and earmark, oldest first.

    ``recorded_at`` defaults to now; only the demo loader back-dates it."""
    fields: dict[str, str] = {}
    donor = session.get(Donor, data.donor_id)
    if donor is None:
        fields["donor_id"] = f"unknown donor {data.donor_id}"
    fund = _collect(fields, lambda: _voluntary_fund(session, data.fund))
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
    _not_future(fields, "value_on", data.value_on, "a receipt")
    ValidationFailed.raise_if(fields)
    assert donor is not None and donor.id is not None and fund is not None and paid is not None
    refuse_closed(session, fund, data.value_on)
    _lock_fund(session, fund)
    checked = _Receiving(donor, fund, earmark_of(data.earmark), paid)
    if data.match == "auto":
        matches = _auto_matches(session, checked, data.value_on)
    elif data.match == "none":
        matches = []
    else:
        matches = _explicit_matches(session, checked, data.value_on, data.match)
    state = donor.state_code if donor.kind == DonorKind.STATE else None
    shown = format_minor(paid.amount_minor, decimals_of(paid.currency))
    entry = post_entry(
        session,
        actor=actor,
        value_on=data.value_on,
        entry_type=RECEIPT_ENTRY,
        description=f"Voluntary contribution to {fund}"
        + (f" ({checked.earmark})" if checked.earmark else "")
        + f" from {donor.name[:120]}: {shown} {paid.currency}",
        source_ref=f"voluntary receipt {data.bank_reference}",
        postings=[
            PostingSpec(account_code(fund, AccountType.BANK), paid.usd_minor, state),
            PostingSpec(account_code(fund, AccountType.VOLUNTARY_REVENUE), -paid.usd_minor, state),
        ],
        recorded_at=recorded_at,
    )
    receipt = VoluntaryReceipt(
        donor_id=donor.id,
        value_on=data.value_on,
        fund_code=fund,
        earmark=checked.earmark,
        currency=paid.currency,
        amount_minor=paid.amount_minor,
        usd_minor=paid.usd_minor,
        usd_provisional=paid.provisional,
        exchange_rate=paid.rate,
        bank_reference=data.bank_reference,
        note=data.note,
        entry_seq=entry.seq,
        recorded_by=actor.name,
    )
    audit.store(
        session,
        receipt,
        actor=actor,
        action="voluntary.receipt",
        object_type="voluntary_receipt",
        recorded_at=recorded_at,
        detail={
            "donor_id": donor.id,
            "usd_minor": paid.usd_minor,
            "entry": entry.seq,
            "matches": [[p.id, amount] for p, amount in matches],
        },
    )
    for pledge, amount in matches:
        session.add(
            ReceiptPledgeMatch(
                receipt_id=receipt.id or 0, pledge_id=pledge.id or 0, amount_minor=amount
            )
        )
    session.flush()
    return receipt


@cache
def _pool_movements_query(earmarked: bool) -> Any:
    """The aggregate behind ``_pool_movements``, built once per kind of pool (with or
    without an earmark) so that each call only binds ``fund`` and ``earmark``."""
    r, rc, rv = VoluntaryReceipt, VoluntaryReceiptUsdConfirmation, VoluntaryReceiptReversal
    d, dc, dv = Disbursement, DisbursementUsdConfirmation, DisbursementReversal

    def pool(model: Any) -> Any:
        earmark = col(model.earmark)
        same = earmark == bindparam("earmark") if earmarked else earmark.is_(None)
        return and_(col(model.fund_code) == bindparam("fund"), same)

    diff_r = func.coalesce(col(rc.difference_minor), 0)
    diff_d = func.coalesce(col(dc.difference_minor), 0)
    moves = union_all(
        select(col(r.value_on).label("day"), col(r.usd_minor).label("amount")).where(pool(r)),
        select(col(rc.value_on), col(rc.difference_minor))
        .join(r, col(r.id) == col(rc.receipt_id))
        .where(pool(r)),
        select(col(rv.value_on), -(col(r.usd_minor) + diff_r))
        .join(r, col(r.id) == col(rv.receipt_id))
        .outerjoin(rc, col(rc.receipt_id) == col(r.id))
        .where(pool(r)),
        select(col(d.value_on), -col(d.usd_minor)).where(pool(d)),
        select(col(dc.value_on), -col(dc.difference_minor))
        .join(d, col(d.id) == col(dc.disbursement_id))
        .where(pool(d)),
        select(col(dv.value_on), col(d.usd_minor) + diff_d)
        .join(d, col(d.id) == col(dv.disbursement_id))
        .outerjoin(dc, col(dc.disbursement_id) == col(d.id))
        .where(pool(d)),
    ).subquery()
    return select(moves.c.day, _total(moves.c.amount)).group_by(moves.c.day)


def _pool_movements(session: Session, fund: str, earmark: str | None) -> list[tuple[date, int]]:
    """Every recorded change of what a pool holds, per value date (US cents; one SQL
    aggregate): receipts, their bank figures and reversals; disbursements likewise."""
    params = {"fund": fund} if earmark is None else {"fund": fund, "earmark": earmark}
    rows = session.execute(_pool_movements_query(earmark is not None), params).all()
    return [(day, int(amount)) for day, amount in rows]


def available_from(session: Session, *, fund: str, earmark: str | None, day: date) -> int:
    """What may still leave a pool on ``day``: the least it holds on any day from ``day``
    on, everything recorded counted (US cents)."""
    return lowest_open(0, _pool_movements(session, fund, earmark), day)


def _refuse_short(
    session: Session,
    *,
    fund: str,
    earmark: str | None,
    day: date,
    taken: int,
    what: str,
    field: str,
    currency: str = "USD",
) -> None:
    """RuleViolation unless ``taken`` US cents may leave the pool on ``day``."""
    most = available_from(session, fund=fund, earmark=earmark, day=day)
    if taken > most:
        raise RuleViolation(
            f"{what} would take {format_minor(taken)} US dollars of "
            f"{_pool_words(fund, earmark)}, which holds only {format_minor(max(most, 0))} "
            f"on {day} or later (money already spent or needed by later payments)",
            fields={field: f"at most {_usd(max(most, 0), currency)}"},
        )


class _Confirmed(Protocol):
    """A bank's US dollar figure recorded for a receipt or a disbursement."""

    value_on: date


def _check_reversal_date(
    day: date, *, since: date, confirmed: _Confirmed | None, what: str
) -> None:
    """A reversal is dated no earlier than the record it undoes (``what``, of value date
    ``since``) nor than the bank's figure confirmed for it."""
    if confirmed is not None and confirmed.value_on > since:
        since, what = confirmed.value_on, f"bank's US dollar figure of the {what}"
    check_correction_date(day, since=since, what=what)


R = TypeVar("R", VoluntaryReceiptReversal, DisbursementReversal)


def _store_reversal(
    session: Session,
    *,
    actor: Actor,
    seqs: list[int | None],
    data: ReversalIn,
    make: Callable[[int], R],
    action: str,
    object_type: str,
    object_id: int,
    recorded_at: datetime | None,
) -> R:
    """Reverse the entries ``seqs`` (a bank figure's, then the record's) on
    ``data.value_on``, and store the reversal ``make`` builds on the reversing entry,
    audited."""
    entry = reverse_entries(
        session,
        actor=actor,
        seqs=seqs,
        value_on=data.value_on,
        reason=data.reason,
        recorded_at=recorded_at,
    )
    return audit.store(
        session,
        make(entry.seq),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        recorded_at=recorded_at,
        detail=data.model_dump(mode="json"),
    )


def _get_receipt(session: Session, receipt_id: int) -> VoluntaryReceipt:
    receipt = _lock(session, VoluntaryReceipt, receipt_id)
    if receipt is None:
        raise NotFound(f"voluntary receipt {receipt_id} does not exist")
    return receipt


def reverse_receipt(
    session: Session,
    *,
    actor: Actor,
    receipt_id: int,
    data: ReversalIn,
    recorded_at: datetime | None = None,
) -> VoluntaryReceiptReversal:
    """Undo a bounced or mistaken receipt on ``data.value_on``: its entry and any
    exchange difference are reversed and its matches no longer settle pledges. Refused
    when its money was already spent (the pool would fall short on some day)."""
    receipt = _get_receipt(session, receipt_id)
    _lock_fund(session, receipt.fund_code)
    if session.get(VoluntaryReceiptReversal, receipt_id) is not None:
        raise Conflict(f"voluntary receipt {receipt_id} is already reversed")
    confirmed = session.get(VoluntaryReceiptUsdConfirmation, receipt_id)
    _check_reversal_date(data.value_on, since=receipt.value_on, confirmed=confirmed, what="receipt")
    refuse_closed(session, receipt.fund_code, data.value_on)
    worth = receipt.usd_minor + (confirmed.difference_minor if confirmed else 0)
    _refuse_short(
        session,
        fund=receipt.fund_code,
        earmark=receipt.earmark,
        day=data.value_on,
        taken=worth,
        what=f"reversing receipt {receipt_id}",
        field="value_on",
    )
    return _store_reversal(
        session,
        actor=actor,
        seqs=[None if confirmed is None else confirmed.entry_seq, receipt.entry_seq],
        data=data,
        make=lambda seq: VoluntaryReceiptReversal(
            receipt_id=receipt_id,
            value_on=data.value_on,
            reason=data.reason,
            entry_seq=seq,
            recorded_by=actor.name,
        ),
        action="voluntary.receipt_reversal",
        object_type="voluntary_receipt",
        object_id=receipt_id,
        recorded_at=recorded_at,
    )


def confirm_receipt_usd(
    session: Session,
    *,
    actor: Actor,
    receipt_id: int,
    usd_amount: str,
    value_on: date,
    recorded_at: datetime | None = None,
) -> VoluntaryReceiptUsdConfirmation:
    """Record the bank's US dollar figure for a receipt recorded at a provisional rate;
    the difference posts to the fund's exchange gain/loss (more dollars: a gain). A
    lower figure is refused when the pool no longer holds the difference."""
    receipt = _get_receipt(session, receipt_id)
    _lock_fund(session, receipt.fund_code)
    if not receipt.usd_provisional:
        raise RuleViolation(
            f"voluntary receipt {receipt_id} already carries the bank's US dollar figure"
        )
    if session.get(VoluntaryReceiptUsdConfirmation, receipt_id) is not None:
        raise Conflict(f"the US dollar figure of voluntary receipt {receipt_id} is confirmed")
    if session.get(VoluntaryReceiptReversal, receipt_id) is not None:
        raise RuleViolation(f"voluntary receipt {receipt_id} is reversed")
    check_correction_date(
        value_on, since=receipt.value_on, what="receipt", correction="confirmation"
    )
    usd = parse_amount(usd_amount, "USD", field="usd_amount")
    refuse_closed(session, receipt.fund_code, value_on)
    difference = usd - receipt.usd_minor
    if difference < 0:
        _refuse_short(
            session,
            fund=receipt.fund_code,
            earmark=receipt.earmark,
            day=value_on,
            taken=-difference,
            what=f"the bank's lower figure for receipt {receipt_id}",
            field="usd_amount",
        )
    donor = session.get(Donor, receipt.donor_id)
    assert donor is not None
    confirmation = VoluntaryReceiptUsdConfirmation(
        receipt_id=receipt_id,
        usd_minor=usd,
        difference_minor=difference,
        value_on=value_on,
        recorded_by=actor.name,
        entry_seq=post_bank_figure(
            session,
            actor=actor,
            fund=receipt.fund_code,
            value_on=value_on,
            provisional_minor=receipt.usd_minor,
            bank_minor=usd,
            inflow=True,
            what=f"voluntary receipt {receipt_id}",
            source_ref=f"voluntary receipt {receipt.bank_reference}",
            state_code=donor.state_code if donor.kind == DonorKind.STATE else None,
            recorded_at=recorded_at,
        ),
    )
    return audit.store(
        session,
        confirmation,
        actor=actor,
        action="voluntary.receipt_usd_confirmed",
        object_type="voluntary_receipt",
        object_id=str(receipt_id),
        recorded_at=recorded_at,
        detail={"usd_minor": usd, "difference": difference},
    )


def receipt_out(session: Session, receipt_id: int) -> VoluntaryReceiptOut:
    """A receipt as the API shows it: the money, the pledges it settled, any reversal."""
    receipt = session.get(VoluntaryReceipt, receipt_id)
    if receipt is None:
        raise NotFound(f"voluntary receipt {receipt_id} does not exist")
    donor = get_donor(session, donor_id=receipt.donor_id)
    matched = session.execute(
        select(ReceiptPledgeMatch, col(Pledge.currency))
        .join(Pledge, col(Pledge.id) == col(ReceiptPledgeMatch.pledge_id))
        .where(col(ReceiptPledgeMatch.receipt_id) == receipt_id)
        .order_by(col(ReceiptPledgeMatch.pledge_id))
    ).all()
    reversal = session.get(VoluntaryReceiptReversal, receipt_id)
    confirmed = session.get(VoluntaryReceiptUsdConfirmation, receipt_id)
    return VoluntaryReceiptOut(
        id=receipt_id,
        donor_id=donor.id or 0,
        donor_name=donor.name,
        value_on=receipt.value_on,
        fund=receipt.fund_code,
        earmark=receipt.earmark,
        amount=format_minor(receipt.amount_minor, decimals_of(receipt.currency)),
        currency=receipt.currency,
        usd_amount=format_minor(receipt.usd_minor),
        usd_provisional=receipt.usd_provisional,
        usd_confirmed=None if confirmed is None else format_minor(confirmed.usd_minor),
        exchange_rate=None if receipt.exchange_rate is None else format(receipt.exchange_rate, "f"),
        bank_reference=receipt.bank_reference,
        note=receipt.note,
        entry_seq=receipt.entry_seq,
        matches=[
            MatchOut(
                pledge_id=m.pledge_id,
                amount=format_minor(m.amount_minor, decimals_of(currency)),
                currency=currency,
            )
            for m, currency in matched
        ],
        reversal=None
        if reversal is None
        else ReversalOut.model_validate(reversal, from_attributes=True),
        recorded_at=receipt.recorded_at,
        recorded_by=receipt.recorded_by,
    )


# --- projects and sponsorships ----------------------------------------------------------


def _get_project(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"project {project_id} does not exist")
    return project


def create_project(
    session: Session, *, actor: Actor, data: ProjectIn, recorded_at: datetime | None = None
) -> Project:
    """Record a project approved by the selection committee (status ``approved``)."""
    fields: dict[str, str] = {}
    fund = _collect(fields, lambda: _voluntary_fund(session, data.fund))
    approved = _collect(
        fields, lambda: parse_amount(data.approved_amount, "USD", field="approved_amount")
    )
    _not_future(fields, "approved_on", data.approved_on, "an approval")
    code = data.code.strip()
    if not code:
        fields["code"] = "required"
    ValidationFailed.raise_if(fields)
    assert fund is not None and approved is not None
    if session.execute(select(col(Project.id)).where(col(Project.code) == code)).first():
        raise Conflict(f"a project {code!r} is already recorded", fields={"code": "taken"})
    project = Project(
        code=code,
        title=data.title,
        grantee=data.grantee,
        country=data.country,
        fund_code=fund,
        earmark=earmark_of(data.earmark),
        approved_on=data.approved_on,
        approved_minor=approved,
        reference=data.reference,
        status=ProjectStatus.APPROVED,
        recorded_by=actor.name,
    )
    return audit.store(
        session,
        project,
        actor=actor,
        action="voluntary.project",
        object_type="voluntary_project",
        recorded_at=recorded_at,
        detail={**data.model_dump(mode="json"), "approved_minor": approved},
    )


def set_project_status(
    session: Session,
    *,
    actor: Actor,
    project_id: int,
    status: ProjectStatus,
    recorded_at: datetime | None = None,
) -> Project:
    """Mark a project completed or cancelled (or approved again): only an approved
    project receives tranches."""
    project = _lock(session, Project, project_id)
    if project is None:
        raise NotFound(f"project {project_id} does not exist")
    before = project.status
    project.status = status
    session.add(project)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="voluntary.project_status",
        object_type="voluntary_project",
        object_id=str(project_id),
        detail={"from": str(before), "to": status.value},
        occurred_at=recorded_at,
    )
    return project


def add_project_report(
    session: Session,
    *,
    actor: Actor,
    project_id: int,
    data: ReportIn,
    recorded_at: datetime | None = None,
) -> ProjectReport:
    """Record a report the project's grantee owes by ``data.due_on``."""
    project = _get_project(session, project_id)
    if data.due_on < project.approved_on:
        raise ValidationFailed(
            "a report is due after the project's approval",
            fields={"due_on": f"on or after {project.approved_on}"},
        )
    report = ProjectReport(
        project_id=project_id, due_on=data.due_on, title=data.title, recorded_by=actor.name
    )
    return audit.store(
        session,
        report,
        actor=actor,
        action="voluntary.project_report",
        object_type="voluntary_project_report",
        recorded_at=recorded_at,
        detail={"project_id": project_id, **data.model_dump(mode="json")},
    )


def mark_report_received(
    session: Session,
    *,
    actor: Actor,
    report_id: int,
    received_on: date,
    recorded_at: datetime | None = None,
) -> ProjectReport:
    """Record the day a project's report arrived (not in the future)."""
    report = _lock(session, ProjectReport, report_id)
    if report is None:
        raise NotFound(f"project report {report_id} does not exist")
    if report.received_on is not None:
        raise Conflict(f"project report {report_id} was received on {report.received_on}")
    project = _get_project(session, report.project_id)
    if not project.approved_on <= received_on <= utctoday():
        raise ValidationFailed(
            "a report is received between the project's approval and today",
            fields={"received_on": f"from {project.approved_on} to today"},
        )
    report.received_on = received_on
    session.add(report)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="voluntary.project_report_received",
        object_type="voluntary_project_report",
        object_id=str(report_id),
        detail={"received_on": received_on.isoformat()},
        occurred_at=recorded_at,
    )
    return report


def create_sponsorship(
    session: Session, *, actor: Actor, data: SponsorshipIn, recorded_at: datetime | None = None
) -> Sponsorship:
    """Record a delegate sponsored to attend a meeting, with its costs (US dollars)."""
    fields: dict[str, str] = {}
    fund = _collect(fields, lambda: _voluntary_fund(session, data.fund))
    costs: dict[str, int | None] = {}
    for name in ("travel", "subsistence", "other"):
        try:
            costs[name] = _cents(getattr(data, name), name)
        except ValidationFailed as exc:
            fields.update(exc.fields)
            costs[name] = None
    state_code = _state_exists(session, data.state_code, fields)
    if (
        data.conference_number is not None
        and session.get(Conference, data.conference_number) is None
    ):
        fields["conference_number"] = f"unknown conference {data.conference_number}"
    if all(v is not None for v in costs.values()) and not sum(v or 0 for v in costs.values()):
        fields["travel"] = "a sponsorship costs something (travel, subsistence or other)"
    ValidationFailed.raise_if(fields)
    assert fund is not None
    sponsorship = Sponsorship(
        fund_code=fund,
        earmark=earmark_of(data.earmark),
        meeting=data.meeting.strip(),
        conference_number=data.conference_number,
        traveller=data.traveller,
        state_code=state_code,
        travel_minor=costs["travel"] or 0,
        subsistence_minor=costs["subsistence"] or 0,
        other_minor=costs["other"] or 0,
        note=data.note,
        recorded_by=actor.name,
    )
    return audit.store(
        session,
        sponsorship,
        actor=actor,
        action="voluntary.sponsorship",
        object_type="sponsorship",
        recorded_at=recorded_at,
        detail=data.model_dump(mode="json"),
    )


def _paid_for(session: Session, column: Any, key: int) -> int:
    """US cents paid by the disbursements (not reversed, at their bank figure once
    confirmed) whose ``column`` is ``key``."""
    d, dc, dv = Disbursement, DisbursementUsdConfirmation, DisbursementReversal
    total = session.execute(
        select(_total(col(d.usd_minor) + func.coalesce(col(dc.difference_minor), 0)))
        .outerjoin(dc, col(dc.disbursement_id) == col(d.id))
        .outerjoin(dv, col(dv.disbursement_id) == col(d.id))
        .where(column == key, col(dv.disbursement_id).is_(None))
    ).scalar_one()
    return int(total)


def project_out(session: Session, project_id: int) -> ProjectOut:
    """A project with what was paid of it and its reports."""
    project = _get_project(session, project_id)
    paid = _paid_for(session, col(Disbursement.project_id), project_id)
    reports = session.execute(
        select(ProjectReport)
        .where(col(ProjectReport.project_id) == project_id)
        .order_by(col(ProjectReport.due_on), col(ProjectReport.id))
    ).scalars()
    return ProjectOut(
        id=project_id,
        code=project.code,
        title=project.title,
        grantee=project.grantee,
        country=project.country,
        fund=project.fund_code,
        earmark=project.earmark,
        approved_on=project.approved_on,
        approved_amount=format_minor(project.approved_minor),
        disbursed=format_minor(paid),
        remaining=format_minor(project.approved_minor - paid),
        reference=project.reference,
        status=project.status,
        reports=[
            ProjectReportOut(
                id=r.id or 0, due_on=r.due_on, title=r.title, received_on=r.received_on
            )
            for r in reports
        ],
        recorded_at=project.recorded_at,
        recorded_by=project.recorded_by,
    )


def sponsorship_out(session: Session, sponsorship_id: int) -> SponsorshipOut:
    """A sponsorship with its costs and what was paid of them."""
    s = session.get(Sponsorship, sponsorship_id)
    if s is None:
        raise NotFound(f"sponsorship {sponsorship_id} does not exist")
    return SponsorshipOut(
        id=sponsorship_id,
        fund=s.fund_code,
        earmark=s.earmark,
        meeting=s.meeting,
        conference_number=s.conference_number,
        traveller=s.traveller,
        state_code=s.state_code,
        travel=format_minor(s.travel_minor),
        subsistence=format_minor(s.subsistence_minor),
        other=format_minor(s.other_minor),
        costs=format_minor(s.costs_minor),
        disbursed=format_minor(
            _paid_for(session, col(Disbursement.sponsorship_id), sponsorship_id)
        ),
        note=s.note,
        recorded_at=s.recorded_at,
        recorded_by=s.recorded_by,
    )


# --- disbursements ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckedDisbursement:
    """A disbursement that passed validation: its pool, money and what it pays for."""

    fund: str
    earmark: str | None
    money: Money
    project: Project | None
    sponsorship: Sponsorship | None


def _purpose(
    session: Session, data: DisbursementIn, fields: dict[str, str]
) -> tuple[str | None, str | None, Project | None, Sponsorship | None]:
    """The fund, earmark, project and sponsorship of a disbursement (bad fields added)."""
    kind = data.kind
    earmark = earmark_of(data.earmark)
    if kind is not DisbursementKind.PROJECT_TRANCHE:
        if data.project_id is not None:
            fields["project_id"] = "only a project tranche names a project"
        if data.tranche is not None:
            fields["tranche"] = "only a project tranche has a tranche number"
    if kind is not DisbursementKind.SPONSORSHIP and data.sponsorship_id is not None:
        fields["sponsorship_id"] = "only a sponsorship disbursement names a sponsorship"
    if kind is DisbursementKind.OTHER:
        if data.fund is None:
            fields["fund"] = "required"
            return None, earmark, None, None
        return _collect(fields, lambda: _voluntary_fund(session, data.fund)), earmark, None, None
    owner: Project | Sponsorship | None
    if kind is DisbursementKind.PROJECT_TRANCHE:
        key, owner = "project_id", None
        if data.project_id is None:
            fields[key] = "required for a project tranche"
        else:
            owner = session.get(Project, data.project_id)
            if owner is None:
                fields[key] = f"unknown project {data.project_id}"
    else:
        key, owner = "sponsorship_id", None
        if data.sponsorship_id is None:
            fields[key] = "required for a sponsorship disbursement"
        else:
            owner = session.get(Sponsorship, data.sponsorship_id)
            if owner is None:
                fields[key] = f"unknown sponsorship {data.sponsorship_id}"
    if owner is None:
        return None, None, None, None
    if data.fund is not None and data.fund.strip().upper() != owner.fund_code:
        fields["fund"] = f"the {key[:-3]} is paid from fund {owner.fund_code}"
    if data.earmark is not None and earmark != owner.earmark:
        fields["earmark"] = (
            f"the {key[:-3]} is paid from {_pool_words(owner.fund_code, owner.earmark)}"
        )
    project = owner if isinstance(owner, Project) else None
    sponsorship = owner if isinstance(owner, Sponsorship) else None
    return owner.fund_code, owner.earmark, project, sponsorship


def _tranche(session: Session, project: Project, asked: int | None) -> int:
    """The tranche number: the one asked (if no tranche of the project not reversed has
    it), else the smallest one not taken."""
    d, dv = Disbursement, DisbursementReversal
    taken = set(
        session.execute(
            select(col(d.tranche))
            .outerjoin(dv, col(dv.disbursement_id) == col(d.id))
            .where(col(d.project_id) == project.id, col(dv.disbursement_id).is_(None))
        ).scalars()
    )
    if asked is not None:
        if asked in taken:
            raise ValidationFailed(
                f"tranche {asked} of project {project.code} is already paid",
                fields={"tranche": "already paid"},
            )
        return asked
    number = 1
    while number in taken:
        number += 1
    return number


def check_disbursement(session: Session, data: DisbursementIn) -> CheckedDisbursement:
    """Validate a disbursement without writing anything: every bad field at once
    (ValidationFailed), then a closed period, an inactive project or a tranche before
    its approval (RuleViolation)."""
    fields: dict[str, str] = {}
    fund, earmark, project, sponsorship = _purpose(session, data, fields)
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
    _not_future(fields, "value_on", data.value_on, "a disbursement")
    if project is not None and data.value_on < project.approved_on and "value_on" not in fields:
        fields["value_on"] = f"a tranche is paid on or after the approval ({project.approved_on})"
    ValidationFailed.raise_if(fields)
    assert fund is not None and paid is not None
    refuse_closed(session, fund, data.value_on)
    if project is not None and project.status != ProjectStatus.APPROVED:
        raise RuleViolation(
            f"project {project.code} is {project.status}: it receives no more tranches",
            fields={"project_id": str(project.status)},
        )
    return CheckedDisbursement(fund, earmark, paid, project, sponsorship)


def record_disbursement(
    session: Session,
    *,
    actor: Actor,
    data: DisbursementIn,
    recorded_at: datetime | None = None,
) -> Disbursement:
    """Pay money out of a voluntary fund and post it (see the module docstring).

    Refused (RuleViolation, ``fields["amount"]`` saying at most how much) when it takes
    more than its fund and earmark hold on its date or any later one, more than is left
    of its project's approved amount, or more than is left of its sponsorship's costs.
    ``recorded_at`` defaults to now; only the demo loader back-dates it."""
    checked = check_disbursement(session, data)
    fund, earmark, paid = checked.fund, checked.earmark, checked.money
    _lock_fund(session, fund)
    tranche = None
    if checked.project is not None:
        project = checked.project
        left = project.approved_minor - _paid_for(
            session, col(Disbursement.project_id), project.id or 0
        )
        if paid.usd_minor > left:
            raise RuleViolation(
                f"project {project.code} was approved for {format_minor(project.approved_minor)} "
                f"US dollars and {format_minor(max(left, 0))} is left: a tranche of "
                f"{format_minor(paid.usd_minor)} is refused",
                fields={"amount": f"at most {_usd(max(left, 0), paid.currency)}"},
            )
        tranche = _tranche(session, project, data.tranche)
    if checked.sponsorship is not None:
        s = checked.sponsorship
        left = s.costs_minor - _paid_for(session, col(Disbursement.sponsorship_id), s.id or 0)
        if paid.usd_minor > left:
            raise RuleViolation(
                f"the sponsorship of {s.traveller} for {s.meeting} costs "
                f"{format_minor(s.costs_minor)} US dollars and {format_minor(max(left, 0))} is "
                f"left to pay: {format_minor(paid.usd_minor)} is refused",
                fields={"amount": f"at most {_usd(max(left, 0), paid.currency)}"},
            )
    _refuse_short(
        session,
        fund=fund,
        earmark=earmark,
        day=data.value_on,
        taken=paid.usd_minor,
        what="the disbursement",
        field="amount",
        currency=paid.currency,
    )
    shown = format_minor(paid.amount_minor, decimals_of(paid.currency))
    entry = post_entry(
        session,
        actor=actor,
        value_on=data.value_on,
        entry_type=DISBURSEMENT_ENTRY,
        description=f"Disbursement from {fund}"
        + (f" ({earmark})" if earmark else "")
        + f" ({data.kind.value}): {data.payee[:120]}, {shown} {paid.currency}",
        source_ref=f"disbursement {data.reference}",
        postings=[
            PostingSpec(account_code(fund, AccountType.EXPENDITURE), paid.usd_minor),
            PostingSpec(account_code(fund, AccountType.BANK), -paid.usd_minor),
        ],
        recorded_at=recorded_at,
    )
    disbursement = Disbursement(
        fund_code=fund,
        earmark=earmark,
        value_on=data.value_on,
        kind=data.kind,
        project_id=None if checked.project is None else checked.project.id,
        sponsorship_id=None if checked.sponsorship is None else checked.sponsorship.id,
        tranche=tranche,
        currency=paid.currency,
        amount_minor=paid.amount_minor,
        usd_minor=paid.usd_minor,
        usd_provisional=paid.provisional,
        exchange_rate=paid.rate,
        payee=data.payee,
        reference=data.reference,
        description=data.description,
        entry_seq=entry.seq,
        recorded_by=actor.name,
    )
    return audit.store(
        session,
        disbursement,
        actor=actor,
        action="voluntary.disbursement",
        object_type="disbursement",
        recorded_at=recorded_at,
        detail={
            **data.model_dump(mode="json"),
            "usd_minor": paid.usd_minor,
            "tranche": tranche,
            "entry": entry.seq,
        },
    )


def _get_disbursement(session: Session, disbursement_id: int) -> Disbursement:
    found = _lock(session, Disbursement, disbursement_id)
    if found is None:
        raise NotFound(f"disbursement {disbursement_id} does not exist")
    return found


def reverse_disbursement(
    session: Session,
    *,
    actor: Actor,
    disbursement_id: int,
    data: ReversalIn,
    recorded_at: datetime | None = None,
) -> DisbursementReversal:
    """Undo a disbursement (returned by the bank, recorded in error) on
    ``data.value_on``: its entry and any exchange difference are reversed and its money
    is available again from that day. Nothing is deleted."""
    disbursement = _get_disbursement(session, disbursement_id)
    _lock_fund(session, disbursement.fund_code)
    if session.get(DisbursementReversal, disbursement_id) is not None:
        raise Conflict(f"disbursement {disbursement_id} is already reversed")
    confirmed = session.get(DisbursementUsdConfirmation, disbursement_id)
    _check_reversal_date(
        data.value_on, since=disbursement.value_on, confirmed=confirmed, what="disbursement"
    )
    refuse_closed(session, disbursement.fund_code, data.value_on)
    return _store_reversal(
        session,
        actor=actor,
        seqs=[None if confirmed is None else confirmed.entry_seq, disbursement.entry_seq],
        data=data,
        make=lambda seq: DisbursementReversal(
            disbursement_id=disbursement_id,
            value_on=data.value_on,
            reason=data.reason,
            entry_seq=seq,
            recorded_by=actor.name,
        ),
        action="voluntary.disbursement_reversal",
        object_type="disbursement",
        object_id=disbursement_id,
        recorded_at=recorded_at,
    )


def confirm_disbursement_usd(
    session: Session,
    *,
    actor: Actor,
    disbursement_id: int,
    usd_amount: str,
    value_on: date,
    recorded_at: datetime | None = None,
) -> DisbursementUsdConfirmation:
    """Record the bank's US dollar figure for a disbursement recorded at a provisional
    rate; the difference posts to the fund's exchange gain/loss (more dollars paid out:
    a loss). A higher figure is refused when the pool no longer holds the difference."""
    disbursement = _get_disbursement(session, disbursement_id)
    _lock_fund(session, disbursement.fund_code)
    if not disbursement.usd_provisional:
        raise RuleViolation(
            f"disbursement {disbursement_id} already carries the bank's US dollar figure"
        )
    if session.get(DisbursementUsdConfirmation, disbursement_id) is not None:
        raise Conflict(f"the US dollar figure of disbursement {disbursement_id} is confirmed")
    if session.get(DisbursementReversal, disbursement_id) is not None:
        raise RuleViolation(f"disbursement {disbursement_id} is reversed")
    check_correction_date(
        value_on, since=disbursement.value_on, what="disbursement", correction="confirmation"
    )
    usd = parse_amount(usd_amount, "USD", field="usd_amount")
    refuse_closed(session, disbursement.fund_code, value_on)
    difference = usd - disbursement.usd_minor
    if difference > 0:
        _refuse_short(
            session,
            fund=disbursement.fund_code,
            earmark=disbursement.earmark,
            day=value_on,
            taken=difference,
            what=f"the bank's higher figure for disbursement {disbursement_id}",
            field="usd_amount",
        )
    confirmation = DisbursementUsdConfirmation(
        disbursement_id=disbursement_id,
        usd_minor=usd,
        difference_minor=difference,
        value_on=value_on,
        recorded_by=actor.name,
        entry_seq=post_bank_figure(
            session,
            actor=actor,
            fund=disbursement.fund_code,
            value_on=value_on,
            provisional_minor=disbursement.usd_minor,
            bank_minor=usd,
            inflow=False,
            what=f"disbursement {disbursement_id}",
            source_ref=f"disbursement {disbursement.reference}",
            recorded_at=recorded_at,
        ),
    )
    return audit.store(
        session,
        confirmation,
        actor=actor,
        action="voluntary.disbursement_usd_confirmed",
        object_type="disbursement",
        object_id=str(disbursement_id),
        recorded_at=recorded_at,
        detail={"usd_minor": usd, "difference": difference},
    )


def disbursement_out(session: Session, disbursement_id: int) -> DisbursementOut:
    """A disbursement as the API shows it, with its reversal and confirmation."""
    d = session.get(Disbursement, disbursement_id)
    if d is None:
        raise NotFound(f"disbursement {disbursement_id} does not exist")
    reversal = session.get(DisbursementReversal, disbursement_id)
    confirmed = session.get(DisbursementUsdConfirmation, disbursement_id)
    return DisbursementOut(
        id=disbursement_id,
        kind=d.kind,
        fund=d.fund_code,
        earmark=d.earmark,
        value_on=d.value_on,
        project_id=d.project_id,
        sponsorship_id=d.sponsorship_id,
        tranche=d.tranche,
        amount=format_minor(d.amount_minor, decimals_of(d.currency)),
        currency=d.currency,
        usd_amount=format_minor(d.usd_minor),
        usd_provisional=d.usd_provisional,
        usd_confirmed=None if confirmed is None else format_minor(confirmed.usd_minor),
        exchange_rate=None if d.exchange_rate is None else format(d.exchange_rate, "f"),
        payee=d.payee,
        reference=d.reference,
        description=d.description,
        entry_seq=d.entry_seq,
        reversal=None
        if reversal is None
        else ReversalOut.model_validate(reversal, from_attributes=True),
        recorded_at=d.recorded_at,
        recorded_by=d.recorded_by,
    )


# --- as at (as_at, known_at) ------------------------------------------------------------


def _money_in(as_at: date, known_at: datetime | None) -> tuple[Any, Any]:
    """The receipts dated and recorded by the cutoffs and not reversed by then, with
    their US dollar value (the bank's figure once its confirmation counts): a FROM
    clause and the value column."""
    r, rc, rv = VoluntaryReceipt, VoluntaryReceiptUsdConfirmation, VoluntaryReceiptReversal
    undone = and_(
        col(rv.receipt_id) == col(r.id), col(rv.value_on) <= as_at, _known(rv.recorded_at, known_at)
    )
    confirmed = and_(
        col(rc.receipt_id) == col(r.id), col(rc.value_on) <= as_at, _known(rc.recorded_at, known_at)
    )
    value = col(r.usd_minor) + func.coalesce(col(rc.difference_minor), 0)
    source = (
        select(r)
        .outerjoin(rv, undone)
        .outerjoin(rc, confirmed)
        .where(
            col(r.value_on) <= as_at,
            _known(r.recorded_at, known_at),
            col(rv.receipt_id).is_(None),
        )
    )
    return source, value


def _money_out(as_at: date, known_at: datetime | None) -> tuple[Any, Any]:
    """The disbursements dated and recorded by the cutoffs and not reversed by then, with
    their US dollar value (the bank's figure once its confirmation counts)."""
    d, dc, dv = Disbursement, DisbursementUsdConfirmation, DisbursementReversal
    undone = and_(
        col(dv.disbursement_id) == col(d.id),
        col(dv.value_on) <= as_at,
        _known(dv.recorded_at, known_at),
    )
    confirmed = and_(
        col(dc.disbursement_id) == col(d.id),
        col(dc.value_on) <= as_at,
        _known(dc.recorded_at, known_at),
    )
    value = col(d.usd_minor) + func.coalesce(col(dc.difference_minor), 0)
    source = (
        select(d)
        .outerjoin(dv, undone)
        .outerjoin(dc, confirmed)
        .where(
            col(d.value_on) <= as_at,
            _known(d.recorded_at, known_at),
            col(dv.disbursement_id).is_(None),
        )
    )
    return source, value


@dataclass(frozen=True, slots=True)
class PoolBalance:
    """One fund and earmark as at a date (US cents): received (net of reversals, at the
    bank's figures), disbursed likewise, and available = received − disbursed."""

    fund: str
    earmark: str | None
    received_minor: int
    disbursed_minor: int

    @property
    def available_minor(self) -> int:
        return self.received_minor - self.disbursed_minor


def balances(
    session: Session, *, as_at: date, known_at: datetime | None = None
) -> list[PoolBalance]:
    """Per fund and earmark, received, disbursed and available as at ``(as_at,
    known_at)``: one SQL aggregate per side, by fund then earmark (unearmarked first)."""
    totals: dict[usage.Pool, list[int]] = defaultdict(lambda: [0, 0])
    for side, (source, value) in enumerate(
        (_money_in(as_at, known_at), _money_out(as_at, known_at))
    ):
        model = VoluntaryReceipt if side == 0 else Disbursement
        rows = session.execute(
            source.with_only_columns(
                col(model.fund_code), col(model.earmark), _total(value)
            ).group_by(col(model.fund_code), col(model.earmark))
        ).all()
        for fund, earmark, amount in rows:
            totals[(str(fund), earmark)][side] = int(amount)
    return [
        PoolBalance(fund, earmark, got, paid)
        for (fund, earmark), (got, paid) in sorted(
            totals.items(), key=lambda kv: (kv[0][0], kv[0][1] is not None, kv[0][1] or "")
        )
    ]


def balances_out(session: Session, *, as_at: date, known_at: datetime | None = None) -> BalancesOut:
    """``balances`` as the API shows them (US dollars)."""
    return BalancesOut(
        as_at=as_at,
        known_at=known_at,
        pools=[
            PoolOut(
                fund=b.fund,
                earmark=b.earmark,
                received=format_minor(b.received_minor),
                disbursed=format_minor(b.disbursed_minor),
                available=format_minor(b.available_minor),
            )
            for b in balances(session, as_at=as_at, known_at=known_at)
        ],
    )


def traced_money(
    session: Session,
    *,
    as_at: date,
    known_at: datetime | None = None,
    funds: Iterable[str] | None = None,
) -> tuple[list[usage.MoneyIn], list[usage.MoneyOut]]:
    """The receipts and disbursements as at ``(as_at, known_at)`` (of ``funds`` if
    given), at their US dollar value then, as ``usage`` takes them."""
    r, d = VoluntaryReceipt, Disbursement
    source_in, value_in = _money_in(as_at, known_at)
    source_out, value_out = _money_out(as_at, known_at)
    query_in = source_in.with_only_columns(
        col(r.id), col(r.donor_id), col(r.fund_code), col(r.earmark), col(r.value_on), value_in
    )
    query_out = source_out.with_only_columns(
        col(d.id), col(d.fund_code), col(d.earmark), col(d.value_on), value_out
    )
    if funds is not None:
        wanted = list(funds)
        query_in = query_in.where(col(r.fund_code).in_(wanted))
        query_out = query_out.where(col(d.fund_code).in_(wanted))
    money_in = [
        usage.MoneyIn(int(i), int(donor), str(f), e, on, int(v))
        for i, donor, f, e, on, v in session.execute(query_in).all()
    ]
    money_out = [
        usage.MoneyOut(int(i), str(f), e, on, int(v))
        for i, f, e, on, v in session.execute(query_out).all()
    ]
    return money_in, money_out


# --- a donor's statement ----------------------------------------------------------------


def donor_statement(
    session: Session,
    *,
    donor_id: int,
    year: int,
    as_at: date,
    known_at: datetime | None = None,
) -> DonorStatement:
    """A donor's statement for ``year`` as at ``(as_at, known_at)``: figures as at the
    end of the year, or ``as_at`` if earlier; pledges made in the year or outstanding at
    its start; receipts dated in the year and not reversed; what was spent in the year
    from its money, traced oldest receipt first within each fund and earmark, and what
    of its money is unspent."""
    donor = get_donor(session, donor_id=donor_id)
    start = date(year, 1, 1)
    if as_at < start:
        raise ValidationFailed(
            f"a statement for {year} is as at a date in {year} or later",
            fields={"as_at": f"on or after {start}"},
        )
    end = min(as_at, date(year, 12, 31))
    every = pledge_lines(session, as_at=end, known_at=known_at, donor_id=donor_id)
    before = {
        x.pledge_id: x.outstanding_minor
        for x in pledge_lines(
            session, as_at=start - timedelta(days=1), known_at=known_at, donor_id=donor_id
        )
    }
    pledges = tuple(x for x in every if x.pledged_on >= start or before.get(x.pledge_id, 0) > 0)
    money_in, money_out = traced_money(session, as_at=end, known_at=known_at)
    mine = [x for x in money_in if x.donor_id == donor_id]
    in_year = sorted((x for x in mine if x.value_on >= start), key=lambda x: (x.value_on, x.id))
    matched: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    if in_year:
        rows = session.execute(
            select(
                col(ReceiptPledgeMatch.receipt_id),
                col(ReceiptPledgeMatch.pledge_id),
                col(Pledge.currency),
                col(ReceiptPledgeMatch.amount_minor),
            )
            .join(Pledge, col(Pledge.id) == col(ReceiptPledgeMatch.pledge_id))
            .where(col(ReceiptPledgeMatch.receipt_id).in_([x.id for x in in_year]))
            .order_by(col(ReceiptPledgeMatch.pledge_id))
        ).all()
        for receipt_id, pledge_id, currency, amount in rows:
            matched[int(receipt_id)].append((int(pledge_id), str(currency), int(amount)))
    originals = {
        r.id: r
        for r in session.execute(
            select(VoluntaryReceipt).where(col(VoluntaryReceipt.id).in_([x.id for x in in_year]))
        ).scalars()
    }
    receipts = tuple(
        ReceiptLine(
            receipt_id=x.id,
            value_on=x.value_on,
            fund=x.fund,
            earmark=x.earmark,
            currency=originals[x.id].currency,
            amount_minor=originals[x.id].amount_minor,
            usd_minor=x.usd_minor,
            pledge_ids=tuple(p for p, _, _ in matched.get(x.id, [])),
        )
        for x in in_year
    )
    pools = {x.pool for x in mine}
    traced = usage.trace(
        [x for x in money_in if x.pool in pools], [x for x in money_out if x.pool in pools]
    )
    paid_on = {x.id: x.value_on for x in money_out}
    pool_of = {x.id: x.pool for x in mine}
    spent: dict[usage.Pool, int] = defaultdict(int)
    unspent: dict[usage.Pool, int] = defaultdict(int)
    for use in traced.uses:
        if use.receipt_id in pool_of and paid_on[use.disbursement_id] >= start:
            spent[pool_of[use.receipt_id]] += use.amount_minor
    for receipt_id, pool in pool_of.items():
        unspent[pool] += traced.unspent[receipt_id]
    spending = tuple(
        SpendingLine(fund, earmark, spent[(fund, earmark)], unspent[(fund, earmark)])
        for fund, earmark in sorted(pools, key=lambda p: (p[0], p[1] is not None, p[1] or ""))
        if spent[(fund, earmark)] or unspent[(fund, earmark)]
    )
    pledged: dict[str, int] = defaultdict(int)
    received: dict[str, int] = defaultdict(int)
    outstanding: dict[str, int] = defaultdict(int)
    for x in pledges:
        if x.pledged_on >= start:
            pledged[x.currency] += x.amount_minor
    for lines in matched.values():
        for _, currency, amount in lines:
            received[currency] += amount
    for x in every:
        outstanding[x.currency] += x.outstanding_minor
    currencies = sorted(
        {x.currency for x in pledges} | set(received) | {c for c, v in outstanding.items() if v}
    )
    return DonorStatement(
        donor_id=donor_id,
        donor_name=donor.name,
        year=year,
        as_at=as_at,
        known_at=known_at,
        pledges=pledges,
        receipts=receipts,
        spending=spending,
        totals=tuple(CurrencyTotal(c, pledged[c], received[c], outstanding[c]) for c in currencies),
    )


# --- reconciliation with the ledger -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class FundReconciliation:
    """One voluntary fund as at a date: the ledger's balances (US cents, debit +) against
    the sums of its records (receipts and disbursements not reversed: their US dollar
    amounts as posted and the bank figures' differences)."""

    fund: str
    ledger_bank_minor: int
    ledger_revenue_minor: int
    ledger_expenditure_minor: int
    ledger_exchange_minor: int
    ledger_other_minor: int
    received_minor: int
    received_difference_minor: int
    disbursed_minor: int
    disbursed_difference_minor: int

    @property
    def expected_bank_minor(self) -> int:
        """Received (at the bank's figures) less disbursed (likewise)."""
        return (
            self.received_minor
            + self.received_difference_minor
            - self.disbursed_minor
            - self.disbursed_difference_minor
        )

    @property
    def agrees(self) -> bool:
        """Whether every ledger balance is what the records say (and no other account
        of the fund moved)."""
        return (
            self.ledger_bank_minor == self.expected_bank_minor
            and self.ledger_revenue_minor == -self.received_minor
            and self.ledger_expenditure_minor == self.disbursed_minor
            and self.ledger_exchange_minor
            == self.disbursed_difference_minor - self.received_difference_minor
            and self.ledger_other_minor == 0
        )


def _recorded_sums(
    session: Session, source: Any, model: Any, confirmation: Any
) -> dict[str, tuple[int, int]]:
    """Per fund: the US cents posted and the counted bank-figure differences."""
    rows = session.execute(
        source.with_only_columns(
            col(model.fund_code),
            _total(col(model.usd_minor)),
            _total(func.coalesce(col(confirmation.difference_minor), 0)),
        ).group_by(col(model.fund_code))
    ).all()
    return {str(f): (int(a), int(b)) for f, a, b in rows}


def reconcile(
    session: Session, *, as_at: date, known_at: datetime | None = None
) -> list[FundReconciliation]:
    """Every voluntary fund's ledger balances (bank, voluntary revenue, expenditure,
    exchange gain/loss, any other) against its receipts and disbursements not reversed,
    as at ``(as_at, known_at)``."""
    funds = [
        str(f)
        for f in session.execute(
            select(col(Fund.code))
            .where(col(Fund.kind) == FundKind.VOLUNTARY.value)
            .order_by(col(Fund.code))
        ).scalars()
    ]
    ledger: dict[tuple[str, str], int] = defaultdict(int)
    for b in ledger_balances(
        session, as_at=as_at, by=[BalanceDim.FUND, BalanceDim.ACCOUNT_TYPE], known_at=known_at
    ):
        ledger[(str(b.fund), str(b.account_type))] = b.amount_minor
    source_in, _ = _money_in(as_at, known_at)
    source_out, _ = _money_out(as_at, known_at)
    got = _recorded_sums(session, source_in, VoluntaryReceipt, VoluntaryReceiptUsdConfirmation)
    paid = _recorded_sums(session, source_out, Disbursement, DisbursementUsdConfirmation)
    named = {
        AccountType.BANK.value,
        AccountType.VOLUNTARY_REVENUE.value,
        AccountType.EXPENDITURE.value,
        AccountType.EXCHANGE_GAIN_LOSS.value,
    }
    result = []
    for fund in funds:
        received, received_diff = got.get(fund, (0, 0))
        disbursed, disbursed_diff = paid.get(fund, (0, 0))
        result.append(
            FundReconciliation(
                fund=fund,
                ledger_bank_minor=ledger[(fund, AccountType.BANK.value)],
                ledger_revenue_minor=ledger[(fund, AccountType.VOLUNTARY_REVENUE.value)],
                ledger_expenditure_minor=ledger[(fund, AccountType.EXPENDITURE.value)],
                ledger_exchange_minor=ledger[(fund, AccountType.EXCHANGE_GAIN_LOSS.value)],
                ledger_other_minor=sum(
                    abs(v) for (f, t), v in ledger.items() if f == fund and t not in named
                ),
                received_minor=received,
                received_difference_minor=received_diff,
                disbursed_minor=disbursed,
                disbursed_difference_minor=disbursed_diff,
            )
        )
    return result
