"""Wakes a local queue poller when a message is sent to its queue. Lambda's event source mapping long-polls
SQS; polling moto every few milliseconds instead costs a full AWS call per empty receive, and five idle
pollers took most of this one process's CPU (a GetItem went from 2.6 ms to 10 ms beside them). moto runs
in this process, so its send calls can ring a bell; the poll interval stays as the fallback for messages
that become visible by time (visibility timeouts, delays)."""
from __future__ import annotations

import threading
from collections import Counter
from typing import Any

_cond = threading.Condition()
_sent: Counter[str] = Counter()
_applied = False


def seen(queue_name: str) -> int:
    with _cond:
        return _sent[queue_name]


def wait(queue_name: str, since: int, timeout: float, stop: threading.Event) -> bool:
    """Returns True when a message was sent to the queue after `seen` returned `since` (or `stop` was set,
    then the queue rung), False after `timeout`."""
    with _cond:
        return _cond.wait_for(lambda: _sent[queue_name] != since or stop.is_set(), timeout)


def ring(queue_name: str) -> None:
    with _cond:
        _sent[queue_name] += 1
        _cond.notify_all()


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.sqs import models
    for name in ("send_message", "send_message_batch", "change_message_visibility",
                 "change_message_visibility_batch"):
        setattr(models.SQSBackend, name, _ringing(getattr(models.SQSBackend, name)))
    _applied = True


def _ringing(method: Any) -> Any:
    def rings(self: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, queue_name, *args, **kwargs)
        finally:
            ring(queue_name)
    rings.__wrapped__ = method    # type: ignore[attr-defined]
    return rings
