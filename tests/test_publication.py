"""Published means frozen: a snapshot proposed by one officer, published by another,
hashed, verifiable, superseded by a newer one and never changed: the database refuses."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.canonical import sha256_hex
from finance_core.db import create_db_engine
from finance_core.db_types import utcnow
from finance_core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from finance_core.ledger.service import PostingSpec, post_entry
from finance_core.publication import service
from finance_core.publication.models import SnapshotStatus
from finance_core.publication.schemas import FileIn
from finance_core.publication.triggers import APPEND_ONLY_TABLES, trigger_names
from finance_core.system.service import DATASET_FLAG, DEMO, set_flag
from tests.conftest import Database

KIND = "report.status_of_contributions"
CHECKER = Actor(name="checker", origin="test")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _entry(session: Session, actor: Actor, recorded_at: datetime) -> tuple[int, str]:
    entry = post_entry(
        session,
        actor=actor,
        value_on=date(2025, 1, 1),
        entry_type="assessment",
        description="assessment",
        postings=[PostingSpec("SEC.receivable", 100), PostingSpec("SEC.assessed_revenue", -100)],
        recorded_at=recorded_at,
    )
    return entry.seq, entry.entry_hash


def _propose(session: Session, actor: Actor, **kw: object) -> int:
    args: dict[str, object] = {
        "kind": KIND,
        "scope": "2025",
        "title": "Status of contributions as at 30 June 2025",
        "as_at": date(2025, 6, 30),
        "known_at": datetime(2025, 7, 1, 12, tzinfo=UTC),
        "data": {"as_at": date(2025, 6, 30), "total": Decimal("1234.50"), "states": [1, 2]},
        "files": [
            FileIn("status.json", "application/json", b'{"total":"1234.50"}'),
            FileIn("status.xlsx", XLSX, b"PK\x03\x04 not really a workbook"),
        ],
        "reference": "ATT/CSP11/2025/DEC.4",
        "language": "en",
    }
    args.update(kw)
    snapshot = service.propose(session, actor=actor, **args)  # type: ignore[arg-type]
    assert snapshot.id is not None
    return snapshot.id


def test_propose_approve_publish_verify_download(session: Session, officer: Actor) -> None:
    """The officer proposes; they cannot approve it themselves; a second person does."""
    sid = _propose(session, officer)
    session.commit()
    out = service.snapshot_detail(session, service.get(session, sid))
    assert out.status == SnapshotStatus.DRAFT and out.author == "officer" and not out.demo
    assert out.data == {"as_at": "2025-06-30", "total": "1234.50", "states": [1, 2]}
    assert [f.name for f in out.files] == ["status.json", "status.xlsx"]
    assert out.files[0].sha256 == hashlib.sha256(b'{"total":"1234.50"}').hexdigest()
    assert out.files[0].size == len(b'{"total":"1234.50"}')
    assert out.chain_head_seq is None and out.chain_head_hash is None  # an empty ledger

    with pytest.raises(PermissionDenied, match="someone else must approve"):
        service.approve(session, actor=officer, snapshot_id=sid)
    session.rollback()
    service.approve(session, actor=CHECKER, snapshot_id=sid, reference="MC/2025/7")
    session.commit()
    with pytest.raises(Conflict, match="already approved"):
        service.approve(session, actor=Actor(name="third", origin="test"), snapshot_id=sid)
    session.rollback()

    published = service.snapshot_out(session, service.get(session, sid))
    assert published.status == SnapshotStatus.PUBLISHED
    assert (published.approver, published.approval_reference) == ("checker", "MC/2025/7")
    assert published.content_hash == out.content_hash  # approval changes nothing frozen
    expected = sha256_hex(
        {
            "kind": KIND,
            "scope": "2025",
            "as_at": "2025-06-30",
            "known_at": "2025-07-01T12:00:00.000000Z",
            "chain_head": None,
            "data": {"as_at": "2025-06-30", "states": [1, 2], "total": "1234.50"},
            "files": [
                {
                    "name": "status.json",
                    "media_type": "application/json",
                    "sha256": hashlib.sha256(b'{"total":"1234.50"}').hexdigest(),
                },
                {
                    "name": "status.xlsx",
                    "media_type": XLSX,
                    "sha256": hashlib.sha256(b"PK\x03\x04 not really a workbook").hexdigest(),
                },
            ],
        }
    )
    assert published.content_hash == expected
    check = service.verify(session, sid)
    assert check.ok and check.computed_hash == expected and check.problems == []
    stored = service.file_of(session, sid, "status.xlsx")
    assert stored.content == b"PK\x03\x04 not really a workbook" and stored.media_type == XLSX
    with pytest.raises(NotFound):
        service.file_of(session, sid, "missing.csv")
    assert service.latest_published(session, kind=KIND, scope="2025").id == sid  # type: ignore[union-attr]
    with pytest.raises(Conflict, match="never withdrawn"):
        service.withdraw(session, actor=officer, snapshot_id=sid, reason="oops")
    session.rollback()
    actions = session.execute(
        text("SELECT action FROM audit_event WHERE object_type = 'snapshot' ORDER BY id")
    ).scalars()
    assert list(actions) == ["publication.propose", "publication.approve"]


def test_a_newer_snapshot_supersedes_the_older(session: Session, officer: Actor) -> None:
    first = _propose(session, officer)
    service.approve(session, actor=CHECKER, snapshot_id=first)
    other_scope = _propose(session, officer, scope="2024")
    service.approve(session, actor=CHECKER, snapshot_id=other_scope)
    session.commit()
    before = service.snapshot_detail(session, service.get(session, first))

    second = _propose(session, officer, data={"total": "1300.00"}, files=[])
    assert service.status_of(session, service.get(session, first)) == SnapshotStatus.PUBLISHED
    service.approve(session, actor=CHECKER, snapshot_id=second)
    session.commit()

    old = service.snapshot_detail(session, service.get(session, first))
    assert old.status == SnapshotStatus.SUPERSEDED and old.superseded_by == second
    assert old.model_dump(exclude={"status", "superseded_by"}) == before.model_dump(
        exclude={"status", "superseded_by"}
    )
    assert service.verify(session, first).ok
    assert service.get(session, second).content_hash != old.content_hash
    assert service.latest_published(session, kind=KIND, scope="2025").id == second  # type: ignore[union-attr]
    assert service.latest_published(session, kind=KIND).id == second  # type: ignore[union-attr]
    assert service.latest_published(session, kind="report.other") is None
    # The 2024 snapshot is another scope: still the published one there.
    assert service.status_of(session, service.get(session, other_scope)) == "published"

    drafted = _propose(session, officer)
    withdrawn = _propose(session, officer)
    service.withdraw(session, actor=officer, snapshot_id=withdrawn, reason="figures wrong")
    session.commit()
    with pytest.raises(Conflict, match="withdrawn"):
        service.approve(session, actor=CHECKER, snapshot_id=withdrawn)
    session.rollback()
    with pytest.raises(Conflict, match="already withdrawn"):
        service.withdraw(session, actor=officer, snapshot_id=withdrawn, reason="again")
    session.rollback()

    items, total = service.list_snapshots(session, kind=KIND, scope="2025")
    assert total == 4
    assert [(i.id, i.status) for i in items] == [
        (withdrawn, "withdrawn"),
        (drafted, "draft"),
        (second, "published"),
        (first, "superseded"),
    ]
    assert service.list_snapshots(session, published_only=True)[1] == 3
    page, total = service.list_snapshots(session, status=SnapshotStatus.DRAFT, limit=1)
    assert total == 1 and page[0].id == drafted
    assert service.list_snapshots(session, kind=KIND, limit=2, offset=4)[0][0].id == first

    # A draft proposed before the published one can no longer be approved.
    late = _propose(session, officer, scope="2023")
    newer = _propose(session, officer, scope="2023")
    service.approve(session, actor=CHECKER, snapshot_id=newer)
    with pytest.raises(Conflict, match="already published"):
        service.approve(session, actor=CHECKER, snapshot_id=late)


def test_chain_head_is_the_last_entry_recorded_by_known_at(
    session: Session, officer: Actor
) -> None:
    known_at = datetime(2025, 7, 1, 12, tzinfo=UTC)
    first = _entry(session, officer, known_at - timedelta(days=2))
    head = _entry(session, officer, known_at)
    _entry(session, officer, known_at + timedelta(microseconds=1))  # recorded after
    session.commit()
    sid = _propose(session, officer, known_at=known_at)
    snapshot = service.get(session, sid)
    assert (snapshot.chain_head_seq, snapshot.chain_head_hash) == head
    assert first[0] < head[0]
    earlier = service.get(session, _propose(session, officer, known_at=known_at - timedelta(1)))
    assert (earlier.chain_head_seq, earlier.chain_head_hash) == first
    assert service.verify(session, sid).ok
    # An entry appearing as recorded by known_at afterwards breaks reproducibility.
    _entry(session, officer, known_at - timedelta(hours=1))
    problems = service.verify(session, sid).problems
    assert len(problems) == 1 and "recorded by known_at" in problems[0]


def test_demo_flag_is_frozen(session: Session, officer: Actor) -> None:
    set_flag(session, DATASET_FLAG, DEMO)
    assert service.get(session, _propose(session, officer)).demo is True


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"data": {"rate": 0.5}}, "data"),
        ({"data": {"nested": [{"x": 1.0}]}}, "data"),
        ({"data": {"at": datetime(2025, 1, 1)}}, "data"),
        ({"data": ["not", "a", "dict"]}, "data"),
        ({"known_at": datetime(2025, 7, 1, 12)}, "known_at"),
        ({"known_at": utcnow() + timedelta(hours=1)}, "known_at"),
        ({"as_at": date.today() + timedelta(days=2)}, "as_at"),
        ({"as_at": datetime(2025, 6, 30, tzinfo=UTC)}, "as_at"),
        ({"kind": "Report Status"}, "kind"),
        ({"scope": " "}, "scope"),
        ({"title": ""}, "title"),
        ({"reference": ""}, "reference"),
        ({"language": "de"}, "language"),
        ({"files": [FileIn("../etc/passwd", "text/plain", b"x")]}, "files[0].name"),
        ({"files": [FileIn("a.csv", "text/csv", b"1"), FileIn("a.csv", "text/csv", b"2")]}, ""),
        ({"files": [FileIn("a.csv", "csv", b"1")]}, "files[0].media_type"),
    ],
)
def test_bad_proposals_are_refused_and_write_nothing(
    session: Session, officer: Actor, change: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _propose(session, officer, **change)
    assert field in next(iter(refused.value.fields))
    assert session.execute(text("SELECT COUNT(*) FROM snapshot")).scalar_one() == 0


def test_tampering_is_reported_by_verify(db: Database, session: Session, officer: Actor) -> None:
    """Only by bypassing the database's refusal (a superuser with the triggers out of the
    way) can stored content change; ``verify`` then reports it, and approval refuses."""
    from finance_core.publication import triggers

    sid = _propose(session, officer)
    session.commit()
    engine = create_db_engine(db.superuser_url)
    try:
        with engine.connect() as conn, conn.begin():
            if db.dialect == "sqlite":
                for statement in triggers.drop_statements("sqlite"):
                    conn.execute(text(statement))
            else:
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(
                text("UPDATE snapshot_file SET content = :c WHERE name = 'status.json'"),
                {"c": b'{"total":"9234.50"}'},  # same size, other bytes
            )
            conn.execute(text('UPDATE snapshot SET data = \'{"total":"9.99"}\''))
    finally:
        engine.dispose()
    session.expire_all()
    check = service.verify(session, sid)
    assert not check.ok and len(check.problems) == 2, check.problems
    assert (
        check.problems[0].startswith("file status.json") and "content hashes" in check.problems[1]
    )
    with pytest.raises(Conflict, match="does not verify"):
        service.approve(session, actor=CHECKER, snapshot_id=sid)


def _published(engine: Engine, officer: Actor) -> tuple[int, int]:
    """A published snapshot and a withdrawn draft."""
    with Session(engine) as s:
        sid = _propose(s, officer)
        service.approve(s, actor=CHECKER, snapshot_id=sid)
        draft = _propose(s, officer, scope="2026")
        service.withdraw(s, actor=officer, snapshot_id=draft, reason="not needed")
        s.commit()
    return sid, draft


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE snapshot SET data = '{}'",
        "UPDATE snapshot SET content_hash = 'x'",
        "DELETE FROM snapshot",
        "UPDATE snapshot_file SET sha256 = 'x'",
        "DELETE FROM snapshot_file",
        "UPDATE snapshot_approval SET approver = 'officer'",
        "DELETE FROM snapshot_approval",
        "UPDATE snapshot_withdrawal SET reason = 'x'",
        "DELETE FROM snapshot_withdrawal",
    ],
)
def test_the_database_refuses_changes_even_for_the_owner(
    owner_engine: Engine, officer: Actor, statement: str
) -> None:
    _published(owner_engine, officer)
    with owner_engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text(statement))


def test_the_database_refuses_what_the_service_refuses(engine: Engine, officer: Actor) -> None:
    """Raw inserts: the author approving, approving a withdrawn draft, withdrawing a
    published snapshot, adding a file to a published snapshot."""
    sid, withdrawn = _published(engine, officer)
    with Session(engine) as s:
        draft = _propose(s, officer, scope="2027")
        s.commit()
    approval = "INSERT INTO snapshot_approval (snapshot_id, approver, approved_at) VALUES "
    refused = [
        (f"{approval} ({draft}, 'officer', :now)", "author"),
        (f"{approval} ({withdrawn}, 'checker', :now)", "withdrawn"),
        (
            "INSERT INTO snapshot_withdrawal (snapshot_id, withdrawn_by, withdrawn_at, reason) "
            f"VALUES ({sid}, 'checker', :now, 'x')",
            "already approved",
        ),
        (
            "INSERT INTO snapshot_file (snapshot_id, name, media_type, content, sha256, size) "
            f"VALUES ({sid}, 'extra.csv', 'text/csv', :blob, 'x', 1)",
            "files cannot be added",
        ),
    ]
    for statement, match in refused:
        with engine.connect() as conn, pytest.raises(DBAPIError, match=match):
            conn.execute(text(statement), {"now": utcnow(), "blob": b"x"})


ON_POSTGRESQL = pytest.mark.parametrize("db", ["postgresql"], indirect=True)


@ON_POSTGRESQL
@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_truncate_refused_on_postgresql(db: Database, owner_engine: Engine, table: str) -> None:
    with owner_engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text(f"TRUNCATE {table} CASCADE"))


@ON_POSTGRESQL
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE snapshot SET title = 'x'",
        "DELETE FROM snapshot_approval",
        "TRUNCATE snapshot_file CASCADE",
    ],
)
def test_the_application_role_lacks_the_privilege(
    db: Database, engine: Engine, officer: Actor, statement: str
) -> None:
    _published(engine, officer)
    with engine.connect() as conn, pytest.raises(DBAPIError, match="permission denied"):
        conn.execute(text(statement))


def test_triggers_exist_at_head(db: Database, engine: Engine) -> None:
    with engine.connect() as conn:
        if db.dialect == "sqlite":
            rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        else:
            rows = conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
        names = {r[0] for r in rows}
    assert set(trigger_names(db.dialect)) <= names
