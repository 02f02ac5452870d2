"""Fulfilments in the sync table (sk "FULFIL", key "FULFIL#<id>": one item each, got by id from the orders
that name it) and the per shop fulfilment settings (key "FULFIL_SETTINGS#<shop id>"), beside the review
configuration the orders consumer reads there too."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from chalicelib.codec import from_doc, to_doc
from chalicelib.domain.fulfilments import Fulfilment, FulfilSettings
from chalicelib.storage import conditional
from chalicelib.storage.models import SyncItem

PREFIX = "FULFIL#"
SK = "FULFIL"
SETTINGS = "FULFIL_SETTINGS#"


def _item(fulfilment: Fulfilment, revision: int) -> SyncItem:
    return SyncItem(PREFIX + fulfilment.fulfilment_id, SK, revision=revision,
                    doc=to_doc(fulfilment) | {"revision": revision})


class DynamoFulfilmentRepository:
    def get(self, fulfilment_id: str) -> Fulfilment | None:
        try:
            return from_doc(Fulfilment, SyncItem.get(PREFIX + fulfilment_id, SK, consistent_read=True).doc or {})
        except SyncItem.DoesNotExist:
            return None

    def get_many(self, fulfilment_ids: Collection[str]) -> dict[str, Fulfilment]:
        keys = [(PREFIX + f, SK) for f in sorted(set(fulfilment_ids))]
        found = [from_doc(Fulfilment, item.doc or {}) for item in SyncItem.batch_get(keys)] if keys else []
        return {f.fulfilment_id: f for f in found}

    def add(self, fulfilment: Fulfilment) -> None:
        conditional.put(_item(fulfilment, 1), SyncItem.sk.does_not_exist(), f"fulfilment {fulfilment.fulfilment_id}")

    def save(self, fulfilment: Fulfilment, expected_revision: int) -> None:
        conditional.put(_item(fulfilment, expected_revision + 1), SyncItem.revision == expected_revision,
                        f"fulfilment {fulfilment.fulfilment_id}")


class DynamoFulfilSettingsStore:
    def get_fulfil_settings(self, shop_id: str) -> FulfilSettings:
        try:
            item = SyncItem.get(SETTINGS + shop_id, SK, consistent_read=True)
        except SyncItem.DoesNotExist:
            return FulfilSettings()
        return replace(from_doc(FulfilSettings, item.doc or {}), revision=int(item.revision or 0))

    def save_fulfil_settings(self, shop_id: str, settings: FulfilSettings, expected_revision: int) -> None:
        item = SyncItem(SETTINGS + shop_id, SK, revision=expected_revision + 1, doc=to_doc(settings))
        condition = SyncItem.sk.does_not_exist() if expected_revision == 0 else SyncItem.revision == expected_revision
        conditional.put(item, condition, f"fulfilment settings of shop {shop_id}")
