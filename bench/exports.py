"""A background export of N orders, measured as the worker lives it (issue 26: under 256 MB at 100k).

Three processes, so that the figure is the worker's own: moto's server (DynamoDB and S3 over HTTP, as AWS
is to a Lambda), a filler that writes N orders with their counters, and the worker, which runs one
export job (services/export_jobs.py run_export: pages of 200 orders, rows streamed to a file on disk,
multipart upload) and reports its peak RSS (ru_maxrss), its RSS after imports (what any Lambda of this
app holds before the first row) and tracemalloc's peak of the run's Python allocations.

    python -m bench.exports 100000                      # prints JSON; `--format csv` for CSV
    python -m bench.exports 2000 --source dynamodb      # the orders read from the table (moto: slow)"""
from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHOPS = 20
TABLES = ("orders", "shops", "reports", "sync", "audit", "after_sales", "shipments", "stock", "erp_skus")


def run(orders: int = 100_000, fmt: str = "xlsx", source: str = "synthetic", traced: bool = False
        ) -> dict[str, Any]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
           "OMS_PREFIX": "qihang-oms-bench-export", "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
           "JWT_SECRET": "bench-jwt-secret-not-real-0123456789abcdef"}
    server = subprocess.Popen([sys.executable, "-c", _SERVER.format(port=port)], env=env, cwd=ROOT)
    try:
        _wait(port)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bench.exports", "--role", "fill",
                        str(orders if source == "dynamodb" else 0)], env=env, cwd=ROOT, check=True)
        filled = time.perf_counter() - started
        out = subprocess.run([sys.executable, "-m", "bench.exports", "--role", "worker", "--format", fmt,
                              "--source", source, *(["--traced"] if traced else []), str(orders)],
                             env=env, cwd=ROOT, check=True, capture_output=True, text=True)
        worker = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait(10)
    return {"orders": orders, "format": fmt, "fill_seconds": round(filled, 1), **worker}


_SERVER = ("from moto.moto_server.threaded_moto_server import ThreadedMotoServer\n"
           "import time\nserver = ThreadedMotoServer(ip_address='127.0.0.1', port={port}, verbose=False)\n"
           "server.start()\nwhile True: time.sleep(60)\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("moto's server did not start")


def fill(n: int) -> None:
    """N orders over 20 shops (three in ten awaiting shipment), written in batches with their counters."""
    import boto3

    from chalicelib import names
    from chalicelib.config import settings
    from chalicelib.domain.order_counters import contribution
    from chalicelib.domain.platform import Platform
    from chalicelib.domain.shops import Shop
    from chalicelib.domain.status import OrderStatus
    from chalicelib.services.ingest import _new_order
    from chalicelib.storage.models import OrderItem
    from chalicelib.storage.orders import to_item
    from chalicelib.storage.shops import DynamoShopRepository
    from infra.tables import create_table_args, table_properties
    from tests.factories import canonical_order
    from tests.fakes import FixedClock

    client = boto3.client("dynamodb")
    for key in TABLES:
        client.create_table(**create_table_args(table_properties(key, names.table_name(key))))
    boto3.client("s3").create_bucket(Bucket=settings().raw_bucket)
    platforms = list(Platform)[:7]
    shops = DynamoShopRepository()
    for s in range(SHOPS):
        shops.add(Shop(f"S{s:03d}", f"店铺{s}", platforms[s % 7], f"seller-{s}", app_key="k"))
    statuses = [OrderStatus.AWAITING_SHIPMENT] * 3 + [OrderStatus.SHIPPED] * 5 + [OrderStatus.COMPLETED] * 2
    counters: dict[str, dict[str, int]] = {}
    now = datetime.now(UTC)
    with OrderItem.batch_write() as batch:
        for i in range(n):
            incoming = canonical_order(f"{9_000_000 + i}", minutes=i % 10_000, status=statuses[i % 10],
                                       platform=platforms[(i % SHOPS) % 7])
            incoming = replace(incoming, created_at=now - timedelta(minutes=(n - i) * 3))
            order = _new_order(f"S{i % SHOPS:03d}", incoming, {}, FixedClock(), "")
            batch.save(to_item(order, 1))
            for (scope, name), k in contribution(order).items():
                counters.setdefault(scope, {}).setdefault(name, 0)
                counters[scope][name] += k
    from chalicelib.storage.order_counters import add_totals
    add_totals(counters)


class SyntheticOrders:
    """The orders list, generated page by page as the table would return it (moto's index queries scan
    the whole table per request: 100k orders through them take hours on this box, and the table's pages
    are not what this bench measures): the worker's memory is the writer's and the pipeline's."""

    def __init__(self, n: int) -> None:
        self.n = n

    def query(self, q: Any) -> Any:
        from chalicelib.domain.platform import Platform
        from chalicelib.domain.status import OrderStatus
        from chalicelib.services.ingest import _new_order
        from chalicelib.services.ports import Page
        from tests.factories import canonical_order
        from tests.fakes import FixedClock
        start = int(q.cursor or 0)
        platforms, items = list(Platform)[:7], []
        for i in range(start, min(self.n, start + q.limit)):
            incoming = canonical_order(f"{9_000_000 + i}", minutes=i % 10_000, status=OrderStatus.SHIPPED,
                                       platform=platforms[i % 7], buyer_memo=f"请尽快发货，谢谢 {i}")
            items.append(_new_order(f"S{i % SHOPS:03d}", incoming, {}, FixedClock(), ""))
        end = start + len(items)
        return Page(items, str(end) if end < self.n else None)


def work(n: int, fmt: str, source: str, traced: bool) -> dict[str, Any]:
    import tracemalloc

    from chalicelib import bootstrap
    from chalicelib.domain.exports import ExportFormat, ExportKind
    from chalicelib.services.export_jobs import Request, run_export, start_export
    from tests.fakes import RecordingPublisher
    deps = bootstrap.export_deps()
    if source == "synthetic":
        deps = replace(deps, sources=replace(deps.sources, orders=SyntheticOrders(n)))
    bootstrap.shops().all()                               # connections made, modules imported: the baseline
    after_imports = _rss_mb()
    job = start_export(deps.store, RecordingPublisher(), deps.clock,
                       Request(ExportKind.ORDERS, ExportFormat(fmt), "zh", {}, {}), "bench")
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    run_export(deps, job.export_id)
    seconds = time.perf_counter() - started
    _, traced_peak = tracemalloc.get_traced_memory() if traced else (0, 0)
    tracemalloc.stop()
    done = deps.store.get(job.export_id)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"state": done.state.value, "rows": done.rows, "file_mb": round(done.size / 2**20, 1),
            "error": done.error, "seconds": round(seconds, 1), "rows_per_second": round(done.rows / seconds),
            "rss_after_imports_mb": round(after_imports, 1), "peak_rss_mb": round(peak, 1),
            "traced_peak_mb": round(traced_peak / 2**20, 1) if traced else None, "source": source}


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("orders", type=int, nargs="?", default=100_000)
    parser.add_argument("--format", default="xlsx", choices=("xlsx", "csv"))
    parser.add_argument("--role", default="", choices=("", "fill", "worker"))
    parser.add_argument("--source", default="synthetic", choices=("synthetic", "dynamodb"))
    parser.add_argument("--traced", action="store_true", help="tracemalloc's peak too (slower, more memory)")
    args = parser.parse_args()
    if args.role == "fill":
        fill(args.orders)
    elif args.role == "worker":
        print(json.dumps(work(args.orders, args.format, args.source, args.traced)))
    else:
        print(json.dumps(run(args.orders, args.format, args.source, args.traced), ensure_ascii=False))
