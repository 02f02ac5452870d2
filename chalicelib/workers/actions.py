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
    from chalicelib.services.action_handlers import run_action
    from chalicelib.services.actions import decode

    action = decode(body)
    run_action(bootstrap.action_deps(), action)
    log.info("platform action done", extra={"action": action.name, "shop_id": action.shop_id,
                                            "action_id": action.action_id})
