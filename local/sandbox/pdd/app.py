"""PddSandbox: the POP router on /api/router plus OAuth pages, and the control surface tests drive."""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

from local.sandbox.core import (
    SHANGHAI,
    Clock,
    DataGen,
    Faults,
    SandboxRequest,
    SandboxResponse,
    SandboxShop,
    system_clock,
)
from local.sandbox.pdd import auth, catalog, orders, parcels, refunds, seller
from local.sandbox.pdd.context import Ctx
from local.sandbox.pdd.gen import Ciphers
from local.sandbox.pdd.model import Mall
from local.sandbox.pdd.wire import GatewayError, error, params_of, signature_ok
from local.sandbox.tracking import Tracks

Handler = Callable[[Ctx, dict[str, str]], SandboxResponse]

# type -> (handler, needs an access_token)
APIS: dict[str, tuple[Handler, bool]] = {
    "pdd.order.number.list.increment.get": (orders.increment, True),
    "pdd.order.list.get": (orders.by_confirm, True),
    "pdd.order.information.get": (orders.information, True),
    "pdd.logistics.online.send": (orders.online_send, True),
    "pdd.order.upload.extra.logistics": (orders.upload_extra_logistics, True),
    "pdd.order.note.update": (orders.note_update, True),
    "pdd.refund.list.increment.get": (refunds.increment, True),
    "pdd.refund.information.get": (refunds.information, True),
    "pdd.refund.agree": (refunds.agree, True),
    "pdd.refund.returngoods.agree": (refunds.returngoods_agree, True),
    "pdd.refund.address.list.get": (refunds.addresses, True),
    "pdd.goods.list.get": (catalog.goods_list, True),
    "pdd.goods.quantity.update": (catalog.quantity_update, True),
    "pdd.logistics.companies.get": (catalog.companies, False),
    "pdd.waybill.search": (catalog.waybill_search, True),
    "pdd.waybill.get": (catalog.waybill_get, True),
    "pdd.waybill.cancel": (catalog.waybill_cancel, True),
    "pdd.pop.auth.token.create": (auth.token_create, False),
    "pdd.pop.auth.token.refresh": (auth.token_refresh, False),
    **parcels.API,
}
LIST_PAGES = frozenset(
    {"pdd.order.number.list.increment.get", "pdd.order.list.get", "pdd.refund.list.increment.get"}
)
# per-mall limits from the reference §3.10: (calls, seconds)
MALL_LIMITS: dict[str, tuple[int, float]] = {
    "pdd.order.number.list.increment.get": (3000, 60.0),
    "pdd.order.list.get": (6000, 60.0),
    "pdd.order.information.get": (30000, 60.0),
    "pdd.refund.list.increment.get": (100, 10.0),
    "pdd.goods.list.get": (600, 60.0),
}
MAX_SKEW = 600


def create_sandbox(seed: int = 1, clock: Clock | None = None, faults: Faults | None = None) -> PddSandbox:
    return PddSandbox(seed=seed, clock=clock, faults=faults)


