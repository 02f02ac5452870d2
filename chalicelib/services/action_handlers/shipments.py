"""Ship-back: tells the platform a shipment's carrier and tracking no. Idempotent: a confirmed shipment is
not sent again. Transient errors retry through the queue; an expired authorisation or throttling parks
the shop (its FIFO group waits) and retries; a refusal is recorded on the shipment for the operator."""
from __future__ import annotations

import importlib
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.shops import Shop
from chalicelib.domain.status import ShipmentStatus, ShopStatus
from chalicelib.platforms.base import PlatformClient, ShipRequest
from chalicelib.platforms.errors import AuthExpiredError, BadRequestError, PlatformError, RateLimitedError
from chalicelib.services.actions import Action, handles
from chalicelib.services.erp_events import shipment_note
from chalicelib.services.ports import ShopRepository
from chalicelib.services.shipments import ShipmentDeps, confirm, record_failure

log = logging.getLogger("oms.actions.ship")

PACKAGES = {"taobao": "taobao", "jd": "jd", "pdd": "pdd", "douyin": "douyin", "wechat": "wechat",
            "kuaishou": "kuaishou", "xhs": "xhs"}


class ShopParkedError(Exception):
    """The shop cannot take writes now; the message is retried later (its FIFO group waits)."""


def platform_carrier(platform: str, carrier_code: str) -> str:
    module = importlib.import_module(f"chalicelib.platforms.{PACKAGES[platform]}.mapping")
    carriers: dict[str, str] = module.CARRIERS
    if carrier_code not in carriers:
        raise BadRequestError(f"carrier {carrier_code} has no code on {platform}", platform=platform)
    return carriers[carrier_code]


@handles("ship")
def ship(action: Action, shop: Shop, client: PlatformClient) -> None:
    from chalicelib import bootstrap
    deps = ShipmentDeps(orders=bootstrap.orders(), shipments=bootstrap.shipments(),
                        publisher=bootstrap.publisher(), clock=bootstrap.clock())
    ship_back(deps, bootstrap.shops(), str(action.payload["shipment_id"]), shop, client)


def ship_back(deps: ShipmentDeps, shops: ShopRepository, shipment_id: str, shop: Shop, client: PlatformClient
              ) -> None:
    shipment = deps.shipments.get(shipment_id)
    if shipment is None or shipment.status is ShipmentStatus.CANCELLED:
        log.warning("ship-back for an unknown or cancelled shipment", extra={"shipment_id": shipment_id})
        return
    if shipment.status is ShipmentStatus.CONFIRMED:
        confirm(deps, shipment, f"platform:{shop.platform.value}")   # repairs a crash after the platform call
        return
    if shop.platform.value not in PACKAGES:      # an offline channel: no platform to tell
        confirm(deps, shipment, f"platform:{shop.platform.value}")
        return
    if _parked(shop, deps.clock.now()):
        raise ShopParkedError(f"shop {shop.shop_id} is {shop.status.value}: ship-back waits")
    order = deps.orders.get(shipment.order_id)
    if order is None:
        record_failure(deps, shipment, "the order is not in the OMS", final=True)
        return
    try:
        request = ShipRequest(order_no=order.order_no, tracking_no=shipment.tracking_no,
                              carrier_code=platform_carrier(shop.platform.value, shipment.carrier_code),
                              line_ids=tuple(line.line_id for line in shipment.lines))
        client.ship(request)
    except (AuthExpiredError, RateLimitedError) as exc:
        record_failure(deps, shipment, _describe(exc), final=False)
        _park(shops, shop, exc, deps.clock.now())
        raise ShopParkedError(f"shop {shop.shop_id} parked: {exc}") from exc
    except BadRequestError as exc:
        failed = record_failure(deps, shipment, _describe(exc), final=True)
        deps.publisher.publish("erp_events", [shipment_note(failed, order.order_no)])    # shipment.failed
        return
    except PlatformError as exc:          # transient or unknown: the queue retries, the DLQ keeps the rest
        record_failure(deps, shipment, _describe(exc), final=False)
        raise
    confirm(deps, shipment, f"platform:{shop.platform.value}")


def _describe(exc: PlatformError) -> str:
    code = ":".join(part for part in (exc.code, exc.sub_code) if part)
    return f"{type(exc).__name__}{f' [{code}]' if code else ''}: {exc}"


def _parked(shop: Shop, now: datetime) -> bool:
    if shop.status is ShopStatus.REAUTH_NEEDED:
        return True
    return shop.status is ShopStatus.RATE_LIMITED and shop.parked_until is not None and shop.parked_until > now


def _park(shops: ShopRepository, shop: Shop, exc: PlatformError, now: datetime) -> None:
    from chalicelib.domain.errors import ConflictError
    change: dict[str, Any]
    if isinstance(exc, RateLimitedError):
        change = {"status": ShopStatus.RATE_LIMITED, "status_reason": f"throttled on ship-back: {exc}",
                  "parked_until": now + timedelta(seconds=max(60.0, exc.retry_after))}
    else:
        change = {"status": ShopStatus.REAUTH_NEEDED, "status_reason": f"authorisation expired on ship-back: {exc}"}
    try:
        shops.save(replace(shop, **change), shop.revision)
    except ConflictError:
        log.info("shop changed while parking it; the next failure parks it again", extra={"shop_id": shop.shop_id})
