"""One signed call to the Kuaishou gateway: builds the request, parses the `result` envelope and
turns failures into the base error types (reference §3.1, §3.3)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from chalicelib.platforms.envelope import json_object
from chalicelib.platforms.http import Transport
from chalicelib.platforms.kuaishou.signing import HMAC_SHA256, sign
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
from chalicelib.services.platform_types import ShopCredentials

GATEWAY = "https://openapi.kwaixiaodian.com"
PLATFORM = "kuaishou"

# result codes: whalesky's exception mapping [I] plus the business codes we act on [I: unverified]
AUTH_CODES = frozenset({21, 22, 24, 25, 26})
SIGNATURE_CODES = frozenset({27, 28})
RATE_LIMIT_CODES = frozenset({15, 16, 17, 1016, 1017, 802000})
TRANSIENT_CODES = frozenset({2})
BAD_PARAM, NOT_FOUND, NOT_ALLOWED = 30, 31, 32


def error_for(code: int, message: str) -> PlatformError:
    kw = {"code": str(code), "platform": PLATFORM}
    if code in AUTH_CODES:
        return AuthExpiredError(message, **kw)
    if code in SIGNATURE_CODES:
        return SignatureRejectedError(message, **kw)
    if code in RATE_LIMIT_CODES:
        return RateLimitedError(message, retry_after=1.0, **kw)
    if code in TRANSIENT_CODES:
        return TransientError(message, **kw)
    if code == NOT_FOUND:
        return NotFoundError(message, **kw)
    if code == NOT_ALLOWED:
        return NotAllowedError(message, **kw)
    return BadRequestError(message, **kw)


def parse_data(response: httpx.Response) -> Any:
    payload = json_object(response, PLATFORM)
    result = int(payload.get("result", 0) or 0)
    if result != 1:
        raise error_for(result, str(payload.get("error_msg") or payload.get("error") or "unknown error"))
    return payload.get("data")


class Gateway:
    def __init__(
        self,
        credentials: ShopCredentials,
        transport: Transport,
        clock_ms: Callable[[], int] | None = None,
        sign_method: str = HMAC_SHA256,
    ) -> None:
        self.credentials = credentials
        self.transport = transport
        self.base_url = (credentials.base_url or GATEWAY).rstrip("/")
        # signSecret is its own credential; app_secret only serves OAuth (reference §5 "Secrets")
        self.sign_secret = credentials.extra.get("sign_secret", "")
        self.sign_method = sign_method
        self._clock_ms = clock_ms or (lambda: int(time.time() * 1000))

    def call(self, method: str, params: dict[str, Any], *, post: bool = False) -> Any:
        if not self.sign_secret:
            raise SignatureRejectedError("no sign_secret in the shop credentials", platform=PLATFORM)
        return self.transport.request(lambda: self._build(method, params, post), parse_data)

    def _build(self, method: str, params: dict[str, Any], post: bool) -> httpx.Request:
        system = {
            "appkey": self.credentials.app_key,
            "method": method,
            "version": "1",
            "param": json.dumps(params, ensure_ascii=False, separators=(",", ":")),
            "access_token": self.credentials.access_token,
            "timestamp": str(self._clock_ms()),
            "signMethod": self.sign_method,
        }
        system["sign"] = sign(system, self.sign_secret)
        url = f"{self.base_url}/{method.replace('.', '/')}"
        if post:
            return httpx.Request("POST", url, data=system)
        return httpx.Request("GET", url, params=system)
