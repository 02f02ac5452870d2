"""On-sale items with their SKUs (items.onsale.get + item.skus.get), and stock write-back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chalicelib.platforms.taobao.gateway import TopGateway, items
from chalicelib.platforms.taobao.mapping import item_to_product
from chalicelib.platforms.taobao.paging import walk_forwards
from chalicelib.services.platform_errors import NotFoundError
from chalicelib.services.platform_types import CanonicalProduct

ITEM_FIELDS = "num_iid,title,price,num,approve_status,outer_id,modified,pic_url"
SKU_FIELDS = "sku_id,num_iid,properties_name,quantity,price,outer_id,modified"
PAGE_SIZE = 100
SKUS_PER_CALL = 40  # item.skus.get takes at most 40 num_iids


class Catalog:
    def __init__(self, gateway: TopGateway) -> None:
        self.gateway = gateway
        self._product_of_sku: dict[str, str] = {}

    def products(self) -> Iterator[CanonicalProduct]:
        batch: list[dict[str, Any]] = []
        for item in walk_forwards(self._page, PAGE_SIZE, "num_iid"):
            batch.append(item)
            if len(batch) == SKUS_PER_CALL:
                yield from self._with_skus(batch)
                batch = []
        yield from self._with_skus(batch)

    def update_stock(self, sku_id: str, quantity: int, num_iid: str = "") -> None:
        params: dict[str, Any] = {
            "num_iid": num_iid or self._product_of(sku_id),
            "quantity": quantity,
            "type": 1,
        }
        if sku_id:
            params["sku_id"] = sku_id
        self.gateway.call("taobao.item.quantity.update", params)

    def _page(self, page_no: int, page_size: int) -> tuple[int, list[dict[str, Any]]]:
        body = self.gateway.call(
            "taobao.items.onsale.get",
            {"fields": ITEM_FIELDS, "page_no": page_no, "page_size": page_size, "order_by": "modified:desc"},
        )
        return int(body.get("total_results") or 0), items(body.get("items"), "item")

    def _with_skus(self, batch: list[dict[str, Any]]) -> Iterator[CanonicalProduct]:
        if not batch:
            return
        ids = ",".join(str(item["num_iid"]) for item in batch)
        skus = items(
            self.gateway.call("taobao.item.skus.get", {"fields": SKU_FIELDS, "num_iids": ids}).get("skus"),
            "sku",
        )
        for item in batch:
            product = item_to_product(
                item, [s for s in skus if str(s.get("num_iid")) == str(item["num_iid"])]
            )
            self._product_of_sku.update(
                {s.platform_sku_id: product.platform_product_id for s in product.skus}
            )
            yield product

    def _product_of(self, sku_id: str) -> str:
        """item.quantity.update needs the num_iid; a caller that only knows the SKU pays one catalog walk."""
        if sku_id not in self._product_of_sku:
            for _ in self.products():
                pass
        if sku_id not in self._product_of_sku:
            raise NotFoundError(f"no on-sale item has sku {sku_id}", code="sku", platform="taobao")
        return self._product_of_sku[sku_id]
