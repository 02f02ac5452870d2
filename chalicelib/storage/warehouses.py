"""Warehouses and stock documents, in the stock table beside the ledger they move: pk "~WAREHOUSE" sk
"WH#<id>" (one partition: a seller has few warehouses, listed together), and pk "~DOC#<id>" sk "DOC" for a
document, listed newest first through the ledger index under "~DOCS". Every change is conditional on the
revision read; a document is created once (its id is the client's idempotency key)."""
from __future__ import annotations

from dataclasses import replace

from chalicelib.codec import from_doc, sortable, to_doc
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.inventory import DEFAULT_WAREHOUSE
from chalicelib.domain.stock_documents import StockDocument
from chalicelib.domain.warehouses import Warehouse, default_warehouse
from chalicelib.services.ports import Page
from chalicelib.storage import conditional, paging
from chalicelib.storage.catalog_models import StockItem

WAREHOUSES = "~WAREHOUSE"
DOCS = "~DOCS"


def _condition(revision: int):  # type: ignore[no-untyped-def]
    return StockItem.sk.does_not_exist() if revision == 0 else StockItem.revision == revision


class DynamoWarehouseRepository:
    def get(self, warehouse_id: str) -> Warehouse | None:
        try:
            item = StockItem.get(WAREHOUSES, f"WH#{warehouse_id}", consistent_read=True)
        except StockItem.DoesNotExist:
            return default_warehouse() if warehouse_id == DEFAULT_WAREHOUSE else None
        return replace(from_doc(Warehouse, item.doc or {}), revision=int(item.revision or 0))

    def list(self) -> list[Warehouse]:
        """Every warehouse, the default first (it exists before anyone saves it)."""
        stored = [replace(from_doc(Warehouse, i.doc or {}), revision=int(i.revision or 0))
                  for i in StockItem.query(WAREHOUSES, StockItem.sk.startswith("WH#"))]
        if not any(w.warehouse_id == DEFAULT_WAREHOUSE for w in stored):
            stored.append(default_warehouse())
        return sorted(stored, key=lambda w: (w.warehouse_id != DEFAULT_WAREHOUSE, w.warehouse_id))

    def save(self, warehouse: Warehouse, expected_revision: int) -> Warehouse:
        """expected_revision 0: a new warehouse (the built-in default too, on its first change)."""
        saved = replace(warehouse, revision=expected_revision + 1)
        item = StockItem(WAREHOUSES, f"WH#{warehouse.warehouse_id}", revision=saved.revision, doc=to_doc(saved))
        conditional.put(item, _condition(expected_revision), f"warehouse {warehouse.warehouse_id}")
        return saved


class DynamoStockDocumentRepository:
    def get(self, doc_id: str) -> StockDocument | None:
        try:
            item = StockItem.get(f"~DOC#{doc_id}", "DOC", consistent_read=True)
        except StockItem.DoesNotExist:
            return None
        return replace(from_doc(StockDocument, item.doc or {}), revision=int(item.revision or 0))

    def add(self, doc: StockDocument) -> bool:
        """False: a document with this id exists already (nothing written)."""
        try:
            self._put(doc, 0)
        except ConflictError:
            return False
        return True

    def save(self, doc: StockDocument, expected_revision: int) -> StockDocument:
        return self._put(doc, expected_revision)

    def _put(self, doc: StockDocument, expected_revision: int) -> StockDocument:
        saved = replace(doc, revision=expected_revision + 1)
        item = StockItem(f"~DOC#{doc.doc_id}", "DOC", revision=saved.revision, ledger_sku=DOCS,
                         ledger_at=f"{sortable(doc.created_at)}#{doc.doc_id}", doc=to_doc(saved))
        conditional.put(item, _condition(expected_revision), f"stock document {doc.doc_id}")
        return saved

    def list(self, limit: int = 50, cursor: str | None = None) -> Page[StockDocument]:
        results = StockItem.by_ledger.query(DOCS, scan_index_forward=False, limit=limit,
                                            last_evaluated_key=paging.decode(cursor))
        items = [replace(from_doc(StockDocument, i.doc or {}), revision=int(i.revision or 0)) for i in results]
        return Page(items, paging.encode(results.last_evaluated_key))
