"""The goods library (商品库): goods with their spec matrix and SKUs (library SKUs are the ERP SKUs), search
by SKU code, barcode, goods code and name, and for one SKU every shop SKU linked to it. Operators edit."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.catalog import job_answer
from chalicelib.api.http import Ctx, admin_route, page_limit, parse
from chalicelib.domain.users import Role

bp = Blueprint(__name__)


def _query(ctx: Ctx, name: str) -> str:
    return str(dict(ctx.request.query_params or {}).get(name, ""))


@admin_route(bp, "/admin/goods")
def list_goods(ctx: Ctx) -> dict[str, Any]:
    """?q=: a SKU code, a barcode, or the start of a goods code or name (one page, no cursor);
    else every goods in name order (?prefix= narrows it), paged."""
    from chalicelib.services.goods import goods_view, search
    limit = page_limit(ctx.request)
    if _query(ctx, "q"):
        found = search(bootstrap.goods_deps(link=False), _query(ctx, "q"), limit)
        return {"items": [goods_view(g) for g in found], "cursor": None}
    cursor = cursors.read(ctx.request, _query(ctx, "cursor"))
    page = bootstrap.goods().list(limit=limit, cursor=cursor, prefix=_query(ctx, "prefix"))
    return {"items": [goods_view(g) for g in page.items], "cursor": cursors.issue(ctx.request, page.cursor)}


@admin_route(bp, "/admin/goods", methods=("POST",), role=Role.OPERATOR)
def create_goods_route(ctx: Ctx) -> dict[str, Any]:
    """Goods with its spec matrix and one SKU per cell (at most 600), all stored or none."""
    from chalicelib.api.goods_schemas import GoodsBody
    from chalicelib.services.goods import create_goods, goods_view
    body = parse(GoodsBody, ctx.request)
    deps = bootstrap.goods_deps()
    goods, skus = create_goods(deps, _draft(body))
    return goods_view(goods, skus) | job_answer(deps.links)


def _draft(body: Any) -> Any:
    from chalicelib.domain.goods import Goods, GoodsDraft, SkuDraft, SpecAttribute
    fields = body.model_dump(exclude={"specs", "skus"})
    specs = tuple(SpecAttribute(s.name, tuple(s.values)) for s in body.specs)
    goods = Goods(goods_id="", **{**fields, "supplier_ids": tuple(fields["supplier_ids"]),
                                  "images": tuple(fields["images"])}, specs=specs)
    skus = tuple(SkuDraft(**{**s.model_dump(), "spec_values": tuple(s.spec_values)}) for s in body.skus)
    return GoodsDraft(goods, skus)


@admin_route(bp, "/admin/goods/{goods_id}")
def get_goods_route(ctx: Ctx, goods_id: str) -> dict[str, Any]:
    from chalicelib.services.goods import get_goods, goods_view
    return goods_view(*get_goods(bootstrap.goods_deps(link=False), goods_id))


@admin_route(bp, "/admin/goods/{goods_id}", methods=("PATCH",), role=Role.OPERATOR)
def edit_goods_route(ctx: Ctx, goods_id: str) -> dict[str, Any]:
    from chalicelib.api.goods_schemas import GoodsPatchBody
    from chalicelib.services.goods import edit_goods, goods_view
    body = parse(GoodsPatchBody, ctx.request)
    changes = {k: tuple(v) if isinstance(v, list) else v
               for k, v in body.model_dump(exclude={"revision"}).items() if v is not None}
    return goods_view(edit_goods(bootstrap.goods_deps(link=False), goods_id, body.revision, changes))


@admin_route(bp, "/admin/library-skus/{sku_code}", methods=("PATCH",), role=Role.OPERATOR)
def edit_sku_route(ctx: Ctx, sku_code: str) -> dict[str, Any]:
    from chalicelib.api.goods_schemas import SkuPatchBody
    from chalicelib.codec import to_doc
    from chalicelib.services.goods import edit_sku
    body = parse(SkuPatchBody, ctx.request)
    before = bootstrap.erp_skus().get(sku_code)
    changes = {k: v for k, v in body.model_dump(exclude={"revision"}).items() if v is not None}
    after = to_doc(edit_sku(bootstrap.goods_deps(link=False), sku_code, body.revision, changes))
    return ctx.audited(after, to_doc(before))


@admin_route(bp, "/admin/library-skus/{sku_code}", methods=("DELETE",), role=Role.OPERATOR)
def delete_sku_route(ctx: Ctx, sku_code: str) -> dict[str, Any]:
    """Refused (409 with a reason) while the SKU has stock, reserved units (open orders) or shop SKU links."""
    from chalicelib.codec import to_doc
    from chalicelib.services.goods import delete_sku
    before = bootstrap.erp_skus().get(sku_code)
    delete_sku(bootstrap.goods_deps(link=False), sku_code)
    return ctx.audited({"deleted": sku_code}, to_doc(before))


@admin_route(bp, "/admin/library-skus/{sku_code}/shop-skus")
def linked_shop_skus(ctx: Ctx, sku_code: str) -> dict[str, Any]:
    """Every shop SKU linked to this SKU (bundles included), across shops and platforms."""
    from chalicelib.codec import to_doc
    catalog = bootstrap.shop_skus()
    found = [catalog.get(shop_id, sku_id) for shop_id, sku_id in catalog.linked_to(sku_code)]
    return {"items": [to_doc(s) for s in found if s is not None]}


# ------------------------------------------------------------------ images
@admin_route(bp, "/admin/goods/images", methods=("POST",), role=Role.OPERATOR)
def grant_image_upload(ctx: Ctx) -> dict[str, Any]:
    """A presigned S3 POST for one image: the browser sends the file to S3 itself (url + fields), the
    policy limits its size and type; then POST /admin/goods/images/confirm with the key."""
    from chalicelib.api.goods_schemas import ImageGrantBody
    from chalicelib.services.goods_images import grant_upload
    body = parse(ImageGrantBody, ctx.request)
    return grant_upload(bootstrap.images(), body.content_type, body.size)


@admin_route(bp, "/admin/goods/images/confirm", methods=("POST",), role=Role.OPERATOR)
def confirm_image_upload(ctx: Ctx) -> dict[str, Any]:
    """Checks the uploaded object (size, an image of its type; refused ones are deleted) and queues its
    thumbnail."""
    from chalicelib.api.goods_schemas import ImageConfirmBody
    from chalicelib.services.goods_images import confirm_upload
    body = parse(ImageConfirmBody, ctx.request)
    return confirm_upload(bootstrap.images(), bootstrap.publisher(), body.key)


# ------------------------------------------------------------------ shop goods into the library
def _picks(ctx: Ctx) -> Any:
    from chalicelib.api.goods_schemas import PushBody
    from chalicelib.services.goods_push import ProductPick
    body = parse(PushBody, ctx.request)
    return [ProductPick(p.platform_product_id, tuple(p.platform_sku_ids)) for p in body.products]


@admin_route(bp, "/admin/shops/{shop_id}/goods-push/preview", methods=("POST",), role=Role.OPERATOR)
def push_preview(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    """Per product: which shop SKUs' merchant codes are already library SKUs (linked, not created)."""
    from chalicelib.services.goods_push import plan, shop_skus_of
    deps = bootstrap.goods_deps(link=False)
    items = []
    for pick in _picks(ctx):
        skus = shop_skus_of(deps, shop_id, pick)
        items.append({"platform_product_id": pick.platform_product_id, "existing": plan(deps, skus),
                      "skus": len(skus)})
    return {"items": items}


