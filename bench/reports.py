"""The report aggregates (services/report_fold.py): DynamoDB write units per order change through the reports
consumer's use case at several batch sizes, and what the dashboard's reads cost at 1,000 and 100,000 orders.
`python -m bench.reports [--orders 1000] [--write-readme]` (also run by `make bench`).

The report table is DynamoDB (moto, in-process) and every request to it is metered as DynamoDB bills it: a
PutItem or UpdateItem by the item's size (the larger of before and after: after is what the adapter asks
back), 1 KB units; reads per 4 KB, half for eventually consistent ones. The orders and cases it reads are
in memory: their reads are the orders table's business, the writes under test are the report table's.

Each order lives a seller's day: placed (unpaid), paid, reviewed and taken by the ERP, shipped, completed;
5% are refunded after shipping, 10% get a memo. The changes of all orders are interleaved at random (each
order's in its own order) and their notes delivered, each once or twice, in batches of the size measured."""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- bench-reports:start -->", "<!-- bench-reports:end -->"
SHOPS, SKUS = 20, 60
NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)


@contextmanager
def _meter() -> Iterator[dict[str, float]]:
    from botocore.client import BaseClient

    from bench.pipeline import _item_size, _read_units
    meter = {"write": 0.0, "read": 0.0, "requests": 0.0}
    original = BaseClient._make_api_call

    def counted(client: Any, operation: str, params: dict[str, Any]) -> Any:
        response = original(client, operation, params)
        if client.meta.service_model.service_name != "dynamodb":
            return response
        meter["requests"] += 1
        if operation == "PutItem":
            meter["write"] += math.ceil(_item_size(params["Item"]) / 1024)
        elif operation == "UpdateItem":
            meter["write"] += max(1, math.ceil(_item_size(response.get("Attributes") or params["Key"]) / 1024))
        elif operation == "DeleteItem":
            meter["write"] += 1
        elif operation in ("GetItem", "Query", "BatchGetItem"):
            meter["read"] += _read_units(operation, params, response)
        return response

    BaseClient._make_api_call = counted  # type: ignore[method-assign]
    try:
        yield meter
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]


def _lifecycle(n: int, rng: random.Random) -> list[dict[str, Any]]:
    """The changes of order n, each as the fields it sets."""
    from chalicelib.domain.status import ErpHandoff, OrderStatus, RefundState
    placed = NOW - timedelta(hours=rng.uniform(0, 72))
    paid = placed + timedelta(minutes=rng.uniform(1, 30))
    shipped = paid + timedelta(hours=rng.uniform(2, 60))
    steps: list[dict[str, Any]] = [{"status": OrderStatus.AWAITING_SHIPMENT, "paid_at": paid},
                                   {"erp_handoff": ErpHandoff.TAKEN},
                                   {"status": OrderStatus.SHIPPED, "shipped_at": shipped, "tracking_no": f"YT{n}"},
                                   {"status": OrderStatus.COMPLETED}]
    if rng.random() < 0.10:
        steps.insert(1, {"seller_memo": "加急"})
    if rng.random() < 0.05:
        steps.append({"refund_state": RefundState.REFUNDED, "_case": True})
    return [{"created_at": placed, "status": OrderStatus.PENDING_PAYMENT}, *steps]


def _order(n: int, first: dict[str, Any]) -> Any:
    from chalicelib.domain.orders import LineItem, SkuLink
    from chalicelib.domain.platform import Platform
    from tests.factories import make_order
    platforms = (Platform.TAOBAO, Platform.PDD, Platform.DOUYIN, Platform.JD)
    sku = f"SKU-{n % SKUS:03d}"
    line = LineItem("l1", f"p-{sku}", "p1", sku, f"商品 {sku}", "默认", 1 + n % 3, 1990, 1990 * (1 + n % 3), 0,
                    links=(SkuLink(sku),))
    shop = n % SHOPS
    return make_order(n, f"S{shop:02d}", platform=platforms[shop % 4], lines=(line,), paid_fen=line.paid_fen,
                      total_fen=line.paid_fen, **first)


def _case(order: Any) -> Any:
    from chalicelib.domain.after_sales import AfterSale, AfterSaleLine
    from chalicelib.domain.status import AfterSaleStatus, AfterSaleType
    return AfterSale(case_id=f"{order.order_id}-c", shop_id=order.shop_id, platform=order.platform,
                     platform_case_id="c", order_id=order.order_id, order_no=order.order_no,
                     type=AfterSaleType.REFUND_ONLY, status=AfterSaleStatus.REFUNDED, platform_status="x",
                     refund_fen=order.paid_fen, reason="", created_at=NOW, modified_at=NOW,
                     lines=(AfterSaleLine("l1", order.lines[0].platform_sku_id, 1, order.paid_fen),))


