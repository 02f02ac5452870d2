"""The WeChat Channels shop sandbox: the api.weixin.qq.com gateway (tokens, /channels/ec) plus the
control surface tests and the local runtime drive (local.sandbox.core.SandboxPlatform)."""

from __future__ import annotations

import itertools
import json
import random
import threading
from datetime import datetime

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
from local.sandbox.wechat import api, catalog
from local.sandbox.wechat.api import ApiError, Ctx
from local.sandbox.wechat.crypto import new_encoding_aes_key
from local.sandbox.wechat.orders import new_order, new_waybill_accounts
from local.sandbox.wechat.pusher import Pusher, Subscription, build_push
from local.sandbox.wechat.state import PAID, PARTLY_SHIPPED, Case, Order, Shop
from local.sandbox.wechat.tokens import TokenDesk

ROUTES = {
    "/channels/ec/order/list/get": api.order_list,
    "/channels/ec/order/get": api.order_get,
    "/channels/ec/order/delivery/send": api.delivery_send,
    "/channels/ec/order/merchantnotes/update": api.merchant_notes,
    "/channels/ec/order/deliverycompanylist/get": api.delivery_companies,
    "/channels/ec/order/deliverycompanylist/new/get": api.delivery_companies,
    "/channels/ec/aftersale/getaftersalelist": api.after_sale_list,
    "/channels/ec/aftersale/getaftersaleorder": api.after_sale_get,
    "/channels/ec/aftersale/acceptapply": api.accept,
    "/channels/ec/aftersale/rejectapply": api.reject,
    "/channels/ec/aftersale/acceptexchangereship": api.accept_exchange_reship,
    "/channels/ec/merchant/address/add": catalog.address_add,
    "/channels/ec/merchant/address/list": catalog.address_list,
    "/channels/ec/merchant/address/get": catalog.address_get,
    "/channels/ec/product/list/get": catalog.product_list,
    "/channels/ec/product/get": catalog.product_get,
    "/channels/ec/product/stock/update": catalog.stock_update,
    "/channels/ec/product/stock/get": catalog.stock_get,
    "/channels/ec/logistics/ewaybill/biz/account/get": catalog.account_get,
    "/channels/ec/logistics/ewaybill/biz/delivery/get": catalog.delivery_get,
    "/channels/ec/logistics/ewaybill/biz/order/precreate": catalog.precreate,
    "/channels/ec/logistics/ewaybill/biz/order/create": catalog.create,
    "/channels/ec/logistics/ewaybill/biz/order/cancel": catalog.cancel,
    "/channels/ec/logistics/ewaybill/biz/print/get": catalog.print_get,
}
AFTER_SALE_KINDS = {
    "refund": "REFUND",
    "refund_only": "REFUND",
    "REFUND": "REFUND",
    "return": "RETURN",
    "return_and_refund": "RETURN",
    "RETURN": "RETURN",
    "exchange": "EXCHANGE",   # 换货: the buyer returns the goods, the seller sends new ones
}


TOKEN_PATHS = frozenset({"/cgi-bin/token", "/cgi-bin/stable_token"})
# What an outage of the token desk looks like from outside: the load balancer's 502 page, WeChat's
# "system busy", or a 404 page (a proxy or a wrong host in front of WeChat).
TOKEN_OUTAGES = {
    "5xx": lambda: SandboxResponse(status=502, body=b"<html><body><h1>502 Bad Gateway</h1></body></html>",
                                   headers={"Content-Type": "text/html"}),
    "busy": lambda: envelope(-1, "system error"),
    "404": lambda: SandboxResponse(status=404, body=b"<html><body>Not Found</body></html>",
                                   headers={"Content-Type": "text/html"}),
}


def envelope(errcode: int, errmsg: str) -> SandboxResponse:
    return SandboxResponse.json({"errcode": errcode, "errmsg": errmsg})


