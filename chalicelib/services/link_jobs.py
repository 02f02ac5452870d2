"""Re-resolving held orders in the background (DESIGN: work that grows with the data runs on a queue in
bounded batches with progress, never inside a request). A request that adds ERP SKUs or changes links
stores its change, starts a job and answers with its id; the link-jobs queue then carries the steps:

- `link:<n>`: a chunk of new ERP SKU codes; shop SKUs carrying them auto-link (every shop). When the last
  chunk is recorded, one re-resolve pass starts per shop that gained links.
- `resolve:<shop>:<page>`: one page of the shop's orders held for unlinked SKUs takes the links that exist
  now; the next page goes on with the cursor (FIFO group per job and shop: pages run in order).
- `catalog:<shop>:<run>`: the shop's catalog pulled from the platform (it grows with the catalog: never in a
  request); a run cut short by the time limit goes on as the next run, then the shop's re-resolve pass.

The job record counts what was done (total held when each pass started, done, released). Each step's key
is recorded once: a duplicate delivery of a recorded step does nothing again, and re-resolution itself is
revision-conditional and idempotent (an order no longer held is skipped)."""
from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain.errors import ConflictError, NotFoundError
from chalicelib.domain.orders import Order
from chalicelib.domain.status import HoldReason
from chalicelib.services.links import LinkDeps, link_codes, reresolve_orders
from chalicelib.services.ports import Clock, OrderQuery, Publisher
from chalicelib.services.stock_ports import JobStore, LinkJob

if TYPE_CHECKING:
    from chalicelib.services.catalog import PullCounts

QUEUE = "link_jobs"
PAGE = 100
CODES_PER_STEP = 200
MAX_ATTEMPTS = 8
log = logging.getLogger("oms.link_jobs")


@dataclass(frozen=True)
class Step:
    job_id: str
    key: str
    codes: tuple[str, ...] = ()
    shop_id: str = ""
    page: int = 0
    cursor: str | None = None

    @classmethod
    def parse(cls, body: str) -> Step:
        data = json.loads(body)
        return cls(job_id=str(data["job_id"]), key=str(data["key"]), codes=tuple(data.get("codes", ())),
                   shop_id=str(data.get("shop_id", "")), page=int(data.get("page", 0)), cursor=data.get("cursor"))

    def message(self) -> tuple[str, str, str]:
        body = json.dumps({"job_id": self.job_id, "key": self.key, "codes": list(self.codes),
                           "shop_id": self.shop_id, "page": self.page, "cursor": self.cursor})
        group = f"{self.job_id}:{self.shop_id or 'link'}"
        return body, group, f"{self.job_id}:{self.key}"


def resolve_step(job_id: str, shop_id: str, page: int = 0, cursor: str | None = None) -> Step:
    return Step(job_id, f"resolve:{shop_id}:{page}", shop_id=shop_id, page=page, cursor=cursor)


def job_view(job: LinkJob) -> dict[str, Any]:
    return {"job_id": job.job_id, "kind": job.kind, "status": job.status, "shops": list(job.shops),
            "total": job.total, "done": job.done, "released": job.released, "linked": job.linked,
            "fetched": job.fetched, "added": job.added,
            "steps_left": len(job.pending), "created_at": job.created_at.isoformat(),
            "updated_at": job.updated_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None} | _push_view(job)


def _push_view(job: LinkJob) -> dict[str, Any]:
    if job.kind != "goods_push":
        return {}
    return {"products": job.products, "pushed": job.pushed, "failed": job.failed,
            "errors": [{"platform_product_id": p, "reason": r, "message": m} for p, r, m in job.errors]}


def get_job(jobs: JobStore, job_id: str) -> LinkJob:
    job = jobs.get(job_id)
    if job is None:
        raise NotFoundError(f"no job {job_id}")
    return job


# ------------------------------------------------------------------ starting (inside a request)
@dataclass
class JobStarter:
    """One per request (bootstrap.link_deps builds a fresh one): `job_id` is what the answer shows."""
    jobs: JobStore
    publisher: Publisher
    clock: Clock
    new_id: Callable[[], str] = field(default=lambda: f"job_{uuid.uuid4().hex[:20]}")
    job_id: str | None = None

    def reresolve(self, shop_ids: Iterable[str], kind: str = "links") -> str:
        shops = tuple(sorted(set(shop_ids)))
        job_id = self.new_id()
        return self._start(job_id, kind, shops, [resolve_step(job_id, shop) for shop in shops])

    def catalog_pull(self, shop_id: str) -> str:
        job_id = self.new_id()
        return self._start(job_id, "catalog_pull", (), [catalog_step(job_id, shop_id)])

    def auto_link(self, sku_codes: Sequence[str], kind: str = "erp_skus") -> str:
        codes = sorted(set(sku_codes))
        job_id = self.new_id()
        chunks = [tuple(codes[i:i + CODES_PER_STEP]) for i in range(0, len(codes), CODES_PER_STEP)]
        return self._start(job_id, kind, (), [Step(job_id, f"link:{n}", codes=c) for n, c in enumerate(chunks)])

    def _start(self, job_id: str, kind: str, shops: tuple[str, ...], steps: list[Step]) -> str:
        now = self.clock.now()
        job = LinkJob(job_id, kind, now, now, shops=shops, pending=tuple(s.key for s in steps))
        self.jobs.add(_finished(job, now) if not steps else job)
        if steps:
            self.publisher.publish(QUEUE, [s.message() for s in steps])
        self.job_id = job_id
        return job_id


