"""How records look in API answers: JSON-able dicts, never the encrypted receiver blob."""
from __future__ import annotations

from typing import Any

from chalicelib.codec import to_doc
from chalicelib.domain.orders import Order


def order_summary(order: Order) -> dict[str, Any]:
    r = order.receiver
    return {
        "order_id": order.order_id, "shop_id": order.shop_id, "platform": order.platform.value,
        "order_no": order.order_no, "status": order.status.value, "platform_status": order.platform_status,
        "refund_state": order.refund_state.value, "erp_handoff": order.erp_handoff.value,
        "holds": sorted(h.value for h in order.holds), "paid_fen": order.paid_fen, "total_fen": order.total_fen,
        "created_at": order.created_at.isoformat(),
        "updated_at": (order.updated_at or order.modified_at).isoformat(),
        "receiver": {"name": r.name_masked, "phone": r.phone_masked, "province": r.province, "city": r.city}
        if r else None,
        "items": [{"title": line.title, "sku_name": line.sku_name, "quantity": line.quantity,
                   "linked": line.linked} for line in order.lines],
        "tracking_no": order.tracking_no, "carrier_code": order.carrier_code,
        "waybill_no": order.waybill.waybill_no if order.waybill else "", "review": order.review.value,
        "buyer_memo": order.buyer_memo, "seller_memo": order.seller_memo, "supplier_id": order.supplier_id,
        "supplier_lines": list(order.supplier_lines),
    }


def order_detail(order: Order) -> dict[str, Any]:
    doc = to_doc(order)
    if doc.get("receiver"):
        doc["receiver"].pop("encrypted", None)
        doc["receiver"].pop("platform_ciphertext", None)
    return doc
