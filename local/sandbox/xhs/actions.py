"""The Xiaohongshu sandbox's after-sale and e-waybill methods."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from local.sandbox.timeline import window_of
from local.sandbox.world import drop_waybill
from local.sandbox.xhs import store
from local.sandbox.xhs.handlers import BAD_PARAM, NOT_ALLOWED, NOT_FOUND, ApiError, need, page_of
from local.sandbox.xhs.store import Case, Shop
from local.sandbox.xhs.world import XhsWorld

REJECT_REASONS = [
    {"reasonType": 1, "reasonId": 101, "reasonName": "商品已影响二次销售"},
    {"reasonType": 1, "reasonId": 102, "reasonName": "买家未按要求退回商品"},
    {"reasonType": 1, "reasonId": 103, "reasonName": "已与买家协商一致"},
]
SUBSCRIPTIONS = [("zhongtong", "中通快递", "571001", "杭州西湖网点"), ("yunda", "韵达快递", "571002", "杭州滨江网点")]


def yuan(fen: int) -> float:
    return fen / 100


def basic(c: Case) -> dict[str, Any]:
    return {
        "returnsId": c.returns_id,
        "returnType": c.return_type,
        "reasonId": 1,
        "reasonNameZh": c.reason,
        "status": c.status,
        "userId": "",
        "orderId": c.order_id,
        "applyTime": c.apply_ms,
        "updatedAt": c.update_ms,
        "expireTime": c.update_ms + 72 * 3600 * 1000,
        "desc": c.desc,
        "returnsTag": 0,
        "expectedRefundAmountYuan": yuan(c.refund_fen),
    }


def info(c: Case) -> dict[str, Any]:
    return {
        "afterSaleInfo": {
            **basic(c),
            "proofPhotos": [],
            "refundAmountYuan": yuan(c.refund_fen),
            "refundStatus": 2 if c.status == store.DONE else 1,
            "cargoStatus": 0,
            "skus": [
                {
                    "skuId": line.sku.sku_id,
                    "skuName": line.sku.title,
                    "price": yuan(line.sku.price_fen),
                    "boughtCount": line.quantity,
                    "appliedCount": line.quantity,
                    "appliedTotalAmountYuan": yuan(fen),
                    "skuERPCode": line.sku.merchant_code,
                }
                for line, fen in c.lines
            ],
        },
        "logisticsInfo": {"after_sale": dict(c.return_express), "exchange": dict(c.reship_express)},  # [I] key
        "negotiateRecords": [],
    }


def case_list(world: XhsWorld, shop: Shop, p: dict[str, Any]) -> Any:
    start, end = int(need(p, "startTime")), int(need(p, "endTime"))
    if int(p.get("timeType") or 1) == 2:
        keys = shop.case_index.keys
    else:
        keys = sorted((c.apply_ms, c.returns_id) for c in shop.cases.values())
    lo, hi = window_of(keys, start, end)
    chunk, paging = page_of(keys, lo, hi, p, max_size=50)
    return {
        "totalCount": paging.pop("total"),
        **paging,
        "afterSaleBasicInfos": [basic(shop.cases[rid]) for _u, rid in chunk],
    }


def find_case(shop: Shop, p: dict[str, Any]) -> Case:
    case = shop.cases.get(str(need(p, "returnsId")))
    if case is None:
        raise ApiError(NOT_FOUND, "售后单不存在")
    return case


def case_info(world: XhsWorld, shop: Shop, p: dict[str, Any]) -> Any:
    return info(find_case(shop, p))


def reject_reasons(world: XhsWorld, shop: Shop, p: dict[str, Any]) -> Any:
    find_case(shop, p)
    return {"rejectReasons": REJECT_REASONS}


def _settle(world: XhsWorld, shop: Shop, case: Case, status: int) -> None:
    case.status = status
    order = shop.orders[case.order_id]
    if status == store.DONE and case.return_type != store.EXCHANGE:
        order.after_sales_status = store.AS_DONE
        if order.status == store.AWAITING:
            order.status = store.CLOSED  # refunded before shipping: the order closes
    elif status == store.REFUSED:
        order.after_sales_status = store.AS_REFUSED
    world.touch_case(shop, case)


def audit(world: XhsWorld, shop: Shop, p: dict[str, Any]) -> Any:
    case, action = find_case(shop, p), int(need(p, "action"))
    if case.status != store.REVIEW:
        raise ApiError(NOT_ALLOWED, "售后单当前状态不允许审核")
    if action == 2:
        if int(p.get("reason") or 0) not in {r["reasonId"] for r in REJECT_REASONS}:
            raise ApiError(BAD_PARAM, "拒绝原因不存在")
        _settle(world, shop, case, store.REFUSED)
    elif action == 1 and case.return_type in (store.RETURN_REFUND, store.EXCHANGE):
        if not (p.get("receiverInfo") or {}).get("receiverName"):
            raise ApiError(NOT_ALLOWED, "退货类售后需先同意退货并提供退货地址")
        _settle(world, shop, case, store.AWAIT_RETURN)
    elif action == 1:
        _settle(world, shop, case, store.DONE)
    else:
        raise ApiError(BAD_PARAM, "action取值1或2")
    return ""


def confirm_receive(world: XhsWorld, shop: Shop, p: dict[str, Any]) -> Any:
    case = find_case(shop, p)
    if case.status != store.AWAIT_RECEIPT:
        raise ApiError(NOT_ALLOWED, "买家尚未退货，不能确认收货")
    _settle(world, shop, case, store.AWAIT_RESHIP if case.return_type == store.EXCHANGE else store.DONE)
    return ""


# ---------------------------------------------------------------- e-waybills
def subscribes(world: XhsWorld, shop: Shop, p: dict[str, Any]) -> Any:
    return {
        "subscribeList": [
            {
                "cpCode": code,
                "cpName": name,
                "cpType": 2,
                "branchCode": branch,
                "branchName": branch_name,
                "customerCode": f"C{shop.seller_id[-6:]}",
                "brandCode": "",
                "productCode": "standard",
                "usage": {"quantity": 3000, "allocatedQuantity": len(shop.waybills), "cancelQuantity": 0},
                "senderAddressList": [
                    {
                        "province": "浙江省",
                        "city": "杭州市",
                        "district": "西湖区",
                        "town": "文新街道",
                        "detail": "文一西路8号",
                    }
                ],
            }
            for code, name, branch, branch_name in SUBSCRIPTIONS
        ]
    }


def create_ebill(world: XhsWorld, shop: Shop, p: dict[str, Any]) -> Any:
    code = str(need(p, "cpCode"))
    if code not in {s[0] for s in SUBSCRIPTIONS}:
        raise ApiError(NOT_ALLOWED, "未订购该快递公司电子面单")
    return {"waybillList": [_issue(world, shop, code, t) for t in need(p, "tradeOrderInfoList")]}


def _issue(world: XhsWorld, shop: Shop, code: str, trade: dict[str, Any]) -> dict[str, Any]:
    object_id = str(need(trade, "objectId"))
    if object_id in shop.waybill_objects:
        return shop.waybill_objects[object_id]  # the same objectId gives the same waybill
    orders = tuple(str(o) for o in need(need(trade, "orderInfo"), "tradeOrderList"))
    if any(o not in shop.orders for o in orders):
        raise ApiError(NOT_FOUND, "订单不存在")
    waybill = f"{code[:2].upper()}{world.rng.randint(10**12, 10**13 - 1)}"
    digest = hashlib.sha256(f"{waybill}{object_id}".encode()).digest()
    print_data = {
        "encryptedData": base64.b64encode(digest * 3).decode(),
        "signature": digest.hex()[:32],
        "templateURL": f"https://ark.xiaohongshu.com/ebill/template/{code}/standard",
        "ver": "2",
    }
    answer = {
        "objectId": object_id,
        "waybillCode": waybill,
        "parentWaybillCode": "",
        "printData": json.dumps(print_data, separators=(",", ":")),
    }
    shop.waybills[waybill] = (code, orders)
    shop.waybill_objects[object_id] = answer
    return answer


def cancel_ebill(world: XhsWorld, shop: Shop, p: dict[str, Any]) -> Any:
    if not drop_waybill(shop.waybills, shop.waybill_objects, str(need(p, "waybillCode")), str(need(p, "cpCode"))):
        raise ApiError(NOT_FOUND, "面单不存在")
    return ""
