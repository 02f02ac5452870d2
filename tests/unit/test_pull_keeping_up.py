"""Keeping up: a tick queues no job for a stream whose job is still queued or running, and the pull's
overlap costs no message for a record already enqueued at that version."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.sync import Stream
from chalicelib.services.platform_errors import TransientError
from chalicelib.services.pull import PENDING_FOR, PullDeps, run_pull, schedule_pulls
from chalicelib.services.queue_messages import PullJobMessage
from tests.factories import T0, canonical_order
from tests.fakes import (
    FakePlatformClient,
    FixedClock,
    InMemoryRawStore,
    InMemoryShopRepository,
    InMemorySyncRepository,
    RecordingPublisher,
)

NOW = T0 + timedelta(hours=5)


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    shops = InMemoryShopRepository()
    shops.add(Shop("s1", "店", Platform.TAOBAO, "seller-1", app_key="k"))
    shops.add(Shop("s2", "店2", Platform.TAOBAO, "seller-2", app_key="k2"))
    # modified within the last ten minutes: every later pull's overlap reads them again
    client = FakePlatformClient([recent_order(str(n), NOW - timedelta(minutes=9) + timedelta(seconds=10 * n))
                                 for n in range(30)])
    deps = PullDeps(shops=shops, sync=InMemorySyncRepository(), clients=lambda shop: client,
                    raw=InMemoryRawStore(), publisher=RecordingPublisher(), clock=FixedClock(NOW),
                    time_left=lambda: 600.0)
    return deps, client


def recent_order(order_no: str, at: datetime, **kw: object):  # type: ignore[no-untyped-def]
    return replace(canonical_order(order_no, **kw), modified_at=at, version=int(at.timestamp() * 1000))


def tick(deps: PullDeps) -> list[PullJobMessage]:
    before = len(deps.publisher.bodies("pull_jobs"))
    schedule_pulls(deps.shops.syncing(), deps.publisher, deps.clock.now(), pending=deps.sync)
    return [PullJobMessage.model_validate(b) for b in deps.publisher.bodies("pull_jobs")[before:]]


def test_GIVEN_queued_jobs_WHEN_ticks_follow_THEN_no_second_job_is_queued_until_the_first_ends(world) -> None:
    deps, _ = world
    first = tick(deps)
    assert len(first) == 4                          # two shops, two streams
    deps.clock.advance(minutes=2)
    assert tick(deps) == []                         # still queued: nothing piles up behind them
    run_pull(first[0], deps)
    deps.clock.advance(minutes=2)
    [again] = tick(deps)
    assert (again.shop_id, again.stream) == (first[0].shop_id, first[0].stream)


def test_GIVEN_a_job_that_never_ran_WHEN_its_mark_expires_THEN_the_next_tick_queues_one(world) -> None:
    deps, _ = world
    tick(deps)
    deps.clock.advance(seconds=PENDING_FOR.total_seconds() + 1)
    assert len(tick(deps)) == 4


def test_GIVEN_a_publish_that_fails_THEN_the_marks_are_taken_back(world) -> None:
    deps, _ = world

    class Down(RecordingPublisher):
        def publish(self, queue, messages):  # type: ignore[no-untyped-def]
            raise ConnectionError("SQS down")
    with pytest.raises(ConnectionError):
        schedule_pulls(deps.shops.syncing(), Down(), NOW, pending=deps.sync)
    assert len(tick(deps)) == 4


def test_GIVEN_a_platform_outage_WHEN_it_is_back_THEN_the_next_tick_pulls_and_fills_the_gap(world) -> None:
    deps, client = world
    [job, *_] = tick(deps)
    run_pull(job, deps)
    for minute in range(0, 10, 2):                  # ten minutes down: every pull fails, nothing piles up
        deps.clock.advance(minutes=2)
        jobs = [j for j in tick(deps) if (j.shop_id, j.stream) == (job.shop_id, job.stream)]
        assert len(jobs) == 1, minute
        client.fail_next = [TransientError("connection refused")]
        assert run_pull(jobs[0], deps).outcome == "error"      # ended: its message goes, nothing held
    client.orders["late"] = recent_order("late", deps.clock.now() - timedelta(minutes=7))
    deps.clock.advance(minutes=2)
    [back] = [j for j in tick(deps) if (j.shop_id, j.stream) == (job.shop_id, job.stream)]
    before = len(deps.publisher.bodies("orders"))
    assert run_pull(back, deps).outcome == "ok"
    assert [b["order_no"] for b in deps.publisher.bodies("orders")[before:]] == ["late"]


def test_GIVEN_a_continuation_THEN_it_keeps_the_mark_until_it_ends(world) -> None:
    deps, _ = world
    [job, *_] = tick(deps)
    deps.time_left = lambda: 10.0
    run_pull(job, deps)
    [continuation] = [PullJobMessage.model_validate(b) for b in deps.publisher.bodies("pull_jobs")
                      if b["trigger"] == "continuation"]
    assert [j for j in tick(deps) if j.shop_id == job.shop_id and j.stream == job.stream] == []
    deps.time_left = lambda: 600.0
    run_pull(continuation, deps)
    assert [j.shop_id for j in tick(deps)] == [job.shop_id]


def test_GIVEN_the_overlap_brings_unchanged_orders_again_THEN_they_cost_no_message(world) -> None:
    deps, client = world
    job = PullJobMessage(shop_id="s1", stream="orders", job_id="j1")
    first = run_pull(job, deps)
    assert first.counts.enqueued == 30
    deps.clock.advance(minutes=2)
    client.orders["3"] = recent_order("3", NOW - timedelta(seconds=30), platform_status="SHIPPED")
    second = run_pull(job.model_copy(update={"job_id": "j2"}), deps)
    sent = [b["order_no"] for b in deps.publisher.bodies("orders")[30:]]
    assert sent == ["3"]                             # only the order that changed
    assert second.counts.fetched > second.counts.enqueued == 1


def test_GIVEN_a_backfill_THEN_every_record_is_sent_again(world) -> None:
    deps, _ = world
    run_pull(PullJobMessage(shop_id="s1", stream="orders", job_id="j1"), deps)
    backfill = PullJobMessage(shop_id="s1", stream="orders", job_id="b1", trigger="backfill",
                              range_start=T0, range_end=NOW)
    assert run_pull(backfill, deps).counts.enqueued == 30


def test_GIVEN_the_memory_of_sent_records_THEN_only_what_the_next_overlap_can_bring_is_kept(world) -> None:
    from chalicelib.services.pull import still_resendable
    sent = {"old": ("d1", (NOW - timedelta(minutes=30)).timestamp()),
            "new": ("d2", (NOW - timedelta(minutes=5)).timestamp())}
    assert set(still_resendable(sent, NOW)) == {"new"}


def test_GIVEN_a_scheduled_pull_that_finds_nothing_THEN_it_leaves_no_log_line_but_the_cursor_says_it_ran(
        world) -> None:
    deps, client = world
    client.orders.clear()
    run_pull(PullJobMessage(shop_id="s1", stream="orders", job_id="j1"), deps)
    assert deps.sync.logs == []
    assert deps.sync.get_cursor("s1", Stream.ORDERS).last_success_at == NOW


def test_GIVEN_a_job_that_fails_with_a_bug_THEN_its_mark_stays_and_ticks_add_nothing_behind_it(world) -> None:
    deps, client = world
    [job, *_] = tick(deps)
    client.fail_next = [KeyError("a bug")]
    with pytest.raises(KeyError):
        run_pull(job, deps)                      # its message comes back after the visibility timeout
    deps.clock.advance(minutes=2)
    assert [j for j in tick(deps) if (j.shop_id, j.stream) == (job.shop_id, job.stream)] == []


def test_GIVEN_a_stream_with_nothing_new_WHEN_it_is_pulled_THEN_what_was_sent_is_not_even_read(world) -> None:
    deps, client = world
    client.orders = {}                     # a quiet shop: most pulls of a tick find nothing
    reads: list[str] = []
    get_sent = deps.sync.get_sent
    deps.sync.get_sent = lambda shop_id, stream: reads.append(shop_id) or get_sent(shop_id, stream)
    run_pull(PullJobMessage(shop_id="s1", stream=Stream.ORDERS.value, job_id="j1"), deps)
    assert reads == []


def test_GIVEN_a_scheduled_pull_that_reads_only_what_it_sent_before_THEN_it_leaves_no_log_line(world) -> None:
    deps, _client = world
    run_pull(PullJobMessage(shop_id="s1", stream="orders", job_id="j1"), deps)
    logged = len(deps.sync.logs)
    deps.clock.advance(minutes=2)
    run_pull(PullJobMessage(shop_id="s1", stream="orders", job_id="j2"), deps)    # the overlap, unchanged
    assert logged == 1 and len(deps.sync.logs) == 1
    assert deps.sync.get_cursor("s1", Stream.ORDERS).last_success_at == NOW + timedelta(minutes=2)


def test_GIVEN_a_pull_that_reads_to_the_end_WHEN_it_ends_THEN_its_last_advance_frees_the_stream(world) -> None:
    deps, _client = world
    releases: list[str] = []
    release = deps.sync.release
    deps.sync.release = lambda *args, **kw: releases.append(args[2]) or release(*args, **kw)
    run_pull(PullJobMessage(shop_id="s1", stream="orders", job_id="j1"), deps)
    cursor = deps.sync.get_cursor("s1", Stream.ORDERS)
    assert releases == [] and cursor.lease_owner == "" and cursor.watermark is not None
    assert deps.sync.acquire_lease("s1", Stream.ORDERS, "next-job", NOW, timedelta(minutes=16))
