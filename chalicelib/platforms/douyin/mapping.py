"""Douyin enums -> the unified vocabularies (reference §1.6, seed-anatomy §3.8), and Douyin payloads ->
the canonical shapes. Douyin money is already integer fen; times are unix seconds."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.domain.platform import Platform
from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus, RefundState
from chalicelib.services.platform_types import SHANGHAI, CanonicalLine, CanonicalOrder, CanonicalReceiver

ORDER_STATUS: dict[int, OrderStatus] = {
    1: OrderStatus.PENDING_PAYMENT,  # 待确认/待支付
    105: OrderStatus.AWAITING_SHIPMENT,  # 已支付 (risk check before 备货)
    2: OrderStatus.AWAITING_SHIPMENT,  # 备货中
    101: OrderStatus.PARTIALLY_SHIPPED,
    3: OrderStatus.SHIPPED,
    4: OrderStatus.CANCELLED,
    5: OrderStatus.COMPLETED,
}

AFTER_SALE_TYPE: dict[int, AfterSaleType] = {
    0: AfterSaleType.RETURN_AND_REFUND,
    1: AfterSaleType.REFUND_ONLY,  # shipped, refund only
    2: AfterSaleType.REFUND_ONLY,  # before shipment
    3: AfterSaleType.EXCHANGE,
    4: AfterSaleType.OTHER,  # system cancel
    5: AfterSaleType.OTHER,  # buyer cancel
    6: AfterSaleType.PRICE_PROTECTION,
    7: AfterSaleType.REISSUE,  # 补寄
    8: AfterSaleType.REPAIR,
}

AFTER_SALE_STATUS: dict[int, AfterSaleStatus] = {
    0: AfterSaleStatus.PENDING_REVIEW,  # 售后初始化
    3: AfterSaleStatus.AWAITING_BUYER_ACTION,  # exchange sent, buyer to receive
    6: AfterSaleStatus.PENDING_REVIEW,
    7: AfterSaleStatus.AWAITING_BUYER_RETURN,
    8: AfterSaleStatus.AWAITING_RESHIP,
    11: AfterSaleStatus.AWAITING_SELLER_RECEIPT,  # buyer sent the goods back: seller's second approval
    12: AfterSaleStatus.REFUNDED,
    13: AfterSaleStatus.AWAITING_BUYER_ACTION,
    14: AfterSaleStatus.RESHIPPED,
    27: AfterSaleStatus.REJECTED,
    28: AfterSaleStatus.CLOSED,  # failed: also what a buyer's withdrawal ends in
    29: AfterSaleStatus.REJECTED,
    51: AfterSaleStatus.REFUNDED,  # order cancelled
    53: AfterSaleStatus.REFUNDED,
}
GOODS_TYPES = frozenset({3, 7, 8})  # success means goods went out, not money
ACTIVE_AFTER_SALE = frozenset({3, 6, 7, 8, 11, 13})
RETURN_TYPES = frozenset({0, 3, 8})  # the buyer sends goods back (return, exchange, repair)

# Our common carrier code -> Douyin's company code (order.logisticsCompanyList `code`)
# [I: kuaidi100-style codes, not confirmed against the live list]
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


def order_status(value: Any) -> OrderStatus:
    code = as_int(value)
    if code not in ORDER_STATUS:
        raise ValueError(f"unknown Douyin order_status {value!r}")
    return ORDER_STATUS[code]


def after_sale_type(value: Any) -> AfterSaleType:
    return AFTER_SALE_TYPE.get(as_int(value), AfterSaleType.OTHER)


def after_sale_status(status: Any, kind: Any = 0, refund_status: Any = 0) -> AfterSaleStatus:
    code, refund = as_int(status), as_int(refund_status)
    if code == 12 and as_int(kind) in GOODS_TYPES:
        return AfterSaleStatus.RESHIPPED
    if code == 12 and refund == 2:
        return AfterSaleStatus.PLATFORM_PROCESSING
    if code == 12 and refund == 4:
        return AfterSaleStatus.FAILED
    return AFTER_SALE_STATUS.get(code, AfterSaleStatus.SELLER_PROCESSING)


def line_refund_state(info: Mapping[str, Any] | None) -> RefundState:
    info = info or {}
    refund, status = as_int(info.get("refund_status")), as_int(info.get("after_sale_status"))
    if refund == 3:
        return RefundState.REFUNDED
    if refund == 2:
        return RefundState.REFUNDING
    if status in ACTIVE_AFTER_SALE:
        return RefundState.IN_PROGRESS
    return RefundState.NONE


def order_refund_state(lines: tuple[CanonicalLine, ...]) -> RefundState:
    states = {line.refund_state for line in lines}
    for state in (RefundState.REFUNDING, RefundState.IN_PROGRESS, RefundState.REFUNDED):
        if state in states:
            return state
    return RefundState.NONE


# ---------------------------------------------------------------- orders
def order_from_payload(p: Mapping[str, Any]) -> CanonicalOrder:
    lines = tuple(line_from_payload(s) for s in p.get("sku_order_list") or ())
    shipment = (p.get("logistics_info") or [{}])[0]
    return CanonicalOrder(
        platform=Platform.DOUYIN,
        order_no=str(p["order_id"]),
        platform_status=str(p.get("order_status")),
        status=order_status(p.get("order_status")),
        refund_state=order_refund_state(lines),
        created_at=at(p.get("create_time")),
        modified_at=at(p.get("update_time")),
        lines=lines,
        receiver=receiver_from_payload(p),
        total_fen=sum(as_int(s.get("sum_amount")) for s in p.get("sku_order_list") or ()),
        paid_fen=as_int(p.get("pay_amount")),
        freight_fen=as_int(p.get("post_amount")),
        seller_discount_fen=as_int(p.get("promotion_shop_amount")),
        platform_discount_fen=as_int(p.get("promotion_platform_amount")) + as_int(p.get("promotion_talent_amount")),
        paid_at=at_or_none(p.get("pay_time")),
        buyer_memo=str(p.get("buyer_words") or ""),
        seller_memo=str(p.get("seller_words") or ""),
        seller_flag=as_int(p.get("seller_remark_stars")),
        shipped_at=at_or_none(p.get("ship_time")),
        carrier_code=str(shipment.get("company") or ""),
        tracking_no=str(shipment.get("tracking_no") or ""),
        buyer_id=str(p.get("doudian_open_id") or ""),
        order_type=order_type(p.get("sku_order_list") or ()),
        ship_by_at=at_or_none(p.get("exp_ship_time")),
        raw=p,
    )


# Per sku order (the shop order's own trade_type is deprecated): trade_type 2 定金预售 is a deposit presale
# (step_payment, as XHS's), pre_sale_type 1 全款预售 a full presale. pre_sale_type 2 阶梯发货 only sets a
# later exp_ship_time: it stays normal. Field meanings: zsmhub/doudian-sdk order_orderDetail_response.go.
DEPOSIT_PRESALE_TRADE_TYPE = 2
FULL_PRESALE_TYPE = 1


def order_type(sku_orders: Any) -> str:
    if any(as_int(s.get("trade_type")) == DEPOSIT_PRESALE_TRADE_TYPE for s in sku_orders):
        return "step_payment"
    if any(as_int(s.get("pre_sale_type")) == FULL_PRESALE_TYPE for s in sku_orders):
        return "presale"
    return "normal"


def line_from_payload(s: Mapping[str, Any]) -> CanonicalLine:
    sum_amount, paid = as_int(s.get("sum_amount")), as_int(s.get("pay_amount"))
    return CanonicalLine(
        line_id=str(s["order_id"]),
        platform_sku_id=str(s.get("sku_id") or ""),
        platform_product_id=str(s.get("product_id_str") or s.get("product_id") or ""),
        merchant_code=str(s.get("code") or s.get("out_sku_id") or ""),
        title=str(s.get("product_name") or ""),
        sku_name=" ".join(str(spec.get("value", "")) for spec in s.get("spec") or ()),
        quantity=as_int(s.get("item_num")),
        unit_price_fen=as_int(s.get("origin_amount")),
        paid_fen=paid,
        discount_fen=max(0, sum_amount - paid),
        image_url=str(s.get("product_pic") or ""),
        refund_state=line_refund_state(s.get("after_sale_info")),
    )


def receiver_from_payload(p: Mapping[str, Any]) -> CanonicalReceiver | None:
    addr = p.get("post_addr") or {}
    masked = p.get("mask_post_addr") or {}
    if not addr and not masked:
        return None
    cipher = {
        "encrypt_post_receiver": p.get("encrypt_post_receiver"),
        "encrypt_post_tel": p.get("encrypt_post_tel"),
        "encrypt_detail": addr.get("encrypt_detail"),
    }
    return CanonicalReceiver(
        name_masked=str(p.get("mask_post_receiver") or ""),
        phone_masked=str(p.get("mask_post_tel") or ""),
        province=_name(addr, masked, "province"),
        city=_name(addr, masked, "city"),
        district=_name(addr, masked, "town"),
        town=_name(addr, masked, "street"),
        address_masked=str(masked.get("detail") or ""),
        ciphertext={k: str(v) for k, v in cipher.items() if v},
    )


def _name(addr: Mapping[str, Any], masked: Mapping[str, Any], level: str) -> str:
    return str((addr.get(level) or masked.get(level) or {}).get("name") or "")


# ---------------------------------------------------------------- scalars
def as_int(value: Any, default: int = 0) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def at(seconds: Any) -> datetime:
    return datetime.fromtimestamp(as_int(seconds), SHANGHAI)


def at_or_none(seconds: Any) -> datetime | None:
    return at(seconds) if as_int(seconds) > 0 else None
