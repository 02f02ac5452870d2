"""Shops in DynamoDB (sk "SHOP"). The scheduler finds syncing shops through a sparse index."""
from __future__ import annotations

from chalicelib.codec import from_doc, to_doc
from chalicelib.domain.shops import Shop
from chalicelib.storage import conditional
from chalicelib.storage.models import ShopItem

SHOP = "SHOP"


def to_item(shop: Shop, revision: int) -> ShopItem:
    return ShopItem(shop.shop_id, SHOP, platform_seller=f"{shop.platform.value}#{shop.seller_id}",
                    sync_state="SYNC" if shop.syncing else None, kind=SHOP, revision=revision,
                    doc=to_doc(shop) | {"revision": revision})


class DynamoShopRepository:
    def get(self, shop_id: str) -> Shop | None:
        try:
            return from_doc(Shop, ShopItem.get(shop_id, SHOP, consistent_read=True).doc)
        except ShopItem.DoesNotExist:
            return None

    def add(self, shop: Shop) -> None:
        conditional.put(to_item(shop, 1), ShopItem.shop_id.does_not_exist(), f"shop {shop.shop_id}")

    def save(self, shop: Shop, expected_revision: int) -> None:
        conditional.put(to_item(shop, expected_revision + 1), ShopItem.revision == expected_revision,
                        f"shop {shop.shop_id}")

    def by_seller(self, platform: str, seller_id: str) -> Shop | None:
        for item in ShopItem.by_platform_seller.query(f"{platform}#{seller_id}", limit=1):
            return from_doc(Shop, item.doc)
        return None

    def syncing(self) -> list[Shop]:
        return [from_doc(Shop, i.doc) for i in ShopItem.by_sync_state.query("SYNC")]

    def all(self) -> list[Shop]:
        return [from_doc(Shop, i.doc) for i in ShopItem.by_kind.query(SHOP)]
