"""Several pollers on one FIFO queue (the pull jobs: one group per shop) run different groups side by
side, as Lambda does, and never two messages of one group at once or out of order."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice import Chalice

from local.runtime import LocalRuntime, RuntimeConfig
from tests.local_kit import _queue, wait_for

pytestmark = pytest.mark.integration


class Timeline:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running: set[str] = set()
        self.most_at_once = 0
        self.overlap_in_a_group = False
        self.order: dict[str, list[int]] = {}


def make_app(timeline: Timeline) -> Chalice:
    app = Chalice(app_name="concurrency-test")

    @app.on_sqs_message(queue="rt-jobs.fifo", batch_size=1)
    def job(event: Any) -> None:
        for record in event:
            group, n = record.body.split(":")
            with timeline.lock:
                timeline.overlap_in_a_group |= group in timeline.running
                timeline.running.add(group)
                timeline.most_at_once = max(timeline.most_at_once, len(timeline.running))
            time.sleep(0.2)         # a pull waiting on its platform
            with timeline.lock:
                timeline.running.discard(group)
                timeline.order.setdefault(group, []).append(int(n))

    return app


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[tuple[LocalRuntime, Timeline]]:
    timeline = Timeline()
    config = RuntimeConfig(state_dir=tmp_path / "state", port=0, moto_port=0, snapshot_interval=0,
                           idle_wait=0.05, ui_dir=None, run_hooks=False, run_schedules=False,
                           queue_concurrency=(("job", 3),))
    rt = LocalRuntime(config, make_app(timeline), resources=lambda: {
        "JobsQueue": _queue("rt-jobs.fifo", fifo=True)})
    rt.start()
    yield rt, timeline
    rt.stop()


def test_GIVEN_three_pollers_WHEN_jobs_of_three_groups_arrive_THEN_groups_run_side_by_side_each_in_order(
        runtime: tuple[LocalRuntime, Timeline]) -> None:
    rt, timeline = runtime
    assert len(rt.runner.workers) == 3
    sqs = boto3.client("sqs")
    url = rt.provisioned.queue_url("rt-jobs.fifo")
    for n in range(4):
        for group in ("shopA", "shopB", "shopC"):
            sqs.send_message(QueueUrl=url, MessageBody=f"{group}:{n}", MessageGroupId=group)
    wait_for(lambda: sum(len(v) for v in timeline.order.values()) == 12, timeout=60)
    assert not timeline.overlap_in_a_group
    assert all(order == [0, 1, 2, 3] for order in timeline.order.values()), timeline.order
    assert timeline.most_at_once > 1
