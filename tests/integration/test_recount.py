"""Orders stored before the counters are added to them once (storage/recount.py): rerunnable, and an order
changed before the recount reaches it is counted by that change, never twice."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import boto3
import pytest

from chalicelib import names
from chalicelib.domain.order_counters import shop_scope, tab_counts
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import HoldReason, OrderStatus
from tests.aws import aws
from tests.factories import make_order


@pytest.fixture
def tables() -> Iterator[None]:
    with aws(("orders", "shops")):
        yield


def _store_as_before(order_no: int, **kw: object) -> None:
    from chalicelib.storage.orders import to_item
    item = to_item(make_order(order_no, shop="S1", **kw), 1).serialize()
    del item["counted"]
    boto3.client("dynamodb").put_item(TableName=names.table_name("orders"), Item=item)


def test_given_orders_stored_before_the_counters_when_recounted_twice_then_each_counts_once(tables: None) -> None:
    from chalicelib.storage.orders import DynamoOrderRepository
    from chalicelib.storage.recount import recount_orders
    from chalicelib.storage.shops import DynamoShopRepository
    DynamoShopRepository().add(Shop("S1", "shop", Platform.TAOBAO, "seller-1"))
    _store_as_before(1)
    _store_as_before(2, holds=frozenset({HoldReason.MANUAL_HOLD}))
    _store_as_before(3, status=OrderStatus.SHIPPED)
    repo = DynamoOrderRepository()
    four = repo.get("S1-3")
    assert four is not None
    repo.save(replace(four, status=OrderStatus.COMPLETED), 1)      # changed before the recount: counted now

    assert recount_orders() == 2
    assert recount_orders() == 0
    tabs = tab_counts(repo.counters().totals([shop_scope("S1")]), "")
    assert (tabs["to_ship"], tabs["exception"], tabs["shipped"], tabs["completed"], tabs["all"]) == (1, 1, 0, 1, 3)
