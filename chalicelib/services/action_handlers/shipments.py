"""Ship-back: tells the platform a shipment's carrier and tracking no. Idempotent: a confirmed shipment is
not sent again. Transient errors retry through the queue; an expired authorisation or throttling parks
the shop (its FIFO group waits) and retries; a refusal is recorded on the shipment for the operator."""
from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.partial_shipping import ShipBackPlan, plan_ship_back
from chalicelib.domain.shipping import ShipBack, Shipment
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import ShipmentStatus, ShopStatus
from chalicelib.services.action_handlers.deps import ActionDeps
from chalicelib.services.actions import Action, handles
from chalicelib.services.alert_sink import raise_refusal
from chalicelib.services.carriers import platform_carrier
from chalicelib.services.erp_events import shipment_note
from chalicelib.services.platform_errors import AuthExpiredError, BadRequestError, PlatformError, RateLimitedError
from chalicelib.services.platform_ports import PlatformDirectory, PlatformShipping
from chalicelib.services.platform_types import ShipLine, ShipRequest
from chalicelib.services.ports import Publisher, ShopRepository
from chalicelib.services.queue_messages import order_group
from chalicelib.services.shipments import ShipmentDeps, confirm, live_lines, record_failure

log = logging.getLogger("oms.actions.ship")

class ShopParkedError(Exception):
    """The shop cannot take writes now; the message is retried later (its FIFO group waits)."""


@handles("ship")
def ship(deps: ActionDeps, action: Action, shop: Shop, client: PlatformShipping) -> None:
    ship_back(deps.shipments, deps.shops, deps.platforms, str(action.payload["shipment_id"]), shop, client)


def ship_back(deps: ShipmentDeps, shops: ShopRepository, platforms: PlatformDirectory, shipment_id: str, shop: Shop,
              client: PlatformShipping) -> None:
    shipment = deps.shipments.get(shipment_id)
    if shipment is None or shipment.status is ShipmentStatus.CANCELLED:
        log.warning("ship-back for an unknown or cancelled shipment", extra={"shipment_id": shipment_id})
        return
    if shipment.status is ShipmentStatus.CONFIRMED:
        confirm(deps, shipment, f"platform:{shop.platform.value}")   # repairs a crash after the platform call
        _cover_named(deps, shipment)
        return
    if platforms.spec_of(shop.platform) is None:      # an offline channel: no platform to tell
        confirm(deps, shipment, f"platform:{shop.platform.value}")
        return
    if _parked(shop, deps.clock.now()):
        raise ShopParkedError(f"shop {shop.shop_id} is {shop.status.value}: ship-back waits")
    order = deps.orders.get(shipment.order_id)
    if order is None:
        record_failure(deps, shipment, "the order is not in the OMS", final=True)
        return
    earlier = [s for s in deps.shipments.for_order(order.order_id) if s.shipment_id != shipment.shipment_id
               and s.status is ShipmentStatus.CONFIRMED and not s.after_sale_id]
    earlier.sort(key=lambda s: s.created_at)
    plan = plan_ship_back(shop.platform.value, live_lines(order), earlier, shipment)
    if not plan.send:         # the platform cannot take this parcel alone: a later one carries it
        confirm(deps, shipment, f"platform:{shop.platform.value}", ShipBack.DEFERRED, plan.note)
        return
    try:
        client.ship(_request(platforms, shop, order.order_no, shipment, plan))
    except (AuthExpiredError, RateLimitedError) as exc:
        record_failure(deps, shipment, _describe(exc), final=False)
        _park(shops, shop, exc, deps.clock.now())
        raise ShopParkedError(f"shop {shop.shop_id} parked: {exc}") from exc
    except BadRequestError as exc:
        failed = record_failure(deps, shipment, _describe(exc), final=True)
        deps.publisher.publish("erp_events", [shipment_note(failed, order.order_no)])    # shipment.failed
        raise_refusal(deps.publisher, deps.clock.now(), shop.name, f"order {order.order_no}", "ship", _describe(exc))
        return
    except PlatformError as exc:          # transient or unknown: the queue retries, the DLQ keeps the rest
        record_failure(deps, shipment, _describe(exc), final=False)
        raise
    sent = tuple(number for _, number in plan.parcels)
    confirm(deps, shipment, f"platform:{shop.platform.value}", ShipBack.SENT, plan.note, sent)
    _cover(deps, plan.covers, shipment, sent)
    refresh_order(deps.publisher, shop.shop_id, order.order_no, shipment.shipment_id)


