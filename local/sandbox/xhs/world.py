"""The Xiaohongshu sandbox's control surface (SandboxPlatform): shops, generated orders, truths,
token faults, the buyer's side of after-sales, and the push outbox."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from itertools import count as counter

from local.sandbox.core import (
    Clock,
    Faults,
    SandboxShop,
    TruthAfterSale,
    TruthOrder,
    mask_detail,
    mask_name,
    mask_phone,
)
from local.sandbox.timeline import from_ms, ms
from local.sandbox.tracking import Tracks
from local.sandbox.world import SandboxWorld
from local.sandbox.xhs import store
from local.sandbox.xhs.push import Outbox
from local.sandbox.xhs.store import Case, Line, Order, Shop

ACCESS_TTL_MS = 7 * 24 * 3600 * 1000  # [I] the sources give no lifetimes
REFRESH_TTL_MS = 30 * 24 * 3600 * 1000
STATUS_MIX = [(store.AWAITING, 72), (store.UNPAID, 8), (store.CANCELLED, 6), (store.SHIPPED, 9), (store.COMPLETED, 5)]
KINDS = {"return_and_refund": store.RETURN_REFUND, "exchange": store.EXCHANGE, "refund_only": 0}
CARRIERS = {
    "zhongtong": "中通快递",
    "yuantong": "圆通速递",
    "shentong": "申通快递",
    "yunda": "韵达快递",
    "shunfeng": "顺丰速运",
    "jd": "京东快递",
    "ems": "EMS",
    "jtexpress": "极兔速递",
    "debangkuaidi": "德邦快递",
    "youzhengguonei": "邮政快递包裹",
}


class XhsWorld(SandboxWorld[Shop]):
    platform = "xhs"
    outbox: Outbox

    def __init__(self, seed: int = 1, clock: Clock | None = None, faults: Faults | None = None) -> None:
        super().__init__(seed, clock, faults)
        self.masked: dict[str, str] = {}  # ciphertext -> desensitised text
        self.outbox = Outbox()
        self.tracks = Tracks()   # parcel routes served by order.getOrderTracking (see parcels.py)
        self._ids = counter(7126000000000001, 13)
        self._case_ids = counter(800000001, 7)

    # ------------------------------------------------------------ shops and tokens
    def add_shop(self) -> SandboxShop:
        with self.lock:
            n = len(self.shops)
            shop = Shop(
                seller_id=f"5f{self.rng.getrandbits(88):022x}",
                app_id=f"{self.rng.getrandbits(64):016x}",
                app_secret=f"sandbox-xhs-secret-{n}-{self.rng.getrandbits(32):08x}",
            )
            for sku in self.gen.catalog(products=5, id_base=600000 + 1000 * n):
                shop.skus[sku.sku_id] = sku
                shop.stock[sku.sku_id] = self.rng.randint(0, 300)
            access, refresh = self.issue_tokens(shop)
            self.shops[shop.seller_id] = shop
            return SandboxShop(
                platform=self.platform,
                seller_id=shop.seller_id,
                app_key=shop.app_id,
                app_secret=shop.app_secret,
                access_token=access,
                refresh_token=refresh,
            )

    def issue_tokens(self, shop: Shop) -> tuple[str, str]:
        access, refresh = (f"{prefix}-{self.rng.getrandbits(128):032x}" for prefix in ("token", "refresh"))
        shop.access_tokens[access] = self.now_ms() + ACCESS_TTL_MS
        shop.refresh_tokens[refresh] = self.now_ms() + REFRESH_TTL_MS
        return access, refresh

    def shop_by_app(self, app_id: str) -> Shop | None:
        return next((s for s in self.shops.values() if s.app_id == app_id), None)

    # ------------------------------------------------------------ orders

    def _seal(self, text: str, masked: str) -> str:
        cipher = "#" + base64.b64encode(hashlib.sha256(f"{text}{self.rng.random()}".encode()).digest()).decode() + "#"
        self.masked[cipher] = masked
        return cipher

    def generate_orders(self, seller_id: str, count: int, start: datetime, end: datetime) -> list[str]:
        with self.lock:
            shop = self.shops[seller_id]
            return [self._new_order(shop, at, status) for at, status in self.spread(count, start, end, STATUS_MIX)]

    def _new_order(self, shop: Shop, update_ms: int, status: int) -> str:
        skus = self.rng.sample(list(shop.skus.values()), self.rng.choice([1, 1, 1, 2, 3]))
        lines = [
            Line(
                sku=sku,
                quantity=self.rng.choice([1, 1, 2]),
                merchant_discount=self.rng.choice([0, 0, 200]),
                red_discount=self.rng.choice([0, 0, 0, 100]),
            )
            for sku in skus
        ]
        person = self._person()
        create_ms = update_ms - self.rng.randint(0, 30 * 3600 * 1000)
        order = Order(
            order_id=f"P{next(self._ids)}",
            status=status,
            lines=lines,
            shipping_fee=self.rng.choice([0, 0, 800]),
            create_ms=create_ms,
            paid_ms=0 if status == store.UNPAID else create_ms + self.rng.randint(20_000, 900_000),
            update_ms=update_ms,
            region=(person.province, person.city, person.district),
            sealed={
                "receiverName": self._seal(person.name, mask_name(person.name)),
                "receiverPhone": self._seal(person.phone, mask_phone(person.phone)),
                "receiverAddress": self._seal(person.detail, mask_detail(person.detail)),
            },
            open_address_id=f"oa{self.rng.getrandbits(64):016x}",
            customer_remark=self.gen.memo(),
            user_id=f"u{self.rng.getrandbits(48):012x}",
        )
        if status in (store.SHIPPED, store.COMPLETED):
            code = self.rng.choice(list(CARRIERS)[:5])
            order.packages.append(
                {
                    "deliveryOrderIndex": 1,
                    "status": 2,
                    "expressCompanyCode": code,
                    "expressTrackingNo": f"{code[:2].upper()}{self.rng.randint(10**11, 10**12 - 1)}",
                    "skuIdList": [line.sku.sku_id for line in lines],
                }
            )
            order.delivery_ms = max(order.paid_ms, update_ms - 3600 * 1000)
        shop.orders[order.order_id] = order
        shop.order_index.add((update_ms, order.order_id))
        if status != store.UNPAID:  # no push for an unpaid order (reference §4.6 gaps)
            self.emit_status(shop, order)
        return order.order_id

    def touch(self, shop: Shop, order: Order, at_ms: int | None = None) -> None:
        new = self.now_ms() if at_ms is None else at_ms
        shop.order_index.move((order.update_ms, order.order_id), (new, order.order_id))
        order.update_ms = new

    def touch_order(self, seller_id: str, order_no: str, at: datetime) -> None:
        with self.lock:
            shop = self.shops[seller_id]
            self.touch(shop, shop.orders[order_no], ms(at))

    def touch_case(self, shop: Shop, case: Case) -> None:
        new = self.now_ms()
        shop.case_index.move((case.update_ms, case.returns_id), (new, case.returns_id))
        case.update_ms = new
        self.touch(shop, shop.orders[case.order_id])

    def emit_status(self, shop: Shop, order: Order) -> None:
        self.outbox.add(
            "msg_fulfillment_status_change",
            shop.seller_id,
            {"orderId": order.order_id, "orderStatus": order.status, "updateTime": order.update_ms},
        )

    # ------------------------------------------------------------ after-sales (the buyer's side)
    def request_after_sale(self, seller_id: str, order_no: str, kind: str) -> str:
        with self.lock:
            shop = self.shops[seller_id]
            order = shop.orders[order_no]
            if kind not in KINDS:
                raise ValueError(f"xhs has no after-sale kind {kind!r}")
            if order.status in (store.UNPAID, store.CLOSED, store.CANCELLED):
                raise ValueError("an unpaid or closed order cannot have an after-sale")
            return_type = KINDS[kind] or (
                store.REFUND_UNSHIPPED if order.status == store.AWAITING else store.REFUND_SHIPPED
            )
            now = self.now_ms()
            case = Case(
                returns_id=f"R{next(self._case_ids)}",
                order_id=order_no,
                return_type=return_type,
                status=store.REVIEW,
                lines=[(line, line.paid) for line in order.lines[:1]],
                apply_ms=now,
                update_ms=now,
                reason=self.rng.choice(["不想要了", "尺码不合适", "质量问题"]),
                desc=self.rng.choice(["", "麻烦尽快处理"]),
            )
            if return_type == store.REFUND_UNSHIPPED:
                case.lines = [(line, line.paid) for line in order.lines]
                case.lines[-1] = (case.lines[-1][0], case.lines[-1][1] + order.shipping_fee)
            shop.cases[case.returns_id] = case
            shop.case_index.add((now, case.returns_id))
            order.after_sales_status = store.AS_OPEN
            self.touch(shop, order)
            self.outbox.add(
                "msg_after_sale_create",
                seller_id,
                {
                    "returnsId": case.returns_id,
                    "orderId": order_no,
                    "returnType": return_type,
                    "request_from": 1,
                    "refundFee": case.refund_fen,
                    "updateTime": now,
                },
            )
            return case.returns_id

    def buyer_returns_goods(self, seller_id: str, case_id: str, express_no: str = "SF1400000000001") -> None:
        with self.lock:
            shop = self.shops[seller_id]
            case = shop.cases[case_id]
            if case.status != store.AWAIT_RETURN:
                raise ValueError(f"case {case_id} is not awaiting the buyer's return")
            case.status = store.AWAIT_RECEIPT
            case.return_express = {
                "expressNo": express_no,
                "expressCompanyCode": "shunfeng",
                "expressCompanyName": "顺丰速运",
                "fillExpressNoTime": self.now_ms(),
            }
            self.touch_case(shop, case)

    # ------------------------------------------------------------ truths
    def truth_orders(self, seller_id: str) -> dict[str, TruthOrder]:
        with self.lock:
            return {o.order_id: self._truth(seller_id, o) for o in self.shops[seller_id].orders.values()}

    @staticmethod
    def _truth(seller_id: str, o: Order) -> TruthOrder:
        last = o.packages[-1] if o.packages else {}
        return TruthOrder(
            order_no=o.order_id,
            seller_id=seller_id,
            platform_status=str(o.status),
            modified_at=from_ms(o.update_ms),
            line_ids=tuple(line.sku.sku_id for line in o.lines),
            paid_fen=o.total_pay,
            carrier_code=str(last.get("expressCompanyCode", "")),
            tracking_no=str(last.get("expressTrackingNo", "")),
            seller_memo=o.seller_remark,
        )

    def truth_after_sales(self, seller_id: str) -> dict[str, TruthAfterSale]:
        with self.lock:
            return {
                c.returns_id: TruthAfterSale(
                    case_id=c.returns_id,
                    order_no=c.order_id,
                    seller_id=seller_id,
                    platform_type=str(c.return_type),
                    platform_status=str(c.status),
                    modified_at=from_ms(c.update_ms),
                    refund_fen=c.refund_fen,
                )
                for c in self.shops[seller_id].cases.values()
            }

    def truth_stock(self, seller_id: str) -> dict[str, int]:
        with self.lock:
            return dict(self.shops[seller_id].stock)

