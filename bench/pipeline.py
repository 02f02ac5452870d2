"""The sync pipeline through the real local runtime (the app's own handlers) against moto in its own
process, as AWS's services are: orders per second from pull to DynamoDB beside one conditional PutItem
per order on the same moto (the ceiling of any pipeline that writes each order under a condition), the
CPU time per order of the consumer, the pull worker, the whole runtime process and moto beside it,
DynamoDB write/read units per new order, S3 and SQS calls per order, and peak memory.

Units are counted from the requests themselves (moto does not meter capacity): a write costs one unit
per started KB of the item, once for the table and once for each index that holds the item (DynamoDB's
rule); an eventually consistent read costs half a unit per started 4 KB, a strongly consistent one a
whole unit."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench.memory import peak_rss_mb

COUNTS: Counter[str] = Counter()
UNITS: defaultdict[str, float] = defaultdict(float)
SIZES: list[int] = []
RECORDS: list[int] = []   # the order record itself: its JSON before compression
_lock = threading.Lock()
_watching = threading.local()     # the bench's own progress reads: not the pipeline's


def _item_size(item: dict[str, Any]) -> int:
    def value_size(v: dict[str, Any]) -> int:
        (kind, raw), = v.items()
        if kind == "B":
            return len(raw)          # bytes on the wire are the binary value itself, not its repr
        if kind in ("S", "N"):
            return len(str(raw).encode())
        if kind == "M":
            return 3 + sum(len(k) + value_size(x) for k, x in raw.items())
        if kind == "L":
            return 3 + sum(value_size(x) for x in raw)
        return 1
    return sum(len(k.encode()) + value_size(v) for k, v in item.items())


def _instrument(index_keys: dict[str, tuple[list[tuple[str, str | None]], tuple[str, ...] | None]]) -> None:
    """Counts DynamoDB, SQS and S3 calls made by the app (pynamodb and boto3 both go through botocore)."""
    from botocore.client import BaseClient

    from chalicelib.storage import compression
    original = BaseClient._make_api_call

    def counted(self: Any, operation: str, params: dict[str, Any]) -> Any:
        service = self.meta.service_model.service_name
        if getattr(_watching, "on", False):
            return original(self, operation, params)
        with _lock:
            COUNTS[f"{service}.{operation}"] += 1
            if service == "dynamodb":
                tables = [params["TableName"]] if "TableName" in params else list(params.get("RequestItems", {}))
                for table in tables:
                    COUNTS[f"table.{operation}.{table.rsplit('-', 1)[-1]}"] += 1
            if service == "dynamodb" and operation in ("PutItem", "UpdateItem") and "Item" in params:
                size = _item_size(params["Item"])
                if params["TableName"].endswith("-orders"):
                    SIZES.append(size)
                    RECORDS.append(len(compression.decompress(params["Item"]["doc"]["B"])))
                UNITS["write"] += _write_units(params["Item"], size, *index_keys.get(params["TableName"], ([], None)))
            if service == "dynamodb" and operation == "TransactWriteItems":
                UNITS["write"] += _transaction_units(params, index_keys)
        response = original(self, operation, params)
        if service == "dynamodb" and operation in ("GetItem", "Query", "BatchGetItem"):
            with _lock:
                UNITS["read"] += _read_units(operation, params, response)
        return response

    BaseClient._make_api_call = counted  # type: ignore[method-assign]


def _transaction_units(params: dict[str, Any],
                       index_keys: dict[str, tuple[list[tuple[str, str | None]], tuple[str, ...] | None]]) -> int:
    """A transaction bills each item twice (prepare, commit); index copies once. An order's counter items
    are ADDs of under 1 KB each (bench/listing.py measures the largest): 2 units each."""
    units = 0
    for action in params["TransactItems"]:
        if "Put" in action:
            item = action["Put"]["Item"]
            size = _item_size(item)
            if action["Put"]["TableName"].endswith("-orders"):
                from chalicelib.storage import compression
                SIZES.append(size)
                RECORDS.append(len(compression.decompress(item["doc"]["B"])))
            units += _write_units(item, size, *index_keys.get(action["Put"]["TableName"], ([], None)))
            units += math.ceil(size / 1024)
        else:
            units += 2
    return units


def _write_units(item: dict[str, Any], size: int, indexes: list[tuple[str, str | None]],
                 projected: tuple[str, ...] | None) -> int:
    """The table's copy, plus one per index holding the item: the whole item, or its projection."""
    units = math.ceil(size / 1024)
    for h, r in indexes:
        if h not in item or (r is not None and r not in item):
            continue
        if projected is None:
            units += math.ceil(size / 1024)
        else:
            kept = {k: v for k, v in item.items() if k in projected or k in (h, r)}
            units += math.ceil(_item_size(kept) / 1024)
    return units


