"""The core adapters: orders, after-sales, shops, users, the queues, sync state, platform clients, the audit log
and the API tokens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.bootstrap.registry import _get, _instances

if TYPE_CHECKING:
    # the ports each builder returns: for the type checker only (a Lambda imports the adapters it uses)
    from chalicelib.domain.shops import Shop
    from chalicelib.services.api_tokens import ApiTokenRepository
    from chalicelib.services.platform_ports import PlatformClient, PlatformDirectory, TokenCache
    from chalicelib.services.ports import (
        AfterSaleRepository,
        AuditLog,
        Clock,
        DeadLetters,
        IdempotencyStore,
        Leases,
        OrderCounters,
        OrderRepository,
        Publisher,
        RawArchive,
        ShopRepository,
        SyncStore,
        UserRepository,
    )
    from chalicelib.services.stock_ports import ShopSkuCatalog

__all__ = [
    "SystemClock",
    "after_sales",
    "api_token_key",
    "api_tokens",
    "audit_log",
    "clients",
    "clock",
    "dead_letters",
    "idempotency",
    "order_counters",
    "orders",
    "plain_orders",
    "platforms",
    "publisher",
    "raw_store",
    "shop_leases",
    "shop_skus",
    "shops",
    "sync",
    "users",
]


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

        return NotingOrderRepository(DynamoOrderRepository(), publisher)  # resolved per note: tests override it

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


def order_counters() -> OrderCounters:
    """The counters the reports consumer folds, read through the orders repository (never cached apart
    from it: a test's fake orders bring their own)."""
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

        return CopyingPublisher(SqsPublisher(), {"erp_events": ("reports",)})  # the notes feed the reports too

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


def shop_leases() -> Leases:
    def build() -> Leases:
        from chalicelib.storage.token_cache import DynamoShopLeases

        return DynamoShopLeases()

    return _get("shop_leases", build)


def dead_letters() -> DeadLetters:
    def build() -> DeadLetters:
        from chalicelib.messaging.dlq import SqsDeadLetters

        return SqsDeadLetters()

    return _get("dead_letters", build)


def audit_log() -> AuditLog:
    def build() -> AuditLog:
        from chalicelib.storage.audit import DynamoAuditLog

        return DynamoAuditLog()

    return _get("audit_log", build)


def api_tokens() -> ApiTokenRepository:
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
