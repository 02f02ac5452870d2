"""The order workbench: a page of orders with its total, the status tabs' counts, the dashboard's figures.
Totals and counts come from the counters the reports consumer folds (domain/order_counters.py), never from
reading orders: a dashboard costs one counter item per shop (and per day of a date range)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from chalicelib.domain import order_counters
from chalicelib.domain.order_query import OrderQuery, QuickRange, quick_range
from chalicelib.domain.orders import Order
from chalicelib.services.ports import OrderCounters, OrderRepository, ShopRepository


@dataclass(frozen=True)
class OrderPage:
    items: list[Order]
    next: str | None
    total: int | None


def shop_ids_for(counters: OrderCounters, shops: ShopRepository, q: OrderQuery) -> list[str]:
    if q.shop_id:
        return [q.shop_id]
    if q.platform:
        return [s.shop_id for s in shops.all() if s.platform.value == q.platform]
    return counters.shop_ids()


def _totals(counters: OrderCounters, shops: ShopRepository, q: OrderQuery) -> tuple[dict[str, int], str] | None:
    plan = order_counters.plan(q)
    if plan is None:
        return None
    return counters.totals(plan.scopes(shop_ids_for(counters, shops, q))), plan.facet


def list_orders(orders: OrderRepository, counters: OrderCounters, shops: ShopRepository, q: OrderQuery) -> OrderPage:
    """A page (full unless it is the last) and the number of all matching orders: from the counters where
    they serve the filters, else exact only when this page is the whole answer (None otherwise)."""
    page = orders.query(q)
    served = _totals(counters, shops, q)
    if served is not None:
        total: int | None = order_counters.total(served[0], q, served[1])
    elif page.cursor is None and not q.cursor:
        total = len(page.items)
    else:
        total = None
    return OrderPage(page.items, page.cursor, total)


def tab_counts(counters: OrderCounters, shops: ShopRepository, q: OrderQuery) -> dict[str, int] | None:
    """Each tab's count under the other filters (the status filter is the tab itself)."""
    served = _totals(counters, shops, replace(q, status=None, bucket=None))
    return None if served is None else order_counters.tab_counts(*served)


def dashboard(counters: OrderCounters, shops: ShopRepository, now: datetime) -> dict[str, Any]:
    everything = OrderQuery()
    shop_ids = shop_ids_for(counters, shops, everything)
    all_time = counters.totals(order_counters.CountPlan(False, (), "").scopes(shop_ids))
    start, end = quick_range(QuickRange.TODAY, now)
    today_q = replace(everything, date_from=start, date_to=end)
    today_plan = order_counters.plan(today_q)
    assert today_plan is not None            # whole days of order time: always served
    today = counters.totals(today_plan.scopes(shop_ids))
    tabs = order_counters.tab_counts(all_time, "")
    return {
        "counts": tabs,
        "held": int(all_time.get(order_counters.ALL + order_counters.HELD, 0)),
        "holds": order_counters.hold_counts(all_time),
        "today": {"new": int(today.get(order_counters.ALL, 0)), "counts": order_counters.tab_counts(today, "")},
        "as_of": now.isoformat(),
    }
