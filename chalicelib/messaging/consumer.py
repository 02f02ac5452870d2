"""Partial batch responses for SQS consumers (the infrastructure turns ReportBatchItemFailures on).

FIFO queues: after a record fails, the later records *of the same group* are failed too without being
run, so that updates of one order never apply out of order; other groups go on."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("oms.consumer")


def consume(event: Any, handle: Callable[[str, dict[str, Any]], None]) -> dict[str, list[dict[str, str]]]:
    """`handle(body, record)` raises to fail one record. Returns the Lambda partial batch response."""
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
        except Exception:
            log.exception("record failed", extra={"message_id": message_id})
            failures.append({"itemIdentifier": message_id})
            if group:
                failed_groups.add(group)
    return {"batchItemFailures": failures}
