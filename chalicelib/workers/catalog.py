"""Scheduled catalog work: shop catalogs pulled in slots (each shop every 6 hours), every minute the
stock push sweep (debounced platform pushes) and the retry of orders held out of stock, and once a day the
full stock reconcile."""
from __future__ import annotations

import logging
import zlib
from datetime import datetime
from typing import Any

from chalice import Blueprint, Cron, Rate

from chalicelib import bootstrap

bp = Blueprint(__name__)
log = logging.getLogger("oms.workers.catalog")

CATALOG_TICK_MINUTES = 10
CATALOG_SLOTS = 36             # 36 ticks of 10 minutes: every shop once in 6 hours


def slot_of(shop_id: str) -> int:
    return zlib.crc32(shop_id.encode()) % CATALOG_SLOTS


def fired_at(event: Any) -> datetime:
    """The time the schedule fired for (EventBridge's `time`), which slots and every-N-minutes work follow
    rather than the clock: a late run keeps its slot, and the local runtime's faster tick scale (whose
    events carry its virtual time) walks every slot in turn instead of repeating the wall clock's one."""
    raw = getattr(event, "time", None)
    if isinstance(raw, str):
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            log.warning("a schedule event's time is not ISO 8601: the clock is used", extra={"time": raw[:40]})
    return bootstrap.clock().now()


@bp.schedule(Rate(CATALOG_TICK_MINUTES, unit=Rate.MINUTES))
def pull_catalogs(event: Any) -> dict[str, Any]:
    from chalicelib.services.catalog import pull_catalog
    slot = int(fired_at(event).timestamp() // (CATALOG_TICK_MINUTES * 60)) % CATALOG_SLOTS
    context = getattr(event, "context", None)

    def time_left() -> float:
        return context.get_remaining_time_in_millis() / 1000 if context else 600.0

    done: dict[str, Any] = {}
    for shop in bootstrap.shops().syncing():
        if slot_of(shop.shop_id) != slot or time_left() < 60:
            continue
        try:
            counts = pull_catalog(bootstrap.link_deps(), shop, bootstrap.clients()(shop), time_left)
            done[shop.shop_id] = counts.__dict__
        except Exception as exc:   # one shop's failure must not stop the others
            log.exception("catalog pull failed", extra={"shop_id": shop.shop_id})
            done[shop.shop_id] = {"error": str(exc)[:200]}
    log.info("catalogs pulled", extra={"slot": slot, "shops": len(done)})
    return done


PRESALE_MINUTES = 10     # presale dates are days apart: a look every ten minutes is on time, and cheaper


@bp.schedule(Rate(1, unit=Rate.MINUTES))
def stock_tick(event: Any) -> dict[str, int]:
    from chalicelib.services.presale import release_due_presales
    from chalicelib.services.stock import retry_out_of_stock
    from chalicelib.services.stock_sync import sweep_due_pushes
    now = bootstrap.clock().now()
    pushes = sweep_due_pushes(bootstrap.stock(), bootstrap.shop_skus(), bootstrap.publisher(), now)
    reserved = retry_out_of_stock(bootstrap.stock(), bootstrap.orders(), bootstrap.clock(), route=bootstrap.route,
                                  gifts_back=bootstrap.gifts_back)
    due = fired_at(event).minute % PRESALE_MINUTES == 0
    presales = release_due_presales(bootstrap.orders(), bootstrap.clock()) if due else 0
    log.info("stock tick", extra={"pushes": pushes, "reserved": reserved, "presales": presales})
    return {"pushes": pushes, "reserved": reserved, "presales": presales}


@bp.schedule(Cron(30, 19, "*", "*", "?", "*"))      # 03:30 in Asia/Shanghai: the quietest hour
def stock_reconcile(event: Any) -> dict[str, Any]:
    from chalicelib import bootstrap
    from chalicelib.services.stock_reconcile import reconcile
    from chalicelib.services.warehouses import serving_warehouses
    from chalicelib.storage.reconcile import DynamoReconcileReports
    from chalicelib.storage.warehouse_upgrade import place_default_stock
    place_default_stock()            # a stage upgraded in place lists its old stock by the next day
    context = getattr(event, "context", None)
    report = reconcile(bootstrap.shops(), bootstrap.shop_skus(), bootstrap.stock(), bootstrap.stock_sync(),
                       lambda shop_id: serving_warehouses(bootstrap.warehouses(), shop_id), DynamoReconcileReports(),
                       bootstrap.clock().now,
                       lambda: context.get_remaining_time_in_millis() / 1000 if context else 600.0,
                       bootstrap.platform_stock)
    log.info("stock reconciled", extra={"shops": report.shops, "skus": report.skus, "unread": len(report.unread_shops),
                                        "differences": report.difference_count, "complete": report.complete})
    return {"shops": report.shops, "skus": report.skus, "differences": report.difference_count}
