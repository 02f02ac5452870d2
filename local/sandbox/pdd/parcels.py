"""The seller's exchange / reissue parcel and parcel traces.

pdd.refund.exchange.shipping request{after_sales_id, order_sn, shipping_id, shipping_name, tracking_number}
-> response{result{succ, message}}: 换货补寄待商家处理 (14) -> 待用户确认完成 (18) [I: the target status];
a repair (21) -> 25. pdd.logistics.ordertrace.get {company_code, track_no} [I] -> logistics_ordertrace_get_response
{track_no, shipping_id, trace_list[{status_time, status_desc, info_text, action}]}."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from local.sandbox.core import SHANGHAI, SandboxResponse
from local.sandbox.pdd.context import Ctx
from local.sandbox.pdd.gen import COMPANIES
from local.sandbox.pdd.model import Mall
from local.sandbox.pdd.refunds import _case, sync_order
from local.sandbox.pdd.render import beijing
from local.sandbox.pdd.wire import GatewayError, business_refusal, json_param, ok

NEXT = {14: 18, 21: 25}
ACTIONS = {"in_transit": "TRANSPORT", "delivered": "SIGN", "exception": "FAIL"}
NAMES = {cid: name for cid, _code, name in COMPANIES}


def exchange_shipping(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    request = json_param(params, "request")
    case = _case(ctx, request)
    tracking, shipping_id = str(request.get("tracking_number") or "").strip(), str(request.get("shipping_id") or "")
    if not tracking or not shipping_id.isdigit() or int(shipping_id) not in NAMES:
        raise GatewayError(21001, "业务参数错误", "tracking_number或shipping_id不合法")
    result = {"after_sales_id": case.id, "order_sn": case.order_sn}
    if case.status not in NEXT or case.type not in (4, 5, 6):
        return ok("response", {"result": {**result, "succ": False, "message": "当前售后状态不允许换货/补寄发货"}})
    case.status, case.resend_tracking, case.resend_shipping_id = NEXT[case.status], tracking, int(shipping_id)
    sync_order(ctx.mall, case, ctx.now)
    return ok("response", {"result": {**result, "succ": True, "message": ""}})


def parcel(mall: Mall, track_no: str) -> tuple[str, str, datetime] | None:
    for order in mall.orders.values():
        if order.tracking_number == track_no and order.shipping_ts:
            return track_no, NAMES.get(order.logistics_id, ""), datetime.fromtimestamp(order.shipping_ts, SHANGHAI)
    for case in mall.after_sales.values():
        if case.resend_tracking == track_no:
            return track_no, NAMES.get(case.resend_shipping_id, ""), datetime.fromtimestamp(case.updated_ts, SHANGHAI)
    return None


def ordertrace(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    track_no = params.get("track_no", "").strip()
    if not track_no or not params.get("company_code"):
        raise GatewayError(21002, "业务参数为空", "track_no和company_code不能为空")
    found = parcel(ctx.mall, track_no)
    if found is None:
        raise business_refusal("未查询到物流轨迹")
    tracks = ctx.sandbox.tracks
    track = tracks.ensure(*found)
    rows: list[dict[str, Any]] = [
        {"status_time": beijing(int(at.timestamp())), "status_desc": text, "info_text": text,
         "action": ACTIONS[track.state] if i == 0 else "TRANSPORT"}
        for i, (at, text) in enumerate(tracks.newest_first(track_no))]
    return ok("logistics_ordertrace_get_response", {"track_no": track_no, "trace_list": rows})


API = {"pdd.refund.exchange.shipping": (exchange_shipping, True), "pdd.logistics.ordertrace.get": (ordertrace, True)}
