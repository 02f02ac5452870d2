"""Many shop products pushed into the goods library as a background job: the request only stores the job
and queues steps of a few products; the steps push, link, count progress once each, and end with one
re-resolve pass of the shop's held orders."""
from __future__ import annotations

from chalicelib.domain.catalog import ShopSku
from chalicelib.domain.orders import SkuLink
from chalicelib.domain.platform import Platform
from chalicelib.services import link_jobs
from chalicelib.services.goods_push import ProductPick, push_products
from chalicelib.services.goods_push_jobs import PushJobDeps, PushJobStarter, is_push_step, run_push_step
from chalicelib.services.link_jobs import JobDeps, Step, job_view, run_step
from tests import fakes
from tests.goods_kit import push_world
from tests.review_kit import InMemoryJobStore


class World:
    def __init__(self) -> None:
        self.goods = push_world()
        self.jobs, self.publisher = InMemoryJobStore(), fakes.RecordingPublisher()
        assert self.goods.links is not None
        self.deps = PushJobDeps(goods=self.goods, jobs=JobDeps(links=self.goods.links, jobs=self.jobs,
                                                               publisher=self.publisher, clock=self.goods.clock))
        self.start = PushJobStarter(self.jobs, self.publisher, self.goods.clock, new_id=lambda: "job_1")

    def product(self, n: int, skus: int = 2) -> ProductPick:
        for i in range(skus):
            self.goods.shop_skus.add(ShopSku("S1", Platform.TAOBAO, f"p{n}-{i}", f"P{n}", f"C{n}-{i}", f"商品{n}",
                                             f"颜色:{'红蓝'[i]}", 5900))
        return ProductPick(f"P{n}", tuple(f"p{n}-{i}" for i in range(skus)))

    def steps(self) -> list[str]:
        return [body for queue, body, _, _ in self.publisher.sent if queue == link_jobs.QUEUE]

    def drain(self, repeat_each: bool = False) -> list[str]:
        ran, keys = 0, []
        while ran < len(self.steps()):
            step = Step.parse(self.steps()[ran])
            for _ in range(2 if repeat_each else 1):
                run_push_step(self.deps, step) if is_push_step(step) else run_step(self.deps.jobs, step)
            keys.append(step.key)
            ran += 1
        return keys


def test_given_12_products_when_a_push_job_starts_then_the_request_only_queues_steps_of_5() -> None:
    world = World()
    job = world.start("S1", [world.product(n) for n in range(12)])
    assert [Step.parse(b).key for b in world.steps()] == ["push:0", "push:1", "push:2"]
    assert job.products == 12 and job.status == "running" and world.goods.goods.list().items == []


def test_given_a_push_job_with_a_missing_product_when_drained_twice_each_then_counted_once_and_done() -> None:
    world = World()
    picks = [world.product(n) for n in range(11)]
    world.start("S1", [*picks[:6], ProductPick("P99", ("nope",)), *picks[6:]])
    keys = world.drain(repeat_each=True)
    assert keys[:3] == ["push:0", "push:1", "push:2"] and set(keys[3:]) == {"resolve:S1:0"}   # one pass, last
    dedup = {d for _, body, _, d in world.publisher.sent if "resolve:" in body}
    assert dedup == {"job_1:resolve:S1:0"}          # sent again by a duplicate step: the queue drops it
    view = job_view(world.jobs.get("job_1"))
    assert (view["status"], view["products"], view["pushed"], view["failed"]) == ("done", 12, 12, 1)
    assert view["errors"] == [{"platform_product_id": "P99", "reason": "goods.shop_product_missing",
                               "message": "no SKU of product P99 in shop S1"}]
    assert view["linked"] == 22 and len(world.goods.goods.list().items) == 11
    assert world.goods.shop_skus.get("S1", "p10-1").links == (SkuLink("C10-1"),)


def test_given_a_step_that_stopped_after_creating_when_delivered_again_then_nothing_is_created_twice() -> None:
    world = World()
    world.start("S1", [world.product(1)])
    step = Step.parse(world.steps()[0])
    push_products(world.goods, "S1", [ProductPick("P1", ("p1-0", "p1-1"))])    # done, then the step stopped
    run_push_step(world.deps, step)                     # the redelivery: finds the codes, links them
    job = world.jobs.get("job_1")
    assert job.failed == 0 and len(world.goods.goods.list().items) == 1
