"""The TOP router: common-parameter checks in the gateway's order, signature, session, throttling,
fault injection, dispatch, and the envelope: JSON (`<method>_response`, or flat with simplify=true), or
TOP's XML for format=xml, errors included. An absent format answers JSON (sandbox-tolerances: most
clients expect it); any other format is code 23, in JSON as the format cannot be honoured."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from local.sandbox.core import SHANGHAI, Faults, SandboxRequest, SandboxResponse
from local.sandbox.taobao import apis_after, apis_misc, apis_trade, signing, xmlwire
from local.sandbox.taobao.call import Call
from local.sandbox.taobao.errors import THROTTLED, TopError
from local.sandbox.taobao.render import simplify
from local.sandbox.taobao.store import Store

Handler = Callable[[Call], dict[str, Any]]
SKEW = timedelta(minutes=10)
# method -> (handler, needs the seller's session)
API: dict[str, tuple[Handler, bool]] = {
    "taobao.trades.sold.increment.get": (apis_trade.trades_increment, True),
    "taobao.trade.fullinfo.get": (apis_trade.trade_fullinfo, True),
    "taobao.logistics.offline.send": (apis_trade.offline_send, True),
    "taobao.logistics.online.send": (apis_trade.online_send, True),
    "taobao.trade.memo.update": (apis_trade.memo_update, True),
    "taobao.refunds.receive.get": (apis_trade.refunds_receive, True),
    "taobao.refund.get": (apis_trade.refund_get, True),
    "taobao.rp.refunds.agree": (apis_trade.refunds_agree, True),
    "taobao.refund.refuse": (apis_trade.refund_refuse, True),
    "taobao.rp.returngoods.agree": (apis_trade.returngoods_agree, True),
    "tmall.exchange.consigngoods": (apis_after.exchange_consigngoods, True),
    "taobao.logistics.trace.search": (apis_after.trace_search, True),
    "taobao.items.onsale.get": (apis_misc.items_onsale, True),
    "taobao.item.skus.get": (apis_misc.item_skus, True),
    "taobao.item.quantity.update": (apis_misc.quantity_update, True),
    "taobao.logistics.companies.get": (apis_misc.logistics_companies, False),
    "taobao.top.auth.token.create": (apis_misc.token_create, False),
    "taobao.top.auth.token.refresh": (apis_misc.token_refresh, False),
    "cainiao.waybill.ii.search": (apis_misc.waybill_search, True),
    "cainiao.waybill.ii.get": (apis_misc.waybill_get, True),
    "cainiao.waybill.ii.cancel": (apis_misc.waybill_cancel, True),
    "taobao.top.oaid.decrypt": (apis_misc.oaid_decrypt, True),
    "taobao.tmc.user.permit": (apis_misc.tmc_permit, True),
    "taobao.tmc.messages.consume": (apis_misc.tmc_consume, False),
    "taobao.tmc.messages.confirm": (apis_misc.tmc_confirm, False),
}
ISP_FAULTS = [
    TopError(15, "Remote service error", "isp.top-remote-connection-timeout", "调用后端服务超时"),
    TopError(10, "Service Currently Unavailable", "isp.service-unavailable", "服务暂不可用"),
]


def response_key(method: str) -> str:
    return method.removeprefix("taobao.").replace(".", "_") + "_response"


class Router:
    def __init__(
        self, store: Store, faults: Faults, calls_per_second: int = 400, wall: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.faults = faults
        self.calls_per_second = calls_per_second
        self._wall = wall
        self._second = (0, 0)  # (epoch second, calls in it) for the app's flow control

    def handle(self, request: SandboxRequest) -> SandboxResponse:
        params = request.params
        request_id = secrets.token_hex(6) + "xq"
        fault = self.faults.roll()
        try:
            if fault == "throttle":
                raise THROTTLED
            if fault == "error":
                raise self.store.rng.choice(ISP_FAULTS)
            body = self._dispatch(params)
        except TopError as error:
            return _answer(params, error.body(request_id))
        method = params["method"]
        payload = {**body, "request_id": request_id}
        if params.get("simplify", "").lower() == "true" and not _wants_xml(params):
            envelope = simplify(payload)
        else:
            envelope = {response_key(method): payload}
        delay = self.faults.slow_seconds if fault == "timeout" else 0.0
        return _answer(params, envelope, delay)

    def _dispatch(self, params: dict[str, str]) -> dict[str, Any]:
        method = params.get("method", "")
        if not method:
            raise TopError(21, "Missing method")
        if method not in API:
            raise TopError(22, "Invalid method", "", f"{method} 不存在或沙箱未实现")
        secret = self._check_common(params)
        if not signing.is_valid(params, secret):
            raise TopError(25, "Invalid signature", "", "签名错误")
        self._throttle()
        handler, needs_session = API[method]
        call = Call(self.store, self.faults, params)
        if needs_session:
            call.seller_or_none = self.store.session_seller(params.get("session", ""))
        return handler(call)

    def _check_common(self, params: dict[str, str]) -> str:
        app_key = params.get("app_key", "")
        if not app_key:
            raise TopError(28, "Missing app key")
        if app_key not in self.store.apps:
            raise TopError(29, "Invalid app Key", "isv.appkey-not-exists", "app_key不存在")
        if not params.get("sign"):
            raise TopError(24, "Missing signature")
        self._check_timestamp(params.get("timestamp", ""))
        version = params.get("v", "")
        if not version:
            raise TopError(32, "Missing version")
        if version != "2.0":
            raise TopError(34, "Unsupported version", "", "v must be 2.0")
        if params.get("format", "json") not in ("json", "xml"):
            raise TopError(23, "Invalid format")
        return self.store.apps[app_key]

    def _check_timestamp(self, raw: str) -> None:
        if not raw:
            raise TopError(30, "Missing timestamp")
        try:  # the official Python SDK sends epoch milliseconds; everyone else GMT+8 wall time
            sent = (
                datetime.fromtimestamp(int(raw) / 1000, SHANGHAI)
                if raw.isdigit()
                else datetime.strptime(raw, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)
            )
        except (ValueError, OverflowError, OSError) as exc:
            raise TopError(31, "Invalid timestamp", "", "时间格式为yyyy-MM-dd HH:mm:ss") from exc
        if abs(sent - datetime.fromtimestamp(self._wall(), SHANGHAI)) > SKEW:
            raise TopError(31, "Invalid timestamp", "", "时间戳与服务器时间相差超过10分钟")

    def _throttle(self) -> None:
        second = int(self._wall())
        count = self._second[1] + 1 if self._second[0] == second else 1
        self._second = (second, count)
        if count > self.calls_per_second:
            raise THROTTLED


def _wants_xml(params: dict[str, str]) -> bool:
    return params.get("format", "") == "xml"


def _answer(params: dict[str, str], envelope: dict[str, Any], delay: float = 0.0) -> SandboxResponse:
    if not _wants_xml(params):
        return SandboxResponse.json(envelope, delay=delay)
    [(root, payload)] = envelope.items()
    return SandboxResponse(body=xmlwire.render(root, payload), headers={"Content-Type": xmlwire.CONTENT_TYPE},
                           delay=delay)
