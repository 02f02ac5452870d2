"""Shared pieces of the goods library tests: a world of fakes and drafts of goods with a spec matrix."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.goods import Goods, GoodsDraft, SkuDraft, SpecAttribute
from chalicelib.domain.inventory import Stock
from chalicelib.services.goods import GoodsDeps
from tests import fakes
from tests.goods_fakes import InMemoryGoodsRepository, InMemoryRecordRepository

COLOURS = ("红", "蓝", "黑")
SIZES = ("S", "M", "L", "XL")


def draft(code: str = "TS", colours: tuple[str, ...] = COLOURS, sizes: tuple[str, ...] = SIZES,
          **goods: Any) -> GoodsDraft:
    specs = (SpecAttribute("颜色", colours), SpecAttribute("尺码", sizes))
    skus = tuple(SkuDraft((c, s), f"{code}-{i:03d}", f"69{code}{i:03d}", 1990, 900, 800, 200)
                 for i, (c, s) in enumerate(itertools.product(colours, sizes)))
    return GoodsDraft(Goods("", code, goods.pop("name", "纯棉T恤"), specs=specs, **goods), skus)


@dataclass
class StockBalances:
    rows: dict[str, Stock] = field(default_factory=dict)

    def balance(self, sku_code: str) -> Stock:
        return self.rows.get(sku_code, Stock(sku_code, 0, 0, 0))


def goods_world() -> GoodsDeps:
    repo = InMemoryGoodsRepository()
    ids = iter(f"g{n}" for n in itertools.count(1))
    return GoodsDeps(goods=repo, erp=repo.erp, categories=InMemoryRecordRepository(lambda c: c.category_id),
                     brands=InMemoryRecordRepository(lambda b: b.brand_id),
                     suppliers=InMemoryRecordRepository(lambda s: s.supplier_id), stock=StockBalances(),
                     shop_skus=fakes.InMemoryShopSkuRepository(), clock=fakes.FixedClock(),
                     new_id=lambda: next(ids))


def push_world() -> GoodsDeps:
    """goods_world with linking (held orders re-resolved right there, no background jobs)."""
    from dataclasses import replace

    from chalicelib.services.links import LinkDeps
    deps = goods_world()
    links = LinkDeps(catalog=deps.shop_skus, erp=deps.erp, orders=fakes.InMemoryOrderRepository(),  # type: ignore[arg-type]
                     clock=deps.clock)
    return replace(deps, links=links)
