"""Orders in the admin API: list with filters and cursor paging, detail, raw payload, memo, holds, cancel."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from chalice import Blueprint, Chalice, Response

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.http import Ctx, admin_route, parse
from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.users import Role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Blueprint(Blueprint):
    """Registers the xlsx type as binary on the app it joins (chalice base64-encodes it for API Gateway)."""

    def register(self, app: Chalice, options: dict[str, Any]) -> None:
        super().register(app, options)
        if XLSX not in app.api.binary_types:
            app.api.binary_types.append(XLSX)


bp = _Blueprint(__name__)


@admin_route(bp, "/admin/orders")
def list_orders(ctx: Ctx) -> dict[str, Any]:
    """A full page (or the last) for any filter, the total of all matches, and the query it answers."""
    from chalicelib.api.order_params import order_query
    from chalicelib.api.views import order_summary
    from chalicelib.services.workbench import list_orders as page_of
    q = order_query(cursors.query(ctx.request), bootstrap.clock().now())
    page = page_of(bootstrap.orders(), bootstrap.order_counters(), bootstrap.shops(), q)
    cursor = cursors.issue(ctx.request, page.next)
    return {"items": [order_summary(o) for o in page.items], "next": cursor, "cursor": cursor,
            "total": page.total, "query": q.normalised()}


@admin_route(bp, "/admin/orders/counts")
def order_counts(ctx: Ctx) -> dict[str, Any]:
    """The status tabs' counts under the other filters, from the counters (null where none serves them)."""
    from chalicelib.api.order_params import order_query
    from chalicelib.services.workbench import tab_counts
    q = order_query(dict(ctx.request.query_params or {}), bootstrap.clock().now())
    query = {k: v for k, v in q.normalised().items() if k not in ("status", "limit")}
    return {"counts": tab_counts(bootstrap.order_counters(), bootstrap.shops(), q), "query": query}


@admin_route(bp, "/admin/orders/export", role=Role.OPERATOR)
def export_orders(ctx: Ctx) -> Response:
    """The orders of exactly the list's filters: `format=xlsx` (default) or `csv` (UTF-8 with a BOM); Chinese
    headers, yuan with two decimals; at most 5,000 orders (a larger list: 400, reason orders.export_too_large).
    An xlsx is binary: send `Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`."""
    from chalicelib.api.order_params import order_query
    from chalicelib.services import order_export
    from chalicelib.services.workbench import list_orders as page_of
    params = dict(ctx.request.query_params or {})
    kind = params.pop("format", "xlsx")
    if kind not in ("xlsx", "csv"):
        raise ValidationError("format must be xlsx or csv", field="format", reason="orders.filter_value")
    q = order_query(params, bootstrap.clock().now())
    order_export.check_size(page_of(bootstrap.orders(), bootstrap.order_counters(), bootstrap.shops(),
                                    replace(q, limit=1)).total)
    names = {s.shop_id: s.name for s in bootstrap.shops().all()}
    table = order_export.rows(bootstrap.orders(), q, names)
    attachment = f"attachment; filename=orders-{bootstrap.clock().now():%Y%m%d-%H%M}.{kind}"
    if kind == "csv":
        return Response(order_export.as_csv(table), headers={
            "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": attachment})
    return Response(order_export.as_xlsx(table), headers={"Content-Type": XLSX, "Content-Disposition": attachment})


@admin_route(bp, "/admin/dashboard")
def dashboard(ctx: Ctx) -> dict[str, Any]:
    """The home page's figures, all from counters: tabs, held orders by reason, today's new orders."""
    from chalicelib.services.workbench import dashboard as figures
    return figures(bootstrap.order_counters(), bootstrap.shops(), bootstrap.clock().now())


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
