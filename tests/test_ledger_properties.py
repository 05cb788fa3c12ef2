"""Property tests of the ledger on both databases: over random histories of entries and
reversals, every fund balances, balances equal an independent recomputation, reversals
net to zero, and the chain verifies. Each example runs in one transaction rolled back
at the end."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.ledger.service import PostingSpec, post_entry, reverse_entry
from finance_core.ledger.verify import verify_ledger
from finance_core.states.models import State

FUNDS = ("SEC", "CSP", "WCF")
TYPES = ("bank", "receivable", "assessed_revenue", "state_credit")
STATES = ("AAA", "BBB", "CCC")
START = date(2020, 1, 1)

leg = st.tuples(
    st.sampled_from(TYPES),
    st.integers(min_value=1, max_value=10**11),
    st.sampled_from((None, *STATES)),
    st.sampled_from((None, 2020, 2021, 2022)),
)


@st.composite
def entries(draw: st.DrawFn) -> list[PostingSpec]:
    """A balanced entry: in each chosen fund, debits matched by one credit."""
    postings: list[PostingSpec] = []
    for fund in draw(st.lists(st.sampled_from(FUNDS), min_size=1, max_size=2, unique=True)):
        debits = draw(st.lists(leg, min_size=1, max_size=3))
        for kind, amount, state, year in debits:
            postings.append(PostingSpec(f"{fund}.{kind}", amount, state, year))
        kind, _, state, year = draw(leg)
        postings.append(PostingSpec(f"{fund}.{kind}", -sum(d[1] for d in debits), state, year))
    return postings


history = st.lists(
    st.tuples(entries(), st.integers(0, 900), st.booleans()), min_size=1, max_size=12
)


def _setup(session: Session) -> None:
    for code in STATES:
        session.add(State(code=code, name=f"State {code}", un_member=True))
    session.flush()


def test_property_random_histories_balance_and_verify(engine: Engine) -> None:
    actor = Actor(name="prop", origin="test")

    @given(history)
    def run(ops: list[tuple[list[PostingSpec], int, bool]]) -> None:
        with Session(engine) as session:
            _setup(session)
            expected: Counter[tuple[str, str | None, int | None]] = Counter()
            as_at = START + timedelta(days=450)
            for postings, day, reverse in ops:
                on = START + timedelta(days=day)
                entry = post_entry(
                    session,
                    actor=actor,
                    value_on=on,
                    entry_type="prop",
                    description="p",
                    postings=postings,
                )
                if on <= as_at and not reverse:
                    for p in postings:
                        expected[(p.account, p.state_code, p.assessment_year)] += p.amount_minor
                if reverse:
                    reverse_entry(session, actor=actor, seq=entry.seq, value_on=on, reason="test")
            got = balances(
                session,
                as_at=as_at,
                by=[BalanceDim.ACCOUNT, BalanceDim.STATE, BalanceDim.ASSESSMENT_YEAR],
            )
            assert {(b.account, b.state, b.assessment_year): b.amount_minor for b in got} == {
                k: v for k, v in expected.items() if v != 0
            }
            for fund_total in balances(
                session, as_at=date(2099, 1, 1), by=[BalanceDim.FUND], include_zero=True
            ):
                assert fund_total.amount_minor == 0
            assert balances(session, as_at=date(2099, 1, 1), by=[]) == []
            report = verify_ledger(session)
            assert report.ok, report.problems
            assert report.entries_checked == len(ops) + sum(1 for *_x, r in ops if r)
            session.rollback()

    run()
