"""Walking TOP's offset pages so that nothing in the window is skipped.

Increment APIs sort by modified time, newest first. A record whose modified time moves past the
window while we page shifts every older record one place forward; reading the last page first and
the first page last turns that shift into a duplicate (dropped here) instead of a skip, as the
TOP doc for trades.sold.increment.get advises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

PageFetch = Callable[[int, int], tuple[int, list[dict[str, Any]]]]  # (page_no, page_size) -> (total, rows)


def walk_backwards(
    fetch: PageFetch, page_size: int, key: str, seen: set[str] | None = None
) -> Iterator[dict[str, Any]]:
    """`seen` may be shared by several windows of one call (their boundary seconds overlap)."""
    total, _ = fetch(1, 1)  # a one-row probe: only the count matters
    seen = set() if seen is None else seen
    for page_no in range(_pages(total, page_size), 0, -1):
        _, rows = fetch(page_no, page_size)
        for row in rows:
            row_key = str(row[key])
            if row_key not in seen:
                seen.add(row_key)
                yield row


def walk_forwards(fetch: PageFetch, page_size: int, key: str) -> Iterator[dict[str, Any]]:
    """For lists that do not move while read (catalog): plain pages, de-duplicated."""
    seen: set[str] = set()
    page_no = 1
    while True:
        total, rows = fetch(page_no, page_size)
        for row in rows:
            if str(row[key]) not in seen:
                seen.add(str(row[key]))
                yield row
        if not rows or page_no >= _pages(total, page_size):
            return
        page_no += 1


def second_windows(start: datetime, end: datetime, span: timedelta) -> Iterator[tuple[datetime, datetime]]:
    """TOP takes whole seconds, both ends inclusive: floor the start, ceil the end (the caller filters
    back to [start, end)), and keep each piece within the API's maximum span."""
    low = start.replace(microsecond=0)
    high = end.replace(microsecond=0) + (timedelta(seconds=1) if end.microsecond else timedelta())
    while low < high:
        stop = min(high, low + span)
        yield low, stop
        low = stop


def _pages(total: int, page_size: int) -> int:
    return (total + page_size - 1) // page_size
