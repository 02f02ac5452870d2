"""The sync pipeline under faults and chaotic delivery ends equal to the platforms' ground truth.
CI runs a modest size; `make chaos` runs the full size (CHAOS_ORDERS, CHAOS_ROUNDS)."""
from __future__ import annotations

import os
import random
import time
from datetime import timedelta

import pytest

from chalicelib import bootstrap
from tests.chaos import harness

pytestmark = pytest.mark.chaos

ORDERS = int(os.environ.get("CHAOS_ORDERS", "60"))       # per platform
ROUNDS = int(os.environ.get("CHAOS_ROUNDS", "2"))
FAULTS = {"error_rate": 0.05, "timeout_rate": 0.02, "slow_seconds": 0.6, "throttle_rate": 0.05,
          "shift_rate": 0.2}


@pytest.mark.parametrize("seed", [1, 2])
def test_given_faults_duplicates_reordering_and_crashes_then_the_oms_equals_the_platforms(seed: int) -> None:
    rng = random.Random(seed)
    world = harness.build(seed, FAULTS)
    chaos = harness.Chaos(rng)
    try:
        with bootstrap.override(**world.deps):
            for platform, (_shop, demo) in world.shops.items():
                sandbox = world.sandboxes[platform]
                sandbox.generate_orders(demo.seller_id, ORDERS, harness.T0, harness.T0 + timedelta(hours=6))
            for tick in range(ROUNDS + 1):
                harness.pull_all(world, tick)
                harness.deliver_all(world, chaos, harness.consumer)
                if tick < ROUNDS:
                    harness.mutate(world, rng, share=0.3)
                    time.sleep(1.1)   # platform times have whole seconds: let the last second close
            # the shift fault itself changes orders while they are read, after the window closed: one
            # more tick with the platforms quiet, as the next schedule would be
            for sandbox in world.sandboxes.values():
                sandbox.faults.clear()
            time.sleep(1.1)
            harness.pull_all(world, ROUNDS + 1)
            harness.deliver_all(world, chaos, harness.consumer)
            problems = harness.differences(world)
    finally:
        for server in world.servers:
            server.stop()
    assert chaos.crashes > 0 and chaos.deliveries > len(world.deps["orders"].rows)
    assert problems == [], f"{len(problems)} differences, e.g. {problems[:5]} ({harness.summary(world, chaos)})"
