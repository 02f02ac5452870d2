"""The Kuaishou sandbox's after-sale, catalog and e-waybill methods."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from local.sandbox.kuaishou import payloads, store
from local.sandbox.kuaishou.handlers import (
    BAD_PARAM,
    NOT_ALLOWED,
    NOT_FOUND,
    REJECT_REASONS,
    SUBSCRIPTIONS,
    ApiError,
    _find_refund,
    need,
)
from local.sandbox.kuaishou.store import Refund, Shop
from local.sandbox.kuaishou.world import KuaishouWorld
from local.sandbox.world import drop_waybill


def _settle(world: KuaishouWorld, shop: Shop, refund: Refund, status: int) -> None:
    refund.status = status
    refund.negotiate_status = 3 if status == store.REFUSED else 2
    order = shop.orders[refund.oid]
    if status == store.REFUNDED and order.status == store.PAID:
        order.status = store.CLOSED  # refunded before shipping: the order closes
    world.touch_refund(shop, refund)


def refund_approve(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    refund = _find_refund(shop, p)
    if int(p.get("refundAmount") or 0) > refund.refund_fee:
        raise ApiError(BAD_PARAM, "退款金额不能大于申请金额")
    money_only = refund.status == store.APPLIED and refund.handling_way == store.REFUND_ONLY
    if not (money_only or refund.status == store.RETURNED) or refund.handling_way == store.EXCHANGE:
        raise ApiError(NOT_ALLOWED, "当前售后状态不允许同意退款")
    _settle(world, shop, refund, store.REFUNDED)
    return {}


def returngoods_approve(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    refund = _find_refund(shop, p)
    if refund.status != store.APPLIED or refund.handling_way not in (store.RETURN_AND_REFUND, store.EXCHANGE):
        raise ApiError(NOT_ALLOWED, "当前售后状态不允许同意退货")
    _settle(world, shop, refund, store.AWAIT_RETURN)
    return {}


def reject_reason(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    _find_refund(shop, p)
    return REJECT_REASONS


def refund_reject(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    refund = _find_refund(shop, p)
    if int(need(p, "reasonCode")) not in {r["reasonCode"] for r in REJECT_REASONS}:
        raise ApiError(BAD_PARAM, "拒绝原因不存在")
    if int(need(p, "refundVersion")) != refund.update_ms:
        raise ApiError(BAD_PARAM, "售后单已更新，请刷新后重试")
    if refund.status not in (store.APPLIED, store.RETURNED):
        raise ApiError(NOT_ALLOWED, "当前售后状态不允许拒绝")
    refund.reject_reason = str(p.get("rejectDesc") or "")
    _settle(world, shop, refund, store.REFUSED)
    return {}


def confirm_receipt(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    refund = _find_refund(shop, p)
    if refund.status != store.RETURNED or refund.handling_way == store.EXCHANGE:
        raise ApiError(NOT_ALLOWED, "买家尚未退货，不能确认收货")
    _settle(world, shop, refund, store.REFUNDED)
    return {}


def confirm_and_send(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    """open.refund.confirm.and.send: the exchange's old goods received and the new ones sent in one step."""
    refund = _find_refund(shop, p)
    express_no, express_code = str(need(p, "expressNo")), int(need(p, "expressCode"))
    if refund.handling_way != store.EXCHANGE or refund.status != store.RETURNED:
        raise ApiError(NOT_ALLOWED, "当前售后状态不允许确认收货并发货")
    refund.exchange_express = {"expressCode": express_code, "expressNo": express_no}
    _settle(world, shop, refund, store.EXCHANGE_SENT)
    return {}


# ---------------------------------------------------------------- catalog
def _items(shop: Shop) -> dict[int, list[Any]]:
    items: dict[int, list[Any]] = {}
    for sku in shop.skus.values():
        items.setdefault(int(sku.product_id), []).append(sku)
    return items


