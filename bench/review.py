"""Review rule evaluation: 50 rules of every kind of condition over varied orders, pure domain code (the
consumer's gate minus I/O). Target: <= 1 ms per order."""
from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta
from typing import Any

RULES = 50


def rules_doc(n: int = RULES) -> list[dict[str, Any]]:
    kinds = [
        [{"field": "buyer_memo", "op": "contains_any", "value": ["顺丰", "加急", "发票", "不要", "改地址"]}],
        [{"field": "paid_fen", "op": "gte", "value": 100_000}, {"field": "platform", "op": "in", "value": ["jd"]}],
        [{"field": "province", "op": "in", "value": ["新疆维吾尔自治区", "西藏自治区", "青海省"]}],
        [{"field": "quantity", "op": "gt", "value": 20}],
        [{"field": "sku", "op": "any_in", "value": [f"SKU-{i}" for i in range(30)]}],
        [{"field": "seller_memo", "op": "present"}, {"field": "seller_flag", "op": "in", "value": [1, 2, 3]}],
        [{"field": "receiver_incomplete", "op": "is", "value": True}],
        [{"field": "blacklisted", "op": "is", "value": True}],
        [{"field": "below_list_price_pct", "op": "gte", "value": 50}],
        [{"field": "ship_by_hours", "op": "lt", "value": 6}, {"field": "order_type", "op": "in", "value": ["presale"]}],
    ]
    return [{"name": f"rule {i}", "shops": [] if i % 3 else ["shopA", "shopB"], "match": "all" if i % 2 else "any",
             "conditions": kinds[i % len(kinds)],
             "actions": [{"type": "hold", "reason": "rule_hold", "note": f"rule {i}"}] if i % 4 else
             [{"type": "require_person"}, {"type": "set_flag", "flag": 2}]} for i in range(n)]


def run(orders: int = 5000) -> dict[str, Any]:
    from chalicelib.domain.review_eval import Facts, apply_verdict, evaluate
    from chalicelib.domain.review_rules import RuleSet, facts_needed, parse_rules
    from tests.factories import STORED_T0, make_order

    rules = parse_rules(rules_doc())
    ruleset = RuleSet(1, rules, blacklist=frozenset(f"receiver:{i:032x}" for i in range(2000)),
                      needs=facts_needed(rules))
    memos = ["", "请发顺丰", "", "不要放快递柜", "", "周末送货"]
    sample = [replace(make_order(i, shop="shopA" if i % 2 else "shopC"), buyer_memo=memos[i % len(memos)],
                      ship_by_at=STORED_T0 + timedelta(hours=i % 48)) for i in range(200)]
    facts = Facts(now=STORED_T0, list_prices={"MC-1": 4000})
    for order in sample:                                   # warm
        apply_verdict(order, evaluate(order, ruleset, facts))
    start = time.perf_counter()
    for i in range(orders):
        order = sample[i % len(sample)]
        apply_verdict(order, evaluate(order, ruleset, facts))
    per_order_ms = (time.perf_counter() - start) * 1000 / orders
    return {"rules": len(rules), "orders": orders, "blacklist": len(ruleset.blacklist),
            "ms_per_order": round(per_order_ms, 4)}


if __name__ == "__main__":
    print(run())
