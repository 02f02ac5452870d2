"""Orders at risk of shipping late: awaiting shipment, their promised ship-by time within the next hours
(platforms fine late shipment). Reads the awaiting-shipment list in bounded pages, never a Scan."""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.domain.orders import Order
from chalicelib.domain.status import OrderStatus
from chalicelib.services.ports import OrderQuery, OrderRepository

PAGE = 200
MAX_PAGES = 10            # at most 2,000 awaiting orders looked at per request


def at_risk(orders: OrderRepository, now: datetime, hours: int, shop_id: str | None = None
            ) -> tuple[list[Order], bool]:
    """The orders whose ship-by time falls before now + hours (overdue first), and whether the look
    stopped at MAX_PAGES."""
    horizon = now + timedelta(hours=hours)
    found: list[Order] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        page = orders.query(OrderQuery(status=OrderStatus.AWAITING_SHIPMENT, shop_id=shop_id, limit=PAGE,
                                       cursor=cursor))
        found += [o for o in page.items if o.ship_by_at is not None and o.ship_by_at <= horizon
                  and o.status is OrderStatus.AWAITING_SHIPMENT]
        cursor = page.cursor
        if cursor is None:
            return sorted(found, key=lambda o: o.ship_by_at or now), False
    return sorted(found, key=lambda o: o.ship_by_at or now), True
