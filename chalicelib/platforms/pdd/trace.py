"""pdd.logistics.ordertrace.get {company_code, track_no} [I] -> Tracking. Rows carry status_time (Beijing
time text), status_desc / info_text and an action code; SIGN / FAIL mark the end states [I]."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.platforms.tracking import tracking
from chalicelib.services.platform_types import SHANGHAI, Tracking

ACTIONS = {"SIGN": "delivered", "FAIL": "exception", "REJECT": "exception"}


def tracking_from(carrier_code: str, waybill_no: str, body: dict[str, Any]) -> Tracking:
    rows = list(body.get("trace_list") or ())
    events = [(_at(str(r["status_time"])), str(r.get("info_text") or r.get("status_desc") or "")) for r in rows]
    newest = max(rows, key=lambda r: str(r["status_time"]), default=None)
    return tracking(carrier_code, waybill_no, events, ACTIONS.get(str((newest or {}).get("action") or ""), ""))


def _at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)