def _changes(orders: int, seed: int) -> list[tuple[int, dict[str, Any]]]:
    """Every order's changes, interleaved at random, each order's in order."""
    rng = random.Random(seed)
    pending = {n: _lifecycle(n, rng) for n in range(1, orders + 1)}
    out: list[tuple[int, dict[str, Any]]] = []
    while pending:
        n = rng.choice(list(pending))
        out.append((n, pending[n].pop(0)))
        if not pending[n]:
            del pending[n]
    return out


def _writes_per_change(orders: int, batch: int) -> dict[str, Any]:
    from chalicelib.services.report_fold import fold_notes
    from chalicelib.storage.reports import DynamoReportStore
    from tests.aws import aws
    from tests.report_kit import fold_deps, recomputed, stored_dynamo
    rng = random.Random(7)
    with aws(("reports",)):
        deps = fold_deps(store=DynamoReportStore())
        changes = _changes(orders, seed=1)
        notes: list[str] = []
        sizes: list[int] = []
        moved = 0
        started = time.perf_counter()
        with _meter() as meter:
            for i, (n, fields) in enumerate(changes):
                order_id = f"S{n % SHOPS:02d}-{n}"
                current = deps.orders.get(order_id)
                if current is None:
                    deps.orders.add(_order(n, fields))
                else:
                    case = fields.pop("_case", False)
                    deps.orders.save(replace(current, **fields), current.revision)
                    if case:
                        deps.cases.add(_case(current))
                        notes.append(_note("after_sale", f"{order_id}-c"))
                body = _sent(deps.orders.get(order_id), created=current is None, oms="erp_handoff" in fields)
                sizes.append(len(body))
                notes += [body] * rng.choice((1, 1, 1, 2))      # some delivered twice
                if len(notes) >= batch or i == len(changes) - 1:
                    rng.shuffle(notes)
                    moved += fold_notes(deps, notes)
                    notes = []
        seconds = time.perf_counter() - started
        exact = stored_dynamo() == recomputed(deps.orders, deps.cases)
    return {"batch": batch, "changes": len(changes), "write_units": meter["write"],
            "units_per_change": round(meter["write"] / len(changes), 3), "folds_that_moved": moved,
            "exact": exact, "seconds": round(seconds, 1), "payload_batch": _payload_batch(sizes)}


def _note(kind: str, record_id: str, revision: int | None = None, **extra: Any) -> str:
    from chalicelib.services.order_ingest import record_note
    return record_note(kind, record_id.split("-", maxsplit=1)[0], record_id, record_id, 1, revision, **extra)[0]


def _sent(order: Any, *, created: bool, oms: bool) -> str:
    """The note production sends for this change: the orders consumer's (a created order's with its
    contribution), or, for what the OMS itself changed (the ERP's take), the ERP note with the order's view."""
    from chalicelib.services.erp_events import order_note
    from chalicelib.services.report_notes import new_order_fold
    if oms:
        return order_note(order)[0]
    if created:
        return _note("order", order.order_id, order.revision, new=True, fold=new_order_fold(order))
    return _note("order", order.order_id, order.revision)


ENVELOPE = 1000        # bytes of a Lambda SQS record besides its body (ids, receipt handle, attributes, ARN)
PAYLOAD = 6 * 1024 * 1024          # Lambda's invocation payload limit: a batch stops there, whatever its size


