"""What the MCP resources say (the status vocabulary, the hold reasons, the reject reason codes) and the
explanation of one hold on one order: why it applies and what would release it."""
from __future__ import annotations

from typing import Any

from chalicelib import bootstrap
from chalicelib.domain.status import (
    TERMINAL_AFTER_SALE,
    AfterSaleStatus,
    AfterSaleType,
    ErpHandoff,
    HoldReason,
    OrderStatus,
    RefundState,
)

HOLDS: dict[HoldReason, tuple[str, str]] = {    # reason -> (why, what releases it)
    HoldReason.UNLINKED_SKU: ("a line's shop SKU is not linked to one of the seller's SKU codes, so the ERP "
                              "cannot pick it", "link the shop SKU (admin UI: catalog, or auto-link by merchant "
                              "code); the order is released by itself once every line is linked"),
    HoldReason.REFUND_REQUESTED: ("the buyer asked for a refund before it shipped", "the refund case ends: "
                                 "reject_refund (the order ships) or approve_refund (the order is cancelled)"),
    HoldReason.OUT_OF_STOCK: ("a linked SKU has fewer units available than the order needs",
                              "stock arrives (an adjustment or the ERP setting stock); held orders are retried"),
    HoldReason.ADDRESS_ISSUE: ("an operator flagged the receiver's address", "release_order with reason "
                               "address_issue once the address is confirmed"),
    HoldReason.BUYER_MESSAGE: ("an operator is waiting on the buyer's message", "release_order with reason "
                               "buyer_message once it is handled"),
    HoldReason.MANUAL_HOLD: ("an operator held it by hand", "release_order with reason manual_hold"),
    HoldReason.PRESALE_WAITING: ("a presale order before its date: the goods are not in yet",
                                 "its date comes (three days before the platform's ship-by time); released by itself"),
}

ORDER_STATUS = {
    OrderStatus.PENDING_PAYMENT: "placed, not paid", OrderStatus.AWAITING_SHIPMENT: "paid, not shipped",
    OrderStatus.PARTIALLY_SHIPPED: "some parcels shipped", OrderStatus.SHIPPED: "every line shipped",
    OrderStatus.COMPLETED: "the buyer received it (or the platform closed it as done)",
    OrderStatus.CANCELLED: "cancelled before shipping or fully refunded"}
HANDOFF = {ErpHandoff.NOT_READY: "unpaid, held or cancelled: the ERP must not take it",
           ErpHandoff.READY: "waiting for the ERP to take it", ErpHandoff.TAKEN: "the ERP fetched it",
           ErpHandoff.ACKNOWLEDGED: "the ERP holds its own id for it",
           ErpHandoff.WITHDRAWN: "cancelled or intercepted after the ERP took it"}


def status_vocabulary() -> dict[str, Any]:
    return {
        "order_status": {s.value: ORDER_STATUS[s] for s in OrderStatus},
        "order_status_note": "an order's status only moves forward; holds, the after-sale state and the ERP "
                             "hand-off are separate axes",
        "refund_state": [s.value for s in RefundState],
        "erp_handoff": {s.value: HANDOFF[s] for s in ErpHandoff},
        "after_sale_type": [t.value for t in AfterSaleType],
        "after_sale_status": [s.value for s in AfterSaleStatus],
        "after_sale_terminal": sorted(s.value for s in TERMINAL_AFTER_SALE),
        "money": "integer fen (1 yuan = 100 fen)",
    }


def hold_reasons() -> dict[str, Any]:
    from chalicelib.services.order_admin import MANUAL_HOLDS
    return {reason.value: {"why": why, "released_by": how, "set_by": "hand" if reason in MANUAL_HOLDS else "system"}
            for reason, (why, how) in HOLDS.items()}


def reject_reasons() -> dict[str, Any]:
    from chalicelib.domain.reject_reasons import REJECT_REASONS
    return {"reject_refund reason_code by platform": REJECT_REASONS}


def explain(order: Any, reason: HoldReason) -> dict[str, Any]:
    why, how = HOLDS[reason]
    found: dict[str, Any] = {"reason": reason.value, "why": why, "released_by": how}
    if reason is HoldReason.UNLINKED_SKU:
        found["unlinked_lines"] = [{"line_id": line.line_id, "title": line.title, "sku_name": line.sku_name,
                                    "platform_sku_id": line.platform_sku_id} for line in order.lines if not line.linked]
    elif reason is HoldReason.REFUND_REQUESTED:
        found["open_cases"] = [{"case_id": c.case_id, "type": c.type.value, "status": c.status.value}
                               for c in bootstrap.after_sales().for_order(order.order_id)
                               if c.status not in TERMINAL_AFTER_SALE]
    elif reason is HoldReason.OUT_OF_STOCK:
        found["stock"] = _shortfall(order)
    return found


def _shortfall(order: Any) -> list[dict[str, Any]]:
    needed: dict[str, int] = {}
    for line in order.lines:
        for link in line.links:
            needed[link.sku_code] = needed.get(link.sku_code, 0) + link.quantity * line.quantity
    balances = bootstrap.stock().balances(list(needed)) if needed else {}
    return [{"sku_code": code, "needed": qty, "available": balances[code].available if code in balances else 0}
            for code, qty in sorted(needed.items())]
