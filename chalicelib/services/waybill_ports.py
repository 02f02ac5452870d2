"""What the waybill use cases work with: their repositories, their dependencies, a batch's outcome."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from chalicelib.domain.shops import Shop
from chalicelib.domain.waybills import ShopWaybillAccount, Waybill, WaybillStatus
from chalicelib.services.fulfilment_ports import FulfilmentRepository
from chalicelib.services.platform_ports import PlatformClient, PlatformDirectory
from chalicelib.services.ports import Clock, OrderRepository, Page, ShopRepository
from chalicelib.services.shipments import ShipmentDeps

MAX_BATCH = 100



# ---------------------------------------------------------------- ports
class WaybillAccountRepository(Protocol):
    def for_shop(self, shop_id: str) -> list[ShopWaybillAccount]: ...
    def get(self, shop_id: str, account_id: str) -> ShopWaybillAccount | None: ...
    def add(self, account: ShopWaybillAccount) -> None: ...
    def save(self, account: ShopWaybillAccount, expected_revision: int) -> None: ...
    def default_id(self, shop_id: str) -> str:
        """The shop's chosen account id, "" when none was chosen."""
    def set_default(self, shop_id: str, account_id: str) -> None: ...


@dataclass(frozen=True)
class WaybillQuery:
    shop_id: str = ""
    status: WaybillStatus | None = None
    limit: int = 50
    cursor: str | None = None


class WaybillRepository(Protocol):
    def get(self, waybill_id: str) -> Waybill | None: ...
    def add(self, waybill: Waybill) -> None:
        """Insert with its per-order links; ConflictError if the waybill exists (its links are written anyway)."""
    def save(self, waybill: Waybill, expected_revision: int) -> None: ...
    def for_order(self, order_id: str) -> list[Waybill]: ...
    def query(self, q: WaybillQuery) -> Page[Waybill]: ...
    def due_for_tracking(self, shard: str, until: Any, limit: int) -> list[Waybill]: ...


@dataclass(frozen=True)
class WaybillDeps:
    orders: OrderRepository
    shops: ShopRepository
    accounts: WaybillAccountRepository
    waybills: WaybillRepository
    clients: Callable[[Shop], PlatformClient]
    clock: Clock
    platforms: PlatformDirectory
    shipments: ShipmentDeps | None = None
    fulfilments: FulfilmentRepository | None = None    # merged and split parcels (services/fulfilments.py)
    decrypt: Callable[[str, str], Any] | None = None   # a manual order's receiver (services/waybill_manual.py)


@dataclass(frozen=True)
class Outcome:
    """One result of a batch: the record, or the error that stopped this one item."""
    key: str
    waybill: Waybill | None = None
    error: Exception | None = None             # the API names it through its one error table

    @property
    def ok(self) -> bool:
        return self.waybill is not None
