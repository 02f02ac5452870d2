"""Writes the list attributes (storage/order_lists.py) into orders stored before the by_list index existed:
without them an order is in no list but its shop's; and the print key into those stored before by_print (an
open order to print is in no 待打单 list without it). Each write is conditional on the order's revision, so
an order changed meanwhile is left to that change (which writes them itself). Safe to run again: orders
that have them are only read. `python -m chalicelib.storage.relist` against a stage's tables."""
from __future__ import annotations

import logging

from pynamodb.exceptions import UpdateError

from chalicelib.domain.order_query import print_state
from chalicelib.storage import order_lists
from chalicelib.storage.models import OrderItem
from chalicelib.storage.orders import from_item
from chalicelib.storage.shops import shop_ids

log = logging.getLogger("oms.storage.relist")


def relist_orders() -> int:
    """How many orders were given their list attributes."""
    written = 0
    for shop_id in shop_ids():
        keys = [item.order_id for item in OrderItem.by_shop_updated.query(shop_id, attributes_to_get=["order_id"])]
        for start in range(0, len(keys), 100):
            for item in OrderItem.batch_get(keys[start:start + 100]):
                if item.list_key is None or item.list_at is None or (item.print_key is None and _print_key(item)):
                    written += _relist(item)
    if written:
        log.info("orders given their list attributes", extra={"count": written})
    return written


def _print_key(item: OrderItem) -> str | None:
    state = print_state(from_item(item))
    return state.value if state else None


def _relist(item: OrderItem) -> int:
    order = from_item(item)
    try:
        item.update(actions=[OrderItem.list_key.set(order_lists.list_key(order)),
                             OrderItem.list_at.set(order_lists.list_at(order)),
                             *([OrderItem.print_key.set(key)] if (key := _print_key(item)) else [])],
                    condition=OrderItem.revision == item.revision)
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        return 0
    return 1


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(f"{relist_orders()} orders given their list attributes")
