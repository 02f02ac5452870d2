"""Stock-up lists (备货清单): a supplier's (what its assigned open orders need, domain/dropship.stock_up) and a
warehouse's (what the open orders reserved there need: reserved against on hand, and the shortfall), on
screen or as CSV with a BOM (Excel in China opens UTF-8 as GBK without it)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.dropship import StockUpLine
from chalicelib.domain.inventory import Stock
from chalicelib.services.erp_csv import BOM, FORMULA_START
from chalicelib.services.stock_ports import ErpSkuStore, StockLedger

MAX_SKUS = 5000


@dataclass(frozen=True)
class WarehouseNeed:
    sku_code: str
    name: str
    reserved: int         # what open orders reserved here: to pick
    on_hand: int
    shortfall: int        # reserved beyond on hand (a warehouse allowing negative stock): to buy or move in


def warehouse_needs(ledger: StockLedger, skus: ErpSkuStore, warehouse_id: str) -> list[WarehouseNeed]:
    held: list[Stock] = []
    cursor: str | None = None
    for _ in range(MAX_SKUS // 200):
        page = ledger.warehouse_stock(warehouse_id, limit=200, cursor=cursor)
        held.extend(s for s in page.items if s.reserved > 0)
        cursor = page.cursor
        if cursor is None:
            break
    names = skus.get_many([s.sku_code for s in held]) if held else {}
    return [WarehouseNeed(s.sku_code, names[s.sku_code].name if s.sku_code in names else "", s.reserved, s.on_hand,
                          max(0, s.reserved - s.on_hand)) for s in held]


def _cell(value: Any) -> Any:
    """A cell that starts like a formula is run by spreadsheets: product text must not be (CSV injection)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def supplier_csv(lines: Iterable[StockUpLine]) -> str:
    return _table(("SKU编码", "商品", "需备数量", "订单数"),
                  ((x.sku_code, x.title, x.quantity, x.orders) for x in lines))


def warehouse_csv(needs: Iterable[WarehouseNeed]) -> str:
    return _table(("SKU编码", "商品", "已占用(待拣)", "实物库存", "缺货"),
                  ((x.sku_code, x.name, x.reserved, x.on_hand, x.shortfall) for x in needs))
