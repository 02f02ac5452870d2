"""The drop-shipping adapters (services/dropship.py), composed from bootstrap's and the goods library's
(tests replace those the usual way: bootstrap.override(...))."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import bootstrap

if TYPE_CHECKING:
    # the ports each builder returns: for the type checker only (a Lambda imports the adapters it uses)
    from chalicelib.services.dropship import DropshipDeps, RuleGate

__all__ = ["dropship_auto_shops", "dropship_deps", "supplier_of_sku", "with_dropship_rule"]


def dropship_deps() -> DropshipDeps:
    from chalicelib.services.dropship import DropshipDeps
    from chalicelib.services.stock import settle_order

    def settle(order: Any) -> Any:
        return settle_order(
            bootstrap.stock(),
            bootstrap.orders(),
            bootstrap.clock(),
            order.order_id,
            order,
            shipments=bootstrap.shipments().for_order,
            route=bootstrap.route,
        )

    orders: Any = bootstrap.orders()  # the Dynamo adapter's by_supplier, through the noting wrapper
    return DropshipDeps(orders=orders, suppliers=bootstrap.suppliers(), clock=bootstrap.clock(), stock_settle=settle)


def dropship_auto_shops() -> Any:
    def build() -> Any:
        from chalicelib.storage.dropship import DynamoAutoShops

        return DynamoAutoShops()

    return bootstrap._get("dropship_auto", build)


def supplier_of_sku(codes: Any) -> dict[str, str]:
    """ERP SKU code -> the first supplier of its goods (SKUs without one: own stock)."""
    skus = bootstrap.erp_skus().get_many(codes)
    goods = bootstrap.goods().get_many(sorted({s.goods_id for s in skus.values() if s.goods_id}))
    return {
        code: goods[s.goods_id].supplier_ids[0]
        for code, s in skus.items()
        if s.goods_id in goods and goods[s.goods_id].supplier_ids
    }


def with_dropship_rule(gate: Any) -> RuleGate:
    """The review gate, then the SKU rule (services/dropship.apply_rule) for the shops that switched it on.
    The switch is read at most once per gate (one per orders batch) and only when an order gets that far."""
    from chalicelib.services.dropship import RuleGate

    return RuleGate(gate, lambda: dropship_auto_shops().shops(), supplier_of_sku, bootstrap.clock())
