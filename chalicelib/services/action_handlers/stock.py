"""Stock pushes to a platform (the `update_stock` action): the quantity is computed when the action runs,
so a delayed or retried push still sends the newest stock."""
from __future__ import annotations

from collections.abc import Sequence

from chalicelib.domain.alerts import Alert
from chalicelib.domain.shops import Shop
from chalicelib.services.action_handlers.deps import ActionDeps
from chalicelib.services.actions import Action, handles
from chalicelib.services.alert_sink import PublishingAlertSink
from chalicelib.services.platform_ports import PlatformCatalog
from chalicelib.services.stock_sync import UPDATE_STOCK, available_of, push_stock, sellable_units
from chalicelib.services.warehouses import serving_warehouses


@handles(UPDATE_STOCK)
def update_stock(deps: ActionDeps, action: Action, shop: Shop, client: PlatformCatalog) -> None:
    warehouses = serving_warehouses(deps.warehouses, shop.shop_id)
    sku_id = str(action.payload["platform_sku_id"])
    record = push_stock(deps.stock, deps.shop_skus, deps.stock_sync, deps.clock, shop, client, sku_id,
                        action.action_id, warehouses)
    if record is not None and record.ok and record.quantity == 0:
        _below_safety(deps, shop, sku_id, warehouses)


def _below_safety(deps: ActionDeps, shop: Shop, sku_id: str, warehouses: Sequence[str] | None) -> None:
    """The platform now shows 0: when the safety stock is what holds the rest back, the seller hears of it
    (checked only then, so an ordinary push reads nothing more)."""
    settings, sku = deps.stock_sync.get_settings(shop.shop_id), deps.shop_skus.get(shop.shop_id, sku_id)
    if sku is None or settings.safety_stock <= 0:
        return
    units = sellable_units(available_of(deps.stock, sku, warehouses), sku.links)
    if units > settings.safety_stock:
        return
    codes = ", ".join(link.sku_code for link in sku.links)
    text = (f"{shop.name}: {sku.title} {sku.sku_name} ({codes}) 可售 {units}, 不高于安全库存 {settings.safety_stock}: "
            f"平台库存已推为 0")
    # the platform-action consumer's publisher (ShipmentDeps carries the one ActionDeps shares)
    PublishingAlertSink(deps.shipments.publisher).raise_alerts([
        Alert("stock.below_safety", f"{shop.shop_id}:{sku_id}", text, deps.clock.now())])
