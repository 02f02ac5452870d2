"""Shared helpers of the report aggregate tests: the fold's dependencies over fakes, a note body, and the
aggregates recomputed from scratch from the stored orders (what the fold must always equal)."""
from __future__ import annotations

from typing import Any

from chalicelib.domain.report_aggregates import AggKey, contribution, merge
from chalicelib.services.report_fold import FoldDeps
from tests import fakes
from tests.report_fakes import InMemoryReportStore


def fold_deps(store: Any = None, orders: Any = None, cases: Any = None, owner: str = "consumer") -> FoldDeps:
    return FoldDeps(store=store if store is not None else InMemoryReportStore(),
                    orders=orders if orders is not None else fakes.InMemoryOrderRepository(),
                    cases=cases if cases is not None else fakes.InMemoryAfterSaleRepository(),
                    clock=fakes.FixedClock(), owner=owner)


def note(kind: str, record_id: str, revision: int | None = None, *, new: bool = False,
         fold: dict[str, Any] | None = None) -> str:
    """A note as the orders consumer writes it (its own builder): `revision` the order's stored one; `new` and
    `fold` when it created the order (services/report_notes.py)."""
    from chalicelib.services.order_ingest import record_note
    return record_note(kind, "S1", record_id, record_id, 1, revision, new=new, fold=fold)[0]


def recomputed(orders: Any, cases: Any) -> dict[AggKey, dict[str, int]]:
    out: dict[AggKey, dict[str, int]] = {}
    for order in orders.rows.values():
        merge(out, contribution(order, cases.for_order(order.order_id)))
    return {key: figures for key, figures in out.items() if figures}


def stored(store: Any) -> dict[AggKey, dict[str, int]]:
    """Every aggregate item's figures (zeros left out), from the fake or by key from DynamoDB."""
    return {key: {k: v for k, v in figures.items() if v} for key, figures in store.items.items()
            if any(figures.values())}


def stored_dynamo() -> dict[AggKey, dict[str, int]]:
    """Every aggregate item of the DynamoDB report table (a Scan: tests and benches only)."""
    import boto3

    from chalicelib import names
    out: dict[AggKey, dict[str, int]] = {}
    table = boto3.resource("dynamodb").Table(names.table_name("reports"))
    page: dict[str, Any] = table.scan()
    while True:
        for item in page["Items"]:
            if item["pk"] == "writer" or item["pk"].startswith("fold#"):
                continue
            figures = {k: int(v) for k, v in item.items() if k not in ("pk", "sk", "q", "nm", "expires_at") and int(v)}
            if figures:
                out[(item["pk"], item["sk"])] = figures
        if "LastEvaluatedKey" not in page:
            return out
        page = table.scan(ExclusiveStartKey=page["LastEvaluatedKey"])


def fold_reports_queue() -> int:
    """The reports consumer caught up: every note waiting on the reports queue (moto) folded and deleted, as
    workers/reports.py does; how many orders' contributions moved."""
    import boto3

    from chalicelib import bootstrap, names
    from chalicelib.services.report_fold import fold_notes
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=names.queue_name("reports"))["QueueUrl"]
    moved = 0
    while got := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        moved += fold_notes(bootstrap.report_fold_deps(), [m["Body"] for m in got])
        sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                                        for i, m in enumerate(got)])
    return moved
