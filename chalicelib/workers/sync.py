"""Scheduled pulls: a tick enqueues one job per syncing shop and stream (none while the previous one is
still queued or running); the pull worker runs each."""
from __future__ import annotations

import logging
from typing import Any

from chalice import Blueprint, Rate

from chalicelib import bootstrap, names
from chalicelib.messaging.consumer import consume

bp = Blueprint(__name__)
log = logging.getLogger("oms.workers.sync")


@bp.schedule(Rate(2, unit=Rate.MINUTES))
def enqueue_pulls(event: Any) -> dict[str, int]:
    from chalicelib.services.pull import schedule_pulls
    count = schedule_pulls(bootstrap.shops().syncing(), bootstrap.publisher(), bootstrap.clock().now(),
                           pending=bootstrap.sync())
    log.info("pull jobs enqueued", extra={"jobs": count})
    return {"jobs": count}


@bp.on_sqs_message(queue=names.queue_name("pull_jobs"), batch_size=1)
def on_pull_job(event: Any) -> dict[str, Any]:
    context = event.context

    def handle(body: str, record: dict[str, Any]) -> None:
        from chalicelib.services.pull import PullDeps, run_pull
        from chalicelib.services.queue_messages import PullJobMessage
        deps = PullDeps(shops=bootstrap.shops(), sync=bootstrap.sync(), clients=bootstrap.clients(),
                        raw=bootstrap.raw_store(), publisher=bootstrap.publisher(), clock=bootstrap.clock(),
                        time_left=lambda: context.get_remaining_time_in_millis() / 1000 if context else 900.0)
        entry = run_pull(PullJobMessage.model_validate_json(body), deps)
        if entry:
            log.info("pull done", extra={"shop_id": entry.shop_id, "stream": entry.stream.value,
                                         "outcome": entry.outcome, "fetched": entry.counts.fetched})

    return consume(event, handle)
