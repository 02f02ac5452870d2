"""The link-jobs consumer: one step of a background re-resolution per message (services/link_jobs.py).
FIFO groups per job and shop keep a shop's pages in order; a failed step is retried by the queue, and a
step delivered twice is recorded once."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib import bootstrap, names
from chalicelib.messaging.consumer import consume

bp = Blueprint(__name__)


@bp.on_sqs_message(queue=names.queue_name("link_jobs"), batch_size=5)
def on_link_job(event: Any) -> dict[str, Any]:
    from chalicelib.services.goods_push_jobs import is_push_step, run_push_step
    from chalicelib.services.link_jobs import Step, run_step
    from chalicelib.services.reconcile_jobs import is_reconcile_step, run_reconcile_step
    from chalicelib.services.review_jobs import is_review_step, run_review_step
    deps = bootstrap.link_job_deps()

    def handle(body: str, record: Any) -> None:
        step = Step.parse(body)
        if is_review_step(step):      # re-evaluating waiting orders after a review rules change
            return run_review_step(bootstrap.review_job_deps(), step)
        if is_push_step(step):        # shop products into the goods library
            return run_push_step(bootstrap.push_job_deps(), step)
        if is_reconcile_step(step):   # the stock reconcile started from the admin API
            return run_reconcile_step(bootstrap.reconcile_deps(), step)
        return run_step(deps, step)
    return consume(event, handle)
