"""Reserve tables: the dated target rule and the movements of the Working Capital Fund.

The reserve is the fund ``WCF`` (kind ``reserve``); its balance is the credit balance
of the ledger account ``WCF.reserve``. Amounts are US cents (integers)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Column, Date, ForeignKey, String, Text
from sqlmodel import Field, SQLModel

from finance_core.db_types import BigIntPK, ExactDecimal, UTCDateTime, utcnow

#: The fund that holds the reserve.
RESERVE_FUND = "WCF"


class TargetBasis(StrEnum):
    """How a target rule sets the reserve's target for a year.

    ``budget_share``: ``percent`` of the annual budget (the total of the budgets in force
    of ``budget_funds`` for the year); ``months_of_spending``: ``months`` times the
    monthly planned spending (that annual budget ÷ 12)."""

    BUDGET_SHARE = "budget_share"
    MONTHS_OF_SPENDING = "months_of_spending"


class ReserveTargetRule(SQLModel, table=True):
    """The reserve's target from ``effective_from`` until the next rule, with the decision
    that adopted it (a dated rule).

    ``budget_funds`` is the comma list of the funds whose budgets make the annual budget
    (default ``SEC,CSP``, the core budget); it is also the basis of the monthly planned
    spending by which the months of spending covered are counted."""

    __tablename__ = "reserve_target_rule"
    __table_args__ = (
        CheckConstraint(
            "(basis = 'budget_share' AND percent IS NOT NULL) OR "
            "(basis = 'months_of_spending' AND months IS NOT NULL)",
            name="ck_reserve_target_rule_basis",
        ),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    effective_from: date = Field(sa_column=Column(Date, nullable=False, unique=True))
    basis: TargetBasis = Field(sa_column=Column(String(24), nullable=False))
    percent: Decimal | None = Field(
        default=None, sa_column=Column(ExactDecimal), description="Percent of the budget."
    )
    months: Decimal | None = Field(
        default=None, sa_column=Column(ExactDecimal), description="Months of spending."
    )
    budget_funds: str = Field(sa_column=Column(String(200), nullable=False))
    reference: str = Field(sa_column=Column(String(300), nullable=False))
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))


class MovementKind(StrEnum):
    """What moved the reserve (each kind posts one balanced entry, see ``service``).

    - ``contribution``: voluntary money for the reserve from a State or another donor;
    - ``transfer_in``: (part of) a fund's surplus the CSP decided to put in the reserve,
      the claim on that fund;
    - ``settlement``: the cash of a ``transfer_in`` paid over by that fund;
    - ``draw_down``: cash advanced from the reserve to a fund short of liquidity, with
      its approval;
    - ``replenishment``: that fund paying an advance back."""

    CONTRIBUTION = "contribution"
    TRANSFER_IN = "transfer_in"
    SETTLEMENT = "settlement"
    DRAW_DOWN = "draw_down"
    REPLENISHMENT = "replenishment"


class ReserveMovement(SQLModel, table=True):
    """One movement of the reserve: ``amount_minor`` US cents (> 0) on ``value_on``.

    ``fund_code`` is the other fund (the fund whose surplus came in, or that drew on the
    reserve or paid it back; None for a contribution); ``state_code`` or ``donor`` says
    who contributed; ``reference`` is the decision, approval or bank reference behind the
    movement; ``entry_seq`` its ledger entry."""

    __tablename__ = "reserve_movement"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="ck_reserve_movement_amount"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntPK, primary_key=True))
    kind: MovementKind = Field(sa_column=Column(String(16), nullable=False))
    value_on: date = Field(sa_column=Column(Date, nullable=False, index=True))
    amount_minor: int = Field(sa_column=Column(BigInteger, nullable=False))
    fund_code: str | None = Field(
        default=None, sa_column=Column(String(16), ForeignKey("fund.code"))
    )
    state_code: str | None = Field(
        default=None, sa_column=Column(String(3), ForeignKey("state.code"))
    )
    donor: str | None = Field(default=None, sa_column=Column(String(200)))
    reference: str = Field(sa_column=Column(String(200), nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text))
    entry_seq: int = Field(
        sa_column=Column(BigInteger, ForeignKey("journal_entry.seq"), nullable=False, unique=True)
    )
    recorded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    recorded_by: str = Field(sa_column=Column(String(120), nullable=False))
