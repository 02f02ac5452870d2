"""JD payloads -> the canonical shapes of services/platform_types.py (the raw payload travels along on every record)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.domain.money import fen_value, yuan_to_fen
from chalicelib.domain.platform import Platform
from chalicelib.domain.status import AfterSaleType, OrderStatus
from chalicelib.platforms.jd import mapping as m
from chalicelib.services.platform_types import (
    AfterSaleLine,
    CanonicalAfterSale,
    CanonicalLine,
    CanonicalOrder,
    CanonicalProduct,
    CanonicalReceiver,
    CanonicalSku,
    Carrier,
)

REFUND_APPLY_PREFIX = "RA"   # pre-shipment refund applies and service orders are two id spaces
TDE_PREFIXES = ("AAQ", "AAR", "AAS", "AAT")   # base64 of 0x00 0x04: TDE ciphertext (reference §2.7)
CIPHER_FIELDS = ("fullname", "mobile", "telephone", "fullAddress")
UNKNOWN_MASK = "***"


# ---------------------------------------------------------------- orders
def to_order(info: Mapping[str, Any]) -> CanonicalOrder:
    state = str(info.get("orderState", ""))
    status = m.order_status(state)
    if status is None:
        raise ValueError(f"unknown JD orderState {state!r} on order {info.get('orderId')}")
    seller_price = yuan_to_fen(info.get("orderSellerPrice"))
    freight = yuan_to_fen(info.get("freightPrice"))
    paid = yuan_to_fen(info.get("orderPayment"))
    return CanonicalOrder(
        platform=Platform.JD, order_no=str(info["orderId"]), platform_status=state, status=status,
        refund_state=m.order_refund_state(state),
        created_at=m.required_time(info.get("orderStartTime")),
        modified_at=m.required_time(info.get("modified")),
        lines=to_lines(info.get("itemInfoList") or [], info.get("couponDetailList") or []),
        receiver=to_receiver(info.get("consigneeInfo")),
        total_fen=yuan_to_fen(info.get("orderTotalPrice")), paid_fen=paid, freight_fen=freight,
        seller_discount_fen=yuan_to_fen(info.get("sellerDiscount")),
        platform_discount_fen=max(0, seller_price + freight - paid - yuan_to_fen(info.get("balanceUsed"))),
        paid_at=m.parse_time(info.get("paymentConfirmTime")),
        buyer_memo=str(info.get("orderRemark") or ""), seller_memo=str(info.get("venderRemark") or ""),
        carrier_code=_first_carrier(info) if status in _SHIPPED else "",
        tracking_no=str(info.get("waybill") or "") if status in _SHIPPED else "",
        buyer_id=str(info.get("open_id_buyer") or ""),   # the pin's open id (reference §2.6 OrderInfo)
        raw=dict(info),
    )


_SHIPPED = frozenset({OrderStatus.SHIPPED, OrderStatus.COMPLETED})


def _first_carrier(info: Mapping[str, Any]) -> str:
    return str(info.get("logisticsId") or "").split("|")[0]


def to_lines(items: Iterable[Mapping[str, Any]],
             coupons: Iterable[Mapping[str, Any]]) -> tuple[CanonicalLine, ...]:
    """JD has no per-line paid amount: SKU coupons (type 30 carries a skuId) go to their line, order-level
    coupons are spread by line value, the remainder on the last line, so the lines add up exactly."""
    items = list(items)
    gross = [yuan_to_fen(i.get("jdPrice")) * int(i.get("itemTotal") or 0) for i in items]
    sku_coupons: dict[str, int] = defaultdict(int)
    order_coupons = 0
    for coupon in coupons:
        amount = yuan_to_fen(coupon.get("couponPrice"))
        if coupon.get("skuId"):
            sku_coupons[str(coupon["skuId"])] += amount
        else:
            order_coupons += amount
    shares = _spread(order_coupons, gross)
    return tuple(_line(item, gross[n], sku_coupons[str(item.get("skuId"))] + shares[n])
                 for n, item in enumerate(items))


def _spread(amount: int, weights: list[int]) -> list[int]:
    total = sum(weights)
    if not weights or not total:
        return [0] * len(weights)
    shares = [amount * w // total for w in weights]
    shares[-1] += amount - sum(shares)
    return shares


def _line(item: Mapping[str, Any], gross: int, discount: int) -> CanonicalLine:
    sku_id = str(item.get("skuId", ""))
    return CanonicalLine(
        line_id=sku_id, platform_sku_id=sku_id, platform_product_id=str(item.get("wareId") or ""),
        merchant_code=str(item.get("outerSkuId") or item.get("productNo") or ""),
        title=str(item.get("skuName") or ""), sku_name=str(item.get("skuName") or ""),
        quantity=int(item.get("itemTotal") or 0), unit_price_fen=yuan_to_fen(item.get("jdPrice")),
        paid_fen=gross - discount, discount_fen=discount,
    )


def to_receiver(consignee: Mapping[str, Any] | None) -> CanonicalReceiver | None:
    """enSearch/enGet give TDE ciphertext for name, phones and street address: we keep it for printing and
    JD-side decryption, and store only masks (the region names come in plain text)."""
    if not consignee:
        return None
    region = [str(consignee.get(k) or "") for k in ("province", "city", "county", "town")]
    ciphertext = {k: str(consignee[k]) for k in CIPHER_FIELDS if is_ciphertext(consignee.get(k))}
    phone = consignee.get("mobile") or consignee.get("telephone") or ""
    return CanonicalReceiver(
        name_masked=_masked_name(consignee.get("fullname")), phone_masked=_masked_phone(phone),
        province=region[0], city=region[1], district=region[2], town=region[3],
        address_masked="".join(region) + UNKNOWN_MASK, ciphertext=ciphertext,
    )


def is_ciphertext(value: Any) -> bool:
    return isinstance(value, str) and len(value) > 40 and value.startswith(TDE_PREFIXES)


def _masked_name(value: Any) -> str:
    text = str(value or "")
    if not text or is_ciphertext(text):
        return UNKNOWN_MASK
    return text[0] + "*" * max(1, len(text) - 1)


def _masked_phone(value: Any) -> str:
    text = str(value or "")
    if not text or is_ciphertext(text):
        return UNKNOWN_MASK
    return text[:3] + "****" + text[-4:] if len(text) >= 7 else "*" * len(text)


# ---------------------------------------------------------------- after-sales
def to_refund_apply(apply: Mapping[str, Any]) -> CanonicalAfterSale:
    created = m.required_time(apply.get("applyTime"))
    status = str(apply.get("status", ""))
    return CanonicalAfterSale(
        platform=Platform.JD, case_id=f"{REFUND_APPLY_PREFIX}{apply['id']}",
        order_no=str(apply.get("orderId", "")),
        type=AfterSaleType.REFUND_ONLY, status=m.refund_apply_status(status), platform_status=status,
        platform_type="refund_apply", refund_fen=fen_value(apply.get("applyRefundSum")),
        reason=str(apply.get("reason") or ""), created_at=created,
        modified_at=m.parse_time(apply.get("checkTime")) or created, raw=dict(apply),
    )


def to_service(service: Mapping[str, Any]) -> CanonicalAfterSale:
    expect = str(service.get("customerExpect", ""))
    kind = m.service_type(expect)
    created = m.required_time(service.get("applyTime"))
    refund = fen_value(service.get("applyRefundSum"))
    sku_id = str(service.get("skuId") or "")
    return CanonicalAfterSale(
        platform=Platform.JD, case_id=str(service["serviceId"]), order_no=str(service.get("orderId", "")),
        type=kind, status=m.service_status(service.get("serviceStatus"), kind),
        platform_status=str(service.get("serviceStatus", "")), platform_type=expect, refund_fen=refund,
        reason=str(service.get("questionDesc") or ""), created_at=created,
        modified_at=m.parse_time(service.get("updateDate")) or created,
        lines=(AfterSaleLine(line_id=sku_id, platform_sku_id=sku_id, refund_fen=refund,
                             quantity=int(service.get("serviceCount") or 1)),) if sku_id else (),
        buyer_note=str(service.get("questionDesc") or ""), has_goods_return=expect in m.GOODS_RETURN_TYPES,
        return_tracking_no=str(service.get("expressCode") or ""), raw=dict(service),
    )


# ---------------------------------------------------------------- catalog and carriers
def to_products(skus: Iterable[Mapping[str, Any]]) -> list[CanonicalProduct]:
    """searchSkuList is flat: group its SKUs under their ware (product), keeping first-seen order."""
    by_ware: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for sku in skus:
        by_ware[str(sku.get("wareId", ""))].append(sku)
    return [CanonicalProduct(platform_product_id=ware_id, title=str(rows[0].get("wareTitle") or ""),
                             skus=tuple(_sku(row) for row in rows),
                             on_sale=any(str(row.get("status")) == "1" for row in rows),
                             raw={"skus": [dict(row) for row in rows]})
            for ware_id, rows in by_ware.items()]


def _sku(row: Mapping[str, Any]) -> CanonicalSku:
    return CanonicalSku(platform_sku_id=str(row.get("skuId", "")),
                        platform_product_id=str(row.get("wareId", "")),
                        merchant_code=str(row.get("outerId") or ""), title=str(row.get("wareTitle") or ""),
                        sku_name=str(row.get("skuName") or ""), price_fen=yuan_to_fen(row.get("jdPrice")),
                        stock=int(row.get("stockNum") or 0), image_url=str(row.get("logo") or ""))


def to_carriers(rows: Iterable[Mapping[str, Any]]) -> list[Carrier]:
    return [Carrier(code=str(row.get("id")), name=str(row.get("name") or "")) for row in rows]
