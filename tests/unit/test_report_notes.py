"""The reports consumer's notes (services/report_notes.py) and what folding a new order reads
(services/report_fold.py): a created order's note carries its revision and contribution, so its fold reads
neither the order nor its fold; anything less certain is read."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from chalicelib.domain.report_aggregates import contribution
from chalicelib.domain.status import OrderStatus, RefundState
from chalicelib.services.report_fold import fold_notes
from chalicelib.services.report_notes import new_order_fold, parse_notes
from tests import fakes
from tests.factories import make_order
from tests.report_kit import fold_deps, note, recomputed, stored

PAID = datetime(2026, 11, 20, 8, 5, tzinfo=UTC)


class CountingOrders(fakes.InMemoryOrderRepository):
    def __init__(self) -> None:
        super().__init__()
        self.consistent = self.batched = 0

    def get(self, order_id: str, *, consistent: bool = True) -> Any:
        self.consistent += consistent
        return super().get(order_id, consistent=consistent)

    def get_many(self, order_ids: Any) -> dict[str, Any]:
        self.batched += len(order_ids)
        return super().get_many(order_ids)


def test_GIVEN_a_created_orders_note_WHEN_parsed_THEN_its_fold_is_carried_at_its_revision() -> None:
    order = make_order(1, paid_at=PAID)
    triggers = parse_notes([note("order", order.order_id, 2, new=True, fold=new_order_fold(order))])
    assert triggers.new == {order.order_id} and triggers.revisions == {order.order_id: 2}
    assert triggers.carried[order.order_id].contribution == contribution(order)


def test_GIVEN_a_later_note_of_the_same_order_in_the_batch_WHEN_parsed_THEN_the_carried_fold_is_not_used() -> None:
    order = make_order(1, paid_at=PAID)
    triggers = parse_notes([note("order", order.order_id, 2, new=True, fold=new_order_fold(order)),
                            note("order", order.order_id, 3)])
    assert triggers.revisions == {order.order_id: 3} and not triggers.carried


def test_GIVEN_a_note_without_revision_or_a_malformed_fold_WHEN_parsed_THEN_the_order_is_read() -> None:
    triggers = parse_notes([note("order", "A", 2, new=True, fold={"c": {"no-bar": {"o": 1}}}),
                            note("order", "B", 2), note("order", "B"), "not json", json.dumps(["x"])])
    assert triggers.orders == {"A", "B"} and not triggers.carried and triggers.revisions == {"A": 2}


def test_GIVEN_an_order_with_an_after_sale_WHEN_its_note_is_made_THEN_it_carries_no_fold() -> None:
    assert new_order_fold(replace(make_order(1, paid_at=PAID), refund_state=RefundState.REFUNDING)) is None


def test_GIVEN_a_new_orders_note_with_its_fold_WHEN_folded_THEN_neither_the_order_nor_its_fold_is_read() -> None:
    deps = fold_deps(orders=CountingOrders())
    deps.orders.add(make_order(1, paid_at=PAID))
    created = deps.orders.get("shopA-1")
    deps.orders.consistent = 0
    fold_notes(deps, [note("order", "shopA-1", created.revision, new=True, fold=new_order_fold(created))])
    assert (deps.orders.consistent, deps.orders.batched, deps.store.folds_read) == (0, 0, 0)
    assert stored(deps.store) == recomputed(deps.orders, deps.cases)


def test_GIVEN_a_new_orders_note_without_fold_WHEN_folded_THEN_one_batch_read_serves_it() -> None:
    deps = fold_deps(orders=CountingOrders())
    deps.orders.add(make_order(1, paid_at=PAID))
    deps.orders.consistent = 0
    fold_notes(deps, [note("order", "shopA-1", deps.orders.get("shopA-1", consistent=False).revision, new=True)])
    assert (deps.orders.consistent, deps.orders.batched, deps.store.folds_read) == (0, 1, 0)


def test_GIVEN_a_new_note_delivered_again_after_a_later_change_WHEN_folded_THEN_the_later_version_stays() -> None:
    deps = fold_deps()
    deps.orders.add(make_order(1, paid_at=PAID))
    created = deps.orders.get("shopA-1")
    first = note("order", "shopA-1", created.revision, new=True, fold=new_order_fold(created))
    fold_notes(deps, [first])
    deps.orders.save(replace(created, status=OrderStatus.SHIPPED, shipped_at=PAID), created.revision)
    fold_notes(deps, [note("order", "shopA-1", created.revision + 1)])
    fold_notes(deps, [first])                    # a duplicate, late: its fold exists, so everything is read
    assert stored(deps.store) == recomputed(deps.orders, deps.cases)
