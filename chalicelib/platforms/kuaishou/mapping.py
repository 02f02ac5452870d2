"""Kuaishou enums -> the unified vocabularies, and payloads -> canonical shapes.

Payload field names follow the doc schemas (reference §3.5); where the reference marks a field [I]
the shape below is what our sandbox serves too, and is the first thing to check against a live shop.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.domain.platform import Platform
from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus, RefundState
from chalicelib.platforms.epoch import from_ms, from_ms_or_none
from chalicelib.services.platform_types import (
    AfterSaleLine,
    CanonicalAfterSale,
    CanonicalLine,
    CanonicalOrder,
    CanonicalProduct,
    CanonicalReceiver,
    CanonicalSku,
)

# order `status` [V message comment]; 0 (unknown) is absent: unknown values never reach the ERP
ORDER_STATUS: dict[int, OrderStatus] = {
    10: OrderStatus.PENDING_PAYMENT,
    30: OrderStatus.AWAITING_SHIPMENT,
    40: OrderStatus.SHIPPED,
    50: OrderStatus.SHIPPED,  # signed for by the buyer, not yet settled
    70: OrderStatus.COMPLETED,
    80: OrderStatus.CANCELLED,
}

# refund `status` [D]
AFTER_SALE_STATUS: dict[int, AfterSaleStatus] = {
    10: AfterSaleStatus.PENDING_REVIEW,
    12: AfterSaleStatus.REJECTED,
    20: AfterSaleStatus.PLATFORM_PROCESSING,
    22: AfterSaleStatus.AWAITING_BUYER_RETURN,
    30: AfterSaleStatus.AWAITING_BUYER_RETURN,
    40: AfterSaleStatus.AWAITING_SELLER_RECEIPT,
    45: AfterSaleStatus.AWAITING_BUYER_ACTION,
    50: AfterSaleStatus.PLATFORM_PROCESSING,
    60: AfterSaleStatus.REFUNDED,
    70: AfterSaleStatus.CLOSED,
}

# `handlingWay` / `refundHandingWay`
AFTER_SALE_TYPE: dict[int, AfterSaleType] = {
    1: AfterSaleType.RETURN_AND_REFUND,
    10: AfterSaleType.REFUND_ONLY,
    3: AfterSaleType.EXCHANGE,   # [I] the value of 换货
}
GOODS_RETURN_WAYS = frozenset({1, 3})

# an order's refund summary from the statuses of its refunds
REFUND_STATE: dict[int, RefundState] = {
    10: RefundState.IN_PROGRESS,
    12: RefundState.IN_PROGRESS,
    20: RefundState.IN_PROGRESS,
    22: RefundState.IN_PROGRESS,
    30: RefundState.IN_PROGRESS,
    40: RefundState.IN_PROGRESS,
    45: RefundState.IN_PROGRESS,
    50: RefundState.REFUNDING,
    60: RefundState.REFUNDED,
    70: RefundState.NONE,
}

# Integer `expressCode` of open.seller.order.goods.deliver [I: the doc table (pageSign 3d4aa40a...) was not
# readable; confirm every value against it before the first live shipment].
EXPRESS_CODES: dict[int, str] = {
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

# our common carrier code -> Kuaishou's expressCode (as a string: ShipRequest carries strings)
CARRIERS: dict[str, str] = {
    "SF": "1",
    "ZTO": "2",
    "YTO": "3",
    "STO": "4",
    "YUNDA": "5",
    "JD": "6",
    "EMS": "7",
    "JTSD": "8",
    "DBL": "9",
    "YZPY": "10",
}

# our common carrier code -> the e-waybill `expressCompanyCode` (strings, reference §3.5 E-waybill)
EBILL_CARRIERS: dict[str, str] = {
    "SF": "SF",
    "ZTO": "ZTO",
    "YTO": "YTO",
    "STO": "STO",
    "YUNDA": "YUNDA",
    "JD": "JD",
    "EMS": "EMS",
    "JTSD": "JTSD",
    "DBL": "DBKD",
    "YZPY": "POSTB",
}


def order_status(code: int) -> OrderStatus:
    return ORDER_STATUS.get(code, OrderStatus.PENDING_PAYMENT)


def refund_state(refunds: list[Mapping[str, Any]]) -> RefundState:
    states = {REFUND_STATE.get(int(r.get("refundStatus", 0)), RefundState.NONE) for r in refunds}
    for state in (RefundState.REFUNDING, RefundState.IN_PROGRESS, RefundState.REFUNDED):
        if state in states:
            return state
    return RefundState.NONE


def _items(payload: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    items = payload.get("orderItemInfo") or []
    return [items] if isinstance(items, Mapping) else list(items)


def _line(item: Mapping[str, Any]) -> CanonicalLine:
    quantity = int(item.get("num", 1))
    price = int(item.get("price", 0))
    discount = int(item.get("discountFee", 0))
    return CanonicalLine(
        line_id=str(item.get("orderItemId") or item.get("skuId")),
        platform_sku_id=str(item.get("skuId", "")),
        platform_product_id=str(item.get("itemId", "")),
        merchant_code=str(item.get("skuNick") or ""),
        title=str(item.get("itemTitle", "")),
        sku_name=str(item.get("skuDesc", "")),
        quantity=quantity,
        unit_price_fen=price,
        paid_fen=price * quantity - discount,
        discount_fen=discount,
        image_url=str(item.get("itemPicUrl", "")),
    )


def receiver(address: Mapping[str, Any] | None) -> CanonicalReceiver | None:
    if not address:
        return None
    ciphertext = {
        key: str(address[key])
        for key in ("encryptedConsignee", "encryptedMobile", "encryptedAddress")
        if address.get(key)
    }
    return CanonicalReceiver(
        name_masked=str(address.get("desensitiseConsignee", "")),
        phone_masked=str(address.get("desensitiseMobile", "")),
        province=str(address.get("province", "")),
        city=str(address.get("city", "")),
        district=str(address.get("district", "")),
        town=str(address.get("town", "")),
        address_masked=str(address.get("desensitiseAddress", "")),
        ciphertext=ciphertext,
    )


def _seller_note(payload: Mapping[str, Any]) -> str:
    notes = (payload.get("orderNote") or {}).get("orderNoteInfo") or []
    return str(notes[-1].get("note", "")) if notes else ""


def order(payload: Mapping[str, Any]) -> CanonicalOrder:
    base = payload["orderBaseInfo"]
    lines = tuple(_line(item) for item in _items(payload))
    logistics = (payload.get("orderLogisticsInfo") or [{}])[-1] if payload.get("orderLogisticsInfo") else {}
    status = int(base.get("status", 0))
    return CanonicalOrder(
        platform=Platform.KUAISHOU,
        order_no=str(base["oid"]),
        platform_status=str(status),
        status=order_status(status),
        refund_state=refund_state(payload.get("orderRefundList") or []),
        created_at=from_ms(base["createTime"]),
        modified_at=from_ms(base["updateTime"]),
        lines=lines,
        receiver=receiver(payload.get("orderAddress")),
        total_fen=sum(line.unit_price_fen * line.quantity for line in lines),
        paid_fen=int(base.get("totalFee", 0)),
        freight_fen=int(base.get("expressFee", 0)),
        seller_discount_fen=int(base.get("discountFee", 0)),
        platform_discount_fen=int(base.get("platformDiscountFee", 0)),
        paid_at=from_ms_or_none(base.get("payTime")),
        buyer_memo=str(base.get("remark") or ""),
        seller_memo=_seller_note(payload),
        seller_flag=int(base.get("sellerFlag", 0)),
        shipped_at=from_ms_or_none(base.get("sendTime")),
        carrier_code=str(logistics.get("expressCode", "") or ""),
        tracking_no=str(logistics.get("expressNo", "")),
        buyer_id=str(base.get("buyerOpenId") or ""),
        order_type="presale" if int(base.get("preSale") or 0) == 1 else "normal",
        ship_by_at=ship_by(base),
        raw=dict(payload),
    )


def ship_by(base: Mapping[str, Any]) -> datetime | None:
    """validPromiseShipmentTimeStamp is 预售发货时间/承诺发货时间 (the presale ship time on a presale order),
    promiseTimeStampOfDelivery the plain promised ship time; both milliseconds, 0 when unset."""
    return from_ms_or_none(base.get("validPromiseShipmentTimeStamp")) or \
        from_ms_or_none(base.get("promiseTimeStampOfDelivery"))


def after_sale(payload: Mapping[str, Any]) -> CanonicalAfterSale:
    status, way = int(payload.get("status", 0)), int(payload.get("handlingWay", 0))
    returned = payload.get("returnLogistics") or {}
    return CanonicalAfterSale(
        platform=Platform.KUAISHOU,
        case_id=str(payload["refundId"]),
        order_no=str(payload["oid"]),
        type=AFTER_SALE_TYPE.get(way, AfterSaleType.OTHER),
        status=AFTER_SALE_STATUS.get(status, AfterSaleStatus.SELLER_PROCESSING),
        platform_status=str(status),
        platform_type=str(way),
        refund_fen=int(payload.get("refundFee", 0)),
        reason=str(payload.get("refundReasonDesc", "")),
        created_at=from_ms(payload["createTime"]),
        modified_at=from_ms(payload["updateTime"]),
        lines=(
            AfterSaleLine(
                line_id=str(payload.get("orderItemId") or payload.get("skuId", "")),
                platform_sku_id=str(payload.get("skuId", "")),
                quantity=int(payload.get("num", 1)),
                refund_fen=int(payload.get("refundFee", 0)),
            ),
        ),
        buyer_note=str(payload.get("refundDesc", "")),
        evidence_urls=tuple(str(url) for url in payload.get("refundPicList") or ()),
        has_goods_return=way in GOODS_RETURN_WAYS,
        return_carrier_code=str(returned.get("expressCode", "") or ""),
        return_tracking_no=str(returned.get("expressNo", "")),
        deadline_at=from_ms_or_none(payload.get("expireTime")),
        raw=dict(payload),
    )


def product(item: Mapping[str, Any]) -> CanonicalProduct:
    item_id = str(item["kwaiItemId"])
    skus = tuple(
        CanonicalSku(
            platform_sku_id=str(sku["kwaiSkuId"]),
            platform_product_id=item_id,
            merchant_code=str(sku.get("skuNick") or ""),
            title=str(item.get("title", "")),
            sku_name=str(sku.get("specification", "")),
            price_fen=int(sku.get("skuSalePrice", 0)),
            stock=int(sku.get("skuStock", 0)),
            image_url=str(sku.get("imageUrl", "")),
        )
        for sku in item.get("skuList") or ()
    )
    return CanonicalProduct(
        platform_product_id=item_id,
        title=str(item.get("title", "")),
        skus=skus,
        on_sale=int(item.get("onOfflineStatus", 1)) == 1,
        raw=dict(item),
    )
