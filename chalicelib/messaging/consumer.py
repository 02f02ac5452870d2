"""Partial batch responses for SQS consumers (the infrastructure turns ReportBatchItemFailures on).

FIFO queues: after a record fails, the later records *of the same group* are failed too without being
run, so that updates of one order never apply out of order; other groups go on. A poison message (one
that can never succeed) fails alone: there is nothing to keep the group's later records in order with."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("oms.consumer")


class PoisonMessage(Exception):
    """Raised by a handler for a message that can never succeed, however often it is retried (it is not
    the message it claims to be). Its consumer should send it back at once, not after a backoff: the
    queue's redrive policy then moves it to the DLQ after maxReceiveCount receives."""


def consume(event: Any, handle: Callable[[str, dict[str, Any]], None],
            poisoned: set[str] | None = None) -> dict[str, list[dict[str, str]]]:
    """`handle(body, record)` raises to fail one record. Returns the Lambda partial batch response;
    `poisoned` collects the ids of the records that raised PoisonMessage."""
    failures: list[dict[str, str]] = []
    failed_groups: set[str] = set()
    for record in event.to_dict()["Records"]:
        message_id = record["messageId"]
        group = record.get("attributes", {}).get("MessageGroupId")
        if group and group in failed_groups:
            failures.append({"itemIdentifier": message_id})
            continue
        try:
            handle(record["body"], record)
        except PoisonMessage as exc:
            log.error("poison message: it goes to the DLQ after the queue's retries",
                      extra={"message_id": message_id, "reason": str(exc)})
            failures.append({"itemIdentifier": message_id})
            if poisoned is not None:
                poisoned.add(message_id)
        except Exception:
            log.exception("record failed", extra={"message_id": message_id})
            failures.append({"itemIdentifier": message_id})
            if group:
                failed_groups.add(group)
    return {"batchItemFailures": failures}
