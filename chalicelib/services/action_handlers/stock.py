"""Stock pushes to a platform (the `update_stock` action): the quantity is computed when the action runs,
so a delayed or retried push still sends the newest stock."""
from __future__ import annotations

from chalicelib.domain.shops import Shop
from chalicelib.platforms.base import PlatformClient
from chalicelib.services.actions import Action, handles
from chalicelib.services.stock_sync import UPDATE_STOCK, push_stock


@handles(UPDATE_STOCK)
def update_stock(action: Action, shop: Shop, client: PlatformClient) -> None:
    from chalicelib import bootstrap
    from chalicelib.services.warehouses import serving_warehouses
    push_stock(bootstrap.stock(), bootstrap.shop_skus(), bootstrap.stock_sync(), bootstrap.clock(), shop, client,
               str(action.payload["platform_sku_id"]), action.action_id,
               serving_warehouses(bootstrap.warehouses(), shop.shop_id))
