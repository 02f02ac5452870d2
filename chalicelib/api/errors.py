"""The one table that maps exceptions to HTTP. Anything not in it is a 500 with no detail leaked."""
from __future__ import annotations

import logging
from typing import Any

from chalice import Response

from chalicelib.domain import errors as domain
from chalicelib.services import platform_errors as platform

log = logging.getLogger("oms.api")


class BadRequest(Exception):
    """A request the API refuses before any use case runs (body too big, not JSON...)."""

    def __init__(self, message: str, field: str = "", status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


# exception type -> (status, error code). First match wins: subclasses before their bases.
ERROR_TABLE: list[tuple[type[BaseException], int, str]] = [
    (BadRequest, 400, "bad_request"),
    (domain.ValidationError, 400, "invalid"),
    (domain.AuthenticationError, 401, "unauthenticated"),
    (domain.PermissionDeniedError, 403, "forbidden"),
    (domain.NotFoundError, 404, "not_found"),
    (domain.ConflictError, 409, "conflict"),
    (domain.InvalidTransitionError, 409, "invalid_transition"),
    (domain.TooManyRequestsError, 429, "too_many_requests"),
    (platform.NotAllowedError, 409, "platform_refused"),
    (platform.AuthExpiredError, 409, "shop_reauth_needed"),
    (platform.RateLimitedError, 503, "platform_rate_limited"),
    (platform.PlatformError, 502, "platform_error"),
    (platform.PushRejectedError, 401, "push_rejected"),
]


# Answers made without an exception of ours (chalice's own 405/415/500, the gateway's unknown path):
# status -> error code of the same shape.
STATUS_CODES: dict[int, str] = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
                                405: "method_not_allowed", 409: "conflict", 413: "too_large",
                                415: "unsupported_media_type", 429: "too_many_requests", 500: "internal",
                                502: "bad_gateway", 503: "unavailable", 504: "timeout"}


def code_for(status: int) -> str:
    return STATUS_CODES.get(status, "internal" if status >= 500 else "bad_request")


def to_response(exc: BaseException) -> Response:
    pydantic_errors = _pydantic_errors(exc)
    if pydantic_errors is not None:
        return error_response(400, "invalid", "request body failed validation", fields=pydantic_errors)
    for exc_type, status, code in ERROR_TABLE:
        if isinstance(exc, exc_type):
            return error_response(_status(exc, status), code, str(exc), **_extra(exc))
    log.exception("unhandled error")
    return error_response(500, "internal", "internal error")


def error_response(status: int, code: str, message: str, **extra: Any) -> Response:
    headers: dict[str, str | list[str]] = {"Content-Type": "application/json"}
    if "retry_after" in extra:
        headers["Retry-After"] = str(extra["retry_after"])
    return Response({"error": {"code": code, "message": message, **extra}}, status_code=status, headers=headers)


def _status(exc: BaseException, default: int) -> int:
    if isinstance(exc, BadRequest | platform.PushRejectedError):
        return exc.status
    return default


def _extra(exc: BaseException) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if getattr(exc, "reason", ""):
        extra["reason"] = exc.reason  # type: ignore[attr-defined]
    if getattr(exc, "field", ""):
        extra["fields"] = [{"field": exc.field, "message": str(exc)}]  # type: ignore[attr-defined]
    if getattr(exc, "holds", ()):
        extra["holds"] = list(exc.holds)  # type: ignore[attr-defined]  # the UI names them (waybill.order_held)
    if isinstance(exc, domain.TooManyRequestsError):
        extra["retry_after"] = exc.retry_after
    if isinstance(exc, platform.PlatformError) and exc.code:
        extra["platform_code"] = exc.code
        if exc.sub_code:
            extra["platform_sub_code"] = exc.sub_code
    return extra


def _pydantic_errors(exc: BaseException) -> list[dict[str, str]] | None:
    if type(exc).__name__ != "ValidationError" or not hasattr(exc, "errors"):
        return None
    return [{"field": ".".join(str(p) for p in e.get("loc", ())) or "body", "message": e.get("msg", "")}
            for e in exc.errors()]
