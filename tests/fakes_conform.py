"""The fakes satisfy the ports they stand in for: mypy checks these assignments (pyproject's mypy files
name this module and tests/fakes.py), so a port that gains a method the fake lacks fails the lint, not a
test far away. Nothing here runs in a test."""
from __future__ import annotations

from chalicelib.services.erp_ports import (
    DeliveryRepository,
    ErpClientRepository,
    HandoffQueue,
    RateLimiter,
    ShipmentRepository,
    StreamRepository,
    WebhookSender,
)
from chalicelib.services.platform_ports import PlatformAfterSales, PlatformOrders
from chalicelib.services.ports import (
    AfterSaleRepository,
    CaseQueries,
    Clock,
    IdempotencyStore,
    Leases,
    OrderRepository,
    Publisher,
    RawStore,
    ShopRepository,
    SyncRepository,
    UserRepository,
)
from chalicelib.services.stock_ports import (
    ErpSkuStore,
    ShopSkuCatalog,
    StockStore,
    StockSyncStore,
)
from tests import fakes


def conforms() -> None:
    clock: Clock = fakes.FixedClock()
    orders: OrderRepository = fakes.InMemoryOrderRepository()
    cases: AfterSaleRepository = fakes.InMemoryAfterSaleRepository()
    shops: ShopRepository = fakes.InMemoryShopRepository()
    users: UserRepository = fakes.InMemoryUserRepository()
    claims: IdempotencyStore = fakes.InMemoryIdempotencyStore()
    publisher: Publisher = fakes.RecordingPublisher()
    sync: SyncRepository = fakes.InMemorySyncRepository()
    raw: RawStore = fakes.InMemoryRawStore()
    platform_orders: PlatformOrders = fakes.FakePlatformClient()
    platform_cases: PlatformAfterSales = fakes.FakePlatformClient()
    shop_skus: ShopSkuCatalog = fakes.InMemoryShopSkuRepository()
    erp_skus: ErpSkuStore = fakes.InMemoryErpSkuRepository()
    stock: StockStore = fakes.InMemoryStockLedger()
    stock_sync: StockSyncStore = fakes.InMemoryStockSyncRepository()
    leases: Leases = fakes.InMemoryShopLeases()
    erp_clients: ErpClientRepository = fakes.InMemoryErpClientRepository()
    deliveries: DeliveryRepository = fakes.InMemoryDeliveryRepository()
    streams: StreamRepository = fakes.InMemoryStreamRepository()
    limiter: RateLimiter = fakes.InMemoryRateLimiter()
    handoff: HandoffQueue = fakes.InMemoryCaseQueue(fakes.InMemoryAfterSaleRepository())
    shipments: ShipmentRepository = fakes.InMemoryShipmentRepository()
    sender: WebhookSender = fakes.RecordingWebhookSender()
    queries: CaseQueries = fakes.InMemoryAfterSaleQueries(fakes.InMemoryAfterSaleRepository())
    del (clock, orders, cases, shops, users, claims, publisher, sync, raw, platform_orders, platform_cases, shop_skus,
         erp_skus, stock, stock_sync, leases, erp_clients, deliveries, streams, limiter, handoff, shipments, sender,
         queries)
