"""One signed call to the JOS `routerjson` gateway, and its envelope turned into a value or a PlatformError.

Request shape follows the official Java SDK: system parameters in the query string, the business
parameters as one JSON string (`360buy_param_json`) in a urlencoded POST body (reference §2.1).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import httpx

from chalicelib.platforms.http import Transport
from chalicelib.platforms.jd.signing import PARAM_JSON, encode_param_json, format_timestamp, sign
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
from chalicelib.services.platform_types import SHANGHAI, ShopCredentials

API_URL = "https://api.jd.com/routerjson"
PLATFORM = "jd"

# Gateway codes (reference §2.3, J5); 18/19 are marked [I] there.
_GATEWAY_ERRORS: dict[str, type[PlatformError]] = {
    "2": RateLimitedError, "11": SignatureRejectedError, "12": SignatureRejectedError,
    "18": AuthExpiredError, "19": AuthExpiredError, "66": TransientError, "67": TransientError,
}
# Business codes inside a result container (apiResult.numberCode, pageResult.code, resultInfo.statusCode).
# JOS publishes no table for these; the values are our convention with the sandbox, see the report.
BUSINESS_ERRORS: dict[str, type[PlatformError]] = {
    "10200001": BadRequestError, "10200002": NotFoundError, "10200003": NotAllowedError,
    "10200004": TransientError,
}
RATE_LIMIT_RETRY_SECONDS = 1.0


def response_key(method: str) -> str:
    """`jingdong.pop.order.enSearch` -> `jingdong_pop_order_enSearch_responce` (JD's own spelling)."""
    return method.replace(".", "_") + "_responce"


class JdGateway:
    def __init__(self, credentials: ShopCredentials, transport: Transport,
                 clock: Callable[[], datetime] = lambda: datetime.now(SHANGHAI)) -> None:
        self.credentials = credentials
        self.transport = transport
        self.clock = clock
        base = credentials.base_url.rstrip("/")
        self.url = f"{base}/routerjson" if base else API_URL

    def call(self, method: str, params: Mapping[str, Any], *, with_token: bool = True) -> dict[str, Any]:
        """The inner response object (`{"code": "0", <result>: ...}`); gateway errors raised."""
        param_json = encode_param_json(params)
        return self.transport.request(lambda: self._build(method, param_json, with_token),
                                      lambda response: self._parse(method, response))

    def _build(self, method: str, param_json: str, with_token: bool) -> httpx.Request:
        system = {"method": method, "app_key": self.credentials.app_key, "v": "2.0", "format": "json",
                  "timestamp": format_timestamp(self.clock())}
        if with_token:
            system["access_token"] = self.credentials.access_token
        system["sign"] = sign({**system, PARAM_JSON: param_json}, self.credentials.app_secret)
        return httpx.Request("POST", f"{self.url}?{urlencode(system)}",
                             content=urlencode({PARAM_JSON: param_json}).encode(),
                             headers={"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"})

    def _parse(self, method: str, response: httpx.Response) -> dict[str, Any]:
        try:
            payload = response.json()
        except json.JSONDecodeError as exc:
            raise TransientError(f"not JSON (HTTP {response.status_code})", code="bad_json",
                                 platform=PLATFORM) from exc
        if "error_response" in payload:
            raise gateway_error(payload["error_response"])
        body = payload.get(response_key(method)) or _any_response(payload)
        if body is None:
            raise TransientError(f"no {response_key(method)} in the answer", code="no_body",
                                 platform=PLATFORM)
        if str(body.get("code", "0")) != "0":
            raise business_error(str(body.get("code")), str(body.get("zh_desc") or body.get("msg") or ""))
        return dict(body)


def _any_response(payload: Mapping[str, Any]) -> dict[str, Any] | None:
    # legacy `360buy.*` methods name their root differently; take the one root there is
    for key, value in payload.items():
        if key.endswith(("_responce", "_response")) and isinstance(value, dict):
            return value
    return None


def gateway_error(error: Mapping[str, Any]) -> PlatformError:
    code = str(error.get("code", ""))
    message = str(error.get("zh_desc") or error.get("en_desc") or "gateway error")
    kind = _GATEWAY_ERRORS.get(code, BadRequestError)
    if kind is RateLimitedError:
        return RateLimitedError(message, retry_after=RATE_LIMIT_RETRY_SECONDS, code=code, platform=PLATFORM)
    return kind(message, code=code, platform=PLATFORM)


def business_error(code: str, message: str) -> PlatformError:
    return BUSINESS_ERRORS.get(code, BadRequestError)(message or "refused", code=code, platform=PLATFORM)


def checked(body: Mapping[str, Any], container: str | None) -> dict[str, Any]:
    """The named result container (None: the body itself), after its own success flag (the three
    shapes JOS uses)."""
    result = body.get(container) if container else dict(body)
    if not isinstance(result, dict):
        raise TransientError(f"answer lacks {container}", code="no_result", platform=PLATFORM)
    api_result = result.get("apiResult")
    if isinstance(api_result, dict) and not _truthy(api_result.get("success")):
        raise business_error(str(api_result.get("numberCode", "")), str(api_result.get("chineseErrCode", "")))
    if "statusCode" in result and str(result["statusCode"]) != "0":
        raise business_error(str(result["statusCode"]), str(result.get("statusMessage", "")))
    if "success" in result and not _truthy(result["success"]):
        code = result.get("numberCode") or result.get("code", "")
        message = result.get("msg") or result.get("chineseErrCode") or result.get("errorMsg") or ""
        raise business_error(str(code), str(message))
    return result


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"
