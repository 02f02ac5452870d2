"""Issue 19.3 on the real local pipeline: every platform's sandbox answers nothing but errors for ten
platform minutes (its outage switch: every call fails in the platform's own error envelope) while its
sellers keep taking and changing orders. Once the platforms answer again the OMS holds every order at its
latest change with the pulls of the next two ticks: counted in ticks, not seconds (the runtime runs its
schedules `SCALE` times faster than the clock). The pull schedule stops after the second tick following
the return, and the queues then drain at whatever pace this machine has: what converges converged with
those two ticks' pulls (and the platforms' own pushes), whatever the load on the box.

The whole local runtime runs here, in this process: moto, the queue runner, the scheduler and the demo's
sandboxes and shops. One difference from `python -m local`: the platform clients read up to now, with
no settling lag. The sandboxes' modified-time indexes settle at once, and the lag is in real minutes:
at `SCALE` it would be dozens of ticks."""
from __future__ import annotations

import importlib
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from chalicelib import bootstrap
from local.runtime import LocalRuntime, RuntimeConfig, hooks
from local.sandbox.core import SHANGHAI

pytestmark = pytest.mark.chaos

SCALE = 30                           # a pull tick (rate(2 minutes)) every 4 s
TICK = timedelta(minutes=2)          # the pull schedule: rate(2 minutes)
OUTAGE = timedelta(minutes=10)       # platform time: five pull ticks
TICKS_TO_CONVERGE = 2
NEW_PER_SHOP, CHANGED_PER_SHOP = 4, 3


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalRuntime]:
    from local import demo
    monkeypatch.setattr(demo, "PORT_BASE", "any")
    monkeypatch.setattr(demo, "TICK_SECONDS", 10 ** 6)     # no trickle: the test makes every change itself
    demo._stop.clear()
    demo._servers.clear()
    monkeypatch.setattr(hooks, "_started", [demo.start_sandboxes])     # the demo's shops, nothing else
    monkeypatch.setattr(hooks, "_stopping", [demo.stop_sandboxes])
    config = RuntimeConfig(state_dir=tmp_path, port=0, moto_port=0, snapshot_interval=0, journal=False,
                           tick_scale=SCALE, ui_dir=None)
    _forget_aws_clients()
    try:
        with bootstrap.override(clients=_without_settling_lag), \
                LocalRuntime(config, lambda: importlib.import_module("app").app) as rt:
            yield rt
    finally:
        _forget_aws_clients()


def _forget_aws_clients() -> None:
    """Clients an earlier test of this process made (for moto's in-memory mock, without an endpoint) must
    not serve this runtime, nor this runtime's the next test."""
    from pynamodb.models import Model
    bootstrap.reset()
    pending = list(Model.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        model._connection = None


def _without_settling_lag(shop: Any) -> Any:
    from chalicelib.platforms.shop_clients import client_for_shop
    client = client_for_shop(bootstrap.shops(), shop)
    client.settle_lag = timedelta(0)
    return client


def test_GIVEN_every_platform_down_for_ten_minutes_WHEN_it_returns_THEN_the_OMS_converges_within_two_ticks(
        runtime: LocalRuntime) -> None:
    from local import demo
    sandboxes = {platform: (running["shop_id"], (_sandbox(platform), running["seller_id"]))
                 for platform, running in runtime.state["sandbox"].items()}
    pulls = _pull_tick(runtime)
    assert _settled(lambda: not _behind(sandboxes)), _behind(sandboxes)       # the first sync, a day back

    for _shop_id, (sandbox, _seller_id) in sandboxes.values():
        sandbox.faults.error_rate = 1.0
    down_at, down_tick = datetime.now(SHANGHAI), pulls.fired
    _wait(lambda: False, ticks=pulls, most=down_tick + OUTAGE // TICK - 1)
    for _shop_id, (sandbox, seller_id) in sandboxes.values():   # sellers go on selling meanwhile
        sandbox.generate_orders(seller_id, NEW_PER_SHOP, down_at, datetime.now(SHANGHAI))
        for order_no in sorted(sandbox.truth_orders(seller_id))[:CHANGED_PER_SHOP]:
            sandbox.touch_order(seller_id, order_no, datetime.now(SHANGHAI))
    assert _behind(sandboxes), "the outage hid nothing: the test tests nothing"
    time.sleep(1.1)                   # platform times have whole seconds: let the last change's second close

    for _shop_id, (sandbox, _seller_id) in sandboxes.values():
        sandbox.faults.error_rate = 0.0
    back_tick = pulls.fired
    _wait(lambda: False, ticks=pulls, most=back_tick + TICKS_TO_CONVERGE - 1)
    pulls.stop()          # no tick after the second: what converges, converged with those two ticks' pulls
    assert _settled(lambda: not _behind(sandboxes)), _behind(sandboxes)
    assert pulls.fired == back_tick + TICKS_TO_CONVERGE
    assert demo._servers, "the demo's sandboxes ran"


def _sandbox(platform: str) -> Any:
    from local import demo
    from local.sandbox.registry import SANDBOXES
    return demo._servers[list(SANDBOXES).index(platform)].app


def _pull_tick(runtime: LocalRuntime) -> Any:
    assert runtime.scheduler is not None
    return next(w for w in runtime.scheduler.workers if w.source.name == "enqueue_pulls")


def _behind(sandboxes: dict[str, tuple[str, tuple[Any, str]]]) -> list[str]:
    """Orders the OMS lacks or holds at an older change than the platform's."""
    orders = bootstrap.orders()
    problems = []
    for platform, (shop_id, (sandbox, seller_id)) in sandboxes.items():
        stored = {o.order_no: o.modified_at for o in orders.iterate_shop(shop_id)}
        for order_no, truth in sandbox.truth_orders(seller_id).items():
            if order_no not in stored or stored[order_no] < truth.modified_at.replace(microsecond=0):
                problems.append(f"{platform} {order_no}")
    return problems


def _settled(done: Any, hang_guard_s: float = 300.0) -> bool:
    """Until `done()`: the queues drain at the machine's pace (a guard against a hang, not a speed limit)."""
    deadline = time.monotonic() + hang_guard_s
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.5)
    return bool(done())


def _wait(done: Any, ticks: Any, most: int) -> bool:
    """Until `done()` or the pull tick has fired `most` times in all."""
    while ticks.fired <= most:
        if done():
            return True
        time.sleep(0.2)
    return bool(done())
