"""Fulfilment planning: 1,000 reviewed orders planned with 20 rules of each kind (warehouse, carrier with
weight and unreachable areas, gifts with limits), through the orders consumer's planner over its per-process
cache. Targets: <= 1 ms per order, and no read per order (the rules, warehouses and SKU weights come from
the cache; reads are counted at the ports). `python -m bench.fulfilment`."""
from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

RULES = 20
PROVINCES = ["浙江省", "江苏省", "广东省", "北京市", "河北省", "四川省", "新疆维吾尔自治区", "西藏自治区", "上海市",
             "湖北省"]


def rules_doc(n: int = RULES) -> dict[str, Any]:
    warehouse = [{"rule_id": f"w{i}", "name": f"warehouse {i}", "priority": i, "shops": [] if i % 3 else ["shopA"],
                  "regions": [PROVINCES[i % len(PROVINCES)], f"{PROVINCES[(i + 3) % len(PROVINCES)]}/某市"],
                  "warehouses": [f"WH{i % 4}", f"WH{(i + 1) % 4}"]} for i in range(n)]
    carrier = [{"rule_id": f"c{i}", "name": f"carrier {i}", "priority": i, "shops": [] if i % 2 else ["shopA"],
                "regions": [PROVINCES[i % len(PROVINCES)]] if i % 4 else [], "account_id": f"ACC-{i}",
                "carrier_code": ["ZTO", "YTO", "SF", "EMS"][i % 4], "min_weight_g": 100 * (i % 5),
                "max_weight_g": 2000 + 500 * i, "min_paid_fen": 1000 * (i % 3), "skus": [f"SKU-{i}", "MC-1"]
                if i % 5 == 0 else [], "cod": None if i % 3 else False, "fallback_account_id": f"ACC-F{i}",
                "fallback_carrier_code": "SF"} for i in range(n)]
    gift = [{"rule_id": f"g{i}", "name": f"gift {i}", "priority": i, "shops": [] if i % 2 else ["shopA"],
             "gift_skus": [f"GIFT-{i}"], "min_paid_fen": 3000 + 1000 * (i % 4),
             "buy_skus": ["MC-1"] if i % 3 == 0 else [], "min_quantity": 2 if i % 3 == 0 else 0,
             "starts_at": "2026-11-01T00:00:00+08:00", "ends_at": "2026-12-31T00:00:00+08:00",
             "per_buyer_limit": 1 if i % 2 else 0, "total_limit": 100_000 if i % 4 == 0 else 0}
            for i in range(n)]
    unreachable = [{"carrier_code": "YTO", "regions": ["西藏自治区", "新疆维吾尔自治区"]},
                   {"carrier_code": "ZTO", "regions": ["西藏自治区"]}]
    return {"warehouse": warehouse, "carrier": carrier, "gift": gift, "unreachable": unreachable}


class Counted:
    """A port wrapped to count its calls (each call to a store or repository is one read)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.calls = inner, 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if not callable(attr):
            return attr

        def counted(*args: Any, **kw: Any) -> Any:
            self.calls += 1
            return attr(*args, **kw)
        return counted


def run(orders: int = 1000) -> dict[str, Any]:
    from chalicelib.domain.warehouses import Warehouse
    from chalicelib.services.fulfilment import FulfilCache, Planner
    from tests import fakes
    from tests.factories import STORED_T0, make_order
    from tests.fulfil_kit import InMemoryFulfilStore, InMemoryGiftCounters

    store, repo = InMemoryFulfilStore(), fakes.InMemoryWarehouseRepository()
    store.publish(rules_doc(), 0)
    for i in range(4):
        repo.save(Warehouse(f"WH{i}", f"仓 {i}", shop_ids=("shopA", "shopB"), priority=i), 0)
    store_reads, warehouse_reads = Counted(store), Counted(repo)
    weight_reads: list[int] = []

    def weights(codes: set[str]) -> dict[str, int]:
        weight_reads.append(len(codes))
        return dict.fromkeys(codes, 350)

    cache, counters = FulfilCache(), InMemoryGiftCounters()
    cache.refresh(store_reads, warehouse_reads)                   # the consumer: once per batch
    planner = Planner(cache, fakes.FixedClock(STORED_T0), counters, weights)
    sample = [_order(make_order(i, shop="shopA" if i % 2 else "shopB"), i) for i in range(orders)]
    for order in sample[:50]:                                     # warm: the weights of the SKUs seen
        planner(order)
    reads_before = store_reads.calls + warehouse_reads.calls + len(weight_reads)
    start, cpu = time.perf_counter(), time.process_time()
    planned = [planner(order) for order in sample]
    per_order_ms = (time.perf_counter() - start) * 1000 / orders
    cpu_ms = (time.process_time() - cpu) * 1000 / orders      # steadier than wall time on a shared box
    reads = store_reads.calls + warehouse_reads.calls + len(weight_reads) - reads_before
    gifts = sum(1 for o in planned for line in o.lines if line.gift)
    return {"orders": orders, "rules_per_kind": RULES, "ms_per_order": round(per_order_ms, 4),
            "cpu_ms_per_order": round(cpu_ms, 4),
            "reads_in_loop": reads, "reads_per_order": round(reads / orders, 4),
            "refresh_reads_per_batch": 2, "gift_lines": gifts, "gift_claims": len(counters.claims),
            "carrier_routed": sum(1 for o in planned if o.plan and o.plan.carrier_rule),
            "warehouse_routed": sum(1 for o in planned if o.plan and o.plan.warehouse_rule)}


def _order(order: Any, i: int) -> Any:
    receiver = replace(order.receiver, province=PROVINCES[i % len(PROVINCES)], city="某市")
    line = replace(order.lines[0], quantity=1 + i % 4)
    return replace(order, receiver=receiver, lines=(line,), paid_fen=1000 + 700 * (i % 12),
                   order_type="cod" if i % 7 == 0 else "normal", buyer_id=f"buyer-{i % 300}")


if __name__ == "__main__":
    print(run())
