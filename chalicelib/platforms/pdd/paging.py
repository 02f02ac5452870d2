"""Window slicing and the POP anti-miss page walk (order-query FAQ, reference §3.3)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

PAGE_SIZE = 100
WINDOW_SECONDS = 30 * 60  # increment APIs: end_updated_at - start_updated_at <= 30 min

Record = dict[str, Any]
# (page, use_has_next) -> (records of the page, total_count or None)
PageFetch = Callable[[int, bool], tuple[list[Record], int | None]]


def second_slices(start: datetime, end: datetime, width: int = WINDOW_SECONDS) -> Iterator[tuple[int, int]]:
    """Whole-second [from, to] pairs covering [start, end], each at most `width` apart."""
    first, last = math.floor(start.timestamp()), math.ceil(end.timestamp())
    for low in range(first, last, width):
        yield low, min(last, low + width)


def walk_last_to_first(fetch: PageFetch, page_size: int = PAGE_SIZE) -> Iterator[Record]:
    """Counts once, then reads from the last page to the first: a record leaving the window between
    reads shifts later records onto pages already read (a duplicate for the caller to drop), never
    onto a page still to be read (a loss). Page 1 is read again last for the same reason."""
    records, total = fetch(1, False)
    yield from records
    pages = math.ceil((total or 0) / page_size)
    if pages <= 1:
        return
    for page in range(pages, 0, -1):
        yield from fetch(page, True)[0]
