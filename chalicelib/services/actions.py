"""Platform actions: every write to a platform (ship-back, refund actions, memo, stock push) goes
through the platform-actions FIFO queue, grouped per shop, so that one shop's writes apply in order
and a throttled shop backs off alone. Handlers register by name; each must be idempotent (the queue
delivers at least once) and record its outcome on the record it serves."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.domain.shops import Shop
from chalicelib.services.platform_ports import PlatformClient
from chalicelib.services.ports import Publisher

if TYPE_CHECKING:
    from chalicelib.services.action_handlers.deps import ActionDeps


@dataclass(frozen=True)
class Action:
    name: str                    # "ship", "approve_refund", "update_stock", ...
    shop_id: str
    action_id: str               # unique per intent: deduplication and idempotency key
    payload: dict[str, Any]


Handler = Callable[["ActionDeps", Action, Shop, PlatformClient], None]
_handlers: dict[str, Handler] = {}


def handles(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _handlers[name] = fn
        return fn
    return register


def handler_for(name: str) -> Handler:
    if name not in _handlers:
        raise KeyError(f"no handler for platform action {name!r}")
    return _handlers[name]


def enqueue(publisher: Publisher, action: Action) -> None:
    body = json.dumps({"name": action.name, "shop_id": action.shop_id, "action_id": action.action_id,
                       "payload": action.payload}, ensure_ascii=False)
    publisher.publish("platform_actions", [(body, action.shop_id, action.action_id)])


def decode(body: str) -> Action:
    data = json.loads(body)
    return Action(name=str(data["name"]), shop_id=str(data["shop_id"]), action_id=str(data["action_id"]),
                  payload=dict(data.get("payload") or {}))
