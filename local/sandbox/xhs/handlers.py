"""The Xiaohongshu sandbox's order, catalog and privacy methods: each takes the shop and the request
body and returns `data`, or raises ApiError. Runs under the world lock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from local.sandbox.timeline import window_of
from local.sandbox.xhs import store
from local.sandbox.xhs.store import Order, Shop
from local.sandbox.xhs.world import CARRIERS, XhsWorld

BAD_PARAM, NOT_FOUND, NOT_ALLOWED = -200, -201, -202
WINDOW_LIMIT_S = {1: 24 * 3600, 2: 30 * 60}  # timeType 1 create: 24 h; 2 update: 30 min


class ApiError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


Handler = Callable[[XhsWorld, Shop, dict[str, Any]], Any]


def need(p: dict[str, Any], key: str) -> Any:
    if p.get(key) in (None, "", []):
        raise ApiError(BAD_PARAM, f"{key}不能为空")
    return p[key]


def page_of(keys: list, lo: int, hi: int, p: dict[str, Any], max_size: int = 100) -> tuple[list, dict[str, int]]:
    page, size = int(p.get("pageNo") or 1), int(p.get("pageSize") or 20)
    if not 0 < size <= max_size or page < 1:
        raise ApiError(BAD_PARAM, f"pageSize取值1-{max_size}")
    total = hi - lo
    chunk = keys[lo + (page - 1) * size : min(hi, lo + page * size)]
    return chunk, {"total": total, "pageNo": page, "pageSize": size, "maxPageNo": max(1, -(-total // size))}


def shift(world: XhsWorld, shop: Shop) -> None:
    if shop.orders and world.faults.chance(world.faults.shift_rate):
        world.touch(shop, world.rng.choice(list(shop.orders.values())))


# ---------------------------------------------------------------- rendering
def summary(o: Order) -> dict[str, Any]:
    return {
        "orderId": o.order_id,
        "orderType": 1,
        "orderStatus": o.status,
        "orderAfterSalesStatus": o.after_sales_status,
        "cancelStatus": 0,
        "createdTime": o.create_ms,
        "paidTime": o.paid_ms,
        "updateTime": o.update_ms,
        "deliveryTime": o.delivery_ms,
        "cancelTime": 0,
        "finishTime": 0,
        "promiseLastDeliveryTime": o.paid_ms + 48 * 3600 * 1000 if o.paid_ms else 0,
        "receiverProvinceName": o.region[0],
        "receiverCityName": o.region[1],
        "receiverDistrictName": o.region[2],
        "customerRemark": o.customer_remark,
        "sellerRemark": o.seller_remark,
        "sellerRemarkFlag": o.seller_flag,
        "userId": o.user_id,
    }


def detail(o: Order) -> dict[str, Any]:
    last = o.packages[-1] if o.packages else {}
    return {
        **summary(o),
        **o.sealed,
        "openAddressId": o.open_address_id,
        "totalPayAmount": o.total_pay,
        "totalShippingFree": o.shipping_fee,
        "totalMerchantDiscount": sum(line.merchant_discount for line in o.lines),
        "totalRedDiscount": sum(line.red_discount for line in o.lines),
        "expressTrackingNo": last.get("expressTrackingNo", ""),
        "expressCompanyCode": last.get("expressCompanyCode", ""),
        "simpleDeliveryOrderList": list(o.packages),
        "unpack": len(o.packages) > 1,
        "skuList": [
            {
                "skuId": line.sku.sku_id,
                "itemId": line.sku.product_id,
                "skuName": line.sku.title,
                "erpcode": line.sku.merchant_code,
                "skuSpec": line.sku.sku_name,
                "skuImage": f"https://ci.xiaohongshu.com/{line.sku.sku_id}.jpg",
                "skuQuantity": line.quantity,
                "totalPaidAmount": line.paid,
                "totalMerchantDiscount": line.merchant_discount,
                "totalRedDiscount": line.red_discount,
                "skuDetailList": [
                    {
                        "skuId": line.sku.sku_id,
                        "erpCode": line.sku.merchant_code,
                        "quantity": line.quantity,
                        "pricePerSku": line.sku.price_fen,
                        "rawPricePerSku": line.sku.price_fen,
                    }
                ],
            }
            for line in o.lines
        ],
    }


# ---------------------------------------------------------------- orders
def by_creation(shop: Shop) -> list[tuple[int, str]]:
    return sorted((o.create_ms, o.order_id) for o in shop.orders.values())  # rare: sorted on demand


def order_list(world: XhsWorld, shop: Shop, p: dict[str, Any]) -> Any:
    start, end, time_type = int(need(p, "startTime")), int(need(p, "endTime")), int(p.get("timeType") or 1)
    if time_type not in WINDOW_LIMIT_S or not 0 <= end - start <= WINDOW_LIMIT_S[time_type]:
        raise ApiError(BAD_PARAM, "查询时间范围不合法：创建时间不超过24小时，更新时间不超过30分钟")
    keys = shop.order_index.keys if time_type == 2 else by_creation(shop)
    lo, hi = window_of(keys, start * 1000, end * 1000)
    chunk, paging = page_of(keys, lo, hi, p)
    wanted = int(p.get("orderStatus") or 0)
    rows = [summary(shop.orders[oid]) for _u, oid in chunk]
    return {**paging, "orderList": [r for r in rows if not wanted or r["orderStatus"] == wanted]}


def find_order(shop: Shop, p: dict[str, Any]) -> Order:
    order = shop.orders.get(str(need(p, "orderId")))
    if order is None:
        raise ApiError(NOT_FOUND, "订单不存在")
    return order


def order_detail(world: XhsWorld, shop: Shop, p: dict[str, Any]) -> Any:
    return detail(find_order(shop, p))


def desensitise(world: XhsWorld, shop: Shop, p: dict[str, Any]) -> Any:
    rows = []
    for info in need(p, "baseInfos"):
        masked = world.masked.get(str(info.get("encryptedData")))
        rows.append(
            {
                "dataTag": info.get("dataTag"),
                "encryptedData": info.get("encryptedData"),
                "desensitisedData": masked or "",
                "errorCode": 0 if masked else 1,
                "errorMsg": "" if masked else "密文无效",
            }
        )
    return {"desensitiseInfoList": rows}


def deliver(world: XhsWorld, shop: Shop, p: dict[str, Any]) -> Any:
    order = find_order(shop, p)
    code, number = str(need(p, "expressCompanyCode")), str(need(p, "expressNo"))
    if code not in CARRIERS:
        raise ApiError(BAD_PARAM, "快递公司编码不存在")
    if order.status not in (store.AWAITING, store.PARTLY):
        raise ApiError(NOT_ALLOWED, "订单状态不允许发货")
    if order.after_sales_status == store.AS_OPEN:
        raise ApiError(NOT_ALLOWED, "订单售后处理中，不允许发货")
    all_skus = [line.sku.sku_id for line in order.lines]
    shipped = {s for pkg in order.packages for s in pkg["skuIdList"]}
    skus = [str(s) for s in p.get("skuIdList") or []] or [s for s in all_skus if s not in shipped]
    if not set(skus) <= set(all_skus) - shipped or not skus:
        raise ApiError(BAD_PARAM, "skuIdList不属于该订单或已发货")
    order.packages.append(
        {
            "deliveryOrderIndex": len(order.packages) + 1,
            "status": 2,
            "expressCompanyCode": code,
            "expressTrackingNo": number,
            "skuIdList": skus,
        }
    )
    order.status = store.SHIPPED if shipped | set(skus) == set(all_skus) else store.PARTLY
    order.delivery_ms = world.now_ms()
    world.touch(shop, order)
    world.emit_status(shop, order)
    return ""


def remark(world: XhsWorld, shop: Shop, p: dict[str, Any]) -> Any:
    order = find_order(shop, p)
    order.seller_remark = str(p.get("sellerMarkNote") or "")
    order.seller_flag = int(p.get("sellerMarkPriority") or 0)
    world.touch(shop, order)
    world.outbox.add(
        "msg_fulfillment_seller_remark_change",
        shop.seller_id,
        {"orderId": order.order_id, "sellerRemark": order.seller_remark, "updateTime": order.update_ms},
    )
    return ""


# ---------------------------------------------------------------- catalog and carriers
def sku_list(world: XhsWorld, shop: Shop, p: dict[str, Any]) -> Any:
    skus = sorted(shop.skus.values(), key=lambda s: s.sku_id)
    chunk, paging = page_of(skus, 0, len(skus), p)
    return {
        **paging,
        "skuList": [
            {
                "skuId": s.sku_id,
                "itemId": s.product_id,
                "itemName": s.title,
                "skuName": s.sku_name,
                "erpCode": s.merchant_code,
                "price": s.price_fen,
                "stock": shop.stock[s.sku_id],
                "buyable": True,
                "image": f"https://ci.xiaohongshu.com/{s.sku_id}.jpg",
            }
            for s in chunk
        ],
    }


def sync_stock(world: XhsWorld, shop: Shop, p: dict[str, Any]) -> Any:
    sku_id, qty = str(need(p, "skuId")), int(p.get("qty", -1))
    if sku_id not in shop.skus:
        raise ApiError(NOT_FOUND, "商品规格不存在")
    if qty < 0:
        raise ApiError(BAD_PARAM, "qty不能小于0")
    shop.stock[sku_id] = qty
    return {"skuStock": {"available": qty, "total": qty}}


def carriers(world: XhsWorld, shop: Shop, p: dict[str, Any]) -> Any:
    return {
        "expressCompanyInfos": [
            {"expressCompanyId": i + 1, "expressCompanyCode": code, "expressCompanyName": name, "comment": ""}
            for i, (code, name) in enumerate(CARRIERS.items())
        ]
    }
