"""Re-evaluating the orders still waiting for review after the configuration changed, on the link-jobs
queue in pages with progress (the job record is a LinkJob of kind "review", read at /admin/jobs/{id}).
Steps: `review:<status>:<page>` for the unpaid and the awaiting-shipment lists (held, ready and waiting
orders alike). An order the ERP took, or a person confirmed, is never touched; each write is conditional
on the revision read, and a lost race re-reads the order and evaluates it again."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib.domain.errors import ConflictError
from chalicelib.domain.orders import Order, OrderChange
from chalicelib.domain.review_eval import reviewable
from chalicelib.domain.status import OrderStatus
from chalicelib.services.link_jobs import QUEUE, JobStore, LinkJob, Step, get_job
from chalicelib.services.ports import Clock, OrderQuery, OrderRepository, Publisher

PAGE = 100
MAX_ATTEMPTS = 8
STATUSES = (OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_SHIPMENT)
KIND = "review"


def is_review_step(step: Step) -> bool:
    return step.key.startswith("review:")


def _step(job_id: str, status: str, page: int = 0, cursor: str | None = None) -> Step:
    return Step(job_id, f"review:{status}:{page}", page=page, cursor=cursor)


@dataclass
class ReviewJobStarter:
    jobs: JobStore
    publisher: Publisher
    clock: Clock
    new_id: Callable[[], str] = field(default=lambda: f"job_{uuid.uuid4().hex[:20]}")

    def __call__(self) -> str:
        job_id = self.new_id()
        now = self.clock.now()
        steps = [_step(job_id, status.value) for status in STATUSES]
        self.jobs.add(LinkJob(job_id, KIND, now, now, pending=tuple(s.key for s in steps)))
        self.publisher.publish(QUEUE, [s.message() for s in steps])
        return job_id


@dataclass(frozen=True)
class ReviewJobDeps:
    orders: OrderRepository
    jobs: JobStore
    publisher: Publisher
    clock: Clock
    gate: Callable[[], Callable[[Order], Order]]     # the gate over the current rule set (fresh per step)
    changed: Callable[[Sequence[Order]], object] | None = None   # tell the ERP


def run_review_step(deps: ReviewJobDeps, step: Step) -> None:
    job = deps.jobs.get(step.job_id)
    if job is None or step.key in job.applied:
        return
    status = OrderStatus(step.key.split(":")[1])
    page = deps.orders.query(OrderQuery(status=status, limit=PAGE, cursor=step.cursor))
    gate = deps.gate()
    changed = [order for order in (reevaluate(deps, gate, o) for o in page.items) if order is not None]
    if changed and deps.changed is not None:
        deps.changed(changed)
    follow = [_step(step.job_id, status.value, step.page + 1, page.cursor)] if page.cursor else []
    if follow:      # sent before the record: a crash in between repeats this page, never loses the next
        deps.publisher.publish(QUEUE, [s.message() for s in follow])
    _record(deps, step.job_id, step.key, len(page.items), len(changed), [s.key for s in follow])


def reevaluate(deps: ReviewJobDeps, gate: Callable[[Order], Order], order: Order) -> Order | None:
    """The order as written if the verdict changed it, else None."""
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            order = deps.orders.get(order.order_id) or order
        if not reviewable(order):
            return None
        reviewed = gate(order)
        if _same(reviewed, order):
            return None
        now = deps.clock.now()
        written = replace(reviewed, updated_at=now, history=(*order.history, OrderChange(
            now, "system:review", f"re-reviewed: {reviewed.review.value}"))[-50:])
        try:
            deps.orders.save(written, order.revision)
        except ConflictError:
            continue
        return replace(written, revision=order.revision + 1)
    raise ConflictError(f"order {order.order_id} kept changing during re-review")


def _same(a: Order, b: Order) -> bool:
    keys = ("review", "holds", "rule_holds", "hold_notes", "erp_handoff", "seller_memo", "seller_flag", "plan")
    return all(getattr(a, k) == getattr(b, k) for k in keys)


def _record(deps: ReviewJobDeps, job_id: str, key: str, done: int, released: int, follow: Sequence[str]) -> None:
    for _ in range(MAX_ATTEMPTS):
        job = get_job(deps.jobs, job_id)
        if key in job.applied:
            return
        now = deps.clock.now()
        pending = tuple(dict.fromkeys(k for k in (*job.pending, *follow) if k != key and k not in job.applied))
        updated = replace(job, done=job.done + done, total=job.total + done, released=job.released + released,
                          pending=pending, applied=(*job.applied, key), updated_at=now)
        if not pending:
            updated = replace(updated, status="done", finished_at=now)
        try:
            deps.jobs.save(updated, job.revision)
        except ConflictError:
            continue
        return
    raise ConflictError(f"job {job_id} kept changing")


def job_summary(job: LinkJob) -> dict[str, Any]:
    return {"job_id": job.job_id, "status": job.status, "done": job.done, "changed": job.released}
