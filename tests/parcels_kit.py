"""Shared by the fulfilment tests: an in-memory fulfilment store and settings, and a FulfilDeps over fakes."""
from __future__ import annotations

import copy
from collections.abc import Collection
from dataclasses import replace
from typing import Any

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.fulfilments import Fulfilment, FulfilSettings
from chalicelib.services.fulfilment_sources import CatalogWeights, LedgerStockView
from chalicelib.services.fulfilments import FulfilDeps
from chalicelib.services.stock import reserve_parts
from tests.fakes import FixedClock, InMemoryErpSkuRepository, InMemoryOrderRepository, InMemoryStockLedger


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
