"""logistics.trackNoRouteDetail: the route of a parcel this shop shipped (an order's parcel or an
after-sale's reissue / exchange parcel). Wire shape [I]: data{track_detail_list[{content, state,
state_description, time}]} with `time` in unix seconds; state codes per the doc's route node list [I]."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from local.sandbox.core import SHANGHAI
from local.sandbox.douyin.model import Shop
from local.sandbox.douyin.orders import need
from local.sandbox.douyin.wire import ApiError

if TYPE_CHECKING:
    from local.sandbox.douyin.app import DouyinSandbox

STATE_CODES = {"in_transit": "103", "delivered": "301", "exception": "401"}   # [I]


def shipped_at(shop: Shop, track_no: str) -> tuple[str, datetime] | None:
    for order in shop.orders.values():
        for parcel in order.logistics:
            if parcel["tracking_no"] == track_no:
                return str(parcel["company"]), datetime.fromtimestamp(int(parcel["ship_time"]), SHANGHAI)
    for case in shop.after_sales.values():
        if case.reship_tracking == track_no:
            return case.reship_company, datetime.fromtimestamp(case.update_time, SHANGHAI)
    return None


def route_detail(sb: DouyinSandbox, shop: Shop, p: dict[str, Any]) -> Any:
    track_no = str(need(p, "track_no"))
    need(p, "logistics_code")
    found = shipped_at(shop, track_no)
    if found is None:
        raise ApiError(50002, "isv.business-failed:track_not_found", "未查询到该运单的物流轨迹")
    track = sb.tracks.ensure(track_no, *found)
    nodes = [{"content": text, "state": STATE_CODES[track.state] if i == 0 else STATE_CODES["in_transit"],
              "state_description": text, "time": str(int(at.timestamp()))}
             for i, (at, text) in enumerate(sb.tracks.newest_first(track_no))]
    return {"track_detail_list": nodes, "track_no": track_no}


HANDLERS = {"logistics.trackNoRouteDetail": route_detail}
