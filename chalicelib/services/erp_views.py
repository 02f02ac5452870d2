"""What the ERP sees of an order, an after-sale case and a shipment: the same shapes in the REST answers
and in the webhook payloads (api/erp_schemas.py describes them for the OpenAPI document). Buyer data
only masked: the plaintext stays encrypted, and waybills print through the platforms' own ciphertext."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.fulfil_plan import Plan
from chalicelib.domain.fulfilments import Fulfilment
from chalicelib.domain.orders import Order
from chalicelib.domain.shipping import Shipment


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def order_view(order: Order) -> dict[str, Any]:
    receiver = order.receiver
    return {
        "order_id": order.order_id, "order_no": order.order_no, "shop_id": order.shop_id,
        "platform": order.platform.value, "status": order.status.value, "platform_status": order.platform_status,
        "refund_state": order.refund_state.value, "holds": sorted(h.value for h in order.holds),
        "erp_handoff": order.erp_handoff.value, "erp_order_id": order.erp_order_id,
        "created_at": order.created_at.isoformat(), "paid_at": _time(order.paid_at),
        "modified_at": order.modified_at.isoformat(), "updated_at": _time(order.updated_at),
        "total_fen": order.total_fen, "paid_fen": order.paid_fen, "freight_fen": order.freight_fen,
        "seller_discount_fen": order.seller_discount_fen, "platform_discount_fen": order.platform_discount_fen,
        "buyer_memo": order.buyer_memo, "seller_memo": order.seller_memo,
        "receiver": None if receiver is None else {
            "name_masked": receiver.name_masked, "phone_masked": receiver.phone_masked,
            "province": receiver.province, "city": receiver.city, "district": receiver.district,
            "town": receiver.town, "address_masked": receiver.address_masked},
        "lines": [{
            "line_id": line.line_id, "platform_sku_id": line.platform_sku_id, "merchant_code": line.merchant_code,
            "title": line.title, "sku_name": line.sku_name, "quantity": line.quantity,
            "shipped_quantity": line.shipped_quantity, "unit_price_fen": line.unit_price_fen,
            "paid_fen": line.paid_fen, "refund_state": line.refund_state.value, "gift": line.gift,
            "skus": [{"sku_code": link.sku_code, "quantity": link.quantity} for link in line.links],
        } for line in order.own_lines],
        "fulfilment": plan_view(order.plan),
        "carrier_code": order.carrier_code, "tracking_no": order.tracking_no,
        "shipped_at": _time(order.shipped_at), "revision": order.revision,
        # only when it has parcels: the webhook streams digest this view, and an order without parcels must
        # read as before (no "order.updated" for every order after an upgrade); the REST model defaults it to []
        **({"fulfilment_ids": list(order.fulfilment_ids)} if order.fulfilment_ids else {}),
        # lines a supplier ships are not the ERP's: left out of `lines`, named here (only then: as above)
        **({"supplier_lines": sorted(order.supplier_line_ids)} if order.supplier_lines else {}),
    }


def fulfilment_view(fulfilment: Fulfilment) -> dict[str, Any]:
    """A parcel: the orders (and, for a split part, the lines) that travel in it."""
    return {
        "fulfilment_id": fulfilment.fulfilment_id, "platform": fulfilment.platform, "kind": fulfilment.kind.value,
        "state": fulfilment.state.value, "reason": fulfilment.reason, "warehouse_id": fulfilment.warehouse_id,
        "weight_g": fulfilment.weight_g, "waybill_id": fulfilment.waybill_id,
        "orders": [{"order_id": p.order_id, "order_no": p.order_no, "shop_id": p.shop_id,
                    "lines": [{"line_id": i, "quantity": q} for i, q in p.lines]} for p in fulfilment.parts],
        "updated_at": fulfilment.updated_at.isoformat(), "revision": fulfilment.revision,
    }


def case_view(case: AfterSale) -> dict[str, Any]:
    return {
        "case_id": case.case_id, "platform_case_id": case.platform_case_id, "order_id": case.order_id,
        "order_no": case.order_no, "shop_id": case.shop_id, "platform": case.platform.value,
        "type": case.type.value, "status": case.status.value, "platform_status": case.platform_status,
        "refund_fen": case.refund_fen, "reason": case.reason, "buyer_note": case.buyer_note,
        "has_goods_return": case.has_goods_return, "return_carrier_code": case.return_carrier_code,
        "return_tracking_no": case.return_tracking_no, "created_at": case.created_at.isoformat(),
        "modified_at": case.modified_at.isoformat(), "deadline_at": _time(case.deadline_at),
        "erp_handoff": case.erp_handoff.value,
        "lines": [{"line_id": x.line_id, "platform_sku_id": x.platform_sku_id, "quantity": x.quantity,
                   "refund_fen": x.refund_fen} for x in case.lines],
        "revision": case.revision,
    }


def shipment_view(shipment: Shipment) -> dict[str, Any]:
    return {
        "shipment_id": shipment.shipment_id, "order_id": shipment.order_id, "shop_id": shipment.shop_id,
        "carrier_code": shipment.carrier_code, "tracking_no": shipment.tracking_no,
        "lines": [{"line_id": x.line_id, "quantity": x.quantity} for x in shipment.lines],
        "status": shipment.status.value, "created_at": shipment.created_at.isoformat(),
        "source": shipment.source, "platform_error": shipment.platform_error,
        "platform_ship_back": {"status": shipment.ship_back.value, "note": shipment.ship_back_note,
                               "sent_tracking_nos": list(shipment.sent_tracking_nos)},
    }


def plan_view(plan: Plan | None) -> dict[str, Any] | None:
    """The fulfilment plan as the ERP, the warehouse and the order drawer see it."""
    if plan is None:
        return None
    return {"warehouses": list(plan.warehouses), "warehouse_rule": plan.warehouse_rule,
            "account_id": plan.override_account_id or plan.account_id, "planned_account_id": plan.account_id,
            "override_account_id": plan.override_account_id, "carrier_code": plan.carrier_code,
            "carrier_rule": plan.carrier_rule, "fallback_account_id": plan.fallback_account_id,
            "gifts": [{"rule_id": g.rule_id, "sku_code": g.sku_code, "quantity": g.quantity,
                       "skip_when_out": g.skip_when_out} for g in plan.gifts],
            "skipped_gifts": list(plan.skipped_gifts), "reasons": list(plan.reasons), "version": plan.version}
