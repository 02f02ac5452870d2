"""The pull worker's use case: walk a shop's stream from its cursor (minus an overlap) to now (minus the
platform's settling lag), in windows the platform allows, every page, sending each record to its queue.
The watermark advances only after a whole window is enqueued; a run that nears its time limit saves its
place and hands the rest to a continuation job. Throttling and expired tokens park that shop alone."""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.codec import to_doc
from chalicelib.domain.shops import Shop
from chalicelib.domain.status import ShopStatus
from chalicelib.domain.sync import OVERLAP, PullCounts, PullLog, Stream, chunks, pull_range
from chalicelib.services.platform_errors import AuthExpiredError, RateLimitedError, TransientError
from chalicelib.services.platform_ports import PlatformClient
from chalicelib.services.platform_types import CanonicalAfterSale, CanonicalOrder
from chalicelib.services.ports import Clock, PendingMarks, Publisher, RawStore, ShopStatusStore, SyncRepository
from chalicelib.services.queue_messages import PullJobMessage, dedup_id, order_group

log = logging.getLogger("oms.pull")

BATCH = 100                            # records per raw object and per publish round
LEASE = timedelta(minutes=16)          # longer than the pull Lambda's 14-minute timeout
SAFETY_MARGIN_SECONDS = 90
# A tick's job marks its stream pending until it ends; a job lost on the way (never run) or failing with
# a bug frees the stream when the mark expires (past the 16-minute lease)
PENDING_FOR = timedelta(minutes=20)
SENT_KEPT = 5000                       # (key, digest) pairs remembered per stream: ~250 KB at most


@dataclass
class PullDeps:
    shops: ShopStatusStore
    sync: SyncRepository
    clients: Callable[[Shop], PlatformClient]
    raw: RawStore
    publisher: Publisher
    clock: Clock
    time_left: Callable[[], float]     # seconds the Lambda has left


def run_pull(job: PullJobMessage, deps: PullDeps) -> PullLog | None:
    """Runs the job, then frees its stream for the next tick (a continuation keeps the tick's mark). A job
    that raises keeps it: its message comes back, and ticks add nothing behind it until the mark expires."""
    continued: list[PullJobMessage] = []
    entry = _run_pull(job, deps, continued)
    if not continued:
        deps.sync.clear_pending(job.shop_id, Stream(job.stream), tick_job_id(job.job_id))
    return entry


def tick_job_id(job_id: str) -> str:
    """The scheduled job a continuation ("<id>+", "<id>++"...) carries on: the owner of the pending mark."""
    return job_id.rstrip("+")


def _run_pull(job: PullJobMessage, deps: PullDeps, continued: list[PullJobMessage]) -> PullLog | None:
    shop = deps.shops.get(job.shop_id)
    if shop is None or not shop.syncing:
        return None
    stream = Stream(job.stream)
    if job.range_start and job.range_end:
        return _backfill(job, shop, stream, deps)
    started = deps.clock.now()
    cursor = deps.sync.acquire_lease(shop.shop_id, stream, job.job_id, started, LEASE)
    if cursor is None:
        log.info("stream busy: another pull holds it", extra={"shop_id": shop.shop_id, "stream": stream.value})
        return None
    client = deps.clients(shop)
    start, end = pull_range(cursor.watermark, started, client.settle_lag)
    progress, error = Progress(PullCounts(), start), ""
    sent = SentRecords(lambda: deps.sync.get_sent(shop.shop_id, stream))
    try:
        _read_windows(job, shop, client, end, deps, sent, progress, continued)
        _unpark(shop, deps)
    except (RateLimitedError, AuthExpiredError) as exc:
        error = _park(shop, exc, deps)
    except TransientError as exc:
        # the platform is down or failing: the job ends here (its message goes, the stream is free) and
        # the next tick pulls again from the same watermark. Failing the message instead held the shop's
        # FIFO group for the queue's visibility timeout (84 min), with every later tick queued behind it
        error = f"{type(exc).__name__}: {exc}"
        log.warning("pull failed; the next tick retries", extra={"shop_id": shop.shop_id, "error": error})
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        counts = progress.counts
        if counts.enqueued:
            deps.sync.put_sent(shop.shop_id, stream, still_resendable(sent.records, progress.reached))
        if not progress.released or error:
            deps.sync.release(shop.shop_id, stream, job.job_id, error)
        entry = _log(job, stream, started, deps.clock.now(), start, progress.reached, counts, error, end)
        if counts.enqueued or entry.outcome != "ok" or job.trigger != "schedule":
            # a scheduled pull that found nothing new leaves no log line (one per stream per tick, kept
            # 30 days, and noise in the pull history): the cursor's last success time says it ran.
            # Nothing new includes what the overlap read again unchanged: a shop selling at all has
            # some order in every pull's last ten minutes (9,000 log items an hour in the x60 soak)
            deps.sync.add_log(entry)
    return entry


