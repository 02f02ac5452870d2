"""Per shop stock-sync settings and the last push of each shop SKU, beside the shop in the shops table."""
from __future__ import annotations

from dataclasses import replace

from chalicelib.codec import from_doc, to_doc
from chalicelib.services.ports import Page
from chalicelib.services.stock_ports import PushRecord, StockSyncSettings
from chalicelib.storage import conditional, paging
from chalicelib.storage.catalog_models import ShopSideItem

SETTINGS = "STOCK_SYNC"
PUSH = "PUSH#"


class DynamoStockSyncRepository:
    """Per shop: sk "STOCK_SYNC" the formula settings, sk "PUSH#<platform sku id>" the last push."""

    def get_settings(self, shop_id: str) -> StockSyncSettings:
        try:
            item = ShopSideItem.get(shop_id, SETTINGS, consistent_read=True)
        except ShopSideItem.DoesNotExist:
            return StockSyncSettings()
        return replace(from_doc(StockSyncSettings, item.doc or {}), revision=int(item.revision or 0))

    def save_settings(self, shop_id: str, settings: StockSyncSettings, expected_revision: int) -> None:
        item = ShopSideItem(shop_id, SETTINGS, revision=expected_revision + 1, doc=to_doc(settings))
        condition = (ShopSideItem.sk.does_not_exist() if expected_revision == 0
                     else ShopSideItem.revision == expected_revision)
        conditional.put(item, condition, f"stock sync settings of shop {shop_id}")

    def last_push(self, shop_id: str, platform_sku_id: str) -> PushRecord | None:
        try:
            return from_doc(PushRecord, ShopSideItem.get(shop_id, PUSH + platform_sku_id, consistent_read=True).doc)
        except ShopSideItem.DoesNotExist:
            return None

    def record_push(self, record: PushRecord) -> None:
        ShopSideItem(record.shop_id, PUSH + record.platform_sku_id, doc=to_doc(record)).save()

    def pushes(self, shop_id: str, limit: int = 50, cursor: str | None = None) -> Page[PushRecord]:
        results = ShopSideItem.query(shop_id, ShopSideItem.sk.startswith(PUSH), limit=limit,
                                     last_evaluated_key=paging.decode(cursor))
        items = [from_doc(PushRecord, i.doc) for i in results]
        return Page(items, paging.encode(results.last_evaluated_key))
