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
    def build() -> Any:
        from chalicelib.storage.orders import DynamoOrderRepository
        return DynamoOrderRepository()
    return _get("orders", build)


def after_sales() -> Any:
    def build() -> Any:
        from chalicelib.storage.after_sales import DynamoAfterSaleRepository
        return DynamoAfterSaleRepository()
    return _get("after_sales", build)


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


def dead_letters() -> Any:
    def build() -> Any:
        from chalicelib.messaging.dlq import SqsDeadLetters
        return SqsDeadLetters()
    return _get("dead_letters", build)
