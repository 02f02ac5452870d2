"""The fulfilment strategies' test kit: in-memory rules store and gift counters that behave like
storage/fulfil.py, and a cache primed with rules and warehouses."""
from __future__ import annotations

from typing import Any

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.fulfil_plan import GiftPick
from chalicelib.services.fulfilment import FulfilCache
from tests import fakes
from tests.review_kit import InMemoryReviewStore


class InMemoryFulfilStore(InMemoryReviewStore):
    def publish(self, doc: dict[str, Any], expected_version: int) -> int:
        if expected_version != self.current:
            raise ConflictError("the fulfilment rules changed meanwhile: reload them", reason="fulfil.changed")
        return super().publish(doc, expected_version)


class InMemoryGiftCounters:
    def __init__(self) -> None:
        self.claims: dict[tuple[str, str], str] = {}      # (rule, order) -> the buyer counted
        self.counts: dict[str, int] = {}

    def claim(self, pick: GiftPick, order_id: str, buyer_key: str) -> bool:
        if (pick.rule_id, order_id) in self.claims:
            return True
        total, buyer = f"TOTAL#{pick.rule_id}", f"BUYER#{pick.rule_id}#{buyer_key}"
        if pick.total_limit and self.counts.get(total, 0) >= pick.total_limit:
            return False
        if pick.per_buyer_limit and self.counts.get(buyer, 0) >= pick.per_buyer_limit:
            return False
        self.claims[(pick.rule_id, order_id)] = buyer
        for key in (total, buyer):
            self.counts[key] = self.counts.get(key, 0) + 1
        return True


    def give_back(self, rule_id: str, order_id: str) -> bool:
        buyer = self.claims.pop((rule_id, order_id), None)
        if buyer is None:
            return False
        for key in (f"TOTAL#{rule_id}", buyer):
            self.counts[key] -= 1
        return True


def cache_with(doc: dict[str, Any], warehouses: Any = None) -> tuple[FulfilCache, InMemoryFulfilStore, Any]:
    store, repo = InMemoryFulfilStore(), warehouses or fakes.InMemoryWarehouseRepository()
    if doc:
        store.publish(doc, 0)
    cache = FulfilCache()
    cache.refresh(store, repo)
    return cache, store, repo


def gift_rule(**kw: Any) -> dict[str, Any]:
    return {"rule_id": "g1", "name": "满 99 送袜子", "priority": 1, "gift_skus": ["SOCKS"], "min_paid_fen": 9900,
            **kw}


def carrier_rule(**kw: Any) -> dict[str, Any]:
    return {"rule_id": "c1", "name": "新疆走邮政", "priority": 1, "account_id": "EMS-1", "carrier_code": "EMS",
            "regions": ["新疆维吾尔自治区"], "fallback_account_id": "SF-1", "fallback_carrier_code": "SF", **kw}


def warehouse_rule(**kw: Any) -> dict[str, Any]:
    return {"rule_id": "w1", "name": "北方走北京仓", "priority": 1, "regions": ["北京市", "河北省"],
            "warehouses": ["BJ", "SH"], **kw}
