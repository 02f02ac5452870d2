"""The Kuaishou sandbox's control surface (SandboxPlatform): shops, generated orders, truths,
token faults, buyer-side after-sale moves, and the push outbox."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from itertools import count as counter
from typing import Any

from local.sandbox.core import Clock, Faults, SandboxShop, TruthAfterSale, TruthOrder, presale_days
from local.sandbox.kuaishou import store
from local.sandbox.kuaishou.push import Outbox, encrypt_event
from local.sandbox.kuaishou.store import Cipherer, Order, Refund, Shop
from local.sandbox.timeline import from_ms, ms
from local.sandbox.world import SandboxWorld

ACCESS_TTL_MS = 48 * 3600 * 1000
REFRESH_TTL_MS = 180 * 24 * 3600 * 1000
STATUS_MIX = [(store.PAID, 70), (store.UNPAID, 8), (store.CLOSED, 7), (store.SHIPPED, 10), (store.SUCCESS, 5)]
KINDS = {"refund_only": store.REFUND_ONLY, "return_and_refund": store.RETURN_AND_REFUND, "exchange": store.EXCHANGE}
EXPRESS = {1: "SF", 2: "ZT", 3: "YT", 4: "ST", 5: "YD"}  # prefixes for generated tracking numbers


class KuaishouWorld(SandboxWorld[Shop]):
    platform = "kuaishou"
    outbox: Outbox

    def __init__(self, seed: int = 1, clock: Clock | None = None, faults: Faults | None = None) -> None:
        super().__init__(seed, clock, faults)
        self.cipher = Cipherer(self.rng.randbytes(16))
        self.outbox = Outbox()
        self._ids = counter(2607600000001001, 7)
        self._refund_ids = counter(1500000000000101, 3)

    # ------------------------------------------------------------ shops and tokens
    def add_shop(self) -> SandboxShop:
        with self.lock:
            n = len(self.shops)
            shop = Shop(
                seller_id=str(self.rng.randint(10**9, 10**10 - 1)),
                app_key=f"ks{self.rng.randint(10**17, 10**18 - 1)}",
                app_secret=f"sandbox-app-secret-{n}",
                sign_secret=f"sandbox-sign-secret-{n}",
                message_key=base64.b64encode(self.rng.randbytes(16)).decode(),
            )
            for sku in self.gen.catalog(products=6, id_base=100000 + 1000 * n):
                shop.skus[int(sku.sku_id)] = sku
                shop.stock[int(sku.sku_id)] = self.rng.randint(0, 200)
            access, refresh = self.issue_tokens(shop)
            self.shops[shop.seller_id] = shop
            return SandboxShop(
                platform=self.platform,
                seller_id=shop.seller_id,
                app_key=shop.app_key,
                app_secret=shop.app_secret,
                access_token=access,
                refresh_token=refresh,
                extra={"sign_secret": shop.sign_secret, "message_key": shop.message_key},
            )

    def issue_tokens(self, shop: Shop, inherit_expiry: bool = False) -> tuple[str, str]:
        now = self.now_ms()
        access = "ChFvYXV0aC5hY2Nlc3NUb2tlbh" + f"{self.rng.getrandbits(96):024x}"
        refresh = "ChJvYXV0aC5yZWZyZXNoVG9rZW4" + f"{self.rng.getrandbits(96):024x}"
        shop.access_tokens[access] = now + ACCESS_TTL_MS
        if not inherit_expiry:
            shop.refresh_expires_ms = now + REFRESH_TTL_MS
        shop.refresh_tokens[refresh] = shop.refresh_expires_ms
        return access, refresh

    def shop_by_app(self, app_key: str) -> Shop | None:
        return next((s for s in self.shops.values() if s.app_key == app_key), None)

    # ------------------------------------------------------------ orders
    def generate_orders(self, seller_id: str, count: int, start: datetime, end: datetime) -> list[str]:
        with self.lock:
            shop = self.shops[seller_id]
            return [str(self._new_order(shop, at, status).oid) for at, status in self.spread(count, start, end,
                                                                                          STATUS_MIX)]

    def _new_order(self, shop: Shop, update_ms: int, status: int) -> Order:
        sku = self.rng.choice(list(shop.skus.values()))
        num = self.rng.choice([1, 1, 1, 2, 3])
        person = self._person()
        create_ms = update_ms - self.rng.randint(0, 36 * 3600 * 1000)
        order = Order(
            oid=next(self._ids),
            item_id=int(sku.product_id),
            sku=sku,
            num=num,
            discount=min(self.rng.choice([0, 0, 0, 300, 500]), sku.price_fen * num - 1),
            express_fee=self.rng.choice([0, 0, 600, 1000]),
            status=status,
            create_ms=create_ms,
            pay_ms=0 if status == store.UNPAID else create_ms + self.rng.randint(30_000, 600_000),
            update_ms=update_ms,
            buyer=person,
            remark=self.gen.memo(),
            sealed={
                "name": self.cipher.seal(person.name),
                "phone": self.cipher.seal(person.phone),
                "detail": self.cipher.seal(person.detail),
            },
        )
        order.presale_days = presale_days(str(order.oid))
        if status in (store.SHIPPED, store.SUCCESS):
            code = self.rng.choice(list(EXPRESS))
            order.logistics.append(
                {
                    "expressCode": code,
                    "logisticsId": order.oid + 5,
                    "expressNo": f"{EXPRESS[code]}{self.rng.randint(10**11, 10**12 - 1)}",
                }
            )
            order.send_ms = max(order.pay_ms, update_ms - 3600 * 1000)
        shop.orders[order.oid] = order
        shop.order_index.add((update_ms, order.oid))
        self.emit(
            shop,
            "kwaishop_order_addOrder",
            order.oid,
            {"oid": order.oid, "sellerId": shop.seller_id, "createTime": create_ms},
        )
        if status != store.UNPAID:
            self.emit(
                shop,
                "kwaishop_order_paySuccess",
                order.oid,
                {"oid": order.oid, "status": status, "updateTime": update_ms},
            )
        return order

    def touch(self, shop: Shop, order: Order, at_ms: int | None = None) -> None:
        new = self.now_ms() if at_ms is None else at_ms
        shop.order_index.move((order.update_ms, order.oid), (new, order.oid))
        order.update_ms = new

    def touch_order(self, seller_id: str, order_no: str, at: datetime) -> None:
        with self.lock:
            shop = self.shops[seller_id]
            self.touch(shop, shop.orders[int(order_no)], ms(at))

    def touch_refund(self, shop: Shop, refund: Refund) -> None:
        new = self.now_ms()
        shop.refund_index.move((refund.update_ms, refund.refund_id), (new, refund.refund_id))
        refund.update_ms = new
        self.touch(shop, shop.orders[refund.oid])
        self.emit(
            shop,
            "kwaishop_aftersales_updateRefund",
            refund.refund_id,
            {"refundId": refund.refund_id, "oid": refund.oid, "status": refund.status, "updateTime": new},
        )

    # ------------------------------------------------------------ after-sales (the buyer's side)
    def request_after_sale(self, seller_id: str, order_no: str, kind: str) -> str:
        with self.lock:
            shop = self.shops[seller_id]
            order = shop.orders[int(order_no)]
            if kind not in KINDS:
                raise ValueError(f"kuaishou has no after-sale kind {kind!r}")
            if order.status in (store.UNPAID, store.CLOSED):
                raise ValueError("an unpaid or closed order cannot have an after-sale")
            now = self.now_ms()
            goods = order.total_fee - order.express_fee
            refund = Refund(
                refund_id=next(self._refund_ids),
                oid=order.oid,
                handling_way=KINDS[kind],
                status=store.APPLIED,
                create_ms=now,
                update_ms=now,
                refund_fee=order.total_fee if order.status == store.PAID else goods,
                reason_desc=self.rng.choice(["不想要了", "尺码不合适", "质量问题", "发错货"]),
                desc=self.rng.choice(["", "请尽快处理", "包装破损"]),
            )
            shop.refunds[refund.refund_id] = refund
            shop.refund_index.add((now, refund.refund_id))
            order.refund_ids.append(refund.refund_id)
            self.touch(shop, order)
            self.emit(
                shop,
                "kwaishop_aftersales_addRefund",
                refund.refund_id,
                {"refundId": refund.refund_id, "oid": order.oid, "status": refund.status, "updateTime": now},
            )
            return str(refund.refund_id)

    def buyer_returns_goods(self, seller_id: str, case_id: str, express_no: str = "SF1300000000001") -> None:
        with self.lock:
            shop = self.shops[seller_id]
            refund = shop.refunds[int(case_id)]
            if refund.status != store.AWAIT_RETURN:
                raise ValueError(f"refund {case_id} is not awaiting the buyer's return")
            refund.status = store.RETURNED
            refund.return_express = {"expressCode": 1, "expressNo": express_no}
            self.touch_refund(shop, refund)

    # ------------------------------------------------------------ truths
    def truth_orders(self, seller_id: str) -> dict[str, TruthOrder]:
        with self.lock:
            return {str(o.oid): self._truth(seller_id, o) for o in self.shops[seller_id].orders.values()}

    @staticmethod
    def _truth(seller_id: str, o: Order) -> TruthOrder:
        last = o.logistics[-1] if o.logistics else {}
        return TruthOrder(
            order_no=str(o.oid),
            seller_id=seller_id,
            platform_status=str(o.status),
            modified_at=from_ms(o.update_ms),
            line_ids=(str(o.oid * 10 + 1),),
            paid_fen=o.total_fee,
            carrier_code=str(last.get("expressCode", "")),
            tracking_no=str(last.get("expressNo", "")),
            seller_memo=o.notes[-1]["note"] if o.notes else "",
        )

    def truth_after_sales(self, seller_id: str) -> dict[str, TruthAfterSale]:
        with self.lock:
            return {
                str(r.refund_id): TruthAfterSale(
                    case_id=str(r.refund_id),
                    order_no=str(r.oid),
                    seller_id=seller_id,
                    platform_type=str(r.handling_way),
                    platform_status=str(r.status),
                    modified_at=from_ms(r.update_ms),
                    refund_fen=r.refund_fee,
                )
                for r in self.shops[seller_id].refunds.values()
            }

    def truth_stock(self, seller_id: str) -> dict[str, int]:
        with self.lock:
            return {str(sku): qty for sku, qty in self.shops[seller_id].stock.items()}

    # ------------------------------------------------------------ pushes
    def emit(self, shop: Shop, event: str, biz_id: int, info: dict[str, Any]) -> None:
        if not self.outbox.url:
            return
        now = self.now_ms()
        n = self.rng.getrandbits(40)
        message = {
            "eventId": f"243_{n}",
            "msgId": f"84_{n}",
            "bizId": biz_id,
            "userId": int(shop.seller_id),
            "openId": f"f1{shop.seller_id}",
            "appKey": shop.app_key,
            "event": event,
            "info": json.dumps(info, separators=(",", ":")),
            "status": 2,
            "createTime": now,
            "updateTime": now,
        }
        self.outbox.add(encrypt_event(message, shop.message_key))
