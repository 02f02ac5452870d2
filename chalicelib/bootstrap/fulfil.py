"""Fulfilment (issue 25): parcels (merge / split), their settings, and the rules' gate (warehouse, carrier, gifts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib import bootstrap
from chalicelib.bootstrap.registry import _get

if TYPE_CHECKING:
    # the ports each builder returns: for the type checker only (a Lambda imports the adapters it uses)
    from chalicelib.domain.orders import Order
    from chalicelib.services.fulfil_admin import FulfilAdminDeps
    from chalicelib.services.fulfilment import FulfilCache, FulfilStore, GiftCounters
    from chalicelib.services.fulfilment_ports import FulfilmentRepository, FulfilSettingsStore
    from chalicelib.services.fulfilments import FulfilDeps

__all__ = [
    "fulfil_admin_deps",
    "fulfil_cache",
    "fulfil_deps",
    "fulfil_gate",
    "fulfil_hook",
    "fulfil_settings",
    "fulfil_store",
    "fulfilments",
    "gift_counters",
    "gifts_back",
    "sku_goods",
    "sku_weights",
]


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
    from chalicelib.services.stock import reserve_parts

    return FulfilDeps(
        orders=bootstrap.orders(),
        fulfilments=fulfilments(),
        settings=fulfil_settings(),
        clock=bootstrap.clock(),
        stock=LedgerStockView(bootstrap.stock()),
        weights=CatalogWeights(bootstrap.erp_skus()),
        warehouses_of=lambda shop_id: bootstrap.route(shop_id).warehouses,
        reserve_parts=lambda order, parts: reserve_parts(
            bootstrap.stock(), bootstrap.orders(), bootstrap.clock(), order, parts
        ),
    )


def fulfil_hook() -> Callable[[Order], object]:
    """What the consumers call after an order was written: refunds split out, AUTO shops merge."""
    from chalicelib.services.fulfilment_hook import on_order_applied

    return lambda order: on_order_applied(fulfil_deps(), order)


def fulfil_store() -> FulfilStore:
    def build() -> Any:
        from chalicelib.storage.fulfil import DynamoFulfilStore

        return DynamoFulfilStore()

    return _get("fulfil_store", build)


def fulfil_cache() -> FulfilCache:
    """Per process: the rules and warehouses, refreshed once per orders batch (services/fulfilment.py)."""

    def build() -> Any:
        from chalicelib.services.fulfilment import FulfilCache

        return FulfilCache()

    return _get("fulfil_cache", build)


def gift_counters() -> GiftCounters:
    def build() -> Any:
        from chalicelib.storage.fulfil import DynamoGiftCounters

        return DynamoGiftCounters()

    return _get("gift_counters", build)


def gifts_back(order: Order) -> object:
    from chalicelib.services.fulfilment import give_back_gifts

    return give_back_gifts(gift_counters(), order)


def sku_weights(codes: Any) -> dict[str, int]:
    return {code: sku.weight_g for code, sku in bootstrap.erp_skus().get_many(codes).items()}


def sku_goods(codes: Any) -> dict[str, str]:
    return {code: sku.goods_id for code, sku in bootstrap.erp_skus().get_many(codes).items()}


def fulfil_gate() -> Callable[[Order], Order]:
    """The review gate, then the fulfilment planner, over the cached rule sets (no read of their own)."""
    from chalicelib.services.fulfilment import Planner

    review, planner = (
        bootstrap.review_gate(),
        Planner(fulfil_cache(), bootstrap.clock(), gift_counters(), sku_weights, goods=sku_goods),
    )
    return lambda order: planner(review(order))


def fulfil_admin_deps() -> FulfilAdminDeps:
    from chalicelib.services.fulfil_admin import FulfilAdminDeps
    from chalicelib.services.review_jobs import ReviewJobStarter

    return FulfilAdminDeps(
        store=fulfil_store(),
        clock=bootstrap.clock(),
        missing_shops=lambda ids: {i for i in ids if bootstrap.shops().get(i) is None},
        missing_skus=lambda codes: set(codes) - bootstrap.erp_skus().existing_codes(codes) if codes else set(),
        warehouse_ids=lambda: {w.warehouse_id for w in bootstrap.warehouses().list() if w.active},
        accounts=bootstrap.waybill_accounts().for_shop,
        shop_ids=lambda: [s.shop_id for s in bootstrap.shops().all()],
        start_replan=ReviewJobStarter(bootstrap.link_jobs(), bootstrap.publisher(), bootstrap.clock()),
        missing_goods=lambda ids: set(ids) - set(bootstrap.goods().get_many(sorted(ids))),
    )
