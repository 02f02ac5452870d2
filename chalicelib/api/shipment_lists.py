"""发货记录: GET /admin/shipments lists every shipment (ERP, admin, CSV import, waybill desk), newest first,
with filters (shop_id, carrier_code, source, status, from/to days in China time) and cursor paging."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api import cursors
from chalicelib.api.http import Ctx, admin_route

bp = Blueprint(__name__)


@admin_route(bp, "/admin/shipments")
def list_shipments_route(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.services.erp_views import shipment_view
    from chalicelib.services.shipment_lists import CHINA, list_query, list_shipments, source_kind
    today = bootstrap.clock().now().astimezone(CHINA).date()
    query = list_query(cursors.query(ctx.request), today)
    items, cursor = list_shipments(bootstrap.shipments(), query)
    return {"items": [shipment_view(s) | {"source_kind": source_kind(s.source)} for s in items],
            "cursor": cursors.issue(ctx.request, cursor),
            "from": query.day_from.isoformat(), "to": query.day_to.isoformat()}
