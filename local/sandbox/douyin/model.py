"""The Douyin sandbox's state: shops, catalog, orders (shop order + sku orders), after-sales, waybills."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class TimeIndex:
    """Keys sorted by (update time, key): a window and one page of it without scanning the rest."""

    def __init__(self) -> None:
        self._rows: list[tuple[int, str]] = []
        self._at: dict[str, int] = {}

    def put(self, key: str, ts: int) -> None:
        old = self._at.get(key)
        if old is not None:
            del self._rows[bisect_left(self._rows, (old, key))]
        insort(self._rows, (ts, key))
        self._at[key] = ts

    def page(self, first: int, last: int, page: int, size: int, descending: bool = False) -> tuple[list[str], int]:
        """Keys with first <= ts <= last (both inclusive, as Douyin's bounds are), page from 0."""
        lo = bisect_left(self._rows, (first, ""))
        hi = bisect_right(self._rows, (last, "\uffff"))
        total = max(0, hi - lo)
        rows = self._rows[lo:hi]
        if descending:
            rows = rows[::-1]
        return [key for _, key in rows[page * size : (page + 1) * size]], total


@dataclass
class Receiver:
    name: str
    phone: str
    province: str
    city: str
    town: str  # 区/县 (Douyin calls the district "town")
    street: str
    detail: str
    virtual_phone: str = ""  # "main-extension" when Douyin hides the number behind a virtual one


@dataclass
class Sku:
    sku_id: str
    product_id: str
    code: str
    product_name: str
    spec: str
    price: int
    stock: int


@dataclass
class SkuOrder:
    sku_order_id: str
    sku: Sku
    item_num: int
    shop_promotion: int
    platform_promotion: int
    after_sale_status: int = 0
    after_sale_type: int = 0
    refund_status: int = 0
    shipped: bool = False

    @property
    def sum_amount(self) -> int:
        return self.sku.price * self.item_num

    @property
    def pay_amount(self) -> int:
        return self.sum_amount - self.shop_promotion - self.platform_promotion


@dataclass
class Order:
    order_id: str
    shop_id: str
    status: int
    create_time: int
    update_time: int
    pay_time: int
    receiver: Receiver
    ciphers: dict[str, str]  # name / tel / detail -> ciphertext
    lines: list[SkuOrder]
    post_amount: int = 0
    buyer_words: str = ""
    seller_words: str = ""
    stars: int = 0
    ship_time: int = 0
    finish_time: int = 0
    cancel_reason: str = ""
    logistics: list[dict[str, Any]] = field(default_factory=list)
    presale_days: int = 0        # 全款预售: ships this many days after payment (0: spot goods)
    buyer_open_id: str = ""

    @property
    def pay_amount(self) -> int:
        return sum(line.pay_amount for line in self.lines) + self.post_amount


@dataclass
class AfterSale:
    aftersale_id: str
    order_id: str
    sku_order_id: str
    shop_id: str
    type: int
    status: int
    refund_status: int
    refund_amount: int
    num: int
    apply_time: int
    update_time: int
    reason: str
    got_pkg: int = 0
    return_tracking: str = ""
    return_company: str = ""
    reship_tracking: str = ""
    reship_company: str = ""
    return_address: dict[str, Any] | None = None
    refuse_reason: str = ""


@dataclass
class Netsite:
    company: str
    company_type: int
    netsite_code: str
    netsite_name: str
    amount: int
    sender: dict[str, str]


@dataclass
class Waybill:
    track_no: str
    company: str
    order_id: str
    pack_id: str
    cancelled: bool = False


@dataclass
class Shop:
    shop_id: str
    shop_name: str
    app_key: str
    app_secret: str
    skus: dict[str, Sku] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    order_ids: list[str] = field(default_factory=list)
    order_index: TimeIndex = field(default_factory=TimeIndex)
    sku_order_parent: dict[str, str] = field(default_factory=dict)
    after_sales: dict[str, AfterSale] = field(default_factory=dict)
    after_sale_index: TimeIndex = field(default_factory=TimeIndex)
    netsites: list[Netsite] = field(default_factory=list)
    waybills: dict[str, Waybill] = field(default_factory=dict)
    stock_requests: set[str] = field(default_factory=set)
    ship_requests: set[str] = field(default_factory=set)

    def put_order(self, order: Order) -> None:
        if order.order_id not in self.orders:
            self.order_ids.append(order.order_id)
            for line in order.lines:
                self.sku_order_parent[line.sku_order_id] = order.order_id
        self.orders[order.order_id] = order
        self.order_index.put(order.order_id, order.update_time)

    def put_after_sale(self, case: AfterSale) -> None:
        self.after_sales[case.aftersale_id] = case
        self.after_sale_index.put(case.aftersale_id, case.update_time)


@dataclass
class Token:
    shop_id: str
    app_key: str
    expires_at: datetime


@dataclass
class RefreshToken:
    shop_id: str
    app_key: str
    expires_at: datetime
    alive: bool = True
