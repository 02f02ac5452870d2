"""Adding ERP SKUs by CSV while many orders wait for them, in the local runtime (moto in-process, the
app's own HTTP route and link-jobs consumer): 1,000 shop SKUs carry merchant codes no ERP SKU has yet and
10,000 orders are held for them (unlinked_sku). Then one CSV of the 1,000 ERP SKUs is posted to
POST /admin/erp-skus/import. Measured: the answer's time (the request stores the SKUs and starts a job),
and the time until the job has auto-linked the shop SKUs and released every held order (GET
/admin/jobs/{id} polled)."""
from __future__ import annotations

import json
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SHOP = "BENCH-S1"


def run(skus: int = 1000, per_sku: int = 10, wait_limit: float = 3600) -> dict[str, Any]:
    import os
    os.environ.setdefault("OMS_PREFIX", "qihang-oms-bench-relink")
    from local.runtime import LocalRuntime, RuntimeConfig
    state_dir = Path(tempfile.mkdtemp(prefix="oms-bench-relink-"))
    (state_dir / "jwt.secret").write_text("bench-jwt-secret-not-real-0123456789abcdef")
    config = RuntimeConfig(state_dir=state_dir, port=0, moto_port=0, reset=True, snapshot_interval=0,
                           run_schedules=False, run_hooks=False, ui_dir=None)
    runtime = LocalRuntime(config, _app).start()
    try:
        assert runtime.web is not None
        started = time.perf_counter()
        held = _seed(skus, per_sku)
        seeded = round(time.perf_counter() - started, 1)
        return {"skus": skus, "held_orders": held, "seed_s": seeded, **_measure(runtime.web.url, skus, wait_limit)}
    finally:
        runtime.stop()


def _app() -> Any:
    from app import app
    return app


def _seed(skus: int, per_sku: int) -> int:
    """Shop SKUs with codes, and orders held for them, written directly (the bench is about what follows)."""
    from chalicelib import bootstrap
    from chalicelib.domain.catalog import ShopSku
    from chalicelib.domain.platform import Platform
    from chalicelib.services.ingest import _new_order
    from chalicelib.storage.models import OrderItem
    from chalicelib.storage.orders import to_item
    for n in range(skus):
        bootstrap.shop_skus().add(ShopSku(SHOP, Platform.TAOBAO, f"sku-{n}", f"p-{n}", f"CODE-{n:05d}", "T恤", "M"))
    clock = bootstrap.clock()
    with OrderItem.batch_write() as batch:
        for n in range(skus * per_sku):
            order = _new_order(SHOP, _canonical(n, n % skus), {}, clock, "")
            batch.save(to_item(order, 1))
    return skus * per_sku


def _canonical(n: int, sku: int) -> Any:
    from chalicelib.domain.platform import Platform
    from chalicelib.domain.status import OrderStatus, RefundState
    from chalicelib.services.platform_types import SHANGHAI, CanonicalLine, CanonicalOrder
    at = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI) + timedelta(seconds=n)
    return CanonicalOrder(platform=Platform.TAOBAO, order_no=f"9{n:08d}", platform_status="WAIT_SELLER_SEND_GOODS",
                          status=OrderStatus.AWAITING_SHIPMENT, refund_state=RefundState.NONE, created_at=at,
                          modified_at=at, paid_at=at,
                          lines=(CanonicalLine("1", f"sku-{sku}", f"p-{sku}", "", "T恤", "M", 1, 1990, 1990),),
                          receiver=None, total_fen=1990, paid_fen=1990, raw={})


def _measure(api: str, skus: int, wait_limit: float) -> dict[str, Any]:
    from chalicelib import bootstrap
    from chalicelib.api import tokens
    from chalicelib.domain.users import Role, User
    bootstrap.users().add(User("bench", "x", Role.ADMIN))
    token, _ = tokens.issue(bootstrap.users().get("bench"), datetime.now(UTC))
    csv = "sku_code,name,price\n" + "".join(f"CODE-{n:05d},商品{n},19.90\n" for n in range(skus))
    request = urllib.request.Request(f"{api}/admin/erp-skus/import", data=csv.encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        answer = json.loads(response.read())
    answered = time.perf_counter() - start
    job = _wait(api, token, str(answer["job_id"]), start, wait_limit)
    released_s = time.perf_counter() - start
    return {"created": answer["created"], "answer_s": round(answered, 2), "all_released_s": round(released_s, 1),
            "finished": job["status"] == "done", "released": job["released"], "total": job["total"],
            "linked": job["linked"], "orders_per_s": round(job["done"] / max(released_s - answered, 1e-9), 1)}


def _wait(api: str, token: str, job_id: str, start: float, limit: float) -> dict[str, Any]:
    """The job once done, or as it stands after `limit` seconds (its progress then says how far it got)."""
    while True:
        request = urllib.request.Request(f"{api}/admin/jobs/{job_id}", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            job: dict[str, Any] = json.loads(response.read())
        if job["status"] == "done" or time.perf_counter() - start > limit:
            return job
        time.sleep(0.5)


if __name__ == "__main__":
    import sys
    args = sys.argv[1:]
    print(json.dumps(run(int(args[0]) if args else 1000, int(args[1]) if len(args) > 1 else 10,
                         float(args[2]) if len(args) > 2 else 3600), indent=2))
