"""The Kuaishou sandbox's API methods: each takes the shop and the decoded `param` and returns `data`,
or raises ApiError with the gateway's result code. Runs under the world lock."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from local.sandbox.kuaishou import payloads, store
from local.sandbox.kuaishou.store import Order, Refund, Shop
from local.sandbox.kuaishou.world import KuaishouWorld
from local.sandbox.timeline import TimeIndex

BAD_PARAM, NOT_FOUND, NOT_ALLOWED = 30, 31, 32
DAY_MS = 24 * 3600 * 1000
NOMORE = "nomore"
EXPRESS_CODES = {
    1: "顺丰速运",
    2: "中通快递",
    3: "圆通速递",
    4: "申通快递",
    5: "韵达快递",
    6: "京东快递",
    7: "EMS",
    8: "极兔速递",
    9: "德邦快递",
    10: "邮政快递包裹",
}
REJECT_REASONS = [
    {"reasonCode": 1, "reasonDesc": "商品已发出，买家未退回"},
    {"reasonCode": 2, "reasonDesc": "买家退回商品影响二次销售"},
    {"reasonCode": 3, "reasonDesc": "与买家协商一致不退款"},
]
SUBSCRIPTIONS = [("ZTO", "中通快递", "310000", "上海浦东网点"), ("YTO", "圆通速递", "310101", "上海黄浦网点")]


class ApiError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


Handler = Callable[[KuaishouWorld, Shop, dict[str, Any]], Any]


def need(p: dict[str, Any], key: str) -> Any:
    if p.get(key) in (None, ""):
        raise ApiError(BAD_PARAM, f"参数{key}不能为空")
    return p[key]


# ---------------------------------------------------------------- cursor lists
def _cursor(text: str) -> tuple[int, int] | None:
    if not text:
        return None
    try:
        u, rid = base64.urlsafe_b64decode(text.encode()).decode().split(":")
        return int(u), int(rid)
    except ValueError as exc:
        raise ApiError(BAD_PARAM, "cursor无效") from exc


def _page(index: TimeIndex[int], p: dict[str, Any], max_span: int, max_size: int, cursor_key: str) -> tuple[list, str]:
    begin, end = int(need(p, "beginTime")), int(need(p, "endTime"))
    size = int(p.get("pageSize") or 20)
    if end < begin or end - begin > max_span:
        raise ApiError(BAD_PARAM, "查询时间范围不合法")
    if not 0 < size <= max_size:
        raise ApiError(BAD_PARAM, f"pageSize不能超过{max_size}")
    after = _cursor(str(p.get(cursor_key) or ""))
    if int(p.get("sort") or 1) == 2:
        keys = index.after(after or (begin - 1, 2**63), end, size)
    else:
        keys = index.before(after or (end + 1, -1), begin, size)
    following = (
        NOMORE if len(keys) < size else base64.urlsafe_b64encode(f"{keys[-1][0]}:{keys[-1][1]}".encode()).decode()
    )
    return keys, following


def _shift(world: KuaishouWorld, shop: Shop) -> None:
    if shop.orders and world.faults.chance(world.faults.shift_rate):
        world.touch(shop, world.rng.choice(list(shop.orders.values())))


def order_list(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    _shift(world, shop)
    index: TimeIndex[int] = shop.order_index
    if int(p.get("queryType") or 2) == 1:  # by creation time: rare, sorted on demand
        index = TimeIndex()
        index.keys = sorted((o.create_ms, o.oid) for o in shop.orders.values())
    keys, following = _page(index, p, 7 * DAY_MS, 50, "cursor")
    view = int(p.get("orderViewStatus") or 1)
    wanted = {
        2: {store.UNPAID},
        3: {store.PAID},
        4: {store.SHIPPED},
        5: {store.SIGNED},
        6: {store.SUCCESS},
        7: {store.CLOSED},
    }.get(view)
    orders = [shop.orders[oid] for _u, oid in keys]
    return {
        "cursor": following,
        "orderList": [_order(shop, o) for o in orders if not wanted or o.status in wanted],
    }


def _order(shop: Shop, o: Order) -> dict[str, Any]:
    return payloads.with_refund_states(payloads.order(o), shop.refunds)


def _find_order(shop: Shop, p: dict[str, Any], key: str) -> Order:
    order = shop.orders.get(int(need(p, key)))
    if order is None:
        raise ApiError(NOT_FOUND, "订单不存在")
    return order


def order_detail(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    return _order(shop, _find_order(shop, p, "oid"))


def refund_list(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    keys, following = _page(shop.refund_index, p, DAY_MS, 100, "pcursor")
    refunds = [shop.refunds[rid] for _u, rid in keys]
    if int(p.get("type") or 9) == 8:
        refunds = [r for r in refunds if r.status == store.APPLIED]
    return {
        "pcursor": following,
        "refundOrderInfoList": [payloads.refund(r, shop.orders[r.oid]) for r in refunds],
    }


def _find_refund(shop: Shop, p: dict[str, Any]) -> Refund:
    refund = shop.refunds.get(int(need(p, "refundId")))
    if refund is None:
        raise ApiError(NOT_FOUND, "售后单不存在")
    return refund


def refund_detail(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    refund = _find_refund(shop, p)
    return payloads.refund(refund, shop.orders[refund.oid])


# ---------------------------------------------------------------- order writes
def deliver(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    order = _find_order(shop, p, "orderId")
    code, number = int(need(p, "expressCode")), str(need(p, "expressNo"))
    if code not in EXPRESS_CODES:
        raise ApiError(BAD_PARAM, "快递公司编码不存在")
    last = order.logistics[-1] if order.logistics else {}
    if order.status == store.SHIPPED and last.get("expressNo") == number:
        return {}  # same tracking no. again: success since 2024-11-25
    if order.status != store.PAID:
        raise ApiError(NOT_ALLOWED, "订单状态不允许发货")
    if any(shop.refunds[r].status not in (store.REFUSED, store.REFUND_CLOSED) for r in order.refund_ids):
        raise ApiError(NOT_ALLOWED, "订单存在进行中的售后，不允许发货")
    order.logistics.append({"expressCode": code, "expressNo": number, "logisticsId": order.oid + 5})
    order.status, order.send_ms = store.SHIPPED, world.now_ms()
    world.touch(shop, order)
    world.emit(
        shop,
        "kwaishop_order_delivering",
        order.oid,
        {"oid": order.oid, "sellerId": shop.seller_id, "status": order.status, "updateTime": order.update_ms},
    )
    return {}


def note_add(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    order = _find_order(shop, p, "orderId")
    note, flag = str(p.get("note") or ""), int(p.get("flag") or 0)
    if len(note) > 200 or not 0 <= flag <= 6:
        raise ApiError(BAD_PARAM, "备注不能超过200字，旗帜取值0-6")
    order.notes.append({"note": note, "createTime": world.now_ms()})
    order.flag = flag
    world.touch(shop, order)
    return {}
