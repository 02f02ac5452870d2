"""The /channels/ec handlers of the sandbox: one function per path, taking the shop and the JSON body."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from local.sandbox.wechat.state import (
    AWAITING,
    COMPLETED,
    PARTLY_SHIPPED,
    REFUNDED_CANCEL,
    SHIPPED,
    Case,
    Order,
    Parcel,
    Shop,
)

CARRIER_NAMES = {
    "ZTO": "中通快递",
    "YTO": "圆通速递",
    "STO": "申通快递",
    "YUNDA": "韵达快递",
    "SF": "顺丰速运",
    "JD": "京东快递",
    "EMS": "EMS",
    "JTSD": "极兔速递",
    "DBL": "德邦快递",
    "YZPY": "邮政快递包裹",
    "OTHER": "其他",
}
ORDER_WINDOW = 7 * 86400
AFTER_SALE_WINDOW = 86400
AFTER_SALE_PAGE = 50


class ApiError(Exception):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(errmsg)
        self.errcode = errcode
        self.errmsg = errmsg


@dataclass
class Ctx:
    shop: Shop
    now: int
    emit: Callable[[Shop, str, dict], None]
    next_id: Callable[[], int]


def bad_args(what: str) -> ApiError:
    return ApiError(40097, f"invalid args: {what}")


def _int(body: dict, key: str) -> int:
    try:
        return int(body[key])
    except (KeyError, TypeError, ValueError):
        raise bad_args(key) from None


def _cursor(next_key: Any) -> tuple[int, str] | None:
    if not next_key:
        return None
    try:
        stamp, key = base64.urlsafe_b64decode(str(next_key)).decode().split("|", 1)
        return int(stamp), key
    except ValueError:
        raise bad_args("next_key") from None


def _next_key(stamp: int, key: str) -> str:
    return base64.urlsafe_b64encode(f"{stamp}|{key}".encode()).decode()


def _order(ctx: Ctx, body: dict) -> Order:
    order = ctx.shop.orders.get(str(body.get("order_id", "")))
    if order is None:
        raise ApiError(100002, "order not exist")
    return order


# ------------------------------------------------------------------ orders
def order_list(ctx: Ctx, body: dict) -> dict:
    size = _int(body, "page_size")
    if not 1 <= size <= 100:
        raise bad_args("page_size must be 1..100")
    window = body.get("update_time_range") or body.get("create_time_range")
    if not isinstance(window, dict):
        raise bad_args("update_time_range or create_time_range is required")
    start, end = _int(window, "start_time"), _int(window, "end_time")
    if not 0 < end - start <= ORDER_WINDOW:
        raise bad_args("time range must be within 7 days")
    after = _cursor(body.get("next_key"))
    if "update_time_range" in body and "status" not in body and "create_time_range" not in body:
        ids, more = ctx.shop.order_index.page(start, end, after, size)
    else:
        ids, more = _filtered_orders(ctx.shop, body, start, end, after, size)
    orders = ctx.shop.orders
    last = orders[ids[-1]] if ids else None
    key = _next_key(last.update_time, last.order_id) if last else str(body.get("next_key") or "")
    return {"order_id_list": ids, "next_key": key, "has_more": more}


def _filtered_orders(
    shop: Shop, body: dict, start: int, end: int, after: tuple[int, str] | None, size: int
) -> tuple[list[str], bool]:
    by_create = "create_time_range" in body and "update_time_range" not in body
    status = body.get("status")
    matches = sorted(
        (o.update_time, o.order_id)
        for o in shop.orders.values()
        if start <= (o.create_time if by_create else o.update_time) < end
        and (status is None or o.status == int(status))
        and (after is None or (o.update_time, o.order_id) > after)
    )
    return [key for _, key in matches[:size]], len(matches) > size


def order_get(ctx: Ctx, body: dict) -> dict:
    order = _order(ctx, body)
    return {"order": order.as_json(bool(body.get("encode_sensitive_info")), ctx.shop.open_cases(order))}


def delivery_send(ctx: Ctx, body: dict) -> dict:
    order = _order(ctx, body)
    if order.status in (SHIPPED, COMPLETED):
        raise ApiError(109001, "order already delivered")
    if order.status not in (AWAITING, PARTLY_SHIPPED):
        raise ApiError(109000, "order status does not allow delivery")
    if ctx.shop.open_cases(order):
        raise ApiError(108009, "order has an unfinished after-sale, cannot deliver")
    parcels = [_parcel(ctx, order, p) for p in body.get("delivery_list") or []]
    if not parcels:
        raise bad_args("delivery_list")
    order.parcels.extend(parcels)
    done = order.shipped_skus() >= {line.sku_id for line in order.lines}
    order.status = SHIPPED if done else PARTLY_SHIPPED
    ctx.shop.touch(order, ctx.now)
    ctx.emit(
        ctx.shop,
        "channels_ec_order_deliver",
        {"order_info": {"order_id": order.order_id, "finish_delivery": int(done)}},
    )
    return {}


def _parcel(ctx: Ctx, order: Order, parcel: dict) -> Parcel:
    if parcel.get("delivery_id") not in CARRIER_NAMES:
        raise ApiError(606004, "invalid delivery_id")
    if not str(parcel.get("waybill_id") or "").strip():
        raise ApiError(606005, "invalid waybill_id")
    products = parcel.get("product_infos") or []
    if not products:
        raise ApiError(109002, "no product in delivery")
    lines = {(line.product_id, line.sku_id): line for line in order.lines}
    shipped = order.shipped_skus()
    skus = []
    for product in products:
        line = lines.get((str(product.get("product_id")), str(product.get("sku_id"))))
        if line is None:
            raise bad_args(f"sku {product.get('sku_id')} is not in order {order.order_id}")
        if line.sku_id in shipped:
            raise ApiError(109001, f"sku {line.sku_id} already delivered")
        skus.append((line.product_id, line.sku_id, int(product.get("product_cnt") or line.count)))
    return Parcel(str(parcel["delivery_id"]), str(parcel["waybill_id"]), ctx.now, skus)


def merchant_notes(ctx: Ctx, body: dict) -> dict:
    order = _order(ctx, body)
    order.merchant_notes = str(body.get("merchant_notes") or "")
    ctx.shop.touch(order, ctx.now)
    ctx.emit(ctx.shop, "channels_ec_order_ext_info_update", {"order_info": {"order_id": order.order_id}})
    return {}


def delivery_companies(ctx: Ctx, body: dict) -> dict:
    return {"company_list": [{"delivery_id": k, "delivery_name": v} for k, v in CARRIER_NAMES.items()]}


# ------------------------------------------------------------------ after-sales
def after_sale_list(ctx: Ctx, body: dict) -> dict:
    if "begin_update_time" in body:
        start, end = _int(body, "begin_update_time"), _int(body, "end_update_time")
        by_update = True
    else:
        start, end = _int(body, "begin_create_time"), _int(body, "end_create_time")
        by_update = False
    if not 0 < end - start <= AFTER_SALE_WINDOW:
        raise ApiError(10020004, "time range over 24 hours")
    after = _cursor(body.get("next_key"))
    if by_update:
        ids, more = ctx.shop.case_index.page(start, end, after, AFTER_SALE_PAGE)
    else:
        found = sorted(
            (c.update_time, c.case_id)
            for c in ctx.shop.cases.values()
            if start <= c.create_time < end and (after is None or (c.update_time, c.case_id) > after)
        )
        ids, more = [k for _, k in found[:AFTER_SALE_PAGE]], len(found) > AFTER_SALE_PAGE
    last = ctx.shop.cases[ids[-1]] if ids else None
    key = _next_key(last.update_time, last.case_id) if last else str(body.get("next_key") or "")
    return {"after_sale_order_id_list": ids, "next_key": key, "has_more": more}


def _case(ctx: Ctx, body: dict) -> Case:
    case = ctx.shop.cases.get(str(body.get("after_sale_order_id", "")))
    if case is None:
        raise ApiError(10021050, "aftersale order not exist")
    return case


def after_sale_get(ctx: Ctx, body: dict) -> dict:
    case = _case(ctx, body)
    return {"after_sale_order": case.as_json(ctx.shop.orders[case.order_id].openid)}


def not_allowed(case: Case) -> ApiError:
    return ApiError(10021003, f"aftersale status {case.status} does not allow this operation")


def accept(ctx: Ctx, body: dict) -> dict:
    case = _case(ctx, body)
    accept_type = body.get("accept_type")
    if case.status == "MERCHANT_PROCESSING" and case.type in GOODS_BACK and accept_type in (None, 1):
        if str(body.get("address_id") or "") not in ctx.shop.addresses:
            raise bad_args("address_id: a return needs the seller's return address")
        set_status(ctx, case, "USER_WAIT_RETURN")
    elif case.status == "MERCHANT_PROCESSING" and case.type == "REFUND" and accept_type is None:
        refund(ctx, case, "MERCHANT_REFUND_SUCCESS")
    elif case.status == "MERCHANT_WAIT_RECEIPT" and case.type == "RETURN" and accept_type in (None, 2):
        refund(ctx, case, "MERCHANT_RETURN_SUCCESS")
    else:
        raise not_allowed(case)
    return {}


GOODS_BACK = frozenset({"RETURN", "EXCHANGE"})


def accept_exchange_reship(ctx: Ctx, body: dict) -> dict:
    """The exchange's new goods, once the buyer's parcel is back: {after_sale_order_id, waybill_id, delivery_id}."""
    case = _case(ctx, body)
    if body.get("delivery_id") not in CARRIER_NAMES:
        raise ApiError(606004, "invalid delivery_id")
    if not str(body.get("waybill_id") or "").strip():
        raise ApiError(606005, "invalid waybill_id")
    if case.type != "EXCHANGE" or case.status != "MERCHANT_WAIT_RECEIPT":
        raise not_allowed(case)
    case.exchange_delivery_id, case.exchange_waybill_id = str(body["delivery_id"]), str(body["waybill_id"])
    set_status(ctx, case, "USER_WAIT_CONFIRM")   # [I] the status name while the buyer receives the new goods
    return {}


def reject(ctx: Ctx, body: dict) -> dict:
    case = _case(ctx, body)
    if not str(body.get("reject_reason") or "").strip():
        raise bad_args("reject_reason")
    if case.status not in ("MERCHANT_PROCESSING", "MERCHANT_WAIT_RECEIPT"):
        raise not_allowed(case)
    case.reject_reason = str(body["reject_reason"])
    case.line.on_aftersale -= case.line.count
    set_status(ctx, case, "MERCHANT_REJECT_REFUND" if case.type == "REFUND" else "MERCHANT_REJECT_RETURN")
    return {}


def refund(ctx: Ctx, case: Case, status: str) -> None:
    case.line.on_aftersale -= case.line.count
    case.line.finished_aftersale += case.line.count
    order = ctx.shop.orders[case.order_id]
    if all(line.finished_aftersale >= line.count for line in order.lines):
        order.status = REFUNDED_CANCEL
    set_status(ctx, case, status)


def set_status(ctx: Ctx, case: Case, status: str) -> None:
    case.status = status
    ctx.shop.touch_case(case, ctx.now)
    ctx.shop.touch(ctx.shop.orders[case.order_id], ctx.now)
    ctx.emit(
        ctx.shop,
        "channels_ec_aftersale_update",
        {
            "finder_shop_aftersale_status_update": {
                "after_sale_order_id": case.case_id,
                "order_id": case.order_id,
                "status": status,
            }
        },
    )


def dumps(payload: dict) -> bytes:
    return json.dumps({"errcode": 0, "errmsg": "ok", **payload}, ensure_ascii=False).encode()
