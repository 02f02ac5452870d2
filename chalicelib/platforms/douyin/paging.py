"""Offset paging that loses nothing when records leave the window between page reads.

Douyin pages are offsets (page from 0) over a list sorted by update time. A record that leaves the window
shifts every later record one place towards page 0. Reading the pages from the last to the first turns
that shift into a duplicate (dropped by the caller) instead of a skip.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, Protocol, TypeVar

Page = tuple[list[dict[str, Any]], int]  # (records, total)
FetchPage = Callable[[int, int], Page]  # (page, size) -> Page

PAGE_SIZE = 100  # the documented maximum for searchList and afterSale.List


class _Timed(Protocol):
    @property
    def modified_at(self) -> datetime: ...


Record = TypeVar("Record", bound=_Timed)


def walk_last_to_first(fetch: FetchPage, size: int = PAGE_SIZE) -> Iterator[dict[str, Any]]:
    _, total = fetch(0, 1)
    for page in range((total - 1) // size, -1, -1):
        records, _ = fetch(page, size)
        yield from records


def window_seconds(start: datetime, end: datetime) -> tuple[int, int]:
    """Douyin's bounds are whole seconds, both inclusive; ours are [start, end)."""
    return math.ceil(start.timestamp()), math.ceil(end.timestamp()) - 1


def once_in_window(
    records: Iterable[dict[str, Any]],
    key: Callable[[dict[str, Any]], str],
    convert: Callable[[dict[str, Any]], Record],
    start: datetime,
    end: datetime,
) -> Iterator[Record]:
    seen: set[str] = set()
    for record in records:
        record_key = key(record)
        if record_key in seen:
            continue
        seen.add(record_key)
        canonical = convert(record)
        if start <= canonical.modified_at < end:  # moved out while we paged: a later window has it
            yield canonical
