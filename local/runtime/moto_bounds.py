"""What moto keeps forever and AWS does not: bounded for the local runtime, which runs for hours.

- Every model instance moto ever creates (each DynamoDB item version written or read back, each SQS
  message, each S3 object) is appended to its class's `instances_tracked` list, for moto's test-suite
  resets and its model-listing API; nothing removes it. Measured: ~120 items a second, most of the
  runtime's growth (45 MB a minute at `--tick-scale 60`). Here nothing is tracked: the backends hold
  what is alive, as AWS does.
- SQS: every receipt handle of every deleted message stays in `Queue.deleted_messages` (so a second
  delete with an old handle succeeds, as on AWS). A handle expires on AWS with its visibility timeout;
  here the most recent `DELETED_HANDLES_KEPT` per queue are remembered, the older ones forgotten.
- DynamoDB Streams: a table whose stream is switched off keeps its shard and every record in it (a
  state saved before infra/ dropped the streams). Switching the stream off drops the shard.

Everything else moto holds is the data itself (items, messages, objects) and is measured by `make soak`."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

DELETED_HANDLES_KEPT = 1_000      # ~250 KB per queue

_applied = False


class RecentHandles:
    """The set of receipt handles moto asks `in` and `update`s, remembering only the newest `limit`."""

    def __init__(self, handles: Iterable[str] = (), limit: int = DELETED_HANDLES_KEPT) -> None:
        self.limit = limit
        self._handles: dict[str, None] = {}
        self.update(handles)

    def __contains__(self, handle: object) -> bool:
        return handle in self._handles

    def __len__(self) -> int:
        return len(self._handles)

    def __iter__(self) -> Iterator[str]:
        return iter(self._handles)

    def add(self, handle: str) -> None:
        self._handles.pop(handle, None)
        self._handles[handle] = None
        while len(self._handles) > self.limit:
            del self._handles[next(iter(self._handles))]

    def update(self, handles: Iterable[str | None]) -> None:
        for handle in handles:
            if handle is not None:
                self.add(handle)


def apply() -> None:
    global _applied
    if _applied:
        return
    _untrack_instances()
    _bound_deleted_handles()
    _drop_disabled_streams()
    _applied = True


def _untrack_instances() -> None:
    from moto.core.common_models import BaseModel

    def untracked_new(cls: type, *args: Any, **kwargs: Any) -> Any:
        return object.__new__(cls)

    BaseModel.__new__ = untracked_new      # type: ignore[assignment,method-assign]
    pending = list(BaseModel.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        tracked = getattr(cls, "instances_tracked", None)
        if isinstance(tracked, list):
            tracked.clear()


def _bound_deleted_handles() -> None:
    from moto.sqs import models
    init = models.Queue.__init__

    def bounded_init(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        self.deleted_messages = RecentHandles()

    models.Queue.__init__ = bounded_init     # type: ignore[method-assign]


def _drop_disabled_streams() -> None:
    from moto.dynamodb.models.table import Table
    set_stream_specification = Table.set_stream_specification

    def set_and_drop(self: Any, streams: dict[str, Any] | None) -> None:
        set_stream_specification(self, streams)
        if not (self.stream_specification or {}).get("StreamEnabled"):
            self.stream_shard = None

    Table.set_stream_specification = set_and_drop     # type: ignore[method-assign]


def bound_restored(sqs_backends: Any) -> None:
    """A restored snapshot (possibly from before these bounds): its queues get bounded handle sets.
    Its tables' streams are provisioning's business (a stream infra/ no longer defines is switched off)."""
    for backend in _backends(sqs_backends):
        for queue in backend.queues.values():
            if not isinstance(queue.deleted_messages, RecentHandles):
                queue.deleted_messages = RecentHandles(list(queue.deleted_messages)[-DELETED_HANDLES_KEPT:])


def _backends(backend_dict: Any) -> Iterator[Any]:
    for regions in dict.values(backend_dict):
        yield from dict.values(regions)
