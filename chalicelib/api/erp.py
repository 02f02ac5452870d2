"""The ERP REST API (/erp/v1): take and acknowledge orders, post shipments, take and answer after-sale
cases, look any of them up. Signed by the ERP (api/erp_auth.py); thin: parse -> one use case -> answer
through the response model that the OpenAPI document describes."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.erp_auth import ErpCtx, erp_route
from chalicelib.api.errors import BadRequest
from chalicelib.api.http import parse
from chalicelib.api.openapi import API_PREFIX, SPEC_PATH

bp = Blueprint(__name__)
MAX_ID = 128


def _answer(model: str, data: dict[str, Any], status: int = 200) -> Response:
    from chalicelib.api import erp_schemas
    body = getattr(erp_schemas, model).model_validate(data).model_dump(mode="json")
    return Response(body, status_code=status, headers={"Content-Type": "application/json"})


def _id(value: str, field: str) -> str:
    if not 1 <= len(value) <= MAX_ID:
        raise BadRequest(f"{field} must be 1-{MAX_ID} characters", field=field)
    return value


@erp_route(bp, SPEC_PATH)
def openapi_document(ctx: ErpCtx) -> Response:
    from chalicelib.api.openapi import spec
    return Response(spec(), headers={"Content-Type": "application/json"})


@erp_route(bp, f"{API_PREFIX}/orders/take", methods=("POST",), scope="orders")
def take_orders(ctx: ErpCtx) -> Response:
    from chalicelib.api.erp_schemas import TakeBody
    from chalicelib.services.erp_handoff import take_orders as take
    from chalicelib.services.erp_views import order_view
    body = parse(TakeBody, ctx.request)
    page = take(bootstrap.erp_case_queue(), bootstrap.orders(), bootstrap.clock(), ctx.actor, body.limit,
                cursors.read(ctx.request, body.cursor), ctx.shop_ids)
    return _answer("OrderPage", {"items": [order_view(o) for o in page.items],
                                 "next_cursor": cursors.issue(ctx.request, page.cursor)})


@erp_route(bp, f"{API_PREFIX}/orders/{{order_id}}", scope="orders")
def get_order(ctx: ErpCtx, order_id: str) -> Response:
    from chalicelib.services.erp_handoff import get_order as lookup
    from chalicelib.services.erp_views import order_view
    return _answer("OrderOut", order_view(lookup(bootstrap.orders(), _id(order_id, "order_id"), ctx.shop_ids)))


@erp_route(bp, f"{API_PREFIX}/fulfilments/{{fulfilment_id}}", scope="orders")
def get_fulfilment(ctx: ErpCtx, fulfilment_id: str) -> Response:
    from chalicelib.services.erp_views import fulfilment_view
    from chalicelib.services.fulfilment_views import erp_fulfilment
    found = erp_fulfilment(bootstrap.fulfilments(), _id(fulfilment_id, "fulfilment_id"), ctx.shop_ids)
    return _answer("FulfilmentOut", fulfilment_view(found))


@erp_route(bp, f"{API_PREFIX}/orders/{{order_id}}/ack", methods=("POST",), scope="orders")
def acknowledge_order(ctx: ErpCtx, order_id: str) -> Response:
    from chalicelib.api.erp_schemas import AckBody
    from chalicelib.services.erp_handoff import acknowledge
    from chalicelib.services.erp_views import order_view
    body = parse(AckBody, ctx.request)
    order = acknowledge(bootstrap.orders(), bootstrap.clock(), ctx.actor, _id(order_id, "order_id"),
                        body.erp_order_id, ctx.shop_ids)
    return _answer("OrderOut", order_view(order))


@erp_route(bp, f"{API_PREFIX}/shipments", methods=("POST",), scope="shipments")
def post_shipment(ctx: ErpCtx) -> Response:
    from chalicelib.api.erp_schemas import ShipmentBody
    from chalicelib.services.erp_handoff import get_order
    from chalicelib.services.erp_views import shipment_view
    from chalicelib.services.shipments import record_shipment
    body = parse(ShipmentBody, ctx.request)
    if ctx.shop_ids:                     # an order of another shop is no order at all for this client
        get_order(bootstrap.orders(), body.order_id, ctx.shop_ids)
    shipment, created = record_shipment(bootstrap.shipment_deps(), order_id=body.order_id,
                                        carrier_code=body.carrier_code, tracking_no=body.tracking_no,
                                        lines=[(x.line_id, x.quantity) for x in body.lines], source=ctx.actor)
    return _answer("ShipmentPosted", {"created": created, "shipment": shipment_view(shipment)},
                   status=201 if created else 200)


@erp_route(bp, f"{API_PREFIX}/shipments/{{shipment_id}}", scope="shipments")
def get_shipment(ctx: ErpCtx, shipment_id: str) -> Response:
    from chalicelib.services.erp_handoff import get_shipment as lookup
    from chalicelib.services.erp_views import shipment_view
    shipment = lookup(bootstrap.shipments(), _id(shipment_id, "shipment_id"), ctx.shop_ids)
    return _answer("ShipmentOut", shipment_view(shipment))


@erp_route(bp, f"{API_PREFIX}/after-sales/take", methods=("POST",), scope="after_sales")
def take_after_sales(ctx: ErpCtx) -> Response:
    from chalicelib.api.erp_schemas import TakeBody
    from chalicelib.services.erp_handoff import take_cases
    from chalicelib.services.erp_views import case_view
    body = parse(TakeBody, ctx.request)
    page = take_cases(bootstrap.erp_case_queue(), bootstrap.after_sales(), body.limit,
                      cursors.read(ctx.request, body.cursor), ctx.shop_ids)
    return _answer("AfterSalePage", {"items": [case_view(c) for c in page.items],
                                     "next_cursor": cursors.issue(ctx.request, page.cursor)})


@erp_route(bp, f"{API_PREFIX}/after-sales/{{case_id}}", scope="after_sales")
def get_after_sale(ctx: ErpCtx, case_id: str) -> Response:
    from chalicelib.services.erp_handoff import get_case
    from chalicelib.services.erp_views import case_view
    case = get_case(bootstrap.after_sales(), _id(case_id, "case_id"), ctx.shop_ids)
    return _answer("AfterSaleOut", case_view(case))


@erp_route(bp, f"{API_PREFIX}/after-sales/{{case_id}}/result", methods=("POST",), scope="after_sales")
def post_after_sale_result(ctx: ErpCtx, case_id: str) -> Response:
    from chalicelib.api.erp_schemas import CaseResultBody
    from chalicelib.services.erp_handoff import post_case_result
    body = parse(CaseResultBody, ctx.request)
    result = post_case_result(bootstrap.erp_streams(), bootstrap.after_sales(), bootstrap.clock(), ctx.actor,
                              _id(case_id, "case_id"), body.action, body.outcome, body.note, body.erp_ref,
                              ctx.shop_ids)
    return _answer("CaseResultOut", {"case_id": result.case_id, "action": result.action, "outcome": result.outcome,
                                     "note": result.note, "erp_ref": result.erp_ref,
                                     "recorded_at": result.recorded_at.isoformat()})


@erp_route(bp, f"{API_PREFIX}/after-sales/{{case_id}}/actions", methods=("POST",), scope="after_sales")
def post_after_sale_action(ctx: ErpCtx, case_id: str) -> Response:
    from chalicelib.api.erp_schemas import AfterSaleActionBody
    from chalicelib.services.after_sales import perform
    from chalicelib.services.erp_handoff import get_case
    body = parse(AfterSaleActionBody, ctx.request)
    if ctx.shop_ids:
        get_case(bootstrap.after_sales(), _id(case_id, "case_id"), ctx.shop_ids)
    case, created = perform(bootstrap.after_sale_deps(), _id(case_id, "case_id"), ctx.actor, body.action,
                            body.model_dump(mode="json", exclude={"action"}))
    return _answer("AfterSaleActionOut", {"case_id": case.case_id, "status": case.status.value,
                                          "platform_status": case.platform_status,
                                          "pending_action": case.pending_action, "action_error": case.action_error,
                                          "reissue_shipment_ids": list(case.reissue_shipment_ids),
                                          "created": created}, status=201 if created else 200)


# Stock is per ERP SKU, shared by every shop: a shop scope does not limit it (the "stock" scope does).
def _stock(sku_code: str) -> Any:
    from chalicelib.domain.errors import NotFoundError
    if bootstrap.erp_skus().get(_id(sku_code, "sku_code")) is None:
        raise NotFoundError(f"no ERP SKU {sku_code}")
    return bootstrap.stock()


def _stock_view(stock: Any) -> dict[str, Any]:
    return {"sku_code": stock.sku_code, "on_hand": stock.on_hand, "reserved": stock.reserved,
            "available": stock.available, "warehouse_id": stock.warehouse_id}


@erp_route(bp, f"{API_PREFIX}/stock/{{sku_code}}", scope="stock")
def get_stock(ctx: ErpCtx, sku_code: str) -> Response:
    parts = _stock(sku_code).stock_of(sku_code)
    total = {"sku_code": sku_code, "on_hand": sum(s.on_hand for s in parts),
             "reserved": sum(s.reserved for s in parts), "available": sum(s.available for s in parts),
             "warehouse_id": "",
             "warehouses": [{"warehouse_id": s.warehouse_id, "on_hand": s.on_hand, "reserved": s.reserved,
                             "available": s.available, "in_transit": s.in_transit} for s in parts]}
    return _answer("StockOut", total)


@erp_route(bp, f"{API_PREFIX}/stock/{{sku_code}}", methods=("PUT",), scope="stock")
def set_stock(ctx: ErpCtx, sku_code: str) -> Response:
    from chalicelib.api.erp_schemas import StockSetBody
    from chalicelib.services.stock_adjust import set_absolute_stock
    from chalicelib.services.warehouses import require
    body = parse(StockSetBody, ctx.request)
    require(bootstrap.warehouses(), body.warehouse_id)
    stock = set_absolute_stock(_stock(sku_code), sku_code, body.quantity, ctx.actor,
                               f"{ctx.client.key_id}:{body.idempotency_key}", bootstrap.clock().now(), body.reason,
                               body.warehouse_id)
    return _answer("StockOut", _stock_view(stock))
