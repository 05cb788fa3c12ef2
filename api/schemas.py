"""Shapes every route shares: the list envelope and the error body."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


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
