"""One signed call to the Douyin gateway (reference §1.1-§1.4): build the request, read the envelope,
and turn the platform's codes into the base error types."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from chalicelib.platforms.douyin.signing import HMAC_SHA256, marshal, sign_request
from chalicelib.platforms.http import Transport
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

GATEWAY = "https://openapi-fxg.jinritemai.com"
PLATFORM = "douyin"
SUCCESS = 10000
RATE_LIMITED = 60000
_TRANSIENT_CODES = {20000, 20001}
_SIGNATURE_SUB_CODES = {
    "isv.signature-invalid",
    "isv.signature-missing",
    "isv.app-id-missing",
    "isv.app-key-invalid",
    "isv.app-key-missing",
}
_AUTH_SUB_CODES = {
    "isv.access-token-expired",
    "isv.access-token-no-existed",
    "isv.access-token-invalid",
    "isv.access-token-missing",
    "dop.authorization-no-existed",
    "dop.authorization-closed",
    "isv.business-failed:31009",
}


class Gateway:
    """Signs with HMAC-SHA256 by default; every attempt gets a fresh timestamp and signature."""

    def __init__(
        self,
        credentials: ShopCredentials,
        transport: Transport,
        *,
        clock: Callable[[], float] = time.time,
        sign_method: str = HMAC_SHA256,
    ) -> None:
        self.credentials = credentials
        self.access_token = credentials.access_token
        self._transport = transport
        self._clock = clock
        self._sign_method = sign_method
        self.base_url = (credentials.base_url or GATEWAY).rstrip("/")

    def call(self, method: str, params: Mapping[str, Any], *, with_token: bool = True) -> Any:
        param_json = marshal(params)
        return self._transport.request(lambda: self._build(method, param_json, with_token), parse_response)

    def _build(self, method: str, param_json: str, with_token: bool) -> httpx.Request:
        timestamp = str(int(self._clock()))
        query = {
            "app_key": self.credentials.app_key,
            "method": method,
            "timestamp": timestamp,
            "v": "2",
            "sign_method": self._sign_method,
            "sign": sign_request(
                app_key=self.credentials.app_key,
                app_secret=self.credentials.app_secret,
                method=method,
                param_json=param_json,
                timestamp=timestamp,
                sign_method=self._sign_method,
            ),
        }
        if with_token:
            query["access_token"] = self.access_token
        headers = {"Content-Type": "application/json;charset=UTF-8", "x-open-no-old-err-code": "1"}
        return httpx.Request(
            "POST",
            f"{self.base_url}/{method.replace('.', '/')}",
            params=query,
            content=param_json.encode(),
            headers=headers,
        )


def parse_response(response: httpx.Response) -> Any:
    if response.status_code != 200:
        raise BadRequestError(
            f"HTTP {response.status_code}", code=str(response.status_code), platform=PLATFORM
        )
    try:
        envelope = json.loads(response.content)
    except ValueError as exc:
        raise TransientError("gateway answered with a body that is not JSON", platform=PLATFORM) from exc
    if not isinstance(envelope, dict):
        raise TransientError("gateway answered with an unexpected envelope", platform=PLATFORM)
    return data_or_raise(envelope)


def data_or_raise(envelope: Mapping[str, Any]) -> Any:
    if "code" not in envelope and "err_no" in envelope:  # legacy envelope (no x-open-no-old-err-code)
        if int(envelope["err_no"]) == 0:
            return envelope.get("data")
        raise BadRequestError(
            str(envelope.get("message", "")), code=str(envelope["err_no"]), platform=PLATFORM
        )
    code = int(envelope.get("code", -1))
    if code == SUCCESS:
        return envelope.get("data")
    raise error_for(
        code, str(envelope.get("sub_code") or ""), str(envelope.get("sub_msg") or envelope.get("msg") or "")
    )


def error_for(code: int, sub_code: str, message: str) -> PlatformError:
    kw: dict[str, Any] = {"code": str(code), "sub_code": sub_code, "platform": PLATFORM}
    text = f"{code} {sub_code}: {message}".strip()
    if code == RATE_LIMITED:
        return RateLimitedError(text, retry_after=1.0, **kw)
    if code in _TRANSIENT_CODES:
        return TransientError(text, **kw)
    if sub_code in _SIGNATURE_SUB_CODES or sub_code.endswith(":app-secret-invalid") or code == 30002:
        return SignatureRejectedError(text, **kw)
    if sub_code in _AUTH_SUB_CODES or _is_dead_grant(code, sub_code):
        return AuthExpiredError(text, **kw)
    if code in (40004, 50002) and "不存在" in message:
        # Douyin tells "no such order / case" only in the message text
        return NotFoundError(text, **kw)
    if code in (30001, 50002):
        return NotAllowedError(text, **kw)
    return BadRequestError(text, **kw)


def _is_dead_grant(code: int, sub_code: str) -> bool:
    return code == 50001 and any(part in sub_code for part in (":code-", ":token-"))
