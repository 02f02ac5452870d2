"""The Douyin shop sandbox: the gateway app (`handle`) and the control surface tests and `make dev` drive."""

from __future__ import annotations

import itertools
import json
import math
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from local.sandbox.core import (
    SHANGHAI,
    Clock,
    DataGen,
    Faults,
    SandboxRequest,
    SandboxResponse,
    SandboxShop,
    TruthAfterSale,
    TruthOrder,
    system_clock,
)
from local.sandbox.douyin import logistics, orders, trace
from local.sandbox.douyin.aftersales import AfterSaleDesk
from local.sandbox.douyin.data import Cipher, add_parcel, catalog, make_order, netsites
from local.sandbox.douyin.model import AfterSale, Order, Shop, SkuOrder
from local.sandbox.douyin.pushes import PushSender, after_sale_message, order_message
from local.sandbox.douyin.render import truth_after_sale, truth_order
from local.sandbox.douyin.tokens import TokenDesk
from local.sandbox.douyin.wire import (
    SKEW,
    THROTTLED,
    UNAVAILABLE,
    ApiError,
    Envelope,
    invalid,
    missing,
    parse_timestamp,
    signature_matches,
)
from local.sandbox.tracking import Tracks

Handler = Callable[[Any, Shop, dict[str, Any]], Any]
TOKEN_METHODS = ("token.create", "token.refresh")
GENERATED_TAGS = {1: "100", 105: "101", 2: "101", 3: "102", 4: "106", 5: "103"}


