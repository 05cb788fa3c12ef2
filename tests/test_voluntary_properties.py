"""Over random histories of the voluntary funds (pledges, receipts matched automatically
or explicitly, withdrawals, disbursements including refused ones, reversals and bank
figures, in random order and in US dollars, euros and Swiss francs), on both databases,
as at several dates and recording cutoffs:

- per pledge, received (recomputed here from the matches) + withdrawn + outstanding =
  pledged, in its currency, and nothing is ever outstanding below zero;
- per fund, the ledger agrees with the records and every fund balances;
- no fund and earmark holds less than nothing on any date;
- every cent disbursed is traced to a donor's receipt, and the donors' statements
  together account for every cent spent.

Each example runs in one transaction, rolled back at the end."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.db_types import utcnow
from finance_core.errors import DomainError
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.payments.schemas import ExchangeRateIn, ReversalIn
from finance_core.payments.service import add_rate
from finance_core.states.models import State
from finance_core.voluntary import service, usage
from finance_core.voluntary.models import DonorKind
from finance_core.voluntary.schemas import (
    DisbursementIn,
    DonorIn,
    PledgeIn,
    VoluntaryReceiptIn,
    WithdrawalIn,
)

START = date(2024, 1, 1)
FUNDS = ["VTF", "SPP"]
EARMARKS = [None, "gender"]
CURRENCIES = ["USD", "USD", "EUR", "CHF"]

day = st.integers(0, 365)
early = st.integers(0, 200)  # money comes in mostly before it goes out
late = st.integers(60, 365)
pool = st.tuples(st.integers(0, 1), st.sampled_from([0, 0, 1]))
donor = st.sampled_from([0, 0, 1, 2])
pledge_op = st.tuples(
    st.just("pledge"),
    donor,
    pool,
    st.integers(0, 150),
    st.integers(1, 3_000_000),
    st.sampled_from(CURRENCIES),
)
receive_op = st.tuples(
    st.just("receive"),
    donor,
    pool,
    early,
    st.integers(1, 3_000_000),
    st.sampled_from(CURRENCIES),
    st.sampled_from(["auto", "auto", "none", "explicit"]),
    st.integers(1, 4),  # explicit: that many quarters of the pledge
)
disburse_op = st.tuples(
    st.just("disburse"),
    st.one_of(pool, st.integers(0, 50)),  # a pool, or that of an earlier receipt
    late,
    st.integers(1, 800_000),
    st.sampled_from(CURRENCIES),
)
withdraw_op = st.tuples(st.just("withdraw"), st.integers(0, 50), st.integers(0, 120))
reverse_op = st.tuples(
    st.sampled_from(["reverse_receipt", "reverse_disbursement"]),
    st.integers(0, 50),
    st.integers(0, 60),
)
confirm_op = st.tuples(
    st.sampled_from(["confirm_receipt", "confirm_disbursement"]),
    st.integers(0, 50),
    st.integers(-5000, 5000),
)
# the same donor gives again to the same pool, a few days after an earlier receipt
again_op = st.tuples(st.just("again"), st.integers(0, 50), st.integers(0, 30))
# a donor pays (part of, or more than) one of its pledges, a little after making it
settle_op = st.tuples(
    st.just("settle"),
    st.integers(0, 50),
    st.integers(0, 60),
    st.sampled_from([4, 4, 4, 1, 2, 6]),  # that many quarters of the pledge
    st.sampled_from(["auto", "explicit"]),
)
OPS = {
    "settle": settle_op,
    "again": again_op,
    "pledge": pledge_op,
    "receive": receive_op,
    "disburse": disburse_op,
    "withdraw": withdraw_op,
    "reverse": reverse_op,
    "confirm": confirm_op,
}
mixed = st.sampled_from(
    [
        "pledge",
        "receive",
        "disburse",
        "disburse",
        "disburse",
        "withdraw",
        "reverse",
        "reverse",
        "confirm",
    ]
).flatmap(OPS.__getitem__)
# some pledges and money first (so that payments have something to draw on), then
# anything in any order
history = st.tuples(
    st.lists(pledge_op, min_size=1, max_size=3),
    st.lists(st.one_of(receive_op, settle_op), min_size=1, max_size=4),
    st.lists(mixed, min_size=4, max_size=16),
).map(lambda parts: [*parts[0], *parts[1], *parts[2]])


@dataclass
class Model:
    """What the test knows independently: pledges, receipts with their matches, and the
    index of the operation that recorded each thing."""

    #: pledge id, donor, fund index, earmark index, pledged on
    pledges: list[tuple[int, int, int, int, date]] = field(default_factory=list)
    #: receipts and disbursements: id, value on, provisional; the receipts' pools
    receipts: list[tuple[int, date, bool]] = field(default_factory=list)
    given: list[tuple[Any, ...]] = field(default_factory=list)  # the receive ops
    disbursements: list[tuple[int, date, bool]] = field(default_factory=list)
    #: receipt id, pledge id, amount, recorded at op
    matches: list[tuple[int, int, int, int]] = field(default_factory=list)
    receipt_on: dict[int, tuple[date, int]] = field(default_factory=dict)  # value on, op
    reversed_on: dict[int, tuple[date, int]] = field(default_factory=dict)  # receipt: (on, op)
    withdrawn: dict[int, tuple[date, int, int]] = field(default_factory=dict)  # on, amount, op
    pledge_made: dict[int, tuple[date, int, int]] = field(default_factory=dict)  # on, amount, op
    currencies: dict[int, str] = field(default_factory=dict)  # of the pledges
    confirmed: set[int] = field(default_factory=set)
    days: set[date] = field(default_factory=set)


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def test_property_voluntary_histories(session: Session, engine: Engine, officer: Actor) -> None:
    session.add(State(code="DEU", name="Germany", un_member=True))
    session.flush()
    for currency, valid_on, rate in (
        ("EUR", START, "1.10"),
        ("EUR", date(2024, 7, 1), "1.0823"),
        ("CHF", START, "1.12"),
    ):
        add_rate(
            session,
            actor=officer,
            data=ExchangeRateIn(
                currency=currency, valid_on=valid_on, usd_per_unit=rate, source="t"
            ),
        )
    donors = [
        service.create_donor(
            session,
            actor=officer,
            data=DonorIn(name="Germany", kind=DonorKind.STATE, state_code="DEU"),
        ).id
        or 0,
        service.create_donor(
            session, actor=officer, data=DonorIn(name="Flanders", kind=DonorKind.ORGANISATION)
        ).id
        or 0,
        service.create_donor(
            session, actor=officer, data=DonorIn(name="Foundation", kind=DonorKind.ORGANISATION)
        ).id
        or 0,
    ]
    session.commit()
    actor = Actor(name="prop", origin="test")

    @given(history, st.lists(day, min_size=1, max_size=2))
    def run(ops: list[tuple[Any, ...]], offsets: list[int]) -> None:
        with Session(engine) as s:
            model = Model()
            cutoffs: list[datetime] = []
            for i, op in enumerate(ops):
                with contextlib.suppress(DomainError):  # refused: writes nothing
                    apply(s, actor, donors, model, i, op)
                cutoffs.append(utcnow())
            middle = len(cutoffs) // 2
            for known, known_at in ((middle, cutoffs[middle]), (len(ops), None)):
                for as_at in {START + timedelta(days=o) for o in offsets} | {
                    date(2024, 12, 31),
                    date(2025, 12, 31),
                }:
                    check_funds(s, as_at, known_at)
                for as_at in sorted(model.days | {date(2025, 12, 31)}):
                    check_pledges(s, model, as_at, known_at, known)
                check_pools_and_tracing(s, model, known_at, donors)
            s.rollback()

    run()


def apply(
    s: Session, actor: Actor, donors: list[int], model: Model, i: int, op: tuple[Any, ...]
) -> None:
    kind = op[0]
    if kind == "pledge":
        _, who, (f, e), offset, cents, currency = op
        on = START + timedelta(days=offset)
        p = service.record_pledge(
            s,
            actor=actor,
            data=PledgeIn(
                donor_id=donors[who],
                pledged_on=on,
                fund=FUNDS[f],
                earmark=EARMARKS[e],
                currency=currency,
                amount=money(cents),
                reference=f"P{i}",
            ),
        )
        model.pledges.append((p.id or 0, who, f, e, on))
        model.pledge_made[p.id or 0] = (on, cents, i)
        model.currencies[p.id or 0] = currency
        model.days.add(on)
    elif kind == "receive":
        _, who, (f, e), offset, cents, currency, mode, quarters = op
        on = START + timedelta(days=offset)
        match: Any = mode
        if mode == "explicit":
            mine = [p for p in model.pledges if p[1:4] == (who, f, e)]
            if mine:
                pid = mine[(cents + i) % len(mine)][0]
                amount = max(1, model.pledge_made[pid][1] * quarters // 4)
                match = [{"pledge_id": pid, "amount": money(amount)}]
            else:
                match = "auto"
        receipt = service.record_receipt(
            s,
            actor=actor,
            data=VoluntaryReceiptIn.model_validate(
                {
                    "donor_id": donors[who],
                    "value_on": on,
                    "fund": FUNDS[f],
                    "earmark": EARMARKS[e],
                    "amount": money(cents),
                    "currency": currency,
                    "bank_reference": f"R{i}",
                    "match": match,
                }
            ),
        )
        rid = receipt.id or 0
        model.receipts.append((rid, on, receipt.usd_provisional))
        model.given.append(op)
        model.receipt_on[rid] = (on, i)
        model.days.add(on)
        for m in service.receipt_out(s, rid).matches:
            model.matches.append((rid, m.pledge_id, int(m.amount.replace(".", "")), i))
    elif kind == "settle" and model.pledges:
        pid, who, f, e, on = model.pledges[op[1] % len(model.pledges)]
        _, cents, _ = model.pledge_made[pid]
        currency = model.currencies[pid]
        offset = (on - START).days + op[2]
        paid = max(1, cents * op[3] // 4)
        apply(
            s,
            actor,
            donors,
            model,
            i,
            ("receive", who, (f, e), offset, paid, currency, op[4], op[3]),
        )
    elif kind == "again" and model.given:
        earlier = model.given[op[1] % len(model.given)]
        apply(
            s, actor, donors, model, i, (*earlier[:3], earlier[3] + op[2], *earlier[4:6], "auto", 1)
        )
    elif kind == "disburse":
        _, where, offset, cents, currency = op
        if isinstance(where, int):
            if not model.given:
                return
            where = model.given[where % len(model.given)][2]
        f, e = where
        on = START + timedelta(days=offset)
        d = service.record_disbursement(
            s,
            actor=actor,
            data=DisbursementIn(
                fund=FUNDS[f],
                earmark=EARMARKS[e],
                value_on=on,
                amount=money(cents),
                currency=currency,
                payee="Payee",
                reference=f"D{i}",
            ),
        )
        model.disbursements.append((d.id or 0, on, d.usd_provisional))
        model.days.add(on)
    elif kind == "withdraw" and model.pledges:
        pid, *_, on = model.pledges[op[1] % len(model.pledges)]
        when = on + timedelta(days=op[2])
        w = service.withdraw_pledge(
            s,
            actor=actor,
            pledge_id=pid,
            data=WithdrawalIn(withdrawn_on=when, reason="changed its mind"),
        )
        model.withdrawn[pid] = (when, w.amount_minor, i)
        model.days.add(when)
    elif kind == "reverse_receipt" and model.receipts:
        rid, on, _ = model.receipts[op[1] % len(model.receipts)]
        when = on + timedelta(days=op[2])
        service.reverse_receipt(
            s, actor=actor, receipt_id=rid, data=ReversalIn(value_on=when, reason="bounced")
        )
        model.reversed_on[rid] = (when, i)
        model.days.add(when)
    elif kind == "reverse_disbursement" and model.disbursements:
        did, on, _ = model.disbursements[op[1] % len(model.disbursements)]
        when = on + timedelta(days=op[2])
        service.reverse_disbursement(
            s, actor=actor, disbursement_id=did, data=ReversalIn(value_on=when, reason="returned")
        )
        model.days.add(when)
    elif kind in ("confirm_receipt", "confirm_disbursement"):
        rows = model.receipts if kind == "confirm_receipt" else model.disbursements
        open_ones = [x for x in rows if x[2] and x[0] not in model.confirmed]
        if open_ones:
            key, on, _ = open_ones[op[1] % len(open_ones)]
            if kind == "confirm_receipt":
                provisional = service.receipt_out(s, key).usd_amount
            else:
                provisional = service.disbursement_out(s, key).usd_amount
            cents = max(1, int(provisional.replace(".", "")) + op[2])
            confirm = (
                service.confirm_receipt_usd
                if kind == "confirm_receipt"
                else service.confirm_disbursement_usd
            )
            name = "receipt_id" if kind == "confirm_receipt" else "disbursement_id"
            confirm(
                s,
                actor=actor,
                usd_amount=money(cents),
                value_on=on + timedelta(days=3),
                **{name: key},
            )
            model.confirmed.add(key)
            model.days.add(on + timedelta(days=3))


def check_pledges(
    s: Session, model: Model, as_at: date, known_at: datetime | None, known: int
) -> None:
    """Per pledge and per donor and currency: pledged = received + withdrawn +
    outstanding, received recomputed from the matches, nothing outstanding below zero."""
    lines = service.pledge_lines(s, as_at=as_at, known_at=known_at)
    expected_ids = {
        pid for pid, (on, _, op) in model.pledge_made.items() if on <= as_at and op <= known
    }
    assert {x.pledge_id for x in lines} == expected_ids
    per_donor: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    donor_of = {p[0]: p[1] for p in model.pledges}
    for x in lines:
        received = 0
        for rid, pid, amount, op in model.matches:
            paid_on, _ = model.receipt_on[rid]
            back = model.reversed_on.get(rid)
            undone = back is not None and back[0] <= as_at and back[1] <= known
            if pid == x.pledge_id and op <= known and paid_on <= as_at and not undone:
                received += amount
        withdrawal = model.withdrawn.get(x.pledge_id)
        withdrawn = (
            withdrawal[1] if withdrawal and withdrawal[0] <= as_at and withdrawal[2] <= known else 0
        )
        assert (x.received_minor, x.withdrawn_minor) == (received, withdrawn)
        assert x.amount_minor == x.received_minor + x.withdrawn_minor + x.outstanding_minor
        assert x.outstanding_minor >= 0, x
        totals = per_donor[(donor_of[x.pledge_id], x.currency)]
        for k, v in enumerate(
            (x.amount_minor, x.received_minor, x.withdrawn_minor, x.outstanding_minor)
        ):
            totals[k] += v
    for pledged, received, withdrawn, outstanding in per_donor.values():
        assert pledged == received + withdrawn + outstanding


def check_funds(s: Session, as_at: date, known_at: datetime | None) -> None:
    funds = balances(s, as_at=as_at, known_at=known_at, by=[BalanceDim.FUND], include_zero=True)
    assert all(b.amount_minor == 0 for b in funds), funds
    for r in service.reconcile(s, as_at=as_at, known_at=known_at):
        assert r.agrees, r


def check_pools_and_tracing(
    s: Session, model: Model, known_at: datetime | None, donors: list[int]
) -> None:
    """No pool below zero on any date; the two ways of reading a pool agree; every cent
    disbursed is traced to a receipt, and the donors' statements account for it."""
    for on in sorted(model.days | {date(2025, 12, 31)}):
        pools = service.balances(s, as_at=on, known_at=known_at)
        assert all(b.available_minor >= 0 for b in pools), (on, pools)
        money_in, money_out = service.traced_money(s, as_at=on, known_at=known_at)
        read = {(b.fund, b.earmark): b.available_minor for b in pools}
        assert usage.available(money_in, money_out, on=on) == read
    end = date(2025, 12, 31)
    money_in, money_out = service.traced_money(s, as_at=end, known_at=known_at)
    traced = usage.trace(money_in, money_out)
    assert all(v == 0 for v in traced.unfunded.values()), traced.unfunded
    donor_of = {x.id: x.donor_id for x in money_in}
    spent: dict[int, int] = defaultdict(int)
    for use in traced.uses:
        spent[donor_of[use.receipt_id]] += use.amount_minor
    disbursed = sum(x.usd_minor for x in money_out)
    assert sum(spent.values()) == disbursed
    for d in donors:
        statement = service.donor_statement(s, donor_id=d, year=2025, as_at=end, known_at=known_at)
        unspent = sum(line.unspent_minor for line in statement.spending)
        assert unspent == sum(x.usd_minor for x in money_in if x.donor_id == d) - spent[d]
    for year in (2024, 2025):
        year_end = date(year, 12, 31)
        _, paid = service.traced_money(s, as_at=year_end, known_at=known_at)
        statements = [
            service.donor_statement(s, donor_id=d, year=year, as_at=year_end, known_at=known_at)
            for d in donors
        ]
        assert sum(x.spent_usd_minor for x in statements) == sum(
            x.usd_minor for x in paid if x.value_on.year == year
        )
