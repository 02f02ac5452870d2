"""The upgrade to warehouses: the one pool of stock kept before becomes the default warehouse's stock.
Its balances keep their key ("BALANCE" is the default warehouse's), so no unit moves and no concurrent
write can be lost; each gets the attributes that list it under its warehouse (conditional: a balance
written meanwhile has them already), the default warehouse is stored, and a marker says it is done, so
running it again only reads the marker. `python -m chalicelib.storage.warehouse_upgrade` against a stage's
tables; the local runtime runs it on start and the daily stock reconcile runs it too."""
from __future__ import annotations

import logging
from contextlib import suppress

from pynamodb.exceptions import UpdateError

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.warehouses import default_warehouse
from chalicelib.storage.catalog_models import StockItem
from chalicelib.storage.stock import stock_partition
from chalicelib.storage.stock_marks import BALANCE
from chalicelib.storage.warehouses import DynamoWarehouseRepository

log = logging.getLogger("oms.storage.warehouse_upgrade")
MARKER = ("~UPGRADE", "WAREHOUSES")


def place_default_stock() -> int:
    """How many balances were listed under the default warehouse (0 when done before)."""
    try:
        StockItem.get(*MARKER, consistent_read=True)
        return 0
    except StockItem.DoesNotExist:
        pass
    written = 0
    for item in StockItem.scan((StockItem.sk == BALANCE) & StockItem.ledger_sku.does_not_exist()):
        written += _list(item)
    with suppress(ConflictError):        # someone changed the default warehouse already
        DynamoWarehouseRepository().save(default_warehouse(), 0)
    StockItem(*MARKER, doc={"balances": written}).save()
    if written:
        log.info("stock placed in the default warehouse", extra={"count": written})
    return written


def _list(item: StockItem) -> int:
    try:
        item.update(actions=[StockItem.ledger_sku.set(stock_partition("default")),
                             StockItem.ledger_at.set(item.sku_code)],
                    condition=StockItem.ledger_sku.does_not_exist())
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        return 0
    return 1


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(f"{place_default_stock()} balances placed in the default warehouse")
