"""Shop SKUs and their links to ERP SKUs. Order consumers read the links of every line, so what they read,
"no link" included, is kept in-process while the shop's link generation stays the same: every link change
bumps it after the write, and each links_for call reads it (strongly, one small item) before using what
it kept. Kept answers are never older than the generation read, so an order is held for an unlinked SKU
only as it would be without the cache (a link made between the read and the order's write; linking
re-resolves held orders, see services/links.py). Unlinked SKUs, most of a new shop's catalogue, cost
one read per process instead of one per batch.

The by_erp_sku index holds a shop SKU under its first link; each further component of a bundle gets a
companion item (partition "#LINK#<shop>") under its own code, so a stock change of any component finds
every shop SKU it feeds. The generation is an item of its own partition "#GEN#<shop>", in no index."""

from __future__ import annotations

from collections.abc import Iterator

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.codec import from_doc, to_doc
from chalicelib.domain.catalog import ShopSku
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.orders import SkuLink
from chalicelib.services.ports import Page
from chalicelib.storage import conditional, paging
from chalicelib.storage.models import ShopSkuItem

COMPANIONS = "#LINK#"
GENERATION = "#GEN#"
MAX_KEPT = 100_000            # SKUs' links kept per process; past it the cache starts again


def to_item(sku: ShopSku, revision: int) -> ShopSkuItem:
    return ShopSkuItem(sku.shop_id, sku.platform_sku_id, shop_sku_key=f"{sku.shop_id}#{sku.platform_sku_id}",
                       erp_sku_code=sku.links[0].sku_code if sku.links else None,
                       unlinked_shop=None if sku.links else sku.shop_id,
                       merchant_code=sku.merchant_code or None, revision=revision,
                       doc=to_doc(sku) | {"revision": revision})


def _companions(sku: ShopSku) -> dict[str, ShopSkuItem]:
    items = {}
    for link in sku.links[1:]:
        range_key = f"{sku.platform_sku_id}#{link.sku_code}"
        items[range_key] = ShopSkuItem(COMPANIONS + sku.shop_id, range_key,
                                       shop_sku_key=f"{sku.shop_id}#{sku.platform_sku_id}#{link.sku_code}",
                                       erp_sku_code=link.sku_code, revision=0,
                                       doc={"shop_id": sku.shop_id, "platform_sku_id": sku.platform_sku_id})
    return items


def _from_item(item: ShopSkuItem) -> ShopSku:
    return from_doc(ShopSku, item.doc)


