"""Warehouses with their locations, stock per warehouse, and stock documents (draft -> audited). Every
change is audited by the route wrapper (before/after given here)."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.http import Ctx, admin_route, page_limit, parse
from chalicelib.codec import to_doc
from chalicelib.domain.users import Role

bp = Blueprint(__name__)


def _known_shops(shop_ids: list[str] | None) -> None:
    from chalicelib.domain.errors import ValidationError
    unknown = [s for s in shop_ids or [] if bootstrap.shops().get(s) is None]
    if unknown:
        raise ValidationError(f"no shop {', '.join(unknown)}", field="shop_ids", reason="warehouse.unknown_shop")


def _stock(stock: Any) -> dict[str, Any]:
    return {"sku_code": stock.sku_code, "warehouse_id": stock.warehouse_id, "on_hand": stock.on_hand,
            "reserved": stock.reserved, "available": stock.available, "in_transit": stock.in_transit}


@admin_route(bp, "/admin/warehouses")
def list_warehouses(ctx: Ctx) -> dict[str, Any]:
    """Every warehouse (a seller has few): the default first."""
    return {"items": [to_doc(w) for w in bootstrap.warehouses().list()]}


@admin_route(bp, "/admin/warehouses", methods=("POST",), role=Role.ADMIN)
def create_warehouse_route(ctx: Ctx) -> Response:
    from chalicelib.api.warehouse_schemas import WarehouseBody
    from chalicelib.domain.warehouses import Location
    from chalicelib.services.warehouses import create_warehouse
    body = parse(WarehouseBody, ctx.request)
    _known_shops(body.shop_ids)
    created = create_warehouse(bootstrap.warehouses(), ctx.actor, bootstrap.clock().now(),
                               warehouse_id=body.warehouse_id, name=body.name, kind=body.kind,
                               shop_ids=body.shop_ids, priority=body.priority, allow_negative=body.allow_negative,
                               locations=[Location(x.code, x.name) for x in body.locations])
    bootstrap.fulfil_cache().invalidate()          # this process routes with it at once (others within 30 s)
    return Response(ctx.audited(to_doc(created)), status_code=201)


@admin_route(bp, "/admin/warehouses/{warehouse_id}", methods=("PATCH",), role=Role.ADMIN)
def update_warehouse_route(ctx: Ctx, warehouse_id: str) -> dict[str, Any]:
    from chalicelib.api.warehouse_schemas import WarehousePatchBody
    from chalicelib.domain.warehouses import Location
    from chalicelib.services.warehouses import update_warehouse
    body = parse(WarehousePatchBody, ctx.request)
    _known_shops(body.shop_ids)
    changes: dict[str, Any] = body.model_dump(exclude_unset=True, exclude={"locations"})
    if body.locations is not None:
        changes["locations"] = [Location(x.code, x.name) for x in body.locations]
    before, after = update_warehouse(bootstrap.warehouses(), warehouse_id, bootstrap.clock().now(), changes)
    bootstrap.fulfil_cache().invalidate()
    return dict(ctx.audited(to_doc(after), to_doc(before)))


@admin_route(bp, "/admin/warehouses/{warehouse_id}/stock")
def warehouse_stock(ctx: Ctx, warehouse_id: str) -> dict[str, Any]:
    """The SKUs this warehouse holds, by SKU code."""
    from chalicelib.domain.errors import NotFoundError
    if bootstrap.warehouses().get(warehouse_id) is None:
        raise NotFoundError(f"no warehouse {warehouse_id}", reason="warehouse.unknown")
    query: dict[str, str] = dict(ctx.request.query_params or {})
    page = bootstrap.stock().warehouse_stock(warehouse_id, limit=page_limit(ctx.request),
                                             cursor=cursors.read(ctx.request, query.get("cursor")))
    return {"items": [_stock(s) for s in page.items], "cursor": cursors.issue(ctx.request, page.cursor)}


@admin_route(bp, "/admin/stock/{sku_code}/warehouses")
def sku_stock_by_warehouse(ctx: Ctx, sku_code: str) -> dict[str, Any]:
    return {"items": [_stock(s) for s in bootstrap.stock().stock_of(sku_code)]}


# ------------------------------------------------------------------ documents
@admin_route(bp, "/admin/stock-documents")
def list_documents(ctx: Ctx) -> dict[str, Any]:
    """Newest first."""
    query: dict[str, str] = dict(ctx.request.query_params or {})
    page = bootstrap.stock_documents().list(limit=page_limit(ctx.request),
                                            cursor=cursors.read(ctx.request, query.get("cursor")))
    return {"items": [to_doc(d) for d in page.items], "cursor": cursors.issue(ctx.request, page.cursor)}


@admin_route(bp, "/admin/stock-documents", methods=("POST",), role=Role.OPERATOR)
def create_document_route(ctx: Ctx) -> Response:
    """A draft; the same doc_id again answers the first (200), with other content it is a 409."""
    from chalicelib.api.warehouse_schemas import StockDocumentBody
    from chalicelib.domain.stock_documents import DocLine, StockDocument
    from chalicelib.services.stock_documents import create_document
    body = parse(StockDocumentBody, ctx.request)
    draft = StockDocument(body.doc_id, body.doc_type, body.reason, body.warehouse_id,
                          tuple(DocLine(x.sku_code, x.quantity, x.location) for x in body.lines), ctx.actor,
                          bootstrap.clock().now(), target_warehouse_id=body.target_warehouse_id, note=body.note)
    doc, created = create_document(bootstrap.stock_documents(), bootstrap.warehouses(), bootstrap.unknown_skus,
                                   draft)
    return Response(ctx.audited(to_doc(doc)), status_code=201 if created else 200)


@admin_route(bp, "/admin/stock-documents/{doc_id}")
def get_document(ctx: Ctx, doc_id: str) -> dict[str, Any]:
    from chalicelib.domain.errors import NotFoundError
    doc = bootstrap.stock_documents().get(doc_id)
    if doc is None:
        raise NotFoundError(f"no stock document {doc_id}", reason="stock_doc.unknown")
    return dict(to_doc(doc))


@admin_route(bp, "/admin/stock-documents/{doc_id}/{verb}", methods=("POST",), role=Role.OPERATOR)
def document_action(ctx: Ctx, doc_id: str, verb: str) -> dict[str, Any]:
    """verb: audit (stock moves; twice is a 409), receive (a transfer arrived), cancel (a draft)."""
    from chalicelib.domain.errors import NotFoundError
    from chalicelib.services import stock_documents as docs
    now, actor, repo = bootstrap.clock().now(), ctx.actor, bootstrap.stock_documents()
    if verb == "audit":
        doc = docs.audit_document(repo, bootstrap.warehouses(), bootstrap.stock(), doc_id, actor, now)
    elif verb == "receive":
        doc = docs.receive_transfer(repo, bootstrap.stock(), doc_id, actor, now)
    elif verb == "cancel":
        doc = docs.cancel_document(repo, doc_id, actor, now)
    else:
        raise NotFoundError(f"no action {verb}: audit, receive or cancel", reason="stock_doc.unknown_action")
    return dict(ctx.audited(to_doc(doc)))


# ------------------------------------------------------------------ the daily reconcile
@admin_route(bp, "/admin/stock/reconcile-reports")
def reconcile_reports(ctx: Ctx) -> dict[str, Any]:
    """The last 14 daily reconciles, newest first: platform stock that differs from what it should be."""
    return {"items": [to_doc(r) for r in bootstrap.reconcile_reports().latest()]}


@admin_route(bp, "/admin/stock/reconcile", methods=("POST",), role=Role.OPERATOR)
def reconcile_now(ctx: Ctx) -> Response:
    """Starts today's reconcile as a queued job (it replaces today's report) and answers 202 at once with
    the job: GET /admin/jobs/{job_id} shows its progress (shops done of total)."""
    from chalicelib import bootstrap
    from chalicelib.services.link_jobs import job_view
    job = bootstrap.reconcile_starter()()
    return Response(ctx.audited({**job_view(job), "job_url": f"/admin/jobs/{job.job_id}"}), status_code=202)
