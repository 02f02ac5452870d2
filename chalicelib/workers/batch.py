"""What every record consumer does around its records: after the batch, one batched note per applied
record to the ERP-events queue, and one counter update per shop for the sync-health page."""
from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from chalicelib import bootstrap
from chalicelib.messaging.consumer import consume

log = logging.getLogger("oms.workers.batch")


@dataclass(frozen=True)
class Applied:
    shop_id: str
    outcome: str                 # new | updated | unchanged
    note: tuple[str, str, str]   # the ERP-events message: body, group, dedup id


def run_batch(event: Any, handle: Callable[[str], Applied], stream: str) -> dict[str, Any]:
    """Notes go out for unchanged records too: if a crash lost one after the write, the redelivery sends
    it (the ERP-events consumer compares states, so a repeated note changes nothing)."""
    applied: list[Applied] = []
    result = consume(event, lambda body, record: applied.append(handle(body)))
    failures = result["batchItemFailures"]
    try:
        bootstrap.publisher().publish("erp_events", [a.note for a in applied])
    except Exception:
        log.exception("ERP notes not sent: the whole batch will be redelivered")
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event.to_dict()["Records"]]}
    _count(event, applied, {f["itemIdentifier"] for f in failures}, stream)
    return result


def note(kind: str, shop_id: str, record_id: str, order_no: str, version: int) -> tuple[str, str, str]:
    from chalicelib.services.queue_messages import order_group
    body = json.dumps({"kind": kind, "id": record_id, "shop_id": shop_id, "version": version})
    return body, order_group(shop_id, order_no), f"{kind}:{record_id}:{version}"


def _count(event: Any, applied: list[Applied], failed_ids: set[str], stream: str) -> None:
    from chalicelib.domain.sync import Stream
    tally: dict[str, Counter[str]] = {}
    for a in applied:
        tally.setdefault(a.shop_id, Counter())[a.outcome] += 1
    for record in event.to_dict()["Records"]:
        if record["messageId"] in failed_ids:
            tally.setdefault(_shop_of(record["body"]), Counter())["failed"] += 1
    day = f"{bootstrap.clock().now().astimezone(UTC):%Y-%m-%d}"   # the day the sync page reads, in UTC
    for shop_id, counts in tally.items():
        try:
            bootstrap.sync().add_counts(shop_id, Stream(stream), day, dict(counts))
        except Exception:   # counters are for people; never fail orders over them
            log.exception("sync counters not updated", extra={"shop_id": shop_id})


def _shop_of(body: str) -> str:
    try:
        return str(json.loads(body).get("shop_id") or "unknown")
    except (ValueError, AttributeError):
        return "unknown"
