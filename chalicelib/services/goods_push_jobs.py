"""Many shop products pushed into the goods library as a background job (推送到商品库, DESIGN: work that grows
with the data runs on a queue in bounded batches with progress). The request stores a job record (a LinkJob
of kind "goods_push", read at /admin/jobs/{id}) and queues one step per few products on the link-jobs queue:

- `push:<n>`: these products become library goods + SKUs and their shop SKUs are linked
  (services/goods_push.py); shop SKUs elsewhere carrying the new codes auto-link right there.
- then, once no push step is left, the shop's held orders re-resolve in pages (`resolve:<shop>:<page>`,
  services/link_jobs.py), on the same job: one pass, not one per step.

Steps share the FIFO group of the job and shop, so they run in order. A step recorded once is not run
again on a duplicate delivery; a step that stopped half-way and is delivered again finds the SKUs it
created by their codes and links them instead of creating them twice."""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from chalicelib.domain.errors import ConflictError
from chalicelib.services.goods import GoodsDeps
from chalicelib.services.goods_push import ProductPick, PushResult, push_products
from chalicelib.services.link_jobs import QUEUE, JobDeps, Step, get_job, start_passes
from chalicelib.services.links import link_codes
from chalicelib.services.ports import Clock, Publisher
from chalicelib.services.stock_ports import JobStore, LinkJob

KIND = "goods_push"
PER_STEP = 5            # products per step: a product may have 600 SKUs, a step stays well inside a Lambda run
MAX_ERRORS = 100
MAX_ATTEMPTS = 8


def is_push_step(step: Step) -> bool:
    return step.key.startswith("push:")


def _step(job_id: str, shop_id: str, n: int, picks: Sequence[ProductPick]) -> Step:
    encoded = tuple(json.dumps([p.platform_product_id, list(p.platform_sku_ids)]) for p in picks)
    return Step(job_id, f"push:{n}", codes=encoded, shop_id=shop_id)


def _picks(step: Step) -> list[ProductPick]:
    return [ProductPick(str(pid), tuple(str(s) for s in skus)) for pid, skus in map(json.loads, step.codes)]


@dataclass
class PushJobStarter:
    jobs: JobStore
    publisher: Publisher
    clock: Clock
    new_id: Callable[[], str] = field(default=lambda: f"job_{uuid.uuid4().hex[:20]}")

    def __call__(self, shop_id: str, picks: Sequence[ProductPick]) -> LinkJob:
        job_id, now = self.new_id(), self.clock.now()
        steps = [_step(job_id, shop_id, n, picks[i:i + PER_STEP]) for n, i in enumerate(range(0, len(picks), PER_STEP))]
        job = LinkJob(job_id, KIND, now, now, pending=tuple(s.key for s in steps), products=len(picks))
        self.jobs.add(job)
        self.publisher.publish(QUEUE, [s.message() for s in steps])
        return job


@dataclass
class Deferred:
    """Takes what linking would start in the background (services/stock_ports.Later): the step links the
    new codes itself and leaves the held orders to the job's one re-resolve pass."""
    shops: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)

    def reresolve(self, shop_ids: Iterable[str], kind: str = "links") -> str:
        self.shops |= set(shop_ids)
        return ""

    def auto_link(self, sku_codes: Sequence[str], kind: str = "erp_skus") -> str:
        self.codes |= set(sku_codes)
        return ""


@dataclass(frozen=True)
class PushJobDeps:
    goods: GoodsDeps            # its links: re-resolving right here (the worker's), never None
    jobs: JobDeps


def run_push_step(deps: PushJobDeps, step: Step) -> None:
    job = deps.jobs.jobs.get(step.job_id)
    if job is None:
        return
    if step.key in job.applied:
        start_passes(deps.jobs, job)      # a crash may have lost them after the record
        return
    assert deps.goods.links is not None
    deferred = Deferred()
    goods = replace(deps.goods, links=replace(deps.goods.links, later=deferred))
    results = push_products(goods, step.shop_id, _picks(step))
    auto_linked, shops = link_codes(deps.goods.links, deferred.codes)
    linked = sum(len(r.linked) for r in results) + auto_linked
    job = _record(deps.jobs, step, results, linked, {*deferred.shops, *shops})
    start_passes(deps.jobs, job)


def _record(deps: JobDeps, step: Step, results: Sequence[PushResult], linked: int, shops: set[str]) -> LinkJob:
    failures = tuple((r.platform_product_id, r.reason, r.error[:300]) for r in results if not r.ok)
    for _ in range(MAX_ATTEMPTS):
        job = get_job(deps.jobs, step.job_id)
        if step.key in job.applied:
            return job
        now = deps.clock.now()
        new_shops = tuple(sorted(shops - set(job.shops)))
        pending = [k for k in (*job.pending, *(f"resolve:{s}:0" for s in new_shops)) if k != step.key]
        updated = replace(job, pushed=job.pushed + len(results), failed=job.failed + len(failures),
                          errors=(*job.errors, *failures)[:MAX_ERRORS], linked=job.linked + linked,
                          shops=(*job.shops, *new_shops), pending=tuple(dict.fromkeys(pending)),
                          applied=(*job.applied, step.key), updated_at=now)
        if not updated.pending:
            updated = replace(updated, status="done", finished_at=now)
        try:
            deps.jobs.save(updated, job.revision)
        except ConflictError:
            continue
        return replace(updated, revision=job.revision + 1)
    raise ConflictError(f"job {step.job_id} kept changing")
