"""Categories (a tree with spec attributes) and brands of the goods library."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.http import Ctx, admin_route, page_limit, parse
from chalicelib.codec import to_doc
from chalicelib.domain.users import Role

bp = Blueprint(__name__)


def cursor_of(ctx: Ctx) -> str:
    return str(dict(ctx.request.query_params or {}).get("cursor", ""))


def page_of(ctx: Ctx, store: Any, cursor: str | None) -> dict[str, Any]:
    """`cursor`: storage's, read from the signed one by the route (cursors.read)."""
    page = store.list(limit=page_limit(ctx.request, top=200), cursor=cursor)
    return {"items": [to_doc(r) for r in page.items], "cursor": cursors.issue(ctx.request, page.cursor)}


def _specs(specs: Any) -> Any:
    from chalicelib.domain.goods import SpecAttribute
    return tuple(SpecAttribute(s.name, tuple(s.values)) for s in specs)


def changes_of(body: Any) -> dict[str, Any]:
    return {k: v for k, v in body.model_dump(exclude={"revision"}).items() if v is not None}


# ------------------------------------------------------------------ categories
@admin_route(bp, "/admin/categories")
def list_categories(ctx: Ctx) -> dict[str, Any]:
    """Every category in name order, each with its parent_id (the UI builds the tree)."""
    return page_of(ctx, bootstrap.categories(), cursors.read(ctx.request, cursor_of(ctx)))


@admin_route(bp, "/admin/categories", methods=("POST",), role=Role.OPERATOR)
def create_category_route(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.goods_schemas import CategoryBody
    from chalicelib.domain.taxonomy import Category
    from chalicelib.services.taxonomy import create_category
    body = parse(CategoryBody, ctx.request)
    category = Category("", body.name, body.parent_id, _specs(body.specs))
    return to_doc(create_category(bootstrap.categories(), category))


@admin_route(bp, "/admin/categories/{category_id}", methods=("PATCH",), role=Role.OPERATOR)
def edit_category_route(ctx: Ctx, category_id: str) -> dict[str, Any]:
    """Moving a category under itself or one of its descendants is a 400 (reason category.cycle)."""
    from chalicelib.api.goods_schemas import CategoryPatchBody
    from chalicelib.services.taxonomy import edit_category
    body = parse(CategoryPatchBody, ctx.request)
    changes = changes_of(body)
    if body.specs is not None:
        changes["specs"] = _specs(body.specs)
    return to_doc(edit_category(bootstrap.categories(), category_id, body.revision, changes))


# ------------------------------------------------------------------ brands
@admin_route(bp, "/admin/brands")
def list_brands(ctx: Ctx) -> dict[str, Any]:
    return page_of(ctx, bootstrap.brands(), cursors.read(ctx.request, cursor_of(ctx)))


@admin_route(bp, "/admin/brands", methods=("POST",), role=Role.OPERATOR)
def create_brand_route(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.goods_schemas import BrandBody
    from chalicelib.domain.taxonomy import Brand
    from chalicelib.services.taxonomy import create_brand
    body = parse(BrandBody, ctx.request)
    return to_doc(create_brand(bootstrap.brands(), Brand("", body.name, body.status)))


@admin_route(bp, "/admin/brands/{brand_id}", methods=("PATCH",), role=Role.OPERATOR)
def edit_brand_route(ctx: Ctx, brand_id: str) -> dict[str, Any]:
    from chalicelib.api.goods_schemas import BrandPatchBody
    from chalicelib.services.taxonomy import edit_brand
    body = parse(BrandPatchBody, ctx.request)
    return to_doc(edit_brand(bootstrap.brands(), brand_id, body.revision, changes_of(body)))
