"""The counters mechanism (domain/order_counters.py) against the in-memory fake and DynamoDB (moto): whatever
the order of delivery, duplicates included, the counters equal the sum of the stored orders' contributions,
i.e. what counting the stored orders from scratch gives."""
from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain.order_counters import contribution, day_scope, shop_scope, tab_counts
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.status import HoldReason, OrderStatus, RefundState
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.order_admin import hold, release
from tests import fakes
from tests.aws import aws
from tests.factories import canonical_order

LINKED = {"sku-1": (SkuLink("MC-1"),)}
_shops = itertools.count()

# one delivery: (order number, platform modified-time minutes, status, linked?, refund requested?)
deliveries = st.lists(st.tuples(st.integers(1, 4), st.integers(0, 6), st.sampled_from(list(OrderStatus)),
                                st.booleans(), st.booleans()), min_size=1, max_size=14)
operator = st.lists(st.tuples(st.integers(1, 4), st.booleans()), max_size=4)


@pytest.fixture(scope="module", params=["fake", "dynamodb"])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "fake":
        yield "fake"
        return
    with aws(("orders",)):
        yield "dynamodb"


def _repo(backend: str) -> Any:
    if backend == "fake":
        return fakes.InMemoryOrderRepository()
    from chalicelib.storage.orders import DynamoOrderRepository
    return DynamoOrderRepository()


def _deliver(orders: Any, shop: str, events: list[tuple[int, int, OrderStatus, bool, bool]],
             manual: list[tuple[int, bool]]) -> None:
    clock = fakes.FixedClock(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    for no, minutes, status, linked, refund in events:
        extra: dict[str, Any] = {"refund_state": RefundState.REFUNDING} if refund else {}
        incoming = canonical_order(str(no), minutes=minutes, status=status, **extra)
        apply_snapshot(orders, clock, shop, incoming, LINKED if linked else {})
    for no, put_on in manual:
        order_id = f"{shop}-{no}"
        if orders.get(order_id) is None:
            continue
        (hold if put_on else release)(orders, clock, order_id, HoldReason.MANUAL_HOLD, *(("note",) if put_on else ()),
                                      "user:ops")


def _expected(orders: Any, shop: str) -> dict[str, dict[str, int]]:
    stored = orders.get_many([f"{shop}-{n}" for n in range(1, 5)]).values()
    out: dict[str, Counter[str]] = {}
    for order in stored:
        for (scope, name), n in contribution(order).items():
            out.setdefault(scope, Counter())[name] += n
    return {scope: {k: v for k, v in names.items() if v} for scope, names in out.items()}


def _actual(orders: Any, scopes: list[str]) -> dict[str, dict[str, int]]:
    counters = orders.counters()
    out = {scope: {k: v for k, v in counters.totals([scope]).items() if v} for scope in scopes}
    return {scope: names for scope, names in out.items() if names}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=deliveries, manual=operator)
def test_given_duplicate_and_out_of_order_deliveries_then_counters_equal_a_recount(backend: str, events: Any,
                                                                                  manual: Any) -> None:
    orders, shop = _repo(backend), f"S{next(_shops)}"
    _deliver(orders, shop, events, manual)
    _deliver(orders, shop, list(reversed(events)), [])          # everything again, backwards
    expected = _expected(orders, shop)
    scopes = [shop_scope(shop), day_scope(shop, "2026-11-20"), day_scope(shop, "2026-11-21")]
    assert _actual(orders, scopes) == {s: n for s, n in expected.items() if s in scopes}
    assert set(expected) <= set(scopes)


def test_given_orders_then_the_tabs_count_each_order_once_and_all_is_their_sum(backend: str) -> None:
    orders, shop = _repo(backend), f"S{next(_shops)}"
    events = [(1, 0, OrderStatus.AWAITING_SHIPMENT, True, False), (2, 0, OrderStatus.AWAITING_SHIPMENT, False, False),
              (3, 0, OrderStatus.SHIPPED, True, False), (4, 0, OrderStatus.CANCELLED, True, False),
              (3, 1, OrderStatus.COMPLETED, True, False), (3, 0, OrderStatus.SHIPPED, True, False)]
    _deliver(orders, shop, events, [(1, True), (1, True)])
    tabs = tab_counts(orders.counters().totals([shop_scope(shop)]), "")
    assert tabs == {"pending_review": 0, "to_ship": 0, "shipped": 0, "completed": 1, "cancelled": 1,
                    "exception": 2, "unpaid": 0, "all": 4}
