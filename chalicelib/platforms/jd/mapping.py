"""JD's enums mapped onto the unified vocabularies, plus the money and time primitives JD payloads need."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus, RefundState
from chalicelib.services.platform_types import SHANGHAI

# orderState (reference §2.6); PARENT_TRADE_CANCELED is what the seed also maps.
ORDER_STATUS: dict[str, OrderStatus] = {
    "WAIT_SELLER_STOCK_OUT": OrderStatus.AWAITING_SHIPMENT,
    "WAIT_SELLER_DELIVERY": OrderStatus.AWAITING_SHIPMENT,   # cross-border: waiting for domestic dispatch
    "WAIT_SEND_CODE": OrderStatus.AWAITING_SHIPMENT,         # LOC: the code is the "shipment"
    "PAUSE": OrderStatus.AWAITING_SHIPMENT,
    "POP_ORDER_PAUSE": OrderStatus.AWAITING_SHIPMENT,
    "LOCKED": OrderStatus.AWAITING_SHIPMENT,                 # locked while a cancel request is reviewed
    "WAIT_GOODS_RECEIVE_CONFIRM": OrderStatus.SHIPPED,
    "FINISHED_L": OrderStatus.COMPLETED,
    "TRADE_CANCELED": OrderStatus.CANCELLED,
    "PARENT_TRADE_CANCELED": OrderStatus.CANCELLED,
}
ORDER_STATES = ",".join(s for s in ORDER_STATUS if s != "PARENT_TRADE_CANCELED")
LOCKED_STATES = frozenset({"LOCKED"})

# Refund apply (pre-shipment cancel-and-refund) status, reference §2.6.
REFUND_APPLY_STATUS: dict[str, AfterSaleStatus] = {
    "0": AfterSaleStatus.PENDING_REVIEW,       # 未审核
    "1": AfterSaleStatus.PLATFORM_PROCESSING,  # 审核通过: JD finance pays next
    "2": AfterSaleStatus.REJECTED,             # 审核不通过
    "3": AfterSaleStatus.REFUNDED,             # 财务通过
    "4": AfterSaleStatus.FAILED,               # 财务不通过
    "5": AfterSaleStatus.PLATFORM_PROCESSING,  # 人工审核通过
    "6": AfterSaleStatus.PLATFORM_PROCESSING,  # 拦截并退款
    "7": AfterSaleStatus.PLATFORM_PROCESSING,  # 青龙拦截成功
    "8": AfterSaleStatus.FAILED,               # 青龙拦截失败
    "9": AfterSaleStatus.REFUNDED,             # 强制关单并退款
    "10": AfterSaleStatus.SELLER_PROCESSING,   # 物流待跟进
    "11": AfterSaleStatus.CLOSED,              # 用户撤销
}
REFUND_APPLY_APPROVED = frozenset({"1", "3", "5", "6", "7", "9"})

# After-sale service order (jingdong.asc.*) serviceStatus, following the seed's folding (§3.8) except
# 10004 审核关闭, which is the seller's refusal, not a lapse.
SERVICE_STATUS: dict[str, AfterSaleStatus] = {
    "10000": AfterSaleStatus.PENDING_REVIEW, "10001": AfterSaleStatus.PENDING_REVIEW,
    "10002": AfterSaleStatus.AWAITING_BUYER_ACTION, "10009": AfterSaleStatus.AWAITING_BUYER_ACTION,
    "10006": AfterSaleStatus.AWAITING_BUYER_ACTION, "10013": AfterSaleStatus.AWAITING_BUYER_ACTION,
    "13000": AfterSaleStatus.AWAITING_BUYER_ACTION,
    "10004": AfterSaleStatus.REJECTED, "10011": AfterSaleStatus.CLOSED,
    "10005": AfterSaleStatus.AWAITING_SELLER_RECEIPT,
    "10007": AfterSaleStatus.SELLER_PROCESSING, "10012": AfterSaleStatus.SELLER_PROCESSING,
    "10041": AfterSaleStatus.SELLER_PROCESSING, "1100": AfterSaleStatus.SELLER_PROCESSING,
    "12000": AfterSaleStatus.SELLER_PROCESSING, "14000": AfterSaleStatus.SELLER_PROCESSING,
    "10010": AfterSaleStatus.REFUNDED,   # 完成: RESHIPPED for goods-out types, see service_status()
}
SERVICE_DONE = "10010"

# customerExpect (seed §3.3/§3.8); 1 is the pre-shipment refund apply.
SERVICE_TYPE: dict[str, AfterSaleType] = {
    "1": AfterSaleType.REFUND_ONLY, "11": AfterSaleType.REFUND_ONLY,
    "10": AfterSaleType.RETURN_AND_REFUND, "20": AfterSaleType.EXCHANGE, "30": AfterSaleType.REPAIR,
    "40": AfterSaleType.OTHER, "50": AfterSaleType.OTHER, "60": AfterSaleType.OTHER,
    "70": AfterSaleType.OTHER,
    "80": AfterSaleType.REISSUE, "90": AfterSaleType.PRICE_PROTECTION, "100": AfterSaleType.OTHER,
}
GOODS_RETURN_TYPES = frozenset({"10", "20", "30"})
GOODS_OUT_TYPES = frozenset({AfterSaleType.EXCHANGE, AfterSaleType.REPAIR, AfterSaleType.REISSUE})

# Our common carrier code -> JD logiCoprId (the delivery-company ids JD's shipment API takes).
# ZTO..JD: widely quoted ids; YZPY and JTSD are unverified, confirm against
# 360buy.get.vender.all.delivery.company for the shop before relying on them.
CARRIERS: dict[str, str] = {
    "ZTO": "1499", "YTO": "463", "STO": "470", "YUNDA": "1327", "SF": "467", "JD": "2087",
    "EMS": "465", "DBL": "3046", "JTSD": "596494", "YZPY": "2170",
}
SELF_DELIVERY = "1274"   # 厂家自送: JD keeps no tracking number for it


def order_status(state: str) -> OrderStatus | None:
    return ORDER_STATUS.get(state)


def order_refund_state(state: str) -> RefundState:
    return RefundState.IN_PROGRESS if state in LOCKED_STATES else RefundState.NONE


def service_type(customer_expect: Any) -> AfterSaleType:
    return SERVICE_TYPE.get(str(customer_expect), AfterSaleType.OTHER)


def service_status(service_status_code: Any, kind: AfterSaleType) -> AfterSaleStatus:
    code = str(service_status_code)
    if code == SERVICE_DONE and kind in GOODS_OUT_TYPES:
        return AfterSaleStatus.RESHIPPED
    return SERVICE_STATUS.get(code, AfterSaleStatus.SELLER_PROCESSING)


def refund_apply_status(status: Any) -> AfterSaleStatus:
    return REFUND_APPLY_STATUS.get(str(status), AfterSaleStatus.PLATFORM_PROCESSING)


# ---------------------------------------------------------------- money and time
_NOT_SET = ("0001-01-01", "1970-01-01")


def parse_time(value: Any) -> datetime | None:
    """`yyyy-MM-dd HH:mm:ss[.S]` in GMT+8, or epoch milliseconds (asc APIs); JD's 0001/1970 mean unset."""
    if value in (None, "") or str(value).startswith(_NOT_SET):
        return None
    if isinstance(value, int | float) or str(value).isdigit():
        return datetime.fromtimestamp(int(value) / 1000, SHANGHAI)
    text = str(value)[:19]
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)


def required_time(value: Any) -> datetime:
    moment = parse_time(value)
    if moment is None:
        raise ValueError(f"missing time: {value!r}")
    return moment
