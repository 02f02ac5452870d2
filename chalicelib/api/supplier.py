"""The supplier's own side of drop-shipping: a user of role supplier sees only the orders given to its
supplier (another one's answers 404, as an order that does not exist), receivers masked as the platform
sends them, and enters tracking numbers one by one or from a .csv / .xlsx file. They ship back to the
platform through the platform-actions queue, the same path as an admin's."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.http import Ctx, admin_route, page_limit, parse
from chalicelib.domain.users import Role

if TYPE_CHECKING:    # a type only: app.py imports every blueprint at cold start, the order model is heavy
    from chalicelib.domain.orders import Order

bp = Blueprint(__name__)


def _supplier_id(ctx: Ctx) -> str:
    assert ctx.user is not None and ctx.user.role is Role.SUPPLIER    # the route's role guarantees it
    return ctx.user.supplier_id


def supplier_order_view(order: Order, shipments: list[Any]) -> dict[str, Any]:
    """Only what packing and shipping need: no money, no buyer id, no memo of the seller; the receiver as
    masked text (the full address is printed through the seller's waybill account where the platform
    requires it); of an order partly drop-shipped, only the supplier's lines and parcels."""
    r = order.receiver
    theirs = order.supplier_line_ids
    return {
        "order_id": order.order_id, "order_no": order.order_no, "platform": order.platform.value,
        "status": order.status.value, "created_at": order.created_at.isoformat(),
        "buyer_memo": order.buyer_memo,
        "receiver": {"name": r.name_masked, "phone": r.phone_masked, "province": r.province, "city": r.city,
                     "district": r.district, "address": r.address_masked} if r else None,
        "items": [{"line_id": x.line_id, "title": x.title, "sku_name": x.sku_name, "quantity": x.quantity,
                   "shipped_quantity": x.shipped_quantity,
                   "sku_codes": [link.sku_code for link in x.links] or [x.merchant_code]}
                  for x in order.lines if x.line_id in theirs],
        "partial": bool(order.supplier_lines),
        # a partly drop-shipped order's own number may be the seller's parcel: the supplier's are in shipments
        "carrier_code": "" if order.supplier_lines else order.carrier_code,
        "tracking_no": "" if order.supplier_lines else order.tracking_no,
        "shipments": [{"carrier_code": s.carrier_code, "tracking_no": s.tracking_no, "status": s.status.value,
                       "platform_error": s.platform_error} for s in shipments
                      if not order.supplier_lines or s.source == f"supplier:{order.supplier_id}"],
    }


@admin_route(bp, "/admin/supplier/orders", role=Role.SUPPLIER)
def my_orders(ctx: Ctx) -> dict[str, Any]:
    """`?status=open` (default: awaiting shipment) or `all`; newest first, paged."""
    from chalicelib.api.errors import BadRequest
    from chalicelib.domain.dropship import supplier_has_shipped
    from chalicelib.services.dropship import OPEN_TO_SHIP
    query: dict[str, str] = dict(ctx.request.query_params or {})
    if query.get("status", "open") not in ("open", "all"):
        raise BadRequest("status must be open or all", field="status")
    statuses = OPEN_TO_SHIP if query.get("status", "open") == "open" else ()
    supplier_id = _supplier_id(ctx)
    page = bootstrap.dropship_deps().orders.by_supplier(supplier_id, limit=page_limit(ctx.request),
                                          cursor=cursors.read(ctx.request, query.get("cursor")), statuses=statuses)
    mine = [o for o in page.items if o.supplier_id == supplier_id]     # the index may lag a take-back
    if statuses:     # its lines out, an order partly drop-shipped waits for the seller's: nothing left to do here
        mine = [o for o in mine if not (o.supplier_lines and supplier_has_shipped(o))]
    shipments = bootstrap.shipments()
    return {"items": [supplier_order_view(o, shipments.for_order(o.order_id)) for o in mine],
            "cursor": cursors.issue(ctx.request, page.cursor)}


@admin_route(bp, "/admin/supplier/shipments", methods=("POST",), role=Role.SUPPLIER)
def ship_one(ctx: Ctx) -> Response:
    from chalicelib.api.dropship_schemas import SupplierShipBody
    from chalicelib.services.dropship import supplier_ship
    from chalicelib.services.erp_views import shipment_view
    body = parse(SupplierShipBody, ctx.request)
    shipment, created = supplier_ship(bootstrap.dropship_deps(), bootstrap.shipment_deps(), _supplier_id(ctx),
                                      body.order_no, body.carrier_code, body.tracking_no)
    return Response(ctx.audited({"created": created, "shipment": shipment_view(shipment)}),
                    status_code=201 if created else 200)


@admin_route(bp, "/admin/supplier/shipments/import", methods=("POST",), role=Role.SUPPLIER)
def ship_from_file(ctx: Ctx) -> dict[str, Any]:
    """`{"file_base64"}` of a .csv or .xlsx: every row checked first; one wrong row and none is applied."""
    from chalicelib.api.dropship_schemas import TrackingFileBody
    from chalicelib.services.dropship_import import import_tracking
    body = parse(TrackingFileBody, ctx.request)
    result = import_tracking(bootstrap.dropship_deps(), bootstrap.shipment_deps(), _supplier_id(ctx), body.file_base64)
    return ctx.audited(result)


@admin_route(bp, "/admin/supplier/stock-up", role=Role.SUPPLIER)
def my_stock_up(ctx: Ctx) -> Any:
    """What my open orders need, per SKU (`?format=csv`)."""
    from chalicelib.api.dropship import stock_up_answer
    return stock_up_answer(ctx, _supplier_id(ctx), "stock-up.csv")
