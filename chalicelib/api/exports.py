"""Background exports: POST /admin/exports starts one (202 with its id), GET /admin/exports lists them
(newest first, paged) and GET /admin/exports/{export_id} shows its progress and, once done, a short-lived
download URL. The filters are the ones the list of that kind takes, checked here (a wrong one is a 400
naming `filters.<name>`) and resolved (a quick range like "today" means the day of the request)."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from chalice import Blueprint, Response

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.http import Ctx, admin_route, page_limit, parse
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.users import Role

bp = Blueprint(__name__)
ORDER_FILTERS = ("shop_id", "platform", "status", "hold", "held", "erp_handoff", "order_no", "tracking_no", "q",
                 "sku", "date_field", "date_from", "date_to", "range", "updated_from", "updated_to")
CASE_FILTERS = ("shop_id", "platform", "type", "status", "deadline_before", "order_no")
SHIPMENT_FILTERS = ("shop_id", "carrier_code", "source", "status", "from", "to")
STOCK_FILTERS = ("warehouse_id",)
REPORT_FILTERS = ("date_from", "date_to", "by", "shop_id")     # the reports page's own


@admin_route(bp, "/admin/exports", methods=("POST",), role=Role.OPERATOR)
def start(ctx: Ctx) -> Response:
    """{"kind": "orders" | "order_lines" | "after_sales" | "shipments" | "stock" | "reports",
    "format": "xlsx" | "csv",
    "language": "zh" | "en", "filters": {...the list's query parameters...}} -> 202 with the export."""
    from chalicelib.api.export_schemas import ExportBody
    from chalicelib.domain.exports import parse_format, parse_kind, parse_language
    from chalicelib.services.export_jobs import Request, export_view, start_export
    body = parse(ExportBody, ctx.request)
    kind, fmt, language = parse_kind(body.kind), parse_format(body.format), parse_language(body.language)
    filters = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in body.filters.items()
               if v is not None and v != ""}
    query, total = _resolve(kind.value, filters)
    job = start_export(bootstrap.export_store(), bootstrap.publisher(), bootstrap.clock(),
                       Request(kind, fmt, language, query, filters, total), ctx.user.username if ctx.user else "")
    return Response(ctx.audited(export_view(job)), status_code=202)


@admin_route(bp, "/admin/exports")
def list_exports(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.services.export_jobs import export_view
    params = cursors.query(ctx.request)
    page = bootstrap.export_store().recent(page_limit(ctx.request, default=20, top=100), params.get("cursor"))
    return {"items": [export_view(job) for job in page.items], "cursor": cursors.issue(ctx.request, page.cursor)}


@admin_route(bp, "/admin/exports/{export_id}")
def get_export_route(ctx: Ctx, export_id: str) -> dict[str, Any]:
    from chalicelib.services.export_jobs import export_view, get_export
    job = get_export(bootstrap.export_store(), export_id)
    return export_view(job, bootstrap.export_files())


def _resolve(kind: str, filters: dict[str, str]) -> tuple[dict[str, Any], int | None]:
    """The filters, checked by the list's own parser, as the query the worker runs; and the count when a
    counter knows it (the orders)."""
    allowed = {"orders": ORDER_FILTERS, "order_lines": ORDER_FILTERS, "after_sales": CASE_FILTERS,
               "shipments": SHIPMENT_FILTERS, "stock": STOCK_FILTERS, "reports": REPORT_FILTERS}[kind]
    unknown = sorted(set(filters) - set(allowed))
    if unknown:
        raise ValidationError(f"unknown filter {unknown[0]} for {kind}: one of {', '.join(allowed)}",
                              field=f"filters.{unknown[0]}", reason="exports.filter")
    try:
        return _query(kind, filters)
    except ValidationError as exc:
        raise ValidationError(str(exc), field=f"filters.{exc.field}" if exc.field else "filters",
                              reason=exc.reason or "exports.filter") from exc


def _query(kind: str, filters: dict[str, str]) -> tuple[dict[str, Any], int | None]:
    from chalicelib.codec import to_doc
    now = bootstrap.clock().now()
    if kind in ("orders", "order_lines"):
        from chalicelib.api.order_params import order_query
        from chalicelib.services.workbench import list_orders
        q = order_query(filters, now)
        total = list_orders(bootstrap.orders(), bootstrap.order_counters(), bootstrap.shops(),
                            replace(q, limit=1)).total if kind == "orders" else None
        return to_doc(replace(q, cursor=None)), total
    if kind == "after_sales":
        from chalicelib.api.after_sales import _query as case_query
        return to_doc(case_query(filters)), None
    if kind == "shipments":
        from chalicelib.services.shipment_lists import CHINA, list_query
        shipments = list_query(filters, now.astimezone(CHINA).date())
        return {**to_doc(shipments), "day_from": shipments.day_from.isoformat(),
                "day_to": shipments.day_to.isoformat()}, None
    if kind == "reports":
        return _report_query(filters), None
    warehouse = filters.get("warehouse_id", "")
    if warehouse and bootstrap.warehouses().get(warehouse) is None:
        raise ValidationError(f"no warehouse {warehouse}", field="warehouse_id", reason="exports.filter")
    return {"warehouse_id": warehouse}, None


def _report_query(filters: dict[str, str]) -> dict[str, Any]:
    """The reports page's range (checked as GET /admin/reports/daily checks it: without dates the last 30
    days), its grouping (shop by default, as the page opens) and a known shop."""
    from chalicelib.api.reports import report_range
    from chalicelib.services.report_rows import check_grouping
    first, last = report_range(filters)
    by, shop_id = filters.get("by") or "shop", filters.get("shop_id", "")
    check_grouping(by, shop_id)
    if shop_id and bootstrap.shops().get(shop_id) is None:
        raise ValidationError(f"no shop {shop_id}", field="shop_id", reason="exports.filter")
    return {"date_from": first, "date_to": last, "by": by, "shop_id": shop_id}
