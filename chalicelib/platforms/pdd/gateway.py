"""One signed call to the POP router: form POST, per-API response root, error envelope."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import httpx

from chalicelib.platforms.http import Transport
from chalicelib.platforms.pdd.errors import PLATFORM, error_from
from chalicelib.platforms.pdd.signing import sign
from chalicelib.services.platform_errors import BadRequestError, TransientError

GATEWAY = "https://gw-api.pinduoduo.com"
ROUTER_PATH = "/api/router"

# The success root is per API, not derived from `type` (reference §3.3); None: fields at the top level.
ROOT_KEYS: dict[str, str | None] = {
    "pdd.order.number.list.increment.get": "order_sn_increment_get_response",
    "pdd.order.list.get": "order_list_get_response",
    "pdd.order.information.get": "order_info_get_response",
    "pdd.refund.list.increment.get": "refund_increment_get_response",
    "pdd.refund.information.get": None,
    "pdd.refund.agree": "response",
    "pdd.refund.returngoods.agree": "response",
    "pdd.refund.address.list.get": "refund_address_list_get_response",
    "pdd.logistics.online.send": "logistics_online_send_response",
    "pdd.order.upload.extra.logistics": "upload_extra_logistics_response",
    "pdd.logistics.companies.get": "logistics_companies_get_response",
    "pdd.goods.list.get": "goods_list_get_response",
    "pdd.goods.quantity.update": "goods_quantity_update_response",
    "pdd.order.note.update": "response",
    "pdd.waybill.search": "pdd_waybill_search_response",
    "pdd.waybill.get": "pdd_waybill_get_response",
    "pdd.waybill.cancel": "pdd_waybill_cancel_response",
    "pdd.pop.auth.token.create": "pop_auth_token_create_response",
    "pdd.pop.auth.token.refresh": "pop_auth_token_refresh_response",
}

Params = Mapping[str, Any]


class Gateway:
    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        access_token: str,
        base_url: str,
        transport: Transport,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client_id = client_id
        self._secret = client_secret
        self.access_token = access_token
        self.url = _router_url(base_url or GATEWAY)
        self._transport = transport
        self._clock = clock

    def call(self, api: str, params: Params | None = None, *, authorized: bool = True) -> dict[str, Any]:
        business = {key: wire_value(value) for key, value in (params or {}).items() if value is not None}

        def build() -> httpx.Request:
            return httpx.Request("POST", self.url, data=self._signed(api, business, authorized))

        return self._transport.request(build, lambda response: unwrap(api, response))

    def _signed(self, api: str, business: dict[str, str], authorized: bool) -> dict[str, str]:
        params = {
            "type": api,
            "client_id": self.client_id,
            "timestamp": str(int(self._clock())),
            "data_type": "JSON",
            **business,
        }
        if authorized:
            params["access_token"] = self.access_token
        params["sign"] = sign(params, self._secret)
        return params


def wire_value(value: Any) -> str:
    """Objects and arrays travel as JSON strings, booleans as true/false (reference §3.1)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def unwrap(api: str, response: httpx.Response) -> dict[str, Any]:
    try:
        body = json.loads(response.content, parse_float=Decimal)  # yuan amounts stay exact
    except ValueError as exc:
        raise TransientError(
            f"HTTP {response.status_code}: not JSON", code=str(response.status_code), platform=PLATFORM
        ) from exc
    if not isinstance(body, dict):
        raise TransientError("unexpected body", platform=PLATFORM)
    if "error_response" in body:
        raise error_from(body["error_response"] or {})
    if response.status_code >= 400:
        raise BadRequestError(
            f"HTTP {response.status_code}", code=str(response.status_code), platform=PLATFORM
        )
    root = ROOT_KEYS.get(api, "")
    if root is None:
        return body
    if root in body:
        return dict(body[root] or {})
    if len(body) == 1:  # an API whose root we have not catalogued
        only = next(iter(body.values()))
        if isinstance(only, dict):
            return only
    # not POP speaking (a wrong base URL): read as "no orders", it would move the watermark past them
    raise TransientError(f"HTTP {response.status_code}: an answer without its root", code="shape",
                         platform=PLATFORM)


def _router_url(base: str) -> str:
    base = base.rstrip("/")
    return base if base.endswith(ROUTER_PATH) else base + ROUTER_PATH
