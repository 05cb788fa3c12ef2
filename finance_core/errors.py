"""One error tree for the whole service.

Domain errors know nothing of HTTP; ``api`` maps each class to a status code and renders
``{"error": ClassName, "detail": sentence, "fields": {...}}``."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the service raises on purpose."""

    def __init__(self, detail: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fields = fields or {}


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the caller)."""


class Conflict(DomainError):
    """The request clashes with what is already recorded (duplicate, concurrent change)."""


class RuleViolation(DomainError):
    """The request breaks a rule of the ledger or of the treaty's financial rules."""


class ValidationFailed(DomainError):
    """The input is malformed; ``fields`` names each bad field or row/column."""

    @classmethod
    def raise_if(cls, fields: dict[str, str]) -> None:
        """Raise for ``fields`` (field → message), if any, the first one as the detail."""
        if fields:
            name, message = next(iter(fields.items()))
            raise cls(f"{name}: {message}", fields=fields)


class PermissionDenied(DomainError):
    """The caller is known but may not do this."""


class NotAuthenticated(DomainError):
    """No valid credentials were given."""


class TooManyRequests(DomainError):
    """Too many failed attempts came from one client address: it is refused for
    ``retry_after`` seconds (at least one)."""

    def __init__(
        self, detail: str, *, retry_after: int, fields: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail, fields=fields)
        self.retry_after = max(1, retry_after)


class Busy(DomainError):
    """Concurrent work kept the database from completing the change (a deadlock, a
    serialization failure, a lock wait that ran out, a busy SQLite file) even after the
    retries: nothing was recorded, and the same request may be sent again after
    ``retry_after`` seconds. ``reason`` is the failure's SQLSTATE (or ``SQLITE_BUSY``)."""

    def __init__(self, detail: str, *, reason: str, retry_after: int = 1) -> None:
        super().__init__(detail)
        self.reason = reason
        self.retry_after = retry_after
