"""Shared by the clients' `track`: a platform's trace records -> Tracking (events newest first, one state)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chalicelib.services.platform_types import SHANGHAI, Tracking, TrackingEvent

DELIVERED_WORDS = ("签收", "妥投", "已取件", "delivered")
EXCEPTION_WORDS = ("异常", "拒收", "退回", "问题件", "滞留", "exception")


def state_of(text: str) -> str:
    """The platforms' trace states are carrier free text on most gateways: the words decide."""
    lowered = text.lower()
    if any(word in lowered for word in EXCEPTION_WORDS):
        return "exception"
    if any(word in lowered for word in DELIVERED_WORDS):
        return "delivered"
    return "in_transit"


def tracking(carrier_code: str, waybill_no: str, events: Iterable[tuple[datetime, str]], state: str = "") -> Tracking:
    """state: the platform's own verdict where it gives one; else read from the newest event."""
    ordered = tuple(sorted((TrackingEvent(at, text) for at, text in events), key=lambda e: e.at, reverse=True))
    if not state:
        state = state_of(ordered[0].description) if ordered else "unknown"
    return Tracking(carrier_code=carrier_code, waybill_no=waybill_no, state=state, events=ordered)


def parse_time(value: object) -> datetime:
    """Trace times: unix seconds or milliseconds, or Beijing wall-clock text."""
    text = str(value).strip()
    if text.isdigit():
        number = int(text)
        return datetime.fromtimestamp(number / 1000 if number > 10**11 else number, SHANGHAI)
    # JD writes 2018/07/04 17:28:42, most others 2018-07-04 17:28:42 or ISO 8601
    wall = text[:19].replace("T", " ").replace("/", "-")
    return datetime.strptime(wall, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)


def rows_to_tracking(carrier_code: str, waybill_no: str, rows: Iterable[Any], time_key: str, text_key: str,
                     state: str = "") -> Tracking:
    events = [(parse_time(row[time_key]), str(row.get(text_key) or "")) for row in rows if row.get(time_key)]
    return tracking(carrier_code, waybill_no, events, state)
