"""The exception center's figures come from the order counters: held orders still to ship or to pay, per
reason and per shop; a held order that shipped no longer counts."""
from __future__ import annotations

from chalicelib.domain.status import HoldReason, OrderStatus
from chalicelib.services.exceptions import held_counts
from tests import fakes
from tests.factories import make_order


def test_GIVEN_held_orders_of_two_shops_WHEN_counted_THEN_per_reason_per_shop_and_shipped_ones_left_out() -> None:
    orders = fakes.InMemoryOrderRepository()
    orders.add(make_order(1, "shopA", holds=frozenset({HoldReason.UNLINKED_SKU, HoldReason.BUYER_MESSAGE})))
    orders.add(make_order(2, "shopA", holds=frozenset({HoldReason.UNLINKED_SKU})))
    orders.add(make_order(3, "shopB", holds=frozenset({HoldReason.BLACKLISTED})))
    orders.add(make_order(4, "shopB", holds=frozenset({HoldReason.UNLINKED_SKU}), status=OrderStatus.SHIPPED))
    orders.add(make_order(5, "shopB"))

    by_reason, by_shop, pairs = held_counts(orders.counters())

    assert by_reason == {"unlinked_sku": 2, "buyer_message": 1, "blacklisted": 1}
    assert by_shop == {"shopA": 2, "shopB": 1}
    assert pairs == {("unlinked_sku", "shopA"): 2, ("buyer_message", "shopA"): 1, ("blacklisted", "shopB"): 1}
