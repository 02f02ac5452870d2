"""Orders in DynamoDB. Every write is conditional on the revision read (optimistic locking), and is one
plain put: the workbench counters and the report aggregates are folded from the orders' changes by the
reports consumer (services/report_fold.py), not written with them."""
from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.codec import from_doc, sortable, to_doc
from chalicelib.domain.order_query import DateField, OrderQuery, matches, print_state, search_text
from chalicelib.domain.orders import Order, order_id_for
from chalicelib.domain.status import OrderStatus
from chalicelib.services.ports import Page
from chalicelib.storage import conditional, order_counters, order_lists, paging
from chalicelib.storage.models import OrderItem
from chalicelib.storage.shops import shop_ids


def to_item(order: Order, revision: int) -> OrderItem:
    updated = order.updated_at or order.modified_at
    return OrderItem(
        order.order_id, shop_id=order.shop_id, order_no=order.order_no, status=order.status.value,
        created_at=sortable(order.created_at), updated_at=sortable(updated),
        list_key=order_lists.list_key(order), list_at=order_lists.list_at(order),
        held="HELD" if order.holds else None, holds=" ".join(sorted(order.holds)) or None,
        tracking_no=order.tracking_no or None, platform=order.platform.value, erp_handoff=order.erp_handoff.value,
        search=search_text(order), supplier_id=order.supplier_id or None, print_key=_print_key(order),
        version=order.version, revision=revision,
        doc=to_doc(order) | {"revision": revision},
    )


def _print_key(order: Order) -> str | None:
    state = print_state(order)
    return state.value if state else None


def from_item(item: OrderItem) -> Order:
    return from_doc(Order, item.doc)


class DynamoOrderRepository:
    def get(self, order_id: str, *, consistent: bool = True) -> Order | None:
        try:
            return from_item(OrderItem.get(order_id, consistent_read=consistent))
        except OrderItem.DoesNotExist:
            return None

    def get_many(self, order_ids: Collection[str]) -> dict[str, Order]:
        return {order.order_id: order for order in _whole(sorted(set(order_ids)))}

    def counters(self) -> order_counters.DynamoOrderCounters:
        return order_counters.DynamoOrderCounters()

    def add(self, order: Order) -> None:
        conditional.put(to_item(order, 1), OrderItem.order_id.does_not_exist(), f"order {order.order_id}")

    def save(self, order: Order, expected_revision: int) -> None:
        conditional.put(to_item(order, expected_revision + 1), OrderItem.revision == expected_revision,
                        f"order {order.order_id}")

    def query(self, q: OrderQuery) -> Page[Order]:
        if q.order_no:
            return Page([o for o in self.by_order_no(q.order_no) if matches(o, q)], None)
        budget = order_lists.Budget()
        if q.print_state:
            streams = self._print_streams(q, budget)
        else:
            streams = self._shop_streams(q, budget) if q.shop_id else self._list_streams(q, budget)
        items, cursor = order_lists.page(order_lists.merged(streams), budget, _whole, lambda o: matches(o, q),
                                         q.limit)
        return Page(items, cursor)

    def _list_streams(self, q: OrderQuery, budget: order_lists.Budget) -> list[Any]:
        statuses, held = order_lists.scope(q)
        lower, upper = order_lists.created_bounds(q)
        at = order_lists.position(q.cursor)
        if at is not None:
            upper = at[0] if upper is None or at[0] < upper else upper
        condition = _filters(q, shop=True, statuses=statuses)
        streams = [order_lists.entries(OrderItem.by_list, "list_key", key, "list_at",
                                       order_lists.key_range(OrderItem.list_at, lower, upper), upper,
                                       condition if key in (order_lists.HELD, order_lists.READY)
                                       else _filters(q, shop=True), None, q.limit + 1, budget)
                   for key in order_lists.partitions(statuses, held, q.erp_handoff)]
        return streams

    def _print_streams(self, q: OrderQuery, budget: order_lists.Budget) -> list[Any]:
        """待打单 / 已打单: one partition of the sparse by_print index holds exactly those orders, newest first;
        a shop, a platform or a text is pre-filtered inside DynamoDB."""
        assert q.print_state is not None
        lower, upper = order_lists.created_bounds(q)
        at = order_lists.position(q.cursor)
        if at is not None:
            upper = at[0] if upper is None or at[0] < upper else upper
        return [order_lists.entries(OrderItem.by_print, "print_key", q.print_state.value, "list_at",
                                    order_lists.key_range(OrderItem.list_at, lower, upper), upper,
                                    _filters(q, shop=True), None, q.limit + 1, budget)]

    def _shop_streams(self, q: OrderQuery, budget: order_lists.Budget) -> list[Any]:
        statuses, held = order_lists.scope(q)
        if not statuses:
            return []
        at = order_lists.position(q.cursor)
        start = None if at is None else {"shop_id": {"S": q.shop_id}, "updated_at": {"S": at[0]},
                                         "order_id": {"S": at[1]}}
        condition = _filters(q, statuses=statuses, held=held)
        return [order_lists.entries(OrderItem.by_shop_updated, "shop_id", str(q.shop_id), "updated_at",
                                    _updated_range(q), None, condition, start, q.limit + 1, budget)]

    def by_order_no(self, order_no: str) -> list[Order]:
        """An order's id is its shop's id and its number: one read by key in each shop, rather than an
        index that every new order would pay one more write unit for (the lookup is rare: a search, a CSV
        import)."""
        return _whole([order_id_for(shop_id, order_no) for shop_id in shop_ids()])

    def by_supplier(self, supplier_id: str, limit: int = 50, cursor: str | None = None,
                    statuses: Collection[OrderStatus] = ()) -> Page[Order]:
        """A supplier's drop-shipped orders, newest first (the sparse index holds only assigned orders);
        `statuses`: only these, filtered on the index's own copy of the status."""
        condition = OrderItem.status.is_in(*[s.value for s in statuses]) if statuses else None
        results = OrderItem.by_supplier.query(supplier_id, scan_index_forward=False, limit=limit,
                                              filter_condition=condition, last_evaluated_key=paging.decode(cursor))
        items = _whole([i.order_id for i in results])
        return Page(items, paging.encode(results.last_evaluated_key))

    def erp_ready(self, limit: int, cursor: str | None = None) -> Page[Order]:
        results = OrderItem.by_list.query(order_lists.READY, limit=limit, last_evaluated_key=paging.decode(cursor))
        items = _whole([i.order_id for i in results])
        return Page(items, paging.encode(results.last_evaluated_key))

    def iterate_shop(self, shop_id: str) -> Iterator[Order]:
        results = OrderItem.by_shop_updated.query(shop_id, page_size=100)
        while True:
            ids = [item.order_id for _, item in zip(range(100), results, strict=False)]
            if not ids:
                return
            yield from _whole(ids)


