"""`open.order.goods.split.deliver`: an order's items leave in several parcels, each naming the units of
each item (`oid`, `deliveryNum`) and `deliveryStatus` per item (10 partial, 40 all). The order stays
paid (30) until every unit is out [I: the status between parcels is not documented], then ships (40);
a whole-order `goods.deliver` after that is refused like any second delivery ([32])."""
from __future__ import annotations

from typing import Any

from local.sandbox.kuaishou import store
from local.sandbox.kuaishou.handlers import BAD_PARAM, EXPRESS_CODES, NOT_ALLOWED, ApiError, _find_order, need
from local.sandbox.kuaishou.store import Order, Shop
from local.sandbox.kuaishou.world import KuaishouWorld


def item_oid(order: Order) -> int:
    return order.oid * 10 + 1          # the one item of a sandbox order (payloads.orderItemId)


def split_deliver(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    order = _find_order(shop, p, "mainOrderId")
    parcels = need(p, "deliveryItemInfoList")
    if not isinstance(parcels, list) or not parcels:
        raise ApiError(BAD_PARAM, "deliveryItemInfoList不能为空")
    known = {str(x.get("expressNo")) for x in order.logistics}
    fresh = [x for x in parcels if str(x.get("expressNo")) not in known]
    if not fresh:
        return {}                      # the same parcels again: success, as for goods.deliver
    if order.status != store.PAID:
        raise ApiError(NOT_ALLOWED, "订单状态不允许发货")
    units = sum(_units(order, parcel) for parcel in fresh)
    if order.delivered + units > order.num:
        raise ApiError(BAD_PARAM, f"发货数量超过商品数量{order.num}")
    for parcel in fresh:
        order.logistics.append({"expressCode": int(parcel["expressCode"]), "expressNo": str(parcel["expressNo"]),
                                "logisticsId": order.oid + 5 + len(order.logistics)})
    order.delivered += units
    if order.delivered == order.num or _all_declared_done(order, p.get("deliveryStatus")):
        order.status, order.send_ms = store.SHIPPED, world.now_ms()
        world.emit(shop, "kwaishop_order_delivering", order.oid,
                   {"oid": order.oid, "sellerId": shop.seller_id, "status": order.status, "updateTime": world.now_ms()})
    world.touch(shop, order)
    return {}


def _units(order: Order, parcel: dict[str, Any]) -> int:
    if int(parcel.get("expressCode") or 0) not in EXPRESS_CODES:
        raise ApiError(BAD_PARAM, "快递公司编码不存在")
    if not str(parcel.get("expressNo") or ""):
        raise ApiError(BAD_PARAM, "参数expressNo不能为空")
    goods = parcel.get("deliveryGoodsInfoList") or []
    if not goods:
        raise ApiError(BAD_PARAM, "deliveryGoodsInfoList不能为空")
    total = 0
    for item in goods:
        if int(item.get("oid") or 0) != item_oid(order):
            raise ApiError(BAD_PARAM, "子订单不属于该订单")
        count = int(item.get("deliveryNum") or 0)
        if count < 1:
            raise ApiError(BAD_PARAM, "deliveryNum必须大于0")
        total += count
    return total


def _all_declared_done(order: Order, statuses: Any) -> bool:
    return bool(statuses) and all(int(s.get("confirmDeliveryStatus") or 0) == 40 for s in statuses
                                  if int(s.get("oid") or 0) == item_oid(order))
