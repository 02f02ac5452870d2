"""Composition root: builds the adapters on first use, each typed with the port it stands for. The adapter
imports sit inside the builders for cold start (a route that never touches DynamoDB never imports pynamodb,
boto3 alone is ~1.0 s here; measured figures in api/__init__.py). Tests replace any of them with fakes
through `override`."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    # the ports each builder returns: for the type checker only (a Lambda imports the adapters it uses)
    from chalicelib.domain.orders import Order
    from chalicelib.domain.shops import Shop
    from chalicelib.services.action_handlers.deps import ActionDeps
    from chalicelib.services.after_sales import CaseDeps
    from chalicelib.services.alert_ports import AlertLedger, AlertSettingsStore, AlertSink
    from chalicelib.services.alert_scan import ScanDeps
    from chalicelib.services.alerts import AlertDeps
    from chalicelib.services.erp_events import EventDeps
    from chalicelib.services.erp_ports import (
        DeliveryRepository,
        ErpClientRepository,
        HandoffQueue,
        RateLimiter,
        ShipmentStore,
        StreamRepository,
        WebhookSender,
    )
    from chalicelib.services.erp_webhooks import WebhookDeps
    from chalicelib.services.fulfilment_ports import FulfilmentRepository, FulfilSettingsStore
    from chalicelib.services.fulfilments import FulfilDeps
    from chalicelib.services.link_jobs import JobDeps
    from chalicelib.services.links import LinkDeps
    from chalicelib.services.order_ingest import IngestDeps
    from chalicelib.services.platform_ports import PlatformClient, PlatformDirectory, TokenCache
    from chalicelib.services.ports import (
        AfterSaleRepository,
        AuditLog,
        BatchReads,
        CaseQueries,
        Clock,
        DeadLetters,
        IdempotencyStore,
        Leases,
        OrderRepository,
        Publisher,
        QueueAdmin,
        RawArchive,
        ShopRepository,
        SyncStore,
        UserRepository,
    )
    from chalicelib.services.push_intake import PushDeps
    from chalicelib.services.report_fold import FoldDeps
    from chalicelib.services.report_ports import ReportStore
    from chalicelib.services.shipments import ShipmentDeps
    from chalicelib.services.stock_ports import ErpSkuStore, JobStore, ShopSkuCatalog, StockStore, StockSyncStore
    from chalicelib.services.waybill_ports import WaybillAccountRepository, WaybillDeps, WaybillRepository

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


def clock() -> Clock:
    return _get("clock", SystemClock)


def users() -> UserRepository:
    def build() -> UserRepository:
        from chalicelib.storage.users import DynamoUserRepository
        return DynamoUserRepository()
    return _get("users", build)


def orders() -> OrderRepository:
    """Every write also tells the ERP at once (services/order_notes.py)."""
    def build() -> OrderRepository:
        from chalicelib.services.order_notes import NotingOrderRepository
        from chalicelib.storage.orders import DynamoOrderRepository
        return NotingOrderRepository(DynamoOrderRepository(), publisher)   # resolved per note: tests override it
    return _get("orders", build)


def plain_orders() -> OrderRepository:
    """The same orders without a note per write: for the orders consumer, which sends its notes batched."""
    repository = orders()
    return getattr(repository, "inner", repository)


def after_sales() -> AfterSaleRepository:
    def build() -> AfterSaleRepository:
        from chalicelib.storage.after_sales import DynamoAfterSaleRepository
        return DynamoAfterSaleRepository()
    return _get("after_sales", build)


def order_counters() -> Any:
    """The counters the orders repository keeps (never cached apart from it: a test's fake orders bring
    their own)."""
    return _instances.get("order_counters") or orders().counters()  # type: ignore[attr-defined]


def shops() -> ShopRepository:
    def build() -> ShopRepository:
        from chalicelib.storage.shops import DynamoShopRepository
        return DynamoShopRepository()
    return _get("shops", build)


def idempotency() -> IdempotencyStore:
    def build() -> IdempotencyStore:
        from chalicelib.storage.idempotency import DynamoIdempotencyStore
        return DynamoIdempotencyStore()
    return _get("idempotency", build)


def publisher() -> Publisher:
    def build() -> Publisher:
        from chalicelib.messaging.publisher import CopyingPublisher, SqsPublisher
        return CopyingPublisher(SqsPublisher(), {"erp_events": ("reports",)})   # the notes feed the reports too
    return _get("publisher", build)


def sync() -> SyncStore:
    def build() -> SyncStore:
        from chalicelib.storage.sync import DynamoSyncRepository
        return DynamoSyncRepository()
    return _get("sync", build)


def raw_store() -> RawArchive:
    def build() -> RawArchive:
        from chalicelib.storage.raw import S3RawStore
        return S3RawStore()
    return _get("raw_store", build)


def shop_skus() -> ShopSkuCatalog:
    def build() -> ShopSkuCatalog:
        from chalicelib.storage.catalog import DynamoShopSkuRepository
        return DynamoShopSkuRepository()
    return _get("shop_skus", build)


def platforms() -> PlatformDirectory:
    """The platform packages' specs (names, capabilities, carriers...): the registry module implements the port."""
    from chalicelib.platforms import registry
    return registry


