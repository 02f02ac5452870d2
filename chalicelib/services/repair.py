"""Repair tools: pull one order by its number, re-sync a shop over a date range in bounded jobs, pull a
shop now."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

from chalicelib.domain.errors import NotFoundError, ValidationError
from chalicelib.domain.sync import Stream
from chalicelib.services.ports import Publisher, ShopRepository
from chalicelib.services.queue_messages import PullJobMessage, order_group

BACKFILL_JOB_SPAN = timedelta(days=1)     # one job per day: each fits a Lambda run with room to spare
MAX_BACKFILL = timedelta(days=366)


def pull_order(shops: ShopRepository, publisher: Publisher, shop_id: str, order_no: str) -> None:
    if shops.get(shop_id) is None:
        raise NotFoundError(f"no shop {shop_id}")
    body = json.dumps({"kind": "order", "shop_id": shop_id, "order_no": order_no, "source": "repair"})
    publisher.publish("orders", [(body, order_group(shop_id, order_no), f"repair:{uuid.uuid4().hex}")])


def resync(shops: ShopRepository, publisher: Publisher, shop_id: str, stream: str, start: datetime,
           end: datetime) -> int:
    if shops.get(shop_id) is None:
        raise NotFoundError(f"no shop {shop_id}")
    if start.tzinfo is None or end.tzinfo is None:
        raise ValidationError("start and end need a time zone offset", field="start")
    if not start < end or end - start > MAX_BACKFILL:
        raise ValidationError("the range must be positive and at most a year", field="end")
    jobs: list[tuple[str, str, str]] = []
    batch = uuid.uuid4().hex[:8]
    cursor = start
    while cursor < end:
        stop = min(end, cursor + BACKFILL_JOB_SPAN)
        job = PullJobMessage(shop_id=shop_id, stream=Stream(stream).value, job_id=f"backfill-{batch}-{len(jobs)}",
                             trigger="backfill", range_start=cursor, range_end=stop)
        jobs.append((job.model_dump_json(), shop_id, job.job_id))
        cursor = stop
    publisher.publish("pull_jobs", jobs)
    return len(jobs)


def pull_now(shops: ShopRepository, publisher: Publisher, shop_id: str, now: datetime) -> int:
    shop = shops.get(shop_id)
    if shop is None:
        raise NotFoundError(f"no shop {shop_id}")
    jobs = [PullJobMessage(shop_id=shop_id, stream=s.value, job_id=f"{shop_id}-{s.value}-manual-{int(now.timestamp())}",
                           trigger="manual") for s in Stream]
    publisher.publish("pull_jobs", [(j.model_dump_json(), shop_id, j.job_id) for j in jobs])
    return len(jobs)
