"""Corrections of recorded money movements: reversals and the bank's US dollar figure.

A receipt or an expenditure is never changed: a reversal appends entries that undo its
own, and the bank's figure for an amount first converted at a provisional rate posts
the difference to exchange gain/loss. Both are dated between the original and today."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlmodel import Session

from finance_core.actor import Actor
from finance_core.db_types import utctoday
from finance_core.errors import ValidationFailed
from finance_core.funds.service import account_code
from finance_core.ledger.models import AccountType, JournalEntry
from finance_core.ledger.service import PostingSpec, post_entry, reverse_entry
from finance_core.money import format_minor


def check_correction_date(
    value_on: date, *, since: date, what: str, correction: str = "reversal"
) -> None:
    """Refuse a ``correction`` (a reversal, a confirmation) dated before the ``what`` it
    corrects (dated ``since``) or in the future."""
    if value_on < since:
        raise ValidationFailed(
            f"a {correction} cannot be dated before the {what}",
            fields={"value_on": f"on or after {since}"},
        )
    if value_on > utctoday():
        raise ValidationFailed(
            f"a {correction} cannot be dated in the future", fields={"value_on": "in the future"}
        )


def reverse_entries(
    session: Session,
    *,
    actor: Actor,
    seqs: Iterable[int | None],
    value_on: date,
    reason: str,
    recorded_at: datetime | None = None,
) -> JournalEntry:
    """Reverse each entry of ``seqs`` in order (``None`` skipped) on ``value_on``; the
    reversal of the last one is returned."""
    last: JournalEntry | None = None
    for seq in seqs:
        if seq is not None:
            last = reverse_entry(
                session,
                actor=actor,
                seq=seq,
                value_on=value_on,
                reason=reason,
                recorded_at=recorded_at,
            )
    assert last is not None, "nothing to reverse"
    return last


def post_bank_figure(
    session: Session,
    *,
    actor: Actor,
    fund: str,
    value_on: date,
    provisional_minor: int,
    bank_minor: int,
    inflow: bool,
    what: str,
    source_ref: str,
    state_code: str | None = None,
    assessment_year: int | None = None,
    budget_line_id: int | None = None,
    recorded_at: datetime | None = None,
) -> int | None:
    """Post the difference between the bank's US dollar figure and the provisional one
    to exchange gain/loss in ``fund``; the entry's sequence number, or ``None`` when the
    figures agree.

    For money in (``inflow``) more dollars are a gain; for money out, a loss."""
    difference = bank_minor - provisional_minor
    if not difference:
        return None
    bank = difference if inflow else -difference
    entry = post_entry(
        session,
        actor=actor,
        value_on=value_on,
        entry_type="exchange_difference",
        description=f"Bank's US dollar figure for {what}: "
        f"{format_minor(bank_minor)} instead of {format_minor(provisional_minor)}",
        source_ref=source_ref,
        postings=[
            PostingSpec(account_code(fund, AccountType.BANK), bank, state_code),
            PostingSpec(
                account_code(fund, AccountType.EXCHANGE_GAIN_LOSS),
                -bank,
                state_code,
                assessment_year=assessment_year,
                budget_line_id=budget_line_id,
            ),
        ],
        recorded_at=recorded_at,
    )
    return entry.seq