def clients() -> Callable[[Shop], PlatformClient]:
    """shop -> its PlatformClient (tests replace it with one that returns a fake or a sandbox client)."""
    def build() -> Callable[[Shop], PlatformClient]:
        from chalicelib.platforms.shop_clients import client_for_shop
        from chalicelib.storage.token_cache import DynamoTokenCache

        def token_cache(shop: Shop) -> TokenCache:
            return DynamoTokenCache(shop.shop_id, getattr(shops(), "envelope", None))
        return lambda shop: client_for_shop(shops(), shop, token_cache)
    return _get("clients", build)


def erp_skus() -> ErpSkuStore:
    def build() -> ErpSkuStore:
        from chalicelib.storage.erp_skus import DynamoErpSkuRepository
        return DynamoErpSkuRepository()
    return _get("erp_skus", build)


def stock() -> StockStore:
    def build() -> StockStore:
        from chalicelib.storage.stock import DynamoStockLedger
        return DynamoStockLedger()
    return _get("stock", build)


def warehouses() -> Any:
    def build() -> Any:
        from chalicelib.storage.warehouses import DynamoWarehouseRepository
        return DynamoWarehouseRepository()
    return _get("warehouses", build)


def stock_documents() -> Any:
    def build() -> Any:
        from chalicelib.storage.warehouses import DynamoStockDocumentRepository
        return DynamoStockDocumentRepository()
    return _get("stock_documents", build)


def reconcile_reports() -> Any:
    def build() -> Any:
        from chalicelib.storage.reconcile import DynamoReconcileReports
        return DynamoReconcileReports()
    return _get("reconcile_reports", build)


def route(shop_id: str) -> Any:
    """The warehouses serving a shop (services/stock.py reserves and deducts there), from the per-process
    cache: the orders consumer refreshes it once per batch, any other caller when it is 30 s old."""
    return fulfil_cache().fresh(warehouses()).routing(shop_id)


def unknown_skus(codes: Any) -> set[str]:
    return {code for code in set(codes) if erp_skus().get(code) is None}


def stock_sync() -> StockSyncStore:
    def build() -> StockSyncStore:
        from chalicelib.storage.stock_sync import DynamoStockSyncRepository
        return DynamoStockSyncRepository()
    return _get("stock_sync", build)


def shop_leases() -> Leases:
    def build() -> Leases:
        from chalicelib.storage.token_cache import DynamoShopLeases
        return DynamoShopLeases()
    return _get("shop_leases", build)


def link_deps(background: bool = True) -> LinkDeps:
    """What linking needs: held orders released by a link go on to reserve their stock, and newly linked
    ERP SKUs are marked for a platform push. `background`: held orders re-resolve on the link-jobs queue
    (a fresh starter per call: it holds the job id the request answers with); the worker re-resolves."""
    from chalicelib.services.link_jobs import JobStarter
    from chalicelib.services.links import LinkDeps
    from chalicelib.services.stock import settle_order
    from chalicelib.services.stock_sync import push_now
    return LinkDeps(catalog=shop_skus(), erp=erp_skus(), orders=orders(), clock=clock(),
                    settle=lambda order_id: settle_order(stock(), orders(), clock(), order_id,
                                                         shipments=shipments().for_order, route=route),
                    linked=lambda codes: push_now(stock(), codes, clock().now()),
                    later=JobStarter(link_jobs(), publisher(), clock()) if background else None)


