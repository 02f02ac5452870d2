"""How the Kuaishou gateway renders its records (field names from the doc schemas, reference §3.5)."""

from __future__ import annotations

from typing import Any

from local.sandbox.core import SPOT_SHIP_HOURS, mask_detail, mask_name, mask_phone
from local.sandbox.kuaishou.store import Order, Refund


def order(o: Order) -> dict[str, Any]:
    sku = o.sku
    return {
        "orderBaseInfo": {
            "oid": o.oid,
            "status": o.status,
            "createTime": o.create_ms,
            "payTime": o.pay_ms,
            "updateTime": o.update_ms,
            "sendTime": o.send_ms,
            "totalFee": o.total_fee,
            "expressFee": o.express_fee,
            "discountFee": o.discount,
            "platformDiscountFee": 0,
            "remark": o.remark,
            "sellerFlag": o.flag,
            "buyerNick": mask_name(o.buyer.name),
            "buyerOpenId": f"f1{o.oid:x}",
            "preSale": 1 if o.presale_days else 0,
            "promiseTimeStampOfDelivery": _promised_shipment(o),
            "validPromiseShipmentTimeStamp": _promised_shipment(o),
        },
        "orderItemInfo": {
            "orderItemId": o.oid * 10 + 1,
            "itemId": o.item_id,
            "skuId": int(sku.sku_id),
            "relSkuId": 0,
            "skuNick": sku.merchant_code,
            "itemTitle": sku.title,
            "skuDesc": sku.sku_name,
            "itemPicUrl": f"https://p.kwaixiaodian.com/img/{sku.product_id}.jpg",
            "num": o.num,
            "price": sku.price_fen,
            "originalPrice": sku.price_fen,
            "discountFee": o.discount,
        },
        "orderAddress": {
            "province": o.buyer.province,
            "city": o.buyer.city,
            "district": o.buyer.district,
            "town": o.buyer.town,
            "desensitiseConsignee": mask_name(o.buyer.name),
            "desensitiseMobile": mask_phone(o.buyer.phone),
            "desensitiseAddress": mask_detail(o.buyer.detail),
            "encryptedConsignee": o.sealed["name"],
            "encryptedMobile": o.sealed["phone"],
            "encryptedAddress": o.sealed["detail"],
        },
        "orderLogisticsInfo": list(o.logistics),
        "orderNote": {"orderNoteInfo": list(o.notes)},
        "orderRefundList": [{"refundId": rid} for rid in o.refund_ids],
    }


HOUR_MS = 3600 * 1000


def _promised_shipment(o: Order) -> int:
    """预售发货时间/承诺发货时间: the presale ship time on a presale, else the plain promise."""
    if not o.pay_ms:
        return 0
    return o.pay_ms + (o.presale_days * 24 if o.presale_days else SPOT_SHIP_HOURS) * HOUR_MS


def with_refund_states(payload: dict[str, Any], refunds: dict[int, Refund]) -> dict[str, Any]:
    payload["orderRefundList"] = [
        {"refundId": r["refundId"], "refundStatus": refunds[r["refundId"]].status} for r in payload["orderRefundList"]
    ]
    return payload


def refund(r: Refund, o: Order) -> dict[str, Any]:
    return {
        "refundId": r.refund_id,
        "oid": r.oid,
        "orderItemId": o.oid * 10 + 1,
        "skuId": int(o.sku.sku_id),
        "itemId": o.item_id,
        "num": o.num,
        "status": r.status,
        "negotiateStatus": r.negotiate_status,
        "handlingWay": r.handling_way,
        "refundFee": r.refund_fee,
        "refundReason": 3,
        "refundReasonDesc": r.reason_desc,
        "refundDesc": r.desc,
        "createTime": r.create_ms,
        "updateTime": r.update_ms,
        "expireTime": r.update_ms + 48 * 3600 * 1000,
        "returnLogistics": dict(r.return_express),
        "exchangeLogistics": dict(r.exchange_express),   # [I] the seller's exchange parcel
        "refundPicList": [],
    }


def item(item_id: int, skus: list[Any], stock: dict[int, int]) -> dict[str, Any]:
    return {
        "kwaiItemId": item_id,
        "relItemId": 0,
        "title": skus[0].title,
        "itemStatus": 1,
        "onOfflineStatus": 1,
        "skuList": [sku_row(sku, stock) for sku in skus],
    }


def sku_row(sku: Any, stock: dict[int, int]) -> dict[str, Any]:
    return {
        "kwaiSkuId": int(sku.sku_id),
        "relSkuId": 0,
        "skuNick": sku.merchant_code,
        "specification": sku.sku_name,
        "skuSalePrice": sku.price_fen,
        "skuStock": stock[int(sku.sku_id)],
        "imageUrl": f"https://p2.a.yximgs.com/kos/sandbox/{sku.sku_id}.jpg",
    }
