"""One signed call to the Xiaohongshu common_controller: a flat JSON body of system and business
fields, answered in the `success`/`error_code` envelope (reference §4.1, §4.3)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from chalicelib.platforms.envelope import json_object
from chalicelib.platforms.http import Transport
from chalicelib.platforms.xhs.signing import sign
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

GATEWAY = "https://ark.xiaohongshu.com"
PATH = "/ark/open_api/v3/common_controller"
VERSION = "2.0"
PLATFORM = "xhs"

# The sources name no codes for bad sign, token or rate limit (reference §4.3, §7.4): these are the
# sandbox's [I] codes; confirm against a live shop and extend the sets, the mapping logic stays.
SYSTEM_BUSY = frozenset({"-1"})
SIGNATURE = frozenset({"-100", "-101"})
AUTH = frozenset({"-103", "-104", "-105"})
RATE_LIMIT = frozenset({"-106"})
NOT_FOUND = frozenset({"-201"})
NOT_ALLOWED = frozenset({"-202"})


def error_for(code: str, message: str) -> PlatformError:
    kw = {"code": code, "platform": PLATFORM}
    for codes, kind in (
        (SIGNATURE, SignatureRejectedError),
        (AUTH, AuthExpiredError),
        (NOT_FOUND, NotFoundError),
        (NOT_ALLOWED, NotAllowedError),
    ):
        if code in codes:
            return kind(message, **kw)
    if code in RATE_LIMIT:
        return RateLimitedError(message, retry_after=1.0, **kw)
    if code in SYSTEM_BUSY:
        return TransientError(message, **kw)
    return BadRequestError(message, **kw)


def parse_data(response: httpx.Response) -> Any:
    payload = json_object(response, PLATFORM)
    # the official Java SDK also reads code/msg; error_code may be a number or a string
    code = str(payload.get("error_code", payload.get("code", 0)) or 0)
    if payload.get("success") is True and code == "0":
        return payload.get("data")
    raise error_for(code, str(payload.get("error_msg") or payload.get("msg") or "unknown error"))


class Gateway:
    def __init__(
        self, credentials: ShopCredentials, transport: Transport, clock_s: Callable[[], int] | None = None
    ) -> None:
        self.credentials = credentials
        self.transport = transport
        self.url = (credentials.base_url or GATEWAY).rstrip("/") + PATH
        self._clock_s = clock_s or (lambda: int(time.time()))

    def call(self, method: str, params: dict[str, Any], *, with_token: bool = True) -> Any:
        return self.transport.request(lambda: self._build(method, params, with_token), parse_data)

    def _build(self, method: str, params: dict[str, Any], with_token: bool) -> httpx.Request:
        creds = self.credentials
        timestamp = str(self._clock_s())
        body: dict[str, Any] = {
            "method": method,
            "appId": creds.app_key,
            "timestamp": timestamp,
            "version": VERSION,
            "sign": sign(method, creds.app_key, timestamp, VERSION, creds.app_secret),
        }
        if with_token:
            body["accessToken"] = creds.access_token
        body.update(params)
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return httpx.Request(
            "POST", self.url, content=content, headers={"Content-Type": "application/json;charset=utf-8"}
        )