def link_jobs() -> JobStore:
    def build() -> JobStore:
        from chalicelib.storage.jobs import DynamoJobRepository
        return DynamoJobRepository()
    return _get("link_jobs", build)


def link_job_deps() -> JobDeps:
    """The link-jobs consumer: re-resolves here, and tells the ERP about every order it changed (batched)."""
    from dataclasses import replace

    from chalicelib.services.erp_events import order_note
    from chalicelib.services.link_jobs import JobDeps

    def count_held(shop_id: str) -> int:
        from chalicelib.storage.jobs import count_held as count
        return count(shop_id)
    links = replace(link_deps(background=False), orders=plain_orders())
    return JobDeps(links=links, jobs=link_jobs(), publisher=publisher(), clock=clock(),
                   count_held=_get("count_held", lambda: count_held), pull_catalog=_catalog_puller(links),
                   changed=lambda changed: publisher().publish("erp_events", [order_note(o) for o in changed]))


CATALOG_RUN_SECONDS = 20      # a catalog step's share of the link-jobs Lambda (5 steps a batch, 150 s)


def _catalog_puller(links: LinkDeps) -> Callable[[str], Any]:
    """A shop's catalog pulled inside a link-jobs step: its re-resolve pass is the job's next step, so the
    pull itself starts none (a `later` that does nothing)."""
    def pull(shop_id: str) -> Any:
        import time
        from dataclasses import replace

        from chalicelib.services.catalog import pull_catalog
        from chalicelib.services.shop_admin import require
        shop = require(shops(), shop_id)
        deadline = time.monotonic() + CATALOG_RUN_SECONDS
        # pull_catalog stops when time_left() drops under its 15 s margin
        return pull_catalog(replace(links, later=_JobLater()), shop, clients()(shop),
                            lambda: deadline - time.monotonic() + 15)
    return pull


class _JobLater:
    job_id = None

    def reresolve(self, shop_ids: Any, kind: str = "links") -> str:
        return ""

    def auto_link(self, sku_codes: Any, kind: str = "erp_skus") -> str:
        return ""


def dead_letters() -> DeadLetters:
    def build() -> DeadLetters:
        from chalicelib.messaging.dlq import SqsDeadLetters
        return SqsDeadLetters()
    return _get("dead_letters", build)


# ---------------------------------------------------------------- ERP integration and shipments
def erp_clients() -> ErpClientRepository:
    def build() -> ErpClientRepository:
        from chalicelib.storage.erp import DynamoErpClientRepository
        return DynamoErpClientRepository()
    return _get("erp_clients", build)


def erp_deliveries() -> DeliveryRepository:
    def build() -> DeliveryRepository:
        from chalicelib.storage.erp import DynamoDeliveryRepository
        return DynamoDeliveryRepository()
    return _get("erp_deliveries", build)


def erp_streams() -> StreamRepository:
    def build() -> StreamRepository:
        from chalicelib.storage.erp import DynamoStreamRepository
        return DynamoStreamRepository()
    return _get("erp_streams", build)


def erp_rate_limiter() -> RateLimiter:
    def build() -> RateLimiter:
        from chalicelib.storage.erp import DynamoRateLimiter
        return DynamoRateLimiter()
    return _get("erp_rate_limiter", build)


def erp_case_queue() -> HandoffQueue:
    def build() -> HandoffQueue:
        from chalicelib.storage.erp import DynamoCaseQueue
        return DynamoCaseQueue()
    return _get("erp_case_queue", build)


def shipments() -> ShipmentStore:
    def build() -> ShipmentStore:
        from chalicelib.storage.shipments import DynamoShipmentRepository
        return DynamoShipmentRepository()
    return _get("shipments", build)


def webhook_sender() -> WebhookSender:
    def build() -> WebhookSender:
        from chalicelib.messaging.erp_adapters import HttpxWebhookSender
        return HttpxWebhookSender()
    return _get("webhook_sender", build)


def erp_queue_admin() -> QueueAdmin:
    def build() -> QueueAdmin:
        from chalicelib.messaging.erp_adapters import SqsQueueAdmin
        return SqsQueueAdmin()
    return _get("erp_queue_admin", build)


def shipment_deps() -> ShipmentDeps:
    from chalicelib.services.shipments import ShipmentDeps
    return ShipmentDeps(orders=orders(), shipments=shipments(), publisher=publisher(), clock=clock(), stock=stock(),
                        route=route)


