"""order.getOrderTracking -> Tracking. The answer lists each parcel of the order (orderTrackInfos[{expressNo,
expressCompanyCode, currentStatusDesc, records[{eventAt (ms), eventDesc, trackingStatus, nodeId}]}], field
names as in the ark SDK); the one asked for is picked by its waybill number."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.platforms.tracking import rows_to_tracking
from chalicelib.services.platform_types import Tracking

# currentStatusDesc: xhs's own verdict on the parcel; other texts (运输中, 已揽件, ...) are in transit
STATES = {"已签收": "delivered", "已完成": "delivered", "取消发货": "exception", "已关闭": "exception"}


def tracking(carrier_code: str, waybill_no: str, data: Mapping[str, Any]) -> Tracking:
    infos = [i for i in data.get("orderTrackInfos") or () if str(i.get("expressNo") or "") == waybill_no]
    if not infos:
        return Tracking(carrier_code=carrier_code, waybill_no=waybill_no, state="unknown")
    info = infos[0]
    state = STATES.get(str(info.get("currentStatusDesc") or ""), "")
    return rows_to_tracking(carrier_code, waybill_no, info.get("records") or (), "eventAt", "eventDesc", state)
