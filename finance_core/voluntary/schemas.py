"""API shapes of the voluntary funds. Amounts are decimal strings: a pledge's, a match's,
a receipt's or a disbursement's ``amount`` in its own currency (with at most its
decimals); every other amount in US dollars."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from finance_core.payments.schemas import ReversalOut
from finance_core.voluntary.models import (
    DisbursementKind,
    DonorKind,
    ProjectStatus,
    ReportLanguage,
)

_EARMARK = Field(
    default=None,
    max_length=60,
    description='What the money is for, e.g. "gender" or "Africa"; none: unearmarked.',
)


class DonorIn(BaseModel):
    """A donor: a State (``state_code`` required) or another donor."""

    name: str = Field(min_length=1, max_length=200, examples=["Germany"])
    kind: DonorKind
    state_code: str | None = Field(default=None, max_length=3, examples=["DEU"])
    contact_name: str | None = Field(default=None, max_length=200)
    contact_email: str | None = Field(default=None, max_length=320)
    language: ReportLanguage = ReportLanguage.EN
    reporting_note: str | None = Field(
        default=None, max_length=2000, description="How the donor wants to be reported to."
    )


class DonorUpdate(BaseModel):
    """New contact details or reporting preferences; fields left out stay as they are."""

    contact_name: str | None = Field(default=None, max_length=200)
    contact_email: str | None = Field(default=None, max_length=320)
    language: ReportLanguage | None = None
    reporting_note: str | None = Field(default=None, max_length=2000)


class DonorOut(BaseModel):
    id: int
    name: str
    kind: DonorKind
    state_code: str | None
    contact_name: str | None
    contact_email: str | None
    language: ReportLanguage
    reporting_note: str | None
    recorded_at: datetime
    recorded_by: str
    updated_at: datetime | None
    updated_by: str | None


class PledgeIn(BaseModel):
    """A donor's promise of money to a voluntary fund."""

    donor_id: int
    pledged_on: date = Field(description="The day of the announcement (not in the future).")
    fund: str = Field(default="VTF", max_length=16, description="A voluntary fund.")
    earmark: str | None = _EARMARK
    currency: str = Field(default="USD", description="ISO 4217 code.", examples=["EUR"])
    amount: str = Field(description='Amount pledged, e.g. "100000.00".')
    conditions: str | None = Field(default=None, max_length=2000)
    occasion: str | None = Field(default=None, max_length=60, examples=["CSP10"])
    reference: str = Field(min_length=1, max_length=200, description="Letter or statement.")


class WithdrawalIn(BaseModel):
    withdrawn_on: date = Field(description="From this day what was outstanding is withdrawn.")
    reason: str = Field(min_length=1, max_length=2000)


class WithdrawalOut(BaseModel):
    withdrawn_on: date
    amount: str = Field(description="What was outstanding, in the pledge's currency.")
    reason: str
    recorded_by: str


class PledgeOut(BaseModel):
    """A pledge with what receipts settled of it, what was withdrawn and what is
    outstanding (in its currency), and its status: open, partly_received, fulfilled or
    withdrawn."""

    id: int
    donor_id: int
    pledged_on: date
    fund: str
    earmark: str | None
    currency: str
    amount: str
    received: str
    withdrawn: str
    outstanding: str
    status: str
    conditions: str | None
    occasion: str | None
    reference: str
    withdrawal: WithdrawalOut | None
    recorded_at: datetime
    recorded_by: str


class MatchIn(BaseModel):
    """Part of a receipt settling a pledge of the same donor, fund and earmark."""

    pledge_id: int
    amount: str = Field(description="In the pledge's currency.")


class VoluntaryReceiptIn(BaseModel):
    """Money from a donor into a voluntary fund, as the bank shows it."""

    donor_id: int
    value_on: date
    fund: str = Field(default="VTF", max_length=16, description="A voluntary fund.")
    earmark: str | None = _EARMARK
    amount: str = Field(description='Amount received, e.g. "50000.00".')
    currency: str = Field(default="USD", description="ISO 4217 code.", examples=["EUR"])
    usd_amount: str | None = Field(
        default=None,
        description="US dollars credited by the bank; if absent, a provisional amount "
        "from the exchange-rate table (USD receipts: the amount itself).",
    )
    bank_reference: str = Field(min_length=1, max_length=120)
    note: str | None = Field(default=None, max_length=2000)
    match: Literal["auto", "none"] | list[MatchIn] = Field(
        default="auto",
        description='"auto": settle the donor\'s open pledges of the same fund and earmark, '
        'oldest first; "none": settle no pledge; or the pledges and amounts to settle.',
    )


class MatchOut(BaseModel):
    pledge_id: int
    amount: str
    currency: str = Field(description="The pledge's currency.")


