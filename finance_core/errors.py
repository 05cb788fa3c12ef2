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
