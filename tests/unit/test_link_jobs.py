"""Held orders re-resolved in the background: the request only starts a job; the link-jobs steps release
the orders page by page, count progress, and a step delivered twice is counted once (fakes only)."""
from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from chalicelib.domain.catalog import ErpSku
from chalicelib.domain.order_query import matches
from chalicelib.domain.orders import Order, SkuLink
from chalicelib.domain.status import HoldReason
from chalicelib.services import link_jobs
from chalicelib.services.catalog import create_erp_sku, import_erp_skus
from chalicelib.services.link_jobs import JobDeps, JobStarter, Step, run_step
from chalicelib.services.links import LinkDeps, set_links
from chalicelib.services.ports import OrderQuery, Page
from tests import fakes
from tests.links_kit import World


class KeyPagedOrders(fakes.InMemoryOrderRepository):
    """Pages by the last key returned, as DynamoDB does (an offset would skip orders released meanwhile)."""

    def query(self, q: OrderQuery) -> Page[Order]:
        rows = sorted((o for o in self.rows.values() if matches(o, q)),
                      key=lambda o: (o.updated_at or o.modified_at, o.order_id), reverse=True)
        if q.cursor:
            after = json.loads(base64.b64decode(q.cursor))
            rows = [o for o in rows if [(o.updated_at or o.modified_at).isoformat(), o.order_id] < after]
        page = rows[:q.limit]
        more = len(rows) > q.limit
        last = page[-1] if page else None
        cursor = base64.b64encode(json.dumps([(last.updated_at or last.modified_at).isoformat(),
                                              last.order_id]).encode()).decode() if more and last else None
        return Page(page, cursor)


class Jobs(fakes._Store):
    def __init__(self) -> None:
        super().__init__(lambda job: job.job_id)


class Background(World):
    def __init__(self) -> None:
        super().__init__()
        self.orders = KeyPagedOrders()
        self.jobs, self.publisher, self.ids = Jobs(), fakes.RecordingPublisher(), iter(range(1, 100))
        self.told: list[str] = []
        inline = LinkDeps(self.catalog, self.erp, self.orders, self.clock, settle=self.deps.settle,
                          linked=self.pushed.extend)
        self.deps = inline
        self.worker = JobDeps(links=inline, jobs=self.jobs, publisher=self.publisher, clock=self.clock,
                              count_held=self.count_held,
                              changed=lambda orders: self.told.extend(o.order_id for o in orders))

    def count_held(self, shop_id: str) -> int:
        return sum(1 for o in self.orders.rows.values() if o.shop_id == shop_id and HoldReason.UNLINKED_SKU in o.holds)

    def request_deps(self) -> LinkDeps:
        starter = JobStarter(self.jobs, self.publisher, self.clock, new_id=lambda: f"job_{next(self.ids)}")
        return LinkDeps(self.catalog, self.erp, self.orders, self.clock, settle=self.deps.settle,
                        linked=self.pushed.extend, later=starter)

    def steps(self) -> list[str]:
        return [body for queue, body, _, _ in self.publisher.sent if queue == link_jobs.QUEUE]

    def drain(self, repeat_each: bool = False) -> int:
        """Runs every queued step (each twice when `repeat_each`: a duplicate delivery); returns how many."""
        ran = 0
        while ran < len(self.steps()):
            body = self.steps()[ran]
            run_step(self.worker, Step.parse(body))
            if repeat_each:
                run_step(self.worker, Step.parse(body))
            ran += 1
        return ran


@pytest.fixture
def world() -> Background:
    return Background()


def held_orders(world: Background, n: int, sku: str = "sku-1") -> list[str]:
    return [world.ingest(f"{n}{i:04d}", (sku, 1)) for i in range(n)]


def test_given_held_orders_when_a_link_is_set_then_the_request_only_starts_a_job(world: Background) -> None:
    world.shop_sku("sku-1", "")
    world.erp_sku("CUP", stock=1000)
    held = held_orders(world, 5)
    deps = world.request_deps()
    set_links(deps, "S1", "sku-1", [SkuLink("CUP")])
    assert all(world.orders.get(o).holds == {HoldReason.UNLINKED_SKU} for o in held), "nothing re-resolved yet"
    job = world.jobs.get(deps.later.job_id)
    assert (job.status, job.shops, job.pending) == ("running", ("S1",), ("resolve:S1:0",))


