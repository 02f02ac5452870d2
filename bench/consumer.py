"""Peak memory of the orders consumer through a 100k-order backfill: the Lambda handler itself
(on_order_message) in one warm process, called with batches of 10 order messages as the event source
mapping sends them. Storage here keeps nothing and counts (what is measured is the consumer: its
per-batch reads, its caches, what a warm container carries from batch to batch), so the figure is the
consumer's own, beside the same process's RSS before the first batch."""
from __future__ import annotations

import json
import time
from typing import Any

from bench.memory import peak_rss_mb

BATCH = 10
SHOPS = 20


class _Discarding:
    """An order store that forgets: every message is a new order, every write counted."""

    def __init__(self) -> None:
        self.writes = 0

    def get(self, order_id: str, *, consistent: bool = True) -> None:
        return None

    def get_many(self, order_ids: Any) -> dict[str, Any]:
        return {}

    def add(self, order: Any) -> None:
        self.writes += 1

    def save(self, order: Any, expected_revision: int) -> None:
        self.writes += 1


class _Counting:
    def __init__(self) -> None:
        self.sent = 0

    def publish(self, queue: str, messages: Any) -> None:
        self.sent += sum(1 for _ in messages)


def run(orders: int = 100_000) -> dict[str, Any]:
    import os
    os.environ.setdefault("OMS_PREFIX", "qihang-oms-bench-consumer")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")     # nothing here calls AWS
    from chalice.local import LambdaContext

    from app import app
    from chalicelib import bootstrap
    from tests import fakes
    from tests.review_kit import InMemoryReviewStore

    store, notes = _Discarding(), _Counting()
    overrides = {"orders": store, "publisher": notes, "shop_skus": fakes.InMemoryShopSkuRepository(),
                 "stock": fakes.InMemoryStockLedger(), "sync": fakes.InMemorySyncRepository(),
                 "shipments": fakes.InMemoryShipmentRepository(),
                 "clock": fakes.FixedClock(), "review_store": InMemoryReviewStore()}
    context = LambdaContext("on_order_message", 256, 900_000)
    with bootstrap.override(**overrides):
        handler = app.handler_map["on_order_message"]      # as Lambda calls it, middleware included
        handler(_event(0), context)                      # imports and first-use clients: not the growth
        before = peak_rss_mb()
        began = time.perf_counter()
        for start in range(BATCH, orders, BATCH):
            handler(_event(start), context)
        seconds = time.perf_counter() - began
    return {"orders": orders, "written": store.writes, "notes": notes.sent, "seconds": round(seconds, 1),
            "rss_before_mb": round(before, 1),
            "peak_rss_mb": peak_rss_mb()}


def _event(start: int) -> dict[str, Any]:
    return {"Records": [_record(n) for n in range(start, start + BATCH)]}


def _record(n: int) -> dict[str, Any]:
    from chalicelib.codec import to_doc
    from chalicelib.services.queue_messages import OrderMessage
    from tests.factories import canonical_order
    order = canonical_order(f"{7_000_000 + n}", minutes=n % 10_000)
    shop_id = f"S{n % SHOPS:03d}"
    body = OrderMessage(shop_id=shop_id, order_no=order.order_no, version=order.version,
                        snapshot=to_doc(order), raw_ref=f"raw/{n // 100}#{n % 100}").model_dump_json()
    return {"messageId": f"m{n}", "receiptHandle": f"r{n}", "body": body, "attributes": {},
            "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:orders.fifo", "awsRegion": "us-east-1"}


if __name__ == "__main__":
    import sys
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000), indent=2))
