"""Merge proposals and automatic splits, pure domain code (the use cases minus I/O): 1,000 reviewed orders
grouped by buyer and address, and each split by stock over 3 warehouses and by weight. Target: <= 1 ms per
order. Run: python -m bench.fulfilments"""
from __future__ import annotations

import json
import time
from dataclasses import replace
from typing import Any


def run(orders: int = 1000) -> dict[str, Any]:
    from chalicelib.domain import fulfilment_splits as fs
    from chalicelib.domain import fulfilments as ff
    from chalicelib.domain.orders import LineItem, SkuLink
    from chalicelib.domain.platform import Platform
    from tests.factories import make_order

    lines = tuple(LineItem(f"l{i}", f"s{i}", f"p{i}", f"MC-{i}", "T恤", "M", 1 + i % 3, 1990, 1990,
                           links=(SkuLink(f"SKU-{i}", 1),)) for i in range(4))
    sample = []
    for n in range(orders):
        order = make_order(n, "pddA", platform=Platform.PDD, lines=lines)
        receiver = replace(order.receiver, name_masked=f"买家{n // 3}")       # every third order: a repeat buyer
        sample.append(replace(order, receiver=receiver))
    stock = {"WH1": {"SKU-0": 10**6, "SKU-1": 10**6}, "WH2": {"SKU-2": 10**6}, "WH3": {}}
    weights = {f"l{i}": 300 * (i + 1) for i in range(4)}
    start = time.perf_counter()
    groups = ff.proposals(sample)
    proposals_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    for order in sample:
        fs.by_stock(order, stock, ["WH1", "WH2", "WH3"])
        fs.by_weight(order, weights, 2000)
    splits_ms = (time.perf_counter() - start) * 1000
    return {"orders": orders, "merge_groups": len(groups), "proposals_ms_per_order": round(proposals_ms / orders, 4),
            "splits_ms_per_order": round(splits_ms / orders, 4), "target_ms_per_order": 1.0}


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
