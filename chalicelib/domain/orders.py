"""The unified order: one record per platform order, whatever the platform. Money in fen."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from chalicelib.domain.fulfil_plan import Plan
from chalicelib.domain.platform import Platform
from chalicelib.domain.status import REVIEWED, ErpHandoff, HoldReason, OrderStatus, RefundState, ReviewState

# Which status may follow which. A platform update asking for anything else keeps the current status:
# platforms re-deliver old snapshots, and a late "awaiting shipment" must not un-ship an order.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING_PAYMENT: frozenset({OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPED,
                                            OrderStatus.SHIPPED, OrderStatus.COMPLETED, OrderStatus.CANCELLED}),
    OrderStatus.AWAITING_SHIPMENT: frozenset({OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED,
                                              OrderStatus.COMPLETED, OrderStatus.CANCELLED}),
    OrderStatus.PARTIALLY_SHIPPED: frozenset({OrderStatus.SHIPPED, OrderStatus.COMPLETED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.COMPLETED, OrderStatus.CANCELLED}),
    OrderStatus.COMPLETED: frozenset({OrderStatus.CANCELLED}),   # closed after a full refund
    OrderStatus.CANCELLED: frozenset(),
}


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    return current == target or target in TRANSITIONS[current]


def next_status(current: OrderStatus, reported: OrderStatus) -> OrderStatus:
    return reported if can_transition(current, reported) else current


@dataclass(frozen=True)
class SkuLink:
    """One ERP SKU a shop SKU stands for; a bundle has several."""
    sku_code: str
    quantity: int = 1


@dataclass(frozen=True)
class LineItem:
    line_id: str
    platform_sku_id: str
    platform_product_id: str
    merchant_code: str
    title: str
    sku_name: str
    quantity: int
    unit_price_fen: int
    paid_fen: int
    discount_fen: int = 0
    image_url: str = ""
    refund_state: RefundState = RefundState.NONE
    links: tuple[SkuLink, ...] = ()          # empty: not linked to the ERP catalog yet
    shipped_quantity: int = 0
    gift: bool = False                        # a gift rule's line (赠品): the platform never hears of it

    @property
    def linked(self) -> bool:
        return bool(self.links)


@dataclass(frozen=True)
class Receiver:
    """Masked text to show; the full value only as an encrypted blob (and the platform's own ciphertext,
    for printing through the platform)."""
    name_masked: str
    phone_masked: str
    province: str
    city: str
    district: str
    address_masked: str
    town: str = ""
    encrypted: str = ""                       # our envelope-encrypted JSON of whatever plaintext we hold
    platform_ciphertext: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class WaybillMark:
    """The waybill an order took (the 待打单 / 已打单 lists read it); a cancelled waybill clears it."""
    waybill_id: str
    waybill_no: str
    carrier_code: str
    account_id: str
    taken_at: datetime


@dataclass(frozen=True)
class Order:
    order_id: str
    shop_id: str
    platform: Platform
    order_no: str
    status: OrderStatus
    platform_status: str
    lines: tuple[LineItem, ...]
    created_at: datetime
    modified_at: datetime                     # the platform's modified time
    total_fen: int
    paid_fen: int
    freight_fen: int = 0
    seller_discount_fen: int = 0
    platform_discount_fen: int = 0
    receiver: Receiver | None = None
    refund_state: RefundState = RefundState.NONE
    erp_handoff: ErpHandoff = ErpHandoff.NOT_READY
    holds: frozenset[HoldReason] = frozenset()
    buyer_memo: str = ""
    seller_memo: str = ""
    seller_flag: int = 0
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    carrier_code: str = ""
    tracking_no: str = ""
    erp_order_id: str = ""
    version: int = 0                           # the platform's version: only a newer one is applied
    revision: int = 0                          # ours: every stored change bumps it (optimistic lock)
    updated_at: datetime | None = None
    raw_ref: str = ""                          # S3 key of the latest raw payload
    review: ReviewState = ReviewState.PASSED   # the review gate (domain/review_rules.py); old records passed
    hold_notes: tuple[tuple[str, str], ...] = ()   # (hold reason, why in the seller's words), rule-made holds
    rule_holds: frozenset[HoldReason] = frozenset()  # the holds the review rules placed (re-evaluation redoes them)
    buyer_id: str = ""                         # the platform's buyer id (open id) where it sends one
    order_type: str = "normal"                 # normal | presale | cod | gift | step_payment
    ship_by_at: datetime | None = None         # the platform's promised ship-by time
    plan: Plan | None = None                   # the fulfilment plan (domain/fulfil_plan.py), until handed over
    fulfilment_ids: tuple[str, ...] = ()       # its parcels (domain/fulfilments.py); none: it ships as itself
    supplier_id: str = ""                      # drop-shipped by this supplier (domain/dropship.py); "" the seller
    supplier_lines: tuple[str, ...] = ()       # the lines it ships when not all of them (the rest: the seller's)
    waybill: WaybillMark | None = None         # its latest active waybill (services/waybill_marks.py)
    history: tuple[OrderChange, ...] = field(default=(), compare=False)

    @property
    def unlinked_lines(self) -> tuple[LineItem, ...]:
        return tuple(line for line in self.lines if not line.linked)

    @property
    def drop_shipped_whole(self) -> bool:
        return bool(self.supplier_id) and not self.supplier_lines

    @property
    def supplier_line_ids(self) -> frozenset[str]:
        """The lines the supplier ships: all of them for a whole order, none without a supplier."""
        if not self.supplier_id:
            return frozenset()
        return frozenset(self.supplier_lines or (line.line_id for line in self.lines))

    @property
    def own_lines(self) -> tuple[LineItem, ...]:
        """The lines the seller's warehouses (and the ERP) ship."""
        theirs = self.supplier_line_ids
        return tuple(line for line in self.lines if line.line_id not in theirs)

    @property
    def held(self) -> bool:
        return bool(self.holds)

    def hold(self, reason: HoldReason) -> Order:
        return replace(self, holds=self.holds | {reason})

    def release(self, reason: HoldReason) -> Order:
        return replace(self, holds=self.holds - {reason})


@dataclass(frozen=True)
class OrderChange:
    at: datetime
    actor: str                                 # "platform:taobao", "erp:<key id>", "user:<name>"
    summary: str                               # e.g. "status awaiting_shipment -> shipped"


def order_id_for(shop_id: str, order_no: str) -> str:
    return f"{shop_id}-{order_no}"


def handoff_for(order: Order) -> ErpHandoff:
    """Where the order stands for the ERP after a change. Taken/acknowledged orders stay so unless
    cancelled (then withdrawn: the ERP must be told)."""
    if order.erp_handoff in (ErpHandoff.TAKEN, ErpHandoff.ACKNOWLEDGED):
        return ErpHandoff.WITHDRAWN if order.status is OrderStatus.CANCELLED else order.erp_handoff
    if order.erp_handoff is ErpHandoff.WITHDRAWN:
        return ErpHandoff.WITHDRAWN
    if order.drop_shipped_whole:    # a supplier ships it all (domain/dropship.py): never the ERP's to take
        return ErpHandoff.NOT_READY
    if order.status is OrderStatus.AWAITING_SHIPMENT and not order.holds and order.review in REVIEWED:
        return ErpHandoff.READY
    return ErpHandoff.NOT_READY
