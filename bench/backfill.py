"""Peak memory of the pull worker during a 100k-order backfill: a Taobao sandbox holding the orders runs in
a child process (its memory is the platform's, not ours); this process runs the pull worker's use case
over the whole range, with a publisher and a raw store that send nothing anywhere (they count), and
reports its own peak RSS beside the same process's RSS before the pull."""
from __future__ import annotations

import multiprocessing
import time
from datetime import datetime, timedelta
from typing import Any

from bench.memory import peak_rss_mb

DAYS = 30


def run(orders: int = 100_000) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    ready: Any = ctx.Queue()
    child = ctx.Process(target=_platform, args=(orders, ready), daemon=True)
    child.start()
    try:
        url, creds, start, end = ready.get(timeout=600)
        return _pull(url, creds, start, end, orders)
    finally:
        child.terminate()
        child.join(10)


def _platform(orders: int, ready: Any) -> None:
    from local.sandbox.core import SHANGHAI, SandboxServer
    from local.sandbox.taobao import create_sandbox
    sandbox = create_sandbox(seed=4)
    demo = sandbox.add_shop()
    end = datetime.now(SHANGHAI) - timedelta(hours=1)
    start = end - timedelta(days=DAYS)
    sandbox.generate_orders(demo.seller_id, orders, start, end)
    server = SandboxServer(sandbox).start()
    ready.put((server.url, (demo.app_key, demo.app_secret, demo.access_token, demo.refresh_token, demo.seller_id),
               start, end + timedelta(seconds=1)))
    while True:
        time.sleep(60)


class _Counting:
    """A publisher and a raw store that keep nothing: the worker's memory is what is measured."""

    def __init__(self) -> None:
        self.messages = 0
        self.batches = 0

    def publish(self, queue: str, messages: Any) -> None:
        self.messages += sum(1 for _ in messages)

    def put_batch(self, shop: Any, stream: str, payloads: list[dict[str, Any]]) -> str:
        self.batches += 1
        return f"raw/{self.batches}"


def _pull(url: str, creds: tuple[str, ...], start: datetime, end: datetime, orders: int) -> dict[str, Any]:
    from chalicelib.domain.platform import Platform
    from chalicelib.domain.shops import Shop, ShopSecrets
    from chalicelib.platforms.http import Transport
    from chalicelib.platforms.shop_clients import credentials_for
    from chalicelib.platforms.taobao.client import create_client
    from chalicelib.services.pull import PullDeps, run_pull
    from chalicelib.services.queue_messages import PullJobMessage
    from tests import fakes

    app_key, app_secret, access_token, refresh_token, seller_id = creds
    shops = fakes.InMemoryShopRepository()
    shops.add(Shop("S-BACKFILL", "backfill", Platform.TAOBAO, seller_id, app_key=app_key, base_url=url))
    shops.put_secrets("S-BACKFILL", ShopSecrets(app_secret, access_token, refresh_token), 0)
    shop, secrets = shops.get("S-BACKFILL"), shops.get_secrets("S-BACKFILL")
    assert shop is not None and secrets is not None
    client = create_client(credentials_for(shop, secrets), Transport())
    sink = _Counting()
    deps = PullDeps(shops=shops, sync=fakes.InMemorySyncRepository(), clients=lambda _shop: client, raw=sink,
                    publisher=sink, clock=fakes.FixedClock(), time_left=lambda: 900.0)
    before = peak_rss_mb()
    began = time.perf_counter()
    job = PullJobMessage(shop_id="S-BACKFILL", stream="orders", job_id="backfill", trigger="backfill",
                         range_start=start, range_end=end)
    run_pull(job, deps)
    return {"orders": orders, "enqueued": sink.messages, "seconds": round(time.perf_counter() - began, 1),
            "rss_before_mb": round(before, 1),
            "peak_rss_mb": peak_rss_mb()}


if __name__ == "__main__":
    import json
    import sys
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000), indent=2))
