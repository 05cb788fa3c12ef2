"""The ledger's guarantees, each enforced by the database and checked on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.errors import Conflict, RuleViolation, ValidationFailed
from finance_core.ledger.balances import BalanceDim, balances
from finance_core.ledger.service import PostingSpec, close_period, post_entry, reverse_entry
from finance_core.ledger.verify import verify_ledger
from tests.conftest import Database


def _assess(session: Session, actor: Actor, amount: int, on: date, **kw: object) -> int:
    entry = post_entry(
        session,
        actor=actor,
        value_on=on,
        entry_type="assessment",
        description="assessment",
        postings=[
            PostingSpec("SEC.receivable", amount, assessment_year=on.year),
            PostingSpec("SEC.assessed_revenue", -amount, assessment_year=on.year),
        ],
        **kw,  # type: ignore[arg-type]
    )
    return entry.seq


def test_worked_example_assess_pay_reverse(session: Session, officer: Actor) -> None:
    """An officer assesses 1,000.00, receives 600.00, then reverses the receipt."""
    _assess(session, officer, 100_000, date(2024, 1, 1))
    paid = post_entry(
        session,
        actor=officer,
        value_on=date(2024, 3, 1),
        entry_type="receipt",
        description="bank transfer",
        postings=[
            PostingSpec("SEC.bank", 60_000),
            PostingSpec("SEC.receivable", -60_000),
        ],
    )
    session.commit()
    by_account = {
        b.account: b.amount_minor
        for b in balances(session, as_at=date(2024, 12, 31), by=[BalanceDim.ACCOUNT])
    }
    assert by_account == {
        "SEC.receivable": 40_000,
        "SEC.bank": 60_000,
        "SEC.assessed_revenue": -100_000,
    }
    before_receipt = balances(session, as_at=date(2024, 2, 1), by=[BalanceDim.ACCOUNT])
    assert {b.account: b.amount_minor for b in before_receipt}["SEC.receivable"] == 100_000
    reverse_entry(session, actor=officer, seq=paid.seq, value_on=date(2024, 3, 5), reason="bounced")
    session.commit()
    after = {
        b.account: b.amount_minor
        for b in balances(session, as_at=date(2024, 12, 31), by=[BalanceDim.ACCOUNT])
    }
    assert after == {"SEC.receivable": 100_000, "SEC.assessed_revenue": -100_000}
    with pytest.raises(Conflict):
        reverse_entry(
            session, actor=officer, seq=paid.seq, value_on=date(2024, 3, 6), reason="again"
        )
    total = balances(session, as_at=date(2099, 1, 1), by=[])
    assert total == []  # the accounting equation: everything sums to zero
    assert verify_ledger(session).ok


def test_known_at_hides_what_was_recorded_later(session: Session, officer: Actor) -> None:
    early = datetime(2024, 1, 5, 9, tzinfo=UTC)
    _assess(session, officer, 5_000, date(2024, 1, 1), recorded_at=early)
    _assess(session, officer, 7_000, date(2024, 1, 2), recorded_at=early + timedelta(days=30))
    session.commit()

    def receivable(known_at: datetime | None) -> int:
        rows = balances(
            session,
            as_at=date(2024, 12, 31),
            known_at=known_at,
            by=[BalanceDim.ACCOUNT_TYPE],
            fund="SEC",
            account_type="receivable",
        )
        return sum(r.amount_minor for r in rows)

    assert receivable(early) == 5_000
    assert receivable(early + timedelta(days=29)) == 5_000
    assert receivable(None) == 12_000


def test_balances_by_state_fund_and_year(session: Session, officer: Actor) -> None:
    from finance_core.states.models import State

    session.add(State(code="FRA", name="France", un_member=True))
    session.add(State(code="GHA", name="Ghana", un_member=True))
    session.flush()
    for code, amount, year in (("FRA", 300, 2023), ("FRA", 200, 2024), ("GHA", 50, 2024)):
        post_entry(
            session,
            actor=officer,
            value_on=date(year, 1, 1),
            entry_type="assessment",
            description="a",
            postings=[
                PostingSpec("CSP.receivable", amount, state_code=code, assessment_year=year),
                PostingSpec("CSP.assessed_revenue", -amount, state_code=code, assessment_year=year),
            ],
        )
    session.commit()
    rows = balances(
        session,
        as_at=date(2024, 12, 31),
        by=[BalanceDim.STATE, BalanceDim.FUND, BalanceDim.ASSESSMENT_YEAR],
        account_type="receivable",
    )
    assert [(r.state, r.fund, r.assessment_year, r.amount_minor) for r in rows] == [
        ("FRA", "CSP", 2023, 300),
        ("FRA", "CSP", 2024, 200),
        ("GHA", "CSP", 2024, 50),
    ]


def test_service_refuses_bad_entries_and_writes_nothing(session: Session, officer: Actor) -> None:
    cases = [
        [PostingSpec("SEC.bank", 100), PostingSpec("SEC.receivable", -99)],
        [PostingSpec("SEC.bank", 100)],
        [PostingSpec("SEC.bank", 0), PostingSpec("SEC.receivable", 0)],
        [PostingSpec("SEC.bank", 100), PostingSpec("CSP.receivable", -100)],  # across funds
        [PostingSpec("SEC.nope", 100), PostingSpec("SEC.receivable", -100)],
    ]
    for postings in cases:
        with pytest.raises(ValidationFailed):
            post_entry(
                session,
                actor=officer,
                value_on=date(2024, 1, 1),
                entry_type="x",
                description="x",
                postings=postings,
            )
    session.rollback()
    assert session.execute(text("SELECT COUNT(*) FROM ledger_posting")).scalar_one() == 0


def test_closed_period_refuses_entries(session: Session, officer: Actor) -> None:
    close_period(session, actor=officer, fund_code="SEC", year=2023, reference="ATT/CSP10/test")
    session.commit()
    with pytest.raises(RuleViolation):
        _assess(session, officer, 100, date(2023, 6, 1))
    session.rollback()
    _assess(session, officer, 100, date(2024, 1, 1))  # the next year is open
    post_entry(
        session,
        actor=officer,
        value_on=date(2023, 6, 1),
        entry_type="x",
        description="other fund",
        postings=[PostingSpec("CSP.bank", 5), PostingSpec("CSP.receivable", -5)],
    )
    session.commit()
    # The database refuses it too, even when the service's check is skipped.
    with pytest.raises(DBAPIError, match="period is closed"):
        _raw_entry(session, seq=3, amounts=(100, -100), on="2023-06-01")


def _raw_entry(
    session: Session,
    *,
    seq: int,
    amounts: tuple[int, ...],
    on: str = "2024-01-01",
    prev_hash: str | None = None,
    fund: str = "SEC",
) -> None:
    """Insert an entry with raw SQL, bypassing the service (but not the database)."""
    head = session.execute(
        text("SELECT entry_hash FROM ledger_chain_head WHERE id = 1")
    ).scalar_one()
    accounts = (
        session.execute(
            text(
                "SELECT id FROM ledger_account WHERE fund_code = :f AND account_type IN ('bank', 'receivable') ORDER BY account_type"
            ),
            {"f": fund},
        )
        .scalars()
        .all()
    )
    now = "2024-01-02 00:00:00.000000"
    for i, amount in enumerate(amounts, start=1):
        session.execute(
            text(
                "INSERT INTO ledger_posting (entry_seq, line_no, account_id, fund_code, value_on, recorded_at, amount_minor) "
                "VALUES (:seq, :line, :acc, :fund, :on, :now, :amount)"
            ),
            {
                "seq": seq,
                "line": i,
                "acc": accounts[i % 2],
                "fund": fund,
                "on": on,
                "now": now,
                "amount": amount,
            },
        )
    session.execute(
        text(
            "INSERT INTO journal_entry (seq, value_on, recorded_at, entry_type, description, actor, prev_hash, entry_hash) "
            "VALUES (:seq, :on, :now, 'raw', 'raw', 'raw', :prev, :hash)"
        ),
        {"seq": seq, "on": on, "now": now, "prev": prev_hash or head, "hash": f"{seq:064d}"},
    )


def test_database_refuses_unbalanced_or_unchained_entries(session: Session, officer: Actor) -> None:
    for amounts, match in (((100, -99), "balance"), ((100,), "two postings")):
        with pytest.raises(DBAPIError, match=match):
            _raw_entry(session, seq=1, amounts=amounts)
        session.rollback()
    with pytest.raises(DBAPIError, match="zero|nonzero|CHECK"):
        _raw_entry(session, seq=1, amounts=(0, 0))
    session.rollback()
    with pytest.raises(DBAPIError, match="hash chain"):
        _raw_entry(session, seq=5, amounts=(100, -100))
    session.rollback()
    with pytest.raises(DBAPIError, match="hash chain"):
        _raw_entry(session, seq=1, amounts=(100, -100), prev_hash="f" * 64)
    session.rollback()


def test_postings_cannot_join_a_sealed_entry(session: Session, officer: Actor) -> None:
    seq = _assess(session, officer, 100, date(2024, 1, 1))
    session.commit()
    account = session.execute(
        text("SELECT id FROM ledger_account WHERE code = 'SEC.bank'")
    ).scalar_one()
    with pytest.raises(DBAPIError, match="sealed"):
        session.execute(
            text(
                "INSERT INTO ledger_posting (entry_seq, line_no, account_id, fund_code, value_on, recorded_at, amount_minor) "
                "VALUES (:seq, 9, :acc, 'SEC', '2024-01-01', '2024-01-01 00:00:00', 5)"
            ),
            {"seq": seq, "acc": account},
        )
    session.rollback()


def test_orphan_postings_cannot_be_committed(engine: Engine) -> None:
    with Session(engine) as s:
        account = s.execute(
            text("SELECT id FROM ledger_account WHERE code = 'SEC.bank'")
        ).scalar_one()
        s.execute(
            text(
                "INSERT INTO ledger_posting (entry_seq, line_no, account_id, fund_code, value_on, recorded_at, amount_minor) "
                "VALUES (77, 1, :acc, 'SEC', '2024-01-01', '2024-01-01 00:00:00', 5)"
            ),
            {"acc": account},
        )
        with pytest.raises(DBAPIError, match="(?i)foreign key"):
            s.commit()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_posting SET amount_minor = amount_minor + 1",
        "DELETE FROM ledger_posting",
        "UPDATE journal_entry SET description = 'changed'",
        "DELETE FROM journal_entry",
        "UPDATE ledger_chain_head SET seq = 0",
        "DELETE FROM ledger_chain_head",
        "DELETE FROM audit_event",
    ],
)
def test_append_only_even_for_the_owner(
    owner_engine: Engine, officer: Actor, statement: str
) -> None:
    from finance_core.audit.service import record

    with Session(owner_engine) as s:
        _assess(s, officer, 100, date(2024, 1, 1))
        record(s, actor=officer, action="x", object_type="x")
        s.commit()
        with pytest.raises(DBAPIError, match="append-only|chain head"):
            s.execute(text(statement))
        s.rollback()


#: Tests of PostgreSQL-only features (TRUNCATE, roles) run on PostgreSQL alone.
ON_POSTGRESQL = pytest.mark.parametrize("db", ["postgresql"], indirect=True)


@ON_POSTGRESQL
@pytest.mark.parametrize(
    "table", ["ledger_posting", "journal_entry", "ledger_chain_head", "audit_event"]
)
def test_truncate_refused_on_postgresql(db: Database, owner_engine: Engine, table: str) -> None:
    with owner_engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text(f"TRUNCATE {table} CASCADE"))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_posting SET amount_minor = 1",
        "DELETE FROM journal_entry",
        "TRUNCATE ledger_posting CASCADE",
        "UPDATE audit_event SET actor = 'x'",
    ],
)
@ON_POSTGRESQL
def test_application_role_lacks_the_privilege(db: Database, engine: Engine, statement: str) -> None:
    with engine.connect() as conn, pytest.raises(DBAPIError, match="permission denied"):
        conn.execute(text(statement))


def test_concurrent_writers_keep_one_chain(engine: Engine, officer: Actor) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from finance_core.db import transaction

    def write(i: int) -> int:
        with transaction(engine) as s:
            return _assess(s, officer, 100 + i, date(2024, 1, 1))

    with ThreadPoolExecutor(max_workers=6) as pool:
        seqs = sorted(pool.map(write, range(30)))
    assert seqs == list(range(1, 31))
    with Session(engine) as s:
        report = verify_ledger(s)
        assert report.ok, report.problems
        assert report.entries_checked == 30
