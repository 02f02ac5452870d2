"""Domain errors. The API maps each to one HTTP status in one table (chalicelib/api/errors.py)."""
from __future__ import annotations


class DomainError(Exception):
    """Base of every error a use case raises on purpose."""


class NotFoundError(DomainError):
    pass


class ConflictError(DomainError):
    """A conditional write lost (version or state guard): reload and retry, or report."""


class InvalidTransitionError(DomainError):
    pass


class ValidationError(DomainError):
    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class AuthenticationError(DomainError):
    pass


class PermissionDeniedError(DomainError):
    pass


class TooManyRequestsError(DomainError):
    def __init__(self, message: str, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after
