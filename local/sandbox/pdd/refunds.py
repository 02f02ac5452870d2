"""After-sale APIs: increment list, detail, agree refund, agree return, return addresses."""

from __future__ import annotations

from typing import Any

from local.sandbox.core import SandboxResponse
from local.sandbox.pdd import render
from local.sandbox.pdd.context import Ctx
from local.sandbox.pdd.model import AfterSale, Mall
from local.sandbox.pdd.orders import MAX_INCREMENT_WINDOW, find
from local.sandbox.pdd.wire import GatewayError, business_refusal, int_param, json_param, ok

ALL = 1
REFUND_ONLY_PENDING, RETURN_PENDING, AWAITING_RETURN, REFUNDED = 2, 3, 7, 10
AGREEABLE = frozenset({REFUND_ONLY_PENDING, RETURN_PENDING})
RETURN_AND_REFUND = 3


def increment(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    status, kind = int_param(params, "after_sales_status"), int_param(params, "after_sales_type")
    page, size = int_param(params, "page", 1), int_param(params, "page_size", 100)
    if page < 1 or not 1 <= size <= 100:
        raise GatewayError(21001, "业务参数错误", "page>=1, 1<=page_size<=100")
    if params.get("order_sn"):  # order_sn overrides every other filter
        cases = sorted(
            (c for c in ctx.mall.after_sales.values() if c.order_sn == params["order_sn"]),
            key=lambda c: (c.updated_ts, c.id),
        )
    else:
        low, high = int_param(params, "start_updated_at"), int_param(params, "end_updated_at")
        if high < low or high - low > MAX_INCREMENT_WINDOW:
            raise GatewayError(21001, "业务参数错误", "开始时间和结束时间间隔不能超过30分钟")
        cases = [
            c
            for c in (ctx.mall.after_sales[int(i)] for i in ctx.mall.refunds_by_updated.between(low, high))
            if status in (ALL, c.status) and kind in (ALL, c.type)
        ]
    chunk = cases[(page - 1) * size : page * size]
    return ok(
        "refund_increment_get_response",
        {"total_count": len(cases), "refund_list": [render.refund_row(c) for c in chunk]},
    )


def information(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    order = find(ctx, params.get("order_sn", ""))
    cases = [c for c in ctx.mall.after_sales.values() if c.order_sn == order.order_sn]
    wanted = params.get("after_sales_id", "")
    chosen = [c for c in cases if str(c.id) == wanted] if wanted else cases[-1:]
    if not chosen:
        raise business_refusal("售后单不存在")
    return ok(None, render.refund_detail(chosen[0]))


def agree(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    case = _case(ctx, json_param(params, "request"))
    result = {"after_sales_id": case.id, "order_sn": case.order_sn}
    if case.status not in AGREEABLE:
        message = (
            "买家尚未退货，不能同意退款" if case.status == AWAITING_RETURN else "当前售后状态不允许同意退款"
        )
        return ok("response", {"result": {**result, "succ": False, "message": message}})
    settle_refund(ctx.mall, case, ctx.now)
    return ok("response", {"result": {**result, "succ": True, "message": ""}})


def returngoods_agree(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    request = json_param(params, "request")
    case = _case(ctx, request)
    address_ids = {a["id"] for a in ctx.mall.return_addresses}
    if _as_int(request.get("return_address_id")) not in address_ids:
        return _return_refusal(10002, "退货地址不存在")
    if case.type != RETURN_AND_REFUND or case.status != RETURN_PENDING or case.tracking_number:
        return _return_refusal(10001, "当前售后单不是待商家处理的退货退款，不能同意退货")
    case.status, case.operate_desc = AWAITING_RETURN, str(request.get("operate_desc") or "")
    sync_order(ctx.mall, case, ctx.now)
    return ok(
        "response",
        {
            "success": True,
            "error_code": 0,
            "error_msg": "",
            "result": {"after_sales_id": case.id, "order_sn": case.order_sn},
        },
    )


def _return_refusal(code: int, message: str) -> SandboxResponse:
    return ok("response", {"success": False, "error_code": code, "error_msg": message, "result": None})


def addresses(ctx: Ctx, params: dict[str, str]) -> SandboxResponse:
    return ok("refund_address_list_get_response", {"refund_address_list": ctx.mall.return_addresses})


def _case(ctx: Ctx, request: dict[str, Any]) -> AfterSale:
    order = find(ctx, str(request.get("order_sn") or ""))
    case = ctx.mall.after_sales.get(_as_int(request.get("after_sales_id")))
    if case is None or case.order_sn != order.order_sn:
        raise business_refusal("售后单不存在")
    return case


def settle_refund(mall: Mall, case: AfterSale, now: int) -> None:
    case.status = REFUNDED
    sync_order(mall, case, now)


def sync_order(mall: Mall, case: AfterSale, now: int) -> None:
    """The order's refund_status / after_sales_status follow its latest case."""
    order = mall.orders[case.order_sn]
    order.after_sales_status = case.status
    order.refund_status = {REFUNDED: 4, 9: 1, 11: 1, 12: 1, 13: 1, 16: 1, 17: 1, 24: 1, 25: 1}.get(
        case.status, 2
    )
    mall.touch_after_sale(case, now)
    mall.touch_order(order, now)


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
