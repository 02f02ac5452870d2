"""Offset paging over a time window that loses nothing when records move out of it mid-walk.

JOS pages by page number over a list sorted by time ascending. We read page 1 (for the total), then
walk from the last page back to page 1: a record that leaves the window shifts later records to
lower offsets, which we then read twice (de-duplicated) instead of skipping. JOS answers empty pages
past its page cap (100 pages), so a window with more records than the cap reaches is split in two.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

R = TypeVar("R")

PageFetch = Callable[[datetime, datetime, int], tuple[int, list[R]]]   # (start, end, page) -> (total, rows)
MIN_SPLIT = timedelta(seconds=2)


@dataclass
class WindowWalker(Generic[R]):
    fetch: PageFetch[R]
    page_size: int
    max_pages: int
    key: Callable[[R], str]
    modified: Callable[[R], datetime]
    _seen: set[str] = field(default_factory=set)

    def walk(self, start: datetime, end: datetime) -> Iterator[R]:
        for row in self._walk(start, end):
            if start <= self.modified(row) < end and self.key(row) not in self._seen:
                self._seen.add(self.key(row))
                yield row

    def _walk(self, start: datetime, end: datetime) -> Iterator[R]:
        total, first = self.fetch(start, end, 1)
        if total > self.page_size * self.max_pages and end - start >= MIN_SPLIT:
            middle = (start + (end - start) / 2).replace(microsecond=0)
            yield from self._walk(start, middle)
            yield from self._walk(middle, end)
            return
        pages = min(self.max_pages, -(-total // self.page_size))
        if pages <= 1:
            yield from first
            return
        for page in range(pages, 0, -1):
            yield from self.fetch(start, end, page)[1]