def _read_units(operation: str, params: dict[str, Any], response: dict[str, Any]) -> float:
    """A Query pays for the total size it read, rounded up once; GetItem and BatchGetItem per item (a key
    that finds nothing still costs the minimum)."""
    if operation == "Query":
        pages = max(1, math.ceil(sum(_item_size(i) for i in response.get("Items", [])) / 4096))
        return pages * (1.0 if params.get("ConsistentRead") else 0.5)
    if operation == "GetItem":
        return max(1, math.ceil(_item_size(response.get("Item") or {}) / 4096)) * \
            (1.0 if params.get("ConsistentRead") else 0.5)
    units: float = 0.0
    for table, request in params.get("RequestItems", {}).items():
        found = response.get("Responses", {}).get(table, [])
        strong = 1.0 if request.get("ConsistentRead") else 0.5
        units += sum(max(1, math.ceil(_item_size(i) / 4096)) for i in found) * strong
        units += max(0, len(request.get("Keys", [])) - len(found)) * strong
    return units


def run(orders: int = 2000) -> dict[str, Any]:
    os.environ.setdefault("OMS_PREFIX", "qihang-oms-bench")
    from chalicelib import names
    from chalicelib.storage.projections import INDEX_PROJECTIONS
    from infra.tables import TABLE_SPECS
    index_keys = {names.table_name(k): (list(spec[2].values()), _projected(k, spec, INDEX_PROJECTIONS))
                  for k, spec in TABLE_SPECS.items()}
    _instrument(index_keys)
    from local.runtime import LocalRuntime, RuntimeConfig
    state_dir = Path(tempfile.mkdtemp(prefix="oms-bench-"))
    (state_dir / "jwt.secret").write_text("bench-jwt-secret-not-real-0123456789abcdef")
    with moto_process() as (endpoint, moto_pid):
        config = RuntimeConfig(state_dir=state_dir, port=0, moto_port=0, reset=True, snapshot_interval=0,
                               run_schedules=False, run_hooks=False, ui_dir=None, journal=False,
                               external_moto=endpoint)
        runtime = LocalRuntime(config, _app)
        runtime.start()
        try:
            raw = _raw_batch_write_rate(orders)
            single = _conditional_put_rate(orders)
            pipeline = _pipeline(orders, lambda: _cpu(runtime, moto_pid))
        finally:
            runtime.stop()
    return {"raw_batch_write_items_per_s": raw, "conditional_puts_per_s": single, "moto": "own process",
            **pipeline}


MOTO_PROCESS = """
import sys, time
from local.runtime.moto_server import Gate, start_moto
server = start_moto("127.0.0.1", 0, Gate())
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
"""


@contextmanager
def moto_process() -> Iterator[tuple[str, int]]:
    """moto (with the local runtime's speed-ups and bounds) in a process of its own; gone with stdin."""
    proc = subprocess.Popen([sys.executable, "-c", MOTO_PROCESS], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            cwd=Path(__file__).resolve().parents[1])
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        yield f"http://127.0.0.1:{port}", proc.pid
    finally:
        if proc.stdin:
            proc.stdin.close()
        proc.wait(30)