def _whole(order_ids: list[str]) -> list[Order]:
    """The orders an index page named, in its order (the index holds their filter fields only). Eventually
    consistent, like the index itself; an order deleted meanwhile is left out."""
    found = {item.order_id: item for item in OrderItem.batch_get(order_ids)} if order_ids else {}
    return [from_item(found[i]) for i in order_ids if i in found]


def _updated_range(q: OrderQuery) -> Condition | None:
    """A shop's list is by update time: an updated-date filter is its key condition; an order created (or
    paid) since a time was updated since then too, so those filters narrow the read the same way."""
    if not q.dated:
        return None
    lower = sortable(q.date_from) if q.date_from and q.date_field is not DateField.SHIP_BY else None
    upper = sortable(q.date_to) if q.date_to and q.date_field is DateField.UPDATED else None
    return order_lists.key_range(OrderItem.updated_at, lower, upper)


def _filters(q: OrderQuery, *, shop: bool = False, statuses: frozenset[OrderStatus] | None = None,
             held: bool | None = None) -> Condition | None:
    """What DynamoDB can drop from an index page before answering (the index's filter fields); the domain
    predicate still checks every order of the page."""
    parts: list[Condition] = []
    if shop and q.shop_id:
        parts.append(OrderItem.shop_id == q.shop_id)
    if statuses is not None and statuses != frozenset(OrderStatus):
        parts.append(OrderItem.status.is_in(*sorted(s.value for s in statuses)))
    if q.hold:
        parts.append(OrderItem.holds.contains(q.hold.value))
    if held is True:
        parts.append(OrderItem.held.exists())
    elif held is False:
        parts.append(OrderItem.held.does_not_exist())
    if q.platform:
        parts.append(OrderItem.platform == q.platform)
    if q.erp_handoff:
        parts.append(OrderItem.erp_handoff == q.erp_handoff)
    if q.tracking_no:
        parts.append(OrderItem.tracking_no == q.tracking_no)
    if q.text:
        parts.append(OrderItem.search.contains(q.text))
    condition: Condition | None = None
    for part in parts:
        condition = part if condition is None else condition & part
    return condition
