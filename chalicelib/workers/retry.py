"""Retrying a failed SQS message later rather than now, for every outbound-notice consumer (ERP webhooks,
bot alerts): its visibility grows with each receive (60 s, 120 s, ... up to 15 min by default) until the
queue's redrive policy hands it to the DLQ; a poison message comes back at once (to reach the DLQ fast)."""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:    # a type only: the ports module loads the whole domain, and every Lambda imports this one
    from chalicelib.services.ports import QueueAdmin

log = logging.getLogger("oms.workers.retry")

MAX_VISIBILITY = 900
MAX_HOLD = 12 * 3600 - 60          # SQS's visibility limit: a longer hold comes back and is held again


def receives(record: Mapping[str, Any]) -> int:
    return int(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))


def backoff_seconds(receive_count: int, env: str = "ERP_WEBHOOK_BACKOFF_SECONDS") -> int:
    base = int(os.environ.get(env, "60"))
    return min(MAX_VISIBILITY, base * 2 ** max(0, receive_count - 1))


def delay_failed(admin: QueueAdmin, records: list[dict[str, Any]], failed: set[str],
                 seconds_for: Callable[[dict[str, Any]], int]) -> None:
    for record in records:
        if record["messageId"] in failed:
            try:
                admin.delay(record["eventSourceARN"], record["receiptHandle"], min(MAX_HOLD, seconds_for(record)))
            except Exception:
                log.exception("could not delay a failed message: it comes back after the queue's visibility timeout")
