"""Shops: list, add (self-built or third-party app), tokens, authorise, pause / resume, token refresh,
stock-sync settings, catalog pull on demand. Admins manage shops; operators may pause and pull."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.http import Ctx, admin_route, page_limit, parse
from chalicelib.domain.users import Role

bp = Blueprint(__name__)


def _view(shop: Any) -> dict[str, Any]:
    from chalicelib.services.shop_admin import shop_view
    return shop_view(shop)


@admin_route(bp, "/admin/shops")
def list_shops(ctx: Ctx) -> dict[str, Any]:
    """?archived=true lists the archived shops too."""
    from chalicelib.domain.status import ShopStatus
    with_archived = _query(ctx, "archived") == "true"
    return {"items": [_view(s) for s in bootstrap.shops().all()
                      if with_archived or s.status is not ShopStatus.ARCHIVED]}


@admin_route(bp, "/admin/shops", methods=("POST",), role=Role.ADMIN)
def add_shop_route(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.shop_schemas import NewShopBody
    from chalicelib.services.shop_admin import add_shop
    body = parse(NewShopBody, ctx.request)
    return _view(add_shop(bootstrap.shops(), bootstrap.platforms(), **body.model_dump()))


@admin_route(bp, "/admin/shops/{shop_id}")
def get_shop(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    from chalicelib.services.shop_admin import require
    return _view(require(bootstrap.shops(), shop_id))


@admin_route(bp, "/admin/shops/{shop_id}", methods=("PATCH",), role=Role.ADMIN)
def edit_shop_route(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    from chalicelib.api.shop_schemas import ShopPatchBody
    from chalicelib.services.shop_admin import edit_shop, require
    from chalicelib.services.stock_sync import update_settings
    body = parse(ShopPatchBody, ctx.request)
    before = _view(require(bootstrap.shops(), shop_id))
    shop = edit_shop(bootstrap.shops(), shop_id, **body.model_dump(exclude={"stock_sync"}))
    if body.stock_sync is not None:
        update_settings(bootstrap.stock_sync(), shop_id, **body.stock_sync.model_dump())
    return ctx.audited({**_view(shop), "secret_changed": body.app_secret is not None}, before)


@admin_route(bp, "/admin/shops/{shop_id}", methods=("DELETE",), role=Role.ADMIN)
def archive_shop_route(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    from chalicelib.services.shop_admin import archive_shop, require
    before = _view(require(bootstrap.shops(), shop_id))
    return ctx.audited(_view(archive_shop(bootstrap.shops(), shop_id, ctx.actor)), before)


@admin_route(bp, "/admin/shops/{shop_id}/tokens", methods=("PUT",), role=Role.ADMIN)
def put_tokens(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    from chalicelib.api.shop_schemas import TokensBody
    from chalicelib.services.shop_admin import set_tokens
    body = parse(TokensBody, ctx.request)
    return ctx.audited(_view(set_tokens(bootstrap.shops(), shop_id, **body.model_dump())))


@admin_route(bp, "/admin/shops/{shop_id}/authorize", methods=("POST",), role=Role.ADMIN)
def authorise_shop_route(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    """redirect: the URL the seller opens (the platform calls /oauth/<platform>/callback after);
    direct: Douyin self-built and WeChat shops get their token at once."""
    from chalicelib.api.oauth import callback_uri
    from chalicelib.api.shop_schemas import AuthoriseBody
    from chalicelib.config import settings
    from chalicelib.services.oauth import authorise_directly, authorise_url
    from chalicelib.services.shop_admin import require
    body = parse(AuthoriseBody, ctx.request)
    shops = bootstrap.shops()
    if body.mode == "direct":
        from chalicelib.services.waybill_accounts import set_up_shipping
        shop = authorise_directly(shops, bootstrap.clients(), bootstrap.platforms(), shop_id)
        set_up_shipping(bootstrap.waybill_deps(), shop_id)       # waybill accounts and a default, at once
        return {"shop": _view(shop)}
    shop = require(shops, shop_id)
    redirect = callback_uri(ctx.request, shop.platform.value)
    url = authorise_url(shops, bootstrap.clients(), shop_id, redirect, settings().jwt_secret, bootstrap.clock().now())
    return {"authorize_url": url, "redirect_uri": redirect}


@admin_route(bp, "/admin/shops/{shop_id}/pause", methods=("POST",), role=Role.OPERATOR)
def pause_shop_route(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    from chalicelib.api.shop_schemas import PauseBody
    from chalicelib.services.shop_admin import pause_shop
    body = parse(PauseBody, ctx.request) if ctx.request.raw_body else None
    reason = body.reason if body else ""
    return ctx.audited(_view(pause_shop(bootstrap.shops(), shop_id, reason or f"paused by {ctx.actor}")))


@admin_route(bp, "/admin/shops/{shop_id}/resume", methods=("POST",), role=Role.OPERATOR)
def resume_shop_route(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    from chalicelib.services.shop_admin import resume_shop
    return ctx.audited(_view(resume_shop(bootstrap.shops(), bootstrap.platforms(), shop_id, bootstrap.clock().now())))


@admin_route(bp, "/admin/shops/{shop_id}/tokens/refresh", methods=("POST",), role=Role.ADMIN)
def refresh_now(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    from chalicelib.services.alert_scan import shop_alert
    from chalicelib.services.shop_admin import require
    from chalicelib.services.tokens import refresh_shop
    shops = bootstrap.shops()
    outcome = refresh_shop(shops, bootstrap.clients(), bootstrap.platforms(), bootstrap.shop_leases(),
                           bootstrap.clock(), shop_id, force=True)
    shop = require(shops, shop_id)
    alert = shop_alert(shop, bootstrap.clock().now())
    if alert is not None:
        bootstrap.alert_sink().raise_alerts([alert])
    return {"outcome": outcome.value, "shop": _view(shop)}


@admin_route(bp, "/admin/shops/{shop_id}/stock-sync")
def get_stock_sync(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    return asdict(bootstrap.stock_sync().get_settings(shop_id))


@admin_route(bp, "/admin/shops/{shop_id}/stock-sync", methods=("PUT",), role=Role.ADMIN)
def put_stock_sync(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    from chalicelib.api.shop_schemas import StockSyncBody
    from chalicelib.services.shop_admin import require
    from chalicelib.services.stock_sync import update_settings
    body = parse(StockSyncBody, ctx.request)
    require(bootstrap.shops(), shop_id)
    return asdict(update_settings(bootstrap.stock_sync(), shop_id, **body.model_dump()))


@admin_route(bp, "/admin/shops/{shop_id}/stock-pushes")
def stock_pushes(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    from chalicelib.codec import to_doc
    cursor = cursors.read(ctx.request, _query(ctx, "cursor"))
    page = bootstrap.stock_sync().pushes(shop_id, limit=page_limit(ctx.request), cursor=cursor)
    return {"items": [to_doc(p) for p in page.items], "cursor": cursors.issue(ctx.request, page.cursor)}


@admin_route(bp, "/admin/shops/{shop_id}/catalog/pull", methods=("POST",), role=Role.OPERATOR)
def pull_now(ctx: Ctx, shop_id: str) -> Response:
    """A catalog grows with the shop: the pull runs on the link-jobs queue and this answers 202 with the job
    (GET /admin/jobs/{job_id}: fetched, added, linked, then the held orders it released)."""
    from chalicelib.services.link_jobs import JobStarter
    from chalicelib.services.shop_admin import require
    shop = require(bootstrap.shops(), shop_id)
    job_id = JobStarter(bootstrap.link_jobs(), bootstrap.publisher(), bootstrap.clock()).catalog_pull(shop.shop_id)
    return Response(ctx.audited({"job_id": job_id, "job_url": f"/admin/jobs/{job_id}"}), status_code=202)


def _query(ctx: Ctx, name: str) -> str | None:
    params: dict[str, str] = dict(ctx.request.query_params or {})
    return params.get(name)
