"""Epoch-millisecond times and the per-seller time index of the sandboxes that keep one (Kuaishou, Xiaohongshu):
(update_ms, id) keys kept sorted, so listing a window is a bisect, not a scan."""
from __future__ import annotations

import bisect
from datetime import datetime
from operator import itemgetter
from typing import Generic, TypeVar

from local.sandbox.core import SHANGHAI

Id = TypeVar("Id", int, str)
_TIME = itemgetter(0)


def ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def from_ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, SHANGHAI)


class TimeIndex(Generic[Id]):
    def __init__(self) -> None:
        self.keys: list[tuple[int, Id]] = []

    def add(self, key: tuple[int, Id]) -> None:
        bisect.insort(self.keys, key)

    def move(self, old: tuple[int, Id], new: tuple[int, Id]) -> None:
        """A record's update time changed: a bisect delete and insert."""
        i = bisect.bisect_left(self.keys, old)
        if i < len(self.keys) and self.keys[i] == old:
            del self.keys[i]
        self.add(new)

    def after(self, key: tuple[int, Id], end_ms: int, limit: int) -> list[tuple[int, Id]]:
        """Up to `limit` keys past `key`, oldest first, none after end_ms (a cursor page)."""
        i = bisect.bisect_right(self.keys, key)
        return [k for k in self.keys[i : i + limit] if k[0] <= end_ms]

    def before(self, key: tuple[int, Id], begin_ms: int, limit: int) -> list[tuple[int, Id]]:
        """Up to `limit` keys before `key`, newest first, none before begin_ms."""
        i = bisect.bisect_left(self.keys, key)
        return [k for k in reversed(self.keys[max(0, i - limit) : i]) if k[0] >= begin_ms]

    def window(self, begin_ms: int, end_ms: int) -> tuple[int, int]:
        return window_of(self.keys, begin_ms, end_ms)


def window_of(keys: list[tuple[int, Id]], begin_ms: int, end_ms: int) -> tuple[int, int]:
    """[begin, end) as positions in sorted `keys`."""
    return bisect.bisect_left(keys, begin_ms, key=_TIME), bisect.bisect_left(keys, end_ms, key=_TIME)