def _cpu(runtime: Any, moto_pid: int) -> dict[str, float]:
    """CPU seconds so far: the orders consumer's and the pull worker's handlers (their threads' own time),
    this whole process, and the moto process."""
    workers = runtime.runner.workers if runtime.runner else []
    fields = Path(f"/proc/{moto_pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = os.times()
    return {"consumer": sum(w.cpu_seconds for w in workers if w.source.name == "on_order_message"),
            "pull": sum(w.cpu_seconds for w in workers if w.source.name == "on_pull_job"),
            "runtime": own.user + own.system,
            "moto": (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")}


def _projected(key: str, spec: Any, projections: dict[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    included = projections.get(key)
    return None if included is None else (*included, spec[0], *([spec[1]] if spec[1] else []))


def _app() -> Any:
    from app import app
    return app


def _raw_batch_write_rate(n: int) -> float:
    """BatchWriteItem of order-sized items into a scratch table with the orders table's indexes."""
    import boto3

    from chalicelib import names
    from infra.tables import create_table_args, table_properties
    client = boto3.client("dynamodb")
    args = create_table_args(table_properties("orders", names.table_name("orders") + "-raw"))
    client.create_table(**args)
    start = time.perf_counter()
    for offset in range(0, n, 25):
        requests = [{"PutRequest": {"Item": _order_sized(f"o{offset + i}")}} for i in range(25)]
        client.batch_write_item(RequestItems={args["TableName"]: requests})
    return round(n / (time.perf_counter() - start), 1)


def _conditional_put_rate(n: int) -> float:
    """One conditional PutItem per order-sized item, one after another, nothing else: what a pipeline that
    writes each order under a condition (BatchWriteItem takes no conditions) could reach at best here."""
    import boto3

    from chalicelib import names
    client = boto3.client("dynamodb")
    table = names.table_name("orders") + "-raw"
    start = time.perf_counter()
    for i in range(n):
        client.put_item(TableName=table, ConditionExpression="attribute_not_exists(order_id)",
                        Item=_order_sized(f"c{i}"))
    return round(n / (time.perf_counter() - start), 1)


_DOC = bytes(range(256)) * 3 + bytes(62)     # 830 bytes, the size of a stored (compressed) order document


def _order_sized(order_id: str) -> dict[str, Any]:
    """An item of a stored order's shape and size, in both of the orders table's indexes."""
    return {"order_id": {"S": order_id}, "shop_id": {"S": "shop"}, "order_no": {"S": order_id},
            "status": {"S": "awaiting_shipment"}, "created_at": {"S": "2026-11-25T00:00:00.000000Z"},
            "updated_at": {"S": "2026-11-25T00:00:00.000000Z"}, "list_key": {"S": "HELD"},
            "list_at": {"S": f"2026-11-25T00:00:00.000000Z#{order_id}"}, "revision": {"N": "1"}, "doc": {"B": _DOC}}


def _pipeline(n: int, cpu: Callable[[], dict[str, float]]) -> dict[str, Any]:
    from chalicelib import bootstrap
    from chalicelib.domain.platform import Platform
    from chalicelib.domain.shops import ShopSecrets
    from chalicelib.services.queue_messages import PullJobMessage
    from chalicelib.services.shops import register_shop
    from local.sandbox.core import SHANGHAI, SandboxServer
    from local.sandbox.taobao import create_sandbox

    sandbox = create_sandbox(seed=3)
    server = SandboxServer(sandbox).start()
    demo = sandbox.add_shop()
    now = datetime.now(SHANGHAI)
    sandbox.generate_orders(demo.seller_id, n, now - timedelta(hours=20), now - timedelta(hours=1))
    shop = register_shop(bootstrap.shops(), name="bench", platform=Platform.TAOBAO, seller_id=demo.seller_id,
                         app_key=demo.app_key, base_url=server.url,
                         secrets=ShopSecrets(demo.app_secret, demo.access_token, demo.refresh_token))
    COUNTS.clear()
    UNITS.clear()
    SIZES.clear()
    RECORDS.clear()
    rss_before = peak_rss_mb()
    cpu_before = cpu()
    start = time.perf_counter()
    job = PullJobMessage(shop_id=shop.shop_id, stream="orders", job_id="bench-1")
    bootstrap.publisher().publish("pull_jobs", [(job.model_dump_json(), shop.shop_id, job.job_id)])
    stored = 0
    _watching.on = True
    while stored < n and time.perf_counter() - start < 600:
        time.sleep(0.5)
        stored = sum(bootstrap.sync().counts(shop.shop_id, _orders_stream(), datetime.now(SHANGHAI)).values())
    elapsed = time.perf_counter() - start
    _watching.on = False
    new = max(1, stored)
    cpu_ms = {k: round((v - cpu_before[k]) * 1000 / new, 2) for k, v in cpu().items()}
    first = {
        "orders": n, "stored": stored, "seconds": round(elapsed, 1), "orders_per_s": round(stored / elapsed, 1),
        "write_units_per_order": round(UNITS["write"] / new, 2), "read_units_per_order": round(UNITS["read"] / new, 2),
        "order_item_kb": round(sum(SIZES) / max(1, len(SIZES)) / 1024, 2),
        "order_record_kb": round(sum(RECORDS) / max(1, len(RECORDS)) / 1024, 2),
        "s3_puts_per_order": round(COUNTS["s3.PutObject"] / new, 3),
        "sqs_sends_per_order": round((COUNTS["sqs.SendMessageBatch"] + COUNTS["sqs.SendMessage"]) / new, 3),
        "dynamodb_calls": {k: v for k, v in COUNTS.items() if k.startswith("dynamodb")},
        "dynamodb_calls_per_table": {k[6:]: v for k, v in sorted(COUNTS.items()) if k.startswith("table.")},
        "peak_rss_mb": max(rss_before, peak_rss_mb()),
        "cpu_ms_per_order": cpu_ms,
    }
    try:
        return {**first, **_status_changes(sandbox, demo.seller_id, shop, n, now - timedelta(hours=21))}
    finally:
        server.stop()


def _status_changes(sandbox: Any, seller_id: str, shop: Any, n: int, since: datetime) -> dict[str, Any]:
    """The seller ships every unshipped order through the platform, then a re-sync sends all n orders
    again: a shipped one should cost one conditional write, an unchanged one none."""
    from chalicelib import bootstrap
    from chalicelib.services.platform_types import ShipRequest
    from chalicelib.services.queue_messages import PullJobMessage
    from local.sandbox.core import SHANGHAI
    client = bootstrap.clients()(shop)
    unshipped = [no for no, truth in sandbox.truth_orders(seller_id).items()
                 if truth.platform_status == "WAIT_SELLER_SEND_GOODS"]
    for no in unshipped:
        client.ship(ShipRequest(no, "ZTO", f"ZT{no}"))
    COUNTS.clear()
    job = PullJobMessage(shop_id=shop.shop_id, stream="orders", job_id="bench-2", trigger="backfill",
                         range_start=since, range_end=datetime.now(SHANGHAI) + timedelta(seconds=1))
    bootstrap.publisher().publish("pull_jobs", [(job.model_dump_json(), shop.shop_id, job.job_id)])
    start, seen = time.perf_counter(), 0
    _watching.on = True
    while seen < 2 * n and time.perf_counter() - start < 600:
        time.sleep(0.5)
        seen = sum(bootstrap.sync().counts(shop.shop_id, _orders_stream(), datetime.now(SHANGHAI)).values())
    _watching.on = False
    writes = COUNTS["table.PutItem.orders"] + COUNTS["dynamodb.TransactWriteItems"]   # with counters: one each
    return {"resync_orders": n, "shipped_meanwhile": len(unshipped), "resync_order_writes": writes,
            "writes_per_status_change": round(writes / max(1, len(unshipped)), 2)}


def _orders_stream() -> Any:
    from chalicelib.domain.sync import Stream
    return Stream.ORDERS


if __name__ == "__main__":
    import sys
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 2000), indent=2))