class DynamoShopSkuRepository:
    def __init__(self) -> None:
        self._kept: dict[tuple[str, str], tuple[SkuLink, ...]] = {}
        self._generations: dict[str, int] = {}

    def get(self, shop_id: str, platform_sku_id: str) -> ShopSku | None:
        try:
            return _from_item(ShopSkuItem.get(shop_id, platform_sku_id, consistent_read=True))
        except ShopSkuItem.DoesNotExist:
            return None

    def add(self, sku: ShopSku) -> None:
        if len(sku.links) > 1:
            self._write(sku, None)
        else:
            conditional.put(to_item(sku, 1), ShopSkuItem.platform_sku_id.does_not_exist(),
                            f"shop sku {sku.shop_id}/{sku.platform_sku_id}")
        if sku.links:
            self._bump(sku.shop_id)

    def save(self, sku: ShopSku, expected_revision: int) -> None:
        """Revision-conditional; bundle companions follow the links in the same transaction."""
        previous = self.get(sku.shop_id, sku.platform_sku_id)
        if len(sku.links) <= 1 and (previous is None or len(previous.links) <= 1):
            conditional.put(to_item(sku, expected_revision + 1), ShopSkuItem.revision == expected_revision,
                            f"shop sku {sku.shop_id}/{sku.platform_sku_id}")
        else:
            self._write(sku, expected_revision, previous)
        if sku.links != (previous.links if previous is not None else ()):
            self._bump(sku.shop_id)

    def _bump(self, shop_id: str) -> None:
        """After the write: a reader that still sees the old generation read the links before it."""
        ShopSkuItem(GENERATION + shop_id, "links").update(actions=[ShopSkuItem.revision.add(1)])

    def _generation(self, shop_id: str) -> int:
        try:
            return int(ShopSkuItem.get(GENERATION + shop_id, "links", consistent_read=True,
                                       attributes_to_get=["revision"]).revision)
        except ShopSkuItem.DoesNotExist:
            return 0

    def _write(self, sku: ShopSku, expected_revision: int | None, previous: ShopSku | None = None) -> None:
        wanted = _companions(sku)
        stale = set(_companions(previous)) - set(wanted) if previous else set()
        revision = 1 if expected_revision is None else expected_revision + 1
        condition = (ShopSkuItem.platform_sku_id.does_not_exist() if expected_revision is None
                     else ShopSkuItem.revision == expected_revision)
        try:
            with TransactWrite(connection=ShopSkuItem._get_connection().connection) as tx:
                tx.save(to_item(sku, revision), condition=condition)
                for item in wanted.values():
                    tx.save(item)
                for range_key in stale:
                    tx.delete(ShopSkuItem(COMPANIONS + sku.shop_id, range_key))
        except TransactWriteError as exc:
            if any(r and r.code == "ConditionalCheckFailed" for r in exc.cancellation_reasons):
                raise ConflictError(f"shop sku {sku.shop_id}/{sku.platform_sku_id} changed meanwhile") from exc
            raise

    def list_shop(self, shop_id: str, limit: int = 50, cursor: str | None = None,
                  unlinked_only: bool = False) -> Page[ShopSku]:
        if unlinked_only:
            results = ShopSkuItem.by_unlinked.query(shop_id, limit=limit, last_evaluated_key=paging.decode(cursor))
        else:
            results = ShopSkuItem.query(shop_id, limit=limit, last_evaluated_key=paging.decode(cursor))
        items = [_from_item(i) for i in results]
        return Page(items, paging.encode(results.last_evaluated_key))

    def iterate_shop(self, shop_id: str) -> Iterator[ShopSku]:
        for item in ShopSkuItem.query(shop_id):
            yield _from_item(item)

    def unlinked(self, shop_id: str, limit: int = 100) -> list[ShopSku]:
        return [_from_item(i) for i in ShopSkuItem.by_unlinked.query(shop_id, limit=limit)]

    def by_merchant_code(self, merchant_code: str) -> list[ShopSku]:
        return [_from_item(i) for i in ShopSkuItem.by_merchant_code.query(merchant_code)]

    def linked_to(self, sku_code: str) -> list[tuple[str, str]]:
        """(shop id, platform SKU id) of every shop SKU with this ERP SKU among its links."""
        found = set()
        for item in ShopSkuItem.by_erp_sku.query(sku_code):
            doc = item.doc or {}
            if item.shop_id.startswith(COMPANIONS):
                found.add((str(doc["shop_id"]), str(doc["platform_sku_id"])))
            else:
                found.add((item.shop_id, item.platform_sku_id))
        return sorted(found)

    def links_for(self, shop_id: str, platform_sku_ids: set[str]) -> dict[str, tuple[SkuLink, ...]]:
        generation = self._generation(shop_id)
        if self._generations.get(shop_id) != generation:
            self._kept = {key: links for key, links in self._kept.items() if key[0] != shop_id}
            self._generations[shop_id] = generation
        missing = [(shop_id, sku_id) for sku_id in platform_sku_ids if (shop_id, sku_id) not in self._kept]
        if missing:
            if len(self._kept) + len(missing) > MAX_KEPT:
                self._kept.clear()
            found = {item.platform_sku_id: _from_item(item).links for item in ShopSkuItem.batch_get(missing)}
            self._kept.update({key: found.get(key[1], ()) for key in missing})
        return {sku_id: self._kept[(shop_id, sku_id)] for sku_id in platform_sku_ids if self._kept[(shop_id, sku_id)]}
