"""Shop SKUs and their links to ERP SKUs. Order consumers read links for every line, so they are
cached in-process for a minute: linking re-resolves the held orders anyway (see services)."""
from __future__ import annotations

import time

from chalicelib.codec import from_doc, to_doc
from chalicelib.domain.catalog import ShopSku
from chalicelib.domain.orders import SkuLink
from chalicelib.storage import conditional
from chalicelib.storage.models import ShopSkuItem

CACHE_SECONDS = 60.0


def to_item(sku: ShopSku, revision: int) -> ShopSkuItem:
    return ShopSkuItem(sku.shop_id, sku.platform_sku_id, shop_sku_key=f"{sku.shop_id}#{sku.platform_sku_id}",
                       erp_sku_code=sku.links[0].sku_code if sku.links else None,
                       unlinked_shop=None if sku.links else sku.shop_id,
                       merchant_code=sku.merchant_code or None, revision=revision,
                       doc=to_doc(sku) | {"revision": revision})


class DynamoShopSkuRepository:
    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], tuple[float, tuple[SkuLink, ...]]] = {}

    def get(self, shop_id: str, platform_sku_id: str) -> ShopSku | None:
        try:
            return from_doc(ShopSku, ShopSkuItem.get(shop_id, platform_sku_id, consistent_read=True).doc)
        except ShopSkuItem.DoesNotExist:
            return None

    def add(self, sku: ShopSku) -> None:
        conditional.put(to_item(sku, 1), ShopSkuItem.platform_sku_id.does_not_exist(),
                        f"shop sku {sku.shop_id}/{sku.platform_sku_id}")

    def save(self, sku: ShopSku, expected_revision: int) -> None:
        conditional.put(to_item(sku, expected_revision + 1), ShopSkuItem.revision == expected_revision,
                        f"shop sku {sku.shop_id}/{sku.platform_sku_id}")
        self._cache.pop((sku.shop_id, sku.platform_sku_id), None)

    def unlinked(self, shop_id: str, limit: int = 100) -> list[ShopSku]:
        return [from_doc(ShopSku, i.doc) for i in ShopSkuItem.by_unlinked.query(shop_id, limit=limit)]

    def links_for(self, shop_id: str, platform_sku_ids: set[str]) -> dict[str, tuple[SkuLink, ...]]:
        now = time.monotonic()
        found: dict[str, tuple[SkuLink, ...]] = {}
        missing = []
        for sku_id in platform_sku_ids:
            hit = self._cache.get((shop_id, sku_id))
            if hit and now - hit[0] < CACHE_SECONDS:
                found[sku_id] = hit[1]
            else:
                missing.append((shop_id, sku_id))
        if missing:
            for key in missing:   # unknown SKUs are cached as unlinked too
                self._cache[key] = (now, ())
            for item in ShopSkuItem.batch_get(missing):
                links = from_doc(ShopSku, item.doc).links
                self._cache[(shop_id, item.platform_sku_id)] = (now, links)
                found[item.platform_sku_id] = links
        return {k: v for k, v in found.items() if v}
