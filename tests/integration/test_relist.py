"""Orders stored before the by_list / by_print indexes get their list attributes (storage/relist.py)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import boto3
import pytest

from chalicelib import names
from chalicelib.domain.order_query import PrintState
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import HoldReason, OrderStatus
from chalicelib.services.ports import OrderQuery
from tests.aws import aws
from tests.factories import make_order


@pytest.fixture
def tables() -> Iterator[None]:
    with aws(("orders", "shops")):
        yield


def _store_as_before(order_no: int, **kw: object) -> None:
    from chalicelib.storage.orders import to_item
    item = to_item(make_order(order_no, shop="S1", **kw), 1).serialize()
    del item["list_key"], item["list_at"]
    item.pop("print_key", None)
    boto3.client("dynamodb").put_item(TableName=names.table_name("orders"), Item=item)


def test_given_orders_stored_before_the_lists_when_relisted_then_they_are_listed_and_unchanged(tables: None) -> None:
    from chalicelib.storage.orders import DynamoOrderRepository
    from chalicelib.storage.relist import relist_orders
    from chalicelib.storage.shops import DynamoShopRepository
    DynamoShopRepository().add(Shop("S1", "shop", Platform.TAOBAO, "seller-1"))
    _store_as_before(1)
    _store_as_before(2, holds=frozenset({HoldReason.MANUAL_HOLD}))
    repo = DynamoOrderRepository()
    assert repo.query(OrderQuery(status=OrderStatus.AWAITING_SHIPMENT)).items == []

    assert relist_orders() == 2
    assert relist_orders() == 0
    assert [o.order_no for o in repo.query(OrderQuery(status=OrderStatus.AWAITING_SHIPMENT)).items] == ["2", "1"]
    assert [o.order_no for o in repo.query(OrderQuery(held_only=True)).items] == ["2"]
    assert [o.order_no for o in repo.query(OrderQuery(print_state=PrintState.TO_PRINT)).items] == ["1"]
    assert repo.get("S1-1") == replace(make_order(1, shop="S1"), revision=1)
