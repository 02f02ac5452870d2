"""Shops in DynamoDB: sk "SHOP" is the shop, sk "SECRETS" its envelope-encrypted credentials."""
from __future__ import annotations

from chalicelib.codec import from_doc, to_doc
from chalicelib.domain.shops import Shop, ShopSecrets
from chalicelib.storage import conditional
from chalicelib.storage.envelope import Envelope, default_envelope
from chalicelib.storage.models import ShopItem

SHOP = "SHOP"
SECRETS = "SECRETS"


def to_item(shop: Shop, revision: int) -> ShopItem:
    return ShopItem(shop.shop_id, SHOP, platform_seller=f"{shop.platform.value}#{shop.seller_id}",
                    sync_state="SYNC" if shop.syncing else None, kind=SHOP,
                    platform_app=f"{shop.platform.value}#{shop.app_key}" if shop.app_key else None,
                    revision=revision, doc=to_doc(shop) | {"revision": revision})


class DynamoShopRepository:
    def __init__(self, envelope: Envelope | None = None) -> None:
        self._envelope = envelope

    @property
    def envelope(self) -> Envelope:
        if self._envelope is None:
            self._envelope = default_envelope()
        return self._envelope

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

    def by_app(self, platform: str, app_key: str) -> list[Shop]:
        return [from_doc(Shop, i.doc) for i in ShopItem.by_platform_app.query(f"{platform}#{app_key}")]

    def syncing(self) -> list[Shop]:
        return [from_doc(Shop, i.doc) for i in ShopItem.by_sync_state.query("SYNC")]

    def all(self) -> list[Shop]:
        return [from_doc(Shop, i.doc) for i in ShopItem.by_kind.query(SHOP)]

    def get_secrets(self, shop_id: str) -> ShopSecrets | None:
        try:
            item = ShopItem.get(shop_id, SECRETS, consistent_read=True)
        except ShopItem.DoesNotExist:
            return None
        secrets = from_doc(ShopSecrets, self.envelope.decrypt(item.doc["blob"], _context(shop_id)))
        return ShopSecrets(**{**secrets.__dict__, "revision": int(item.revision)})

    def put_secrets(self, shop_id: str, secrets: ShopSecrets, expected_revision: int) -> None:
        """expected_revision 0: the first secrets of the shop. Token refreshes race across Lambdas:
        the loser's write fails here and it re-reads the winner's tokens."""
        revision = expected_revision + 1
        blob = self.envelope.encrypt(to_doc(secrets) | {"revision": revision}, _context(shop_id))
        item = ShopItem(shop_id, SECRETS, revision=revision, doc={"blob": blob})
        condition = (ShopItem.shop_id.does_not_exist() if expected_revision == 0
                     else ShopItem.revision == expected_revision)
        conditional.put(item, condition, f"secrets of shop {shop_id}")


def _context(shop_id: str) -> str:
    return f"shop:{shop_id}:secrets"


def shop_ids() -> list[str]:
    """Every shop's id, keys only: for the lookups that try an order number in each shop."""
    return [item.shop_id for item in ShopItem.by_kind.query(SHOP, attributes_to_get=["shop_id"])]
