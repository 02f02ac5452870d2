"""Order write-backs other than shipping: the seller memo and flag."""
from __future__ import annotations

from chalicelib.domain.shops import Shop
from chalicelib.platforms.base import PlatformClient
from chalicelib.services.actions import Action, handles


@handles("set_memo")
def set_memo(action: Action, shop: Shop, client: PlatformClient) -> None:
    # idempotent on every platform: writing the same memo twice leaves the same memo
    client.set_seller_memo(str(action.payload["order_no"]), str(action.payload["memo"]),
                           int(action.payload.get("flag", 0)))
