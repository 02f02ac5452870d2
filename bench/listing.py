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
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1"}.items():
        os.environ.setdefault(key, value)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    from moto import mock_aws
    with mock_aws():
        _create_table()
        start = time.perf_counter()
        _fill(orders)
        loaded = time.perf_counter() - start
        pages = _pages()
    worst = max(p["ratio"] for p in pages.values())
    return {"orders": orders, "load_seconds": round(loaded, 1), "pages": pages, "worst_ratio": worst}


def _create_table() -> None:
    import boto3

    from chalicelib import names
    from infra.tables import create_table_args, table_properties
    client = boto3.client("dynamodb")
    for key in ("orders", "shops"):
        client.create_table(**create_table_args(table_properties(key, names.table_name(key))))


def _fill(n: int) -> None:
    from chalicelib.domain.orders import SkuLink
    from chalicelib.domain.status import OrderStatus
    from chalicelib.services.ingest import _new_order
    from chalicelib.storage.models import OrderItem
    from chalicelib.storage.orders import to_item
    from tests.factories import canonical_order
    from tests.fakes import FixedClock

    rng = random.Random(5)
    linked = {"sku-1": (SkuLink("MC-1"),)}
    clock = FixedClock()
    statuses = [OrderStatus.AWAITING_SHIPMENT] * 3 + [OrderStatus.SHIPPED] * 5 + [OrderStatus.COMPLETED] * 2
    with OrderItem.batch_write() as batch:
        for i in range(n):
            incoming = canonical_order(f"{9_000_000 + i}", minutes=i % 10_000, status=rng.choice(statuses))
            links = linked if rng.random() > 0.05 else {}   # about 5 % held for an unlinked SKU
            order = _new_order(f"S{i % SHOPS:03d}", incoming, links, clock, "")
            order = replace(order, updated_at=datetime(2026, 11, 1, tzinfo=UTC) + timedelta(seconds=i))
            batch.save(to_item(order, 1))


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