def test_given_250_held_orders_then_pages_release_all_and_the_job_counts_them(world: Background) -> None:
    world.shop_sku("sku-1", "")
    world.erp_sku("CUP", stock=1000)
    held = held_orders(world, 250)
    deps = world.request_deps()
    set_links(deps, "S1", "sku-1", [SkuLink("CUP")])
    assert world.drain() == 3, "three pages of 100"
    assert all(world.orders.get(o).holds == frozenset() for o in held)
    job = world.jobs.get(deps.later.job_id)
    assert (job.status, job.total, job.done, job.released, job.pending) == ("done", 250, 250, 250, ())
    assert sorted(world.told) == sorted(held), "the ERP hears of every order released"
    assert world.ledger.balance("CUP").reserved == 250


def test_given_every_step_delivered_twice_then_progress_counts_each_once(world: Background) -> None:
    world.shop_sku("sku-1", "")
    world.erp_sku("CUP", stock=1000)
    held_orders(world, 150)
    deps = world.request_deps()
    set_links(deps, "S1", "sku-1", [SkuLink("CUP")])
    world.drain(repeat_each=True)
    job = world.jobs.get(deps.later.job_id)
    assert (job.status, job.total, job.done, job.released) == ("done", 150, 150, 150)
    assert world.ledger.balance("CUP").reserved == 150, "reserved once per order"


def test_given_new_erp_skus_then_auto_linking_and_release_run_as_job_steps(world: Background) -> None:
    world.shop_sku("sku-1", "CODE-1")
    world.shop_sku("sku-9", "CODE-2", shop="S2")
    a, b = world.ingest("1", ("sku-1", 1)), world.ingest("2", ("sku-9", 1), shop="S2")
    deps = world.request_deps()
    report = import_erp_skus(world.erp, deps, [(2, {"sku_code": "CODE-1", "name": "杯子"}),
                                               (3, {"sku_code": "CODE-2", "name": "袜子"})])
    assert report.created == 2 and world.catalog.get("S1", "sku-1").links == (), "linking waits for the job"
    world.drain()
    job = world.jobs.get(deps.later.job_id)
    assert (job.status, job.linked, job.shops, job.done) == ("done", 2, ("S1", "S2"), 2)
    assert world.orders.get(a).lines[0].links == (SkuLink("CODE-1"),)
    assert world.orders.get(b).lines[0].links == (SkuLink("CODE-2"),)


def test_given_an_erp_sku_no_shop_carries_then_its_job_finishes_with_nothing_to_do(world: Background) -> None:
    deps = world.request_deps()
    create_erp_sku(world.erp, deps, ErpSku("LONELY", "无人关联"))
    world.drain()
    job = world.jobs.get(deps.later.job_id)
    assert (job.status, job.linked, job.shops, job.total) == ("done", 0, (), 0)


def test_given_a_job_view_then_it_shows_progress_fields(world: Background) -> None:
    deps = world.request_deps()
    create_erp_sku(world.erp, deps, ErpSku("A", "A"))
    view: dict[str, Any] = link_jobs.job_view(world.jobs.get(deps.later.job_id))
    assert {"job_id", "status", "total", "done", "released", "linked", "steps_left"} <= set(view)


def test_GIVEN_a_large_catalog_WHEN_pulled_as_a_job_THEN_runs_go_on_until_whole_and_held_orders_are_released(
        world: Background) -> None:
    from dataclasses import replace

    from chalicelib.services.catalog import PullCounts
    world.erp_sku("CUP", stock=1000)
    held = held_orders(world, 3)
    runs = iter([PullCounts(fetched=100, added=100, complete=False), PullCounts(fetched=40, added=40, linked=1)])

    def pull(shop_id: str) -> PullCounts:
        counts = next(runs)
        if counts.complete:      # the last run finds the shop SKU the held orders wait for, and links it
            world.shop_sku("sku-1", "CUP")
            set_links(replace(world.deps, later=NoLater()), shop_id, "sku-1", [SkuLink("CUP")])
        return counts
    world.worker = replace(world.worker, pull_catalog=pull)
    assert all(world.orders.get(o).holds == {HoldReason.UNLINKED_SKU} for o in held)
    starter = JobStarter(world.jobs, world.publisher, world.clock, new_id=lambda: "job_cat")
    starter.catalog_pull("S1")
    world.drain(repeat_each=True)
    job = world.jobs.get("job_cat")
    assert (job.kind, job.status, job.fetched, job.added, job.linked) == ("catalog_pull", "done", 140, 140, 1)
    assert job.applied[:2] == ("catalog:S1:0", "catalog:S1:1") and "resolve:S1:0" in job.applied
    assert all(world.orders.get(o).holds == frozenset() for o in held)


class NoLater:
    """A pull inside a job: the job's own pass re-resolves (bootstrap._JobLater)."""
    job_id = None

    def reresolve(self, shop_ids: Any, kind: str = "links") -> str:
        return ""

    def auto_link(self, sku_codes: Any, kind: str = "erp_skus") -> str:
        return ""