def _request(platforms: PlatformDirectory, shop: Shop, order_no: str, shipment: Shipment, plan: ShipBackPlan
             ) -> ShipRequest:
    platform = shop.platform.value
    lines = tuple(ShipLine(x.line_id, x.quantity, x.completes) for x in plan.lines)
    parcels = tuple((platform_carrier(platforms, platform, carrier), number) for carrier, number in plan.parcels)
    carrier, number = parcels[0] if len(parcels) == 1 else (platform_carrier(platforms, platform,
                                                                             shipment.carrier_code),
                                                            shipment.tracking_no)
    return ShipRequest(order_no=order_no, tracking_no=number, carrier_code=carrier,
                       line_ids=tuple(x.line_id for x in lines), lines=lines,
                       parcels=parcels if len(parcels) > 1 else ())


def _cover_named(deps: ShipmentDeps, last: Shipment) -> None:
    """A crash after the confirmation: the deferred parcels whose numbers the call named are covered now."""
    if last.ship_back is not ShipBack.SENT or len(last.sent_tracking_nos) < 2:
        return
    named = [s.shipment_id for s in deps.shipments.for_order(last.order_id)
             if s.ship_back is ShipBack.DEFERRED and s.tracking_no in last.sent_tracking_nos]
    _cover(deps, tuple(named), last, last.sent_tracking_nos)


def _cover(deps: ShipmentDeps, covers: tuple[str, ...], last: Shipment, sent: tuple[str, ...]) -> None:
    """Earlier deferred parcels this call told the platform of: said so on each (a conditional write;
    one that changed meanwhile is left as it is, the last parcel's answer names every number anyway)."""
    for shipment_id in covers:
        deferred = deps.shipments.get(shipment_id)
        if deferred is None or deferred.ship_back is not ShipBack.DEFERRED:
            continue
        note = f"told the platform with parcel {last.tracking_no} ({', '.join(sent)})"
        try:
            deps.shipments.save(replace(deferred, ship_back=ShipBack.COVERED, ship_back_note=note,
                                        sent_tracking_nos=sent), deferred.revision)
        except ConflictError:
            log.info("a deferred shipment changed while covering it", extra={"shipment_id": shipment_id})


def refresh_order(publisher: Publisher, shop_id: str, order_no: str, shipment_id: str) -> None:
    """The platform's view of the order changed with this call (status, tracking): fetch it now rather
    than wait for a pull window or a push some platforms never send (JD, Taobao without TMC)."""
    body = json.dumps({"kind": "order", "shop_id": shop_id, "order_no": order_no, "source": "ship_back"})
    publisher.publish("orders", [(body, order_group(shop_id, order_no), f"ship_back:{shipment_id}")])


def _describe(exc: PlatformError) -> str:
    code = ":".join(part for part in (exc.code, exc.sub_code) if part)
    return f"{type(exc).__name__}{f' [{code}]' if code else ''}: {exc}"


def _parked(shop: Shop, now: datetime) -> bool:
    if shop.status is ShopStatus.REAUTH_NEEDED:
        return True
    return shop.status is ShopStatus.RATE_LIMITED and shop.parked_until is not None and shop.parked_until > now


def _park(shops: ShopRepository, shop: Shop, exc: PlatformError, now: datetime) -> None:
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
