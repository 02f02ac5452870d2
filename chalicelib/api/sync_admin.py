"""Sync health per shop and stream, pull logs, and the repair tools (admin API)."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap
from chalicelib.api.http import Ctx, admin_route, parse
from chalicelib.domain.users import Role

bp = Blueprint(__name__)


@admin_route(bp, "/admin/sync")
def sync_health(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.domain.sync import Stream
    now = bootstrap.clock().now()
    items = []
    from chalicelib.domain.status import ShopStatus
    for shop in bootstrap.shops().all():
        if shop.status is ShopStatus.ARCHIVED:
            continue
        streams = {}
        for stream in Stream:
            cursor = bootstrap.sync().get_cursor(shop.shop_id, stream)
            streams[stream.value] = {
                "watermark": cursor.watermark.isoformat() if cursor.watermark else None,
                "lag_seconds": int((now - cursor.watermark).total_seconds()) if cursor.watermark else None,
                "last_success_at": cursor.last_success_at.isoformat() if cursor.last_success_at else None,
                "last_error": cursor.last_error, "pulling": bool(cursor.lease_owner),
                "today": bootstrap.sync().counts(shop.shop_id, stream, now),
            }
        items.append({"shop_id": shop.shop_id, "name": shop.name, "platform": shop.platform.value,
                      "status": shop.status.value, "status_reason": shop.status_reason, "streams": streams})
    return {"items": items}


@admin_route(bp, "/admin/sync/{shop_id}/{stream}/logs")
def pull_logs(ctx: Ctx, shop_id: str, stream: str) -> dict[str, Any]:
    from chalicelib.codec import to_doc
    from chalicelib.domain.errors import ValidationError
    from chalicelib.domain.sync import Stream
    if stream not in {s.value for s in Stream}:
        raise ValidationError("stream must be orders or after_sales", field="stream")
    return {"items": [to_doc(log) for log in bootstrap.sync().logs(shop_id, Stream(stream))]}


@admin_route(bp, "/admin/sync/{shop_id}/now", methods=("POST",), role=Role.OPERATOR)
def sync_now(ctx: Ctx, shop_id: str) -> dict[str, Any]:
    from chalicelib.services.repair import pull_now
    return {"jobs": pull_now(bootstrap.shops(), bootstrap.publisher(), shop_id, bootstrap.clock().now())}


@admin_route(bp, "/admin/repair/pull-order", methods=("POST",), role=Role.OPERATOR)
def repair_pull_order(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.schemas import PullOrderBody
    from chalicelib.services.repair import pull_order
    body = parse(PullOrderBody, ctx.request)
    pull_order(bootstrap.shops(), bootstrap.publisher(), body.shop_id, body.order_no)
    return {"queued": True}


@admin_route(bp, "/admin/repair/resync", methods=("POST",), role=Role.OPERATOR)
def repair_resync(ctx: Ctx) -> dict[str, Any]:
    from chalicelib.api.schemas import ResyncBody
    from chalicelib.services.repair import resync
    body = parse(ResyncBody, ctx.request)
    return {"jobs": resync(bootstrap.shops(), bootstrap.publisher(), body.shop_id, body.stream, body.start, body.end)}


@admin_route(bp, "/admin/dlq", role=Role.ADMIN)
def dead_letters(ctx: Ctx) -> dict[str, Any]:
    return {"counts": bootstrap.dead_letters().counts()}


@admin_route(bp, "/admin/dlq/{queue}", role=Role.ADMIN)
def peek_dead_letters(ctx: Ctx, queue: str) -> dict[str, Any]:
    return {"items": bootstrap.dead_letters().peek(_queue(queue))}


@admin_route(bp, "/admin/dlq/{queue}/redrive", methods=("POST",), role=Role.ADMIN)
def redrive(ctx: Ctx, queue: str) -> dict[str, Any]:
    return {"moved": bootstrap.dead_letters().redrive(_queue(queue))}


def _queue(queue: str) -> str:
    from chalicelib import names
    from chalicelib.domain.errors import ValidationError
    if queue not in names.QUEUES:
        raise ValidationError(f"queue must be one of {sorted(names.QUEUES)}", field="queue")
    return queue
