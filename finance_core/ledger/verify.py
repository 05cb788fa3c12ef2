"""``ledger verify``: recompute the hash chain and the balance of every entry.

Works on the stored rows alone, so it finds tampering that bypassed the triggers:
*altered* (an entry's content no longer matches its hash), *missing* (a gap in the
sequence, or a link to an entry that no longer exists), *out of order* (an entry linked
to an entry that sits elsewhere in the chain), *unbalanced*, *orphan postings* and a
chain head that disagrees with the last entry. Streams entries and postings in ``seq``
order, so memory stays flat on a long ledger."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import groupby

from sqlalchemy import select
from sqlmodel import Session, col

from finance_core.ledger.hashing import HashedPosting, entry_hash
from finance_core.ledger.models import (
    GENESIS_HASH,
    JournalEntry,
    LedgerAccount,
    LedgerChainHead,
    LedgerPosting,
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding: ``kind`` is altered, missing, out_of_order, unbalanced, orphan or head."""

    seq: int
    kind: str
    message: str


@dataclass(slots=True)
class VerifyReport:
    """What ``verify`` found; ``problems`` in chain order, the first one first."""

    entries_checked: int = 0
    postings_checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _postings_by_entry(
    session: Session, codes: dict[int, str]
) -> Iterator[tuple[int, list[HashedPosting]]]:
    rows = session.execute(
        select(
            col(LedgerPosting.entry_seq),
            col(LedgerPosting.line_no),
            col(LedgerPosting.account_id),
            col(LedgerPosting.fund_code),
            col(LedgerPosting.amount_minor),
            col(LedgerPosting.state_code),
            col(LedgerPosting.assessment_year),
            col(LedgerPosting.budget_line_id),
        ).order_by(col(LedgerPosting.entry_seq), col(LedgerPosting.line_no)),
        execution_options={"yield_per": 5000},
    )
    for seq, group in groupby(rows, key=lambda r: int(r[0])):
        yield (
            seq,
            [
                HashedPosting(
                    line_no=r[1],
                    account_code=codes.get(r[2], f"#{r[2]}"),
                    fund_code=r[3],
                    amount_minor=r[4],
                    state_code=r[5],
                    assessment_year=r[6],
                    budget_line_id=r[7],
                )
                for r in group
            ],
        )


#: How often (in entries) ``verify_ledger`` reports progress.
PROGRESS_EVERY = 50_000


def verify_ledger(
    session: Session,
    *,
    max_problems: int = 100,
    progress: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Check the whole chain; stop collecting after ``max_problems`` findings.

    ``progress`` is called with the number of entries checked every PROGRESS_EVERY."""
    report = VerifyReport()
    codes = {
        int(i): str(c)
        for i, c in session.execute(select(col(LedgerAccount.id), col(LedgerAccount.code)))
    }
    all_hashes = {
        str(h): int(s)
        for s, h in session.execute(select(col(JournalEntry.seq), col(JournalEntry.entry_hash)))
    }
    postings = _postings_by_entry(session, codes)
    pending: tuple[int, list[HashedPosting]] | None = next(postings, None)

    def add(seq: int, kind: str, message: str) -> None:
        if len(report.problems) < max_problems:
            report.problems.append(Problem(seq, kind, message))

    expected_seq = 1
    prev_hash = GENESIS_HASH
    entries = session.execute(
        select(JournalEntry).order_by(col(JournalEntry.seq)),
        execution_options={"yield_per": 2000},
    ).scalars()
    for entry in entries:
        report.entries_checked += 1
        if progress is not None and report.entries_checked % PROGRESS_EVERY == 0:
            progress(report.entries_checked)
        lines: list[HashedPosting] = []
        while pending is not None and pending[0] <= entry.seq:
            if pending[0] < entry.seq:
                add(pending[0], "orphan", f"postings of entry {pending[0]} have no entry")
            else:
                lines = pending[1]
            pending = next(postings, None)
        report.postings_checked += len(lines)
        if entry.seq > expected_seq:
            missing = (
                f"{expected_seq}"
                if entry.seq == expected_seq + 1
                else (f"{expected_seq}-{entry.seq - 1}")
            )
            add(expected_seq, "missing", f"entry {missing} is missing before entry {entry.seq}")
        if entry.prev_hash != prev_hash:
            linked = all_hashes.get(entry.prev_hash)
            if linked is not None and linked != entry.seq:
                add(
                    entry.seq,
                    "out_of_order",
                    f"entry {entry.seq} follows entry {linked} in the chain, "
                    "not the entry stored before it",
                )
            elif entry.seq <= expected_seq:
                add(
                    entry.seq,
                    "missing",
                    f"entry {entry.seq} links to an entry that is no longer in the ledger",
                )
        recomputed = entry_hash(entry, lines)
        if recomputed != entry.entry_hash:
            add(entry.seq, "altered", f"entry {entry.seq} does not match its hash")
        per_fund: dict[str, int] = defaultdict(int)
        for line in lines:
            per_fund[line.fund_code] += line.amount_minor
        if len(lines) < 2 or any(per_fund.values()):
            add(entry.seq, "unbalanced", f"entry {entry.seq} does not balance within each fund")
        prev_hash = entry.entry_hash
        expected_seq = entry.seq + 1
    while pending is not None:
        add(pending[0], "orphan", f"postings of entry {pending[0]} have no entry")
        pending = next(postings, None)
    head = session.get(LedgerChainHead, 1)
    if head is None:
        add(0, "head", "the ledger has no chain head")
    elif head.seq != expected_seq - 1 or head.entry_hash != prev_hash:
        if head.seq > expected_seq - 1:
            add(
                expected_seq,
                "missing",
                f"the chain head names entry {head.seq} but the last entry is {expected_seq - 1}",
            )
        else:
            add(head.seq, "head", "the chain head does not match the last entry")
    return report
