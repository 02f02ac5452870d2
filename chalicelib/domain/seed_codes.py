"""The seed system's (qihangerp-oms) status codes mapped into our vocabularies, for data imports and
for reading its exports. Source: its erp_sale_order / erp_sale_after_refund columns (seed-anatomy §3.8)."""
from __future__ import annotations

from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, HoldReason, OrderStatus, RefundState

# order_status -> (status, hold to add or None, refund state implied or None).
# 0 "new" is a paid order not yet confirmed: awaiting shipment. 12 "refunding" and 22 "locked" are not
# order states for us but holds over an awaiting order. 29 is overloaded in the seed (deleted, and the TOP
# mapping's PAID_FORBID_CONSIGN): both mean "do not ship", so a manual hold. -1 is "unmapped".
SEED_ORDER_STATUS: dict[int, tuple[OrderStatus, HoldReason | None, RefundState | None]] = {
    0: (OrderStatus.AWAITING_SHIPMENT, None, None),
    1: (OrderStatus.AWAITING_SHIPMENT, None, None),
    2: (OrderStatus.SHIPPED, None, None),
    3: (OrderStatus.COMPLETED, None, None),
    11: (OrderStatus.CANCELLED, None, None),
    12: (OrderStatus.AWAITING_SHIPMENT, HoldReason.REFUND_REQUESTED, RefundState.REFUNDING),
    21: (OrderStatus.PENDING_PAYMENT, None, None),
    22: (OrderStatus.AWAITING_SHIPMENT, HoldReason.MANUAL_HOLD, None),
    25: (OrderStatus.COMPLETED, None, None),          # TRADE_BUYER_SIGNED
    29: (OrderStatus.AWAITING_SHIPMENT, HoldReason.MANUAL_HOLD, None),
    101: (OrderStatus.PARTIALLY_SHIPPED, None, None),
}

SEED_REFUND_STATUS: dict[int, RefundState] = {
    1: RefundState.NONE,
    2: RefundState.IN_PROGRESS,
    3: RefundState.REFUNDING,
    4: RefundState.REFUNDED,
}

SEED_AFTER_SALE_TYPE: dict[int, AfterSaleType] = {
    1: AfterSaleType.REFUND_ONLY,          # 售前退款: refund before shipment
    2: AfterSaleType.RETURN_AND_REFUND,
    3: AfterSaleType.EXCHANGE,
    4: AfterSaleType.REPAIR,
    5: AfterSaleType.REISSUE,
    6: AfterSaleType.REPAIR,               # 上门服务: on-site service
    8: AfterSaleType.PRICE_PROTECTION,     # 退差价/价保
    9: AfterSaleType.REFUND_ONLY,
    10: AfterSaleType.OTHER,
}

SEED_AFTER_SALE_STATUS: dict[int, AfterSaleStatus] = {
    10001: AfterSaleStatus.PENDING_REVIEW,
    10002: AfterSaleStatus.AWAITING_BUYER_RETURN,
    10003: AfterSaleStatus.AWAITING_BUYER_ACTION,
    10005: AfterSaleStatus.AWAITING_SELLER_RECEIPT,
    10006: AfterSaleStatus.AWAITING_RESHIP,
    10007: AfterSaleStatus.SELLER_PROCESSING,
    10008: AfterSaleStatus.SELLER_PROCESSING,
    10010: AfterSaleStatus.REFUNDED,
    10011: AfterSaleStatus.CLOSED,
    10020: AfterSaleStatus.PLATFORM_PROCESSING,
    10021: AfterSaleStatus.FAILED,
    10030: AfterSaleStatus.REFUNDED,       # DOU 12: after-sale succeeded
    10031: AfterSaleStatus.FAILED,         # DOU 28
    10091: AfterSaleStatus.RESHIPPED,
    10092: AfterSaleStatus.FAILED,
    10093: AfterSaleStatus.CLOSED,         # repair closed
    10094: AfterSaleStatus.RESHIPPED,      # repair done
    14000: AfterSaleStatus.REJECTED,
}

# The seed's after-sale handling types (erp_sale_after_info.type / o_after_sale.type).
SEED_HANDLING_TYPE: dict[int, AfterSaleType | None] = {
    0: None,                               # 无需处理: nothing to do
    10: AfterSaleType.RETURN_AND_REFUND,
    20: AfterSaleType.EXCHANGE,
    80: AfterSaleType.REISSUE,
    99: AfterSaleType.INTERCEPT,
}


def order_status_from_seed(code: int) -> tuple[OrderStatus, HoldReason | None, RefundState | None]:
    if code not in SEED_ORDER_STATUS:
        raise KeyError(f"seed order_status {code} has no meaning (the seed writes -1 for unmapped)")
    return SEED_ORDER_STATUS[code]
