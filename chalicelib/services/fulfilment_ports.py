"""What the fulfilment use cases (services/fulfilments.py) store and read: the fulfilments, the per shop
settings, and what an automatic split looks at (stock per warehouse, SKU weights)."""
from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Protocol

from chalicelib.domain.fulfilments import Fulfilment, FulfilSettings
from chalicelib.domain.orders import Order


class FulfilmentRepository(Protocol):
    def get(self, fulfilment_id: str) -> Fulfilment | None: ...
    def get_many(self, fulfilment_ids: Collection[str]) -> dict[str, Fulfilment]: ...
    def add(self, fulfilment: Fulfilment) -> None:
        """Insert; ConflictError if it exists."""
    def save(self, fulfilment: Fulfilment, expected_revision: int) -> None:
        """Replace if its stored revision is still `expected_revision` (else ConflictError)."""


class FulfilSettingsStore(Protocol):
    def get_fulfil_settings(self, shop_id: str) -> FulfilSettings: ...
    def save_fulfil_settings(self, shop_id: str, settings: FulfilSettings, expected_revision: int) -> None: ...


class StockView(Protocol):
    def available(self, sku_codes: Iterable[str], warehouses: Sequence[str]) -> dict[str, dict[str, int]]:
        """warehouse -> SKU code -> units free (on hand less reserved)."""
    def reserved(self, order: Order) -> dict[str, str]:
        """line id -> the warehouse the order's reservation of the line is in (unreserved lines absent)."""


class SkuWeights(Protocol):
    def weights(self, sku_codes: Iterable[str]) -> dict[str, int]:
        """SKU code -> grams (the library SKU's weight_g; 0 when unknown)."""
