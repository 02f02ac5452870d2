"""Background job records (services/link_jobs.py) in the sync table: pk "JOB#<id>", sk "JOB", the job as
JSON, a revision for conditional writes, kept 30 days (TTL). And the count of a shop's orders held for
unlinked SKUs, which a re-resolve pass reports as its total."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.codec import from_doc, to_doc
from chalicelib.domain.status import HoldReason
from chalicelib.services.stock_ports import LinkJob
from chalicelib.storage import conditional, order_lists
from chalicelib.storage.models import OrderItem, SyncItem

SK = "JOB"
TTL = timedelta(days=30)


def _item(job: LinkJob, revision: int) -> SyncItem:
    expires = int((job.created_at + TTL).timestamp())
    return SyncItem(f"JOB#{job.job_id}", SK, revision=revision, expires_at=expires, doc=to_doc(job))


class DynamoJobRepository:
    def get(self, job_id: str) -> LinkJob | None:
        try:
            item = SyncItem.get(f"JOB#{job_id}", SK, consistent_read=True)
        except SyncItem.DoesNotExist:
            return None
        return from_doc(LinkJob, {**item.doc, "revision": int(item.revision or 0)})

    def add(self, job: LinkJob) -> None:
        conditional.put(_item(job, 1), SyncItem.stream_key.does_not_exist(), f"job {job.job_id}")

    def save(self, job: LinkJob, expected_revision: int) -> None:
        conditional.put(_item(job, expected_revision + 1), SyncItem.revision == expected_revision,
                        f"job {job.job_id}")


def count_held(shop_id: str) -> int:
    """A COUNT query of the held list (storage/order_lists.py: every held order, all shops, and nothing else),
    filtered to the shop and the hold: the index's filter fields are read, not the orders."""
    condition = (OrderItem.shop_id == shop_id) & OrderItem.holds.contains(HoldReason.UNLINKED_SKU.value)
    return int(OrderItem.by_list.count(order_lists.HELD, filter_condition=condition))