def _payload_batch(sizes: list[int]) -> int:
    """How many of these notes one invocation holds: the batch a burst fills (workers/reports.BATCH is 10,000)."""
    return min(10_000, PAYLOAD // (sum(sizes) // max(1, len(sizes)) + ENVELOPE))


def _dashboard_reads(orders: int) -> dict[str, Any]:
    """The aggregates of `orders` orders (each folded by the domain's own contribution, written merged, as the
    consumer leaves them), then the dashboard's and the reports page's requests, metered."""
    from chalicelib.domain.report_aggregates import contribution, merge, sku_names
    from chalicelib.services.reports import daily, summary, top_skus
    from chalicelib.storage.reports import DynamoReportStore
    from tests.aws import aws
    rng = random.Random(3)
    sums: dict[Any, dict[str, int]] = {}
    names: dict[Any, str] = {}
    for n in range(1, orders + 1):
        steps = _lifecycle(n, rng)
        order = _order(n, steps[0])
        for fields in steps[1:rng.randint(1, len(steps) - 1) + 1]:
            order = replace(order, **{k: v for k, v in fields.items() if not k.startswith("_")})
        merge(sums, contribution(order))
        names.update({key: sku_names(order).get(key[1], "") for key in sums if key[0].endswith("#k")})
    with aws(("reports",)):
        store = DynamoReportStore()
        for key, figures in sums.items():
            if any(figures.values()):
                store.put(1, key, figures, names.get(key, ""))
        out: dict[str, Any] = {"orders": orders, "aggregates": len(sums)}
        for name, read in (("summary", lambda: summary(store, NOW, [f"S{s:02d}" for s in range(SHOPS)])),
                           ("daily by shop, 30 days", lambda: daily(store, "2026-11-08", "2026-12-07", "shop", str)),
                           ("top SKUs, 30 days", lambda: top_skus(store, "2026-11-08", "2026-12-07", 10))):
            with _meter() as meter:
                answer = read()
            out[name] = {"requests": int(meter["requests"]), "read_units": meter["read"]}
            if name == "summary":
                out["to_ship"] = answer["to_ship"]
    return out


def _environment() -> None:
    """moto in-process: fake credentials, never a real endpoint (set before any boto3 client is made)."""
    os.environ.setdefault("OMS_PREFIX", "qihang-oms-bench-reports")
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        os.environ[key] = "testing"
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.pop("AWS_PROFILE", None)


def run(orders: int = 1000) -> dict[str, Any]:
    _environment()
    writes = [_writes_per_change(orders, batch) for batch in (100, 1000)]
    writes.append(_writes_per_change(orders, writes[-1]["payload_batch"]))
    return {"writes": writes,
            "reads": [_dashboard_reads(n) for n in (1000, 100_000)], "measured": f"{datetime.now(UTC):%Y-%m-%d}",
            "orders": orders}


def render(results: dict[str, Any]) -> str:
    writes, reads = results["writes"], results["reads"]
    lines = [f"Measured {results['measured']} (`python -m bench.reports`, moto in-process as DynamoDB, metered as "
             f"DynamoDB bills). {writes[0]['changes']:,} changes of {results['orders']:,} orders over three days, 20 "
             f"shops, 60 SKUs (placed, paid, taken by the ERP, shipped, completed; 10% a memo, 5% a refund), "
             "interleaved, a quarter of the notes delivered twice. A change that moves no figure writes nothing; "
             "the larger the batch, the more changes share each aggregate's write. The consumer asks SQS for up "
             "to 10,000 notes within 20 s; Lambda ends a batch at its 6 MB payload, "
             f"{writes[-1]['batch']:,} of these notes (the notes production sends, ~1 KB of SQS envelope each): "
             "a burst fills that, a quiet hour sends batches of a few notes (the local runtime's runner hands "
             "over 10 at a time):", "",
             "| batch of notes (Lambda batch size) | report write units | per order change | orders re-folded "
             "| equal to a recount | target |", "|---|---|---|---|---|---|"]
    lines += [f"| {w['batch']:,} | {w['write_units']:,.0f} | {w['units_per_change']} | {w['folds_that_moved']:,} | "
              f"{'yes' if w['exact'] else 'NO'} | <= 1 |" for w in writes]
    lines += ["", "Reads of the dashboard and the reports page (requests and read units), the aggregates of that "
              "many orders over three days (each order's contribution from the same fold, written merged rather "
              "than through the consumer: reads depend on the items, not on how they were written):", "",
              "| orders | aggregate items | summary | daily by shop, 30 days | top SKUs, 30 days | target |",
              "|---|---|---|---|---|---|"]
    for r in reads:
        cells = [f"{r[k]['requests']} requests, {r[k]['read_units']} RU" for k in
                 ("summary", "daily by shop, 30 days", "top SKUs, 30 days")]
        lines.append(f"| {r['orders']:,} | {r['aggregates']:,} | {' | '.join(cells)} | summary <= 20 reads |")
    return "\n".join(lines)


def write_readme(text: str) -> None:
    readme = README.read_text()
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    README.write_text(pattern.sub(lambda _: f"{START}\n{text}\n{END}", readme))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    results = run(args.orders)
    print(json.dumps(results, indent=1))
    text = render(results)
    print(text)
    if args.write_readme:
        write_readme(text)


if __name__ == "__main__":
    main()
