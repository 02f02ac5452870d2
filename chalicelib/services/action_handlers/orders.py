"""Order write-backs other than shipping: the seller memo and flag."""
from __future__ import annotations

from chalicelib.domain.shops import Shop
from chalicelib.services.action_handlers.deps import ActionDeps
from chalicelib.services.actions import Action, handles
from chalicelib.services.platform_ports import PlatformOrderWrites


@handles("set_memo")
def set_memo(deps: ActionDeps, action: Action, shop: Shop, client: PlatformOrderWrites) -> None:
    # idempotent on every platform: writing the same memo twice leaves the same memo
    client.set_seller_memo(str(action.payload["order_no"]), str(action.payload["memo"]),
                           int(action.payload.get("flag", 0)))