@dataclass
class Progress:
    counts: PullCounts
    reached: datetime
    released: bool = False     # the last window's advance freed the stream


def _read_windows(job: PullJobMessage, shop: Shop, client: PlatformClient, end: datetime, deps: PullDeps,
                  sent: SentRecords, progress: Progress, continued: list[PullJobMessage]) -> None:
    stream = Stream(job.stream)
    for window_start, window_end in chunks(progress.reached, end, client.max_window):
        if deps.time_left() < SAFETY_MARGIN_SECONDS:
            continued.append(_continue_later(job, deps))
            return
        progress.counts += _pull_window(client, shop, stream, window_start, window_end, deps, sent)
        progress.released = deps.sync.advance(shop.shop_id, stream, job.job_id, window_end, deps.clock.now(),
                                              release=window_end == end)
        progress.reached = window_end


def _backfill(job: PullJobMessage, shop: Shop, stream: Stream, deps: PullDeps) -> PullLog:
    """A repair range: bounded windows, no watermark; what is left when time runs short goes on in a
    new job for the rest of the range."""
    assert job.range_start and job.range_end
    client = deps.clients(shop)
    started, counts, reached = deps.clock.now(), PullCounts(), job.range_start
    for window_start, window_end in chunks(job.range_start, job.range_end, client.max_window):
        if deps.time_left() < SAFETY_MARGIN_SECONDS:
            _continue_later(replace_range(job, window_start), deps)
            break
        counts += _pull_window(client, shop, stream, window_start, window_end, deps)
        reached = window_end
    entry = _log(job, stream, started, deps.clock.now(), job.range_start, reached, counts, "", job.range_end)
    deps.sync.add_log(entry)
    return entry


def replace_range(job: PullJobMessage, start: datetime) -> PullJobMessage:
    return job.model_copy(update={"range_start": start, "job_id": f"{job.job_id}+", "trigger": "continuation"})


class SentRecords:
    """What the last pulls enqueued, read on the first page that has records: most pulls find nothing
    (at --tick-scale 60 the local runtime runs seven a second) and need not read it."""

    def __init__(self, load: Callable[[], dict[str, tuple[str, float]]]) -> None:
        self._load = load
        self._records: dict[str, tuple[str, float]] | None = None

    @property
    def records(self) -> dict[str, tuple[str, float]]:
        if self._records is None:
            self._records = self._load()
        return self._records


def still_resendable(sent: dict[str, tuple[str, float]], watermark: datetime) -> dict[str, tuple[str, float]]:
    """The next pull re-reads from `watermark - OVERLAP`: only what was modified since can come again."""
    since = (watermark - OVERLAP).timestamp()
    recent = sorted(((k, v) for k, v in sent.items() if v[1] >= since), key=lambda kv: kv[1][1])
    return dict(recent[-SENT_KEPT:])


def _pull_window(client: PlatformClient, shop: Shop, stream: Stream, start: datetime, end: datetime,
                 deps: PullDeps, sent: SentRecords | None = None) -> PullCounts:
    records: Iterator[Any] = (client.list_orders(start, end) if stream is Stream.ORDERS
                              else client.list_after_sales(start, end))
    counts = PullCounts()
    batch: list[Any] = []
    for record in records:
        batch.append(record)
        if len(batch) == BATCH:
            counts += _flush(shop, stream, batch, deps, sent)
            batch = []
    if batch:
        counts += _flush(shop, stream, batch, deps, sent)
    return counts


def record_key(record: CanonicalOrder | CanonicalAfterSale) -> str:
    return record.order_no if isinstance(record, CanonicalOrder) else f"as-{record.case_id}"


def record_digest(record: CanonicalOrder | CanonicalAfterSale) -> str:
    """What the consumer gets, minus the raw payload: a platform may change a record without moving its
    modified time (a refund flag), so the version alone does not say "unchanged"."""
    snapshot = {k: v for k, v in to_doc(record).items() if k != "raw"}
    return hashlib.blake2b(json.dumps(snapshot, sort_keys=True, default=str).encode(), digest_size=8).hexdigest()


def _flush(shop: Shop, stream: Stream, batch: list[Any], deps: PullDeps,
           sent_records: SentRecords | None = None) -> PullCounts:
    """Enqueues the batch, minus (with `sent`) the records the overlap brings again unchanged: what was
    already enqueued costs no message (the consumer would find it unchanged anyway)."""
    sent = sent_records.records if sent_records is not None else None
    digests = [record_digest(r) for r in batch] if sent is not None else []
    fresh = [r for n, r in enumerate(batch) if sent is None or sent.get(record_key(r), ("", 0.0))[0] != digests[n]]
    if fresh:
        raw_key = deps.raw.put_batch(shop, stream.value, [dict(r.raw) for r in fresh])
        queue = "orders" if stream is Stream.ORDERS else "after_sales"
        deps.publisher.publish(queue, (_message(shop, r, f"{raw_key}#{n}") for n, r in enumerate(fresh)))
    if sent is not None:
        sent.update((record_key(r), (digests[n], r.modified_at.timestamp())) for n, r in enumerate(batch))
    return PullCounts(fetched=len(batch), enqueued=len(fresh), pages=1)


