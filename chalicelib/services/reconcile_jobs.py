"""The stock reconcile run from the admin API as a queued job with progress (the job record is a LinkJob of
kind "reconcile" on the link-jobs queue, read at /admin/jobs/{id}): the request lists the syncing shops and
answers at once; each step reconciles shops in order for up to STEP_SECONDS, merges its differences into the
day's report, and queues the next step from the shop where it stopped. A step delivered twice merges nothing
twice: the report names the steps it holds, the job the steps it recorded."""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.shops import Shop
from chalicelib.services.link_jobs import QUEUE, JobStore, LinkJob, Step, get_job
from chalicelib.services.ports import Clock, Publisher
from chalicelib.services.stock_ports import DueLedger, SyncSettingsRepository
from chalicelib.services.stock_reconcile import (
    MAX_DIFFERENCES,
    Difference,
    PlatformStock,
    ReconcileReport,
    ShopCatalog,
    ShopSource,
    read_platform_stock,
    shop_differences,
)

KIND = "reconcile"
# a step's share of the link-jobs consumer's run (120 s, up to 5 messages a batch): the next step goes on
# from the shop where it stopped; a shop is never split, so one shop's SKUs must fit in a run
STEP_SECONDS = 15.0
MAX_ATTEMPTS = 8


def is_reconcile_step(step: Step) -> bool:
    return step.key.startswith("reconcile:")


def _step(job_id: str, index: int) -> Step:
    return Step(job_id, f"reconcile:{index}", page=index)


@dataclass
class ReconcileJobStarter:
    jobs: JobStore
    publisher: Publisher
    clock: Clock
    shops: ShopSource
    new_id: Callable[[], str] = field(default=lambda: f"job_{uuid.uuid4().hex[:20]}")

    def __call__(self) -> LinkJob:
        job_id, now = self.new_id(), self.clock.now()
        shop_ids = tuple(shop.shop_id for shop in self.shops.syncing())
        first = _step(job_id, 0)
        job = LinkJob(job_id, KIND, now, now, shops=shop_ids, total=len(shop_ids), pending=(first.key,))
        self.jobs.add(job)
        self.publisher.publish(QUEUE, [first.message()])
        return job


@dataclass(frozen=True)
class ReconcileJobDeps:
    jobs: JobStore
    publisher: Publisher
    clock: Clock
    shop: Callable[[str], Shop | None]
    catalog: ShopCatalog
    ledger: DueLedger
    sync: SyncSettingsRepository
    serving: Callable[[str], Sequence[str]]
    report_of: Callable[[str], ReconcileReport | None]        # the day's report
    save_report: Callable[[ReconcileReport], None]
    seconds: Callable[[], float] = time.monotonic
    platform_stock: PlatformStock | None = None               # None: compare with the last push only


def run_reconcile_step(deps: ReconcileJobDeps, step: Step) -> None:
    job = deps.jobs.get(step.job_id)
    if job is None or step.key in job.applied:
        return
    started = deps.seconds()
    index, skus, done = step.page, 0, 0
    found: list[Difference] = []
    unread: list[str] = []
    while index < len(job.shops) and (index == step.page or deps.seconds() - started < STEP_SECONDS):
        shop = deps.shop(job.shops[index])
        settings = deps.sync.get_settings(shop.shop_id) if shop is not None else None
        if shop is not None and settings is not None and settings.enabled:
            live = read_platform_stock(deps.platform_stock, shop)
            if live is None and deps.platform_stock is not None:
                unread.append(shop.shop_id)
            count, differences = shop_differences(shop, settings, deps.catalog, deps.ledger, deps.sync, deps.serving,
                                                  job.created_at, live)
            skus, done = skus + count, done + 1
            found.extend(differences)
        index += 1
    _merge(deps, job, step.key, (done, skus), found, unread, finished=index >= len(job.shops))
    follow = [_step(job.job_id, index)] if index < len(job.shops) else []
    if follow:      # sent before the record: a crash in between repeats this step (merged once), never loses one
        deps.publisher.publish(QUEUE, [s.message() for s in follow])
    _record(deps, job.job_id, step.key, index - step.page, [s.key for s in follow])


def _merge(deps: ReconcileJobDeps, job: LinkJob, key: str, counts: tuple[int, int], found: list[Difference],
           unread: list[str], finished: bool) -> None:
    shops, skus = counts
    day = job.created_at.date().isoformat()
    base = deps.report_of(day)
    if base is None or base.job_id != job.job_id:       # this job's first step: today's report starts over
        base = ReconcileReport(day, job.created_at, job.created_at, complete=False, job_id=job.job_id)
    if key in base.steps:
        return
    merged = (*base.differences, *found)[:MAX_DIFFERENCES]
    deps.save_report(replace(base, finished_at=deps.clock.now(), shops=base.shops + shops, skus=base.skus + skus,
                             difference_count=base.difference_count + len(found), complete=finished,
                             differences=merged, steps=(*base.steps, key),
                             unread_shops=(*base.unread_shops, *unread)))


def _record(deps: ReconcileJobDeps, job_id: str, key: str, shops_done: int, follow: Sequence[str]) -> None:
    for _ in range(MAX_ATTEMPTS):
        job = get_job(deps.jobs, job_id)
        if key in job.applied:
            return
        now = deps.clock.now()
        pending = tuple(dict.fromkeys(k for k in (*job.pending, *follow) if k != key and k not in job.applied))
        updated = replace(job, done=job.done + shops_done, pending=pending, applied=(*job.applied, key),
                          updated_at=now)
        if not pending:
            updated = replace(updated, status="done", finished_at=now)
        try:
            deps.jobs.save(updated, job.revision)
        except ConflictError:
            continue
        return
    raise ConflictError(f"job {job_id} kept changing")
