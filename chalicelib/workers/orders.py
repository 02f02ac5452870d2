"""The orders queue consumer: one message per order version, FIFO-grouped per order."""
from __future__ import annotations

import logging
from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap, names
from chalicelib.messaging.consumer import consume

bp = Blueprint(__name__)
log = logging.getLogger("oms.workers.orders")


@bp.on_sqs_message(queue=names.queue_name("orders"), batch_size=10)
def on_order_message(event: Any) -> dict[str, Any]:
    return consume(event, _handle)


def _handle(body: str, record: dict[str, Any]) -> None:
    from chalicelib.codec import from_doc
    from chalicelib.messaging.messages import OrderMessage
    from chalicelib.platforms.base import CanonicalOrder
    from chalicelib.services.ingest import apply_snapshot

    message = OrderMessage.model_validate_json(body)
    if message.snapshot is None:
        raise NotImplementedError("reference-only order messages need the pull path (sync pipeline)")
    snapshot = from_doc(CanonicalOrder, message.snapshot)
    outcome = apply_snapshot(bootstrap.orders(), bootstrap.clock(), message.shop_id, snapshot, links={},
                             raw_ref=message.raw_ref)
    log.info("order applied", extra={"shop_id": message.shop_id, "outcome": outcome.value})
