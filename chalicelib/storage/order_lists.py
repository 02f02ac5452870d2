"""The order lists. Two indexes serve every filter of the workbench:
- by_list: each order in exactly one partition, "HELD" while any hold applies, else "READY" while it waits
  for the ERP, else its status; sorted by `list_at`, the creation time and the order id (unique, so a page
  boundary never falls between two orders of the same second). A status, a tab or "all" merges the
  partitions that can hold it (newest first); a hold reason reads the held partition only; a created-date
  range is a key condition on `list_at`.
- by_shop_updated: a shop's orders by update time, for any list within one shop.

Why not one index per filter: every index copy costs a write unit per change of an order. The price is on
the read side instead: a partition read can hold entries that another filter drops. A page is therefore
filled by reading on (with growing page sizes) until it holds `limit` matches or every partition is
read, within a budget of queries per request; DynamoDB pre-filters on the index's filter fields, and the
domain predicate (domain/order_query.py) has the last word on the whole orders read for the page.

The cursor is the position of the last order returned: each partition goes on below it."""
from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.codec import sortable
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.order_query import DateField, OrderQuery, bucket_statuses
from chalicelib.domain.orders import Order
from chalicelib.domain.status import ErpHandoff, OrderStatus
from chalicelib.storage import paging

HELD, READY = "HELD", "READY"
MAX_QUERIES = 24        # index queries one request may spend filling a page (a sparse filter stops early)
MAX_PAGE_SIZE = 2000
MAX_FETCHED = 1000      # orders read by key per request to test a filter the index cannot pre-filter


def list_key(order: Order) -> str:
    if order.holds:
        return HELD
    if order.erp_handoff is ErpHandoff.READY:
        return READY
    return order.status.value


def list_at(order: Order) -> str:
    return f"{sortable(order.created_at)}#{order.order_id}"


def scope(q: OrderQuery) -> tuple[frozenset[OrderStatus], bool | None]:
    """The statuses the list can hold, and whether held (True), unheld (False) or either (None)."""
    statuses, held = frozenset(OrderStatus), None
    if q.bucket is not None:
        statuses, held = bucket_statuses(q.bucket)
    if q.status is not None:
        statuses = statuses & {q.status}
    if q.hold or q.held_only:
        if held is False:                   # an unheld tab and a hold filter: nothing
            statuses = frozenset()
        held = True
    return statuses, held


def partitions(statuses: frozenset[OrderStatus], held: bool | None, erp_handoff: str | None) -> list[str]:
    """The by_list partitions that can hold such orders."""
    parts = [status.value for status in sorted(statuses)] if held is not True else []
    if held is not True and statuses & {OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPED}:
        parts.append(READY)
    if held is not False and statuses:
        parts.append(HELD)
    if erp_handoff == ErpHandoff.READY.value:       # only these two partitions can hold a ready order
        return [key for key in parts if key in (READY, HELD)]
    if erp_handoff:
        return [key for key in parts if key != READY]
    return parts


def created_bounds(q: OrderQuery) -> tuple[str | None, str | None]:
    """[lower, upper) on list_at for a created-date filter."""
    if q.date_field is not DateField.CREATED:
        return None, None
    return (sortable(q.date_from) if q.date_from else None), (sortable(q.date_to) if q.date_to else None)


def key_range(attr: Any, lower: str | None, upper: str | None) -> Condition | None:
    """One key condition for [lower, upper]; `entries` drops the upper bound itself (exclusive)."""
    if lower is not None and upper is not None:
        return attr.between(lower, upper)  # type: ignore[no-any-return]
    if upper is not None:
        return attr <= upper  # type: ignore[no-any-return]
    if lower is not None:
        return attr >= lower  # type: ignore[no-any-return]
    return None


@dataclass(order=True)
class Entry:
    at: str
    order_id: str = field(compare=False)
    key: dict[str, Any] = field(compare=False)


