"""TOP's error_response -> the pipeline's error types (reference §1.3 and the gateway code table)."""

from __future__ import annotations

import re
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

PLATFORM = "taobao"
RATE_LIMIT_CODES = {"7", "8"}
SIGNATURE_CODES = {"24", "25", "28", "29"}
SESSION_CODES = {"26", "27"}
UNAVAILABLE_CODES = {"10"}

# Business sub-codes. The logistics ones (…-service-error:Bxx/CDxx) are the real gateway's, as quoted
# in ISV code; trade/refund/item/waybill/token ones are [I]: unverified names, kept in step with the sandbox.
NOT_FOUND_SUB_CODES = {
    "isv.trade-not-exist",
    "isv.refund-not-exist",
    "isv.item-not-exist",
    "isv.sku-not-exist",
    "isv.waybill-not-exist",
    "isv.logistics-offline-service-error:B01",
    "isv.logistics-offline-service-error:P02",
    "isv.logistics-online-service-error:B01",
}
NOT_ALLOWED_SUB_CODES = {
    "isv.logistics-offline-service-error:B04",
    "isv.logistics-online-service-error:B04",
    "isv.logistics-offline-service-error:B55",
    "isv.logistics-offline-service-error:CD22",
    "isv.logistics-offline-service-error:CD23",
    "isv.logistics-offline-service-error:CD29",
    "isv.refund-status-not-support",
    "isv.waybill-quantity-not-enough",
}
AUTH_SUB_CODES = {
    "session-expired",
    "invalid-sessionkey",
    "isv.refresh-token-invalid",
    "isv.refresh-token-expired",
    "isv.code-invalid",
}
# Gateway says "retry later" with an isv. prefix for these.
TRANSIENT_SUB_CODES = {"isv.logistics-offline-service-error:B150", "isv.logistics-offline-service-error:S01"}

_BAN = re.compile(r"(\d+)\s+more\s+seconds")


def error_from(body: Mapping[str, Any]) -> PlatformError:
    code = str(body.get("code", ""))
    sub_code = str(body.get("sub_code") or "")
    message = " ".join(str(part) for part in (body.get("msg"), body.get("sub_msg")) if part)
    kw: dict[str, Any] = {"code": code, "sub_code": sub_code, "platform": PLATFORM}
    if code in RATE_LIMIT_CODES or sub_code.startswith("accesscontrol."):
        return RateLimitedError(message, retry_after=ban_seconds(str(body.get("sub_msg") or "")), **kw)
    if code in SIGNATURE_CODES:
        return SignatureRejectedError(message, **kw)
    if code in SESSION_CODES or sub_code in AUTH_SUB_CODES:
        return AuthExpiredError(message, **kw)
    if code in UNAVAILABLE_CODES or sub_code.startswith("isp.") or sub_code in TRANSIENT_SUB_CODES:
        return TransientError(message, **kw)
    if sub_code in NOT_FOUND_SUB_CODES:
        return NotFoundError(message, **kw)
    if sub_code in NOT_ALLOWED_SUB_CODES:
        return NotAllowedError(message, **kw)
    return BadRequestError(message, **kw)


def ban_seconds(sub_msg: str) -> float:
    """'This ban will last for 31062 more seconds' -> 31062.0; 1 s when the gateway does not say."""
    match = _BAN.search(sub_msg)
    return float(match.group(1)) if match else 1.0
