"""Goods library pages at scale: N library SKUs (10 per goods, each with a barcode) in the ERP SKU and
goods tables (moto, in-process), then the goods library's reads: a page of 50 goods, a name prefix, one
goods with its SKUs, a search by barcode and by SKU code. For each: read units consumed against reading
just the returned records by key, and no Scan anywhere. Units counted from the requests (bench/listing.py)."""
from __future__ import annotations

import os
import time
from typing import Any

from bench.listing import _metered

PAGE = 50
SKUS_PER_GOODS = 10
LIST_PAGES = ("a page", "the second page", "search by spec")     # the <= 1.25x target; the rest are key look-ups
NAMES = ["纯棉T恤", "连帽卫衣", "牛仔裤", "羽绒服", "运动鞋", "帆布包", "保温杯", "马克杯", "数据线", "手机壳"]


def run(skus: int = 100_000) -> dict[str, Any]:
    os.environ.setdefault("OMS_PREFIX", "qihang-oms-bench-goods")
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1"}.items():
        os.environ.setdefault(key, value)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    from moto import mock_aws
    with mock_aws():
        _create_tables()
        start = time.perf_counter()
        _fill(skus)
        loaded = time.perf_counter() - start
        pages = _pages(skus)
    lists = [p["ratio"] for name, p in pages.items() if name.startswith(LIST_PAGES)]
    return {"skus": skus, "goods": skus // SKUS_PER_GOODS, "load_seconds": round(loaded, 1), "pages": pages,
            "worst_list_ratio": max(lists), "scans": sum(p["scans"] for p in pages.values())}


def _create_tables() -> None:
    import boto3

    from chalicelib import names
    from infra.tables import create_table_args, table_properties
    client = boto3.client("dynamodb")
    for key in ("erp_skus", "goods"):
        client.create_table(**create_table_args(table_properties(key, names.table_name(key))))


def _fill(n: int) -> None:
    from chalicelib.domain.goods import Goods, SkuDraft, SpecAttribute, library_sku
    from chalicelib.storage.catalog_models import ErpSkuItem
    from chalicelib.storage.erp_skus import to_item
    from chalicelib.storage.goods import barcode_item, goods_item, spec_items
    from chalicelib.storage.goods_models import GoodsItem
    colours, sizes = ("红", "蓝", "黑", "白", "灰"), ("M", "L")
    specs = (SpecAttribute("颜色", colours), SpecAttribute("尺码", sizes))
    cells = [(c, s) for c in colours for s in sizes]
    with ErpSkuItem.batch_write() as skus, GoodsItem.batch_write() as goods_batch:
        for g in range(n // SKUS_PER_GOODS):
            goods = Goods(f"g{g:06d}", f"K{g:06d}", f"{NAMES[g % len(NAMES)]} {g:06d}", specs=specs,
                          sku_count=SKUS_PER_GOODS, created_at="2026-12-07T00:00:00+00:00")
            goods_batch.save(goods_item(goods, 1))
            made = [library_sku(goods, SkuDraft(cell, f"K{g:06d}-{i}", f"69{g:08d}{i}", 5900, 2000, 1800, 300))
                    for i, cell in enumerate(cells)]
            for sku in made:
                skus.save(to_item(sku, 1))
                goods_batch.save(barcode_item(sku.barcode, sku.sku_code))
            for spec in spec_items(goods, made):
                goods_batch.save(spec)


def _pages(skus: int) -> dict[str, dict[str, Any]]:
    from chalicelib.services.goods import get_goods, search
    from chalicelib.storage.goods import DynamoGoodsRepository
    from tests.goods_kit import goods_world
    repo = DynamoGoodsRepository()
    deps = _deps(goods_world(), repo)
    middle = skus // SKUS_PER_GOODS // 2
    reads: dict[str, Any] = {
        f"a page of {PAGE} goods (name order)": lambda: repo.list(limit=PAGE).items,
        f"a page of {PAGE} goods of a name prefix (马克杯)": lambda: repo.list(limit=PAGE, prefix="马克杯").items,
        f"the second page of {PAGE} goods": lambda: repo.list(limit=PAGE, cursor=repo.list(limit=PAGE).cursor).items,
        "one goods with its 10 SKUs": lambda: _with_skus(get_goods(deps, f"g{middle:06d}")),
        "search by barcode": lambda: search(deps, f"69{middle:08d}3"),
        "search by SKU code": lambda: search(deps, f"K{middle:06d}-3"),
        f"search by spec value (颜色=红, {PAGE} goods)": lambda: search(deps, "颜色=红", PAGE),
    }
    out: dict[str, dict[str, Any]] = {}
    for name, read in reads.items():
        if name.startswith("the second page"):
            first = repo.list(limit=PAGE)
            with _metered() as meter:
                returned = repo.list(limit=PAGE, cursor=first.cursor).items
        else:
            with _metered() as meter:
                returned = read()
        out[name] = _measure(meter, len(returned))
    return out


def _with_skus(found: Any) -> list[Any]:
    goods, skus = found
    return [goods, *skus]


def _deps(base: Any, repo: Any) -> Any:
    from dataclasses import replace

    from chalicelib.storage.erp_skus import DynamoErpSkuRepository
    return replace(base, goods=repo, erp=DynamoErpSkuRepository())


def _measure(meter: dict[str, Any], returned: int) -> dict[str, Any]:
    by_key = max(0.5, 0.5 * returned)      # each record under 4 KB, eventually consistent
    return {"returned": returned, "read_units": meter["units"], "by_key_units": by_key,
            "ratio": round(meter["units"] / by_key, 3), "scans": meter["calls"]["Scan"],
            "calls": sum(meter["calls"].values())}


if __name__ == "__main__":
    import json
    import sys
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000), indent=2, ensure_ascii=False))
