"""moto's SQS computes every queue attribute, message counts included (a walk over every message),
each time it reads one setting: per message sent (ContentBasedDeduplication, twice) and per message
received (the retention period, through get_queue_attributes). A queue of a few thousand messages
becomes O(n^2) and starves everything else in this one process: a 2,000-order backfill spent most of
its time there. For the local runtime only, the counts are computed when they are asked for
(GetQueueAttributes) and nowhere else; every answer is unchanged.

moto's DynamoDB TransactWriteItems deep-copies the whole table once per item of the transaction (its
rollback copy): a transaction of 100 new ERP SKUs copied the table 100 times (2.5 s), and every shop SKU
save and stock reservation (one transaction each) copied its whole table: re-resolving held orders slowed
down with the size of the tables. Here the conditions are checked first, against the current items; when
they all hold nothing will be rolled back and no copy is taken; otherwise moto's own path runs (one copy
per table), and reports the failures as it does.

moto's server finds the backend of every request anew, under one lock that every request takes: a
listdir of moto's package and a stat of each of its ~150 folders, then a match against each service's
URL patterns. Measured in the x60 soak: the largest cost of a request (more than DynamoDB's own work),
paid ~30 times a second. The answer depends only on the host the request names (a service and region):
here it is found once per host."""
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
    _backend_found_once_per_host()
    from local.runtime import moto_queries  # a Query sorts its own partition, not the whole table
    moto_queries.apply()
    _applied = True


HOSTS_REMEMBERED = 256     # services x regions: a handful in practice


def _backend_found_once_per_host() -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication
    find = DomainDispatcherApplication.get_backend_for_host
    found: dict[str | None, Any] = {}

    def found_once(self: Any, host: str | None) -> Any:
        if host in found:
            return found[host]
        backend = find(self, host)
        if len(found) < HOSTS_REMEMBERED:
            found[host] = backend
        return backend

    DomainDispatcherApplication.get_backend_for_host = found_once     # type: ignore[method-assign]


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
            if isinstance(taken, _NoCopy):
                return obj               # every condition holds: nothing will be rolled back
            if id(obj) not in taken:
                taken[id(obj)] = copy.deepcopy(obj, *args)
            return taken[id(obj)]

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        state.taken = {}
        if _conditions_hold(self, transact_items):
            state.taken = _NoCopy()
        try:
            return transact(self, transact_items)
        finally:
            state.taken = None

    dynamodb.copy = CopyOncePerTransaction()   # type: ignore[assignment]
    dynamodb.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


class _NoCopy(dict):  # type: ignore[type-arg]
    """The marker of a transaction whose conditions were all checked to hold."""


def _conditions_hold(backend: Any, transact_items: list[dict[str, Any]]) -> bool:
    """A dry run of moto's checks (one operation per entry, each key once, every condition true now)."""
    from moto.dynamodb.comparisons import get_filter_expression
    seen: set[tuple[str, str]] = set()
    try:
        for entry in transact_items:
            if len(entry) != 1:
                return False
            op_type, op = next(iter(entry.items()))
            if op_type not in ("ConditionCheck", "Put", "Delete", "Update"):
                return False
            table = backend.get_table(op["TableName"])
            if op_type == "Put":
                attrs = op["Item"]
                key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = attrs[table.range_key_attr]
            else:
                key = op["Key"]
            unique = (op["TableName"], str(dict(sorted(key.items()))))
            if unique in seen:
                return False
            seen.add(unique)
            condition = op.get("ConditionExpression")
            if condition is not None:
                current = backend.get_item(op["TableName"], key)
                check = get_filter_expression(condition, op.get("ExpressionAttributeNames"),
                                              op.get("ExpressionAttributeValues"))
                if not check.expr(current):
                    return False
    except Exception:
        return False
    return True