def webhook_deps() -> WebhookDeps:
    from chalicelib.services.erp_webhooks import WebhookDeps
    return WebhookDeps(clients=erp_clients(), deliveries=erp_deliveries(), streams=erp_streams(),
                       sender=webhook_sender(), clock=clock())


# ---------------------------------------------------------------- business alerts (issue 26 item 5)
def alert_settings() -> AlertSettingsStore:
    def build() -> AlertSettingsStore:
        from chalicelib.storage.alerts import DynamoAlertSettingsStore
        return DynamoAlertSettingsStore()
    return _get("alert_settings", build)


def alert_ledger() -> AlertLedger:
    def build() -> AlertLedger:
        from chalicelib.storage.alerts import DynamoAlertLedger
        return DynamoAlertLedger()
    return _get("alert_ledger", build)


def alert_sink() -> AlertSink:
    def build() -> AlertSink:
        from chalicelib.services.alert_sink import PublishingAlertSink
        return PublishingAlertSink(publisher())
    return _get("alert_sink", build)


def alert_deps() -> AlertDeps:
    from chalicelib.services.alerts import AlertDeps
    return AlertDeps(settings=alert_settings(), ledger=alert_ledger(), deliveries=erp_deliveries(),
                     sender=webhook_sender(), clock=clock())


def alert_scan_deps() -> ScanDeps:
    from chalicelib.services.alert_scan import ScanDeps
    return ScanDeps(shops=shops(), orders=orders(), cases=after_sale_queries(), dead_letters=dead_letters(),
                    erp_clients=erp_clients(), deliveries=erp_deliveries(), clock=clock())


def event_deps() -> EventDeps:
    from chalicelib.services.erp_events import EventDeps
    return EventDeps(webhooks=webhook_deps(), orders=orders(), cases=after_sales(), shipments=shipments())


def ingest_deps(reads: BatchReads, *, noting: bool) -> IngestDeps:
    """The orders and after-sales consumers. `noting`: order writes tell the ERP each (the after-sales
    consumer); the orders consumer sends its notes batched instead."""
    from chalicelib.services.order_ingest import IngestDeps
    return IngestDeps(orders=orders() if noting else plain_orders(), cases=after_sales(), shops=shops(),
                      clients=clients(), clock=clock(), stock=stock(), shipments=shipments().for_order, reads=reads,
                      route=route, gate=fulfil_gate(), fulfil=fulfil_hook())


def report_store() -> ReportStore:
    def build() -> ReportStore:
        from chalicelib.storage.reports import DynamoReportStore
        return DynamoReportStore()
    return _get("report_store", build)


def report_fold_deps(owner: str = "consumer") -> FoldDeps:
    """The report aggregates' one writer: the reports consumer, or a rebuild (services/report_rebuild.py)."""
    from chalicelib.services.report_fold import FoldDeps
    return FoldDeps(store=report_store(), orders=plain_orders(), cases=after_sales(), clock=clock(), owner=owner)


def push_deps() -> PushDeps:
    """Platform pushes: the shop's secrets, the platform's gate, the claims and the orders queue."""
    from chalicelib.services.push_intake import PushDeps
    return PushDeps(shops=shops(), claims=idempotency(), publisher=publisher(), platforms=platforms(),
                    clock=clock())


def action_deps() -> ActionDeps:
    """What the platform-action handlers need (services/action_handlers)."""
    from chalicelib.services.action_handlers.deps import ActionDeps
    return ActionDeps(shops=shops(), clients=clients(), platforms=platforms(), clock=clock(),
                      shipments=shipment_deps(), cases=after_sale_deps(), stock=stock(), shop_skus=shop_skus(),
                      stock_sync=stock_sync(), warehouses=warehouses())


# ---------------------------------------------------------------- after-sales
def after_sale_deps() -> CaseDeps:
    """What the after-sale use cases need: a confirmed return is a stock-in document (reason return),
    audited once, into the warehouse the order's goods left from."""
    from chalicelib.services.after_sales import CaseDeps, restock_items
    from chalicelib.services.stock_documents import return_receipt

    def restock(case: Any) -> None:
        order = orders().get(case.order_id)
        items = restock_items(case, order)
        if items:
            line_id, code, _ = items[0]
            reserved = stock().movement(code, f"reserve:{case.order_id}:{line_id}:{code}")
            warehouse = reserved.warehouse_id if reserved else route(case.shop_id).home
            return_receipt(stock_documents(), warehouses(), stock(), case.case_id, items, warehouse, clock().now())
    return CaseDeps(cases=after_sales(), publisher=publisher(), clock=clock(), shipments=shipments(),
                    orders=orders(), restock=restock)


