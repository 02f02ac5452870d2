"""Goods library use cases: create goods with a spec matrix (its SKUs are ERP SKUs, so new codes auto-link
shop SKUs carrying them), edit goods and SKUs, delete a SKU nothing depends on, search, and adopt the ERP
SKUs from before the library as one-SKU goods."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from chalicelib.codec import to_doc
from chalicelib.domain.catalog import ErpSku
from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.domain.goods import (
    Goods,
    GoodsDraft,
    SkuDraft,
    adopted_goods,
    library_sku,
    refuse,
    spec_query,
    validate_draft,
    validate_goods,
    validate_sku,
)
from chalicelib.services.catalog import ErpSkuStore
from chalicelib.services.goods_ports import GoodsStore, RecordStore
from chalicelib.services.links import LinkDeps, auto_link_codes
from chalicelib.services.ports import Clock


class Balances(Protocol):
    def balance(self, sku_code: str) -> Any: ...


class PlatformImages(Protocol):
    """services/goods_images.QueuedImages: where a platform image is fetched from, and queueing it."""
    def source(self, shop_id: str, url: str) -> str | None: ...
    def fetch_later(self, key: str, source: str) -> None: ...


class LinkedTo(Protocol):
    def linked_to(self, sku_code: str) -> list[tuple[str, str]]: ...


@dataclass(frozen=True)
class GoodsDeps:
    goods: GoodsStore
    erp: ErpSkuStore
    categories: RecordStore[Any]
    brands: RecordStore[Any]
    suppliers: RecordStore[Any]
    stock: Balances
    shop_skus: LinkedTo
    clock: Clock
    links: LinkDeps | None = None                      # None: no auto-linking (the upgrade)
    images: PlatformImages | None = None               # None: pushed goods get no platform image
    new_id: Callable[[], str] = lambda: uuid.uuid4().hex[:16]


def create_goods(deps: GoodsDeps, draft: GoodsDraft) -> tuple[Goods, list[ErpSku]]:
    goods = replace(draft.goods, goods_id=deps.new_id(), sku_count=len(draft.skus),
                    created_at=deps.clock.now().isoformat())
    validate_draft(replace(draft, goods=goods))
    _check_references(deps, goods)
    skus = [library_sku(goods, s) for s in draft.skus]
    deps.goods.create(goods, skus)
    if deps.links is not None:
        auto_link_codes(deps.links, [s.sku_code for s in skus])
    return replace(goods, revision=1), [replace(s, revision=1) for s in skus]


def _check_references(deps: GoodsDeps, goods: Goods) -> None:
    if goods.category_id and deps.categories.get(goods.category_id) is None:
        raise refuse(f"no category {goods.category_id}", "category_id", "goods.no_category")
    if goods.brand_id and deps.brands.get(goods.brand_id) is None:
        raise refuse(f"no brand {goods.brand_id}", "brand_id", "goods.no_brand")
    missing = set(goods.supplier_ids) - set(deps.suppliers.get_many(list(goods.supplier_ids)))
    if missing:
        raise refuse(f"no supplier {', '.join(sorted(missing))}", "supplier_ids", "goods.no_supplier")


def get_goods(deps: GoodsDeps, goods_id: str) -> tuple[Goods, list[ErpSku]]:
    goods = deps.goods.get(goods_id)
    if goods is None:
        raise NotFoundError(f"no goods {goods_id}", reason="goods.not_found")
    return goods, deps.goods.skus_of(goods_id)


EDITABLE = ("code", "name", "category_id", "brand_id", "supplier_ids", "unit", "images", "description", "status")


def edit_goods(deps: GoodsDeps, goods_id: str, expected_revision: int, changes: dict[str, Any]) -> Goods:
    """The goods record's own fields (its spec matrix and SKUs change through the SKU calls)."""
    current, _ = get_goods(deps, goods_id)
    changed = validate_goods(replace(current, **{k: v for k, v in changes.items() if k in EDITABLE}))
    _check_references(deps, changed)
    deps.goods.save(changed, expected_revision)
    return replace(changed, revision=expected_revision + 1)


