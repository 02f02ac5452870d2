"""Orders in DynamoDB. Every write is conditional on the revision read (optimistic locking)."""
from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import replace
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.codec import from_doc, sortable, to_doc
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.orders import Order, order_id_for
from chalicelib.domain.status import OrderStatus
from chalicelib.services.ports import OrderQuery, Page
from chalicelib.storage import conditional, order_lists, paging
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
        search=_search_text(order), version=order.version, revision=revision,
        doc=to_doc(order) | {"revision": revision},
    )


def _search_text(order: Order) -> str:
    r = order.receiver
    return " ".join(filter(None, [order.order_no, r.name_masked if r else "", r.phone_masked if r else ""]))


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

    def add(self, order: Order) -> None:
        self._put(to_item(order, 1), OrderItem.order_id.does_not_exist())

    def save(self, order: Order, expected_revision: int) -> None:
        self._put(to_item(order, expected_revision + 1), OrderItem.revision == expected_revision)

    def _put(self, item: OrderItem, condition: Condition) -> None:
        conditional.put(item, condition, f"order {item.order_id}")

    def query(self, q: OrderQuery) -> Page[Order]:
        if q.order_no:
            return Page([o for o in self.by_order_no(q.order_no) if _matches(o, q)], None)
        if q.shop_id:
            return self._shop_page(q)
        held_only = q.held_only or bool(q.hold)
        status = q.status or OrderStatus.AWAITING_SHIPMENT     # what operators open first
        if not held_only:
            q = replace(q, status=status)
        streams = [(key, _filters(q, status=by_status))
                   for key, by_status in order_lists.partitions(status, held_only)]
        ids, cursor = order_lists.merged_page(streams, q.limit, q.cursor)
        return Page(_whole(ids), cursor)

    def _shop_page(self, q: OrderQuery) -> Page[Order]:
        start = paging.decode(q.cursor)
        if start is not None and "order_id" not in start:
            raise ValidationError("cursor is not one this list issued", field="cursor")
        results = OrderItem.by_shop_updated.query(q.shop_id, range_key_condition=_between(OrderItem.updated_at, q),
                                                  filter_condition=_filters(q, held=True), limit=q.limit,
                                                  last_evaluated_key=start, scan_index_forward=False)
        items = _whole([i.order_id for i in results])
        return Page(items, paging.encode(results.last_evaluated_key))

    def by_order_no(self, order_no: str) -> list[Order]:
        """An order's id is its shop's id and its number: one read by key in each shop, rather than an
        index that every new order would pay one more write unit for (the lookup is rare: a search, a CSV
        import)."""
        return _whole([order_id_for(shop_id, order_no) for shop_id in shop_ids()])

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


def _matches(order: Order, q: OrderQuery) -> bool:
    """The list filters on an order in hand (the order-number search reads orders by key)."""
    updated = order.updated_at or order.modified_at
    return ((not q.shop_id or order.shop_id == q.shop_id) and (not q.status or order.status is q.status)
            and (not q.hold or q.hold in order.holds) and (not q.held_only or bool(order.holds))
            and (not q.platform or order.platform.value == q.platform)
            and (not q.erp_handoff or order.erp_handoff.value == q.erp_handoff)
            and (not q.tracking_no or order.tracking_no == q.tracking_no)
            and (not q.text or q.text in _search_text(order))
            and (not q.updated_from or updated >= q.updated_from) and (not q.updated_to or updated <= q.updated_to))


def _between(attr: Any, q: OrderQuery) -> Condition | None:
    if q.updated_from and q.updated_to:
        return attr.between(sortable(q.updated_from), sortable(q.updated_to))
    if q.updated_from:
        return attr >= sortable(q.updated_from)
    if q.updated_to:
        return attr <= sortable(q.updated_to)
    return None


def _filters(q: OrderQuery, *, shop: bool = False, held: bool = False, status: bool = True) -> Condition | None:
    """Conditions the chosen index does not already cover."""
    parts: list[Condition] = []
    if shop and q.shop_id:
        parts.append(OrderItem.shop_id == q.shop_id)
    if status and q.status:
        parts.append(OrderItem.status == q.status.value)
    if q.hold:
        parts.append(OrderItem.holds.contains(q.hold.value))
    if held and q.held_only:
        parts.append(OrderItem.held.exists())
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
