"""What one consumer batch reads, read at once: the batch's orders in one BatchGetItem instead of one
GetItem each, and each SKU's links once (orders of a shop share SKUs; each key read costs a read unit
whether or not the SKU is linked). Held for the batch only (a second or so): a read made stale meanwhile
fails the revision-conditional write and is retried strongly, and a link made meanwhile is the same race
as a link made between the read and the write, which re-resolution covers."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from chalicelib import bootstrap


class BatchReads:
    def __init__(self) -> None:
        self._links: dict[tuple[str, str], tuple[Any, ...]] = {}
        self._orders: dict[str, Any] = {}

    def start(self, records: list[dict[str, Any]]) -> None:
        """Clears the last batch and reads this one's orders and links (unparseable bodies are left to
        the handler, which reports them)."""
        from chalicelib.domain.orders import order_id_for
        self.clear()
        ids: set[str] = set()
        skus: dict[str, set[str]] = {}
        for record in records:
            body = _parse(record.get("body", ""))
            if not body.get("shop_id") or not body.get("order_no"):
                continue
            ids.add(order_id_for(body["shop_id"], body["order_no"]))
            lines = (body.get("snapshot") or {}).get("lines") or []
            skus.setdefault(body["shop_id"], set()).update(str(line.get("platform_sku_id", "")) for line in lines)
        if ids:
            found = bootstrap.orders().get_many(ids)
            self._orders = {order_id: found.get(order_id) for order_id in ids}
        for shop_id, sku_ids in skus.items():
            self.links(shop_id, sku_ids)

    def clear(self) -> None:
        self._links.clear()
        self._orders.clear()

    def first_read(self, order_id: str) -> Callable[[], Any] | None:
        """Once per order: a second message of the same order in the batch reads afresh."""
        if order_id not in self._orders:
            return None
        order = self._orders.pop(order_id)
        return lambda: order

    def links(self, shop_id: str, sku_ids: set[str]) -> dict[str, tuple[Any, ...]]:
        missing = {s for s in sku_ids if (shop_id, s) not in self._links}
        if missing:
            found = bootstrap.shop_skus().links_for(shop_id, missing)
            self._links.update({(shop_id, s): tuple(found.get(s, ())) for s in missing})
        return {s: self._links[(shop_id, s)] for s in sku_ids if self._links[(shop_id, s)]}


def _parse(body: str) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
