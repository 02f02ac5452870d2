"""The daily full stock reconcile: for every linked shop SKU of every syncing shop, the quantity the
platform should show (the shop's formula over the stock of the warehouses serving it) against the quantity
the platform's own catalog API reports now (read once per shop: its product list). A difference (never
pushed, a push refused or lost, stock changed in the platform's back office, a SKU missing there, stock that
moved without a push) is reported and marked due, so the next sweep pushes it. A shop whose catalog cannot be
read is compared with the last quantity pushed there instead, and named in the report. The report of the
day is stored; running it again the same day replaces that day's report."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from chalicelib.domain.catalog import ShopSku
from chalicelib.domain.shops import Shop
from chalicelib.services.platform_types import CanonicalProduct
from chalicelib.services.stock_ports import DueLedger, PushRecord, StockSyncSettings, SyncSettingsRepository
from chalicelib.services.stock_sync import expected_quantity

MAX_DIFFERENCES = 500        # the report keeps this many; the count is exact
log = logging.getLogger("oms.stock")
PlatformStock = Callable[[Shop], Mapping[str, int]]    # a shop -> its platform's stock per platform SKU id, now


@dataclass(frozen=True)
class Difference:
    shop_id: str
    platform_sku_id: str
    expected: int
    pushed: int | None           # None: never pushed, or the last push was refused
    platform: int | None = None  # what the platform's API reports now; None: not listed there, or not read
    live: bool = False           # compared with the platform's stock (False: its catalog could not be read)


@dataclass(frozen=True)
class ReconcileReport:
    day: str                     # YYYY-MM-DD (UTC)
    started_at: datetime
    finished_at: datetime
    shops: int = 0
    skus: int = 0
    difference_count: int = 0
    complete: bool = True        # False: the run stopped for time; tomorrow's goes on from the start
    differences: tuple[Difference, ...] = field(default=())
    job_id: str = ""             # run as a queued job (services/reconcile_jobs.py): its id
    steps: tuple[str, ...] = ()  # ... and the job's steps merged in (a redelivered step merges nothing)
    unread_shops: tuple[str, ...] = ()   # shops whose platform stock could not be read: compared with the last push


class ShopSource(Protocol):
    def syncing(self) -> list[Shop]: ...


class ShopCatalog(Protocol):
    def iterate_shop(self, shop_id: str) -> Iterator[ShopSku]: ...


class ReportStore(Protocol):
    def save_report(self, report: ReconcileReport) -> None: ...
    def get(self, day: str) -> ReconcileReport | None: ...
    def latest(self, limit: int = 14) -> list[ReconcileReport]: ...


def catalog_stock(products: Iterable[CanonicalProduct]) -> dict[str, int]:
    """The stock per platform SKU id, as the platform's own product list reports it."""
    return {sku.platform_sku_id: sku.stock for product in products for sku in product.skus}


def read_platform_stock(platform_stock: PlatformStock | None, shop: Shop) -> Mapping[str, int] | None:
    """The shop's live stock per platform SKU, or None when it cannot be read (the platform refused, timed
    out, the token expired): the reconcile then falls back to the last push for that shop."""
    if platform_stock is None:
        return None
    try:
        return platform_stock(shop)
    except Exception as exc:     # any platform failure: one shop unread must not stop the others' reconcile
        log.warning("platform stock unread", extra={"shop_id": shop.shop_id, "error": str(exc)[:300]})
        return None


def shop_differences(shop: Shop, settings: StockSyncSettings, catalog: ShopCatalog, ledger: DueLedger,
                     sync: SyncSettingsRepository, serving: Callable[[str], Sequence[str]], now: datetime,
                     live: Mapping[str, int] | None = None) -> tuple[int, list[Difference]]:
    """One shop whose sync is on: how many linked SKUs it has, and those whose platform stock differs (each
    marked due, so the next sweep pushes it). `live`: the platform's stock now (None: compare with the last
    push)."""
    warehouses = serving(shop.shop_id)
    count, differences = 0, []
    for sku in catalog.iterate_shop(shop.shop_id):
        if not sku.links:
            continue
        count += 1
        expected = expected_quantity(ledger, sku, settings, warehouses)
        last = sync.last_push(shop.shop_id, sku.platform_sku_id)
        pushed = last.quantity if last is not None and last.ok else None
        shown = live.get(sku.platform_sku_id) if live is not None else pushed
        if shown != expected:
            differences.append(Difference(shop.shop_id, sku.platform_sku_id, expected, pushed,
                                          shown if live is not None else None, live is not None))
            if live is not None and pushed is not None:
                _push_not_in_force(sync, shop.shop_id, sku.platform_sku_id, shown, expected, now)
            for link in sku.links:
                ledger.mark_due(link.sku_code, now)
    return count, differences


def _push_not_in_force(sync: SyncSettingsRepository, shop_id: str, platform_sku_id: str, shown: int | None,
                       expected: int, now: datetime) -> None:
    """The last push says the platform has the right figure, the platform says otherwise: the push skips a
    quantity already pushed, so without this the due mark would push nothing."""
    where = "is not listed on the platform" if shown is None else f"the platform shows {shown}"
    sync.record_push(PushRecord(shop_id, platform_sku_id, shown or 0, now, False,
                                f"reconcile: {where}, expected {expected}"))


def reconcile(shops: ShopSource, catalog: ShopCatalog, ledger: DueLedger, sync: SyncSettingsRepository,
              serving: Callable[[str], Sequence[str]], reports: ReportStore, now: Callable[[], datetime],
              time_left: Callable[[], float] = lambda: 600.0,
              platform_stock: PlatformStock | None = None) -> ReconcileReport:
    started = now()
    differences: list[Difference] = []
    unread: list[str] = []
    shop_count = sku_count = 0
    complete = True
    for shop in shops.syncing():
        if time_left() < 30:
            complete = False
            break
        settings = sync.get_settings(shop.shop_id)
        if not settings.enabled:
            continue
        shop_count += 1
        live = read_platform_stock(platform_stock, shop)
        if live is None and platform_stock is not None:
            unread.append(shop.shop_id)
        skus, found = shop_differences(shop, settings, catalog, ledger, sync, serving, started, live)
        sku_count += skus
        differences.extend(found)
    report = ReconcileReport(started.date().isoformat(), started, now(), shop_count, sku_count, len(differences),
                             complete, tuple(differences[:MAX_DIFFERENCES]), unread_shops=tuple(unread))
    reports.save_report(report)
    return report
