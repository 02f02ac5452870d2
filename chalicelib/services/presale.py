"""Scheduled: presale orders whose date has come are released (domain/presale.py). Reads the held orders
through the held-list index, filtered on the presale_waiting hold, in bounded pages: never a Scan. Each
release is one revision-conditional write; the order then goes to review and the ERP as any other."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from itertools import pairwise

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.orders import Order, handoff_for
from chalicelib.domain.presale import should_wait, with_presale_hold
from chalicelib.domain.status import HoldReason
from chalicelib.services.ports import Clock, OrderQuery, OrderRepository

PAGE = 100
MAX_ATTEMPTS = 3
WINDOW = timedelta(days=7)
WEEKS = 13                 # weekly windows back from now; anything older is one more, open-ended window


def release_due_presales(orders: OrderRepository, clock: Clock, budget: int = 2000) -> int:
    """Returns how many orders were released. The held list is read by creation week, oldest first (a key
    range each, the oldest open-ended): the orders due first were mostly placed first, and a run that spends
    its `budget` of held orders looked at has then released the most overdue ones."""
    now = clock.now()
    edges: list[datetime | None] = [None, *(now - WINDOW * weeks for weeks in range(WEEKS, 0, -1)),
                                    now + timedelta(seconds=1)]
    looked = released = 0
    for start, end in pairwise(edges):
        cursor: str | None = None
        while looked < budget:
            page = orders.query(OrderQuery(hold=HoldReason.PRESALE_WAITING, date_from=start, date_to=end,
                                           limit=PAGE, cursor=cursor))
            looked += len(page.items)
            released += sum(_release(orders, clock, order) for order in page.items if not should_wait(order, now))
            cursor = page.cursor
            if cursor is None:
                break
    return released


def _release(orders: OrderRepository, clock: Clock, known: Order) -> bool:
    order: Order | None = known
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            order = orders.get(known.order_id)
        now = clock.now()
        if order is None or HoldReason.PRESALE_WAITING not in order.holds or should_wait(order, now):
            return False
        released = with_presale_hold(order, now)
        released = replace(released, history=released.history[-50:], updated_at=now)
        try:
            orders.save(replace(released, erp_handoff=handoff_for(released)), order.revision)
            return True
        except ConflictError:
            continue
    return False
