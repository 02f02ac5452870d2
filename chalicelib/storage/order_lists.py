"""The order lists on one index, by_list. Each order sits in exactly one of its partitions: "HELD" while any
hold applies, else "READY" while it waits for the ERP, else its status; sorted by `list_at`, the creation
time and the order id (unique, so a page boundary never falls between two orders of the same second).

Why one index and not one per list: every index copy of an item costs at least one write unit, and an
order in its shop's index, its status's and the held or ERP list paid four per new order. In one list
index it pays three: the item, its shop's copy and its list's copy.

The price is on the read side, and small: a status's page merges up to three partitions (the status, its
held orders, and for awaiting shipment the ERP queue). The index entries hold the filter fields only (a
few hundred bytes), so reading a page's worth of each costs a unit or two; the orders themselves are read
by key for the returned page only. The cursor is the last `list_at` returned: each partition goes on
below it, whatever it had read past the page."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.codec import sortable
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.orders import Order
from chalicelib.domain.status import ErpHandoff, OrderStatus
from chalicelib.storage import paging
from chalicelib.storage.models import OrderItem

HELD, READY = "HELD", "READY"
MAX_ROUNDS = 4      # queries per partition for one page: a filter that matches little ends the page short


def list_key(order: Order) -> str:
    if order.holds:
        return HELD
    if order.erp_handoff is ErpHandoff.READY:
        return READY
    return order.status.value


def list_at(order: Order) -> str:
    return f"{sortable(order.created_at)}#{order.order_id}"


def partitions(status: OrderStatus, held_only: bool) -> list[tuple[str, bool]]:
    """(partition, whether the status must be filtered on) for a list of one status, or of held orders."""
    if held_only:
        return [(HELD, True)]
    parts = [(status.value, False), (HELD, True)]
    if status is OrderStatus.AWAITING_SHIPMENT:
        parts.append((READY, False))
    return parts


@dataclass
class _Stream:
    key: str
    condition: Condition | None
    below: str | None               # read everything above this list_at
    done: bool = False


def merged_page(streams: list[tuple[str, Condition | None]], limit: int,
                cursor: str | None) -> tuple[list[str], str | None]:
    """Order ids of one page, newest first, and the cursor of the next (None at the end)."""
    after = _position(cursor)
    state = [_Stream(key, condition, after) for key, condition in streams]
    read: dict[str, str] = {}                        # list_at -> order_id, every entry read so far
    behind = state                                   # the first round reads every partition
    for _ in range(MAX_ROUNDS):
        for stream in behind:
            read.update(_read(stream, limit))
        open_streams = [s for s in state if not s.done]
        complete_to = max((str(s.below) for s in open_streams), default="")
        ready = sorted((at for at in read if at >= complete_to), reverse=True)
        if len(ready) >= limit or not open_streams:
            break
        behind = [s for s in open_streams if s.below == complete_to]   # the one holding the page back
    page = ready[:limit]
    more = len(ready) > limit or bool(open_streams)
    if not more:
        return [read[at] for at in page], None
    last = page[-1] if len(page) == limit else complete_to
    return [read[at] for at in page], paging.encode({"at": last})


def _read(stream: _Stream, limit: int) -> dict[str, str]:
    """One Query of the partition below where it stopped; moves `below` to the last entry it evaluated."""
    rng = OrderItem.list_at < stream.below if stream.below else None
    results = OrderItem.by_list.query(stream.key, range_key_condition=rng, filter_condition=stream.condition,
                                      scan_index_forward=False, page_size=limit)
    page = next(results.page_iter, None) or {}
    last = results.page_iter.last_evaluated_key
    stream.done = last is None
    if last is not None:
        stream.below = last["list_at"]["S"]
    return {item["list_at"]["S"]: item["order_id"]["S"] for item in page.get("Items", [])}


def _position(cursor: str | None) -> str | None:
    value: Any = paging.decode(cursor)
    if value is None:
        return None
    if set(value) != {"at"} or not isinstance(value["at"], str):
        raise ValidationError("cursor is not one this list issued", field="cursor")
    return str(value["at"])