class DouyinSandbox:
    platform = "douyin"

    def __init__(self, seed: int = 1, clock: Clock | None = None, faults: Faults | None = None) -> None:
        self.seed = seed
        self.clock = clock or system_clock
        self.faults = faults or Faults()
        self.gen = DataGen(seed)
        self.cipher = Cipher(f"sandbox-cipher-{seed}")
        self.shops: dict[str, Shop] = {}
        self.tokens = TokenDesk()
        self.after_sales = AfterSaleDesk(self)
        self.tracks = Tracks()
        self.pushes = PushSender(self.faults)
        self.qps_limit: int | None = None  # per app per second; None: only Faults throttle
        self._calls: dict[tuple[str, int], int] = {}
        self._lock = threading.RLock()
        self._order_seq = itertools.count(1)
        self._log_seq = itertools.count(1)
        self.handlers: dict[str, Handler] = {
            **orders.HANDLERS,
            **logistics.HANDLERS,
            **trace.HANDLERS,
            "afterSale.List": self.after_sales.list,
            "afterSale.Detail": self.after_sales.detail,
            "afterSale.operate": self.after_sales.operate,
        }

    def now(self) -> datetime:
        return self.clock().astimezone(SHANGHAI)

    def now_ts(self) -> int:
        return int(self.now().timestamp())

    # ------------------------------------------------------------ control surface
    def add_shop(self) -> SandboxShop:
        with self._lock:
            n = len(self.shops) + 1
            shop = Shop(
                shop_id=str(4_460_000 + self.seed * 1000 + n),
                shop_name=f"沙箱抖店{n}号",
                app_key=str(7_000_000_000_000_000_000 + self.seed * 1000 + n),
                app_secret=f"sandbox-secret-not-real-{self.gen.rng.getrandbits(64):016x}",
            )
            shop.skus, shop.netsites = catalog(self.gen, n), netsites(self.gen)
            self.shops[shop.shop_id] = shop
            issued = self.tokens.issue(shop, self.now())
            return SandboxShop(
                platform=self.platform,
                seller_id=shop.shop_id,
                app_key=shop.app_key,
                app_secret=shop.app_secret,
                access_token=issued["access_token"],
                refresh_token=issued["refresh_token"],
                extra={"shop_name": shop.shop_name},
            )

    def generate_orders(self, seller_id: str, count: int, start: datetime, end: datetime) -> list[str]:
        with self._lock:
            shop = self.shops[seller_id]
            lo, hi = math.ceil(start.timestamp()), math.ceil(end.timestamp())
            made = []
            for _ in range(count):
                order_id = str(6_920_000_000_000_000_000 + self.seed * 10**12 + next(self._order_seq) * 10)
                order = make_order(self.gen, shop, order_id, self.gen.rng.randrange(lo, max(hi, lo + 1)), self.cipher)
                shop.put_order(order)
                self.push_order(shop, order, GENERATED_TAGS[order.status])
                made.append(order_id)
            return made

    def touch_order(self, seller_id: str, order_no: str, at: datetime) -> None:
        with self._lock:
            shop = self.shops[seller_id]
            order = shop.orders[order_no]
            order.update_time = int(at.timestamp())
            shop.put_order(order)

    def truth_orders(self, seller_id: str) -> dict[str, TruthOrder]:
        with self._lock:
            return {o.order_id: truth_order(o) for o in self.shops[seller_id].orders.values()}

    def expire_token(self, seller_id: str) -> None:
        with self._lock:
            access, _ = self.tokens.current[seller_id]
            self.tokens.access[access].expires_at = self.now() - timedelta(seconds=1)

    def kill_refresh_token(self, seller_id: str) -> None:
        with self._lock:
            _, refresh = self.tokens.current[seller_id]
            self.tokens.refresh[refresh].alive = False

    def issue_auth_code(self, seller_id: str) -> str:
        with self._lock:
            return self.tokens.new_code(self.shops[seller_id], self.now())

    def request_after_sale(self, seller_id: str, order_no: str, kind: str) -> str:
        with self._lock:
            return self.after_sales.request(self.shops[seller_id], order_no, kind)

    def buyer_returns(self, seller_id: str, case_id: str, company: str = "yunda", tracking_no: str = "") -> None:
        with self._lock:
            self.after_sales.buyer_returns(self.shops[seller_id], case_id, company, tracking_no or f"RT{case_id[-8:]}")

    def buyer_receives(self, seller_id: str, case_id: str) -> None:
        with self._lock:
            self.after_sales.buyer_receives(self.shops[seller_id], case_id)

    def advance_tracking(self, seller_id: str, waybill_no: str, to: str = "delivered") -> str:
        """Test hook: the parcel moves on (delivered / exception) at the sandbox clock's now."""
        with self._lock:
            found = trace.shipped_at(self.shops[seller_id], waybill_no)
            if found is None:
                raise KeyError(f"no parcel {waybill_no} shipped by {seller_id}")
            self.tracks.ensure(waybill_no, *found)
            return self.tracks.advance(waybill_no, self.now(), to).state

    def truth_after_sales(self, seller_id: str) -> dict[str, TruthAfterSale]:
        with self._lock:
            return {c.aftersale_id: truth_after_sale(c) for c in self.shops[seller_id].after_sales.values()}

    def truth_stock(self, seller_id: str) -> dict[str, int]:
        with self._lock:
            return {s.sku_id: s.stock for s in self.shops[seller_id].skus.values()}

    def truth_waybills(self, seller_id: str) -> dict[str, tuple[str, ...]]:
        with self._lock:
            return {w.track_no: (w.order_id,) for w in self.shops[seller_id].waybills.values() if not w.cancelled}

    def subscribe(self, url: str) -> None:
        self.pushes.subscribe(url)

    def flush_pushes(self, timeout: float = 5.0) -> bool:
        return self.pushes.flush(timeout)

    # ------------------------------------------------------------ state changes the handlers share
    def maybe_shift(self, shop: Shop) -> None:
        if shop.order_ids and self.faults.chance(self.faults.shift_rate):
            self.touch(shop, shop.orders[self.gen.rng.choice(shop.order_ids)])

    def touch(self, shop: Shop, order: Order, tag: str = "", extra: dict[str, Any] | None = None) -> None:
        order.update_time = self.now_ts()
        shop.put_order(order)
        if tag:
            self.push_order(shop, order, tag, extra)

    def ship_lines(self, shop: Shop, order: Order, company: str, tracking_no: str, lines: list[SkuOrder]) -> None:
        now = self.now_ts()
        add_parcel(order, company, tracking_no, lines, now)
        order.ship_time = order.ship_time or now
        order.status = 3 if all(x.shipped for x in order.lines) else 101
        self.touch(
            shop,
            order,
            "102" if order.status == 3 else "108",
            {"logistics_msg": {"express_company_id": company, "logistics_code": tracking_no}},
        )

    def push_order(self, shop: Shop, order: Order, tag: str, extra: dict[str, Any] | None = None) -> None:
        self.pushes.publish(shop.app_key, shop.app_secret, tag, order_message(shop, order, tag, extra))

    def push_after_sale(self, shop: Shop, case: AfterSale, tag: str) -> None:
        self.pushes.publish(shop.app_key, shop.app_secret, tag, after_sale_message(shop, case))

    # ------------------------------------------------------------ the gateway
    def handle(self, request: SandboxRequest) -> SandboxResponse:
        if request.path.rstrip("/") == "/authorize":
            with self._lock:
                return self.tokens.authorize_page(self, request)
        envelope = Envelope(
            legacy=request.headers.get("x-open-no-old-err-code") != "1", log_id=f"2026{next(self._log_seq):016d}"
        )
        with self._lock:
            fault = self.faults.roll()
        if fault == "error":
            return (
                SandboxResponse(status=502, body=b"Bad Gateway")
                if self.faults.chance(0.3)
                else envelope.error(UNAVAILABLE)
            )
        if fault == "throttle":
            return envelope.error(THROTTLED)
        try:
            with self._lock:
                response = envelope.ok(self._dispatch(request))
        except ApiError as err:
            response = envelope.error(err)
        if fault == "timeout":
            response.delay = self.faults.slow_seconds
        return response

    def _dispatch(self, request: SandboxRequest) -> Any:
        params = request.params
        method = params.get("method") or request.path.strip("/").replace("/", ".")
        params["method"] = method
        try:
            body = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise invalid("isv.parameter-format-invalid", "请求体不是UTF-8") from None
        param_json = body if body.strip() else params.get("param_json", "{}")
        app_key = self._authenticate(params, param_json)
        if self._over_quota(app_key):
            raise THROTTLED
        handler = self.handlers.get(method)
        if handler is None and method not in TOKEN_METHODS:
            raise ApiError(70000, "isp.api-service-off", f"API {method} 不存在或已下线")
        try:
            business_params = json.loads(param_json)
        except ValueError:
            raise invalid("isv.parameter-format-invalid", "param_json不是合法的JSON") from None
        if not isinstance(business_params, dict):
            raise invalid("isv.parameter-format-invalid", "param_json必须是JSON对象")
        if method == "token.create":
            return self.tokens.create(self, app_key, business_params)
        if method == "token.refresh":
            return self.tokens.renew(self, app_key, business_params)
        shop_id = self.tokens.check(params.get("access_token", ""), app_key, self.now())
        return handler(self, self.shops[shop_id], business_params)  # type: ignore[misc]

    def _authenticate(self, params: dict[str, str], param_json: str) -> str:
        app_key, sign, timestamp = params.get("app_key", ""), params.get("sign", ""), params.get("timestamp", "")
        if not app_key:
            raise missing("isv.app-id-missing", "app_key")
        if not sign:
            raise missing("isv.signature-missing", "sign")
        if not timestamp:
            raise missing("isv.timestamp-missing", "timestamp")
        sent_at = parse_timestamp(timestamp)
        if sent_at is None:
            raise invalid("isv.timestamp-format-error", "timestamp格式错误")
        if abs(sent_at - self.now()) > SKEW:
            raise invalid("isv.timestamp-invalid", "timestamp与服务器时间相差超过10分钟")
        shop = next((s for s in self.shops.values() if s.app_key == app_key), None)
        if shop is None:
            raise invalid("isv.app-key-invalid", "app_key不存在")
        if not signature_matches(sign, shop.app_secret, params, param_json):
            raise invalid("isv.signature-invalid", "签名校验失败")
        return app_key

    def _over_quota(self, app_key: str) -> bool:
        if not self.qps_limit:
            return False
        second = int(time.monotonic())
        self._calls = {k: v for k, v in self._calls.items() if k[1] >= second}
        self._calls[(app_key, second)] = self._calls.get((app_key, second), 0) + 1
        return self._calls[(app_key, second)] > self.qps_limit


def create_sandbox(seed: int = 1, clock: Clock | None = None, faults: Faults | None = None) -> DouyinSandbox:
    return DouyinSandbox(seed=seed, clock=clock, faults=faults)
