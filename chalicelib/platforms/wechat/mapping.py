"""WeChat payloads -> canonical shapes, and the enum tables (reference §2.3; seed-anatomy §3.8 'WEI').
Amounts are already fen; times are unix seconds."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.money import fen_value
from chalicelib.domain.platform import Platform
from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus, RefundState
from chalicelib.services.platform_types import (
    SHANGHAI,
    AfterSaleLine,
    CanonicalAfterSale,
    CanonicalLine,
    CanonicalOrder,
    CanonicalProduct,
    CanonicalReceiver,
    CanonicalSku,
)

# WxJava `WxOrderStatus`
ORDER_STATUS: dict[int, OrderStatus] = {
    10: OrderStatus.PENDING_PAYMENT,
    20: OrderStatus.AWAITING_SHIPMENT,
    21: OrderStatus.PARTIALLY_SHIPPED,
    30: OrderStatus.SHIPPED,
    100: OrderStatus.COMPLETED,
    190: OrderStatus.CANCELLED,  # oversold
    200: OrderStatus.CANCELLED,  # every line refunded by after-sale
    250: OrderStatus.CANCELLED,  # buyer, timeout or merchant
}
FULLY_REFUNDED = 200

AFTER_SALE_TYPE: dict[str, AfterSaleType] = {
    "REFUND": AfterSaleType.REFUND_ONLY,
    "RETURN": AfterSaleType.RETURN_AND_REFUND,
    "EXCHANGE": AfterSaleType.EXCHANGE,
}

# WxJava `AfterSaleStatus`, folded as the seed folds them (10007 -> seller, 10021 -> failed ...)
AFTER_SALE_STATUS: dict[str, AfterSaleStatus] = {
    "USER_CANCELD": AfterSaleStatus.CLOSED,  # sic: WeChat's spelling
    "MERCHANT_PROCESSING": AfterSaleStatus.PENDING_REVIEW,
    "MERCHANT_REJECT_REFUND": AfterSaleStatus.REJECTED,
    "MERCHANT_REJECT_RETURN": AfterSaleStatus.REJECTED,
    "USER_WAIT_RETURN": AfterSaleStatus.AWAITING_BUYER_RETURN,
    "RETURN_CLOSED": AfterSaleStatus.CLOSED,
    "MERCHANT_WAIT_RECEIPT": AfterSaleStatus.AWAITING_SELLER_RECEIPT,
    "MERCHANT_OVERDUE_REFUND": AfterSaleStatus.SELLER_PROCESSING,
    "MERCHANT_REFUND_SUCCESS": AfterSaleStatus.REFUNDED,
    "MERCHANT_RETURN_SUCCESS": AfterSaleStatus.REFUNDED,
    "PLATFORM_REFUNDING": AfterSaleStatus.PLATFORM_PROCESSING,
    "PLATFORM_REFUND_FAIL": AfterSaleStatus.FAILED,
    "MERCHANT_REFUND_RETRY_FAIL": AfterSaleStatus.FAILED,
    "MERCHANT_FAIL": AfterSaleStatus.CLOSED,
    "USER_WAIT_CONFIRM": AfterSaleStatus.AWAITING_BUYER_ACTION,
    "USER_WAIT_CONFIRM_UPDATE": AfterSaleStatus.AWAITING_BUYER_ACTION,
    "USER_WAIT_HANDLE_MERCHANT_AFTER_SALE": AfterSaleStatus.AWAITING_BUYER_ACTION,
}

# Our carrier code -> WeChat delivery_id ([I]: the codes WeChat's deliverycompanylist returns for these)
CARRIERS: dict[str, str] = {
    "ZTO": "ZTO",
    "YTO": "YTO",
    "STO": "STO",
    "YUNDA": "YUNDA",
    "SF": "SF",
    "JD": "JD",
    "EMS": "EMS",
    "JTSD": "JTSD",
    "DBL": "DBL",
    "YZPY": "YZPY",
}
PRODUCT_ON_SALE = 5


def at(seconds: Any) -> datetime:
    return datetime.fromtimestamp(int(seconds), SHANGHAI)


def to_order(order: Mapping[str, Any]) -> CanonicalOrder:
    detail = order.get("order_detail") or {}
    price = detail.get("price_info") or {}
    status = int(order["status"])
    lines = tuple(_line(p) for p in detail.get("product_infos") or ())
    delivery = detail.get("delivery_info") or {}
    parcels = delivery.get("delivery_product_info") or []
    last_parcel = parcels[-1] if parcels else {}
    ext = detail.get("ext_info") or {}
    return CanonicalOrder(
        platform=Platform.WECHAT,
        order_no=str(order["order_id"]),
        platform_status=str(status),
        status=ORDER_STATUS[status],
        refund_state=_order_refund_state(order, lines),
        created_at=at(order["create_time"]),
        modified_at=at(order["update_time"]),
        lines=lines,
        receiver=_receiver(delivery),
        total_fen=fen_value(price.get("product_price")),
        paid_fen=fen_value(price.get("order_price")),
        freight_fen=fen_value(price.get("freight")),
        seller_discount_fen=fen_value(price.get("merchant_discounted_price", price.get("discounted_price"))),
        platform_discount_fen=fen_value(price.get("cash_coupon_discounted_price"))
        + fen_value(price.get("national_subsidy_discounted_price")),
        paid_at=_optional_time((detail.get("pay_info") or {}).get("pay_time")),
        buyer_memo=str(ext.get("customer_notes") or ""),
        seller_memo=str(ext.get("merchant_notes") or ""),
        shipped_at=_optional_time(delivery.get("ship_done_time") or last_parcel.get("delivery_time")),
        carrier_code=str(last_parcel.get("delivery_id") or ""),
        tracking_no=str(last_parcel.get("waybill_id") or ""),
        buyer_id=str(order.get("openid") or ""),
        raw=order,
    )


def _line(product: Mapping[str, Any]) -> CanonicalLine:
    count = int(product.get("sku_cnt") or 0)
    unit = fen_value(product.get("sale_price"))
    paid = fen_value(product.get("real_price", unit * count))
    return CanonicalLine(
        line_id=str(product["sku_id"]),
        platform_sku_id=str(product["sku_id"]),
        platform_product_id=str(product["product_id"]),
        merchant_code=str(product.get("sku_code") or product.get("out_sku_id") or ""),
        title=str(product.get("title") or ""),
        sku_name=_attrs(product.get("sku_attrs")),
        quantity=count,
        unit_price_fen=unit,
        paid_fen=paid,
        discount_fen=max(0, unit * count - paid),
        image_url=str(product.get("thumb_img") or ""),
        refund_state=_line_refund_state(product, count),
    )


def _attrs(attrs: Any) -> str:
    return " ".join(str(a.get("attr_value", "")) for a in attrs or ())


def _line_refund_state(product: Mapping[str, Any], count: int) -> RefundState:
    if count and int(product.get("finish_aftersale_sku_cnt") or 0) >= count:
        return RefundState.REFUNDED
    if int(product.get("on_aftersale_sku_cnt") or 0):
        return RefundState.IN_PROGRESS
    return RefundState.NONE


def _order_refund_state(order: Mapping[str, Any], lines: tuple[CanonicalLine, ...]) -> RefundState:
    if int(order["status"]) == FULLY_REFUNDED:
        return RefundState.REFUNDED
    if int((order.get("aftersale_detail") or {}).get("on_aftersale_order_cnt") or 0):
        return RefundState.IN_PROGRESS
    if any(line.refund_state is RefundState.IN_PROGRESS for line in lines):
        return RefundState.IN_PROGRESS
    return RefundState.NONE


def _receiver(delivery: Mapping[str, Any]) -> CanonicalReceiver | None:
    address = delivery.get("address_info")
    if not address:
        return None
    handles = {
        "ewaybill_order_code": delivery.get("ewaybill_order_code"),
        "hash_code": address.get("hash_code"),
        "virtual_order_tel_number": address.get("virtual_order_tel_number"),
    }
    return CanonicalReceiver(
        name_masked=str(address.get("user_name") or ""),
        phone_masked=str(address.get("tel_number") or ""),
        province=str(address.get("province_name") or ""),
        city=str(address.get("city_name") or ""),
        district=str(address.get("county_name") or ""),
        address_masked=str(address.get("detail_info") or "") + str(address.get("house_number") or ""),
        ciphertext={k: str(v) for k, v in handles.items() if v},
    )


def _optional_time(seconds: Any) -> datetime | None:
    return at(seconds) if seconds else None


def to_after_sale(case: Mapping[str, Any], fetched_at: datetime | None = None) -> CanonicalAfterSale:
    product = case.get("product_info") or {}
    refund = fen_value((case.get("refund_info") or {}).get("amount"))
    details = case.get("details") or {}
    returned = case.get("return_info") or {}
    deadline = case.get("deadline")
    return CanonicalAfterSale(
        platform=Platform.WECHAT,
        case_id=str(case["after_sale_order_id"]),
        order_no=str(case["order_id"]),
        type=AFTER_SALE_TYPE.get(str(case.get("type")), AfterSaleType.OTHER),
        status=AFTER_SALE_STATUS[str(case["status"])],
        platform_status=str(case["status"]),
        platform_type=str(case.get("type") or ""),
        refund_fen=refund,
        reason=str(case.get("reason_text") or case.get("reason") or ""),
        created_at=at(case["create_time"]),
        modified_at=at(case["update_time"]),
        lines=(
            AfterSaleLine(
                line_id=str(product["sku_id"]),
                platform_sku_id=str(product["sku_id"]),
                quantity=int(product.get("count") or 0),
                refund_fen=refund,
            ),
        )
        if product
        else (),
        buyer_note=str(details.get("desc") or ""),
        evidence_urls=tuple(str(u) for u in details.get("prove_imgs") or ()),
        has_goods_return=str(case.get("type")) in ("RETURN", "EXCHANGE"),
        return_carrier_code=str(returned.get("delivery_id") or ""),
        return_tracking_no=str(returned.get("waybill_id") or ""),
        deadline_at=fetched_at + timedelta(seconds=int(deadline)) if deadline and fetched_at else None,
        raw=case,
    )


def to_product(product: Mapping[str, Any]) -> CanonicalProduct:
    product_id = str(product["product_id"])
    title = str(product.get("title") or "")
    skus = tuple(
        CanonicalSku(
            platform_sku_id=str(sku["sku_id"]),
            platform_product_id=product_id,
            merchant_code=str(sku.get("sku_code") or sku.get("out_sku_id") or ""),
            title=title,
            sku_name=_attrs(sku.get("sku_attrs")),
            price_fen=fen_value(sku.get("sale_price")),
            stock=int(sku.get("stock_num") or 0),
            image_url=str(sku.get("thumb_img") or ""),
        )
        for sku in product.get("skus") or ()
    )
    return CanonicalProduct(
        platform_product_id=product_id,
        title=title,
        skus=skus,
        on_sale=int(product.get("status") or 0) == PRODUCT_ON_SALE,
        raw=product,
    )
