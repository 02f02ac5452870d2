"""Order APIs: increment list, list by confirm time, detail, online ship, seller note."""

from __future__ import annotations

import json

from local.sandbox.core import SandboxResponse
from local.sandbox.pdd import render
from local.sandbox.pdd.context import Ctx
from local.sandbox.pdd.gen import COMPANIES, RETIRED_COMPANY_IDS
from local.sandbox.pdd.model import Order
from local.sandbox.pdd.wire import GatewayError, business_refusal, int_param, ok

MAX_INCREMENT_WINDOW = 30 * 60
MAX_CONFIRM_WINDOW = 24 * 3600
ALL = 5


def increment(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    low, high = _window(params, "start_updated_at", "end_updated_at", MAX_INCREMENT_WINDOW, "30分钟")
    sns = ctx.mall.by_updated.between(low, high)
    return _page(ctx, params, sns, "order_sn_list", "order_sn_increment_get_response")


def by_confirm(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    low, high = _window(params, "start_confirm_at", "end_confirm_at", MAX_CONFIRM_WINDOW, "24小时")
    sns = ctx.mall.by_confirm.between(low, high)
    return _page(ctx, params, sns, "order_list", "order_list_get_response")


def _window(params: dict[str, str], start: str, end: str, limit: int, label: str) -> tuple[int, int]:
    low, high = _seconds(int_param(params, start)), _seconds(int_param(params, end))
    if high < low or high - low > limit:
        raise GatewayError(21001, "业务参数错误", f"开始时间和结束时间间隔不能超过{label}")
    return low, high


def _seconds(value: int) -> int:
    return value // 1000 if value > 10**11 else value


def _page(ctx: Ctx, params: dict[str, str], sns: list[str], key: str, root: str) -> SandboxResponse:
    status, refund = int_param(params, "order_status"), int_param(params, "refund_status")
    page, size = int_param(params, "page", 1), int_param(params, "page_size", 100)
    if page < 1 or not 1 <= size <= 100:
        raise GatewayError(21001, "业务参数错误", "page>=1, 1<=page_size<=100")
    orders = [
        o
        for o in (ctx.mall.orders[sn] for sn in sns)
        if status in (ALL, o.order_status) and refund in (ALL, o.refund_status)
    ]
    chunk = orders[(page - 1) * size : page * size]
    body: dict[str, object] = {key: [render.order(o) for o in chunk]}
    if params.get("use_has_next") == "true":
        body["has_next"] = page * size < len(orders)
    else:
        body["total_count"] = len(orders)
    return ok(root, body)


def information(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    return ok("order_info_get_response", {"order_info": render.order(find(ctx, params.get("order_sn", "")))})


def find(ctx: Ctx, order_sn: str) -> Order:
    if not order_sn:
        raise GatewayError(21002, "业务参数为空", "order_sn不能为空")
    found = ctx.mall.orders.get(order_sn)
    if found is None:
        raise business_refusal("订单不存在")
    return found


def online_send(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    order = find(ctx, params.get("order_sn", ""))
    logistics_id, tracking = int_param(params, "logistics_id"), params.get("tracking_number", "").strip()
    if not tracking:
        raise GatewayError(21002, "业务参数为空", "tracking_number不能为空")
    if logistics_id not in {c[0] for c in COMPANIES} or logistics_id in RETIRED_COMPANY_IDS:
        raise GatewayError(21001, "业务参数错误", "logistics_id对应的物流公司不可用")
    _check_shippable(order, redelivery=params.get("redelivery_type") == "2")
    order.order_status, order.logistics_id, order.tracking_number = 2, logistics_id, tracking
    order.shipping_ts = order.shipping_ts or ctx.now
    ctx.mall.touch_order(order, ctx.now)
    return ok("logistics_online_send_response", {"is_success": True})


def upload_extra_logistics(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    """pdd.order.upload.extra.logistics: more parcels of a shipped order (extra_track_type 1 分包发货, 2 补发,
    3 赠品), shown to the buyer only; the order must have shipped first [I]. The same number again is kept once."""
    order = find(ctx, params.get("order_sn", ""))
    kind = int_param(params, "extra_track_type")
    try:
        tracks = json.loads(params.get("extra_track_list") or "")
    except ValueError as exc:
        raise GatewayError(21001, "业务参数错误", "extra_track_list不是合法的JSON") from exc
    if kind not in (1, 2, 3) or not isinstance(tracks, list) or not tracks:
        raise GatewayError(21001, "业务参数错误", "extra_track_type取1-3，extra_track_list不能为空")
    if order.order_status == 1:
        raise business_refusal("订单未发货，不能上传额外运单")
    known = {d["tracking_number"] for d in order.extra_deliveries} | {order.tracking_number}
    for track in tracks:
        shipping_id, number = int(track.get("shipping_id") or 0), str(track.get("tracking_number") or "").strip()
        if not number or shipping_id not in {c[0] for c in COMPANIES}:
            raise GatewayError(21001, "业务参数错误", "shipping_id或tracking_number不合法")
        if number not in known:
            order.extra_deliveries.append({"logistics_id": shipping_id, "tracking_number": number})
            known.add(number)
    ctx.mall.touch_order(order, ctx.now)
    return ok("upload_extra_logistics_response", {"success": True})


def _check_shippable(order: Order, redelivery: bool) -> None:
    if order.confirm_status == 2:
        raise business_refusal("订单已取消，不能发货")
    if order.confirm_status == 0:
        raise business_refusal("订单未成交，不能发货")
    if order.refund_status in (2, 3, 4):
        raise business_refusal("订单售后中或已退款，不能发货")
    if order.order_status != 1 and not (redelivery and order.order_status == 2):
        raise business_refusal("订单已发货，请勿重复发货")


def note_update(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    order = find(ctx, params.get("order_sn", ""))
    note, tag, tag_name = params.get("note"), params.get("tag", ""), params.get("tag_name", "")
    if note is None:
        raise GatewayError(21002, "业务参数为空", "note不能为空")
    if bool(tag) != bool(tag_name) or (tag and tag not in {"1", "2", "3", "4", "5"}) or len(tag_name) > 3:
        raise GatewayError(21001, "业务参数错误", "tag与tag_name需同时传入，tag取1-5，tag_name不超过3个字")
    order.remark, order.remark_tag = note, int(tag or 0)
    ctx.mall.touch_order(order, ctx.now)
    return ok("response", {"success": True, "error_code": 0, "error_msg": ""})
