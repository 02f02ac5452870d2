"""Pull cursors, leases and logs in DynamoDB. A lease keeps two pull workers (a duplicate job, a slow
run overlapping the next tick) off one stream; the watermark moves only under the lease."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import DeleteError, UpdateError

from chalicelib.codec import from_doc, parse_time, sortable, to_doc
from chalicelib.domain.errors import ConflictError
from chalicelib.domain.sync import Cursor, PullLog, Stream
from chalicelib.storage import conditional
from chalicelib.storage.models import SyncItem

CURSOR = "CURSOR"
PENDING = "PENDING"      # a scheduled pull job queued or running: lease_owner = its job id, lease_until = expiry
SENT = "SENT"            # what the last pulls enqueued in the overlap: doc = {record key: [digest, modified]}
LOG_TTL = timedelta(days=30)
STATS_TTL = timedelta(days=90)


def _key(shop_id: str, stream: Stream) -> str:
    return f"{shop_id}#{stream.value}"


def _cursor(shop_id: str, stream: Stream, item: SyncItem) -> Cursor:
    return Cursor(shop_id=shop_id, stream=stream,
                  watermark=parse_time(item.watermark) if item.watermark else None,
                  lease_owner=item.lease_owner or "",
                  lease_until=parse_time(item.lease_until) if item.lease_until else None,
                  last_success_at=parse_time(item.last_success_at) if item.last_success_at else None,
                  last_error=item.last_error or "", revision=int(item.revision or 0))


class DynamoSyncRepository:
    def get_cursor(self, shop_id: str, stream: Stream) -> Cursor:
        try:
            item = SyncItem.get(_key(shop_id, stream), CURSOR, consistent_read=True)
        except SyncItem.DoesNotExist:
            return Cursor(shop_id, stream)
        return _cursor(shop_id, stream, item)

    def acquire_lease(self, shop_id: str, stream: Stream, owner: str, now: datetime,
                      ttl: timedelta) -> Cursor | None:
        item = SyncItem(_key(shop_id, stream), CURSOR)
        free = (SyncItem.lease_until.does_not_exist() | (SyncItem.lease_until < sortable(now))
                | (SyncItem.lease_owner == owner))
        # PynamoDB's update asks for ALL_NEW and keeps it on the item: the cursor comes without a read
        taken = self._update(item, [SyncItem.lease_owner.set(owner), SyncItem.lease_until.set(sortable(now + ttl))],
                             free)
        return _cursor(shop_id, stream, item) if taken else None

    def advance(self, shop_id: str, stream: Stream, owner: str, watermark: datetime, now: datetime,
                release: bool = False) -> bool:
        """Moves the watermark forward (never back) while `owner` holds the lease; `release`: and frees
        the stream in the same write (the last window of a run: one write fewer per pull)."""
        item = SyncItem(_key(shop_id, stream), CURSOR)
        guard = (SyncItem.lease_owner == owner) & (
            SyncItem.watermark.does_not_exist() | (SyncItem.watermark < sortable(watermark)))
        actions: list[Any] = [SyncItem.watermark.set(sortable(watermark)), SyncItem.revision.add(1),
                              SyncItem.last_success_at.set(sortable(now)), SyncItem.last_error.remove()]
        if release:
            actions += [SyncItem.lease_owner.remove(), SyncItem.lease_until.remove()]
        return self._update(item, actions, guard)

    def release(self, shop_id: str, stream: Stream, owner: str, error: str = "") -> None:
        item = SyncItem(_key(shop_id, stream), CURSOR)
        actions: list[Any] = [SyncItem.lease_owner.remove(), SyncItem.lease_until.remove()]
        if error:
            actions.append(SyncItem.last_error.set(error[:500]))
        self._update(item, actions, SyncItem.lease_owner == owner)

    def add_counts(self, shop_id: str, stream: Stream, day: str, counts: dict[str, int]) -> None:
        """One atomic ADD per shop and consumer batch (not per record): the day's outcome counters."""
        item = SyncItem(_key(shop_id, stream), f"STATS#{day}")
        attrs = {"new": SyncItem.n_new, "updated": SyncItem.n_updated, "unchanged": SyncItem.n_unchanged,
                 "failed": SyncItem.n_failed}
        actions: list[Any] = [attrs[k].add(v) for k, v in counts.items() if v and k in attrs]
        if actions:
            expires = int(datetime.now().timestamp() + STATS_TTL.total_seconds())
            item.update(actions=[*actions, SyncItem.expires_at.set(expires)])

    def counts(self, shop_id: str, stream: Stream, now: datetime) -> dict[str, int]:
        try:
            item = SyncItem.get(_key(shop_id, stream), f"STATS#{now.astimezone(UTC):%Y-%m-%d}")
        except SyncItem.DoesNotExist:
            return {"new": 0, "updated": 0, "unchanged": 0, "failed": 0}
        return {"new": int(item.n_new or 0), "updated": int(item.n_updated or 0),
                "unchanged": int(item.n_unchanged or 0), "failed": int(item.n_failed or 0)}

    def add_log(self, log: PullLog) -> None:
        expires = int((log.finished_at + LOG_TTL).timestamp())
        SyncItem(_key(log.shop_id, log.stream), f"LOG#{sortable(log.started_at)}#{log.job_id}",
                 expires_at=expires, doc=to_doc(log)).save()

    def logs(self, shop_id: str, stream: Stream, limit: int = 20) -> list[PullLog]:
        items = SyncItem.query(_key(shop_id, stream), SyncItem.sk.startswith("LOG#"), scan_index_forward=False,
                               limit=limit)
        return [from_doc(PullLog, i.doc) for i in items]

    def mark_pending(self, shop_id: str, stream: Stream, job_id: str, now: datetime, until: datetime) -> bool:
        """One conditional put: False while another scheduled job for the stream is queued or running."""
        item = SyncItem(_key(shop_id, stream), PENDING, lease_owner=job_id, lease_until=sortable(until),
                        expires_at=int(until.timestamp()))
        try:
            conditional.put(item, SyncItem.sk.does_not_exist() | (SyncItem.lease_until < sortable(now)),
                            f"pending job of {shop_id}")
        except ConflictError:
            return False
        return True

    def clear_pending(self, shop_id: str, stream: Stream, job_id: str) -> None:
        """Only the job's own mark (a later tick's mark for a newer job stays)."""
        try:
            SyncItem(_key(shop_id, stream), PENDING).delete(condition=SyncItem.lease_owner == job_id)
        except DeleteError as exc:
            if getattr(exc, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise

    def get_sent(self, shop_id: str, stream: Stream) -> dict[str, tuple[str, float]]:
        try:
            item = SyncItem.get(_key(shop_id, stream), SENT, consistent_read=True)
        except SyncItem.DoesNotExist:
            return {}
        return {key: (str(v[0]), float(v[1])) for key, v in (item.doc or {}).items()}

    def put_sent(self, shop_id: str, stream: Stream, sent: dict[str, tuple[str, float]]) -> None:
        """Written by the lease holder only (the pull that just ran): no condition needed."""
        SyncItem(_key(shop_id, stream), SENT, doc={k: [v[0], v[1]] for k, v in sent.items()}).save()

    @staticmethod
    def _update(item: SyncItem, actions: list, condition: object) -> bool:  # type: ignore[type-arg]
        try:
            item.update(actions=actions, condition=condition)  # type: ignore[arg-type]
        except UpdateError as exc:
            if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
                return False
            raise
        return True
