"""POP error_response codes -> the pipeline's error types (reference §3.3)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.services.platform_errors import (
    AuthExpiredError,
    BadRequestError,
    NotAllowedError,
    NotFoundError,
    PlatformError,
    RateLimitedError,
    SignatureRejectedError,
    TransientError,
)

PLATFORM = "pdd"

AUTH_CODES = frozenset({10019, 20032})  # token expired / token and client_id do not match
CONFIG_CODES = frozenset(
    {20004, 10016, 20005, 20031}
)  # bad sign, bad client_id, IP not whitelisted, no permission
THROTTLE_CODES = frozenset({52101, 70031})
BANNED_CODES = frozenset({70032, 70033, 70034, 70035, 70036})
TRANSIENT_CODES = frozenset({50000, 52001, 52002, 52102, 52103})
BUSINESS_CODES = frozenset({50001, 50002})

THROTTLE_RETRY_AFTER = 1.0
# Risk bans last far longer than a Lambda run: surface them (the shop gets parked) instead of retrying.
BANNED_RETRY_AFTER = 600.0


def error_from(envelope: Mapping[str, Any]) -> PlatformError:
    code = _int(envelope.get("error_code"))
    sub_code = str(envelope.get("sub_code") or "")
    message = str(envelope.get("sub_msg") or envelope.get("error_msg") or "")
    kw: dict[str, Any] = {"code": str(code), "sub_code": sub_code, "platform": PLATFORM}
    if code in AUTH_CODES:
        return AuthExpiredError(message, **kw)
    if code in CONFIG_CODES:
        return SignatureRejectedError(message, **kw)
    if code in THROTTLE_CODES:
        return RateLimitedError(message, retry_after=THROTTLE_RETRY_AFTER, **kw)
    if code in BANNED_CODES:
        return RateLimitedError(message, retry_after=BANNED_RETRY_AFTER, **kw)
    if code in TRANSIENT_CODES:
        return TransientError(message, **kw)
    if code in BUSINESS_CODES:
        # POP has no dedicated not-found code: business errors say so in words (订单不存在, 售后单不存在)
        return (NotFoundError if "不存在" in message else NotAllowedError)(message, **kw)
    return BadRequestError(message, **kw)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
