"""The order workbench's query: one value object and one predicate, used by every repository (DynamoDB and
the in-memory fake) so the two cannot disagree about what a filter means. Storage picks an index from the
query and may pre-filter inside DynamoDB, but an order is on a page only if `matches` says so.

Days are Asia/Shanghai days (the platforms' and the sellers' clock); a range is [start, end)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from typing import Any

from chalicelib.domain.orders import Order
from chalicelib.domain.status import REVIEWED, HoldReason, OrderStatus, ReviewState

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")     # no DST: a fixed offset is exact
SHIP_WINDOW = timedelta(hours=48)   # the platforms' default promise (淘宝/拼多多/抖音: 48 h after payment)


class Bucket(StrEnum):
    """The workbench's status tabs. An order is in exactly one (or none while unpaid)."""
    PENDING_REVIEW = "pending_review"
    TO_SHIP = "to_ship"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXCEPTION = "exception"
    UNPAID = "unpaid"


class DateField(StrEnum):
    CREATED = "created"
    PAID = "paid"
    SHIP_BY = "ship_by"
    UPDATED = "updated"


class QuickRange(StrEnum):
    TODAY = "today"
    YESTERDAY = "yesterday"
    LAST_7_DAYS = "7d"


class PrintState(StrEnum):
    """Where an open order stands for the printing desk (a filter beside the tabs, not a tab: no counter)."""
    TO_PRINT = "to_print"      # 待打单: passed review, not held, awaiting shipment, no waybill yet
    PRINTED = "printed"        # 已打单未发货: it has a waybill and has not shipped (held since, too: to intercept)


def print_state(order: Order) -> PrintState | None:
    """None for every other order; storage keeps the orders with a state in a sparse index (by_print)."""
    if order.status not in (OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPED) or order.supplier_id:
        return None
    if order.waybill is not None:
        return PrintState.PRINTED
    if not order.holds and order.review in REVIEWED:
        return PrintState.TO_PRINT
    return None


def workbench_bucket(order: Order) -> Bucket:
    """Which tab an order sits in. A pure rule the review gate extends (pending_review) without touching
    storage: counters and lists follow whatever this answers."""
    if order.status is OrderStatus.PENDING_PAYMENT:
        return Bucket.UNPAID
    if order.status in (OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPED):
        if order.holds:
            return Bucket.EXCEPTION
        return Bucket.PENDING_REVIEW if order.review is ReviewState.PENDING else Bucket.TO_SHIP
    return Bucket(order.status.value)


def bucket_statuses(bucket: Bucket) -> tuple[frozenset[OrderStatus], bool | None]:
    """Where a tab's orders can be: their possible statuses, and held (True), unheld (False) or either.
    Storage picks its index partitions from this; keep it in step with `workbench_bucket`."""
    open_statuses = frozenset({OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPED})
    if bucket is Bucket.TO_SHIP:
        return open_statuses, False
    if bucket is Bucket.EXCEPTION:
        return open_statuses, True
    if bucket is Bucket.UNPAID:
        return frozenset({OrderStatus.PENDING_PAYMENT}), None
    if bucket is Bucket.PENDING_REVIEW:
        return open_statuses, False      # unheld and waiting for a person (the review gate)
    return frozenset({OrderStatus(bucket.value)}), None


def ship_by(order: Order) -> datetime | None:
    return order.paid_at + SHIP_WINDOW if order.paid_at else None


def order_time(order: Order, field: DateField) -> datetime | None:
    if field is DateField.CREATED:
        return order.created_at
    if field is DateField.PAID:
        return order.paid_at
    if field is DateField.SHIP_BY:
        return ship_by(order)
    return order.updated_at or order.modified_at


def shanghai_day(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).date().isoformat()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), SHANGHAI)


def quick_range(which: QuickRange, now: datetime) -> tuple[datetime, datetime]:
    today = now.astimezone(SHANGHAI).date()
    if which is QuickRange.TODAY:
        return day_start(today), day_start(today + timedelta(days=1))
    if which is QuickRange.YESTERDAY:
        return day_start(today - timedelta(days=1)), day_start(today)
    return day_start(today - timedelta(days=6)), day_start(today + timedelta(days=1))


@dataclass(frozen=True)
class OrderQuery:
    """Every filter of the workbench. `status` is the platform-independent order status, `bucket` the
    workbench tab; both None means every order. Dates: [date_from, date_to) on `date_field`."""
    shop_id: str | None = None
    platform: str | None = None
    status: OrderStatus | None = None
    bucket: Bucket | None = None
    hold: HoldReason | None = None
    held_only: bool = False
    erp_handoff: str | None = None
    order_no: str | None = None
    tracking_no: str | None = None
    text: str | None = None                  # masked receiver name / phone, or order no.: a substring
    sku: str | None = None                   # a line's platform SKU id or merchant code, exactly
    print_state: PrintState | None = None    # 待打单 / 已打单未发货
    date_field: DateField = DateField.CREATED
    date_from: datetime | None = None
    date_to: datetime | None = None
    limit: int = 50
    cursor: str | None = None

    @property
    def dated(self) -> bool:
        return self.date_from is not None or self.date_to is not None

    def normalised(self) -> dict[str, Any]:
        """The filters this query answers, as the API echoes them (the UI drops answers to older queries)."""
        out: dict[str, Any] = {
            "shop_id": self.shop_id, "platform": self.platform,
            "status": self.bucket.value if self.bucket else (self.status.value if self.status else "all"),
            "hold": self.hold.value if self.hold else None, "held": self.held_only or None,
            "erp_handoff": self.erp_handoff, "order_no": self.order_no, "tracking_no": self.tracking_no,
            "q": self.text, "sku": self.sku, "print": self.print_state.value if self.print_state else None,
            "date_field": self.date_field.value if self.dated else None,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None, "limit": self.limit,
        }
        return {k: v for k, v in out.items() if v is not None}


def search_text(order: Order) -> str:
    r = order.receiver
    return " ".join(filter(None, [order.order_no, r.name_masked if r else "", r.phone_masked if r else ""]))


def has_sku(order: Order, sku: str) -> bool:
    return any(sku in (line.platform_sku_id, line.merchant_code) or any(link.sku_code == sku for link in line.links)
               for line in order.lines)


def matches(order: Order, q: OrderQuery) -> bool:
    """The one definition of what every filter means."""
    return (_matches_fields(order, q) and _matches_holds(order, q) and _matches_text(order, q)
            and _matches_dates(order, q))


def _matches_fields(order: Order, q: OrderQuery) -> bool:
    return ((not q.shop_id or order.shop_id == q.shop_id)
            and (not q.platform or order.platform.value == q.platform)
            and (q.status is None or order.status is q.status)
            and (q.bucket is None or workbench_bucket(order) is q.bucket)
            and (not q.erp_handoff or order.erp_handoff.value == q.erp_handoff)
            and (not q.order_no or order.order_no == q.order_no)
            and (not q.tracking_no or order.tracking_no == q.tracking_no)
            and (q.print_state is None or print_state(order) is q.print_state))


def _matches_holds(order: Order, q: OrderQuery) -> bool:
    return (not q.held_only or bool(order.holds)) and (q.hold is None or q.hold in order.holds)


def _matches_text(order: Order, q: OrderQuery) -> bool:
    return (not q.text or q.text in search_text(order)) and (not q.sku or has_sku(order, q.sku))


def _matches_dates(order: Order, q: OrderQuery) -> bool:
    if not q.dated:
        return True
    moment = order_time(order, q.date_field)
    if moment is None:
        return False
    return (q.date_from is None or moment >= q.date_from) and (q.date_to is None or moment < q.date_to)
