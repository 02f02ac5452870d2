"""Order-list pages at scale: N orders in the orders table (moto, in-process), then the admin list's
usual pages (recent of a shop, a status across shops, held orders, a shop and a status, the ERP queue).
For each page: read units consumed (the index query plus the by-key read of the page's orders) against
the read units of reading just the returned orders by key, and no Scan anywhere.

Units are counted from the requests as bench/pipeline.py does (moto does not meter capacity)."""
from __future__ import annotations

import os
import random
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

SHOPS = 20
PAGE = 50


def run(orders: int = 100_000) -> dict[str, Any]:
    os.environ.setdefault("OMS_PREFIX", "qihang-oms-bench-list")
    os.environ.setdefault("JWT_SECRET", "bench-jwt-secret-not-real-0123456789abcdef")
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1"}.items():
        os.environ.setdefault(key, value)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    from moto import mock_aws

    from local.runtime import moto_queries
    moto_queries.apply()     # moto sorts the whole table per Query: the local runtime's speed-up, measured here too
    with mock_aws():
        _create_table()
        start = time.perf_counter()
        _fill(orders)
        loaded = time.perf_counter() - start
        pages = _pages()
        requests = _requests()
        writes = _write_units()
    worst = max(p["ratio"] for p in pages.values())
    return {"orders": orders, "load_seconds": round(loaded, 1), "pages": pages, "worst_ratio": worst,
            "requests": requests, "writes": writes}


def _create_table() -> None:
    import boto3

    from chalicelib import names
    from infra.tables import create_table_args, table_properties
    client = boto3.client("dynamodb")
    for key in ("orders", "shops", "reports", "users", "audit", "after_sales"):
        client.create_table(**create_table_args(table_properties(key, names.table_name(key))))


def _fill(n: int) -> None:
    from chalicelib.domain.order_counters import contribution
    from chalicelib.domain.orders import SkuLink
    from chalicelib.domain.platform import Platform
    from chalicelib.domain.shops import Shop
    from chalicelib.domain.status import OrderStatus
    from chalicelib.services.ingest import _new_order
    from chalicelib.storage.models import OrderItem
    from chalicelib.storage.orders import to_item
    from chalicelib.storage.shops import DynamoShopRepository
    from tests.factories import canonical_order
    from tests.fakes import FixedClock

    rng = random.Random(5)
    linked = {"sku-1": (SkuLink("MC-1"),)}
    clock = FixedClock()
    statuses = [OrderStatus.AWAITING_SHIPMENT] * 3 + [OrderStatus.SHIPPED] * 5 + [OrderStatus.COMPLETED] * 2
    platforms = list(Platform)[:7]
    shops = DynamoShopRepository()
    for s in range(SHOPS):
        shops.add(Shop(f"S{s:03d}", f"店铺{s}", platforms[s % 7], f"seller-{s}", app_key="k"))
    counters: dict[str, Counter[str]] = {}
    now = datetime.now(UTC)
    with OrderItem.batch_write() as batch:
        for i in range(n):
            shop = f"S{i % SHOPS:03d}"
            incoming = canonical_order(f"{9_000_000 + i}", minutes=i % 10_000, status=rng.choice(statuses),
                                       platform=platforms[(i % SHOPS) % 7])
            incoming = replace(incoming, created_at=now - timedelta(minutes=(n - i) * 3))   # ~7 months, newest last
            links = linked if rng.random() > 0.05 else {}   # about 5 % held for an unlinked SKU
            order = _new_order(shop, incoming, links, clock, "")
            order = replace(order, updated_at=datetime(2026, 11, 1, tzinfo=UTC) + timedelta(seconds=i))
            batch.save(to_item(order, 1))
            for (scope, name), k in contribution(order).items():
                counters.setdefault(scope, Counter())[name] += k
    _store_counters(counters)


def _store_counters(counters: dict[str, Counter[str]]) -> None:
    """What the reports consumer would have folded, written at once (the fill bypasses it for speed)."""
    from chalicelib.storage.order_counters import add_totals
    add_totals(counters)