def _message(shop: Shop, record: CanonicalOrder | CanonicalAfterSale, raw_ref: str) -> tuple[str, str, str]:
    snapshot = {k: v for k, v in to_doc(record).items() if k != "raw"}
    # the content is in the deduplication id, not only the version: a platform with second-precision times
    # (JD) reports two changes of one second at one version, and SQS would drop the second as a duplicate
    version = f"{record.version}.{record_digest(record)}"
    if isinstance(record, CanonicalOrder):
        body = {"kind": "order", "shop_id": shop.shop_id, "order_no": record.order_no, "version": record.version,
                "snapshot": snapshot, "raw_ref": raw_ref, "source": "pull"}
        return json.dumps(body, ensure_ascii=False), order_group(shop.shop_id, record.order_no), dedup_id(
            shop.shop_id, record.order_no, version)
    body = {"kind": "after_sale", "shop_id": shop.shop_id, "case_id": record.case_id, "order_no": record.order_no,
            "version": record.version, "snapshot": snapshot, "raw_ref": raw_ref, "source": "pull"}
    return json.dumps(body, ensure_ascii=False), order_group(shop.shop_id, record.order_no), dedup_id(
        shop.shop_id, f"as-{record.case_id}", version)


def _continue_later(job: PullJobMessage, deps: PullDeps) -> PullJobMessage:
    follow = job.model_copy(update={"job_id": f"{job.job_id}+", "trigger": "continuation"})
    deps.publisher.publish("pull_jobs", [(follow.model_dump_json(), follow.shop_id, follow.job_id)])
    return follow


def _park(shop: Shop, exc: RateLimitedError | AuthExpiredError, deps: PullDeps) -> str:
    now = deps.clock.now()
    if isinstance(exc, RateLimitedError):
        change = {"status": ShopStatus.RATE_LIMITED, "parked_until": now + timedelta(seconds=max(60, exc.retry_after)),
                  "status_reason": f"rate limited by the platform ({exc.code}): {exc}"}
    else:
        change = {"status": ShopStatus.REAUTH_NEEDED, "status_reason": f"authorisation expired ({exc.code}): {exc}"}
    current = deps.shops.get(shop.shop_id) or shop
    deps.shops.save(replace(current, **change), current.revision)  # type: ignore[arg-type]
    return str(change["status_reason"])


def _unpark(shop: Shop, deps: PullDeps) -> None:
    if shop.status is ShopStatus.RATE_LIMITED:
        deps.shops.save(replace(shop, status=ShopStatus.ACTIVE, parked_until=None, status_reason=""), shop.revision)


def _log(job: PullJobMessage, stream: Stream, started: datetime, finished: datetime, start: datetime,
         reached: datetime, counts: PullCounts, error: str, end: datetime) -> PullLog:
    outcome = "error" if error else ("ok" if reached >= end else "partial")
    return PullLog(shop_id=job.shop_id, stream=stream, job_id=job.job_id, started_at=started, finished_at=finished,
                   window_start=start, window_end=reached, counts=counts, outcome=outcome, error=error,
                   trigger=job.trigger)


def schedule_pulls(shops: list[Shop], publisher: Publisher, now: datetime, pending: PendingMarks | None = None) -> int:
    """One job per syncing shop and stream, unless the stream's previous job is still queued or running
    (`pending`: one conditional write each; a backlog never builds up behind a slow platform or worker);
    parked shops wait until their time is up."""
    jobs, marked = [], []
    for shop in shops:
        if shop.parked_until and shop.parked_until > now:
            continue
        for stream in Stream:
            job = PullJobMessage(shop_id=shop.shop_id, stream=stream.value,
                                 job_id=f"{shop.shop_id}-{stream.value}-{int(now.timestamp())}")
            if pending is not None:
                if not pending.mark_pending(shop.shop_id, stream, job.job_id, now, now + PENDING_FOR):
                    continue
                marked.append((shop.shop_id, stream, job.job_id))
            jobs.append((job.model_dump_json(), shop.shop_id, job.job_id))
    try:
        publisher.publish("pull_jobs", jobs)
    except Exception:
        for shop_id, stream, job_id in marked:      # not queued: the next tick may try again
            pending.clear_pending(shop_id, stream, job_id)   # type: ignore[union-attr]
        raise
    return len(jobs)
