"""The workbench counters rebuilt from the orders (services/report_rebuild.py, `--counters`) on DynamoDB (moto):
orders the consumer never folded into the counters (stored before the counters were folded, i.e. written with
each order before) are counted once by the rebuild, rerunnable, and an order the consumer folded meanwhile is
never counted twice; a damaged total is repaired."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from chalicelib.domain.order_counters import WORKBENCH, day_scope, shop_scope, tab_counts
from chalicelib.domain.order_query import shanghai_day
from chalicelib.domain.status import HoldReason, OrderStatus
from chalicelib.services.report_fold import FoldDeps, fold_orders
from chalicelib.services.report_rebuild import rebuild_counters
from tests.aws import aws
from tests.factories import make_order
from tests.report_kit import fold_deps


@pytest.fixture
def deps() -> Iterator[FoldDeps]:
    with aws(("orders", "shops")):
        from chalicelib.storage.orders import DynamoOrderRepository
        from chalicelib.storage.reports import DynamoReportStore
        yield fold_deps(DynamoReportStore(), DynamoOrderRepository(), owner="rebuild")


def test_given_orders_never_folded_into_the_counters_when_rebuilt_twice_then_each_counts_once(deps: FoldDeps) -> None:
    from chalicelib.storage.order_counters import DynamoOrderCounters
    repo = deps.orders
    repo.add(make_order(1, shop="S1"))
    repo.add(make_order(2, shop="S1", holds=frozenset({HoldReason.MANUAL_HOLD})))
    repo.add(make_order(3, shop="S1", status=OrderStatus.SHIPPED))
    three = repo.get("S1-3")
    assert three is not None
    repo.save(replace(three, status=OrderStatus.COMPLETED), 1)
    fold_orders(deps, ["S1-3"])                                 # folded by the consumer before the rebuild
    counters = DynamoOrderCounters()
    deps.store.put(99, (WORKBENCH, "S1"), {"a": 40})             # a damaged total

    for _ in range(2):
        done = rebuild_counters(deps, ["S1"])
        assert done.orders == 3
    tabs = tab_counts(counters.totals([shop_scope("S1")]), "")
    assert (tabs["to_ship"], tabs["exception"], tabs["shipped"], tabs["completed"], tabs["all"]) == (1, 1, 0, 1, 3)
    days = {day_scope("S1", shanghai_day(make_order(n, shop="S1").created_at)) for n in (1, 2, 3)}
    assert counters.totals(days).get("a") == 3, "the days' counters, folded after the rebuild"
