"""moto's SQS computes every queue attribute, message counts included (a walk over every message),
each time it reads one setting: per message sent (ContentBasedDeduplication, twice) and per message
received (the retention period, through get_queue_attributes). A queue of a few thousand messages
becomes O(n^2) and starves everything else in this one process: a 2,000-order backfill spent most of
its time there. For the local runtime only, the counts are computed when they are asked for
(GetQueueAttributes) and nowhere else; every answer is unchanged."""
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
