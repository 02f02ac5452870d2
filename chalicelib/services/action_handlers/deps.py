"""What the platform-action handlers work with, passed in by their consumer (bootstrap.action_deps())."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.domain.shops import Shop
from chalicelib.services.after_sales import CaseDeps
from chalicelib.services.platform_ports import PlatformClient, PlatformDirectory
from chalicelib.services.ports import Clock, ShopRepository
from chalicelib.services.shipments import ShipmentDeps
from chalicelib.services.stock_ports import DueLedger, LinkedSkus, SyncSettingsRepository
from chalicelib.services.warehouses import WarehouseRepository


@dataclass(frozen=True)
class ActionDeps:
    shops: ShopRepository
    clients: Callable[[Shop], PlatformClient]
    platforms: PlatformDirectory
    clock: Clock
    shipments: ShipmentDeps             # ship-back: a confirmed parcel settles its stock
    cases: CaseDeps                     # after-sale actions and their reissue / exchange parcels
    stock: DueLedger
    shop_skus: LinkedSkus
    stock_sync: SyncSettingsRepository
    warehouses: WarehouseRepository     # a shop's stock is that of the warehouses serving it
