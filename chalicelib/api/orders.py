"""Orders in the admin API: list with filters and cursor paging, detail, raw payload, memo, holds, cancel."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.http import Ctx, admin_route, parse
from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.users import Role

bp = Blueprint(__name__)
MAX_LIMIT = 200


@admin_route(bp, "/admin/orders")
def list_orders(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.views import order_summary
    page = bootstrap.orders().query(_query(cursors.query(ctx.request)))
    return {"items": [order_summary(o) for o in page.items], "cursor": cursors.issue(ctx.request, page.cursor)}


@admin_route(bp, "/admin/orders/{order_id}")
def get_order(ctx: Ctx, order_id: str) -> dict[str, Any]:
    from chalicelib.api.views import order_detail
    order = bootstrap.orders().get(order_id)
    if order is None:
        raise NotFoundError(f"no order {order_id}")
    cases = bootstrap.after_sales().for_order(order_id)
    return {**order_detail(order), "after_sales": [{"case_id": c.case_id, "type": c.type.value,
                                                    "status": c.status.value, "refund_fen": c.refund_fen}
                                                   for c in cases]}


@admin_route(bp, "/admin/orders/{order_id}/raw", role=Role.OPERATOR)
def get_raw(ctx: Ctx, order_id: str) -> dict[str, Any]:
    order = bootstrap.orders().get(order_id)
    if order is None or not order.raw_ref:
        raise NotFoundError(f"no raw payload for order {order_id}", reason="order.no_raw_payload")
    ctx.audit_view()      # what the platform sent may hold full buyer details: who looked is recorded
    return {"raw_ref": order.raw_ref, "payload": bootstrap.raw_store().get(order.raw_ref)}


@admin_route(bp, "/admin/orders/{order_id}/memo", methods=("POST",), role=Role.OPERATOR)
def edit_memo(ctx: Ctx, order_id: str) -> dict[str, Any]:
    from chalicelib.api.schemas import MemoBody
    from chalicelib.api.views import order_summary
    from chalicelib.services.order_admin import set_memo
    body = parse(MemoBody, ctx.request)
    order = set_memo(bootstrap.orders(), bootstrap.publisher(), bootstrap.clock(), order_id, body.memo, body.flag,
                     ctx.actor)
    return ctx.audited(order_summary(order))


@admin_route(bp, "/admin/orders/{order_id}/hold", methods=("POST",), role=Role.OPERATOR)
def hold_order(ctx: Ctx, order_id: str) -> dict[str, Any]:
    from chalicelib.api.schemas import HoldBody
    from chalicelib.api.views import order_summary
    from chalicelib.domain.status import HoldReason
    from chalicelib.services.order_admin import hold
    body = parse(HoldBody, ctx.request)
    return ctx.audited(order_summary(hold(bootstrap.orders(), bootstrap.clock(), order_id, HoldReason(body.reason),
                                          body.note, ctx.actor)))


@admin_route(bp, "/admin/orders/{order_id}/release", methods=("POST",), role=Role.OPERATOR)
def release_order(ctx: Ctx, order_id: str) -> dict[str, Any]:
    from chalicelib.api.schemas import HoldBody
    from chalicelib.api.views import order_summary
    from chalicelib.domain.status import HoldReason
    from chalicelib.services.order_admin import release
    body = parse(HoldBody, ctx.request)
    return ctx.audited(order_summary(release(bootstrap.orders(), bootstrap.clock(), order_id, HoldReason(body.reason),
                                             ctx.actor)))


@admin_route(bp, "/admin/orders/{order_id}/cancel", methods=("POST",), role=Role.OPERATOR)
def cancel_order(ctx: Ctx, order_id: str) -> dict[str, Any]:
    from chalicelib.api.schemas import CancelBody
    from chalicelib.api.views import order_summary
    from chalicelib.services.order_admin import cancel
    body = parse(CancelBody, ctx.request)
    return ctx.audited(order_summary(cancel(bootstrap.orders(), bootstrap.clock(), order_id, body.reason, ctx.actor)))


def _query(params: dict[str, str]) -> Any:
    from datetime import datetime

    from chalicelib.domain.status import HoldReason, OrderStatus
    from chalicelib.services.ports import OrderQuery

    def enum(kind: Any, name: str) -> Any:
        value = params.get(name)
        try:
            return kind(value) if value else None
        except ValueError as exc:
            raise ValidationError(f"{name} must be one of {[v.value for v in kind]}", field=name) from exc

    def time(name: str) -> datetime | None:
        value = params.get(name)
        try:
            return datetime.fromisoformat(value) if value else None
        except ValueError as exc:
            raise ValidationError(f"{name} must be an ISO 8601 time", field=name) from exc

    try:
        limit = min(MAX_LIMIT, max(1, int(params.get("limit", "50"))))
    except ValueError as exc:
        raise ValidationError("limit must be a whole number", field="limit") from exc
    return OrderQuery(shop_id=params.get("shop_id"), status=enum(OrderStatus, "status"), hold=enum(HoldReason, "hold"),
                      held_only=params.get("held") == "true", order_no=params.get("order_no"),
                      platform=params.get("platform"), erp_handoff=params.get("erp_handoff"),
                      tracking_no=params.get("tracking_no"), text=params.get("q"), updated_from=time("updated_from"),
                      updated_to=time("updated_to"), limit=limit, cursor=params.get("cursor"))
