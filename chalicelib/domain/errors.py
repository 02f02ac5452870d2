"""Domain errors. The API maps each to one HTTP status in one table (chalicelib/api/errors.py)."""
from __future__ import annotations


class DomainError(Exception):
    """Base of every error a use case raises on purpose.

    `reason` is a stable, dotted code ("sku.code_taken") the UI translates into a zh/en sentence; the
    message stays English for logs and API clients that read it.
    """

    def __init__(self, message: str = "", *, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


class NotFoundError(DomainError):
    pass


class ConflictError(DomainError):
    """A conditional write lost (version or state guard): reload and retry, or report."""


class InvalidTransitionError(DomainError):
    pass


class ValidationError(DomainError):
    def __init__(self, message: str, field: str = "", *, reason: str = "") -> None:
        super().__init__(message, reason=reason)
        self.field = field


class AuthenticationError(DomainError):
    pass


class PermissionDeniedError(DomainError):
    pass


class TooManyRequestsError(DomainError):
    def __init__(self, message: str, retry_after: int = 60, *, reason: str = "") -> None:
        super().__init__(message, reason=reason)
        self.retry_after = retry_after
