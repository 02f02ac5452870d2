"""moto's SQS computes every queue attribute, message counts included (a walk over every message),
each time it reads one setting: per message sent (ContentBasedDeduplication, twice) and per message
received (the retention period, through get_queue_attributes). A queue of a few thousand messages
becomes O(n^2) and starves everything else in this one process: a 2,000-order backfill spent most of
its time there. For the local runtime only, the counts are computed when they are asked for
(GetQueueAttributes) and nowhere else; every answer is unchanged.

moto's DynamoDB TransactWriteItems deep-copies the whole table once per item of the transaction (its
rollback copy): a transaction of 100 new ERP SKUs copied the table 100 times (2.5 s). Here one copy per
table and transaction serves them all: the same rollback state, taken once."""
from __future__ import annotations

import threading
from typing import Any, ClassVar

COUNTS = ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed",
          "ApproximateNumberOfMessagesNotVisible")

_applied = False
_asked = threading.local()


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.sqs import models
    _count_only_when_asked(models)
    _retention_without_counting(models)
    _one_rollback_copy_per_transaction()
    _applied = True


def _count_only_when_asked(models: Any) -> None:
    every_attribute = models.Queue.attributes.fget
    get_queue_attributes = models.SQSBackend.get_queue_attributes

    class SettingsOnly:
        """The queue as its attribute list sees it, minus the counts (a view: moto's server is threaded)."""
        BASE_ATTRIBUTES: ClassVar[list[str]] = [a for a in models.Queue.BASE_ATTRIBUTES if a not in COUNTS]

        def __init__(self, queue: Any) -> None:
            self._queue = queue

        def __getattr__(self, name: str) -> Any:
            return getattr(self._queue, name)

    def attributes(queue: Any) -> dict[str, Any]:
        counted = getattr(_asked, "counts", False)
        return dict(every_attribute(queue if counted else SettingsOnly(queue)))

    def asked(self: Any, *args: Any, **kwargs: Any) -> Any:
        _asked.counts = True
        try:
            return get_queue_attributes(self, *args, **kwargs)
        finally:
            _asked.counts = False

    models.Queue.attributes = property(attributes)
    models.SQSBackend.get_queue_attributes = asked


def _retention_without_counting(models: Any) -> None:
    from moto.core.utils import unix_time

    def is_message_valid_based_on_retention_period(self: Any, queue_name: str, message: Any) -> bool:
        retention = int(self.get_queue(queue_name).message_retention_period)
        return bool(retention + message.sent_timestamp / 1000 > unix_time())

    models.SQSBackend.is_message_valid_based_on_retention_period = is_message_valid_based_on_retention_period


def _one_rollback_copy_per_transaction() -> None:
    import copy

    from moto.dynamodb import models as dynamodb
    from moto.dynamodb.models.table import Table
    transact = dynamodb.DynamoDBBackend.transact_write_items
    state = threading.local()

    class CopyOncePerTransaction:
        """moto's module-level `copy`, with a table's deep copy taken once per transaction of this thread."""

        def __getattr__(self, name: str) -> Any:
            return getattr(copy, name)

        @staticmethod
        def deepcopy(obj: Any, *args: Any) -> Any:
            taken: dict[int, Any] | None = getattr(state, "taken", None)
            if taken is None or not isinstance(obj, Table):
                return copy.deepcopy(obj, *args)
            if id(obj) not in taken:
                taken[id(obj)] = copy.deepcopy(obj, *args)
            return taken[id(obj)]

    def transact_write_items(self: Any, *args: Any, **kwargs: Any) -> Any:
        state.taken = {}
        try:
            return transact(self, *args, **kwargs)
        finally:
            state.taken = None

    dynamodb.copy = CopyOncePerTransaction()   # type: ignore[assignment]
    dynamodb.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
