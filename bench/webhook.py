"""Webhook received -> order queryable, in the local runtime: a Douyin sandbox shop pushes each new order
to the runtime's /webhooks/douyin route (signed, ids only), the route queues it, the consumer fetches
the order through the signed API and stores it. Measured from the moment the sandbox creates the order
(its push goes out at once) to the moment the order can be read, one order at a time."""
from __future__ import annotations

import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any


def run(samples: int = 100) -> dict[str, Any]:
    import os
    os.environ.setdefault("OMS_PREFIX", "qihang-oms-bench-hook")
    from local.runtime import LocalRuntime, RuntimeConfig
    state_dir = Path(tempfile.mkdtemp(prefix="oms-bench-hook-"))
    (state_dir / "jwt.secret").write_text("bench-jwt-secret-not-real-0123456789abcdef")
    config = RuntimeConfig(state_dir=state_dir, port=0, moto_port=0, reset=True, snapshot_interval=0,
                           run_schedules=False, run_hooks=False, ui_dir=None)
    runtime = LocalRuntime(config, _app).start()
    try:
        assert runtime.web is not None
        latencies = _measure(runtime.web.url, samples)
    finally:
        runtime.stop()
    ordered = sorted(latencies)
    return {"samples": len(ordered), "p50_s": round(statistics.median(ordered), 3),
            "p99_s": round(ordered[max(0, int(len(ordered) * 0.99) - 1)], 3), "max_s": round(ordered[-1], 3)}


def _app() -> Any:
    from app import app
    return app


def _measure(api_url: str, samples: int) -> list[float]:
    from chalicelib import bootstrap
    from chalicelib.domain.orders import order_id_for
    from chalicelib.domain.platform import Platform
    from chalicelib.domain.shops import ShopSecrets
    from chalicelib.services.shops import register_shop
    from local.sandbox.core import SHANGHAI, SandboxServer
    from local.sandbox.douyin import create_sandbox

    sandbox = create_sandbox(seed=9)
    server = SandboxServer(sandbox).start()
    try:
        demo = sandbox.add_shop()
        shop = register_shop(bootstrap.shops(), name="bench-hook", platform=Platform.DOUYIN,
                             seller_id=demo.seller_id, app_key=demo.app_key, base_url=server.url,
                             secrets=ShopSecrets(demo.app_secret, demo.access_token, demo.refresh_token,
                                                 tuple(sorted(demo.extra.items()))))
        sandbox.subscribe(f"{api_url}/webhooks/douyin/{demo.app_key}")
        latencies: list[float] = []
        for _ in range(samples):
            now = datetime.now(SHANGHAI)
            start = time.perf_counter()
            (order_no,) = sandbox.generate_orders(demo.seller_id, 1, now - timedelta(seconds=1), now)
            order_id = order_id_for(shop.shop_id, order_no)
            while bootstrap.orders().get(order_id) is None:
                if time.perf_counter() - start > 30:
                    raise TimeoutError(f"order {order_no} never arrived")
                time.sleep(0.01)
            latencies.append(time.perf_counter() - start)
        return latencies
    finally:
        server.stop()


if __name__ == "__main__":
    import json
    import sys
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 100), indent=2))
