"""The erp-events consumer: each note ("this order / case / shipment was applied") becomes signed webhook
events for the subscribed ERP clients, in order per order (FIFO group per order). A failed delivery
fails the note; its visibility grows with each receive (backoff) until the DLQ takes it. A body that is
not a note fails at once and comes back at once: the DLQ takes it after the queue's receives, in seconds
(with the backoff, and a group blocked behind it, it was still retrying after 15 minutes)."""
from __future__ import annotations

import logging
import os
from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap, names
from chalicelib.messaging.consumer import PoisonMessage, consume
from chalicelib.workers.retry import backoff_seconds, delay_failed, receives

bp = Blueprint(__name__)
log = logging.getLogger("oms.workers.erp_events")


@bp.on_sqs_message(queue=names.queue_name("erp_events"), batch_size=10)
def on_erp_event(event: Any) -> dict[str, Any]:
    from chalicelib.services.erp_events import Note, process_note, subscribed_clients
    deps = bootstrap.event_deps()
    down: set[str] = set()           # clients that failed in this batch: not tried again until the backoff
    clients = subscribed_clients(deps)

    def handle(body: str, record: dict[str, Any]) -> None:
        try:
            note = Note.parse(body)
        except ValueError as exc:
            raise PoisonMessage(str(exc)) from exc
        final = receives(record) >= int(os.environ.get("ERP_EVENTS_MAX_RECEIVES", "5"))
        made = process_note(deps, note, final=final, down=down, clients=clients)
        if made:
            log.info("erp events made", extra={"count": made})

    poisoned: set[str] = set()
    result = consume(event, handle, poisoned)
    _back_off(event.to_dict()["Records"], {f["itemIdentifier"] for f in result["batchItemFailures"]}, poisoned)
    return result


def _back_off(records: list[dict[str, Any]], failed: set[str], poisoned: set[str]) -> None:
    delay_failed(bootstrap.erp_queue_admin(), records, failed,
                 lambda r: 0 if r["messageId"] in poisoned else backoff_seconds(receives(r)))
