"""The counters mechanism (domain/order_counters.py) against the in-memory fakes and DynamoDB (moto): the order
writes are plain puts, the reports consumer folds the notes they send (services/report_fold.py); whatever the
order of the notes' delivery, duplicates included, the counters equal the sum of the stored orders'
contributions, i.e. what counting the stored orders from scratch gives."""
from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.domain.order_counters import aggregate_key, contribution, day_scope, shop_scope, tab_counts
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.status import HoldReason, OrderStatus, RefundState
from chalicelib.services.ingest import apply_snapshot
from chalicelib.services.order_admin import hold, release
from chalicelib.services.order_notes import NotingOrderRepository
from chalicelib.services.report_fold import fold_notes
from tests import fakes
from tests.aws import aws
from tests.factories import canonical_order
from tests.report_fakes import InMemoryReportStore
from tests.report_kit import fold_deps

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


class World:
    """The orders (every write sends its note, as in production), the notes sent, the consumer's store."""

    def __init__(self, backend: str) -> None:
        self.notes = fakes.RecordingPublisher()
        if backend == "fake":
            self.plain: Any = fakes.InMemoryOrderRepository()
            self.store: Any = InMemoryReportStore()
        else:
            from chalicelib.storage.orders import DynamoOrderRepository
            from chalicelib.storage.reports import DynamoReportStore
            self.plain, self.store = DynamoOrderRepository(), DynamoReportStore()
        self.orders = NotingOrderRepository(self.plain, lambda: self.notes)

    def deliver(self, seed: int) -> None:
        """Every note sent so far, a third of them twice, shuffled, in batches of 1 to 5."""
        rng = random.Random(seed)
        bodies = [body for queue, body, _, _ in self.notes.sent if queue == "erp_events"]
        bodies += rng.sample(bodies, len(bodies) // 3)
        rng.shuffle(bodies)
        deps = fold_deps(self.store, self.plain)
        while bodies:
            size = rng.randint(1, 5)
            fold_notes(deps, bodies[:size])
            bodies = bodies[size:]

    def totals(self, scopes: list[str]) -> dict[str, int]:
        out: Counter[str] = Counter()
        for aggregate in self.store.get([aggregate_key(s) for s in scopes]).values():
            out.update(aggregate.values)
        return dict(out)


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


def _actual(world: World, scopes: list[str]) -> dict[str, dict[str, int]]:
    out = {scope: {k: v for k, v in world.totals([scope]).items() if v} for scope in scopes}
    return {scope: names for scope, names in out.items() if names}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=deliveries, manual=operator, seed=st.integers(0, 2**16))
def test_given_duplicate_and_out_of_order_deliveries_then_counters_equal_a_recount(backend: str, events: Any,
                                                                                  manual: Any, seed: int) -> None:
    world, shop = World(backend), f"S{next(_shops)}"
    _deliver(world.orders, shop, events, manual)
    world.deliver(seed)                                          # the consumer, part way
    _deliver(world.orders, shop, list(reversed(events)), [])     # everything again, backwards
    world.deliver(seed + 1)                                      # every note again, shuffled, some twice
    expected = _expected(world.orders, shop)
    scopes = [shop_scope(shop), day_scope(shop, "2026-11-20"), day_scope(shop, "2026-11-21")]
    assert _actual(world, scopes) == {s: n for s, n in expected.items() if s in scopes}
    assert set(expected) <= set(scopes)


def test_given_orders_then_the_tabs_count_each_order_once_and_all_is_their_sum(backend: str) -> None:
    world, shop = World(backend), f"S{next(_shops)}"
    events = [(1, 0, OrderStatus.AWAITING_SHIPMENT, True, False), (2, 0, OrderStatus.AWAITING_SHIPMENT, False, False),
              (3, 0, OrderStatus.SHIPPED, True, False), (4, 0, OrderStatus.CANCELLED, True, False),
              (3, 1, OrderStatus.COMPLETED, True, False), (3, 0, OrderStatus.SHIPPED, True, False)]
    _deliver(world.orders, shop, events, [(1, True), (1, True)])
    assert tab_counts(world.totals([shop_scope(shop)]), "")["all"] == 0, "counted by the consumer, not the write"
    world.deliver(7)
    tabs = tab_counts(world.totals([shop_scope(shop)]), "")
    assert tabs == {"pending_review": 0, "to_ship": 0, "shipped": 0, "completed": 1, "cancelled": 1,
                    "exception": 2, "unpaid": 0, "all": 4}
