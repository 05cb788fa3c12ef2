"""Fund table."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from finance_core.db_types import UTCDateTime, utcnow


class FundKind(StrEnum):
    """What finances a fund: assessed contributions, the reserve, or voluntary money."""

    ASSESSED = "assessed"
    RESERVE = "reserve"
    VOLUNTARY = "voluntary"


class FundBase(SQLModel):
    code: str = Field(
        sa_column=Column(String(16), primary_key=True),
        description="Short code, e.g. SEC, CSP, WCF, VTF, SPP.",
    )
    name: str = Field(sa_column=Column(String(120), nullable=False, unique=True))
    kind: FundKind = Field(sa_column=Column(String(16), nullable=False))


class Fund(FundBase, table=True):
    """A fund: a self-balancing set of ledger accounts."""

    __tablename__ = "fund"

    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class FundCreate(SQLModel):
    code: str = Field(min_length=2, max_length=16, regex=r"^[A-Z][A-Z0-9_]*$")
    name: str = Field(min_length=1, max_length=120)
    kind: FundKind


class FundPublic(SQLModel):
    code: str
    name: str
    kind: FundKind
