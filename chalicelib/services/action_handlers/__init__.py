"""Handlers of platform actions, one module per kind of record (shipments, after-sales, stock). Each
module registers its handlers with `@handles("name")` from chalicelib.services.actions when this package
imports it; run_action is the consumer's one use case."""
from __future__ import annotations

from typing import Any

from chalicelib.domain.errors import NotFoundError
from chalicelib.services.action_handlers import after_sales, orders, shipments, stock
from chalicelib.services.action_handlers.deps import ActionDeps
from chalicelib.services.actions import Action, handler_for

HANDLER_MODULES = (after_sales, orders, shipments, stock)


def run_action(deps: ActionDeps, action: Action) -> None:
    shop = deps.shops.get(action.shop_id)
    if shop is None:
        raise NotFoundError(f"no shop {action.shop_id}")
    # an offline (manual-order) shop has no platform client: its handlers confirm without one
    client: Any = None if shop.platform.value == "offline" else deps.clients(shop)
    handler_for(action.name)(deps, action, shop, client)