def _pages() -> dict[str, dict[str, Any]]:
    from chalicelib.domain.status import OrderStatus
    from chalicelib.services.ports import OrderQuery
    from chalicelib.storage.orders import DynamoOrderRepository
    repo = DynamoOrderRepository()
    queries = {
        "a shop's recent orders": OrderQuery(shop_id="S007", limit=PAGE),
        "awaiting shipment, every shop": OrderQuery(status=OrderStatus.AWAITING_SHIPMENT, limit=PAGE),
        "shipped, every shop": OrderQuery(status=OrderStatus.SHIPPED, limit=PAGE),
        "held orders": OrderQuery(held_only=True, limit=PAGE),
        "a shop, shipped": OrderQuery(shop_id="S007", status=OrderStatus.SHIPPED, limit=PAGE),
    }
    out: dict[str, dict[str, Any]] = {}
    for name, query in queries.items():
        with _metered() as meter:
            page = repo.query(query)
        out[name] = _measure(meter, len(page.items))
    with _metered() as meter:
        page = repo.erp_ready(PAGE)
    out["the ERP's ready queue"] = _measure(meter, len(page.items))
    return out


REQUESTS = {
    "orders, all statuses": "/admin/orders?limit=50",
    "orders, to ship tab": "/admin/orders?status=to_ship&limit=50",
    "orders, exception tab, one hold reason": "/admin/orders?status=exception&hold=unlinked_sku&limit=50",
    "orders, ERP ready": "/admin/orders?erp_handoff=ready&limit=50",
    "orders, a shop, shipped": "/admin/orders?shop_id=S007&status=shipped&limit=50",
    "orders, a platform, today": "/admin/orders?platform=jd&range=today&limit=50",
    "orders, last 7 days, to ship": "/admin/orders?range=7d&status=to_ship&limit=50",
    "orders, order number": "/admin/orders?order_no=9050000",
    "orders, next page": "",
    "tab counts, all shops": "/admin/orders/counts",
    "tab counts, a platform, 7 days": "/admin/orders/counts?platform=taobao&range=7d",
    "dashboard": "/admin/dashboard",
    "order detail": "/admin/orders/S000-9000000",
    "shops": "/admin/shops",
}
RUNS = 30


