"""A presale order (预售) waits until its date: before it the goods are not in the warehouse, so the ERP must
not take the order (it is held, not ready; waybill printing does not look at holds yet). The platforms send
one date for a presale, the latest time to ship it (Douyin `exp_ship_time`, Kuaishou
`validPromiseShipmentTimeStamp`, XHS `promiseLastDeliveryTime`: the order's ship_by_at); none sends an
earliest one. The hold therefore lifts a lead before that deadline [I], leaving the warehouse time to ship
before the platform fines a late shipment. No date: no hold (an order the seller cannot date is better
shipped than forgotten)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from chalicelib.domain.order_query import SHANGHAI
from chalicelib.domain.orders import Order, OrderChange
from chalicelib.domain.status import HoldReason, OrderStatus

PRESALE = "presale"
RELEASE_LEAD = timedelta(days=3)     # the platforms' spot-goods promise is 48 h; a day more for the goods to come in
WAITING_STATUSES = frozenset({OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_SHIPMENT})
ACTOR = "system:presale"


def release_at(order: Order) -> datetime | None:
    """When a presale order becomes ready; None for any other order or a presale without a date."""
    if order.order_type != PRESALE or order.ship_by_at is None:
        return None
    return order.ship_by_at - RELEASE_LEAD


def should_wait(order: Order, now: datetime) -> bool:
    moment = release_at(order)
    return moment is not None and moment > now and order.status in WAITING_STATUSES


def with_presale_hold(order: Order, now: datetime) -> Order:
    """The presale_waiting hold as the order's date and status say at `now`, its change in the history."""
    wait, waiting = should_wait(order, now), HoldReason.PRESALE_WAITING in order.holds
    if wait == waiting:
        return order
    if wait:
        moment = release_at(order)
        assert moment is not None
        when = moment.astimezone(SHANGHAI)
        changed, summary = order.hold(HoldReason.PRESALE_WAITING), f"held: presale_waiting {when:%Y-%m-%d %H:%M}"
    else:
        changed, summary = order.release(HoldReason.PRESALE_WAITING), "released: presale_waiting"
    return replace(changed, history=(*order.history, OrderChange(now, ACTOR, summary)))