@dataclass
class Budget:
    """Index queries left for this request. A partition cut short by it records how far it read: the page
    is complete only above the highest such point (`cut`), and the next page starts there."""
    queries: int = MAX_QUERIES
    cut: Entry | None = None

    def spend(self) -> bool:
        if self.queries <= 0:
            return False
        self.queries -= 1
        return True

    def stopped(self, at: Entry) -> None:
        if self.cut is None or at > self.cut:
            self.cut = at


def entries(index: Any, hash_attr: str, partition: str, sort_attr: str, range_condition: Condition | None,
            upper: str | None, filter_condition: Condition | None, start_key: dict[str, Any] | None,
            first_size: int, budget: Budget) -> Iterator[Entry]:
    """One partition's entries below `upper`, newest first, read lazily in pages that grow while the filter
    drops much."""
    last, size = start_key, first_size
    while True:
        if not budget.spend():
            if last is not None:
                budget.stopped(Entry(last[sort_attr]["S"], last["order_id"]["S"], last))
            elif upper is not None:
                budget.stopped(Entry(upper, "", {}))
            return
        results = index.query(partition, range_key_condition=range_condition, filter_condition=filter_condition,
                              scan_index_forward=False, page_size=size, last_evaluated_key=last)
        page = next(results.page_iter, None) or {}
        for raw in page.get("Items", []):
            at = raw[sort_attr]["S"]
            if upper is None or at < upper:
                yield Entry(at, raw["order_id"]["S"], {k: raw[k] for k in ("order_id", hash_attr, sort_attr)})
        last = results.page_iter.last_evaluated_key
        if last is None:
            return
        size = min(MAX_PAGE_SIZE, size * 4)


def merged(streams: list[Iterator[Entry]]) -> Iterator[Entry]:
    return heapq.merge(*streams, reverse=True)


def fill(candidates: Iterator[Entry], fetch: Callable[[list[str]], list[Order]], keep: Callable[[Order], bool],
         limit: int) -> tuple[list[tuple[Entry, Order]], Entry | None, bool]:
    """Up to `limit` matching orders from the candidates, in order, with their entries; the last entry
    looked at; whether the candidates ran out. At most MAX_FETCHED orders are read by key per request (a
    filter the index cannot pre-filter, such as a SKU, reads orders to test them)."""
    found: list[tuple[Entry, Order]] = []
    last: Entry | None = None
    fetched = 0
    while len(found) < limit and fetched < MAX_FETCHED:
        batch = [entry for _, entry in zip(range(limit - len(found)), candidates, strict=False)]
        if not batch:
            return found, last, True
        by_id = {o.order_id: o for o in fetch([e.order_id for e in batch])}
        fetched += len(batch)
        found += [(entry, by_id[entry.order_id]) for entry in batch
                  if entry.order_id in by_id and keep(by_id[entry.order_id])]
        last = batch[-1]
    return found, last, False


def page(candidates: Iterator[Entry], budget: Budget, fetch: Callable[[list[str]], list[Order]],
         keep: Callable[[Order], bool], limit: int) -> tuple[list[Order], str | None]:
    """One page and the cursor of the next (None: no more)."""
    found, last, ran_out = fill(candidates, fetch, keep, limit)
    cut = budget.cut
    if cut is not None:          # a partition stopped early: only what lies above its stop is complete
        found = [(entry, order) for entry, order in found if entry >= cut]
    orders = [order for _, order in found]
    if len(found) == limit:
        return orders, encode(found[-1][0])
    if cut is not None and (last is None or cut >= last):
        return orders, encode(cut)
    return orders, None if ran_out else encode(last)


def encode(last: Entry | None) -> str | None:
    return paging.encode({"at": last.at, "id": last.order_id}) if last else None


def position(cursor: str | None) -> tuple[str, str] | None:
    value: Any = paging.decode(cursor)
    if value is None:
        return None
    if set(value) != {"at", "id"} or not all(isinstance(value[k], str) for k in ("at", "id")):
        raise ValidationError("cursor is not one this list issued", field="cursor")
    return str(value["at"]), str(value["id"])
