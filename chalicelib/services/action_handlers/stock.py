"""Stock pushes to a platform (the `update_stock` action): the quantity is computed when the action runs,
so a delayed or retried push still sends the newest stock."""
from __future__ import annotations

from chalicelib.domain.shops import Shop
from chalicelib.services.action_handlers.deps import ActionDeps
from chalicelib.services.actions import Action, handles
from chalicelib.services.platform_ports import PlatformCatalog
from chalicelib.services.stock_sync import UPDATE_STOCK, push_stock
from chalicelib.services.warehouses import serving_warehouses


@handles(UPDATE_STOCK)
def update_stock(deps: ActionDeps, action: Action, shop: Shop, client: PlatformCatalog) -> None:
    push_stock(deps.stock, deps.shop_skus, deps.stock_sync, deps.clock, shop, client,
               str(action.payload["platform_sku_id"]), action.action_id,
               serving_warehouses(deps.warehouses, shop.shop_id))
