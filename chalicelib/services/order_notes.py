"""Every order change the OMS makes tells the ERP at once. The orders consumer sends its notes batched
after each batch (workers/batch.py); every other writer (operators holding and releasing, stock
reservations and the out-of-stock retry, SKU links re-resolving, after-sale cases holding the order,
shipments) changes orders through this repository, which sends the order's note to the erp-events queue
right after the conditional write. Without it those changes reached the ERP only with the order's next
platform update: minutes later, merged with it (an order.released after the order had shipped).

The note names the stored revision (FIFO group per order, deduplicated per revision); the erp-events
consumer compares states, so a repeated note sends nothing new."""
from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import replace
from typing import Any

from chalicelib.domain.orders import Order
from chalicelib.services.erp_events import order_note
from chalicelib.services.ports import OrderQuery, OrderRepository, Page, Publisher

log = logging.getLogger("oms.order_notes")


class _Wrapping:
    """Reads go to the repository wrapped; subclasses say what a write does besides."""

    def __init__(self, inner: OrderRepository) -> None:
        self.inner = inner

    def get(self, order_id: str, *, consistent: bool = True) -> Order | None:
        return self.inner.get(order_id, consistent=consistent)

    def get_many(self, order_ids: Collection[str]) -> dict[str, Order]:
        return self.inner.get_many(order_ids)

    def query(self, q: OrderQuery) -> Page[Order]:
        return self.inner.query(q)

    def by_order_no(self, order_no: str) -> list[Order]:
        return self.inner.by_order_no(order_no)

    def erp_ready(self, limit: int, cursor: str | None = None) -> Page[Order]:
        return self.inner.erp_ready(limit, cursor)

    def __getattr__(self, name: str) -> Any:      # what the storage adapter offers beyond the port
        return getattr(self.inner, name)


class NotingOrderRepository(_Wrapping):
    def __init__(self, inner: OrderRepository, publisher: Callable[[], Publisher]) -> None:
        super().__init__(inner)
        self._publisher = publisher

    def add(self, order: Order) -> None:
        self.inner.add(order)
        self._tell(order, 1)

    def save(self, order: Order, expected_revision: int) -> None:
        self.inner.save(order, expected_revision)
        self._tell(order, expected_revision + 1)

    def _tell(self, order: Order, revision: int) -> None:
        try:
            self._publisher().publish("erp_events", [order_note(replace(order, revision=revision))])
        except Exception:
            # the change is stored and stays; the ERP hears of it with the order's next note (states are
            # compared, nothing is lost but time). Failing the caller would not undo the write.
            log.exception("ERP note not sent", extra={"order_id": order.order_id})


class RecordingOrderRepository(_Wrapping):
    """The orders consumer's: no note per write (its notes go batched, workers/batch.py), but each order as
    it last stored it, which that note then describes: its revision (the reports consumer's read must show
    at least that) and, for an order just created, what it adds to the reports (services/report_notes.py)."""

    def __init__(self, inner: OrderRepository) -> None:
        super().__init__(inner)
        self._stored: dict[str, Order] = {}

    def add(self, order: Order) -> None:
        self.inner.add(order)
        self._stored[order.order_id] = replace(order, revision=1)

    def save(self, order: Order, expected_revision: int) -> None:
        self.inner.save(order, expected_revision)
        self._stored[order.order_id] = replace(order, revision=expected_revision + 1)

    def stored(self, order_id: str) -> Order | None:
        return self._stored.get(order_id)