def after_sale_queries() -> CaseQueries:
    def build() -> CaseQueries:
        from chalicelib.storage.after_sales_queries import DynamoAfterSaleQueries
        return DynamoAfterSaleQueries()
    return _get("after_sale_queries", build)


# ---------------------------------------------------------------- e-waybills (issue 9)
def waybill_accounts() -> WaybillAccountRepository:
    def build() -> WaybillAccountRepository:
        from chalicelib.storage.waybills import DynamoWaybillAccountRepository
        return DynamoWaybillAccountRepository()
    return _get("waybill_accounts", build)


def waybills() -> WaybillRepository:
    def build() -> WaybillRepository:
        from chalicelib.storage.waybills import DynamoWaybillRepository
        return DynamoWaybillRepository()
    return _get("waybills", build)


def waybill_deps() -> WaybillDeps:
    from chalicelib.services.waybills import WaybillDeps
    def decrypt(blob: str, context: str) -> Any:      # a manual order's receiver, typed by the seller
        return shops().envelope.decrypt(blob, context)  # type: ignore[attr-defined]  # opened only then
    return WaybillDeps(orders=orders(), shops=shops(), accounts=waybill_accounts(), waybills=waybills(),
                       clients=clients(), clock=clock(), platforms=platforms(), shipments=shipment_deps(),
                       fulfilments=fulfilments(), decrypt=decrypt)


# ---------------------------------------------------------------- fulfilments: merge and split (issue 25)
def fulfilments() -> FulfilmentRepository:
    def build() -> FulfilmentRepository:
        from chalicelib.storage.fulfilments import DynamoFulfilmentRepository
        return DynamoFulfilmentRepository()
    return _get("fulfilments", build)


def fulfil_settings() -> FulfilSettingsStore:
    def build() -> FulfilSettingsStore:
        from chalicelib.storage.fulfilments import DynamoFulfilSettingsStore
        return DynamoFulfilSettingsStore()
    return _get("fulfil_settings", build)


def fulfil_deps() -> FulfilDeps:
    from chalicelib.services.fulfilment_sources import CatalogWeights, LedgerStockView
    from chalicelib.services.fulfilments import FulfilDeps
    return FulfilDeps(orders=orders(), fulfilments=fulfilments(), settings=fulfil_settings(), clock=clock(),
                      stock=LedgerStockView(stock()), weights=CatalogWeights(erp_skus()),
                      warehouses_of=lambda shop_id: route(shop_id).warehouses)


def fulfil_hook() -> Callable[[Order], object]:
    """What the consumers call after an order was written: refunds split out, AUTO shops merge."""
    from chalicelib.services.fulfilment_hook import on_order_applied
    return lambda order: on_order_applied(fulfil_deps(), order)


# ---------------------------------------------------------------- audit log (issue 11)
def audit_log() -> AuditLog:
    def build() -> AuditLog:
        from chalicelib.storage.audit import DynamoAuditLog
        return DynamoAuditLog()
    return _get("audit_log", build)


# ---------------------------------------------------------------- API tokens and MCP (issue 27)
def api_tokens() -> Any:
    def build() -> Any:
        from chalicelib.storage.api_tokens import DynamoApiTokenRepository
        return DynamoApiTokenRepository()
    return _get("api_tokens", build)


def api_token_key() -> bytes:
    """The key of the API tokens' stored hashes: derived from the JWT secret (one secret to keep, and
    a different key from the one signing JWTs). Rotating JWT_SECRET therefore also retires every token."""
    def build() -> bytes:
        import hashlib
        import hmac

        from chalicelib.config import settings
        secret = settings().jwt_secret
        if len(secret) < 32:
            raise RuntimeError("JWT_SECRET is missing or shorter than 32 characters")
        return hmac.new(secret.encode(), b"qihang-oms api-token hash v1", hashlib.sha256).digest()
    return _get("api_token_key", build)
