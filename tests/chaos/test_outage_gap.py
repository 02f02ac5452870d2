"""A platform unreachable for a while: the pulls fail, the cursors stay where they were, nothing is
paused for good, and once the platform answers again the next tick fills the gap (issue 5: "stop the
sandbox for a minute and restart it: the gap fills"), for every platform."""
from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.domain.status import ShopStatus
from chalicelib.domain.sync import Stream
from local.sandbox.core import SHANGHAI, SandboxServer
from tests.chaos import harness

pytestmark = pytest.mark.chaos


def watermarks(world: harness.World) -> dict[str, Any]:
    sync = world.deps["sync"]
    return {platform: sync.get_cursor(shop.shop_id, Stream.ORDERS).watermark
            for platform, (shop, _demo) in world.shops.items()}


def restart_on_the_same_ports(world: harness.World) -> None:
    for n, server in enumerate(world.servers):
        port = int(server.url.rsplit(":", 1)[1])
        platform = list(world.sandboxes)[n]
        world.servers[n] = SandboxServer(world.sandboxes[platform], port=port).start()


def test_GIVEN_every_platform_down_for_a_while_WHEN_it_is_back_THEN_the_next_tick_fills_the_gap() -> None:
    world = harness.build(seed=11, faults={})
    calm = harness.Chaos(random.Random(11), crash_before=0, crash_after=0, max_extra_copies=0)
    try:
        with bootstrap.override(**world.deps):
            for platform, (_shop, demo) in world.shops.items():
                world.sandboxes[platform].generate_orders(demo.seller_id, 15, harness.T0,
                                                          harness.T0 + timedelta(hours=3))
            harness.pull_all(world, 0)
            harness.deliver_all(world, calm, harness.consumer)
            before = watermarks(world)
            assert all(before.values())

            for server in world.servers:
                server.stop()
            down_since = datetime.now(SHANGHAI)
            time.sleep(3.1)   # a real gap: whole seconds the pulls must read (a window inside one second is empty)
            for platform, (_shop, demo) in world.shops.items():   # orders placed while we cannot reach them
                world.sandboxes[platform].generate_orders(demo.seller_id, 10, down_since,
                                                          datetime.now(SHANGHAI) - timedelta(seconds=0.2))
            harness.pull_all(world, 1)
            assert watermarks(world) == before, "a cursor moved past a window it never read"
            shops = world.deps["shops"]
            assert all(shops.get(shop.shop_id).status is ShopStatus.ACTIVE for shop, _ in world.shops.values())

            restart_on_the_same_ports(world)
            time.sleep(1.1)   # platform times have whole seconds: let the last one close
            harness.pull_all(world, 2)
            harness.deliver_all(world, calm, harness.consumer)
            problems = harness.differences(world)
            stored = len(world.deps["orders"].rows)
    finally:
        for server in world.servers:
            server.stop()
    assert problems == [], problems[:5]
    assert stored == 25 * len(world.shops)
