"""What every record consumer does around its records: after the batch, one batched note per applied
record to the ERP-events queue, and one counter update per shop for the sync-health page."""
from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable
from datetime import UTC
from typing import TYPE_CHECKING, Any

from chalicelib import bootstrap
from chalicelib.messaging.consumer import consume

if TYPE_CHECKING:
    from chalicelib.services.order_ingest import Ingested

log = logging.getLogger("oms.workers.batch")


def run_batch(event: Any, handle: Callable[[str], Ingested], stream: str) -> dict[str, Any]:
    """Every record's note goes out in one publish after the batch (services/order_ingest.record_note)."""
    applied: list[Ingested] = []
    result = consume(event, lambda body, record: applied.append(handle(body)))
    failures = result["batchItemFailures"]
    try:
        bootstrap.publisher().publish("erp_events", [a.note for a in applied if a.note])
    except Exception:
        log.exception("ERP notes not sent: the whole batch will be redelivered")
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event.to_dict()["Records"]]}
    _count(event, applied, {f["itemIdentifier"] for f in failures}, stream)
    return result


def _count(event: Any, applied: list[Ingested], failed_ids: set[str], stream: str) -> None:
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