@admin_route(bp, "/admin/shops/{shop_id}/goods-push", methods=("POST",), role=Role.OPERATOR)
def push_route(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    """推送到商品库: up to 50 products, each into library goods + SKUs, its shop SKUs linked; one result per
    product (a refused one never stops the others)."""
    from dataclasses import asdict

    from chalicelib.services.goods_push import push_products
    deps = bootstrap.goods_deps()
    results = push_products(deps, shop_id, _picks(ctx))
    return {"items": [asdict(r) for r in results], "failed": sum(not r.ok for r in results)} | job_answer(deps.links)


@admin_route(bp, "/admin/shops/{shop_id}/goods-push/jobs", methods=("POST",), role=Role.OPERATOR)
def push_job_route(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    """推送到商品库 for many products (up to 2,000) as a background job: answers its id at once; progress
    (products pushed, refused with their reasons, held orders re-resolved) at GET /admin/jobs/{job_id}."""
    from chalicelib.api.goods_schemas import PushJobBody
    from chalicelib.services.goods_push import ProductPick
    from chalicelib.services.link_jobs import job_view
    body = parse(PushJobBody, ctx.request)
    picks = [ProductPick(p.platform_product_id, tuple(p.platform_sku_ids)) for p in body.products]
    job = bootstrap.push_starter()(shop_id, picks)
    return job_view(job) | {"job_url": f"/admin/jobs/{job.job_id}"}