# ------------------------------------------------------------------ running (the link-jobs consumer)
@dataclass(frozen=True)
class JobDeps:
    links: LinkDeps                   # without a starter: the worker re-resolves itself
    jobs: JobStore
    publisher: Publisher
    clock: Clock
    count_held: Callable[[str], int] = lambda shop_id: 0
    changed: Callable[[Sequence[Order]], object] | None = None    # orders re-resolved: tell the ERP
    pull_catalog: Callable[[str], PullCounts] | None = None        # a shop's catalog, its re-resolve left to the job


def run_step(deps: JobDeps, step: Step) -> None:
    job = deps.jobs.get(step.job_id)
    if job is None:
        log.warning("a step of an unknown job", extra={"job_id": step.job_id})
        return
    if step.key in job.applied:
        start_passes(deps, job)          # a crash may have lost them after the record: sent again, deduplicated
        return
    if step.key.startswith("link:"):
        linked, shops = link_codes(deps.links, step.codes)
        job = _record(deps, step.job_id, step.key, linked=linked, shops=shops)
        start_passes(deps, job)
        return
    if step.key.startswith("catalog:"):
        _pull_catalog(deps, step)
        return
    _resolve_page(deps, step)


def catalog_step(job_id: str, shop_id: str, run: int = 0) -> Step:
    return Step(job_id, f"catalog:{shop_id}:{run}", shop_id=shop_id, page=run)


def _pull_catalog(deps: JobDeps, step: Step) -> None:
    if deps.pull_catalog is None:
        raise RuntimeError("this consumer cannot pull catalogs")
    counts = deps.pull_catalog(step.shop_id)
    follow = [] if counts.complete else [catalog_step(step.job_id, step.shop_id, step.page + 1)]
    if follow:      # sent before the record, as a resolve page's next page is
        deps.publisher.publish(QUEUE, [s.message() for s in follow])
    # the shop joins the job's shops once its catalog is whole: its re-resolve pass starts then
    job = _record(deps, step.job_id, step.key, linked=counts.linked, fetched=counts.fetched, added=counts.added,
                  shops=() if follow else (step.shop_id,), follow=[s.key for s in follow])
    start_passes(deps, job)


def _resolve_page(deps: JobDeps, step: Step) -> None:
    total = deps.count_held(step.shop_id) if step.page == 0 else 0
    page = deps.links.orders.query(OrderQuery(shop_id=step.shop_id, hold=HoldReason.UNLINKED_SKU, limit=PAGE,
                                              cursor=step.cursor))
    released, changed = reresolve_orders(deps.links, page.items)
    if changed and deps.changed is not None:
        deps.changed(changed)
    follow = [resolve_step(step.job_id, step.shop_id, step.page + 1, page.cursor)] if page.cursor else []
    if follow:      # sent before the record: a crash in between repeats this page, never loses the next
        deps.publisher.publish(QUEUE, [s.message() for s in follow])
    first = max(total, len(page.items)) if step.page == 0 else 0
    _record(deps, step.job_id, step.key, total=first, done=len(page.items), released=released,
            follow=[s.key for s in follow])


def start_passes(deps: JobDeps, job: LinkJob) -> None:
    """Once no link (or goods push) step is left, every shop that gained links gets its re-resolve pass."""
    if any(key.startswith(("link:", "push:")) for key in job.pending):
        return
    steps = [resolve_step(job.job_id, shop) for shop in job.shops if f"resolve:{shop}:0" in job.pending]
    if steps:
        deps.publisher.publish(QUEUE, [s.message() for s in steps])


def _record(deps: JobDeps, job_id: str, key: str, *, total: int = 0, done: int = 0, released: int = 0,
            linked: int = 0, fetched: int = 0, added: int = 0, shops: Iterable[str] = (),
            follow: Sequence[str] = ()) -> LinkJob:
    for _ in range(MAX_ATTEMPTS):
        job = get_job(deps.jobs, job_id)
        if key in job.applied:
            return job
        now = deps.clock.now()
        new_shops = tuple(sorted(set(shops) - set(job.shops)))
        passes = [f"resolve:{shop}:0" for shop in new_shops]
        pending = tuple(k for k in (*job.pending, *passes, *follow) if k != key and k not in job.applied)
        updated = replace(job, total=job.total + total, done=job.done + done, released=job.released + released,
                          linked=job.linked + linked, fetched=job.fetched + fetched, added=job.added + added,
                          shops=(*job.shops, *new_shops),
                          pending=tuple(dict.fromkeys(pending)), applied=(*job.applied, key), updated_at=now)
        if not updated.pending:
            updated = _finished(updated, now)
        try:
            deps.jobs.save(updated, job.revision)
        except ConflictError:
            continue
        return replace(updated, revision=job.revision + 1)
    raise ConflictError(f"job {job_id} kept changing")


def _finished(job: LinkJob, now: datetime) -> LinkJob:
    return replace(job, status="done", finished_at=now)
