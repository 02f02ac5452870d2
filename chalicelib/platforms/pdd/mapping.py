"""POP enums -> the unified vocabularies, carrier codes, and the exact money/time conversions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus, RefundState
from chalicelib.services.platform_types import SHANGHAI

# order_status (reference §3.6); confirm_status and refund_status override it, as in the seed (§3.8)
ORDER_STATUS: dict[int, OrderStatus] = {
    1: OrderStatus.AWAITING_SHIPMENT,
    2: OrderStatus.SHIPPED,
    3: OrderStatus.COMPLETED,
}
CONFIRM_UNCONFIRMED, CONFIRM_CANCELLED = 0, 2  # 未成交 (group not formed), 已取消
REFUND_SUCCEEDED = 4

REFUND_STATE: dict[int, RefundState] = {
    1: RefundState.NONE,
    2: RefundState.IN_PROGRESS,
    3: RefundState.REFUNDING,
    4: RefundState.REFUNDED,
}

# after_sales_type as pdd.refund.list.increment.get returns it (1 is "all", a query value only)
LIST_AFTER_SALE_TYPE: dict[int, AfterSaleType] = {
    2: AfterSaleType.REFUND_ONLY,
    3: AfterSaleType.RETURN_AND_REFUND,
    4: AfterSaleType.EXCHANGE,
    5: AfterSaleType.REISSUE,
    6: AfterSaleType.REPAIR,
}
# pdd.refund.information.get numbers the same types one lower (reference §3.4)
DETAIL_AFTER_SALE_TYPE: dict[int, AfterSaleType] = {
    1: AfterSaleType.REFUND_ONLY,
    2: AfterSaleType.RETURN_AND_REFUND,
    3: AfterSaleType.EXCHANGE,
    4: AfterSaleType.REISSUE,
    5: AfterSaleType.REPAIR,
}

AFTER_SALE_STATUS: dict[int, AfterSaleStatus] = {
    0: AfterSaleStatus.CLOSED,
    2: AfterSaleStatus.PENDING_REVIEW,
    3: AfterSaleStatus.PENDING_REVIEW,  # awaiting seller receipt once the buyer sent the goods back
    4: AfterSaleStatus.PLATFORM_PROCESSING,
    5: AfterSaleStatus.PLATFORM_PROCESSING,
    6: AfterSaleStatus.REJECTED,
    7: AfterSaleStatus.AWAITING_BUYER_RETURN,
    8: AfterSaleStatus.PLATFORM_PROCESSING,
    9: AfterSaleStatus.CLOSED,
    10: AfterSaleStatus.REFUNDED,
    11: AfterSaleStatus.CLOSED,
    12: AfterSaleStatus.CLOSED,
    13: AfterSaleStatus.CLOSED,
    14: AfterSaleStatus.PENDING_REVIEW,
    15: AfterSaleStatus.AWAITING_BUYER_ACTION,
    16: AfterSaleStatus.RESHIPPED,
    17: AfterSaleStatus.FAILED,
    18: AfterSaleStatus.AWAITING_BUYER_ACTION,
    21: AfterSaleStatus.PENDING_REVIEW,
    22: AfterSaleStatus.AWAITING_BUYER_RETURN,
    24: AfterSaleStatus.CLOSED,
    25: AfterSaleStatus.RESHIPPED,
    27: AfterSaleStatus.AWAITING_BUYER_ACTION,
    31: AfterSaleStatus.AWAITING_BUYER_ACTION,
    32: AfterSaleStatus.AWAITING_RESHIP,
    33: AfterSaleStatus.SELLER_PROCESSING,
}
RETURN_PENDING_SELLER = 3
AGREED_STATUSES = frozenset({4, 5, 10})  # an agree already applied: a retried agree is a success
RETURN_AGREED_STATUSES = frozenset({7}) | AGREED_STATUSES

# our common carrier code -> POP logistics company `code` (also the waybill wp_code)
CARRIERS: dict[str, str] = {
    "ZTO": "ZTO",
    "YTO": "YTO",
    "STO": "STO",
    "YUNDA": "YUNDA",
    "SF": "SF",
    "JD": "JD",
    "EMS": "EMS",
    "JTSD": "JTSD",
    "DBL": "DEBANGWULIU",
    "YZPY": "YZXB",
}

# pdd.order.note.update `tag` 1..5 needs a tag_name of at most 3 characters
MEMO_TAGS: dict[int, str] = {1: "红色", 2: "黄色", 3: "绿色", 4: "蓝色", 5: "紫色"}


def order_status(order_status_value: int, refund_status: int, confirm_status: int) -> OrderStatus:
    if confirm_status == CONFIRM_CANCELLED or refund_status == REFUND_SUCCEEDED:
        return OrderStatus.CANCELLED
    if confirm_status == CONFIRM_UNCONFIRMED:
        return OrderStatus.PENDING_PAYMENT
    return ORDER_STATUS.get(order_status_value, OrderStatus.AWAITING_SHIPMENT)


def after_sale_status(status: int, return_tracking_no: str) -> AfterSaleStatus:
    if status == RETURN_PENDING_SELLER and return_tracking_no:
        return AfterSaleStatus.AWAITING_SELLER_RECEIPT
    return AFTER_SALE_STATUS.get(status, AfterSaleStatus.SELLER_PROCESSING)


def case_id(order_sn: str, after_sales_id: Any) -> str:
    """Every POP after-sale call needs the order_sn beside the after-sale id, so the case id carries both."""
    return f"{order_sn}:{after_sales_id}"


def split_case_id(value: str) -> tuple[str, str]:
    order_sn, sep, after_sales_id = value.rpartition(":")
    if not sep or not order_sn or not after_sales_id:
        raise ValueError(f"not a pdd case id (order_sn:after_sales_id): {value!r}")
    return order_sn, after_sales_id


def pdd_time(value: Any) -> datetime | None:
    """POP payload times: 'yyyy-MM-dd HH:mm:ss' Beijing time, or UNIX seconds / milliseconds."""
    if value in (None, "", 0, "0"):
        return None
    text = str(value)
    if text.isdigit():
        seconds = int(text)
        return datetime.fromtimestamp(seconds / 1000 if seconds > 10**11 else seconds, SHANGHAI)
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)


def as_int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
