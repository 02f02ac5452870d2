"""Composition root: builds the adapters on first use (cold start: a route that never touches
DynamoDB never imports pynamodb). Tests replace any of them with fakes through `override`."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

T = TypeVar("T")

_instances: dict[str, Any] = {}


def _get(name: str, factory: Callable[[], T]) -> T:
    if name not in _instances:
        _instances[name] = factory()
    instance: T = _instances[name]
    return instance


@contextmanager
def override(**replacements: Any) -> Iterator[None]:
    saved = dict(_instances)
    _instances.update(replacements)
    try:
        yield
    finally:
        _instances.clear()
        _instances.update(saved)


def reset() -> None:
    _instances.clear()


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def clock() -> Any:
    return _get("clock", SystemClock)


def users() -> Any:
    def build() -> Any:
        from chalicelib.storage.users import DynamoUserRepository
        return DynamoUserRepository()
    return _get("users", build)


def orders() -> Any:
    """Every write also tells the ERP at once (services/order_notes.py)."""
    def build() -> Any:
        from chalicelib.services.order_notes import NotingOrderRepository
        from chalicelib.storage.orders import DynamoOrderRepository
        return NotingOrderRepository(DynamoOrderRepository(), publisher)   # resolved per note: tests override it
    return _get("orders", build)


def plain_orders() -> Any:
    """The same orders without a note per write: for the orders consumer, which sends its notes batched."""
    repository = orders()
    return getattr(repository, "inner", repository)


def after_sales() -> Any:
    def build() -> Any:
        from chalicelib.storage.after_sales import DynamoAfterSaleRepository
        return DynamoAfterSaleRepository()
    return _get("after_sales", build)


def order_counters() -> Any:
    """The counters the orders repository keeps (never cached apart from it: a test's fake orders bring
    their own)."""
    return _instances.get("order_counters") or orders().counters()


def shops() -> Any:
    def build() -> Any:
        from chalicelib.storage.shops import DynamoShopRepository
        return DynamoShopRepository()
    return _get("shops", build)


def idempotency() -> Any:
    def build() -> Any:
        from chalicelib.storage.idempotency import DynamoIdempotencyStore
        return DynamoIdempotencyStore()
    return _get("idempotency", build)


def publisher() -> Any:
    def build() -> Any:
        from chalicelib.messaging.publisher import SqsPublisher
        return SqsPublisher()
    return _get("publisher", build)


def sync() -> Any:
    def build() -> Any:
        from chalicelib.storage.sync import DynamoSyncRepository
        return DynamoSyncRepository()
    return _get("sync", build)


def raw_store() -> Any:
    def build() -> Any:
        from chalicelib.storage.raw import S3RawStore
        return S3RawStore()
    return _get("raw_store", build)


def shop_skus() -> Any:
    def build() -> Any:
        from chalicelib.storage.catalog import DynamoShopSkuRepository
        return DynamoShopSkuRepository()
    return _get("shop_skus", build)


def clients() -> Any:
    """shop -> its PlatformClient (tests replace it with one that returns a fake or a sandbox client)."""
    def build() -> Any:
        from chalicelib.services.platform_access import client_for_shop
        return lambda shop: client_for_shop(shops(), shop)
    return _get("clients", build)


def erp_skus() -> Any:
    def build() -> Any:
        from chalicelib.storage.erp_skus import DynamoErpSkuRepository
        return DynamoErpSkuRepository()
    return _get("erp_skus", build)


def stock() -> Any:
    def build() -> Any:
        from chalicelib.storage.stock import DynamoStockLedger
        return DynamoStockLedger()
    return _get("stock", build)


def stock_sync() -> Any:
    def build() -> Any:
        from chalicelib.storage.stock import DynamoStockSyncRepository
        return DynamoStockSyncRepository()
    return _get("stock_sync", build)


def shop_leases() -> Any:
    def build() -> Any:
        from chalicelib.storage.token_cache import DynamoShopLeases
        return DynamoShopLeases()
    return _get("shop_leases", build)


def link_deps(background: bool = True) -> Any:
    """What linking needs: held orders released by a link go on to reserve their stock, and newly linked
    ERP SKUs are marked for a platform push. `background`: held orders re-resolve on the link-jobs queue
    (a fresh starter per call: it holds the job id the request answers with); the worker re-resolves."""
    from chalicelib.services.link_jobs import JobStarter
    from chalicelib.services.links import LinkDeps
    from chalicelib.services.stock import settle_order
    from chalicelib.services.stock_sync import push_now
    return LinkDeps(catalog=shop_skus(), erp=erp_skus(), orders=orders(), clock=clock(),
                    settle=lambda order_id: settle_order(stock(), orders(), clock(), order_id,
                                                         shipments=shipments().for_order),
                    linked=lambda codes: push_now(stock(), codes, clock().now()),
                    later=JobStarter(link_jobs(), publisher(), clock()) if background else None)


def link_jobs() -> Any:
    def build() -> Any:
        from chalicelib.storage.jobs import DynamoJobRepository
        return DynamoJobRepository()
    return _get("link_jobs", build)


def link_job_deps() -> Any:
    """The link-jobs consumer: re-resolves here, and tells the ERP about every order it changed (batched)."""
    from dataclasses import replace

    from chalicelib.services.erp_events import order_note
    from chalicelib.services.link_jobs import JobDeps

    def count_held(shop_id: str) -> int:
        from chalicelib.storage.jobs import count_held as count
        return count(shop_id)
    links = replace(link_deps(background=False), orders=plain_orders())
    return JobDeps(links=links, jobs=link_jobs(), publisher=publisher(), clock=clock(),
                   count_held=_get("count_held", lambda: count_held),
                   changed=lambda changed: publisher().publish("erp_events", [order_note(o) for o in changed]))


def dead_letters() -> Any:
    def build() -> Any:
        from chalicelib.messaging.dlq import SqsDeadLetters
        return SqsDeadLetters()
    return _get("dead_letters", build)


# ---------------------------------------------------------------- ERP integration and shipments
def erp_clients() -> Any:
    def build() -> Any:
        from chalicelib.storage.erp import DynamoErpClientRepository
        return DynamoErpClientRepository()
    return _get("erp_clients", build)


def erp_deliveries() -> Any:
    def build() -> Any:
        from chalicelib.storage.erp import DynamoDeliveryRepository
        return DynamoDeliveryRepository()
    return _get("erp_deliveries", build)


def erp_streams() -> Any:
    def build() -> Any:
        from chalicelib.storage.erp import DynamoStreamRepository
        return DynamoStreamRepository()
    return _get("erp_streams", build)


def erp_rate_limiter() -> Any:
    def build() -> Any:
        from chalicelib.storage.erp import DynamoRateLimiter
        return DynamoRateLimiter()
    return _get("erp_rate_limiter", build)


def erp_case_queue() -> Any:
    def build() -> Any:
        from chalicelib.storage.erp import DynamoCaseQueue
        return DynamoCaseQueue()
    return _get("erp_case_queue", build)


def shipments() -> Any:
    def build() -> Any:
        from chalicelib.storage.shipments import DynamoShipmentRepository
        return DynamoShipmentRepository()
    return _get("shipments", build)


def webhook_sender() -> Any:
    def build() -> Any:
        from chalicelib.services.erp_adapters import HttpxWebhookSender
        return HttpxWebhookSender()
    return _get("webhook_sender", build)


def erp_queue_admin() -> Any:
    def build() -> Any:
        from chalicelib.services.erp_adapters import SqsQueueAdmin
        return SqsQueueAdmin()
    return _get("erp_queue_admin", build)


def shipment_deps() -> Any:
    from chalicelib.services.shipments import ShipmentDeps
    return ShipmentDeps(orders=orders(), shipments=shipments(), publisher=publisher(), clock=clock(), stock=stock())


def webhook_deps() -> Any:
    from chalicelib.services.erp_webhooks import WebhookDeps
    return WebhookDeps(clients=erp_clients(), deliveries=erp_deliveries(), streams=erp_streams(),
                       sender=webhook_sender(), clock=clock())


def event_deps() -> Any:
    from chalicelib.services.erp_events import EventDeps
    return EventDeps(webhooks=webhook_deps(), orders=orders(), cases=after_sales(), shipments=shipments())


# ---------------------------------------------------------------- after-sales
def after_sale_deps() -> Any:
    """What the after-sale use cases need: a confirmed return restocks through services/stock.py."""
    from chalicelib.services.after_sales import CaseDeps, restock_items
    from chalicelib.services.stock import restock_return

    def restock(case: Any) -> None:
        items = restock_items(case, orders().get(case.order_id))
        if items:
            restock_return(stock(), case.case_id, items, clock().now())
    return CaseDeps(cases=after_sales(), publisher=publisher(), clock=clock(), shipments=shipments(),
                    orders=orders(), restock=restock)


def after_sale_queries() -> Any:
    def build() -> Any:
        from chalicelib.storage.after_sales_queries import DynamoAfterSaleQueries
        return DynamoAfterSaleQueries()
    return _get("after_sale_queries", build)


# ---------------------------------------------------------------- e-waybills (issue 9)
def waybill_accounts() -> Any:
    def build() -> Any:
        from chalicelib.storage.waybills import DynamoWaybillAccountRepository
        return DynamoWaybillAccountRepository()
    return _get("waybill_accounts", build)


def waybills() -> Any:
    def build() -> Any:
        from chalicelib.storage.waybills import DynamoWaybillRepository
        return DynamoWaybillRepository()
    return _get("waybills", build)


def waybill_deps() -> Any:
    from chalicelib.services.waybills import WaybillDeps
    return WaybillDeps(orders=orders(), shops=shops(), accounts=waybill_accounts(), waybills=waybills(),
                       clients=clients(), clock=clock(), shipments=shipment_deps())


# ---------------------------------------------------------------- audit log (issue 11)
def audit_log() -> Any:
    def build() -> Any:
        from chalicelib.storage.audit import DynamoAuditLog
        return DynamoAuditLog()
    return _get("audit_log", build)
