"""The parcels admin API (发货单: 合单 / 拆单): an order's parcels, merge / unmerge / split-out, split / unsplit,
a shop's merge proposals and settings, waybills per parcel. Thin: parse, one use case, answer."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.http import Ctx, admin_route, parse
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.users import Role

bp = Blueprint(__name__)


def _views(fulfilments: Any) -> dict[str, Any]:
    from chalicelib.services.erp_views import fulfilment_view
    return {"items": [fulfilment_view(f) for f in fulfilments]}


@admin_route(bp, "/admin/orders/{order_id}/parcels")
def order_parcels(ctx: Ctx, order_id: str) -> dict[str, Any]:
    from chalicelib.services.fulfilment_views import order_parcels as view
    return view(bootstrap.fulfil_deps(), order_id)


@admin_route(bp, "/admin/fulfilments/merge", methods=("POST",), role=Role.OPERATOR)
def merge_orders(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.fulfilment_schemas import MergeBody
    from chalicelib.services.fulfilments import merge
    body = parse(MergeBody, ctx.request)
    return _views([merge(bootstrap.fulfil_deps(), body.order_ids, ctx.actor)])


@admin_route(bp, "/admin/fulfilments/{fulfilment_id}/unmerge", methods=("POST",), role=Role.OPERATOR)
def unmerge(ctx: Ctx, fulfilment_id: str) -> dict[str, Any]:
    from chalicelib.services.fulfilments import unmerge as undo
    return _views([undo(bootstrap.fulfil_deps(), fulfilment_id, ctx.actor)])


@admin_route(bp, "/admin/fulfilments/{fulfilment_id}/split-out", methods=("POST",), role=Role.OPERATOR)
def split_out(ctx: Ctx, fulfilment_id: str) -> dict[str, Any]:
    from chalicelib.api.fulfilment_schemas import SplitOutBody
    from chalicelib.services.fulfilments import check_not_handed_over, get
    from chalicelib.services.fulfilments import split_out as leave
    body = parse(SplitOutBody, ctx.request)
    deps = bootstrap.fulfil_deps()
    if body.order_id not in get(deps, fulfilment_id).order_ids:
        raise ValidationError(f"order {body.order_id} is not in parcel {fulfilment_id}", field="order_id",
                              reason="fulfilment.not_member")
    check_not_handed_over(deps, [body.order_id])
    left = leave(deps, body.order_id, ctx.actor, "by hand")
    return _views([left] if left else [])


@admin_route(bp, "/admin/orders/{order_id}/split", methods=("POST",), role=Role.OPERATOR)
def split_order(ctx: Ctx, order_id: str) -> dict[str, Any]:
    from chalicelib.api.fulfilment_schemas import SplitBody
    from chalicelib.services.fulfilment_splits import split_auto, split_by_hand
    body = parse(SplitBody, ctx.request)
    if (body.parts is None) == (body.by is None):
        raise ValidationError("give either parts (by hand) or by (stock or weight)", field="parts",
                              reason="fulfilment.split_how")
    deps = bootstrap.fulfil_deps()
    if body.parts is not None:
        parts = [[(line.line_id, line.quantity) for line in part] for part in body.parts]
        return _views(split_by_hand(deps, order_id, parts, ctx.actor))
    assert body.by is not None
    return _views(split_auto(deps, order_id, body.by, ctx.actor, body.weight_limit_g))


@admin_route(bp, "/admin/orders/{order_id}/unsplit", methods=("POST",), role=Role.OPERATOR)
def unsplit_order(ctx: Ctx, order_id: str) -> dict[str, Any]:
    from chalicelib.services.fulfilment_splits import unsplit
    return _views(unsplit(bootstrap.fulfil_deps(), order_id, ctx.actor))


@admin_route(bp, "/admin/shops/{shop_id}/merge-proposals")
def merge_proposals(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    from chalicelib.services.fulfilment_views import shop_proposals
    return {"items": shop_proposals(bootstrap.fulfil_deps(), shop_id)}


@admin_route(bp, "/admin/shops/{shop_id}/fulfilment-settings")
def get_settings(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    return asdict(bootstrap.fulfil_settings().get_fulfil_settings(shop_id))


@admin_route(bp, "/admin/shops/{shop_id}/fulfilment-settings", methods=("PUT",), role=Role.ADMIN)
def put_settings(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    from chalicelib.api.fulfilment_schemas import FulfilSettingsBody
    from chalicelib.services.fulfilments import save_settings
    body = parse(FulfilSettingsBody, ctx.request)
    return asdict(save_settings(bootstrap.fulfil_settings(), shop_id, body.merge_mode, body.weight_limit_g,
                                body.revision, body.auto_split))


@admin_route(bp, "/admin/fulfilments/waybills", methods=("POST",), role=Role.OPERATOR)
def parcel_waybills(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.fulfilment_schemas import ParcelWaybillsBody
    from chalicelib.api.waybills import outcomes_view
    from chalicelib.services.waybills import issue_parcels
    body = parse(ParcelWaybillsBody, ctx.request)
    return outcomes_view(issue_parcels(bootstrap.waybill_deps(), body.fulfilment_ids, body.account_id or ""),
                         "fulfilment_id")
