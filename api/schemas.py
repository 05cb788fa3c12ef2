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


class ErrorBody(BaseModel):
    """Every error response: the error class, a sentence, and optionally bad fields."""

    error: str = Field(examples=["NotFound"])
    detail: str = Field(examples=["State XYZ does not exist"])
    fields: dict[str, str] | None = Field(
        default=None, description="Field, or row/column, → message."
    )
