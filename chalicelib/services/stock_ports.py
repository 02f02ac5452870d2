"""The ports of the catalog and stock use cases (ERP SKUs, shop SKUs and their links, link jobs, the stock
ledger, stock sync to the platforms) and the records they pass. storage/ implements them; tests use
tests/fakes.py."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from chalicelib.domain.catalog import ErpSku, ShopSku
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.inventory import DEFAULT_WAREHOUSE, Discrepancy, Movement, Stock
from chalicelib.domain.orders import SkuLink
from chalicelib.services.ports import Page


class ErpSkuStore(Protocol):
    def get(self, sku_code: str) -> ErpSku | None: ...
    def get_many(self, sku_codes: Iterable[str]) -> dict[str, ErpSku]: ...
    def add(self, sku: ErpSku) -> None: ...
    def add_many(self, skus: Sequence[ErpSku]) -> set[str]:
        """Each only if new; returns the codes refused because they exist."""
    def save(self, sku: ErpSku, expected_revision: int) -> None: ...
    def existing_codes(self, sku_codes: Iterable[str]) -> set[str]: ...
    def list(self, limit: int = 50, cursor: str | None = None, prefix: str = "") -> Page[ErpSku]: ...


class ShopSkuStore(Protocol):
    def get(self, shop_id: str, platform_sku_id: str) -> ShopSku | None: ...
    def add(self, sku: ShopSku) -> None: ...
    def save(self, sku: ShopSku, expected_revision: int) -> None: ...
    def unlinked(self, shop_id: str, limit: int = 100) -> list[ShopSku]: ...
    def by_merchant_code(self, merchant_code: str) -> list[ShopSku]: ...
    def list_shop(self, shop_id: str, limit: int = 50, cursor: str | None = None,
                  unlinked_only: bool = False) -> Page[ShopSku]: ...


class Later(Protocol):
    """Starts a background job (services/link_jobs.JobStarter) and returns its id."""
    def reresolve(self, shop_ids: Iterable[str], kind: str = "links") -> str: ...
    def auto_link(self, sku_codes: Sequence[str], kind: str = "erp_skus") -> str: ...


class ErpCodes(Protocol):
    def existing_codes(self, sku_codes: Iterable[str]) -> set[str]: ...


@dataclass(frozen=True)
class LinkJob:
    job_id: str
    kind: str                          # erp_skus | links | bulk_links | auto_link | catalog_pull
    created_at: datetime
    updated_at: datetime
    status: str = "running"            # running | done
    shops: tuple[str, ...] = ()        # shops whose held orders are re-resolved
    total: int = 0                     # orders held for unlinked SKUs when each shop's pass began
    done: int = 0                      # held orders looked at
    released: int = 0                  # ... that left the unlinked_sku hold
    linked: int = 0                    # shop SKUs auto-linked by the job
    fetched: int = 0                   # a catalog pull: shop SKUs the platform listed
    added: int = 0                     # ... of which new to us
    pending: tuple[str, ...] = ()      # step keys queued and not yet recorded
    applied: tuple[str, ...] = ()      # step keys recorded (a duplicate delivery finds its key here)
    finished_at: datetime | None = None
    revision: int = 0
    products: int = 0                  # goods_push: shop products to push into the library
    pushed: int = 0                    # ... of them done (pushed or refused)
    failed: int = 0                    # ... of them refused
    errors: tuple[tuple[str, str, str], ...] = ()   # ... (product id, reason, message), the first 100


class JobStore(Protocol):
    def get(self, job_id: str) -> LinkJob | None: ...
    def add(self, job: LinkJob) -> None: ...
    def save(self, job: LinkJob, expected_revision: int) -> None: ...


class Applied(StrEnum):
    APPLIED = "applied"
    REPLAYED = "replayed"      # a movement's key was already in the ledger: nothing changed
    SHORT = "short"            # not enough available stock for a guarded reservation
    UNMET = "unmet"            # a required movement is missing or a forbidding one exists


class StockLedger(Protocol):
    def balance(self, sku_code: str, warehouse_id: str = DEFAULT_WAREHOUSE) -> Stock: ...
    def balances(self, sku_codes: Iterable[str], warehouses: Sequence[str] = (DEFAULT_WAREHOUSE,)) -> dict[str, Stock]:
        """Per SKU, summed over these warehouses."""
    def stock_of(self, sku_code: str) -> list[Stock]: ...
    def warehouse_stock(self, warehouse_id: str, limit: int = 50, cursor: str | None = None) -> Page[Stock]: ...
    def existing(self, refs: Iterable[tuple[str, str]]) -> set[str]:
        """Which of these (sku code, idempotency key) movements are in the ledger."""
    def movement(self, sku_code: str, idempotency_key: str) -> Movement | None: ...
    def apply(self, movements: Sequence[Movement], *, guard_available: bool, guard_on_hand: bool = False,
              requires: Sequence[tuple[str, str]] = (), forbids: Sequence[tuple[str, str]] = (),
              discrepancy: Discrepancy | None = None, expect: Mapping[tuple[str, str], int] | None = None) -> Applied:
        """All movements or none, in one conditional write. guard_available / guard_on_hand: no balance's
        available / on hand may drop below zero (else SHORT). requires / forbids: (sku code, key) movements
        that must / must not exist (else UNMET). discrepancy: stored with the movements, once. expect:
        (sku, warehouse) -> the balance revision the caller read (else SHORT)."""
    def set_on_hand(self, movement: Movement) -> Applied:
        """A SET movement: on hand becomes movement.quantity (reserved untouched)."""
    def movements(self, sku_code: str, limit: int = 50, cursor: str | None = None) -> Page[Movement]: ...
    def discrepancies(self, open_only: bool, limit: int = 50, cursor: str | None = None) -> Page[Discrepancy]:
        """Newest first."""
    def get_discrepancy(self, discrepancy_id: str) -> Discrepancy | None: ...
    def save_discrepancy(self, discrepancy: Discrepancy, expected_revision: int) -> None: ...


@dataclass(frozen=True)
class StockSyncSettings:
    enabled: bool = True
    ratio_percent: int = 100     # push this share of what is available ("sync 80%")
    safety_stock: int = 0        # then keep this many back
    floor: int = 0               # below this, push 0: low counts are too uncertain to sell against
    revision: int = 0

    def validated(self) -> StockSyncSettings:
        if not 0 <= self.ratio_percent <= 100:
            raise ValidationError("ratio_percent must be 0..100", field="ratio_percent")
        if self.safety_stock < 0 or self.floor < 0:
            raise ValidationError("safety_stock and floor must be zero or more", field="safety_stock")
        return self


@dataclass(frozen=True)
class PushRecord:
    shop_id: str
    platform_sku_id: str
    quantity: int
    at: datetime
    ok: bool
    answer: str                  # "ok", or the platform's code and message
    action_id: str = ""


class SyncSettingsRepository(Protocol):
    def get_settings(self, shop_id: str) -> StockSyncSettings: ...
    def save_settings(self, shop_id: str, settings: StockSyncSettings, expected_revision: int) -> None: ...
    def last_push(self, shop_id: str, platform_sku_id: str) -> PushRecord | None: ...
    def record_push(self, record: PushRecord) -> None: ...


class DueLedger(Protocol):
    def due_for_push(self, now: datetime) -> list[tuple[str, str]]: ...
    def clear_due(self, sku_code: str, due: str) -> None: ...
    def mark_due(self, sku_code: str, now: datetime) -> None: ...
    def balances(self, sku_codes: Iterable[str], warehouses: Sequence[str] = ...) -> dict[str, Stock]: ...


class LinkedSkus(Protocol):
    def linked_to(self, sku_code: str) -> list[tuple[str, str]]: ...
    def get(self, shop_id: str, platform_sku_id: str) -> ShopSku | None: ...


class ShopSkuCatalog(ShopSkuStore, LinkedSkus, Protocol):
    """The shop SKUs as storage keeps them: what linking, stock sync and the consumers' reads each use."""
    def links_for(self, shop_id: str, platform_sku_ids: set[str]) -> dict[str, tuple[SkuLink, ...]]: ...
    def iterate_shop(self, shop_id: str) -> Iterator[ShopSku]: ...


class StockStore(StockLedger, DueLedger, Protocol):
    """The ledger with its debounced push marks (storage/stock.py)."""


class StockSyncStore(SyncSettingsRepository, Protocol):
    def pushes(self, shop_id: str, limit: int = 50, cursor: str | None = None) -> Page[PushRecord]: ...

