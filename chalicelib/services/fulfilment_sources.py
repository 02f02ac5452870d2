"""What an automatic split reads, over the ports that hold it: free stock per warehouse from the ledger, and
the goods weights from the library SKUs. One read per SKU set (never per line)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from chalicelib.services.stock_ports import ErpSkuStore, StockLedger


@dataclass(frozen=True)
class LedgerStockView:
    ledger: StockLedger

    def available(self, sku_codes: Iterable[str], warehouses: Sequence[str]) -> dict[str, dict[str, int]]:
        codes = sorted(set(sku_codes))
        return {w: {code: stock.available for code, stock in self.ledger.balances(codes, (w,)).items()}
                for w in dict.fromkeys(warehouses)}


@dataclass(frozen=True)
class CatalogWeights:
    skus: ErpSkuStore

    def weights(self, sku_codes: Iterable[str]) -> dict[str, int]:
        return {code: sku.weight_g for code, sku in self.skus.get_many(sorted(set(sku_codes))).items()}
