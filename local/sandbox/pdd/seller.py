"""The control surface (local.sandbox.core.SandboxPlatform): shops, generated orders, buyer actions, truth."""

from __future__ import annotations

import itertools
import math
from datetime import datetime

from local.sandbox.core import (
    SHANGHAI,
    Clock,
    DataGen,
    Faults,
    SandboxShop,
    TruthAfterSale,
    TruthOrder,
)
from local.sandbox.pdd import gen
from local.sandbox.pdd.model import AfterSale, Mall
from local.sandbox.pdd.refunds import sync_order

# unified after-sale kind (or the POP list enum) -> (after_sales_type, first status)
KINDS: dict[str, tuple[int, int]] = {
    "refund_only": (2, 2),
    "return_and_refund": (3, 3),
    "exchange": (4, 14),
    "reissue": (5, 14),
    "repair": (6, 21),
    "2": (2, 2),
    "3": (3, 3),
    "4": (4, 14),
    "5": (5, 14),
    "6": (6, 21),
}
REASONS = ["不想要了", "尺码不合适", "质量问题", "发错货", "少件/漏发", "与商品描述不符"]
AWAITING_RETURN, RETURN_PENDING, BUYER_CANCELLED = 7, 3, 11


class SellerControls:
    platform: str
    faults: Faults
    clock: Clock
    data: DataGen
    ciphers: gen.Ciphers
    malls: dict[str, Mall]
    serials: itertools.count[int]
    case_ids: itertools.count[int]

    def now(self) -> int:
        raise NotImplementedError

    def new_secret(self, prefix: str) -> str:
        raise NotImplementedError

    def shop(self, mall: Mall) -> SandboxShop:
        raise NotImplementedError

    # ------------------------------------------------------------ shops and orders
    def add_shop(self) -> SandboxShop:
        index = len(self.malls)
        mall_id = str(600_000_000 + index * 7919 + self.data.rng.randrange(7919))
        now = self.now()
        mall = Mall(
            mall_id=mall_id,
            name=f"拼多多沙箱店{index + 1}",
            access_token=self.new_secret("at"),
            refresh_token=self.new_secret("rt"),
            token_expires_ts=now + 30 * 86_400,
            refresh_expires_ts=now + 30 * 86_400,
        )
        mall.goods = gen.catalog(self.data, index)
        sender = self.data.person()
        mall.subscriptions = [_subscription(code, sender, f"{mall_id}-{code}") for code in ("ZTO", "YUNDA")]
        mall.return_addresses = [
            {
                "id": int(mall_id) * 10 + n,
                "province_name": p.province,
                "city_name": p.city,
                "district_name": p.district,
                "address": p.detail,
                "refund_name": p.name,
                "refund_phone": p.phone,
                "is_default": int(n == 1),
            }
            for n, p in ((1, sender), (2, self.data.person()))
        ]
        self.malls[mall_id] = mall
        return self.shop(mall)

    def generate_orders(self, seller_id: str, count: int, start: datetime, end: datetime) -> list[str]:
        mall = self.malls[seller_id]
        low, high = math.ceil(start.timestamp()), math.ceil(end.timestamp())  # [start, end)
        made = []
        for _ in range(count):
            order = gen.order(
                self.data,
                mall,
                self.ciphers,
                low + self.data.rng.randrange(max(1, high - low)),
                next(self.serials),
            )
            mall.add_order(order)
            made.append(order.order_sn)
        return made

    def touch_order(self, seller_id: str, order_no: str, at: datetime) -> None:
        mall = self.malls[seller_id]
        mall.touch_order(mall.orders[order_no], int(at.timestamp()))

    def truth_orders(self, seller_id: str) -> dict[str, TruthOrder]:
        codes = {cid: code for cid, code, _ in gen.COMPANIES}
        return {
            o.order_sn: TruthOrder(
                order_no=o.order_sn,
                seller_id=seller_id,
                platform_status=f"{o.order_status}/{o.refund_status}/{o.confirm_status}",
                modified_at=_dt(o.updated_ts),
                line_ids=tuple(str(i.sku_id) for i in o.items),
                paid_fen=o.pay_fen,
                carrier_code=codes.get(o.logistics_id, ""),
                tracking_no=o.tracking_number,
                seller_memo=o.remark,
            )
            for o in self.malls[seller_id].orders.values()
        }

    # ------------------------------------------------------------ tokens
    def expire_token(self, seller_id: str) -> None:
        self.malls[seller_id].token_expired = True

    def kill_refresh_token(self, seller_id: str) -> None:
        self.malls[seller_id].refresh_dead = True

    # ------------------------------------------------------------ after-sales
    def request_after_sale(self, seller_id: str, order_no: str, kind: str) -> str:
        """Returns the case id as `order_sn:after_sales_id` (every POP after-sale call needs both)."""
        mall = self.malls[seller_id]
        order = mall.orders[order_no]
        if order.confirm_status != 1 or order.refund_status == 4:
            raise ValueError(
                f"order {order_no} cannot open an after-sale (cancelled, unconfirmed or refunded)"
            )
        type_, status = KINDS[kind]
        item, now, rng = order.items[0], self.now(), self.data.rng
        reason = rng.choice(REASONS)
        case = AfterSale(
            id=next(self.case_ids),
            order_sn=order_no,
            mall_id=seller_id,
            type=type_,
            status=status,
            reason=reason,
            refund_fen=order.pay_fen if type_ in (2, 3) else 0,
            item=item,
            created_ts=now,
            updated_ts=now,
            remark=f"买家说明：{reason}",
            images=[f"https://img.pddpic.com/sandbox/evidence/{order_no}.jpg"]
            if reason == "质量问题"
            else [],
        )
        mall.add_after_sale(case)
        sync_order(mall, case, now)
        return f"{order_no}:{case.id}"

    def buyer_return_goods(
        self, seller_id: str, case_id: str, tracking_no: str = "YT0000000001", shipping_name: str = "圆通快递"
    ) -> None:
        mall, case = self._case(seller_id, case_id)
        if case.status != AWAITING_RETURN:
            raise ValueError(f"case {case_id} is not awaiting the buyer's return (status {case.status})")
        # PDD shows the case as 退货退款，待商家处理 again, now with the return tracking number
        case.status, case.tracking_number, case.shipping_name = RETURN_PENDING, tracking_no, shipping_name
        sync_order(mall, case, self.now())

    def buyer_cancel_after_sale(self, seller_id: str, case_id: str) -> None:
        mall, case = self._case(seller_id, case_id)
        case.status = BUYER_CANCELLED
        sync_order(mall, case, self.now())

    def _case(self, seller_id: str, case_id: str) -> tuple[Mall, AfterSale]:
        mall = self.malls[seller_id]
        return mall, mall.after_sales[int(case_id.rpartition(":")[2])]

    def truth_after_sales(self, seller_id: str) -> dict[str, TruthAfterSale]:
        return {
            f"{c.order_sn}:{c.id}": TruthAfterSale(
                case_id=f"{c.order_sn}:{c.id}",
                order_no=c.order_sn,
                seller_id=seller_id,
                platform_type=str(c.type),
                platform_status=str(c.status),
                modified_at=_dt(c.updated_ts),
                refund_fen=c.refund_fen,
            )
            for c in self.malls[seller_id].after_sales.values()
        }

    # ------------------------------------------------------------ stock and waybills
    def truth_stock(self, seller_id: str) -> dict[str, int]:
        return {
            str(s.sku_id): s.quantity for g in self.malls[seller_id].goods.values() for s in g.skus.values()
        }

    def truth_waybills(self, seller_id: str) -> dict[str, tuple[str, ...]]:
        return {w.code: w.order_sns for w in self.malls[seller_id].waybills.values() if not w.cancelled}


def _subscription(wp_code: str, sender: gen.FakePerson, branch_code: str) -> dict[str, object]:
    return {
        "wp_code": wp_code,
        "wp_type": 2,
        "branch_account_cols": [
            {
                "branch_code": branch_code,
                "branch_name": f"{sender.city}{wp_code}网点",
                "quantity": 1000,
                "allocated_quantity": 0,
                "cancel_quantity": 0,
                "recycled_quantity": 0,
                "shipp_address_cols": [
                    {
                        "country": "中国",
                        "province": sender.province,
                        "city": sender.city,
                        "district": sender.district,
                        "detail": sender.detail,
                    }
                ],
            }
        ],
    }


def _dt(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, SHANGHAI)
