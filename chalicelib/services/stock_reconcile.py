"""The daily full stock reconcile: for every linked shop SKU of every syncing shop, the quantity the
platform should show (the shop's formula over the stock of the warehouses serving it) against the last
quantity pushed there. A difference (never pushed, the last push refused, or stock that moved without a
push: a lost mark, a warehouse now serving the shop) is reported and marked due, so the next sweep pushes
it. The report of the day is stored; running it again the same day replaces that day's report."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from chalicelib.domain.catalog import ShopSku
from chalicelib.domain.shops import Shop
from chalicelib.services.stock_ports import DueLedger, StockSyncSettings, SyncSettingsRepository
from chalicelib.services.stock_sync import expected_quantity

MAX_DIFFERENCES = 500        # the report keeps this many; the count is exact


@dataclass(frozen=True)
class Difference:
    shop_id: str
    platform_sku_id: str
    expected: int
    pushed: int | None           # None: never pushed, or the last push was refused


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


class ShopSource(Protocol):
    def syncing(self) -> list[Shop]: ...


class ShopCatalog(Protocol):
    def iterate_shop(self, shop_id: str) -> Iterator[ShopSku]: ...


class ReportStore(Protocol):
    def save_report(self, report: ReconcileReport) -> None: ...
    def get(self, day: str) -> ReconcileReport | None: ...
    def latest(self, limit: int = 14) -> list[ReconcileReport]: ...


def shop_differences(shop: Shop, settings: StockSyncSettings, catalog: ShopCatalog, ledger: DueLedger,
                     sync: SyncSettingsRepository, serving: Callable[[str], Sequence[str]], now: datetime
                     ) -> tuple[int, list[Difference]]:
    """One shop whose sync is on: how many linked SKUs it has, and those whose platform stock differs (each
    marked due, so the next sweep pushes it)."""
    warehouses = serving(shop.shop_id)
    count, differences = 0, []
    for sku in catalog.iterate_shop(shop.shop_id):
        if not sku.links:
            continue
        count += 1
        expected = expected_quantity(ledger, sku, settings, warehouses)
        last = sync.last_push(shop.shop_id, sku.platform_sku_id)
        pushed = last.quantity if last is not None and last.ok else None
        if pushed != expected:
            differences.append(Difference(shop.shop_id, sku.platform_sku_id, expected, pushed))
            for link in sku.links:
                ledger.mark_due(link.sku_code, now)
    return count, differences


def reconcile(shops: ShopSource, catalog: ShopCatalog, ledger: DueLedger, sync: SyncSettingsRepository,
              serving: Callable[[str], Sequence[str]], reports: ReportStore, now: Callable[[], datetime],
              time_left: Callable[[], float] = lambda: 600.0) -> ReconcileReport:
    started = now()
    differences: list[Difference] = []
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
        skus, found = shop_differences(shop, settings, catalog, ledger, sync, serving, started)
        sku_count += skus
        differences.extend(found)
    report = ReconcileReport(started.date().isoformat(), started, now(), shop_count, sku_count, len(differences),
                             complete, tuple(differences[:MAX_DIFFERENCES]))
    reports.save_report(report)
    return report