class PddSandbox(seller.SellerControls):
    platform = "pdd"

    def __init__(self, seed: int = 1, clock: Clock | None = None, faults: Faults | None = None) -> None:
        self.faults = faults or Faults()
        self.clock = clock or system_clock
        self.data = DataGen(seed)
        self.ciphers = Ciphers()
        self.client_id = "pdd-sandbox-client-id"
        self.client_secret = "pdd-sandbox-secret-not-real"
        self.malls: dict[str, Mall] = {}
        self.codes: dict[str, str] = {}
        self.serials = itertools.count(1)
        self.case_ids = itertools.count(seed * 1_000_000 + 1)
        self._calls: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.RLock()
        self.tracks = Tracks()

    def now(self) -> int:
        return int(self.clock().timestamp())

    def advance_tracking(self, seller_id: str, waybill_no: str, to: str = "delivered") -> str:
        """Test hook: the parcel moves on (delivered / exception) at the sandbox clock's now."""
        with self._lock:
            found = parcels.parcel(self.malls[seller_id], waybill_no)
            if found is None:
                raise KeyError(f"no parcel {waybill_no} shipped by {seller_id}")
            self.tracks.ensure(*found)
            return self.tracks.advance(waybill_no, self.clock().astimezone(SHANGHAI), to).state

    def new_secret(self, prefix: str) -> str:
        return f"{prefix}-sandbox-{secrets.token_hex(12)}"

    # ------------------------------------------------------------ the gateway
    def handle(self, request: SandboxRequest) -> SandboxResponse:
        try:
            with self._lock:
                return self._route(request)
        except GatewayError as exc:
            return error(exc)

    def _route(self, request: SandboxRequest) -> SandboxResponse:
        ctx = Ctx(self, None, self.now())
        if request.path == "/service-market/auth":
            return auth.authorize_page(ctx, request)
        if request.path == "/oauth/token":
            return auth.oauth_token(ctx, request.json() or {})
        if request.path != "/api/router":
            return SandboxResponse.json({"error_msg": "not found"}, status=404)
        return self._router(request, ctx)

    def _router(self, request: SandboxRequest, ctx: Ctx) -> SandboxResponse:
        fault = self.faults.roll()
        if fault == "error":
            return self._server_error()
        if fault == "throttle":
            raise GatewayError(52101, "当前接口被限流", "请稍后重试")
        params = params_of(request)
        api, ctx.mall_or_none = self._authenticate(params, ctx.now)
        handler, _ = APIS[api]
        self._throttle(ctx.mall_or_none, api)
        if api in LIST_PAGES and ctx.mall_or_none and self.faults.chance(self.faults.shift_rate):
            self._shift(ctx.mall_or_none, ctx.now)
        response = handler(ctx, params)
        response.delay = self.faults.slow_seconds if fault == "timeout" else 0.0
        return response

    def _server_error(self) -> SandboxResponse:
        if self.data.rng.random() < 0.5:
            return SandboxResponse(
                status=502, body=b"<html>502 Bad Gateway</html>", headers={"Content-Type": "text/html"}
            )
        return error(GatewayError(50000, "系统内部错误", "服务繁忙，请稍后重试"))

    def _authenticate(self, params: dict[str, str], now: int) -> tuple[str, Mall | None]:
        for name in ("type", "client_id", "timestamp", "sign"):
            if not params.get(name):
                raise GatewayError(10001, f"公共参数错误:{name}", f"{name}不能为空")
        if params["client_id"] != self.client_id:
            raise GatewayError(10016, "client_id不存在", "client_id错误")
        if abs(_epoch_seconds(params["timestamp"]) - now) > MAX_SKEW:
            raise GatewayError(10001, "公共参数错误:timestamp", "timestamp与服务器时间相差超过10分钟")
        if not signature_ok(params, self.client_secret):
            raise GatewayError(20004, "签名sign校验失败", "sign不正确")
        api = params["type"]
        if api not in APIS:
            raise GatewayError(10017, "type不存在", f"{api}不存在或未开放")
        token = params.get("access_token") or params.get("session", "")  # some clients say `session`
        if not token:
            if APIS[api][1]:
                raise GatewayError(10001, "公共参数错误:access_token", "access_token不能为空")
            return api, None
        mall = next((m for m in self.malls.values() if m.access_token == token), None)
        if mall is None:
            raise GatewayError(20032, "access_token或client_id错误", "access_token不存在")
        if mall.token_expired or mall.token_expires_ts < now:
            raise GatewayError(10019, "access_token已过期", "请刷新access_token或重新授权")
        return api, mall

    def _throttle(self, mall: Mall | None, api: str) -> None:
        if mall is None or api not in MALL_LIMITS:
            return
        limit, seconds = MALL_LIMITS[api]
        calls = self._calls.setdefault((mall.mall_id, api), deque())
        now = time.monotonic()
        while calls and calls[0] <= now - seconds:
            calls.popleft()
        if len(calls) >= limit:
            raise GatewayError(70031, "调用过于频繁", f"{api}超过每{seconds:g}秒{limit}次的限制")
        calls.append(now)

    def _shift(self, mall: Mall, now: int) -> None:
        if mall.order_sns:
            mall.touch_order(mall.orders[self.data.rng.choice(mall.order_sns)], now)

    # ------------------------------------------------------------ oauth helpers
    def issue_code(self, mall_id: str) -> str:
        if mall_id not in self.malls:
            raise KeyError(f"no mall {mall_id}")
        code = self.new_secret("code")
        self.codes[code] = mall_id
        return code

    def newest_mall_id(self) -> str:
        return next(reversed(self.malls))

    def shop(self, mall: Mall) -> SandboxShop:
        return SandboxShop(
            platform=self.platform,
            seller_id=mall.mall_id,
            app_key=self.client_id,
            app_secret=self.client_secret,
            access_token=mall.access_token,
            refresh_token=mall.refresh_token,
        )



def _epoch_seconds(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError as exc:
        raise GatewayError(10001, "公共参数错误:timestamp", "timestamp应为UNIX秒") from exc
    return value // 1000 if value > 10**11 else value  # clients in the field also send milliseconds
