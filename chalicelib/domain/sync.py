"""Pull windows and cursors. The cursor (watermark) only moves after a whole window was enqueued;
the next window starts an overlap before it, so a record the platform indexed late is still seen."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class Stream(StrEnum):
    ORDERS = "orders"
    AFTER_SALES = "after_sales"


OVERLAP = timedelta(minutes=10)
FIRST_LOOKBACK = timedelta(days=1)
LONGEST_CHUNK = timedelta(hours=6)


@dataclass(frozen=True)
class Cursor:
    shop_id: str
    stream: Stream
    watermark: datetime | None = None      # everything modified before it has been enqueued
    lease_owner: str = ""
    lease_until: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str = ""
    revision: int = 0


@dataclass(frozen=True)
class PullCounts:
    fetched: int = 0
    enqueued: int = 0
    pages: int = 0

    def __add__(self, other: PullCounts) -> PullCounts:
        return PullCounts(self.fetched + other.fetched, self.enqueued + other.enqueued, self.pages + other.pages)


@dataclass(frozen=True)
class PullLog:
    shop_id: str
    stream: Stream
    job_id: str
    started_at: datetime
    finished_at: datetime
    window_start: datetime
    window_end: datetime
    counts: PullCounts = field(default_factory=PullCounts)
    outcome: str = "ok"                     # ok | partial (continued) | error
    error: str = ""
    trigger: str = "schedule"               # schedule | manual | backfill | continuation


def pull_range(watermark: datetime | None, now: datetime, settle_lag: timedelta,
               overlap: timedelta = OVERLAP, first_lookback: timedelta = FIRST_LOOKBACK) -> tuple[datetime, datetime]:
    end = now - settle_lag
    start = watermark - overlap if watermark else now - first_lookback
    return min(start, end), end


def chunks(start: datetime, end: datetime, max_window: timedelta) -> list[tuple[datetime, datetime]]:
    step = min(max_window, LONGEST_CHUNK)
    out: list[tuple[datetime, datetime]] = []
    cursor = start
    while cursor < end:
        stop = min(end, cursor + step)
        out.append((cursor, stop))
        cursor = stop
    return out
