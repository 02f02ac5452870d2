"""TOP enums -> the unified vocabularies, our carrier codes -> TOP's, and TOP payloads -> canonical shapes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalicelib.domain.money import yuan_to_fen
from chalicelib.domain.platform import Platform
from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus, RefundState
from chalicelib.platforms.taobao.gateway import items
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

ORDER_STATUS: dict[str, OrderStatus] = {
    "TRADE_NO_CREATE_PAY": OrderStatus.PENDING_PAYMENT,
    "WAIT_BUYER_PAY": OrderStatus.PENDING_PAYMENT,
    "PAY_PENDING": OrderStatus.PENDING_PAYMENT,
    "WAIT_PRE_AUTH_CONFIRM": OrderStatus.PENDING_PAYMENT,
    "WAIT_SELLER_SEND_GOODS": OrderStatus.AWAITING_SHIPMENT,
    # paid but the platform blocks shipping (e.g. risk control): still the seller's to ship later
    "PAID_FORBID_CONSIGN": OrderStatus.AWAITING_SHIPMENT,
    "SELLER_CONSIGNED_PART": OrderStatus.PARTIALLY_SHIPPED,
    "WAIT_BUYER_CONFIRM_GOODS": OrderStatus.SHIPPED,
    "TRADE_BUYER_SIGNED": OrderStatus.SHIPPED,  # COD: signed for, not yet settled
    "TRADE_FINISHED": OrderStatus.COMPLETED,
    "TRADE_CLOSED": OrderStatus.CANCELLED,
    "TRADE_CLOSED_BY_TAOBAO": OrderStatus.CANCELLED,
}

LINE_REFUND_STATE: dict[str, RefundState] = {
    "NO_REFUND": RefundState.NONE,
    "WAIT_SELLER_AGREE": RefundState.IN_PROGRESS,
    "WAIT_BUYER_RETURN_GOODS": RefundState.IN_PROGRESS,
    "WAIT_SELLER_CONFIRM_GOODS": RefundState.IN_PROGRESS,
    "SELLER_REFUSE_BUYER": RefundState.IN_PROGRESS,  # the buyer may still modify or escalate
    "CLOSED": RefundState.NONE,
    "SUCCESS": RefundState.REFUNDED,
}

AFTER_SALE_TYPE: dict[str, AfterSaleType] = {
    "REFUND": AfterSaleType.REFUND_ONLY,
    "REFUND_AND_RETURN": AfterSaleType.RETURN_AND_REFUND,
    "TMALL_EXCHANGE": AfterSaleType.EXCHANGE,
    "TAOBAO_EXCHANGE": AfterSaleType.EXCHANGE,
    "REPAIR": AfterSaleType.REPAIR,
    "RESHIPPING": AfterSaleType.REISSUE,
    "OTHERS": AfterSaleType.OTHER,
}

AFTER_SALE_STATUS: dict[str, AfterSaleStatus] = {
    "WAIT_SELLER_AGREE": AfterSaleStatus.PENDING_REVIEW,
    "WAIT_BUYER_RETURN_GOODS": AfterSaleStatus.AWAITING_BUYER_RETURN,
    "WAIT_SELLER_CONFIRM_GOODS": AfterSaleStatus.AWAITING_SELLER_RECEIPT,
    "SELLER_REFUSE_BUYER": AfterSaleStatus.REJECTED,
    "CLOSED": AfterSaleStatus.CLOSED,
    "SUCCESS": AfterSaleStatus.REFUNDED,
}

# Our common carrier code -> TOP company_code (taobao.logistics.companies.get `code`).
CARRIERS: dict[str, str] = {
    "ZTO": "ZTO",
    "YTO": "YTO",
    "STO": "STO",
    "YUNDA": "YUNDA",
    "SF": "SF",
    "JD": "JD",
    "EMS": "EMS",
    "JTSD": "JTSD",  # [I] J&T's TOP code; check logistics.companies.get for the shop
    "DBL": "DBKD",  # 德邦快递 (DBL is 德邦物流, the freight line)
    "YZPY": "POSTB",  # 邮政快递包裹
}
# Trades carry the carrier's *name* on each sub-order; this turns the common ones back into codes.
CARRIER_NAMES: dict[str, str] = {
    "中通快递": "ZTO",
    "圆通速递": "YTO",
    "申通快递": "STO",
    "韵达快递": "YUNDA",
    "顺丰速运": "SF",
    "京东快递": "JD",
    "EMS": "EMS",
    "极兔速递": "JTSD",
    "德邦快递": "DBKD",
    "邮政快递包裹": "POSTB",
}


# taobao.logistics.trace.search `status` [I]: the trade's parcel state as the gateway summarises it
TRACE_STATES = {"TRANSPORT": "in_transit", "ACCEPT": "in_transit", "DELIVERING": "in_transit",
                "SIGNED": "delivered", "FAILED": "exception", "REJECT": "exception"}


def top_time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)


def _required_time(value: Any) -> datetime:
    moment = top_time(value)
    if moment is None:
        raise ValueError("missing time in TOP payload")
    return moment


def order_status(status: str) -> OrderStatus:
    return ORDER_STATUS[status]


def order_refund_state(line_states: list[RefundState]) -> RefundState:
    if RefundState.IN_PROGRESS in line_states:
        return RefundState.IN_PROGRESS
    if RefundState.REFUNDED in line_states:
        return RefundState.REFUNDED
    return RefundState.NONE


def after_sale_type(refund: Mapping[str, Any]) -> AfterSaleType:
    dispute = str(refund.get("dispute_type") or "")
    if dispute in AFTER_SALE_TYPE:
        return AFTER_SALE_TYPE[dispute]
    return (
        AfterSaleType.RETURN_AND_REFUND
        if _truthy(refund.get("has_good_return"))
        else AfterSaleType.REFUND_ONLY
    )


def trade_to_order(trade: Mapping[str, Any]) -> CanonicalOrder:
    lines = tuple(_line(order) for order in items(trade.get("orders"), "order"))
    shipped = [o for o in items(trade.get("orders"), "order") if o.get("invoice_no")]
    company = str(shipped[0].get("logistics_company", "")) if shipped else ""
    return CanonicalOrder(
        platform=Platform.TAOBAO,
        order_no=str(trade["tid"]),
        platform_status=str(trade["status"]),
        status=order_status(str(trade["status"])),
        refund_state=order_refund_state([line.refund_state for line in lines]),
        created_at=_required_time(trade.get("created")),
        modified_at=_required_time(trade.get("modified")),
        lines=lines,
        receiver=_receiver(trade),
        total_fen=yuan_to_fen(trade.get("total_fee")),
        paid_fen=yuan_to_fen(trade.get("payment")),
        freight_fen=yuan_to_fen(trade.get("post_fee")),
        seller_discount_fen=yuan_to_fen(trade.get("discount_fee")),
        platform_discount_fen=yuan_to_fen(trade.get("coupon_fee")),
        paid_at=top_time(trade.get("pay_time")),
        buyer_memo=str(trade.get("buyer_message") or ""),
        seller_memo=str(trade.get("seller_memo") or ""),
        seller_flag=int(trade.get("seller_flag") or 0),
        shipped_at=top_time(trade.get("consign_time")),
        carrier_code=CARRIER_NAMES.get(company, company),
        tracking_no=str(shipped[0].get("invoice_no", "")) if shipped else "",
        buyer_id=str(trade.get("buyer_open_uid") or ""),
        order_type={"cod": "cod", "step": "step_payment"}.get(str(trade.get("type") or ""), "normal"),
        raw=dict(trade),
    )


def _line(order: Mapping[str, Any]) -> CanonicalLine:
    paid = order.get("divide_order_fee") or order.get("payment")
    return CanonicalLine(
        line_id=str(order["oid"]),
        platform_sku_id=str(order.get("sku_id") or ""),
        platform_product_id=str(order.get("num_iid") or ""),
        merchant_code=str(order.get("outer_sku_id") or order.get("outer_iid") or ""),
        title=str(order.get("title") or ""),
        sku_name=str(order.get("sku_properties_name") or ""),
        quantity=int(order.get("num") or 0),
        unit_price_fen=yuan_to_fen(order.get("price")),
        paid_fen=yuan_to_fen(paid),
        discount_fen=yuan_to_fen(order.get("discount_fee")),
        image_url=str(order.get("pic_path") or ""),
        refund_state=LINE_REFUND_STATE.get(str(order.get("refund_status") or "NO_REFUND"), RefundState.NONE),
    )


def _receiver(trade: Mapping[str, Any]) -> CanonicalReceiver | None:
    if not trade.get("receiver_name") and not trade.get("receiver_address"):
        return None
    handles = {"oaid": str(trade["oaid"]), "tid": str(trade["tid"])} if trade.get("oaid") else {}
    return CanonicalReceiver(
        name_masked=str(trade.get("receiver_name") or ""),
        phone_masked=str(trade.get("receiver_mobile") or trade.get("receiver_phone") or ""),
        province=str(trade.get("receiver_state") or ""),
        city=str(trade.get("receiver_city") or ""),
        district=str(trade.get("receiver_district") or ""),
        town=str(trade.get("receiver_town") or ""),
        address_masked=str(trade.get("receiver_address") or ""),
        ciphertext=handles,
    )


def refund_to_after_sale(refund: Mapping[str, Any]) -> CanonicalAfterSale:
    status = str(refund["status"])
    kind = after_sale_type(refund)
    unified = AFTER_SALE_STATUS[status]
    if status == "SUCCESS" and kind in (AfterSaleType.EXCHANGE, AfterSaleType.REISSUE, AfterSaleType.REPAIR):
        unified = AfterSaleStatus.RESHIPPED
    line = AfterSaleLine(
        line_id=str(refund.get("oid") or ""),
        platform_sku_id=str(refund.get("sku_id") or ""),
        quantity=int(refund.get("num") or 0),
        refund_fen=yuan_to_fen(refund.get("refund_fee")),
    )
    return CanonicalAfterSale(
        platform=Platform.TAOBAO,
        case_id=str(refund["refund_id"]),
        order_no=str(refund["tid"]),
        type=kind,
        status=unified,
        platform_status=status,
        platform_type=str(refund.get("dispute_type") or ""),
        refund_fen=yuan_to_fen(refund.get("refund_fee")),
        reason=str(refund.get("reason") or ""),
        created_at=_required_time(refund.get("created")),
        modified_at=_required_time(refund.get("modified")),
        lines=(line,) if line.line_id else (),
        buyer_note=str(refund.get("desc") or ""),
        has_goods_return=_truthy(refund.get("has_good_return")),
        return_carrier_code=str(refund.get("company_name") or ""),
        return_tracking_no=str(refund.get("sid") or ""),
        raw=dict(refund),
    )


def item_to_product(item: Mapping[str, Any], skus: list[Mapping[str, Any]]) -> CanonicalProduct:
    num_iid, title = str(item["num_iid"]), str(item.get("title") or "")
    canonical = tuple(
        CanonicalSku(
            platform_sku_id=str(sku["sku_id"]),
            platform_product_id=num_iid,
            merchant_code=str(sku.get("outer_id") or ""),
            title=title,
            sku_name=str(sku.get("properties_name") or ""),
            price_fen=yuan_to_fen(sku.get("price")),
            stock=int(sku.get("quantity") or 0),
            image_url=str(item.get("pic_url") or ""),
        )
        for sku in skus
    ) or (
        CanonicalSku(
            platform_sku_id="",
            platform_product_id=num_iid,
            merchant_code=str(item.get("outer_id") or ""),
            title=title,
            sku_name="",
            price_fen=yuan_to_fen(item.get("price")),
            stock=int(item.get("num") or 0),
            image_url=str(item.get("pic_url") or ""),
        ),
    )
    return CanonicalProduct(
        platform_product_id=num_iid,
        title=title,
        skus=canonical,
        on_sale=item.get("approve_status", "onsale") == "onsale",
        raw={"item": dict(item), "skus": [dict(s) for s in skus]},
    )


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"
