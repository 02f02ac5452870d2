"""The Xiaohongshu sandbox's records and their time index."""

from __future__ import annotations

from dataclasses import dataclass, field

from local.sandbox.core import FakeSku
from local.sandbox.timeline import TimeIndex

# orderStatus: 1 unpaid, 4 awaiting shipment, 5 partly shipped, 6 shipped, 7 completed, 8 closed, 9 cancelled
UNPAID, AWAITING, PARTLY, SHIPPED, COMPLETED, CLOSED, CANCELLED = 1, 4, 5, 6, 7, 8, 9
# after-sale status
REVIEW, AWAIT_RETURN, AWAIT_RECEIPT, DONE, REFUSED, AWAIT_RESHIP = 1, 2, 3, 4, 9, 12
RETURN_REFUND, EXCHANGE, REFUND_SHIPPED, REFUND_UNSHIPPED = 1, 2, 4, 5
# orderAfterSalesStatus: 1 none, 2 in progress, 3 done, 4 refused
AS_NONE, AS_OPEN, AS_DONE, AS_REFUSED = 1, 2, 3, 4


@dataclass
class Line:
    sku: FakeSku
    quantity: int
    merchant_discount: int
    red_discount: int

    @property
    def paid(self) -> int:
        return self.sku.price_fen * self.quantity - self.merchant_discount - self.red_discount


@dataclass
class Order:
    order_id: str
    status: int
    lines: list[Line]
    shipping_fee: int
    create_ms: int
    paid_ms: int
    update_ms: int
    region: tuple[str, str, str]
    sealed: dict[str, str]  # receiverName / receiverPhone / receiverAddress -> ciphertext
    open_address_id: str
    customer_remark: str
    user_id: str
    seller_remark: str = ""
    seller_flag: int = 0
    after_sales_status: int = AS_NONE
    delivery_ms: int = 0
    packages: list[dict] = field(default_factory=list)

    @property
    def total_pay(self) -> int:
        return sum(line.paid for line in self.lines) + self.shipping_fee


@dataclass
class Case:
    returns_id: str
    order_id: str
    return_type: int
    status: int
    lines: list[tuple[Line, int]]  # (order line, refund fen)
    apply_ms: int
    update_ms: int
    reason: str
    desc: str
    return_express: dict = field(default_factory=dict)
    reship_express: dict = field(default_factory=dict)   # the exchange's new parcel

    @property
    def refund_fen(self) -> int:
        return sum(fen for _line, fen in self.lines)


@dataclass
class Shop:
    seller_id: str
    app_id: str
    app_secret: str
    access_tokens: dict[str, int] = field(default_factory=dict)  # token -> expires ms
    refresh_tokens: dict[str, int] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    skus: dict[str, FakeSku] = field(default_factory=dict)
    stock: dict[str, int] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    order_index: TimeIndex[str] = field(default_factory=TimeIndex)
    case_index: TimeIndex[str] = field(default_factory=TimeIndex)
    waybills: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    waybill_objects: dict[str, dict] = field(default_factory=dict)
