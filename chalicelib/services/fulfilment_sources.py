"""What an automatic split reads, over the ports that hold it: free stock per warehouse from the ledger, and
the goods weights from the library SKUs. One read per SKU set (never per line)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from chalicelib.domain.inventory import MovementKind
from chalicelib.domain.orders import Order
from chalicelib.services.stock_ports import ErpSkuStore, StockLedger
from chalicelib.services.stock_shipped import needs, order_key


@dataclass(frozen=True)
class LedgerStockView:
    ledger: StockLedger

    def available(self, sku_codes: Iterable[str], warehouses: Sequence[str]) -> dict[str, dict[str, int]]:
        codes = sorted(set(sku_codes))
        return {w: {code: stock.available for code, stock in self.ledger.balances(codes, (w,)).items()}
                for w in dict.fromkeys(warehouses)}

    def reserved(self, order: Order) -> dict[str, str]:
        """One read for the keys, one per reserved line for its warehouse (a line reserves all its SKUs in one)."""
        keys = {order_key(MovementKind.RESERVE, order, need): need for need in needs(order.lines)}
        present = self.ledger.existing((need.sku_code, key) for key, need in keys.items())
        out: dict[str, str] = {}
        for key in sorted(present):
            need = keys[key]
            movement = None if need.line_id in out else self.ledger.movement(need.sku_code, key)
            if movement is not None:
                out[need.line_id] = movement.warehouse_id
        return out


@dataclass(frozen=True)
class CatalogWeights:
    skus: ErpSkuStore

    def weights(self, sku_codes: Iterable[str]) -> dict[str, int]:
        return {code: sku.weight_g for code, sku in self.skus.get_many(sorted(set(sku_codes))).items()}
