"""The order and after-sale pipeline's use cases: ingest, pushes, platform actions, after-sale cases."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import bootstrap
from chalicelib.bootstrap.registry import _get

if TYPE_CHECKING:
    # the ports each builder returns: for the type checker only (a Lambda imports the adapters it uses)
    from chalicelib.services.action_handlers.deps import ActionDeps
    from chalicelib.services.after_sales import CaseDeps
    from chalicelib.services.order_ingest import IngestDeps
    from chalicelib.services.ports import (
        BatchReads,
        CaseQueries,
    )
    from chalicelib.services.push_intake import PushDeps

__all__ = ["action_deps", "after_sale_deps", "after_sale_queries", "ingest_deps", "push_deps"]


def ingest_deps(reads: BatchReads, *, noting: bool) -> IngestDeps:
    """The orders and after-sales consumers. `noting`: order writes tell the ERP each (the after-sales
    consumer); the orders consumer sends its notes batched instead."""
    from chalicelib.services.order_ingest import IngestDeps
    from chalicelib.services.order_notes import RecordingOrderRepository

    recording = None if noting else RecordingOrderRepository(bootstrap.plain_orders())
    return IngestDeps(
        orders=bootstrap.orders() if recording is None else recording,
        cases=bootstrap.after_sales(),
        shops=bootstrap.shops(),
        clients=bootstrap.clients(),
        clock=bootstrap.clock(),
        stock=bootstrap.stock(),
        shipments=bootstrap.shipments().for_order,
        reads=reads,
        route=bootstrap.route,
        gate=bootstrap.fulfil_gate(),
        fulfil=bootstrap.fulfil_hook(),
        gifts_back=bootstrap.gifts_back,
        stored=None if recording is None else recording.stored,
    )


def push_deps() -> PushDeps:
    """Platform pushes: the shop's secrets, the platform's gate, the claims and the orders queue."""
    from chalicelib.services.push_intake import PushDeps

    return PushDeps(
        shops=bootstrap.shops(),
        claims=bootstrap.idempotency(),
        publisher=bootstrap.publisher(),
        platforms=bootstrap.platforms(),
        clock=bootstrap.clock(),
    )


def action_deps() -> ActionDeps:
    """What the platform-action handlers need (services/action_handlers)."""
    from chalicelib.services.action_handlers.deps import ActionDeps

    return ActionDeps(
        shops=bootstrap.shops(),
        clients=bootstrap.clients(),
        platforms=bootstrap.platforms(),
        clock=bootstrap.clock(),
        shipments=bootstrap.shipment_deps(),
        cases=after_sale_deps(),
        stock=bootstrap.stock(),
        shop_skus=bootstrap.shop_skus(),
        stock_sync=bootstrap.stock_sync(),
        warehouses=bootstrap.warehouses(),
    )


def after_sale_deps() -> CaseDeps:
    """What the after-sale use cases need: a confirmed return is a stock-in document (reason return),
    audited once, into the warehouse the order's goods left from."""
    from chalicelib.services.after_sales import CaseDeps, restock_items
    from chalicelib.services.stock_documents import return_receipt

    def restock(case: Any) -> None:
        order = bootstrap.orders().get(case.order_id)
        items = restock_items(case, order)
        if items:
            line_id, code, _ = items[0]
            reserved = bootstrap.stock().movement(code, f"reserve:{case.order_id}:{line_id}:{code}")
            warehouse = reserved.warehouse_id if reserved else bootstrap.route(case.shop_id).home
            return_receipt(
                bootstrap.stock_documents(),
                bootstrap.warehouses(),
                bootstrap.stock(),
                case.case_id,
                items,
                warehouse,
                bootstrap.clock().now(),
            )

    return CaseDeps(
        cases=bootstrap.after_sales(),
        publisher=bootstrap.publisher(),
        clock=bootstrap.clock(),
        shipments=bootstrap.shipments(),
        orders=bootstrap.orders(),
        restock=restock,
    )


def after_sale_queries() -> CaseQueries:
    def build() -> CaseQueries:
        from chalicelib.storage.after_sales_queries import DynamoAfterSaleQueries

        return DynamoAfterSaleQueries()

    return _get("after_sale_queries", build)
