"""One signed call to the TOP router: system params in the query string, application params in a
urlencoded body (as the official Python SDK sends them), JSON envelope unwrapped or mapped to errors."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import httpx

from chalicelib.platforms.http import Transport
from chalicelib.platforms.taobao.errors import error_from
from chalicelib.platforms.taobao.signing import format_timestamp, sign
from chalicelib.services.platform_errors import TransientError
from chalicelib.services.platform_types import SHANGHAI, ShopCredentials

REAL_GATEWAY = "https://eco.taobao.com/router/rest"
ROUTER_PATH = "/router/rest"
DEFAULT_SIGN_METHOD = "hmac-sha256"

Params = Mapping[str, Any]


def gateway_url(credentials: ShopCredentials) -> str:
    base = credentials.base_url.rstrip("/")
    if not base:
        return REAL_GATEWAY
    return base if base.endswith(ROUTER_PATH) else base + ROUTER_PATH


def response_key(method: str) -> str:
    """taobao.trade.fullinfo.get -> trade_fullinfo_get_response; cainiao.* keeps its prefix."""
    name = method.removeprefix("taobao.")
    return name.replace(".", "_") + "_response"


class TopGateway:
    def __init__(
        self,
        credentials: ShopCredentials,
        transport: Transport,
        now: Callable[[], datetime] = lambda: datetime.now(SHANGHAI),
    ) -> None:
        self.credentials = credentials
        self.transport = transport
        self.url = gateway_url(credentials)
        self.sign_method = credentials.extra.get("sign_method", DEFAULT_SIGN_METHOD)
        self._now = now

    def call(self, method: str, params: Params | None = None, *, session: bool = True) -> dict[str, Any]:
        app_params = {k: _wire(v) for k, v in (params or {}).items() if v is not None}

        def build() -> httpx.Request:
            system = self._system_params(method, session)
            system["sign"] = sign({**system, **app_params}, self.credentials.app_secret, self.sign_method)
            return httpx.Request("POST", self.url, params=system, data=app_params or None)

        return self.transport.request(build, lambda response: parse(response, method))

    def _system_params(self, method: str, session: bool) -> dict[str, str]:
        system = {
            "method": method,
            "app_key": self.credentials.app_key,
            "v": "2.0",
            "format": "json",
            "sign_method": self.sign_method,
            "timestamp": format_timestamp(self._now()),
        }
        if session:
            system["session"] = self.credentials.access_token
        return system


def parse(response: httpx.Response, method: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as exc:  # an HTML error page from a proxy in front of the router
        raise TransientError(
            f"HTTP {response.status_code}: not JSON", code=str(response.status_code)
        ) from exc
    if not isinstance(body, dict):
        raise TransientError("unexpected response shape", code="shape")
    if "error_response" in body:
        raise error_from(body["error_response"])
    if response.status_code != 200 or not _top_answer(body):
        # not the router speaking (a wrong base URL, a proxy): read as "no trades", it would move the
        # watermark past orders never seen
        raise TransientError(f"HTTP {response.status_code}: not a TOP answer", code=str(response.status_code))
    return unwrap(body, method)


def _top_answer(body: dict[str, Any]) -> bool:
    """Every TOP answer has a `*_response` root, or (simplify=true) a request_id at the top."""
    return "request_id" in body or any(k.endswith("_response") and isinstance(v, dict) for k, v in body.items())


def unwrap(body: dict[str, Any], method: str) -> dict[str, Any]:
    for key in (response_key(method), method.replace(".", "_") + "_response"):
        if isinstance(body.get(key), dict):
            return dict(body[key])
    roots = [v for k, v in body.items() if k.endswith("_response") and isinstance(v, dict)]
    return dict(roots[0]) if len(roots) == 1 else body  # simplify=true has no root


def items(container: Any, inner: str) -> list[Any]:
    """Lists come double-wrapped ({"trades": {"trade": [...]}}) or plain with simplify=true."""
    if container is None:
        return []
    if isinstance(container, dict):
        container = container.get(inner, [])
    if isinstance(container, dict):  # a one-element list collapsed by an XML-to-JSON bridge
        return [container]
    return list(container)


def _wire(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)