SKU_EDITABLE = ("barcode", "price_fen", "cost_fen", "purchase_fen", "weight_g", "volume_cm3", "status")


def edit_sku(deps: GoodsDeps, sku_code: str, expected_revision: int, changes: dict[str, Any]) -> ErpSku:
    current = deps.erp.get(sku_code)
    if current is None:
        raise NotFoundError(f"no SKU {sku_code}", reason="goods.sku_not_found")
    if current.revision != expected_revision:
        raise ConflictError(f"SKU {sku_code} changed meanwhile", reason="goods.changed")
    new = replace(current, **{k: v for k, v in changes.items() if k in SKU_EDITABLE})
    validate_sku(SkuDraft(new.spec_values, new.sku_code, new.barcode, new.price_fen, new.cost_fen,
                          new.purchase_fen, new.weight_g, new.volume_cm3, new.status), "sku")
    deps.goods.replace_sku(current, new)
    return replace(new, revision=current.revision + 1)


def delete_sku(deps: GoodsDeps, sku_code: str) -> None:
    """Only a SKU nothing depends on: no stock on hand or reserved (a reservation is an open order's),
    no shop SKU linked to it (orders, bundles and stock pushes go through links)."""
    sku = deps.erp.get(sku_code)
    if sku is None:
        raise NotFoundError(f"no SKU {sku_code}", reason="goods.sku_not_found")
    stock = deps.stock.balance(sku_code)
    if stock.reserved:
        raise ConflictError(f"SKU {sku_code} is reserved by {stock.reserved} units of open orders",
                            reason="goods.sku_open_orders")
    if stock.on_hand:
        raise ConflictError(f"SKU {sku_code} has {stock.on_hand} in stock", reason="goods.sku_has_stock")
    linked = deps.shop_skus.linked_to(sku_code)
    if linked:
        raise ConflictError(f"SKU {sku_code} is linked to {len(linked)} shop SKUs", reason="goods.sku_linked")
    goods = deps.goods.get(sku.goods_id) if sku.goods_id else None
    if goods is None:
        raise ConflictError(f"SKU {sku_code} is in no goods", reason="goods.sku_not_library")
    if goods.sku_count <= 1:
        raise ConflictError("the last SKU of goods cannot be deleted", reason="goods.last_sku")
    deps.goods.delete_sku(goods, sku)


def search(deps: GoodsDeps, text: str, limit: int = 50) -> list[Goods]:
    """By SKU code or barcode (exact: that goods alone), else a spec value (颜色=红, or 红 under any
    attribute) and the start of a goods code or name: each a key read or an index query, never a Scan."""
    text = text.strip()
    if not text:
        return []
    sku = deps.erp.get(text)
    holder = None if sku else deps.goods.holder_of(text)
    sku = sku or (deps.erp.get(holder) if holder else None)
    if sku and sku.goods_id:
        return list(deps.goods.get_many([sku.goods_id]).values())
    found: dict[str, Goods] = {}
    attribute, value = spec_query(text)
    by_spec = deps.goods.by_spec(attribute, value, limit)
    if attribute and by_spec:
        return by_spec[:limit]
    for goods in [*by_spec, *deps.goods.by_code(text, limit), *deps.goods.list(limit, prefix=text).items]:
        found.setdefault(goods.goods_id, goods)
    return list(found.values())[:limit]


def adopt_loose(store: GoodsStore, now: str, skus: Iterable[ErpSku]) -> dict[str, int]:
    """ERP SKUs without goods (from before the library, a CSV import, the ERP API) each become the only
    SKU of a goods record derived from their code: safe to run again and from two processes at once."""
    return store.adopt_many([(sku, adopted_goods(sku, now)) for sku in skus])


def goods_view(goods: Goods, skus: list[ErpSku] | None = None) -> dict[str, Any]:
    view: dict[str, Any] = to_doc(goods)
    if skus is not None:
        view["skus"] = [to_doc(s) for s in skus]
    return view
