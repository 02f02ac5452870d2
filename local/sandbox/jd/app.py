"""The JD sandbox: the `routerjson` gateway and open-oauth endpoints on one loopback server, plus the
SandboxPlatform control surface tests and the local runtime drive.

Case ids it reports as truth are the ids the OMS shows: "RA<id>" for a refund apply, the serviceId
for a service order.
"""
from __future__ import annotations

import random
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from local.sandbox.core import (
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
from local.sandbox.jd import api_afs, api_logistics, api_orders, api_parcels, oauth
from local.sandbox.jd.model import (
    SHIPPED_STATES,
    OrderFactory,
    RefundApply,
    Service,
    Shop,
    Sku,
    Waybill,
    spread_seconds,
)
from local.sandbox.jd.wire import (
    BAD_PARAM,
    NOT_FOUND,
    BusinessRefusal,
    GatewayRefusal,
    Tde,
    expected_sign,
    gateway_error,
    param_json,
    success,
    within_skew,
)
from local.sandbox.tracking import Tracks

Handler = Callable[[Any, Shop, str, dict[str, Any]], SandboxResponse]
METHODS: dict[str, Handler] = {
    "jingdong.pop.order.enSearch": api_orders.en_search,
    "jingdong.pop.order.enGet": api_orders.en_get,
    "jingdong.pop.order.shipment": api_orders.shipment,
    "jingdong.pop.order.modifyVenderRemark": api_orders.modify_vender_remark,
    "jingdong.sku.read.searchSkuList": api_orders.search_sku_list,
    "jingdong.stock.write.updateSkuStock": api_orders.update_sku_stock,
    "360buy.get.vender.all.delivery.company": api_orders.delivery_companies,
    "jingdong.pop.afs.soa.refundapply.queryPageList": api_afs.refund_query_page_list,
    "jingdong.pop.afs.soa.refundapply.replyRefund": api_afs.refund_reply,
    "jingdong.asc.query.list": api_afs.asc_query_list,
    "jingdong.asc.sync.list": api_afs.asc_sync_list,
    "jingdong.asc.audit.refuse": api_afs.asc_audit_refuse,
    "jingdong.asc.audit.send": api_afs.asc_audit_send,
    "jingdong.asc.receive.register": api_afs.asc_receive_register,
    "jingdong.asc.process.refund": api_afs.asc_process_refund,
    "jingdong.asc.process.offline.change": api_parcels.process_offline_change,
    "jingdong.ldop.receive.trace.get": api_parcels.receive_trace_get,
    "jingdong.ldop.alpha.provider.sign.success": api_logistics.provider_sign_success,
    "jingdong.ldop.alpha.waybill.receive": api_logistics.waybill_receive,
    "jingdong.ldop.alpha.waybill.query": api_logistics.waybill_query,
    "jingdong.ldop.alpha.waybill.unbind": api_logistics.waybill_unbind,
    "jingdong.printing.printData.pullData": api_logistics.print_data_pull,
}
KIND_EXPECT = {"return_and_refund": 10, "refund_only": 11, "exchange": 20, "repair": 30, "reissue": 80}
PRE_SHIPMENT = frozenset({"WAIT_SELLER_STOCK_OUT", "LOCKED", "POP_ORDER_PAUSE"})
WAYBILL_PREFIX = {"ZTO": "75", "YUNDA": "43", "JD": "JDVA"}


def create_sandbox(seed: int = 1, clock: Clock | None = None, faults: Faults | None = None) -> JdSandbox:
    return JdSandbox(seed=seed, clock=clock or system_clock, faults=faults or Faults())


class JdSandbox:
    platform = "jd"

    def __init__(self, seed: int, clock: Clock, faults: Faults) -> None:
        self.clock, self.faults = clock, faults
        self.wall_clock: Clock = system_clock   # the gateway's timestamp check runs on real time
        self.rng = random.Random(seed)
        self.data = DataGen(seed)
        self.tde = Tde(seed, self.rng)
        self.factory = OrderFactory(self.data, self.tde, self.rng)
        self.shops: dict[str, Shop] = {}
        self.by_app_key: dict[str, Shop] = {}
        self.applies: dict[int, RefundApply] = {}
        self.service_orders: dict[int, Service] = {}
        self.waybills: dict[str, Waybill] = {}
        self.balances: dict[str, dict[str, int]] = {}
        self.tracks = Tracks()
        self._counter = 0
        self._lock = threading.RLock()

    def now(self) -> datetime:
        return self.clock().replace(microsecond=0)

    def _hex(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"   # seeded: a sandbox rebuilt with its seed has the same shops

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    # ------------------------------------------------------------ HTTP
    def handle(self, request: SandboxRequest) -> SandboxResponse:
        with self._lock:
            path = request.path.rstrip("/")
            if path == "/routerjson":
                return self._gateway(request)
            endpoint = oauth.ENDPOINTS.get(path)
            if endpoint is not None:
                return endpoint(self, request.params)
            return SandboxResponse.json({"code": "404", "msg": f"no such path {request.path}"}, status=404)

    def _gateway(self, request: SandboxRequest) -> SandboxResponse:
        fault = self.faults.roll()
        if fault == "throttle":
            return gateway_error("2", "限制时间内调用失败次数", "App Call Limited")
        if fault == "error":
            if self.faults.chance(0.5):
                return gateway_error("66", "平台连接后端服务不可用", "Platform backend service unavailable")
            return SandboxResponse(status=502, body=b"<html><body>502 Bad Gateway</body></html>",
                                   headers={"Content-Type": "text/html"})
        try:
            method, shop = self._authenticate(request.params)
            response = METHODS[method](self, shop, method, param_json(request.params.get("360buy_param_json", "")))
        except GatewayRefusal as refusal:
            return gateway_error(refusal.code, refusal.zh, refusal.en)
        except BusinessRefusal as refusal:
            response = success(request.params.get("method", ""), {"success": False, "numberCode": refusal.code,
                                                                   "msg": refusal.message})
        if fault == "timeout":
            response.delay = self.faults.slow_seconds
        return response

    def _authenticate(self, params: dict[str, str]) -> tuple[str, Shop]:
        method = params.get("method", "")
        if not method:
            raise GatewayRefusal("14", "缺少方法名参数", "Missing Method")
        if method not in METHODS:
            raise GatewayRefusal("15", "不存在的方法名", "Invalid Method")
        if not params.get("v"):
            raise GatewayRefusal("4", "缺少版本参数", "Missing Version")
        if params["v"] not in ("2.0", "1.0"):
            raise GatewayRefusal("5", "不支持的版本号", "Unsupported Version")
        if not params.get("timestamp"):
            raise GatewayRefusal("7", "缺少时间戳参数", "Missing Timestamp")
        if not within_skew(params["timestamp"], self.wall_clock()):
            raise GatewayRefusal("8", "非法的时间戳参数", "Invalid Timestamp")
        if not params.get("sign"):
            raise GatewayRefusal("11", "缺少签名参数", "Missing Signature")
        shop = self.by_app_key.get(params.get("app_key", ""))
        # an unknown app key has no secret to check against: JD's answer for it is undocumented, we say 12
        if shop is None or params["sign"].upper() != expected_sign(params, shop.app_secret):
            raise GatewayRefusal("12", "无效签名", "Invalid Signature")
        token = params.get("access_token", "")
        if not token:
            raise GatewayRefusal("18", "缺少access_token参数", "Missing Access Token")
        if token != shop.access_token or shop.token_expired:
            raise GatewayRefusal("19", "无效的access_token", "Invalid access_token")
        return method, shop

    def maybe_shift(self, shop: Shop) -> None:
        if self.faults.shift_rate and shop.orders and self.faults.chance(self.faults.shift_rate):
            order = shop.orders[self.rng.choice(list(shop.orders))]
            shop.touch(order, self.now())

    # ------------------------------------------------------------ state used by the handlers
    def refund_applies(self, seller_id: str) -> list[RefundApply]:
        return [a for a in self.applies.values() if a.seller_id == seller_id]

    def refund_apply(self, seller_id: str, apply_id: Any) -> RefundApply:
        apply = self.applies.get(int(apply_id or 0))
        if apply is None or apply.seller_id != seller_id:
            raise BusinessRefusal(NOT_FOUND, "退款单不存在")
        return apply

    def decide_refund_apply(self, shop: Shop, apply: RefundApply, status: int, user: str, remark: str) -> None:
        # the sandbox's JD finance passes an approved refund at once (1/6 -> 3)
        apply.status = {1: 3, 6: 3}.get(status, status)
        apply.checked, apply.check_user, apply.remark = self.now(), user, remark
        order = shop.orders[apply.order_id]
        order.state = "TRADE_CANCELED" if apply.status in (3, 9) else "WAIT_SELLER_STOCK_OUT"
        shop.touch(order, self.now())

    def services(self, seller_id: str) -> list[Service]:
        return [s for s in self.service_orders.values() if s.seller_id == seller_id]

    def service(self, seller_id: str, service_id: Any) -> Service:
        service = self.service_orders.get(int(service_id or 0))
        if service is None or service.seller_id != seller_id:
            raise BusinessRefusal(NOT_FOUND, "服务单不存在")
        return service

    def service_changed(self, shop: Shop, service: Service) -> None:
        service.updated, service.version = self.now(), service.version + 1

    def waybill_balances(self, seller_id: str) -> dict[str, int]:
        return self.balances.setdefault(seller_id, {c: p[5] for c, p in api_logistics.PROVIDERS.items()})

    def issue_waybill(self, shop: Shop, provider: str, order_no: str, vendor_order_code: str = "") -> Waybill:
        """One live waybill per seller parcel key (vendorOrderCode): a repeated request gets it back; another
        key of the same order (a second parcel) gets a number of its own."""
        key = vendor_order_code or order_no
        for waybill in self.waybills.values():
            if (waybill.bound and waybill.seller_id == shop.seller_id and waybill.provider_code == provider
                    and (waybill.vendor_order_code or waybill.order_no) == key):
                if waybill.order_no != order_no:
                    raise BusinessRefusal(BAD_PARAM, "vendorOrderCode已用于其他平台订单")
                return waybill   # JD hands back the live number for a repeated request
        balances = self.waybill_balances(shop.seller_id)
        if balances[provider] == 0:
            raise BusinessRefusal("10200003", "电子面单余额不足")
        balances[provider] -= 1 if balances[provider] > 0 else 0
        code = f"{WAYBILL_PREFIX[provider]}{self._next():011d}"
        self.waybills[code] = Waybill(code=code, provider_code=provider, order_no=order_no, seller_id=shop.seller_id,
                                      vendor_order_code=key)
        return self.waybills[code]

    # ------------------------------------------------------------ control surface
    def add_shop(self) -> SandboxShop:
        with self._lock:
            n = len(self.shops) + 1
            shop = Shop(seller_id=str(10_000_000 + n * 37), app_key=self._hex().upper(), app_secret=self._hex(),
                        access_token=self._hex(), refresh_token=self._hex())
            for sku in self.data.catalog(products=6, id_base=100_000 + n * 1_000):
                shop.skus[sku.sku_id] = Sku(sku=sku, stock=self.rng.randint(0, 500))
            self.shops[shop.seller_id], self.by_app_key[shop.app_key] = shop, shop
            return self._sandbox_shop(shop)

    def _sandbox_shop(self, shop: Shop) -> SandboxShop:
        return SandboxShop(platform="jd", seller_id=shop.seller_id, app_key=shop.app_key,
                           app_secret=shop.app_secret, access_token=shop.access_token,
                           refresh_token=shop.refresh_token, extra={"operate_pin": "sandbox_op",
                                                         "customer_code": api_parcels.customer_code(shop)})

    def generate_orders(self, seller_id: str, count: int, start: datetime, end: datetime) -> list[str]:
        with self._lock:
            shop = self.shops[seller_id]
            orders = [self.factory.make(shop, at) for at in spread_seconds(self.rng, start, end, count)]
            for order in orders:
                shop.put(order)
            return [o.order_id for o in orders]

    def touch_order(self, seller_id: str, order_no: str, at: datetime) -> None:
        with self._lock:
            shop = self.shops[seller_id]
            shop.touch(shop.orders[order_no], at)

    def truth_orders(self, seller_id: str) -> dict[str, TruthOrder]:
        with self._lock:
            return {o.order_id: TruthOrder(
                order_no=o.order_id, seller_id=seller_id, platform_status=o.state, modified_at=o.modified,
                line_ids=tuple(i["sku_id"] for i in o.items), paid_fen=o.payment_fen,
                carrier_code=o.logistics_id, tracking_no=o.waybill, seller_memo=o.vender_remark)
                for o in self.shops[seller_id].orders.values()}

    def expire_token(self, seller_id: str) -> None:
        self.shops[seller_id].token_expired = True

    def kill_refresh_token(self, seller_id: str) -> None:
        self.shops[seller_id].refresh_dead = True

    def request_after_sale(self, seller_id: str, order_no: str, kind: str) -> str:
        with self._lock:
            shop = self.shops[seller_id]
            order = shop.orders[order_no]
            expect = KIND_EXPECT.get(kind) or int(kind)
            if expect == KIND_EXPECT["refund_only"] and order.state in PRE_SHIPMENT:
                apply = api_afs.new_refund_apply(self._next(), shop, order_no, self.now())
                self.applies[apply.apply_id] = apply
                order.state = "LOCKED"
                shop.touch(order, self.now())
                return f"RA{apply.apply_id}"
            if order.state not in SHIPPED_STATES:
                raise ValueError(f"order {order_no} is {order.state}: a {kind} case needs a shipped order")
            item = order.items[0]
            service = Service(service_id=700_000 + self._next(), apply_id=800_000 + self._counter,
                              order_id=order_no, seller_id=seller_id, sku_id=item["sku_id"], ware_id=item["ware_id"],
                              ware_name=item["name"], count=item["qty"], expect=expect, applied=self.now(),
                              updated=self.now(), refund_fen=item["price_fen"] * item["qty"],
                              question=self.rng.choice(["尺码不合适", "质量问题", "发错货", "不想要了"]),
                              customer_pin=order.buyer_pin, customer_name=order.cipher["masked_name"])
            self.service_orders[service.service_id] = service
            return str(service.service_id)

    def advance_tracking(self, seller_id: str, waybill_no: str, to: str = "delivered") -> str:
        """Test hook: a JD Express parcel moves on (delivered / exception) at the sandbox clock's now."""
        with self._lock:
            return api_parcels.advance(self, self.shops[seller_id], waybill_no, to)

    def truth_after_sales(self, seller_id: str) -> dict[str, TruthAfterSale]:
        with self._lock:
            truth = {f"RA{a.apply_id}": TruthAfterSale(
                case_id=f"RA{a.apply_id}", order_no=a.order_id, seller_id=seller_id, platform_type="refund_apply",
                platform_status=str(a.status), modified_at=a.modified, refund_fen=a.refund_fen)
                for a in self.refund_applies(seller_id)}
            truth.update({str(s.service_id): TruthAfterSale(
                case_id=str(s.service_id), order_no=s.order_id, seller_id=seller_id, platform_type=str(s.expect),
                platform_status=str(s.status), modified_at=s.updated, refund_fen=s.refund_fen)
                for s in self.services(seller_id)})
            return truth

    def truth_stock(self, seller_id: str) -> dict[str, int]:
        return {sku_id: sku.stock for sku_id, sku in self.shops[seller_id].skus.items()}

    def truth_waybills(self, seller_id: str) -> dict[str, tuple[str, ...]]:
        with self._lock:
            found: dict[str, tuple[str, ...]] = {}
            for w in self.waybills.values():
                if w.seller_id == seller_id and w.bound:
                    found[w.order_no] = (*found.get(w.order_no, ()), w.code)
            return found

