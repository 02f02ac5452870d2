"""Epoch-millisecond times, as the Kuaishou and Xiaohongshu gateways send and take them, and query windows."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from chalicelib.services.platform_types import SHANGHAI


def from_ms(ms: Any) -> datetime:
    return datetime.fromtimestamp(int(ms) / 1000, SHANGHAI)


def from_ms_or_none(ms: Any) -> datetime | None:
    """0, "" and None all mean "not set" on these gateways."""
    return from_ms(ms) if ms else None


def to_ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def windows(start: datetime, end: datetime, size: timedelta) -> Iterator[tuple[datetime, datetime]]:
    """[start, end) cut into consecutive windows no longer than the platform's query limit."""
    while start < end:
        stop = min(end, start + size)
        yield start, stop
        start = stop
