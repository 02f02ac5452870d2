"""Stock: balances and the ledger per ERP SKU, manual adjustments with a reason, and "push now"."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.http import Ctx, admin_route, page_limit, parse
from chalicelib.domain.users import Role

bp = Blueprint(__name__)


def _balance(stock: Any) -> dict[str, Any]:
    return asdict(stock) | {"available": stock.available}


@admin_route(bp, "/admin/stock")
def stock_balances(ctx: Ctx) -> dict[str, Any]:
    """?codes=A,B,C (at most 100)."""
    from chalicelib.domain.errors import ValidationError
    params: dict[str, str] = dict(ctx.request.query_params or {})
    codes = [c for c in params.get("codes", "").split(",") if c]
    if not 1 <= len(codes) <= 100:
        raise ValidationError("give 1..100 SKU codes in codes=", field="codes")
    return {"items": [_balance(s) for s in bootstrap.stock().balances(codes).values()]}


@admin_route(bp, "/admin/stock/discrepancies")
def stock_discrepancies(ctx: Ctx) -> dict[str, Any]:
    """Deductions that found too little on hand (on hand stopped at zero): ?open=1 only the unresolved."""
    from chalicelib.codec import to_doc
    from chalicelib.domain.errors import ValidationError
    query: dict[str, str] = dict(ctx.request.query_params or {})
    if query.get("open", "0") not in ("0", "1"):
        raise ValidationError("open must be 0 or 1", field="open")
    page = bootstrap.stock().discrepancies(query.get("open") == "1", limit=page_limit(ctx.request),
                                           cursor=cursors.read(ctx.request, query.get("cursor")))
    return {"items": [to_doc(d) for d in page.items], "cursor": cursors.issue(ctx.request, page.cursor)}


@admin_route(bp, "/admin/stock/discrepancies/{discrepancy_id}/resolve", methods=("POST",), role=Role.OPERATOR)
def resolve_stock_discrepancy(ctx: Ctx, discrepancy_id: str) -> dict[str, Any]:
    from chalicelib.api.shop_schemas import ResolveDiscrepancyBody
    from chalicelib.codec import to_doc
    from chalicelib.services.stock_adjust import resolve_discrepancy
    body = parse(ResolveDiscrepancyBody, ctx.request)
    resolved = resolve_discrepancy(bootstrap.stock(), discrepancy_id, ctx.actor, body.note, bootstrap.clock().now())
    return dict(to_doc(resolved))


@admin_route(bp, "/admin/stock/{sku_code}")
def stock_ledger(ctx: Ctx, sku_code: str) -> dict[str, Any]:
    from chalicelib.codec import to_doc
    query: dict[str, str] = dict(ctx.request.query_params or {})
    cursor = cursors.read(ctx.request, query.get("cursor"))
    page = bootstrap.stock().movements(sku_code, limit=page_limit(ctx.request), cursor=cursor)
    return {"balance": _balance(bootstrap.stock().balance(sku_code)),
            "movements": [to_doc(m) for m in page.items], "cursor": cursors.issue(ctx.request, page.cursor)}


@admin_route(bp, "/admin/stock/{sku_code}/adjust", methods=("POST",), role=Role.OPERATOR)
def adjust_stock_route(ctx: Ctx, sku_code: str) -> dict[str, Any]:
    from chalicelib.api.shop_schemas import AdjustBody
    from chalicelib.domain.errors import NotFoundError
    from chalicelib.services.stock_adjust import adjust_stock
    from chalicelib.services.warehouses import require
    body = parse(AdjustBody, ctx.request)
    if bootstrap.erp_skus().get(sku_code) is None:
        raise NotFoundError(f"no ERP SKU {sku_code}")
    require(bootstrap.warehouses(), body.warehouse_id)
    stock = adjust_stock(bootstrap.stock(), sku_code, body.delta, body.reason, ctx.actor, body.idempotency_key,
                         bootstrap.clock().now(), body.warehouse_id)
    return _balance(stock)


@admin_route(bp, "/admin/stock/push", methods=("POST",), role=Role.OPERATOR)
def push_stock_now(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.shop_schemas import PushNowBody
    from chalicelib.services.stock_sync import push_now
    body = parse(PushNowBody, ctx.request)
    push_now(bootstrap.stock(), body.sku_codes, bootstrap.clock().now())
    return {"due": len(body.sku_codes)}
