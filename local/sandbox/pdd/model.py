"""The sandbox's state: malls, orders, after-sales, goods, waybills, and a time index per mall."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any


class TimeIndex:
    """(timestamp, key) pairs kept sorted: a window is two bisects, a move is a delete and an insort."""

    def __init__(self) -> None:
        self._entries: list[tuple[int, str]] = []

    def add(self, ts: int, key: str) -> None:
        bisect.insort(self._entries, (ts, key))

    def move(self, old_ts: int, new_ts: int, key: str) -> None:
        at = bisect.bisect_left(self._entries, (old_ts, key))
        if at < len(self._entries) and self._entries[at] == (old_ts, key):
            del self._entries[at]
        self.add(new_ts, key)

    def between(self, low: int, high: int) -> list[str]:
        """Keys with low <= ts <= high, oldest first."""
        first = bisect.bisect_left(self._entries, (low, ""))
        last = bisect.bisect_right(self._entries, (high, "\uffff"))
        return [key for _, key in self._entries[first:last]]


@dataclass
class Item:
    goods_id: int
    sku_id: int
    goods_name: str
    goods_spec: str
    goods_count: int
    price_fen: int
    outer_id: str
    outer_goods_id: str


@dataclass
class Receiver:
    name: str
    phone: str
    province: str
    city: str
    town: str  # POP's `town` is the county / district
    detail: str
    cipher_name: str
    cipher_phone: str
    cipher_address: str


@dataclass
class Order:
    order_sn: str
    mall_id: str
    items: list[Item]
    receiver: Receiver
    created_ts: int
    confirm_ts: int
    updated_ts: int
    order_status: int = 1  # 1 待发货 2 已发货待签收 3 已签收
    refund_status: int = 1  # 1 none 2 处理中 3 退款中 4 退款成功
    confirm_status: int = 1  # 0 未成交 1 已成交 2 已取消
    after_sales_status: int = 0
    postage_fen: int = 0
    seller_discount_fen: int = 0
    platform_discount_fen: int = 0
    buyer_memo: str = ""
    remark: str = ""
    remark_tag: int = 0
    logistics_id: int = 0
    tracking_number: str = ""
    shipping_ts: int = 0
    receive_ts: int = 0
    risk_control_status: int = 0
    extra_deliveries: list[dict[str, Any]] = field(default_factory=list)   # pdd.order.upload.extra.logistics

    @property
    def goods_fen(self) -> int:
        return sum(item.price_fen * item.goods_count for item in self.items)

    @property
    def discount_fen(self) -> int:
        return self.seller_discount_fen + self.platform_discount_fen

    @property
    def pay_fen(self) -> int:
        return self.goods_fen + self.postage_fen - self.discount_fen


@dataclass
class AfterSale:
    id: int
    order_sn: str
    mall_id: str
    type: int  # list enum: 2 仅退款 3 退货退款 4 换货 5 缺货补寄 6 维修
    status: int
    reason: str
    refund_fen: int
    item: Item
    created_ts: int
    updated_ts: int
    remark: str = ""
    images: list[str] = field(default_factory=list)
    tracking_number: str = ""
    shipping_name: str = ""
    operate_desc: str = ""
    resend_tracking: str = ""       # the seller's exchange / reissue parcel (pdd.refund.exchange.shipping)
    resend_shipping_id: int = 0


@dataclass
class Sku:
    sku_id: int
    spec: str
    quantity: int
    outer_id: str
    price_fen: int


@dataclass
class Goods:
    goods_id: int
    goods_name: str
    outer_goods_id: str
    skus: dict[int, Sku]
    is_onsale: int = 1


@dataclass
class Waybill:
    code: str
    wp_code: str
    object_id: str
    order_sns: tuple[str, ...]
    print_data: str
    cancelled: bool = False


@dataclass
class Mall:
    mall_id: str
    name: str
    access_token: str
    refresh_token: str
    token_expires_ts: int
    refresh_expires_ts: int
    orders: dict[str, Order] = field(default_factory=dict)
    order_sns: list[str] = field(default_factory=list)  # for O(1) random picks
    by_updated: TimeIndex = field(default_factory=TimeIndex)
    by_confirm: TimeIndex = field(default_factory=TimeIndex)
    after_sales: dict[int, AfterSale] = field(default_factory=dict)
    refunds_by_updated: TimeIndex = field(default_factory=TimeIndex)
    goods: dict[int, Goods] = field(default_factory=dict)
    waybills: dict[str, Waybill] = field(default_factory=dict)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    return_addresses: list[dict[str, Any]] = field(default_factory=list)
    token_expired: bool = False
    refresh_dead: bool = False

    def add_order(self, order: Order) -> None:
        self.orders[order.order_sn] = order
        self.order_sns.append(order.order_sn)
        self.by_updated.add(order.updated_ts, order.order_sn)
        self.by_confirm.add(order.confirm_ts, order.order_sn)

    def touch_order(self, order: Order, ts: int) -> None:
        self.by_updated.move(order.updated_ts, ts, order.order_sn)
        order.updated_ts = ts

    def add_after_sale(self, case: AfterSale) -> None:
        self.after_sales[case.id] = case
        self.refunds_by_updated.add(case.updated_ts, str(case.id))

    def touch_after_sale(self, case: AfterSale, ts: int) -> None:
        self.refunds_by_updated.move(case.updated_ts, ts, str(case.id))
        case.updated_ts = ts

    def sku(self, sku_id: int) -> tuple[Goods, Sku] | None:
        for goods in self.goods.values():
            if sku_id in goods.skus:
                return goods, goods.skus[sku_id]
        return None
