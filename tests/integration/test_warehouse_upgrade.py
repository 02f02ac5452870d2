"""Stock kept before warehouses (one pool per SKU) becomes the default warehouse's stock
(storage/warehouse_upgrade.py): nothing moves, it is listed under the default warehouse, orders reserve
and ship from it, and running the upgrade again changes nothing."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest

from chalicelib import names
from tests.aws import aws

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def tables() -> Iterator[None]:
    with aws(("stock", "orders")):
        yield


def _store_as_before(code: str, on_hand: int, reserved: int) -> None:
    """The items exactly as the ledger wrote them before warehouses: no warehouse anywhere."""
    client, table = boto3.client("dynamodb"), names.table_name("stock")
    client.put_item(TableName=table, Item={
        "sku_code": {"S": code}, "sk": {"S": "BALANCE"}, "on_hand": {"N": str(on_hand)},
        "reserved": {"N": str(reserved)}, "available": {"N": str(on_hand - reserved)}, "revision": {"N": "3"}})
    client.put_item(TableName=table, Item={
        "sku_code": {"S": code}, "sk": {"S": "MOVE#adjust:count-1"}, "ledger_sku": {"S": code},
        "ledger_at": {"S": "2026-11-01T00:00:00.000000Z#adjust:count-1"},
        "doc": {"S": f'{{"sku_code": "{code}", "kind": "adjust", "quantity": {on_hand}, '
                     f'"idempotency_key": "adjust:count-1", "source": "user:root", "at": "2026-11-01T00:00:00+00:00",'
                     f' "reason": "first count"}}'}})


def test_given_stock_from_before_warehouses_when_upgraded_then_it_is_the_default_warehouses(tables: None) -> None:
    from chalicelib.domain.inventory import Movement, MovementKind
    from chalicelib.storage.stock import DynamoStockLedger
    from chalicelib.storage.warehouse_upgrade import place_default_stock
    from chalicelib.storage.warehouses import DynamoWarehouseRepository
    _store_as_before("CUP-500", 12, 4)
    _store_as_before("SOCK-5", 3, 0)
    ledger = DynamoStockLedger()
    assert ledger.warehouse_stock("default").items == []          # not listed yet

    assert place_default_stock() == 2
    assert place_default_stock() == 0

    listed = ledger.warehouse_stock("default").items
    assert [(s.sku_code, s.on_hand, s.reserved, s.available) for s in listed] == [("CUP-500", 12, 4, 8),
                                                                               ("SOCK-5", 3, 0, 3)]
    assert ledger.balance("CUP-500", "default").on_hand == 12
    assert ledger.movements("CUP-500").items[0].warehouse_id == "default"
    assert [w.warehouse_id for w in DynamoWarehouseRepository().list()] == ["default"]
    assert DynamoWarehouseRepository().get("default").revision == 1   # stored now
    ledger.apply([Movement("CUP-500", MovementKind.RESERVE, 8, "reserve:o:1:CUP-500", "order:o", T0)],
                 guard_available=True)
    after = ledger.balance("CUP-500")
    assert (after.on_hand, after.reserved, after.available) == (12, 12, 0)