class WechatSandbox:
    platform = "wechat"

    def __init__(self, seed: int = 1, clock: Clock | None = None, faults: Faults | None = None) -> None:
        self.clock = clock or system_clock
        self.faults = faults or Faults()
        self.rng = random.Random(seed)
        self.data = DataGen(seed)
        self.shops: dict[str, Shop] = {}
        self.desk = TokenDesk(self.shops, self.clock, self.rng)
        self.pusher = Pusher(self.faults, seed)
        self._subscriptions: dict[str, Subscription] = {}
        self._ids = itertools.count(int(self.clock().timestamp()) * 1000)
        self._lock = threading.RLock()
        self._token_outages: list[str] = []

    # ------------------------------------------------------------ the gateway
    def handle(self, request: SandboxRequest) -> SandboxResponse:
        with self._lock:
            if request.path in TOKEN_PATHS and self._token_outages:
                return TOKEN_OUTAGES[self._token_outages.pop(0)]()
            fault = self.faults.roll()
            if fault == "error":
                return envelope(-1, "system error")
            if fault == "throttle":
                return envelope(45011, "api minute-quota reach limit  mustslower  retry next minute")
            response = self._dispatch(request)
        if fault == "timeout":
            response.delay = self.faults.slow_seconds
        return response

    def _dispatch(self, request: SandboxRequest) -> SandboxResponse:
        try:
            if request.path == "/cgi-bin/token":
                return SandboxResponse.json(self.desk.classic(request.params))
            if request.path == "/cgi-bin/stable_token":
                return SandboxResponse.json(self.desk.stable(self._body(request)))
            if request.path == "/channels/ec/basics/info/get":
                shop = self._authenticate(request)
                return SandboxResponse.json({"errcode": 0, "errmsg": "ok", "info": {"nickname": shop.gh_id}})
            route = ROUTES.get(request.path)
            if route is None:
                return envelope(40066, "invalid url")
            if request.method != "POST":
                return envelope(43002, "require POST method")
            shop = self._authenticate(request)
            body = self._body(request)
            if route is api.order_list and self.faults.chance(self.faults.shift_rate):
                self._shift_one(shop)
            ctx = Ctx(shop, self._now(), self._emit, lambda: next(self._ids))
            return SandboxResponse(body=api.dumps(route(ctx, body)))
        except ApiError as exc:
            return envelope(exc.errcode, exc.errmsg)

    @staticmethod
    def _body(request: SandboxRequest) -> dict:
        try:
            body = json.loads(request.body.decode("utf-8") or "{}")
        except (ValueError, UnicodeDecodeError):
            raise ApiError(47001, "data format error") from None
        if not isinstance(body, dict):
            raise ApiError(47001, "data format error")
        return body

    def _now(self) -> int:
        return int(self.clock().timestamp())

    def _authenticate(self, request: SandboxRequest) -> Shop:
        return self.desk.authenticate(request.query.get("access_token", ""))

    # ------------------------------------------------------------ pushes
    def subscribe(self, url: str, token: str, encoding_aes_key: str, seller_id: str = "", fmt: str = "json") -> None:
        """Pushes of `seller_id` (every shop when empty) go to `url`, signed with `token`."""
        self._subscriptions[seller_id] = Subscription(url, token, encoding_aes_key, fmt)

    def _emit(self, shop: Shop, event: str, data: dict) -> None:
        sub = self._subscriptions.get(shop.appid) or self._subscriptions.get("")
        if sub is None:
            return
        now = self._now()
        message = {
            "ToUserName": shop.gh_id,
            "FromUserName": "o_sandbox_platform",
            "CreateTime": now,
            "MsgType": "event",
            "Event": event,
            **data,
        }
        query, body = build_push(sub, shop.appid, message, now, str(self.rng.randint(10**8, 10**9)))
        self.pusher.send(sub.url, query, body)

    # ------------------------------------------------------------ control surface
    def add_shop(self) -> SandboxShop:
        with self._lock:
            number = len(self.shops) + 1
            appid = "wx" + "".join(self.rng.choices("0123456789abcdef", k=16))
            skus = self.data.catalog(products=4, id_base=10000000000 + number * 1000)
            shop = Shop(
                appid=appid,
                secret=f"sandbox-secret-{self.rng.getrandbits(64):016x}",
                gh_id=f"gh_{self.rng.getrandbits(40):010x}",
                push_token=f"pushtoken{number}",
                encoding_aes_key=new_encoding_aes_key(),
                skus=skus,
                stock={sku.sku_id: self.rng.randint(0, 200) for sku in skus},
                accounts=new_waybill_accounts(self.rng, number),
            )
            self.shops[appid] = shop
            return SandboxShop(
                platform="wechat",
                seller_id=appid,
                app_key=appid,
                app_secret=shop.secret,
                access_token="",
                refresh_token="",
                extra={"push_token": shop.push_token, "encoding_aes_key": shop.encoding_aes_key},
            )

    def generate_orders(self, seller_id: str, count: int, start: datetime, end: datetime) -> list[str]:
        with self._lock:
            shop = self.shops[seller_id]
            first, last = int(start.timestamp()), int(end.timestamp())
            made = []
            for _ in range(count):
                updated = first + int(self.rng.random() * max(1, last - first))
                order = new_order(self.data, shop, str(next(self._ids) * 1000 + self.rng.randint(0, 999)), updated)
                shop.orders[order.order_id] = order
                shop.order_index.put(None, order.update_time, order.order_id)
                made.append(order.order_id)
                self._emit(shop, "channels_ec_order_new", {"order_info": {"order_id": order.order_id}})
                if order.status in PAID:
                    self._emit(
                        shop,
                        "channels_ec_order_pay",
                        {"order_info": {"order_id": order.order_id, "pay_time": order.pay_time}},
                    )
            return made

    def touch_order(self, seller_id: str, order_no: str, at: datetime) -> None:
        with self._lock:
            shop = self.shops[seller_id]
            shop.touch(shop.orders[order_no], int(at.timestamp()))

    def _shift_one(self, shop: Shop) -> None:
        if shop.orders:
            shop.touch(shop.orders[self.rng.choice(list(shop.orders))], self._now())

    def truth_orders(self, seller_id: str) -> dict[str, TruthOrder]:
        with self._lock:
            return {o.order_id: _truth_order(seller_id, o) for o in self.shops[seller_id].orders.values()}

    def expire_token(self, seller_id: str) -> None:
        """The shop's authorisation lapsed: every token fails (42001 / 40001) until restore_auth."""
        with self._lock:
            self.expire_access_tokens(seller_id)
            self.shops[seller_id].auth_lapsed = True

    def expire_access_tokens(self, seller_id: str) -> None:
        """Only the issued tokens expire (42001): a fresh fetch with the secret recovers."""
        with self._lock:
            self.desk.expire_all(seller_id)

    def kill_refresh_token(self, seller_id: str) -> None:
        """WeChat has no refresh token: the secret is the refresh credential, so freeze it (40243)."""
        with self._lock:
            self.shops[seller_id].secret_frozen = True

    def fail_token_requests(self, kind: str, times: int = 1) -> None:
        """The next `times` token requests fail with `kind` (a key of TOKEN_OUTAGES), whoever asks."""
        if kind not in TOKEN_OUTAGES:
            raise ValueError(f"unknown token outage {kind!r}: one of {sorted(TOKEN_OUTAGES)}")
        with self._lock:
            self._token_outages += [kind] * times

    def restore_auth(self, seller_id: str) -> None:
        with self._lock:
            shop = self.shops[seller_id]
            shop.auth_lapsed = shop.secret_frozen = False

    def request_after_sale(self, seller_id: str, order_no: str, kind: str) -> str:
        with self._lock:
            shop = self.shops[seller_id]
            order = shop.orders[order_no]
            case_type = AFTER_SALE_KINDS[kind]
            if order.status not in PAID or (case_type != "REFUND" and order.status < PARTLY_SHIPPED):
                raise ValueError(f"order {order_no} in status {order.status} cannot take a {case_type} case")
            line = next((ln for ln in order.lines if not ln.on_aftersale and ln.finished_aftersale < ln.count), None)
            if line is None:
                raise ValueError(f"order {order_no} has no line free for an after-sale")
            now = self._now()
            case = Case(
                str(next(self._ids)), order_no, case_type, "MERCHANT_PROCESSING", line, line.real_price, now, now
            )
            line.on_aftersale = line.count
            shop.cases[case.case_id] = case
            shop.case_index.put(None, now, case.case_id)
            order.case_ids.append(case.case_id)
            api.set_status(Ctx(shop, now, self._emit, lambda: next(self._ids)), case, case.status)
            return case.case_id

    def buyer_ships_return(
        self, seller_id: str, case_id: str, delivery_id: str = "SF", waybill_id: str = "SF1357924680"
    ) -> None:
        with self._lock:
            shop = self.shops[seller_id]
            case = shop.cases[case_id]
            if case.status != "USER_WAIT_RETURN":
                raise ValueError(f"case {case_id} is {case.status}, not waiting for the buyer's parcel")
            case.return_delivery_id, case.return_waybill_id = delivery_id, waybill_id
            api.set_status(Ctx(shop, self._now(), self._emit, lambda: next(self._ids)), case, "MERCHANT_WAIT_RECEIPT")

    def truth_after_sales(self, seller_id: str) -> dict[str, TruthAfterSale]:
        with self._lock:
            return {
                c.case_id: TruthAfterSale(
                    case_id=c.case_id,
                    order_no=c.order_id,
                    seller_id=seller_id,
                    platform_type=c.type,
                    platform_status=c.status,
                    modified_at=datetime.fromtimestamp(c.update_time, SHANGHAI),
                    refund_fen=c.amount,
                )
                for c in self.shops[seller_id].cases.values()
            }

    def truth_stock(self, seller_id: str) -> dict[str, int]:
        with self._lock:
            return dict(self.shops[seller_id].stock)

    def truth_waybills(self, seller_id: str) -> dict[str, tuple[str, ...]]:
        with self._lock:
            return {
                r["waybill_id"]: r["order_ids"]
                for r in self.shops[seller_id].ewaybills.values()
                if r["status"] == "created"
            }

    def truth_addresses(self, seller_id: str) -> dict[str, dict]:
        with self._lock:
            return dict(self.shops[seller_id].addresses)


def _truth_order(seller_id: str, order: Order) -> TruthOrder:
    parcel = order.parcels[-1] if order.parcels else None
    return TruthOrder(
        order_no=order.order_id,
        seller_id=seller_id,
        platform_status=str(order.status),
        modified_at=datetime.fromtimestamp(order.update_time, SHANGHAI),
        line_ids=tuple(line.sku_id for line in order.lines),
        paid_fen=order.order_price,
        carrier_code=parcel.delivery_id if parcel else "",
        tracking_no=parcel.waybill_id if parcel else "",
        seller_memo=order.merchant_notes,
    )


def create_sandbox(seed: int = 1, clock: Clock | None = None, faults: Faults | None = None) -> WechatSandbox:
    return WechatSandbox(seed=seed, clock=clock, faults=faults)
