"""Recomputes the report aggregates of a date range from the orders (for upgrades and repairs):
`python -m chalicelib.workers.report_rebuild --from 2026-12-01 --to 2026-12-07 [--stage prod]`.

Every figure counts on the day the order was placed (domain/report_aggregates.py), so a range needs only the
orders placed in it, read a page at a time through the workbench's list by order time. The writer is taken
for the run (the consumer's batches wait and come back), the range's day aggregates are overwritten with the
recomputed sums, stale members deleted, and each order's fold record set to what it now contributes to
those days, so the consumer's next fold of it adds only real changes. The open-orders and ship-by figures
are not per day: the range's orders are then folded as the consumer folds them, in chunks, which moves
those parts alone. Running it twice gives the same numbers; a run cut short is simply run again.

The workbench counters are aggregates too (domain/order_counters.py): a shop's creation days are day
aggregates, rebuilt with the range; a shop's totals span every day, so `rebuild_counters` recomputes them
from all of the shops' orders (`--counters`), then folds every order as the consumer does, which also puts
an order folded before the counters were (an upgrade) into its days' counters."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.order_counters import WORKBENCH
from chalicelib.domain.order_query import DateField, OrderQuery, day_start
from chalicelib.domain.orders import Order
from chalicelib.domain.report_aggregates import (
    COUNTS,
    PLATFORM,
    SKU,
    TOTAL,
    AggKey,
    contribution,
    days_between,
    merge,
    sku_names,
)
from chalicelib.domain.report_aggregates import SHOP as SHOP_DIM
from chalicelib.domain.status import RefundState
from chalicelib.services.report_fold import FoldDeps, begin_exclusive, fold_orders
from chalicelib.services.report_ports import Fold

log = logging.getLogger("oms.services.report_rebuild")

PAGE = 200
CHUNK = 500
ATTEMPTS = 10
LEASE = timedelta(hours=1)
DIMENSIONS = (TOTAL, SHOP_DIM, PLATFORM, SKU, COUNTS)


@dataclass(frozen=True)
class Rebuilt:
    orders: int
    aggregates: int


def rebuild(deps: FoldDeps, shop_ids: Iterable[str], first: date, last: date) -> Rebuilt:
    days = set(days_between(first.isoformat(), last.isoformat()))
    orders = list(_placed(deps, shop_ids, first, last))
    partitions = [f"{day}#{dimension}" for day in sorted(days) for dimension in DIMENSIONS]
    return _recompute(deps, orders, lambda key: _day(key) in days, partitions)


def rebuild_counters(deps: FoldDeps, shop_ids: Iterable[str]) -> Rebuilt:
    """The shops' counter totals from all their orders (every shop: a shop left out would lose its totals)."""
    orders = [order for shop_id in shop_ids for order in _placed(deps, [shop_id], None, None)]
    return _recompute(deps, orders, lambda key: key[0] == WORKBENCH, [WORKBENCH])


def _recompute(deps: FoldDeps, orders: list[Order], owned: Callable[[AggKey], bool],
               partitions: Sequence[str]) -> Rebuilt:
    """Overwrites the `owned` aggregates with the orders' sums, their folds' owned parts with what each order
    contributes now; then folds the orders as the consumer does (the parts not owned)."""
    seq = begin_exclusive(deps, LEASE)
    sums: dict[AggKey, dict[str, int]] = {}
    names: dict[AggKey, str] = {}
    new_parts: dict[str, dict[AggKey, dict[str, int]]] = {}
    for order in orders:
        cases = deps.cases.for_order(order.order_id) if order.refund_state is not RefundState.NONE else []
        mine = {key: figures for key, figures in contribution(order, cases).items() if owned(key)}
        new_parts[order.order_id] = mine
        merge(sums, mine)
        labels = sku_names(order)
        names.update({key: labels[key[1]] for key in mine if key[0].endswith(f"#{SKU}") and key[1] in labels})
    old = deps.store.folds([o.order_id for o in orders])
    folds = []
    for order in orders:
        kept = {k: v for k, v in (old[order.order_id].contribution if order.order_id in old else {}).items()
                if not owned(k)}
        whole = {**kept, **new_parts[order.order_id]}
        folds.append(Fold(order.order_id, seq, whole, whole))       # previous = now: a cut replay adds nothing
    deps.store.put_folds(folds)
    written = _overwrite(deps, seq, partitions, sums, names)
    deps.store.finish(seq)
    _refold(deps, [o.order_id for o in orders])
    log.info("reports rebuilt", extra={"orders": len(orders), "aggregates": written})
    return Rebuilt(len(orders), written)


def _refold(deps: FoldDeps, order_ids: list[str]) -> None:
    """The open-orders and ship-by parts, as the consumer folds them (the day parts are in step already)."""
    for start in range(0, len(order_ids), CHUNK):
        for attempt in range(ATTEMPTS):
            try:
                fold_orders(deps, order_ids[start:start + CHUNK])
                break
            except ConflictError:
                if attempt == ATTEMPTS - 1:
                    raise
                time.sleep(1 + attempt)        # the consumer holds the writer for a batch: a few seconds


def _day(key: AggKey) -> str:
    return key[0].split("#", 1)[0]


def _placed(deps: FoldDeps, shop_ids: Iterable[str], first: date | None, last: date | None) -> Iterable[Order]:
    """The shops' orders placed from `first` to `last` (both included), or all of them."""
    dated: dict[str, Any] = {} if first is None or last is None else {
        "date_field": DateField.CREATED, "date_from": day_start(first), "date_to": day_start(last + timedelta(days=1))}
    for shop_id in shop_ids:
        cursor: str | None = None
        while True:
            page = deps.orders.query(OrderQuery(shop_id=shop_id, limit=PAGE, cursor=cursor, **dated))
            yield from page.items
            cursor = page.cursor
            if cursor is None:
                break


def _overwrite(deps: FoldDeps, seq: int, partitions: Sequence[str], sums: dict[AggKey, dict[str, int]],
               names: dict[AggKey, str]) -> int:
    written = 0
    for partition in partitions:
        for member in deps.store.members(partition):
            if (partition, member) not in sums:
                deps.store.delete((partition, member))
    for key, figures in sorted(sums.items()):
        if any(figures.values()):
            deps.store.put(seq, key, figures, names.get(key, ""))
            written += 1
    return written
