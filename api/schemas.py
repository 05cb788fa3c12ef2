"""Shapes every route shares: the list envelope and the error body."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Generic, TypeVar

from annotated_types import Interval
from pydantic import BaseModel, Field

T = TypeVar("T")

#: The financial years the service holds (budgets are adopted for 2014 to 2100).
FIRST_YEAR, LAST_YEAR = 2014, 2100
#: A financial year: one outside is refused as invalid, before any date of it is made.
Year = Annotated[int, Interval(ge=FIRST_YEAR, le=LAST_YEAR)]
#: A date by the end of the last year: what a report walking year by year up to the date
#: takes (one far later would make it walk thousands of years).
UntilLastYear = Annotated[date, Interval(le=date(LAST_YEAR, 12, 31))]


class Page(BaseModel, Generic[T]):
    """A page of a list: ``items``, how many there are in all, and the window."""

    items: list[T]
    total: int
    limit: int
    offset: int

    @classmethod
    def whole(cls, items: list[T]) -> Page[T]:
        """Every item in one page."""
        return cls(items=items, total=len(items), limit=len(items), offset=0)

    @classmethod
    def window(cls, items: list[T], *, limit: int, offset: int) -> Page[T]:
        """The ``limit`` items from ``offset`` of all ``items``."""
        return cls(
            items=items[offset : offset + limit], total=len(items), limit=limit, offset=offset
        )


class ErrorBody(BaseModel):
    """Every error response: the error class, a sentence, and optionally bad fields."""

    error: str = Field(examples=["NotFound"])
    detail: str = Field(examples=["State XYZ does not exist"])
    fields: dict[str, str] | None = Field(
        default=None, description="Field, or row/column, → message."
    )
