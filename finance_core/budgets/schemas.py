"""API shapes of budgets. Amounts are decimal strings of US dollars."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class LineIn(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=200)
    description: str | None = None
    amount: str = Field(description='US dollars, e.g. "125000.00".')


class VersionIn(BaseModel):
    """A budget as adopted (or revised) by a CSP decision: every line with its amount."""

    decision_symbol: str = Field(
        min_length=1, max_length=120, examples=["ATT/CSP3/2017/SEC/184/Conf.Rep"]
    )
    adopted_on: date
    carried_over: str = Field(default="0", description="Funds carried over, US dollars.")
    note: str | None = None
    lines: list[LineIn] = Field(min_length=1)


class BudgetIn(VersionIn):
    fund: str = Field(min_length=2, max_length=16)
    year: int = Field(ge=2014, le=2100)


class LineOut(BaseModel):
    id: int
    code: str
    title: str
    description: str | None
    amount: str


class VersionOut(BaseModel):
    version: int
    decision_symbol: str
    adopted_on: date
    total: str
    carried_over: str
    to_assess: str = Field(description="Total of the lines less the funds carried over.")
    note: str | None


class BudgetOut(BaseModel):
    id: int
    fund: str
    year: int
    in_force: VersionOut | None = Field(description="The version in force as at the date asked.")
    lines: list[LineOut] = Field(description="Lines of the version in force.")
    versions: list[VersionOut]
