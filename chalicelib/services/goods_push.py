"""Shop goods into the library (推送到商品库): a shop product's SKUs become library goods + SKUs (name,
specs parsed from the SKU names, merchant codes as SKU codes) and are linked to them in one action.
A shop SKU whose merchant code is already a library SKU is linked to it instead of creating another.
Each product stands alone: one refused product never stops the others."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib.domain.catalog import ShopSku
from chalicelib.domain.errors import DomainError
from chalicelib.domain.goods import CODE, MAX_ATTRIBUTES, MAX_SKUS, Goods, GoodsDraft, SkuDraft, SpecAttribute, refuse
from chalicelib.domain.orders import SkuLink
from chalicelib.services.goods import GoodsDeps, create_goods
from chalicelib.services.goods_images import platform_image_key
from chalicelib.services.links import link_bulk

MAX_PRODUCTS = 50
UNSAFE = re.compile(r"[\s/\\#?%]+")


@dataclass(frozen=True)
class ProductPick:
    platform_product_id: str
    platform_sku_ids: tuple[str, ...]


@dataclass
class PushResult:
    platform_product_id: str
    ok: bool = True
    goods_id: str = ""
    created: list[str] = field(default_factory=list)        # library SKU codes created
    linked: dict[str, str] = field(default_factory=dict)    # platform SKU id -> library SKU code
    existing: dict[str, str] = field(default_factory=dict)  # of those, linked to a SKU already in the library
    reason: str = ""
    error: str = ""


def plan(deps: GoodsDeps, skus: Sequence[ShopSku]) -> dict[str, str]:
    """platform SKU id -> the library SKU its merchant code already names (those are linked, not created)."""
    codes = {s.merchant_code for s in skus if s.merchant_code}
    known = deps.erp.get_many(codes) if codes else {}
    return {s.platform_sku_id: s.merchant_code for s in skus if s.merchant_code in known}


def push_products(deps: GoodsDeps, shop_id: str, picks: Sequence[ProductPick]) -> list[PushResult]:
    assert deps.links is not None
    out = []
    for pick in picks[:MAX_PRODUCTS]:
        result = PushResult(pick.platform_product_id)
        try:
            _push_one(deps, shop_id, pick, result)
        except DomainError as exc:
            result.ok, result.reason, result.error = False, exc.reason, str(exc)
        out.append(result)
    wanted = [(shop_id, sku_id, [SkuLink(code, 1)]) for r in out for sku_id, code in r.linked.items()]
    refused = {b.platform_sku_id: b.error for b in link_bulk(deps.links, wanted) if not b.ok}   # one re-resolve
    for r in out:
        failed = sorted(set(r.linked) & set(refused))
        if failed:
            r.ok, r.reason, r.error = False, "goods.changed", "; ".join(refused[f] for f in failed)
            r.linked = {k: v for k, v in r.linked.items() if k not in refused}
    return out


def shop_skus_of(deps: GoodsDeps, shop_id: str, pick: ProductPick) -> list[ShopSku]:
    catalog: Any = deps.shop_skus      # the shop SKU store (its get, not only linked_to)
    found = [catalog.get(shop_id, sku_id) for sku_id in pick.platform_sku_ids]
    skus = [s for s in found if s is not None and s.platform_product_id == pick.platform_product_id]
    if not skus:
        raise refuse(f"no SKU of product {pick.platform_product_id} in shop {shop_id}", "products",
                     "goods.shop_product_missing")
    return skus


def _push_one(deps: GoodsDeps, shop_id: str, pick: ProductPick, result: PushResult) -> None:
    skus = shop_skus_of(deps, shop_id, pick)
    result.existing = plan(deps, skus)
    fresh = [s for s in skus if s.platform_sku_id not in result.existing]
    targets = dict(result.existing)
    if fresh:
        draft = draft_from_shop(shop_id, pick.platform_product_id, fresh)
        image = _image(deps, shop_id, fresh)
        if image:
            draft = replace(draft, goods=replace(draft.goods, images=(image[0],)))
        goods, created = create_goods(deps, draft)
        if image and deps.images is not None:
            deps.images.fetch_later(*image)     # after the goods exist: a refused create fetches nothing
        result.goods_id = goods.goods_id
        result.created = [s.sku_code for s in created]
        targets |= {shop.platform_sku_id: sku.sku_code for shop, sku in zip(fresh, created, strict=True)}
    result.linked = targets      # linked together after every product (push_products)


def _image(deps: GoodsDeps, shop_id: str, skus: Sequence[ShopSku]) -> tuple[str, str] | None:
    """(the library key, where to fetch it) of the product's main image, if the platform gave one."""
    url = next((s.image_url for s in skus if s.image_url), "")
    source = deps.images.source(shop_id, url) if url and deps.images is not None else None
    return (platform_image_key(url), source) if source else None


def draft_from_shop(shop_id: str, product_id: str, skus: Sequence[ShopSku]) -> GoodsDraft:
    specs, values = parse_specs([s.sku_name for s in skus])
    first = skus[0]
    goods = Goods("", _code(f"{first.platform.value}-{product_id}"), (first.title or product_id)[:200], specs=specs)
    drafts = tuple(SkuDraft(v, _sku_code(shop_id, s), price_fen=max(0, s.price_fen)) for s, v in zip(skus, values,
                                                                                                        strict=True))
    return GoodsDraft(goods, drafts)


def _code(text: str) -> str:
    code = UNSAFE.sub("-", text).strip("-~")[:64] or "GOODS"
    return code if CODE.match(code) else "GOODS"


def _sku_code(shop_id: str, sku: ShopSku) -> str:
    code = sku.merchant_code.strip()
    return code if CODE.match(code) else _code(f"{shop_id}-{sku.platform_sku_id}")


def parse_specs(names: Sequence[str]) -> tuple[tuple[SpecAttribute, ...], list[tuple[str, ...]]]:
    """The platform's SKU names as a spec matrix: "颜色:红;尺码:M" (named) or "红色 M" / "红色,M" (unnamed,
    the same count of parts in every name). Anything else: one attribute 规格 with each name a value."""
    parsed = [_parts(n) for n in names]
    counts = {len(p) for p in parsed}
    headers = {tuple(k for k, _ in p) for p in parsed}
    rows = [tuple(v for _, v in p) for p in parsed]
    if len(counts) == 1 and 0 < (n := counts.pop()) <= MAX_ATTRIBUTES and len(headers) == 1 \
            and len(set(rows)) == len(rows):
        header = headers.pop()
        attrs = tuple(SpecAttribute(header[i] or ("规格" if n == 1 else f"规格{i + 1}"),
                                    tuple(dict.fromkeys(r[i] for r in rows))) for i in range(n))
        size = 1
        for a in attrs:
            size *= len(a.values)
        if size <= MAX_SKUS:
            return attrs, rows
    single = [n.strip() or f"#{i + 1}" for i, n in enumerate(names)]
    single = [v if single.count(v) == 1 else f"{v} #{i + 1}" for i, v in enumerate(single)]
    return (SpecAttribute("规格", tuple(single)),), [(v,) for v in single]


def _parts(name: str) -> list[tuple[str, str]]:
    text = name.strip()
    if not text or text == "默认":
        return []
    pieces = [p for p in re.split(r"[;；,，\s]+", text) if p]
    out = []
    for piece in pieces:
        key, sep, value = piece.partition(":") if ":" in piece else piece.partition("：")
        out.append((key.strip(), value.strip()) if sep else ("", piece))
    return out