def item_list(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    page, size = int(p.get("pageNumber") or 1), int(p.get("pageSize") or 20)
    if not 10 <= size <= 100:
        raise ApiError(BAD_PARAM, "pageSize取值10-100")
    items = sorted(_items(shop).items())
    chunk = items[(page - 1) * size : page * size]
    return {"totalItemCount": len(items), "items": [payloads.item(i, skus, shop.stock) for i, skus in chunk]}


def sku_list(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    skus = _items(shop).get(int(need(p, "kwaiItemId")))
    if skus is None:
        raise ApiError(NOT_FOUND, "商品不存在")
    return {"skuList": [payloads.sku_row(sku, shop.stock) for sku in skus]}


def stock_update(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    sku_id, change = int(need(p, "skuId")), int(need(p, "skuChangeStock"))
    sku = shop.skus.get(sku_id)
    if sku is None or int(sku.product_id) != int(need(p, "kwaiItemId")):
        raise ApiError(NOT_FOUND, "商品SKU不存在")
    if not 1 <= change <= 9999998 or int(need(p, "changeType")) not in (1, 2):
        raise ApiError(BAD_PARAM, "库存变更数量取值1-9999998，changeType取值1或2")
    delta = change if int(p["changeType"]) == 1 else -change
    if shop.stock[sku_id] + delta < 0:
        raise ApiError(NOT_ALLOWED, "库存不足，无法减少")
    shop.stock[sku_id] += delta
    return {}


# ---------------------------------------------------------------- e-waybills
def subscribe_query(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    return [
        {
            "expressCompanyCode": code,
            "expressCompanyName": name,
            "expressCompanyType": 2,
            "netSiteCode": site,
            "netSiteName": site_name,
            "availableQuantity": 5000,
            "settleAccount": f"{code}{shop.seller_id[-6:]}",
            "merchantName": "沙箱快手小店",
            "senderAddress": [
                {
                    "provinceName": "上海市",
                    "cityName": "上海市",
                    "districtName": "浦东新区",
                    "streetName": "张江镇",
                    "detailAddress": "博云路2号",
                }
            ],
        }
        for code, name, site, site_name in SUBSCRIPTIONS
    ]


def ebill_get(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    requests = need(p, "getEbillOrderRequest")
    return [_issue(world, shop, r) for r in requests]


def _issue(world: KuaishouWorld, shop: Shop, r: dict[str, Any]) -> dict[str, Any]:
    request_id = str(need(r, "requestId"))
    if request_id in shop.waybill_requests:
        return shop.waybill_requests[request_id]  # requestId is idempotent
    code = str(need(r, "expressCompanyCode"))
    if code not in {s[0] for s in SUBSCRIPTIONS}:
        raise ApiError(NOT_ALLOWED, "未开通该快递公司电子面单")
    order_no = str(need(r, "tradeOrderCode"))
    waybill = f"{code[:2]}{world.rng.randint(10**12, 10**13 - 1)}"
    digest = hashlib.sha256(f"{waybill}{request_id}".encode()).digest()
    answer = {
        "requestId": request_id,
        "waybillCode": waybill,
        "expressCompanyCode": code,
        "encryptedData": base64.b64encode(digest * 4).decode(),
        "signature": digest.hex()[:32],
        "key": base64.b64encode(digest[:16]).decode(),
        "templateURL": r.get("templateUrl") or f"https://s.kwaixiaodian.com/tpl/{code}/standard.xml",
        "addData": {"senderInfo": r.get("senderContract") or {}},
    }
    shop.waybills[waybill] = (code, (order_no,))
    shop.waybill_requests[request_id] = answer
    return answer


def ebill_cancel(world: KuaishouWorld, shop: Shop, p: dict[str, Any]) -> Any:
    if not drop_waybill(shop.waybills, shop.waybill_requests, str(need(p, "waybillCode")),
                        str(need(p, "expressCompanyCode"))):
        raise ApiError(NOT_FOUND, "电子面单不存在")
    return {}
