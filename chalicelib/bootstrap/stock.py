"""ERP SKUs, the stock ledger, warehouses and their routing, stock documents and the stock sync."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import bootstrap
from chalicelib.bootstrap.registry import _get

if TYPE_CHECKING:
    # the ports each builder returns: for the type checker only (a Lambda imports the adapters it uses)
    from chalicelib.services.stock_documents import DocumentRepository
    from chalicelib.services.stock_ports import ErpSkuStore, StockStore, StockSyncStore
    from chalicelib.services.stock_reconcile import ReportStore as ReconcileReports
    from chalicelib.services.warehouses import WarehouseRepository

__all__ = [
    "erp_skus",
    "reconcile_reports",
    "route",
    "stock",
    "stock_documents",
    "stock_sync",
    "unknown_skus",
    "warehouses",
]


def erp_skus() -> ErpSkuStore:
    def build() -> ErpSkuStore:
        from chalicelib.storage.erp_skus import DynamoErpSkuRepository

        return DynamoErpSkuRepository()

    return _get("erp_skus", build)


def stock() -> StockStore:
    def build() -> StockStore:
        from chalicelib.storage.stock import DynamoStockLedger

        return DynamoStockLedger()

    return _get("stock", build)


def warehouses() -> WarehouseRepository:
    def build() -> Any:
        from chalicelib.storage.warehouses import DynamoWarehouseRepository

        return DynamoWarehouseRepository()

    return _get("warehouses", build)


def stock_documents() -> DocumentRepository:
    def build() -> Any:
        from chalicelib.storage.warehouses import DynamoStockDocumentRepository

        return DynamoStockDocumentRepository()

    return _get("stock_documents", build)


def reconcile_reports() -> ReconcileReports:
    def build() -> Any:
        from chalicelib.storage.reconcile import DynamoReconcileReports

        return DynamoReconcileReports()

    return _get("reconcile_reports", build)


def route(shop_id: str) -> Any:
    """The warehouses serving a shop (services/stock.py reserves and deducts there), from the per-process
    cache: the orders consumer refreshes it once per batch, any other caller when it is 30 s old."""
    return bootstrap.fulfil_cache().fresh(warehouses()).routing(shop_id)


def unknown_skus(codes: Any) -> set[str]:
    return {code for code in set(codes) if erp_skus().get(code) is None}


def stock_sync() -> StockSyncStore:
    def build() -> StockSyncStore:
        from chalicelib.storage.stock_sync import DynamoStockSyncRepository

        return DynamoStockSyncRepository()

    return _get("stock_sync", build)
