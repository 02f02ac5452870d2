"""What the daily history reads (services/history.py): a shop's orders and after-sale cases changed in a
time range, through each table's by_shop_updated index (a key condition on the update time: never a
Scan), the orders then read by key in pages of 100 (their index holds the filter fields only)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from chalicelib.codec import from_doc, sortable
from chalicelib.domain.after_sales import AfterSale
from chalicelib.domain.orders import Order
from chalicelib.storage.models import AfterSaleItem, OrderItem
from chalicelib.storage.orders import from_item
from chalicelib.storage.shops import shop_ids

PAGE = 100


class DynamoChangedRecords:
    def shop_ids(self) -> list[str]:
        return sorted(shop_ids())

    def orders_changed(self, shop_id: str, start: datetime, end: datetime) -> Iterator[Order]:
        window = OrderItem.updated_at.between(sortable(start), sortable(end))
        ids: list[str] = []
        for entry in OrderItem.by_shop_updated.query(shop_id, window, page_size=PAGE):
            if entry.updated_at >= sortable(end):     # BETWEEN includes its upper end: the next day's first
                continue
            ids.append(entry.order_id)
            if len(ids) == PAGE:
                yield from _orders(ids)
                ids = []
        yield from _orders(ids)

    def cases_changed(self, shop_id: str, start: datetime, end: datetime) -> Iterator[AfterSale]:
        window = AfterSaleItem.updated_at.between(sortable(start), sortable(end))
        for item in AfterSaleItem.by_shop_updated.query(shop_id, window, page_size=PAGE):
            if item.updated_at < sortable(end):      # BETWEEN includes its upper end: the next day's first
                yield from_doc(AfterSale, item.doc)


def _orders(ids: list[str]) -> Iterator[Order]:
    """As they are now: one changed again since is written with its newer state (and again the day it
    changed), so the latest row of an order is always its latest state."""
    if not ids:
        return
    found = {item.order_id: item for item in OrderItem.batch_get(ids)}
    yield from (from_item(found[i]) for i in ids if i in found)
