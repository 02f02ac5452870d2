"""The alerts queue's consumer: de-duplicate, route, deliver; a refused alert comes back with growing delays,
a held one when the quiet period ends (workers/alert_checks.py raises the scheduled ones)."""
from __future__ import annotations

import logging
import os
from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap, names
from chalicelib.messaging.consumer import PoisonMessage, consume
from chalicelib.workers.retry import backoff_seconds, delay_failed, receives

bp = Blueprint(__name__)
log = logging.getLogger("oms.workers.alerts")


@bp.on_sqs_message(queue=names.queue_name("alerts"), batch_size=10)
def on_alert(event: Any) -> dict[str, Any]:
    from chalicelib.services.alerts import AlertHeld, parse_alert, process
    deps = bootstrap.alert_deps()
    held: dict[str, int] = {}
    poisoned: set[str] = set()

    def handle(body: str, record: dict[str, Any]) -> None:
        try:
            alert = parse_alert(body)
        except ValueError as exc:
            raise PoisonMessage(str(exc)) from exc
        try:
            process(deps, alert, final=receives(record) >= int(os.environ.get("ALERTS_MAX_RECEIVES", "5")))
        except AlertHeld as exc:          # no failure (nothing to log): it comes back when the period ends
            log.info("alert held for the quiet period", extra={"seconds": exc.seconds})
            held[record["messageId"]] = exc.seconds

    result = consume(event, handle, poisoned)
    result["batchItemFailures"] += [{"itemIdentifier": message_id} for message_id in held]

    def seconds_for(record: dict[str, Any]) -> int:
        message_id = record["messageId"]
        if message_id in poisoned:
            return 0
        return held.get(message_id) or backoff_seconds(receives(record), "ALERTS_BACKOFF_SECONDS")

    delay_failed(bootstrap.erp_queue_admin(), event.to_dict()["Records"],
                 {f["itemIdentifier"] for f in result["batchItemFailures"]}, seconds_for)
    return result