class VoluntaryReceiptOut(BaseModel):
    id: int
    donor_id: int
    donor_name: str
    value_on: date
    fund: str
    earmark: str | None
    amount: str
    currency: str
    usd_amount: str = Field(description="US dollars posted to the fund's revenue.")
    usd_provisional: bool
    usd_confirmed: str | None = Field(
        description="The bank's US dollar figure, once confirmed (the difference posted to "
        "exchange gain/loss)."
    )
    exchange_rate: str | None
    bank_reference: str
    note: str | None
    entry_seq: int
    matches: list[MatchOut]
    reversal: ReversalOut | None
    recorded_at: datetime
    recorded_by: str


class ProjectIn(BaseModel):
    """A project approved by the selection committee."""

    code: str = Field(min_length=1, max_length=40, examples=["VTF-2024-07"])
    title: str = Field(min_length=1, max_length=300)
    grantee: str = Field(min_length=1, max_length=200)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{3}$", examples=["GHA"])
    fund: str = Field(default="VTF", max_length=16, description="A voluntary fund.")
    earmark: str | None = _EARMARK
    approved_on: date
    approved_amount: str = Field(description="US dollars approved.")
    reference: str = Field(min_length=1, max_length=200, description="The committee's decision.")


class ReportIn(BaseModel):
    due_on: date
    title: str = Field(min_length=1, max_length=300, examples=["Final narrative report"])


class ProjectReportOut(BaseModel):
    id: int
    due_on: date
    title: str
    received_on: date | None


class ProjectOut(BaseModel):
    id: int
    code: str
    title: str
    grantee: str
    country: str | None
    fund: str
    earmark: str | None
    approved_on: date
    approved_amount: str
    disbursed: str = Field(description="US dollars paid in tranches not reversed.")
    remaining: str = Field(description="Approved less disbursed.")
    reference: str
    status: ProjectStatus
    reports: list[ProjectReportOut]
    recorded_at: datetime
    recorded_by: str


class SponsorshipIn(BaseModel):
    """A delegate sponsored to attend a meeting; costs in US dollars."""

    fund: str = Field(default="SPP", max_length=16, description="A voluntary fund.")
    earmark: str | None = _EARMARK
    meeting: str = Field(min_length=1, max_length=60, examples=["CSP11"])
    conference_number: int | None = Field(default=None, description="The CSP, when on record.")
    traveller: str = Field(min_length=1, max_length=200)
    state_code: str | None = Field(default=None, max_length=3)
    travel: str = Field(default="0", description="US dollars.")
    subsistence: str = Field(default="0", description="US dollars.")
    other: str = Field(default="0", description="US dollars.")
    note: str | None = Field(default=None, max_length=2000)


class SponsorshipOut(BaseModel):
    id: int
    fund: str
    earmark: str | None
    meeting: str
    conference_number: int | None
    traveller: str
    state_code: str | None
    travel: str
    subsistence: str
    other: str
    costs: str
    disbursed: str = Field(description="US dollars paid, not reversed.")
    note: str | None
    recorded_at: datetime
    recorded_by: str


class DisbursementIn(BaseModel):
    """Money paid out of a voluntary fund. A project tranche or a sponsorship takes its
    fund and earmark from its project or sponsorship; any other disbursement names its
    fund (and earmark, if it is paid from earmarked money)."""

    kind: DisbursementKind = DisbursementKind.OTHER
    fund: str | None = Field(default=None, max_length=16)
    earmark: str | None = _EARMARK
    value_on: date = Field(description="The day the bank paid (not in the future).")
    project_id: int | None = None
    sponsorship_id: int | None = None
    tranche: int | None = Field(
        default=None, ge=1, description="A project's tranche number (default: the next one)."
    )
    amount: str = Field(description='Amount paid, e.g. "25000.00".')
    currency: str = Field(default="USD", description="ISO 4217 code.")
    usd_amount: str | None = Field(
        default=None,
        description="US dollars the bank debited; if absent, a provisional amount from the "
        "exchange-rate table (USD payments: the amount itself).",
    )
    payee: str = Field(min_length=1, max_length=200)
    reference: str = Field(min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=2000)


class DisbursementOut(BaseModel):
    id: int
    kind: DisbursementKind
    fund: str
    earmark: str | None
    value_on: date
    project_id: int | None
    sponsorship_id: int | None
    tranche: int | None
    amount: str
    currency: str
    usd_amount: str
    usd_provisional: bool
    usd_confirmed: str | None
    exchange_rate: str | None
    payee: str
    reference: str
    description: str | None
    entry_seq: int
    reversal: ReversalOut | None
    recorded_at: datetime
    recorded_by: str


class PoolOut(BaseModel):
    """One fund and earmark, in US dollars: received − disbursed = available."""

    fund: str
    earmark: str | None
    received: str
    disbursed: str
    available: str


class BalancesOut(BaseModel):
    as_at: date
    known_at: datetime | None
    pools: list[PoolOut]
