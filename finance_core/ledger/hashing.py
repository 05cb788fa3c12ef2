"""The hash of a journal entry: what ``verify`` recomputes.

The hash covers the previous entry's hash and the entry's content (dates, texts, actor
and every posting by account code), but not ``seq``: so a changed entry shows as
*altered*, while entries put in another order show as *out of order* (their content
hashes still match, their links do not)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from finance_core.canonical import sha256_hex


@dataclass(frozen=True, slots=True)
class HashedPosting:
    """A posting as it enters the hash."""

    line_no: int
    account_code: str
    fund_code: str
    amount_minor: int
    state_code: str | None
    assessment_year: int | None
    budget_line_id: int | None


class EntryContent(Protocol):
    """What of an entry its hash covers (a JournalEntry has all of it)."""

    prev_hash: str
    value_on: date
    recorded_at: datetime
    entry_type: str
    description: str
    source_ref: str | None
    actor: str
    reverses_seq: int | None


def entry_hash(entry: EntryContent, postings: Sequence[HashedPosting]) -> str:
    """SHA-256 hex of the entry's canonical JSON (postings in line order)."""
    return sha256_hex(
        {
            "prev_hash": entry.prev_hash,
            "value_on": entry.value_on,
            "recorded_at": entry.recorded_at,
            "entry_type": entry.entry_type,
            "description": entry.description,
            "source_ref": entry.source_ref,
            "actor": entry.actor,
            "reverses_seq": entry.reverses_seq,
            "postings": [
                [
                    p.line_no,
                    p.account_code,
                    p.fund_code,
                    p.amount_minor,
                    p.state_code,
                    p.assessment_year,
                    p.budget_line_id,
                ]
                for p in sorted(postings, key=lambda p: p.line_no)
            ],
        }
    )
