"""logistics.trackNoRouteDetail -> Tracking. The route nodes carry unix-second `time` and a `state`
code [I: the doc lists node codes; 3xx signed, 4xx problem parcels]; the words decide where no code."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.platforms.tracking import state_of, tracking
from chalicelib.services.platform_types import SHANGHAI, Tracking

STATE_BY_PREFIX = {"3": "delivered", "4": "exception"}   # [I]


def tracking_from(carrier_code: str, waybill_no: str, data: Any) -> Tracking:
    nodes = (data or {}).get("track_detail_list") or []
    events = [(datetime.fromtimestamp(int(n["time"]), SHANGHAI), str(n.get("content") or n.get("state_description")))
              for n in nodes]
    newest = max(nodes, key=lambda n: int(n["time"]), default=None)
    state = ""
    if newest is not None:
        code = str(newest.get("state") or "")
        state = STATE_BY_PREFIX.get(code[:1], "") or state_of(str(newest.get("content") or ""))
    return tracking(carrier_code, waybill_no, events, state)
