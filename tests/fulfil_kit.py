"""The fulfilment test kit. Strategies: in-memory rules store and gift counters that behave like
storage/fulfil.py, and a cache primed with rules and warehouses. Parcels (merge/split): an in-memory
fulfilment store and settings, and a FulfilDeps over fakes."""
from __future__ import annotations

import copy
from collections.abc import Collection
from dataclasses import replace
from typing import Any

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.fulfil_plan import GiftPick
from chalicelib.domain.fulfilments import Fulfilment, FulfilSettings
from chalicelib.services.fulfilment import FulfilCache
from chalicelib.services.fulfilment_sources import CatalogWeights, LedgerStockView
from chalicelib.services.fulfilments import FulfilDeps
from chalicelib.services.stock import reserve_parts
from tests import fakes
from tests.fakes import FixedClock, InMemoryErpSkuRepository, InMemoryOrderRepository, InMemoryStockLedger
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


# ------------------------------------------------------------------ parcels (merge/split)
class InMemoryFulfilments:
    def __init__(self) -> None:
        self.rows: dict[str, Fulfilment] = {}
        self.settings: dict[str, FulfilSettings] = {}

    def get(self, fulfilment_id: str) -> Fulfilment | None:
        return copy.deepcopy(self.rows.get(fulfilment_id))

    def get_many(self, fulfilment_ids: Collection[str]) -> dict[str, Fulfilment]:
        return {f: copy.deepcopy(self.rows[f]) for f in fulfilment_ids if f in self.rows}

    def add(self, fulfilment: Fulfilment) -> None:
        if fulfilment.fulfilment_id in self.rows:
            raise ConflictError(f"{fulfilment.fulfilment_id} exists")
        self.rows[fulfilment.fulfilment_id] = replace(fulfilment, revision=1)

    def save(self, fulfilment: Fulfilment, expected_revision: int) -> None:
        current = self.rows.get(fulfilment.fulfilment_id)
        if current is None or current.revision != expected_revision:
            raise ConflictError(f"{fulfilment.fulfilment_id} changed meanwhile")
        self.rows[fulfilment.fulfilment_id] = replace(fulfilment, revision=expected_revision + 1)

    def get_fulfil_settings(self, shop_id: str) -> FulfilSettings:
        return self.settings.get(shop_id, FulfilSettings())

    def save_fulfil_settings(self, shop_id: str, settings: FulfilSettings, expected_revision: int) -> None:
        if self.settings.get(shop_id, FulfilSettings()).revision != expected_revision:
            raise ConflictError("settings changed meanwhile")
        self.settings[shop_id] = replace(settings, revision=expected_revision + 1)


def fulfil_deps(orders: InMemoryOrderRepository | None = None, **kw: Any) -> FulfilDeps:
    store = kw.pop("fulfilments", None) or InMemoryFulfilments()
    ledger = kw.pop("ledger", None) or InMemoryStockLedger()
    skus = kw.pop("skus", None) or InMemoryErpSkuRepository()
    orders = orders or InMemoryOrderRepository()
    clock = kw.pop("clock", None) or FixedClock()
    kw.setdefault("reserve_parts", lambda order, parts: reserve_parts(ledger, orders, clock, order, parts))
    return FulfilDeps(orders=orders, fulfilments=store, settings=store, clock=clock, stock=LedgerStockView(ledger),
                      weights=CatalogWeights(skus), warehouses_of=kw.pop("warehouses_of", lambda shop: ["WH1", "WH2"]),
                      **kw)


# ------------------------------------------------------------------ rule documents

def gift_rule(**kw: Any) -> dict[str, Any]:
    return {"rule_id": "g1", "name": "满 99 送袜子", "priority": 1, "gift_skus": ["SOCKS"], "min_paid_fen": 9900,
            **kw}


def carrier_rule(**kw: Any) -> dict[str, Any]:
    return {"rule_id": "c1", "name": "新疆走邮政", "priority": 1, "account_id": "EMS-1", "carrier_code": "EMS",
            "regions": ["新疆维吾尔自治区"], "fallback_account_id": "SF-1", "fallback_carrier_code": "SF", **kw}


def warehouse_rule(**kw: Any) -> dict[str, Any]:
    return {"rule_id": "w1", "name": "北方走北京仓", "priority": 1, "regions": ["北京市", "河北省"],
            "warehouses": ["BJ", "SH"], **kw}
