"""A donor's statement for a calendar year as at ``(as_at, known_at)``: what it pledged,
what it gave, what is still outstanding, and what was spent from its money.

Pledge amounts are in the pledge's currency (minor units of that currency); receipts
keep their original currency and carry their US dollar value (cents); spending is in
US cents. Money given is used oldest receipt first within its fund and earmark, so each
disbursement is traced to the donors whose money paid for it (see ``usage``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class PledgeLine:
    """One pledge: its amount, what receipts settled of it and what was withdrawn (all
    in ``currency``'s minor units), what is outstanding, and its status as at the
    statement's date (open, partly_received, fulfilled, withdrawn)."""

    pledge_id: int
    pledged_on: date
    fund: str
    earmark: str | None
    occasion: str | None
    currency: str
    amount_minor: int
    received_minor: int
    withdrawn_minor: int
    outstanding_minor: int
    status: str


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    """One receipt from the donor: the original amount (``currency`` minor units), its
    US dollar value (cents) and the pledges it settled."""

    receipt_id: int
    value_on: date
    fund: str
    earmark: str | None
    currency: str
    amount_minor: int
    usd_minor: int
    pledge_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SpendingLine:
    """What was spent in the year from the donor's money in one fund and earmark (US
    cents), and what of its money there is still unspent at the end."""

    fund: str
    earmark: str | None
    spent_minor: int
    unspent_minor: int


@dataclass(frozen=True, slots=True)
class CurrencyTotal:
    """Per currency: pledged in the year, received against any pledge in the year,
    outstanding at the end on every pledge (of any year) - minor units."""

    currency: str
    pledged_minor: int
    received_minor: int
    outstanding_minor: int


@dataclass(frozen=True, slots=True)
class DonorStatement:
    """The statement of ``donor_name`` for ``year``; ``pledges`` are those made in the
    year or still outstanding at its start, ``receipts`` those dated in the year."""

    donor_id: int
    donor_name: str
    year: int
    as_at: date
    known_at: datetime | None
    pledges: tuple[PledgeLine, ...]
    receipts: tuple[ReceiptLine, ...]
    spending: tuple[SpendingLine, ...]
    totals: tuple[CurrencyTotal, ...]

    @property
    def received_usd_minor(self) -> int:
        """US cents received in the year."""
        return sum(r.usd_minor for r in self.receipts)

    @property
    def spent_usd_minor(self) -> int:
        """US cents spent in the year from the donor's money."""
        return sum(s.spent_minor for s in self.spending)
