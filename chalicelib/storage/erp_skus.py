"""The seller's own SKU catalog (ERP SKUs) in DynamoDB, keyed by SKU code, listed in code order."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.codec import from_doc, to_doc
from chalicelib.domain.catalog import ErpSku
from chalicelib.domain.errors import ConflictError
from chalicelib.services.ports import Page
from chalicelib.storage import conditional, paging
from chalicelib.storage.catalog_models import ErpSkuItem

CATALOG = "SKU"
TRANSACTION = 100     # DynamoDB's limit of items per TransactWriteItems


def to_item(sku: ErpSku, revision: int) -> ErpSkuItem:
    return ErpSkuItem(sku.sku_code, catalog=CATALOG, revision=revision, doc=to_doc(sku) | {"revision": revision},
                      goods_id=sku.goods_id or None)


class DynamoErpSkuRepository:
    def get(self, sku_code: str) -> ErpSku | None:
        try:
            return from_doc(ErpSku, ErpSkuItem.get(sku_code, consistent_read=True).doc)
        except ErpSkuItem.DoesNotExist:
            return None

    def add(self, sku: ErpSku) -> None:
        conditional.put(to_item(sku, 1), ErpSkuItem.sku_code.does_not_exist(), f"ERP SKU {sku.sku_code}")

    def save(self, sku: ErpSku, expected_revision: int) -> None:
        conditional.put(to_item(sku, expected_revision + 1), ErpSkuItem.revision == expected_revision,
                        f"ERP SKU {sku.sku_code}")

    def get_many(self, sku_codes: Iterable[str]) -> dict[str, ErpSku]:
        """Strongly consistent is not offered by BatchGetItem's callers here: an import then adds under a
        condition, so a SKU created meanwhile is refused, not overwritten."""
        keys = sorted(set(sku_codes))
        return {i.sku_code: from_doc(ErpSku, i.doc) for i in ErpSkuItem.batch_get(keys)} if keys else {}

    def add_many(self, skus: Sequence[ErpSku]) -> set[str]:
        """New SKUs, each only if its code does not exist: a hundred per transaction; a transaction refused
        (a code created meanwhile) is redone one by one. Returns the codes refused."""
        refused: set[str] = set()
        for start in range(0, len(skus), TRANSACTION):
            chunk = skus[start:start + TRANSACTION]
            try:
                with TransactWrite(connection=ErpSkuItem._get_connection().connection) as tx:
                    for sku in chunk:
                        tx.save(to_item(sku, 1), condition=ErpSkuItem.sku_code.does_not_exist())
            except TransactWriteError:
                for sku in chunk:
                    try:
                        self.add(sku)
                    except ConflictError:
                        refused.add(sku.sku_code)
        return refused

    def existing_codes(self, sku_codes: Iterable[str]) -> set[str]:
        keys = sorted(set(sku_codes))
        return {i.sku_code for i in ErpSkuItem.batch_get(keys)} if keys else set()

    def list(self, limit: int = 50, cursor: str | None = None, prefix: str = "") -> Page[ErpSku]:
        condition = ErpSkuItem.sku_code.startswith(prefix) if prefix else None
        results = ErpSkuItem.by_catalog.query(CATALOG, condition, limit=limit, last_evaluated_key=paging.decode(cursor))
        items = [from_doc(ErpSku, i.doc) for i in results]
        return Page(items, paging.encode(results.last_evaluated_key))
