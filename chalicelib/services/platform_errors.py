"""Errors every platform client raises, typed so the pipeline can act on them."""
from __future__ import annotations

from typing import Any


class PlatformError(Exception):
    """Base: carries the platform's own code and message so the UI can show them."""

    def __init__(self, message: str, *, code: str = "", sub_code: str = "", platform: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.sub_code = sub_code
        self.platform = platform


class AuthExpiredError(PlatformError):
    """Token invalid or expired: refresh, or park the shop as reauth_needed."""


class RateLimitedError(PlatformError):
    def __init__(self, message: str, *, retry_after: float = 1.0, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class SignatureRejectedError(PlatformError):
    """Our signature or app credentials were refused: a configuration error, never retried."""


class BadRequestError(PlatformError):
    """The platform refused the parameters: never retried."""


class NotAllowedError(BadRequestError):
    """The platform's state does not allow the action (already shipped, deadline passed...)."""


class NotFoundError(BadRequestError):
    pass


class TransientError(PlatformError):
    """5xx, timeouts, connection resets, the platform's 'system busy' codes: retried with backoff."""


class PushRejectedError(Exception):
    """A push failed verification: bad signature, stale timestamp, malformed or oversize body."""

    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
