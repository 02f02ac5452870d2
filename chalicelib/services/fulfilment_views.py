"""Reading parcels: the ERP's look-up of one (shop-scoped), and what the admin order drawer shows of an
order (its parcels, or the order as its own parcel) and of a shop's merge proposals."""
from __future__ import annotations

from typing import Any

from chalicelib.domain.errors import NotFoundError
from chalicelib.domain.fulfilment_splits import open_units
from chalicelib.domain.fulfilments import PLATFORM_MERGE, Fulfilment, FulfilmentState
from chalicelib.domain.orders import Order
from chalicelib.domain.partial_shipping import PARTIAL
from chalicelib.services.erp_scope import covers
from chalicelib.services.erp_views import fulfilment_view
from chalicelib.services.fulfilment_ports import FulfilmentRepository
from chalicelib.services.fulfilments import FulfilDeps, proposals


def erp_fulfilment(repository: FulfilmentRepository, fulfilment_id: str, shop_ids: frozenset[str]) -> Fulfilment:
    """A parcel with an order of a shop outside the key's shops is answered like no parcel at all."""
    found = repository.get(fulfilment_id)
    if found is None or not all(covers(shop_ids, p.shop_id) for p in found.parts):
        raise NotFoundError(f"no parcel {fulfilment_id}", reason="fulfilment.not_found")
    return found


def order_parcels(deps: FulfilDeps, order_id: str) -> dict[str, Any]:
    order = deps.orders.get(order_id)
    if order is None:
        raise NotFoundError(f"no order {order_id}", reason="order.not_found")
    found = deps.fulfilments.get_many(order.fulfilment_ids)
    parcels = [fulfilment_view(found[f]) for f in order.fulfilment_ids if f in found]
    platform = order.platform.value
    merge = PLATFORM_MERGE.get(platform)
    partial = PARTIAL.get(platform)
    return {
        "order_id": order.order_id, "revision": order.revision,
        "parcels": parcels or [_itself(order)],
        "open_lines": [{"line_id": line.line_id, "title": line.title, "sku_name": line.sku_name, "units": units}
                       for line in order.lines for i, units in open_units(order).items() if i == line.line_id],
        "platform_rules": {"merge": bool(merge and merge.one_waybill), "merge_note": merge.why if merge else "",
                           "partial_mode": partial.mode.value if partial else "",
                           "partial_note": partial.note if partial else ""},
        "history": [{"at": c.at.isoformat(), "actor": c.actor, "summary": c.summary} for c in order.history
                    if "parcel" in c.summary or "split" in c.summary],
    }


def _itself(order: Order) -> dict[str, Any]:
    return {"fulfilment_id": "", "platform": order.platform.value, "kind": "single",
            "state": FulfilmentState.OPEN.value, "reason": "", "warehouse_id": "", "weight_g": 0, "waybill_id": "",
            "orders": [{"order_id": order.order_id, "order_no": order.order_no, "shop_id": order.shop_id,
                        "lines": []}], "updated_at": (order.updated_at or order.modified_at).isoformat(),
            "revision": 0}


def shop_proposals(deps: FulfilDeps, shop_id: str) -> list[dict[str, Any]]:
    return [{"order_ids": [o.order_id for o in group], "order_nos": [o.order_no for o in group],
             "receiver": group[0].receiver.name_masked if group[0].receiver else "",
             "city": group[0].receiver.city if group[0].receiver else "",
             "paid_fen": sum(o.paid_fen for o in group)} for group in proposals(deps, shop_id)]
