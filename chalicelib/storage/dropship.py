"""The drop-shipping settings, in the stock table beside the warehouses: pk "~DROPSHIP" sk "AUTO" holds
the shops whose orders the SKU rule gives to a supplier. One small item, read once per orders batch (the
review gate's), changed conditionally on its revision."""
from __future__ import annotations

from chalicelib.domain.errors import ConflictError
from chalicelib.storage import conditional
from chalicelib.storage.catalog_models import StockItem

PK, SK = "~DROPSHIP", "AUTO"
MAX_ATTEMPTS = 5


class DynamoAutoShops:
    def _read(self) -> tuple[set[str], int]:
        try:
            item = StockItem.get(PK, SK, consistent_read=True)
        except StockItem.DoesNotExist:
            return set(), 0
        return set((item.doc or {}).get("shops", [])), int(item.revision or 0)

    def shops(self) -> set[str]:
        return self._read()[0]

    def switch(self, shop_id: str, enabled: bool) -> set[str]:
        for _ in range(MAX_ATTEMPTS):
            shops, revision = self._read()
            wanted = shops | {shop_id} if enabled else shops - {shop_id}
            if wanted == shops:
                return shops
            condition = StockItem.sk.does_not_exist() if revision == 0 else StockItem.revision == revision
            try:
                conditional.put(StockItem(PK, SK, revision=revision + 1, doc={"shops": sorted(wanted)}), condition,
                                "drop-ship settings")
                return wanted
            except ConflictError:
                continue
        raise ConflictError("drop-ship settings kept changing")
