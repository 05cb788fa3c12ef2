"""Column types shared by every table: exact on both SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

#: Integer primary keys: BIGINT on PostgreSQL, the rowid INTEGER on SQLite.
BigIntPK = BigInteger().with_variant(Integer, "sqlite")


def utcnow() -> datetime:
    """The current time as an aware UTC timestamp (microsecond precision)."""
    return datetime.now(UTC)


def utctoday() -> date:
    """Today's date in UTC (the default ``as_at``)."""
    return datetime.now(UTC).date()


class UTCDateTime(TypeDecorator[datetime]):
    """An audit timestamp, always aware UTC in Python.

    PostgreSQL stores ``timestamptz``; SQLite stores the naive UTC text, which sorts and
    compares correctly as text."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware (UTC)")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ExactDecimal(TypeDecorator[Decimal]):
    """An exact decimal (a rate, never money) stored as its canonical text.

    Neither SQLite's NUMERIC (which rounds through float) nor a float column is exact;
    text round-trips every digit on both databases."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError("ExactDecimal columns take Decimal values")
        if not value.is_finite():
            raise ValueError("ExactDecimal columns take finite values")
        return format(value, "f")

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value))
