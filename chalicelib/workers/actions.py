"""The platform-actions consumer: one shop's writes in order (FIFO group per shop)."""
from __future__ import annotations

import logging
from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap, names
from chalicelib.messaging.consumer import consume

bp = Blueprint(__name__)
log = logging.getLogger("oms.workers.actions")


@bp.on_sqs_message(queue=names.queue_name("platform_actions"), batch_size=10)
def on_platform_action(event: Any) -> dict[str, Any]:
    return consume(event, _handle)


def _handle(body: str, record: dict[str, Any]) -> None:
    from chalicelib.domain.errors import NotFoundError
    from chalicelib.services.action_handlers import load_all
    from chalicelib.services.actions import decode, handler_for

    load_all()
    action = decode(body)
    shop = bootstrap.shops().get(action.shop_id)
    if shop is None:
        raise NotFoundError(f"no shop {action.shop_id}")
    # an offline (manual-order) shop has no platform client: its handlers confirm without one
    client: Any = None if shop.platform.value == "offline" else bootstrap.clients()(shop)
    handler_for(action.name)(action, shop, client)
    log.info("platform action done", extra={"action": action.name, "shop_id": shop.shop_id,
                                            "action_id": action.action_id})
