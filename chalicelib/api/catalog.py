"""Catalog: shop SKUs with their links (manual, bulk, bundles, auto by merchant code) and the ERP SKU
catalog (create, edit, CSV import with a row-by-row report). Operators link; admins import."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.http import Ctx, admin_route, page_limit, parse
from chalicelib.domain.users import Role

bp = Blueprint(__name__)


def _query(ctx: Ctx, name: str, default: str = "") -> str:
    params: dict[str, str] = dict(ctx.request.query_params or {})
    return params.get(name, default)


def _links(items: Any) -> list[Any]:
    from chalicelib.domain.orders import SkuLink
    return [SkuLink(i.sku_code, i.quantity) for i in items]


def job_answer(deps: Any) -> dict[str, Any]:
    """The background job the request started (held orders re-resolve there): GET /admin/jobs/{job_id}."""
    job_id = getattr(deps.later, "job_id", None)
    return {"job_id": job_id, "job_url": f"/admin/jobs/{job_id}" if job_id else None}


def _sku_view(sku: Any) -> dict[str, Any]:
    from chalicelib.codec import to_doc
    return to_doc(sku) | {"linked": sku.linked, "bundle": len(sku.links) > 1 or any(k.quantity > 1 for k in sku.links)}


# ------------------------------------------------------------------ shop SKUs and links
@admin_route(bp, "/admin/shops/{shop_id}/skus")
def list_shop_skus(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    cursor = cursors.read(ctx.request, _query(ctx, "cursor"))
    page = bootstrap.shop_skus().list_shop(shop_id, limit=page_limit(ctx.request), cursor=cursor,
                                           unlinked_only=_query(ctx, "unlinked") == "true")
    return {"items": [_sku_view(s) for s in page.items], "cursor": cursors.issue(ctx.request, page.cursor)}


@admin_route(bp, "/admin/shops/{shop_id}/skus/{sku_id}/links", methods=("PUT",), role=Role.OPERATOR)
def put_links(ctx: Ctx, shop_id: str, sku_id: str) -> dict[str, Any]:
    from chalicelib.api.shop_schemas import LinksBody
    from chalicelib.services.links import set_links
    body = parse(LinksBody, ctx.request)
    deps = bootstrap.link_deps()
    return _sku_view(set_links(deps, shop_id, sku_id, _links(body.links))) | job_answer(deps)


@admin_route(bp, "/admin/skus/links/bulk", methods=("POST",), role=Role.OPERATOR)
def bulk_links(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.shop_schemas import BulkLinksBody
    from chalicelib.services.links import link_bulk
    body = parse(BulkLinksBody, ctx.request)
    deps = bootstrap.link_deps()
    results = link_bulk(deps, [(i.shop_id, i.platform_sku_id, _links(i.links)) for i in body.items])
    return {"items": [asdict(r) for r in results], "failed": sum(not r.ok for r in results)} | job_answer(deps)


@admin_route(bp, "/admin/shops/{shop_id}/skus/auto-link", methods=("POST",), role=Role.OPERATOR)
def auto_link_route(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    from chalicelib.services.links import auto_link_shop
    deps = bootstrap.link_deps()
    return {"linked": auto_link_shop(deps, shop_id)} | job_answer(deps)


# ------------------------------------------------------------------ ERP SKUs
@admin_route(bp, "/admin/erp-skus")
def list_erp_skus(ctx: Ctx) -> dict[str, Any]:
    cursor = cursors.read(ctx.request, _query(ctx, "cursor"))
    page = bootstrap.erp_skus().list(limit=page_limit(ctx.request), cursor=cursor, prefix=_query(ctx, "prefix"))
    return {"items": [asdict(s) for s in page.items], "cursor": cursors.issue(ctx.request, page.cursor)}


@admin_route(bp, "/admin/erp-skus", methods=("POST",), role=Role.OPERATOR)
def create_erp_sku_route(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.shop_schemas import ErpSkuBody
    from chalicelib.domain.catalog import ErpSku
    from chalicelib.services.catalog import create_erp_sku
    body = parse(ErpSkuBody, ctx.request)
    deps = bootstrap.link_deps()
    created = create_erp_sku(bootstrap.erp_skus(), deps, ErpSku(**body.model_dump()), bootstrap.library())
    return asdict(created) | job_answer(deps)


@admin_route(bp, "/admin/erp-skus/{sku_code}", methods=("PATCH",), role=Role.OPERATOR)
def edit_erp_sku_route(ctx: Ctx, sku_code: str) -> dict[str, Any]:
    from chalicelib.api.shop_schemas import ErpSkuPatchBody
    from chalicelib.services.catalog import edit_erp_sku
    body = parse(ErpSkuPatchBody, ctx.request)
    changes = body.model_dump(exclude={"revision"})
    return asdict(edit_erp_sku(bootstrap.erp_skus(), sku_code, body.revision, **changes))


@admin_route(bp, "/admin/erp-skus/import", methods=("POST",), role=Role.ADMIN)
def import_erp_skus_route(ctx: Ctx) -> dict[str, Any]:
    """The CSV file as the body (text/csv): header sku_code,name[,spec,barcode,price|price_fen]."""
    from chalicelib.services.catalog import import_erp_skus, parse_csv
    raw = ctx.request.raw_body or b""
    deps = bootstrap.link_deps()
    report = import_erp_skus(bootstrap.erp_skus(), deps, parse_csv(raw.encode() if isinstance(raw, str) else raw),
                             bootstrap.library())
    return asdict(report) | job_answer(deps)


@admin_route(bp, "/admin/jobs/{job_id}")
def get_job_route(ctx: Ctx, job_id: str) -> dict[str, Any]:
    """A background job's progress: held orders re-resolved after ERP SKUs or links changed."""
    from chalicelib.services.link_jobs import get_job, job_view
    return job_view(get_job(bootstrap.link_jobs(), job_id))
