"""Supplier drop-shipping, the seller's side: give orders to a supplier (or take them back), the SKU rule's
shop switch, and the stock-up lists (备货清单) per supplier and per warehouse, on screen or as CSV. The
supplier's own side is api/supplier.py."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api.http import Ctx, admin_route, parse
from chalicelib.domain.users import Role

bp = Blueprint(__name__)


@admin_route(bp, "/admin/dropship/assign", methods=("POST",), role=Role.OPERATOR)
def assign_orders(ctx: Ctx) -> dict[str, Any]:
    """Gives up to 100 orders to a supplier (`supplier_id` "" takes them back); each order answers for itself."""
    from chalicelib.api.dropship_schemas import AssignBody
    from chalicelib.services.dropship import assign_many
    from chalicelib.services.order_admin import resolve_order_refs
    body = parse(AssignBody, ctx.request)
    order_ids = resolve_order_refs(bootstrap.orders(), body.order_ids)
    results = assign_many(bootstrap.dropship_deps(), order_ids, body.supplier_id, ctx.actor)
    return ctx.audited({"supplier_id": body.supplier_id, "results": results})


@admin_route(bp, "/admin/dropship/orders/{order_id}/lines", methods=("PUT",), role=Role.OPERATOR)
def assign_lines_route(ctx: Ctx, order_id: str) -> dict[str, Any]:
    """Gives exactly `line_ids` of one order to a supplier (the rest stay the seller's: its ERP ships them)."""
    from chalicelib.api.dropship_schemas import AssignLinesBody
    from chalicelib.api.views import order_summary
    from chalicelib.services.dropship import assign_lines
    from chalicelib.services.order_admin import resolve_order_ref
    body = parse(AssignLinesBody, ctx.request)
    order_id = resolve_order_ref(bootstrap.orders(), order_id)
    before = bootstrap.orders().get(order_id)
    order = assign_lines(bootstrap.dropship_deps(), order_id, body.supplier_id, body.line_ids, ctx.actor)
    was = {"supplier_id": before.supplier_id, "supplier_lines": list(before.supplier_lines)} if before else None
    return ctx.audited({"order": order_summary(order)}, was)


@admin_route(bp, "/admin/dropship/assign-by-rule", methods=("POST",), role=Role.OPERATOR)
def assign_by_rule(ctx: Ctx) -> dict[str, Any]:
    """The SKU rule on up to 100 chosen orders: each one's supplier lines (or all) go to its SKUs' supplier."""
    from chalicelib.api.dropship_schemas import RuleBody
    from chalicelib.services.dropship import assign_by_rule_many
    from chalicelib.services.order_admin import resolve_order_refs
    body = parse(RuleBody, ctx.request)
    order_ids = resolve_order_refs(bootstrap.orders(), body.order_ids)
    results = assign_by_rule_many(bootstrap.dropship_deps(), order_ids, bootstrap.supplier_of_sku, ctx.actor)
    return ctx.audited({"results": results})


@admin_route(bp, "/admin/dropship/auto")
def auto_shops(ctx: Ctx) -> dict[str, Any]:
    """The shops whose orders the SKU rule gives to their SKUs' supplier."""
    return {"shop_ids": sorted(bootstrap.dropship_auto_shops().shops())}


@admin_route(bp, "/admin/dropship/auto/{shop_id}", methods=("PUT",), role=Role.ADMIN)
def set_auto(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    from chalicelib.api.dropship_schemas import AutoBody
    from chalicelib.domain.errors import NotFoundError
    body = parse(AutoBody, ctx.request)
    if bootstrap.shops().get(shop_id) is None:
        raise NotFoundError(f"no shop {shop_id}", reason="dropship.unknown_shop")
    before = sorted(bootstrap.dropship_auto_shops().shops())
    after = sorted(bootstrap.dropship_auto_shops().switch(shop_id, body.enabled))
    return ctx.audited({"shop_ids": after}, {"shop_ids": before})


@admin_route(bp, "/admin/dropship/suppliers/{supplier_id}/stock-up")
def supplier_stock_up(ctx: Ctx, supplier_id: str) -> Any:
    """What the supplier's assigned open orders need, per SKU (`?format=csv`: a file with a BOM)."""
    from chalicelib import bootstrap
    from chalicelib.domain.errors import NotFoundError
    if bootstrap.suppliers().get(supplier_id) is None:
        raise NotFoundError(f"no supplier {supplier_id}", reason="dropship.unknown_supplier")
    return stock_up_answer(ctx, supplier_id, f"stock-up-{supplier_id}.csv")


def stock_up_answer(ctx: Ctx, supplier_id: str, filename: str) -> Any:
    from chalicelib.domain.dropship import stock_up
    from chalicelib.services.dropship import open_orders
    from chalicelib.services.stock_lists import supplier_csv
    orders = open_orders(bootstrap.dropship_deps(), supplier_id)
    lines = stock_up(orders)
    if _wants_csv(ctx):
        return _csv(supplier_csv(lines), filename)
    return {"orders": len(orders), "items": [{"sku_code": x.sku_code, "title": x.title, "quantity": x.quantity,
                                              "orders": x.orders} for x in lines]}


@admin_route(bp, "/admin/dropship/warehouses/{warehouse_id}/stock-up")
def warehouse_stock_up(ctx: Ctx, warehouse_id: str) -> Any:
    """What the open orders reserved in this warehouse need: reserved, on hand, and the shortfall per SKU."""
    from chalicelib.domain.errors import NotFoundError
    from chalicelib.services.stock_lists import warehouse_csv, warehouse_needs
    if bootstrap.warehouses().get(warehouse_id) is None:
        raise NotFoundError(f"no warehouse {warehouse_id}", reason="warehouse.unknown")
    needs = warehouse_needs(bootstrap.stock(), bootstrap.erp_skus(), warehouse_id)
    if _wants_csv(ctx):
        return _csv(warehouse_csv(needs), f"stock-up-{warehouse_id}.csv")
    return {"items": [need.__dict__ for need in needs]}


def _wants_csv(ctx: Ctx) -> bool:
    from chalicelib.api.errors import BadRequest
    value = dict(ctx.request.query_params or {}).get("format", "json")
    if value not in ("json", "csv"):
        raise BadRequest("format must be json or csv", field="format")
    return value == "csv"


def _csv(text: str, filename: str) -> Response:
    return Response(text, headers={"Content-Type": "text/csv; charset=utf-8",
                                                   "Content-Disposition": f"attachment; filename={filename}"})