def _requests() -> dict[str, dict[str, Any]]:
    """p50 / p99 of each admin request through the app (chalice's test client, moto in-process)."""
    import json

    from chalice.test import Client

    from app import app
    from chalicelib import bootstrap
    from chalicelib.domain.users import Role
    from chalicelib.services.users import create_user
    from tests.fakes import InMemoryUserRepository
    users = InMemoryUserRepository()
    create_user(users, "viewer", "Fake-Passw0rd-for-runs", Role.VIEWER)
    out: dict[str, dict[str, Any]] = {}
    with bootstrap.override(users=users), Client(app, stage_name="bench") as client:
        login = client.http.post("/admin/auth/login", headers={"Content-Type": "application/json"},
                                 body=json.dumps({"username": "viewer", "password": "Fake-Passw0rd-for-runs"}))
        headers = {"Authorization": f"Bearer {login.json_body['token']}"}
        first = client.http.get("/admin/orders?status=to_ship&limit=50", headers=headers).json_body
        for name, given in REQUESTS.items():
            path = given or f"/admin/orders?status=to_ship&limit=50&cursor={first['next']}"
            times, size = [], 0
            for _ in range(RUNS):
                start = time.perf_counter()
                response = client.http.get(path, headers=headers)
                times.append(time.perf_counter() - start)
                assert response.status_code == 200, response.body
                body = response.json_body
                size = len(body.get("items", [])) if isinstance(body, dict) and "items" in body else size
            times.sort()
            out[name] = {"p50_ms": round(1000 * times[len(times) // 2], 1),
                         "p99_ms": round(1000 * times[min(len(times) - 1, int(len(times) * 0.99))], 1),
                         "returned": size}
    return out


def _write_units() -> dict[str, Any]:
    """Write units of 200 new orders through the repository (each a plain conditional put: the counters are
    the reports consumer's, bench/reports.py meters its share), then of 200 status changes, and of 200 memo
    edits."""
    from chalicelib.domain.status import OrderStatus
    from chalicelib.services.ingest import _new_order
    from chalicelib.storage.orders import DynamoOrderRepository
    from tests.factories import canonical_order
    from tests.fakes import FixedClock
    repo, clock = DynamoOrderRepository(), FixedClock()
    orders = [_new_order(f"S{i % SHOPS:03d}", canonical_order(f"{8_000_000 + i}"), {"sku-1": ()}, clock, "")
              for i in range(200)]
    with _write_meter() as meter:
        for order in orders:
            repo.add(order)
    new = meter["units"] / len(orders)
    with _write_meter() as meter:
        for order in orders:
            repo.save(replace(order, status=OrderStatus.SHIPPED, revision=1), 1)
    changed = meter["units"] / len(orders)
    with _write_meter() as meter:
        for order in orders:
            repo.save(replace(order, status=OrderStatus.SHIPPED, seller_memo="加急", revision=2), 2)
    memo = meter["units"] / len(orders)
    return {"new_order": round(new, 2), "status_change": round(changed, 2), "memo_edit": round(memo, 2),
            "largest_counter_item_bytes": _largest_counter()}


def _largest_counter() -> int:
    import boto3

    from bench.pipeline import _item_size
    from chalicelib import names
    items = boto3.client("dynamodb").scan(TableName=names.table_name("reports"))["Items"]  # bench only
    return max((_item_size(i) for i in items if i["pk"]["S"] == "wb"), default=0)


class _write_meter:
    """Write units of PutItem and TransactWriteItems (a transaction bills each item twice; index copies
    once; a counter item by its size after the ADD)."""

    def __enter__(self) -> dict[str, Any]:
        import math

        import boto3
        from botocore.client import BaseClient

        from bench.pipeline import _item_size
        from bench.pipeline import _write_units as units_of
        from chalicelib.storage.projections import INDEX_PROJECTIONS
        from infra.tables import TABLE_SPECS
        indexes = list(TABLE_SPECS["orders"][2].values())
        projected = INDEX_PROJECTIONS["orders"]
        self.meter: dict[str, Any] = {"units": 0.0}
        self.original = original = BaseClient._make_api_call
        meter, reader = self.meter, boto3.client("dynamodb")

        def put_units(item: dict[str, Any]) -> int:
            return units_of(item, _item_size(item), indexes, projected)

        def counted(client: Any, operation: str, params: dict[str, Any]) -> Any:
            response = original(client, operation, params)
            if operation == "PutItem" and params["TableName"].endswith("-orders"):
                meter["units"] += put_units(params["Item"])
            if operation == "TransactWriteItems":
                for action in params["TransactItems"]:
                    if "Put" in action:
                        item = action["Put"]["Item"]
                        meter["units"] += put_units(item) + math.ceil(_item_size(item) / 1024)
                    elif "Update" in action:
                        got = original(reader, "GetItem", {"TableName": action["Update"]["TableName"],
                                                           "Key": action["Update"]["Key"]})
                        meter["units"] += 2 * math.ceil(_item_size(got.get("Item", {})) / 1024)
            return response

        BaseClient._make_api_call = counted  # type: ignore[method-assign]
        return self.meter

    def __exit__(self, *exc: object) -> None:
        from botocore.client import BaseClient
        BaseClient._make_api_call = self.original  # type: ignore[method-assign]


def _measure(meter: dict[str, Any], returned: int) -> dict[str, Any]:
    by_key = max(0.5, 0.5 * returned)   # eventually consistent, each order under 4 KB
    return {"returned": returned, "read_units": meter["units"], "by_key_units": by_key,
            "ratio": round(meter["units"] / by_key, 3), "scans": meter["calls"]["Scan"],
            "index_items_read": meter["scanned"]}


class _metered:
    """Counts read units, calls and index items read while active (patches botocore for the duration)."""

    def __enter__(self) -> dict[str, Any]:
        from botocore.client import BaseClient

        from bench.pipeline import _read_units
        self.meter: dict[str, Any] = {"units": 0.0, "calls": Counter(), "scanned": 0}
        self.original = original = BaseClient._make_api_call
        meter = self.meter

        def counted(client: Any, operation: str, params: dict[str, Any]) -> Any:
            response = original(client, operation, params)
            if client.meta.service_model.service_name == "dynamodb":
                meter["calls"][operation] += 1
                if operation in ("GetItem", "Query", "BatchGetItem", "Scan"):
                    meter["units"] += _read_units(operation, params, response)
                meter["scanned"] += int(response.get("ScannedCount", 0))
            return response

        BaseClient._make_api_call = counted  # type: ignore[method-assign]
        return self.meter

    def __exit__(self, *exc: object) -> None:
        from botocore.client import BaseClient
        BaseClient._make_api_call = self.original  # type: ignore[method-assign]


if __name__ == "__main__":
    import json
    import sys
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000), indent=2))
