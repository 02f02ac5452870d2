"""Xiaohongshu enums -> the unified vocabularies, and payloads -> canonical shapes.

Order money is integer fen; after-sale money comes as yuan floats (`*Yuan`) and is converted exactly
through its decimal text. Times are epoch milliseconds [I: the sources only say int64]."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chalicelib.domain.money import yuan_to_fen
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

# orderStatus [V zsmhub constant.go]
ORDER_STATUS: dict[int, OrderStatus] = {
    1: OrderStatus.PENDING_PAYMENT,
    2: OrderStatus.AWAITING_SHIPMENT,  # paid, processing
    3: OrderStatus.AWAITING_SHIPMENT,  # customs clearance (cross-border)
    4: OrderStatus.AWAITING_SHIPMENT,
    5: OrderStatus.PARTIALLY_SHIPPED,
    6: OrderStatus.SHIPPED,
    7: OrderStatus.COMPLETED,
    8: OrderStatus.CANCELLED,  # closed
    9: OrderStatus.CANCELLED,
    10: OrderStatus.SHIPPED,  # exchange in progress: the goods went out
}

# orderAfterSalesStatus
REFUND_STATE: dict[int, RefundState] = {
    1: RefundState.NONE,
    2: RefundState.IN_PROGRESS,
    3: RefundState.REFUNDED,
    4: RefundState.NONE,
    5: RefundState.NONE,
    6: RefundState.IN_PROGRESS,
}

# after-sale returnType
AFTER_SALE_TYPE: dict[int, AfterSaleType] = {
    1: AfterSaleType.RETURN_AND_REFUND,
    2: AfterSaleType.EXCHANGE,
    3: AfterSaleType.REFUND_ONLY,  # the old refund-only
    4: AfterSaleType.REFUND_ONLY,
    5: AfterSaleType.REFUND_ONLY,  # refund before shipping
}

# after-sale status; 4 "completed" means refunded, except for an exchange, where the goods went out
AFTER_SALE_STATUS: dict[int, AfterSaleStatus] = {
    1: AfterSaleStatus.PENDING_REVIEW,
    2: AfterSaleStatus.AWAITING_BUYER_RETURN,
    3: AfterSaleStatus.AWAITING_SELLER_RECEIPT,
    4: AfterSaleStatus.REFUNDED,
    5: AfterSaleStatus.CLOSED,  # the buyer cancelled
    6: AfterSaleStatus.CLOSED,
    9: AfterSaleStatus.REJECTED,
    9001: AfterSaleStatus.REJECTED,  # receipt refused
    11: AfterSaleStatus.SELLER_PROCESSING,  # exchange turned into a refund
    12: AfterSaleStatus.AWAITING_RESHIP,
    13: AfterSaleStatus.AWAITING_BUYER_ACTION,
    14: AfterSaleStatus.PLATFORM_PROCESSING,
}
EXCHANGE_DONE = AfterSaleStatus.RESHIPPED

# our common carrier code -> XHS expressCompanyCode [I: kuaidi100-style codes; the live list comes from
# common.getExpressCompanyList, which list_carriers returns]
CARRIERS: dict[str, str] = {
    "ZTO": "zhongtong",
    "YTO": "yuantong",
    "STO": "shentong",
    "YUNDA": "yunda",
    "SF": "shunfeng",
    "JD": "jd",
    "EMS": "ems",
    "JTSD": "jtexpress",
    "DBL": "debangkuaidi",
    "YZPY": "youzhengguonei",
}


def order_status(code: int) -> OrderStatus:
    # unknown values never reach the ERP as shippable
    return ORDER_STATUS.get(code, OrderStatus.PENDING_PAYMENT)


def after_sale_status(code: int, return_type: int) -> AfterSaleStatus:
    status = AFTER_SALE_STATUS.get(code, AfterSaleStatus.SELLER_PROCESSING)
    if status is AfterSaleStatus.REFUNDED and return_type == 2:
        return EXCHANGE_DONE
    return status


def _line(sku: Mapping[str, Any]) -> CanonicalLine:
    detail = (sku.get("skuDetailList") or [{}])[0]
    unit = int(detail.get("rawPricePerSku") or detail.get("pricePerSku") or 0)
    discount = int(sku.get("totalMerchantDiscount", 0)) + int(sku.get("totalRedDiscount", 0))
    return CanonicalLine(
        line_id=str(sku["skuId"]),
        platform_sku_id=str(sku["skuId"]),
        platform_product_id=str(sku.get("itemId", "")),
        merchant_code=str(sku.get("erpcode") or detail.get("erpCode") or ""),
        title=str(sku.get("skuName", "")),
        sku_name=str(sku.get("skuSpec", "")),
        quantity=int(sku.get("skuQuantity", 1)),
        unit_price_fen=unit,
        paid_fen=int(sku.get("totalPaidAmount", 0)),
        discount_fen=discount,
        image_url=str(sku.get("skuImage", "")),
    )


def receiver(payload: Mapping[str, Any], masked: Mapping[str, str]) -> CanonicalReceiver:
    """`masked` maps each ciphertext to its desensitised text (data.batchDesensitise)."""
    name, phone, address = (str(payload.get(k, "")) for k in ("receiverName", "receiverPhone", "receiverAddress"))
    ciphertext = {
        "receiverName": name,
        "receiverPhone": phone,
        "receiverAddress": address,
        "openAddressId": str(payload.get("openAddressId", "")),
    }
    return CanonicalReceiver(
        name_masked=masked.get(name, ""),
        phone_masked=masked.get(phone, ""),
        province=str(payload.get("receiverProvinceName", "")),
        city=str(payload.get("receiverCityName", "")),
        district=str(payload.get("receiverDistrictName", "")),
        address_masked=masked.get(address, ""),
        ciphertext={k: v for k, v in ciphertext.items() if v},
    )


def ciphertexts(payload: Mapping[str, Any]) -> list[str]:
    return [str(payload[k]) for k in ("receiverName", "receiverPhone", "receiverAddress") if payload.get(k)]


# orderType: 1 normal, 2 deposit presale (定金预售), 3 full presale (全款预售), 4 delayed, 5 exchange reissue
ORDER_TYPES = {1: "normal", 2: "step_payment", 3: "presale", 4: "normal", 5: "normal"}


def order(payload: Mapping[str, Any], masked: Mapping[str, str]) -> CanonicalOrder:
    lines = tuple(_line(sku) for sku in payload.get("skuList") or ())
    status = int(payload.get("orderStatus", 0))
    return CanonicalOrder(
        platform=Platform.XHS,
        order_no=str(payload["orderId"]),
        platform_status=str(status),
        status=order_status(status),
        refund_state=REFUND_STATE.get(int(payload.get("orderAfterSalesStatus", 1)), RefundState.NONE),
        created_at=from_ms(payload["createdTime"]),
        modified_at=from_ms(payload["updateTime"]),
        lines=lines,
        receiver=receiver(payload, masked) if payload.get("receiverName") else None,
        total_fen=sum(line.unit_price_fen * line.quantity for line in lines),
        paid_fen=int(payload.get("totalPayAmount", 0)),
        freight_fen=int(payload.get("totalShippingFree", 0)),
        seller_discount_fen=int(payload.get("totalMerchantDiscount", 0)),
        platform_discount_fen=int(payload.get("totalRedDiscount", 0)),
        paid_at=from_ms_or_none(payload.get("paidTime")),
        buyer_memo=str(payload.get("customerRemark") or ""),
        seller_memo=str(payload.get("sellerRemark") or ""),
        seller_flag=int(payload.get("sellerRemarkFlag") or 0),
        shipped_at=from_ms_or_none(payload.get("deliveryTime")),
        carrier_code=str(payload.get("expressCompanyCode") or ""),
        tracking_no=str(payload.get("expressTrackingNo") or ""),
        buyer_id=str(payload.get("userId") or ""),
        order_type=ORDER_TYPES.get(int(payload.get("orderType") or 1), "normal"),
        ship_by_at=from_ms_or_none(payload.get("promiseLastDeliveryTime")),
        raw=dict(payload),
    )


def after_sale(data: Mapping[str, Any]) -> CanonicalAfterSale:
    """From afterSale.getAfterSaleInfo's `data` (afterSaleInfo + logisticsInfo)."""
    info = data["afterSaleInfo"]
    returned = ((data.get("logisticsInfo") or {}).get("after_sale")) or {}
    status, kind = int(info.get("status", 0)), int(info.get("returnType", 0))
    refund = info.get("refundAmountYuan") or info.get("expectedRefundAmountYuan")
    return CanonicalAfterSale(
        platform=Platform.XHS,
        case_id=str(info["returnsId"]),
        order_no=str(info["orderId"]),
        type=AFTER_SALE_TYPE.get(kind, AfterSaleType.OTHER),
        status=after_sale_status(status, kind),
        platform_status=str(status),
        platform_type=str(kind),
        refund_fen=yuan_to_fen(refund),
        reason=str(info.get("reasonNameZh", "")),
        created_at=from_ms(info["applyTime"]),
        modified_at=from_ms(info["updatedAt"]),
        lines=tuple(
            AfterSaleLine(
                line_id=str(s["skuId"]),
                platform_sku_id=str(s["skuId"]),
                quantity=int(s.get("appliedCount", 1)),
                refund_fen=yuan_to_fen(s.get("appliedTotalAmountYuan")),
            )
            for s in info.get("skus") or ()
        ),
        buyer_note=str(info.get("desc", "")),
        evidence_urls=tuple(str(u) for u in info.get("proofPhotos") or ()),
        has_goods_return=kind in (1, 2),
        return_carrier_code=str(returned.get("expressCompanyCode") or ""),
        return_tracking_no=str(returned.get("expressNo") or ""),
        deadline_at=from_ms_or_none(info.get("expireTime")),
        raw=dict(data),
    )


def products(rows: Sequence[Mapping[str, Any]]) -> list[CanonicalProduct]:
    """Groups product.getDetailSkuList rows [I shape] by item."""
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(str(row["itemId"]), []).append(row)
    return [
        CanonicalProduct(
            platform_product_id=item_id,
            title=str(skus[0].get("itemName", "")),
            on_sale=any(s.get("buyable") for s in skus),
            skus=tuple(
                CanonicalSku(
                    platform_sku_id=str(s["skuId"]),
                    platform_product_id=item_id,
                    merchant_code=str(s.get("erpCode") or ""),
                    title=str(s.get("itemName", "")),
                    sku_name=str(s.get("skuName", "")),
                    price_fen=int(s.get("price", 0)),
                    stock=int(s.get("stock", 0)),
                    image_url=str(s.get("image", "")),
                )
                for s in skus
            ),
            raw={"skus": list(skus)},
        )
        for item_id, skus in grouped.items()
    ]
