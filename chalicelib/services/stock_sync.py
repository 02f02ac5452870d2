"""Stock sync to the platforms: every linked shop SKU gets the available quantity of its ERP SKUs in the
warehouses serving the shop, through the shop's formula. Changes are debounced (the ledger marks a SKU due
once per window; a scheduled sweep turns due SKUs into one `update_stock` platform action per linked shop
SKU) and the handler computes the quantity when it runs, so the newest stock is what goes out. The last
push and the answer are recorded."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from chalicelib.domain.catalog import ShopSku
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import ShopStatus
from chalicelib.services.actions import Action, enqueue
from chalicelib.services.platform_errors import PlatformError, RateLimitedError, TransientError
from chalicelib.services.platform_ports import PlatformCatalog
from chalicelib.services.ports import Clock, Publisher
from chalicelib.services.stock_ports import DueLedger, LinkedSkus, PushRecord, StockSyncSettings, SyncSettingsRepository

UPDATE_STOCK = "update_stock"


def sellable_units(available: Mapping[str, int], links: Iterable[SkuLink]) -> int:
    """A bundle sells as many as its scarcest component allows."""
    return min((max(0, available.get(link.sku_code, 0)) // max(1, link.quantity) for link in links), default=0)


def push_quantity(available: Mapping[str, int], links: Iterable[SkuLink], settings: StockSyncSettings) -> int:
    units = sellable_units(available, links)
    quantity = units * settings.ratio_percent // 100 - settings.safety_stock
    return quantity if quantity >= max(settings.floor, 1) else 0


def sweep_due_pushes(ledger: DueLedger, catalog: LinkedSkus, publisher: Publisher, now: datetime) -> int:
    """Scheduled every minute: one update_stock action per shop SKU linked to a SKU whose window ended."""
    targets: dict[tuple[str, str], str] = {}
    due = ledger.due_for_push(now)
    for code, marker in due:
        ledger.clear_due(code, marker)   # first: a change from here on marks the SKU due again
        for shop_sku in catalog.linked_to(code):
            targets.setdefault(shop_sku, marker)
    try:
        for (shop_id, sku_id), marker in sorted(targets.items()):
            enqueue(publisher, Action(UPDATE_STOCK, shop_id, f"stock:{shop_id}:{sku_id}:{marker}",
                                      {"platform_sku_id": sku_id}))
    except Exception:
        for code, _ in due:              # nothing may be lost: the next sweep tries again
            ledger.mark_due(code, now)
        raise
    return len(targets)


def push_stock(ledger: DueLedger, catalog: LinkedSkus, sync: SyncSettingsRepository, clock: Clock,
               shop: Shop, client: PlatformCatalog, platform_sku_id: str, action_id: str = "",
               warehouses: Sequence[str] | None = None) -> PushRecord | None:
    """The update_stock handler's work. Transient platform errors re-raise (the queue retries); refusals
    are recorded and dropped (retrying would be refused again). warehouses: those serving the shop (None:
    the default warehouse)."""
    settings = sync.get_settings(shop.shop_id)
    sku = catalog.get(shop.shop_id, platform_sku_id)
    stopped = shop.status in (ShopStatus.PAUSED, ShopStatus.DISABLED, ShopStatus.ARCHIVED)
    if not settings.enabled or stopped or sku is None or not sku.links:
        return None
    quantity = expected_quantity(ledger, sku, settings, warehouses)
    last = sync.last_push(shop.shop_id, platform_sku_id)
    if last is not None and last.ok and last.quantity == quantity:
        return last
    record = PushRecord(shop.shop_id, platform_sku_id, quantity, clock.now(), True, "ok", action_id)
    try:
        client.update_stock(platform_sku_id, quantity, sku.platform_product_id)
    except (TransientError, RateLimitedError) as exc:
        sync.record_push(replace(record, ok=False, answer=_answer(exc)))
        raise
    except PlatformError as exc:
        record = replace(record, ok=False, answer=_answer(exc))
    sync.record_push(record)
    return record


def expected_quantity(ledger: DueLedger, sku: ShopSku, settings: StockSyncSettings,
                      warehouses: Sequence[str] | None) -> int:
    return push_quantity(available_of(ledger, sku, warehouses), sku.links, settings)


def available_of(ledger: DueLedger, sku: ShopSku, warehouses: Sequence[str] | None) -> dict[str, int]:
    codes = [link.sku_code for link in sku.links]
    balances = ledger.balances(codes) if warehouses is None else ledger.balances(codes, warehouses)
    return {c: s.available for c, s in balances.items()}


def push_now(ledger: DueLedger, sku_codes: Iterable[str], now: datetime) -> None:
    """An admin's "sync stock now": the next sweep pushes these SKUs."""
    for code in sku_codes:
        ledger.mark_due(code, now)


def _answer(exc: PlatformError) -> str:
    code = f"[{exc.code}{'/' + exc.sub_code if exc.sub_code else ''}] " if exc.code else ""
    return f"{type(exc).__name__}: {code}{exc}"[:500]


def update_settings(sync: SyncSettingsRepository, shop_id: str, **changes: object) -> StockSyncSettings:
    current = sync.get_settings(shop_id)
    wanted = replace(current, **{k: v for k, v in changes.items() if v is not None}).validated()  # type: ignore[arg-type]
    sync.save_settings(shop_id, wanted, current.revision)
    return replace(wanted, revision=current.revision + 1)
