"""The stock reconcile as a queued job (fakes): the start answers with a job and one queued step; steps go
shop by shop with progress, continue where the time ran out, merge into the day's report once each even
when delivered twice, and report an injected difference."""
from __future__ import annotations

import itertools
import json

from chalicelib.domain.catalog import ShopSku
from chalicelib.domain.inventory import Movement, MovementKind
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.services.link_jobs import QUEUE, Step
from chalicelib.services.reconcile_jobs import ReconcileJobDeps, ReconcileJobStarter, run_reconcile_step
from tests import fakes
from tests.factories import T0
from tests.review_kit import InMemoryJobStore

SHOPS = ("S1", "S2", "S3")


class World:
    def __init__(self, step_seconds: float = 0.0) -> None:
        self.ledger, self.catalog = fakes.InMemoryStockLedger(), fakes.InMemoryShopSkuRepository()
        self.sync, self.shops = fakes.InMemoryStockSyncRepository(), fakes.InMemoryShopRepository()
        self.jobs, self.publisher, self.clock = InMemoryJobStore(), fakes.RecordingPublisher(), fakes.FixedClock(T0)
        self.reports: dict[str, object] = {}
        for shop_id in SHOPS:
            self.shops.add(Shop(shop_id, shop_id, Platform.TAOBAO, f"seller-{shop_id}"))
            self.catalog.add(ShopSku(shop_id, Platform.TAOBAO, f"{shop_id}-cup", "p1", "", "t", links=(SkuLink("A"),)))
        self.ledger.apply([Movement("A", MovementKind.STOCK_IN, 7, "in", "test", T0)], guard_available=False)
        ticks = itertools.count(step=step_seconds)      # each reading of the clock: step_seconds later
        self.deps = ReconcileJobDeps(self.jobs, self.publisher, self.clock, self.shops.get, self.catalog, self.ledger,
                                     self.sync, lambda shop_id: ("default",), self.reports.get,
                                     lambda r: self.reports.__setitem__(r.day, r), seconds=lambda: float(next(ticks)))

    def start(self) -> str:
        return ReconcileJobStarter(self.jobs, self.publisher, self.clock, self.shops)().job_id

    def queued(self) -> list[Step]:
        return [Step.parse(json.dumps(b)) for b in self.publisher.bodies(QUEUE)]


def test_GIVEN_a_started_reconcile_THEN_one_step_is_queued_and_the_job_counts_the_shops() -> None:
    w = World()
    job_id = w.start()
    job = w.jobs.get(job_id)
    assert (job.kind, job.status, job.total, job.done) == ("reconcile", "running", 3, 0)
    assert [s.key for s in w.queued()] == ["reconcile:0"]


def test_GIVEN_slow_shops_THEN_steps_continue_where_time_ran_out_and_a_redelivery_merges_nothing_twice() -> None:
    w = World(step_seconds=20.0)          # every shop takes longer than a step's share: one shop per step
    job_id = w.start()
    seen = 0
    while seen < len(w.queued()):
        step = w.queued()[seen]
        run_reconcile_step(w.deps, step)
        run_reconcile_step(w.deps, step)        # delivered twice
        seen += 1
    assert [s.key for s in w.queued()] == ["reconcile:0", "reconcile:1", "reconcile:2"]
    job = w.jobs.get(job_id)
    assert (job.status, job.done, job.total) == ("done", 3, 3)
    [report] = w.reports.values()
    assert report.complete and report.shops == 3 and report.skus == 3
    assert report.difference_count == 3, "never pushed: every shop SKU differs, each counted once"


def test_GIVEN_fast_shops_THEN_one_step_does_them_all_and_a_pushed_shop_shows_no_difference() -> None:
    from chalicelib.services.stock_ports import PushRecord
    w = World()
    for shop_id in ("S1", "S2"):
        w.sync.record_push(PushRecord(shop_id, f"{shop_id}-cup", 7, T0, True, "ok"))
    w.start()
    run_reconcile_step(w.deps, w.queued()[0])
    assert len(w.queued()) == 1
    [report] = w.reports.values()
    assert [(d.shop_id, d.expected, d.pushed) for d in report.differences] == [("S3", 7, None)]


def test_GIVEN_the_platforms_live_stock_THEN_the_job_compares_with_it_and_names_a_shop_it_could_not_read() -> None:
    from dataclasses import replace

    from chalicelib.services.stock_ports import PushRecord
    w = World(step_seconds=20.0)
    for shop_id in SHOPS:
        w.sync.record_push(PushRecord(shop_id, f"{shop_id}-cup", 7, T0, True, "ok"))

    def platform_stock(shop: Shop) -> dict[str, int]:
        if shop.shop_id == "S3":
            raise TimeoutError("platform timed out")
        return {f"{shop.shop_id}-cup": 7 if shop.shop_id == "S1" else 2}     # S2 was changed on the platform
    w.deps = replace(w.deps, platform_stock=platform_stock)
    w.start()
    seen = 0
    while seen < len(w.queued()):
        run_reconcile_step(w.deps, w.queued()[seen])
        seen += 1
    [report] = w.reports.values()
    assert [(d.shop_id, d.expected, d.pushed, d.platform) for d in report.differences] == [("S2", 7, 7, 2)]
    assert report.unread_shops == ("S3",)
