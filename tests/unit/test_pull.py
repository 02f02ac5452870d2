"""The pull worker over fakes: complete windows, a cursor that moves only after a window is enqueued,
continuation near the time limit, parking on throttling and expired tokens."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import ShopStatus
from chalicelib.domain.sync import Stream
from chalicelib.services.platform_errors import AuthExpiredError, RateLimitedError, TransientError
from chalicelib.services.pull import PullDeps, run_pull, schedule_pulls
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
    client = FakePlatformClient([canonical_order(str(n), minutes=n) for n in range(250)])
    deps = PullDeps(shops=shops, sync=InMemorySyncRepository(), clients=lambda shop: client,
                    raw=InMemoryRawStore(), publisher=RecordingPublisher(), clock=FixedClock(NOW),
                    time_left=lambda: 600.0)
    return deps, client


def job(n: int = 1) -> PullJobMessage:
    return PullJobMessage(shop_id="s1", stream="orders", job_id=f"job-{n}")


def test_given_a_first_pull_then_every_order_of_the_last_day_is_enqueued_once_with_its_raw_payload(world) -> None:
    deps, _ = world
    log = run_pull(job(), deps)
    bodies = deps.publisher.bodies("orders")
    assert sorted(int(b["order_no"]) for b in bodies) == list(range(250))
    assert log.counts.enqueued == 250 and log.outcome == "ok"
    key, _, index = bodies[0]["raw_ref"].partition("#")
    assert deps.raw.objects[key][int(index)] == {"tid": bodies[0]["order_no"]}
    # one object per window (5 one-hour windows here) or per 100 records, never one per order
    assert len(deps.raw.objects) == 5


def test_given_a_pull_then_messages_are_grouped_per_order_and_deduplicated_per_version(world) -> None:
    deps, _ = world
    run_pull(job(), deps)
    _, body, group, dedup = deps.publisher.sent[0]
    order = json.loads(body)
    assert group == f"s1:{order['order_no']}"
    assert dedup.startswith(f"s1:{order['order_no']}:{order['version']}.")


def test_GIVEN_two_changes_in_one_second_WHEN_pulled_THEN_their_messages_are_not_deduplicated_as_one() -> None:
    from dataclasses import replace

    from chalicelib.domain.status import RefundState
    from chalicelib.services.pull import _message
    shop = Shop("s1", "店", Platform.JD, "seller-1", app_key="k")
    shipped = canonical_order("1", minutes=1)
    refund_asked = replace(shipped, refund_state=RefundState.IN_PROGRESS)     # same modified time, same version
    assert shipped.version == refund_asked.version
    assert _message(shop, shipped, "r#0")[2] != _message(shop, refund_asked, "r#1")[2]
    assert _message(shop, shipped, "r#0")[2] == _message(shop, shipped, "r#2")[2]


def test_given_a_success_then_the_watermark_reaches_now_minus_the_settling_lag(world) -> None:
    deps, client = world
    run_pull(job(), deps)
    assert deps.sync.get_cursor("s1", Stream.ORDERS).watermark == NOW - client.settle_lag


def test_given_a_failure_mid_range_then_the_watermark_stops_at_the_last_whole_window(world) -> None:
    deps, client = world
    run_pull(job(1), deps)
    first = deps.sync.get_cursor("s1", Stream.ORDERS).watermark
    deps.clock.advance(hours=3)
    calls = {"n": 0}
    original = client.list_orders

    def flaky(start, end):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise TransientError("HTTP 502")
        return original(start, end)
    client.list_orders = flaky
    run_pull(job(2), deps)       # the job ends (its message goes): the next tick pulls again from here
    cursor = deps.sync.get_cursor("s1", Stream.ORDERS)
    assert first < cursor.watermark < deps.clock.now() - client.settle_lag
    assert "502" in cursor.last_error and cursor.lease_owner == ""
    assert deps.sync.logs[-1].outcome == "error"


def test_given_little_time_left_then_it_saves_its_place_and_enqueues_a_continuation(world) -> None:
    deps, _ = world
    deps.time_left = lambda: 10.0
    log = run_pull(job(), deps)
    assert log.outcome == "partial"
    [continuation] = deps.publisher.bodies("pull_jobs")
    assert continuation["trigger"] == "continuation"


def test_given_throttling_then_only_that_shop_is_parked_with_the_reason(world) -> None:
    deps, client = world
    client.fail_next = [RateLimitedError("over quota", retry_after=120, code="7")]
    run_pull(job(), deps)
    shop = deps.shops.get("s1")
    assert shop.status is ShopStatus.RATE_LIMITED and "over quota" in shop.status_reason
    assert shop.parked_until == NOW + timedelta(seconds=120)
    assert schedule_pulls([shop], deps.publisher, NOW) == 0
    assert schedule_pulls([shop], deps.publisher, NOW + timedelta(minutes=3)) == 2


def test_given_an_expired_token_then_the_shop_needs_reauthorisation(world) -> None:
    deps, client = world
    client.fail_next = [AuthExpiredError("session invalid", code="27")]
    run_pull(job(), deps)
    assert deps.shops.get("s1").status is ShopStatus.REAUTH_NEEDED
    assert deps.shops.syncing() == []


def test_given_another_worker_holds_the_stream_then_this_job_does_nothing(world) -> None:
    deps, _ = world
    deps.sync.acquire_lease("s1", Stream.ORDERS, "other-job", NOW, timedelta(minutes=10))
    assert run_pull(job(), deps) is None
    assert deps.publisher.sent == []


def test_given_a_backfill_range_then_it_is_pulled_without_moving_the_watermark(world) -> None:
    deps, _ = world
    backfill = job().model_copy(update={"range_start": T0 + timedelta(minutes=100),
                                        "range_end": T0 + timedelta(minutes=110), "trigger": "backfill"})
    run_pull(backfill, deps)
    assert sorted(int(b["order_no"]) for b in deps.publisher.bodies("orders")) == list(range(100, 110))
    assert deps.sync.get_cursor("s1", Stream.ORDERS).watermark is None