# ---------------------------------------------------------------- order processing: review gate (issue 22)
def review_store() -> Any:
    def build() -> Any:
        from chalicelib.storage.review import DynamoReviewStore
        return DynamoReviewStore()
    return _get("review_store", build)


def review_cache() -> Any:
    """Per process: the consumer checks its version once per batch (services/review.py)."""
    def build() -> Any:
        from chalicelib.services.review import RuleCache
        return RuleCache()
    return _get("review_cache", build)


def review_gate() -> Any:
    """The gate over the cached rule set, as last refreshed (no read of its own)."""
    from chalicelib.dropship_wiring import with_rule  # drop-shipping's SKU rule runs after review
    from chalicelib.services.review import Gate

    def list_prices(codes: Any) -> dict[str, int]:
        return {code: sku.price_fen for code, sku in erp_skus().get_many(codes).items()}
    return with_rule(Gate(review_cache().rules, clock(), publisher(), plain_orders(), list_prices))


def review_admin_deps() -> Any:
    from chalicelib.services.review_admin import AdminDeps
    from chalicelib.services.review_jobs import ReviewJobStarter
    return AdminDeps(store=review_store(), clock=clock(),
                     missing_shops=lambda ids: {i for i in ids if shops().get(i) is None},
                     missing_skus=lambda codes: set(codes) - erp_skus().existing_codes(codes) if codes else set(),
                     start_reevaluation=ReviewJobStarter(link_jobs(), publisher(), clock()),
                     order=lambda order_id: orders().get(order_id) if order_id else None)


def review_job_deps() -> Any:
    from chalicelib.services.erp_events import order_note
    from chalicelib.services.review_jobs import ReviewJobDeps

    def gate() -> Any:
        from chalicelib.services.fulfilment import Planner
        review_cache().refresh(review_store())
        cache = fulfil_cache()
        cache.refresh(fulfil_store(), warehouses())
        # gifts come only where the order's stock settles right after (the orders consumer)
        planner = Planner(cache, clock(), weights=sku_weights, add_gifts=False)
        review = review_gate()
        return lambda order: planner(review(order))
    return ReviewJobDeps(orders=plain_orders(), jobs=link_jobs(), publisher=publisher(), clock=clock(), gate=gate,
                         changed=lambda changed: publisher().publish("erp_events", [order_note(o) for o in changed]))


# ---------------------------------------------------------------- fulfilment strategies (issue 25: 3, 4, 5)
def fulfil_store() -> Any:
    def build() -> Any:
        from chalicelib.storage.fulfil import DynamoFulfilStore
        return DynamoFulfilStore()
    return _get("fulfil_store", build)


def fulfil_cache() -> Any:
    """Per process: the rules and warehouses, refreshed once per orders batch (services/fulfilment.py)."""
    def build() -> Any:
        from chalicelib.services.fulfilment import FulfilCache
        return FulfilCache()
    return _get("fulfil_cache", build)


def gift_counters() -> Any:
    def build() -> Any:
        from chalicelib.storage.fulfil import DynamoGiftCounters
        return DynamoGiftCounters()
    return _get("gift_counters", build)


def sku_weights(codes: Any) -> dict[str, int]:
    return {code: sku.weight_g for code, sku in erp_skus().get_many(codes).items()}


def fulfil_gate() -> Any:
    """The review gate, then the fulfilment planner, over the cached rule sets (no read of their own)."""
    from chalicelib.services.fulfilment import Planner
    review, planner = review_gate(), Planner(fulfil_cache(), clock(), gift_counters(), sku_weights)
    return lambda order: planner(review(order))


def fulfil_admin_deps() -> Any:
    from chalicelib.services.fulfil_admin import FulfilAdminDeps
    from chalicelib.services.review_jobs import ReviewJobStarter
    return FulfilAdminDeps(
        store=fulfil_store(), clock=clock(),
        missing_shops=lambda ids: {i for i in ids if shops().get(i) is None},
        missing_skus=lambda codes: set(codes) - erp_skus().existing_codes(codes) if codes else set(),
        warehouse_ids=lambda: {w.warehouse_id for w in warehouses().list() if w.active},
        accounts=waybill_accounts().for_shop, shop_ids=lambda: [s.shop_id for s in shops().all()],
        start_replan=ReviewJobStarter(link_jobs(), publisher(), clock()))
