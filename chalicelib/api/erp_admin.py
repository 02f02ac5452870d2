"""Admin routes of the ERP integration: ERP clients (create, list, change, deactivate, rotate), webhook
deliveries (list, inspect, retry, replay), the erp-events DLQ (inspect, redrive), and the manual
fallback: shipments by hand, orders out as CSV, tracking numbers in from CSV."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.errors import BadRequest
from chalicelib.api.http import Ctx, admin_route, page_limit, parse
from chalicelib.domain.users import Role

bp = Blueprint(__name__)
QUEUE = "erp_events"


def _query(ctx: Ctx, name: str, default: str = "") -> str:
    params = ctx.request.query_params
    return str(params.get(name, default)) if params else default


# ------------------------------------------------------------------ ERP clients
@admin_route(bp, "/admin/erp/clients", methods=("POST",), role=Role.ADMIN)
def create_erp_client(ctx: Ctx) -> Response:
    from chalicelib.api.erp_schemas import ClientCreateBody
    from chalicelib.services.erp_clients import client_view, create_client
    body = parse(ClientCreateBody, ctx.request)
    client, secret = create_client(bootstrap.erp_clients(), bootstrap.clock(), name=body.name,
                                   scopes=list(body.scopes), webhook_url=body.webhook_url, events=list(body.events),
                                   rate_per_minute=body.rate_per_minute, shop_ids=list(body.shop_ids),
                                   shops=bootstrap.shops())
    return Response({"client": client_view(client, bootstrap.clock().now()), "secret": secret,
                     "note": "the secret is shown this once: store it in the ERP now"}, status_code=201)


@admin_route(bp, "/admin/erp/clients", role=Role.ADMIN)
def list_erp_clients(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.services.erp_clients import client_view
    now = bootstrap.clock().now()
    return {"items": [client_view(c, now) for c in bootstrap.erp_clients().all()]}


@admin_route(bp, "/admin/erp/clients/{key_id}", role=Role.ADMIN)
def get_erp_client(ctx: Ctx, key_id: str) -> dict[str, Any]:
    from chalicelib.services.erp_clients import client_view, get_client
    return client_view(get_client(bootstrap.erp_clients(), key_id), bootstrap.clock().now())


@admin_route(bp, "/admin/erp/clients/{key_id}", methods=("PATCH",), role=Role.ADMIN)
def edit_erp_client(ctx: Ctx, key_id: str) -> dict[str, Any]:
    from chalicelib.api.erp_schemas import ClientPatchBody
    from chalicelib.services.erp_clients import client_view, update_client
    body = parse(ClientPatchBody, ctx.request)
    client = update_client(bootstrap.erp_clients(), key_id, body.model_dump(exclude_none=True), bootstrap.shops())
    return client_view(client, bootstrap.clock().now())


@admin_route(bp, "/admin/erp/clients/{key_id}", methods=("DELETE",), role=Role.ADMIN)
def deactivate_erp_client(ctx: Ctx, key_id: str) -> dict[str, Any]:
    """Deactivated, not deleted: its deliveries stay visible, and it can be switched on again."""
    from chalicelib.services.erp_clients import client_view, update_client
    client = update_client(bootstrap.erp_clients(), key_id, {"active": False})
    return client_view(client, bootstrap.clock().now())


@admin_route(bp, "/admin/erp/clients/{key_id}/rotate", methods=("POST",), role=Role.ADMIN)
def rotate_erp_secret(ctx: Ctx, key_id: str) -> dict[str, Any]:
    from chalicelib.api.erp_schemas import RotateBody
    from chalicelib.services.erp_clients import client_view, rotate_secret
    body = parse(RotateBody, ctx.request)
    client, secret = rotate_secret(bootstrap.erp_clients(), bootstrap.clock(), key_id, body.overlap_seconds)
    return {"client": client_view(client, bootstrap.clock().now()), "secret": secret,
            "note": f"the old secret stays valid for {body.overlap_seconds} s; this one is shown once"}


# ------------------------------------------------------------------ webhook deliveries and the DLQ
@admin_route(bp, "/admin/erp/deliveries")
def list_deliveries(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.services.erp_webhooks import delivery_view
    key_id = _query(ctx, "key_id")
    if not key_id:
        raise BadRequest("key_id is required", field="key_id")
    cursor = cursors.read(ctx.request, _query(ctx, "cursor"))
    page = bootstrap.erp_deliveries().for_client(key_id, page_limit(ctx.request), cursor,
                                                 undelivered_only=_query(ctx, "undelivered") == "true")
    return {"items": [delivery_view(d) for d in page.items], "next_cursor": cursors.issue(ctx.request, page.cursor)}


@admin_route(bp, "/admin/erp/deliveries/{delivery_id}")
def get_delivery(ctx: Ctx, delivery_id: str) -> dict[str, Any]:
    from chalicelib.services.erp_webhooks import delivery_view, get_delivery
    delivery = get_delivery(bootstrap.webhook_deps(), delivery_id)
    return {**delivery_view(delivery), "body": delivery.body}


@admin_route(bp, "/admin/erp/deliveries/{delivery_id}/retry", methods=("POST",), role=Role.OPERATOR)
def retry_delivery(ctx: Ctx, delivery_id: str) -> dict[str, Any]:
    from chalicelib.services.erp_webhooks import delivery_view, retry
    return delivery_view(retry(bootstrap.webhook_deps(), delivery_id))


@admin_route(bp, "/admin/erp/deliveries/{delivery_id}/replay", methods=("POST",), role=Role.OPERATOR)
def replay_delivery(ctx: Ctx, delivery_id: str) -> dict[str, Any]:
    from chalicelib.services.erp_webhooks import delivery_view, replay
    return delivery_view(replay(bootstrap.webhook_deps(), delivery_id))


@admin_route(bp, "/admin/erp/dlq", role=Role.OPERATOR)
def inspect_dlq(ctx: Ctx) -> dict[str, Any]:
    letters = bootstrap.dead_letters()
    return {"queue": QUEUE, "approximate_count": letters.counts().get(QUEUE, 0),
            "messages": letters.peek(QUEUE, page_limit(ctx.request, 10, 10))}


@admin_route(bp, "/admin/erp/dlq/redrive", methods=("POST",), role=Role.ADMIN)
def redrive_dlq(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.erp_schemas import RedriveBody
    body = parse(RedriveBody, ctx.request)
    return {"queue": QUEUE, "moved": bootstrap.dead_letters().redrive(QUEUE, body.limit)}


@admin_route(bp, "/admin/erp/openapi.json")
def erp_openapi(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.openapi import spec
    return spec()


# ------------------------------------------------------------------ manual fallback
@admin_route(bp, "/admin/shipments", methods=("POST",), role=Role.OPERATOR)
def enter_shipment(ctx: Ctx) -> Response:
    from chalicelib.api.erp_schemas import ManualShipmentBody
    from chalicelib.services.erp_views import shipment_view
    from chalicelib.services.order_admin import resolve_order_ref
    from chalicelib.services.shipments import mark_shipped_by_hand, record_shipment
    body = parse(ManualShipmentBody, ctx.request)
    deps = bootstrap.shipment_deps()
    order_id = resolve_order_ref(bootstrap.orders(), body.order_id)      # an id or the platform's number
    shipment, created = record_shipment(deps, order_id=order_id, carrier_code=body.carrier_code,
                                        tracking_no=body.tracking_no, source=ctx.actor,
                                        lines=[(x.line_id, x.quantity) for x in body.lines])
    if body.mark_shipped:
        shipment = mark_shipped_by_hand(deps, shipment.shipment_id, ctx.actor)
    return Response({"created": created, "shipment": shipment_view(shipment)}, status_code=201 if created else 200)


@admin_route(bp, "/admin/shipments/{shipment_id}")
def show_shipment(ctx: Ctx, shipment_id: str) -> dict[str, Any]:
    from chalicelib.services.erp_views import shipment_view
    from chalicelib.services.shipments import get_shipment
    return shipment_view(get_shipment(bootstrap.shipments(), shipment_id))


@admin_route(bp, "/admin/shipments/{shipment_id}/mark-shipped", methods=("POST",), role=Role.OPERATOR)
def mark_shipped(ctx: Ctx, shipment_id: str) -> dict[str, Any]:
    from chalicelib.services.erp_views import shipment_view
    from chalicelib.services.shipments import mark_shipped_by_hand
    return shipment_view(mark_shipped_by_hand(bootstrap.shipment_deps(), shipment_id, ctx.actor))


@admin_route(bp, "/admin/shipments/import", methods=("POST",), role=Role.OPERATOR)
def import_tracking_csv(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.services.erp_csv import import_tracking
    raw = ctx.request.raw_body or b""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
    except UnicodeDecodeError as exc:
        raise BadRequest("the CSV must be UTF-8", field="csv") from exc
    return import_tracking(bootstrap.shipment_deps(), text, ctx.actor)


@admin_route(bp, "/admin/erp/orders.csv", role=Role.OPERATOR)
def export_orders_csv(ctx: Ctx) -> Response:
    from chalicelib.domain.status import OrderStatus
    from chalicelib.services.erp_csv import export_orders
    from chalicelib.services.ports import OrderQuery
    status = _query(ctx, "status", OrderStatus.AWAITING_SHIPMENT.value)
    if status not in {s.value for s in OrderStatus}:
        raise BadRequest(f"unknown status {status}", field="status")
    query = OrderQuery(shop_id=_query(ctx, "shop_id") or None, status=OrderStatus(status), limit=200)
    return Response(export_orders(bootstrap.orders(), query), headers={
        "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": "attachment; filename=orders.csv"})
