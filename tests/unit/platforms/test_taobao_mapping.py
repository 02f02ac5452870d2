"""Every row of the TOP mapping tables, the error table, and a realistic trade / refund / item payload."""
from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from chalicelib.domain.money import yuan_to_fen
from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus, RefundState
from chalicelib.platforms.taobao import mapping
from chalicelib.platforms.taobao.errors import error_from
from chalicelib.platforms.taobao.gateway import parse, response_key
from chalicelib.services.platform_errors import (
    AuthExpiredError,
    BadRequestError,
    NotAllowedError,
    NotFoundError,
    RateLimitedError,
    SignatureRejectedError,
    TransientError,
)
from chalicelib.services.platform_types import SHANGHAI

ORDER_ROWS = [
    ("TRADE_NO_CREATE_PAY", OrderStatus.PENDING_PAYMENT), ("WAIT_BUYER_PAY", OrderStatus.PENDING_PAYMENT),
    ("PAY_PENDING", OrderStatus.PENDING_PAYMENT), ("WAIT_PRE_AUTH_CONFIRM", OrderStatus.PENDING_PAYMENT),
    ("WAIT_SELLER_SEND_GOODS", OrderStatus.AWAITING_SHIPMENT), ("PAID_FORBID_CONSIGN", OrderStatus.AWAITING_SHIPMENT),
    ("SELLER_CONSIGNED_PART", OrderStatus.PARTIALLY_SHIPPED), ("WAIT_BUYER_CONFIRM_GOODS", OrderStatus.SHIPPED),
    ("TRADE_BUYER_SIGNED", OrderStatus.SHIPPED), ("TRADE_FINISHED", OrderStatus.COMPLETED),
    ("TRADE_CLOSED", OrderStatus.CANCELLED), ("TRADE_CLOSED_BY_TAOBAO", OrderStatus.CANCELLED),
]
LINE_REFUND_ROWS = [
    ("NO_REFUND", RefundState.NONE), ("WAIT_SELLER_AGREE", RefundState.IN_PROGRESS),
    ("WAIT_BUYER_RETURN_GOODS", RefundState.IN_PROGRESS), ("WAIT_SELLER_CONFIRM_GOODS", RefundState.IN_PROGRESS),
    ("SELLER_REFUSE_BUYER", RefundState.IN_PROGRESS), ("CLOSED", RefundState.NONE), ("SUCCESS", RefundState.REFUNDED),
]
TYPE_ROWS = [
    ("REFUND", AfterSaleType.REFUND_ONLY), ("REFUND_AND_RETURN", AfterSaleType.RETURN_AND_REFUND),
    ("TMALL_EXCHANGE", AfterSaleType.EXCHANGE), ("TAOBAO_EXCHANGE", AfterSaleType.EXCHANGE),
    ("REPAIR", AfterSaleType.REPAIR), ("RESHIPPING", AfterSaleType.REISSUE), ("OTHERS", AfterSaleType.OTHER),
]
STATUS_ROWS = [
    ("WAIT_SELLER_AGREE", AfterSaleStatus.PENDING_REVIEW),
    ("WAIT_BUYER_RETURN_GOODS", AfterSaleStatus.AWAITING_BUYER_RETURN),
    ("WAIT_SELLER_CONFIRM_GOODS", AfterSaleStatus.AWAITING_SELLER_RECEIPT),
    ("SELLER_REFUSE_BUYER", AfterSaleStatus.REJECTED), ("CLOSED", AfterSaleStatus.CLOSED),
    ("SUCCESS", AfterSaleStatus.REFUNDED),
]
CARRIER_ROWS = [("ZTO", "ZTO"), ("YTO", "YTO"), ("STO", "STO"), ("YUNDA", "YUNDA"), ("SF", "SF"), ("JD", "JD"),
                ("EMS", "EMS"), ("JTSD", "JTSD"), ("DBL", "DBKD"), ("YZPY", "POSTB")]
CARRIER_NAME_ROWS = [("中通快递", "ZTO"), ("圆通速递", "YTO"), ("申通快递", "STO"), ("韵达快递", "YUNDA"),
                     ("顺丰速运", "SF"), ("京东快递", "JD"), ("EMS", "EMS"), ("极兔速递", "JTSD"),
                     ("德邦快递", "DBKD"), ("邮政快递包裹", "POSTB")]

TRADE = {
    "tid": 4100000000110000123, "status": "WAIT_SELLER_SEND_GOODS", "type": "fixed",
    "created": "2026-11-19 20:01:02", "modified": "2026-11-20 09:30:00", "pay_time": "2026-11-19 20:03:10",
    "payment": "123.45", "post_fee": "6.00", "total_fee": "127.45", "discount_fee": "10.00", "adjust_fee": "0.00",
    "buyer_message": "不要放快递柜", "seller_memo": "VIP", "seller_flag": 1, "receiver_name": "张*",
    "receiver_mobile": "138****5678", "receiver_state": "浙江省", "receiver_city": "杭州市",
    "receiver_district": "西湖区", "receiver_town": "文新街道", "receiver_address": "文三路90号******",
    "oaid": "1abcOAID", "orders": {"order": [
        {"oid": 41000000001100001231, "status": "WAIT_SELLER_SEND_GOODS", "refund_status": "NO_REFUND",
         "num_iid": 600000001000, "sku_id": "60000000100001", "outer_iid": "SKU-000", "outer_sku_id": "SKU-000-1",
         "title": "纯棉短袖T恤", "sku_properties_name": "规格:白色 L", "num": 2, "price": "29.90",
         "payment": "53.80", "divide_order_fee": "53.80", "discount_fee": "6.00"},
        {"oid": 41000000001100001232, "status": "WAIT_SELLER_SEND_GOODS", "refund_status": "WAIT_SELLER_AGREE",
         "num_iid": 600000001003, "sku_id": "60000000100301", "outer_sku_id": "SKU-003-0", "title": "五常大米5kg",
         "sku_properties_name": "规格:默认", "num": 1, "price": "67.65", "payment": "63.65", "discount_fee": "4.00"},
    ]},
}
REFUND = {
    "refund_id": 210000011000001, "tid": 4100000000110000123, "oid": 41000000001100001232, "status": "SUCCESS",
    "dispute_type": "REFUND_AND_RETURN", "has_good_return": True, "refund_fee": "63.65", "reason": "七天无理由退换货",
    "desc": "尺码偏小", "created": "2026-11-20 10:00:00", "modified": "2026-11-21 08:00:01", "num": 1,
    "company_name": "中通快递", "sid": "78123456789012", "refund_version": 1795219201000, "refund_phase": "aftersale",
}


@pytest.mark.parametrize(("status", "expected"), ORDER_ROWS)
def test_given_each_trade_status_then_it_maps(status: str, expected: OrderStatus) -> None:
    assert mapping.ORDER_STATUS[status] is expected
    assert mapping.order_status(status) is expected


def test_given_the_tables_then_every_row_is_tested() -> None:
    assert len(mapping.ORDER_STATUS) == len(ORDER_ROWS)
    assert len(mapping.LINE_REFUND_STATE) == len(LINE_REFUND_ROWS)
    assert len(mapping.AFTER_SALE_TYPE) == len(TYPE_ROWS)
    assert len(mapping.AFTER_SALE_STATUS) == len(STATUS_ROWS)
    assert dict(CARRIER_ROWS) == mapping.CARRIERS
    assert dict(CARRIER_NAME_ROWS) == mapping.CARRIER_NAMES


@pytest.mark.parametrize(("status", "expected"), LINE_REFUND_ROWS)
def test_given_each_line_refund_status_then_it_maps(status: str, expected: RefundState) -> None:
    assert mapping.LINE_REFUND_STATE[status] is expected


@pytest.mark.parametrize(("dispute", "expected"), TYPE_ROWS)
def test_given_each_dispute_type_then_it_maps(dispute: str, expected: AfterSaleType) -> None:
    assert mapping.after_sale_type({"dispute_type": dispute}) is expected


def test_given_no_dispute_type_then_has_good_return_decides() -> None:
    assert mapping.after_sale_type({"has_good_return": "true"}) is AfterSaleType.RETURN_AND_REFUND
    assert mapping.after_sale_type({"has_good_return": False}) is AfterSaleType.REFUND_ONLY


@pytest.mark.parametrize(("status", "expected"), STATUS_ROWS)
def test_given_each_refund_status_then_it_maps(status: str, expected: AfterSaleStatus) -> None:
    assert mapping.AFTER_SALE_STATUS[status] is expected
    assert mapping.refund_to_after_sale({**REFUND, "status": status, "dispute_type": "REFUND"}).status is expected


@pytest.mark.parametrize(("ours", "theirs"), CARRIER_ROWS)
def test_given_each_common_carrier_then_the_top_code_is_known(ours: str, theirs: str) -> None:
    assert mapping.CARRIERS[ours] == theirs


@pytest.mark.parametrize(("name", "code"), CARRIER_NAME_ROWS)
def test_given_each_carrier_name_on_a_shipped_line_then_the_code_comes_back(name: str, code: str) -> None:
    shipped = {**TRADE, "orders": {"order": [{**TRADE["orders"]["order"][0], "logistics_company": name,  # type: ignore[index]
                                              "invoice_no": "SB1"}]}}
    assert mapping.trade_to_order(shipped).carrier_code == code


@pytest.mark.parametrize(("yuan", "fen"), [("0.01", 1), ("12.30", 1230), ("123.45", 12345), ("0.07", 7),
                                           ("19999.99", 1999999), ("", 0), (None, 0), ("-3.10", -310)])
def test_given_yuan_strings_then_fen_are_exact(yuan: str | None, fen: int) -> None:
    assert yuan_to_fen(yuan) == fen


def test_given_a_realistic_trade_then_the_canonical_order_is_exact() -> None:
    order = mapping.trade_to_order(TRADE)
    assert (order.order_no, order.status, order.platform_status) == (
        "4100000000110000123", OrderStatus.AWAITING_SHIPMENT, "WAIT_SELLER_SEND_GOODS")
    assert (order.total_fen, order.paid_fen, order.freight_fen, order.seller_discount_fen) == (12745, 12345, 600, 1000)
    assert order.created_at == datetime(2026, 11, 19, 20, 1, 2, tzinfo=SHANGHAI)
    assert order.modified_at.utcoffset() is not None and order.paid_at is not None
    assert order.version == int(order.modified_at.timestamp() * 1000)
    assert (order.buyer_memo, order.seller_memo, order.seller_flag) == ("不要放快递柜", "VIP", 1)
    assert order.refund_state is RefundState.IN_PROGRESS
    first, second = order.lines
    assert (first.line_id, first.platform_sku_id, first.platform_product_id, first.merchant_code) == (
        "41000000001100001231", "60000000100001", "600000001000", "SKU-000-1")
    assert (first.quantity, first.unit_price_fen, first.paid_fen, first.discount_fen) == (2, 2990, 5380, 600)
    assert second.paid_fen == 6365 and second.refund_state is RefundState.IN_PROGRESS
    assert order.receiver is not None
    assert (order.receiver.name_masked, order.receiver.phone_masked, order.receiver.district) == (
        "张*", "138****5678", "西湖区")
    assert order.receiver.ciphertext == {"oaid": "1abcOAID", "tid": "4100000000110000123"}
    assert order.raw["tid"] == TRADE["tid"]


def test_given_a_trade_with_simplified_lists_then_lines_still_map() -> None:
    flat = {**TRADE, "orders": TRADE["orders"]["order"]}  # type: ignore[index]
    assert len(mapping.trade_to_order(flat).lines) == 2


def test_given_lines_refunded_then_the_order_refund_state_summarises() -> None:
    assert mapping.order_refund_state([RefundState.NONE, RefundState.REFUNDED]) is RefundState.REFUNDED
    assert mapping.order_refund_state([RefundState.NONE]) is RefundState.NONE


def test_given_a_realistic_refund_then_the_after_sale_is_exact() -> None:
    case = mapping.refund_to_after_sale(REFUND)
    assert (case.case_id, case.order_no, case.type, case.status) == (
        "210000011000001", "4100000000110000123", AfterSaleType.RETURN_AND_REFUND, AfterSaleStatus.REFUNDED)
    assert (case.refund_fen, case.has_goods_return, case.return_tracking_no) == (6365, True, "78123456789012")
    assert case.lines[0].line_id == "41000000001100001232" and case.lines[0].refund_fen == 6365
    assert case.modified_at == datetime(2026, 11, 21, 8, 0, 1, tzinfo=SHANGHAI)


@pytest.mark.parametrize("dispute", ["TAOBAO_EXCHANGE", "RESHIPPING", "REPAIR"])
def test_given_a_successful_exchange_or_reissue_then_it_is_reshipped(dispute: str) -> None:
    assert mapping.refund_to_after_sale({**REFUND, "dispute_type": dispute}).status is AfterSaleStatus.RESHIPPED


def test_given_an_item_with_skus_then_the_product_carries_merchant_codes_and_stock() -> None:
    item = {"num_iid": 600000001000, "title": "纯棉短袖T恤", "price": "29.90", "num": 12, "approve_status": "onsale"}
    skus = [{"sku_id": 60000000100001, "num_iid": 600000001000, "properties_name": "1627207:28320:规格:白色 M",
             "quantity": 5, "price": "29.90", "outer_id": "SKU-000-0"}]
    product = mapping.item_to_product(item, skus)
    assert product.platform_product_id == "600000001000" and product.on_sale
    assert (product.skus[0].merchant_code, product.skus[0].stock, product.skus[0].price_fen) == ("SKU-000-0", 5, 2990)
    no_sku = mapping.item_to_product({**item, "outer_id": "P-1"}, [])
    assert (no_sku.skus[0].merchant_code, no_sku.skus[0].stock) == ("P-1", 12)


# ---------------------------------------------------------------- error table and envelope
@pytest.mark.parametrize(("body", "error"), [
    ({"code": 7, "msg": "App Call Limited", "sub_code": "accesscontrol.limited-by-app-access-count",
      "sub_msg": "This ban will last for 31062 more seconds"}, RateLimitedError),
    ({"code": 8, "msg": "App Call Exceeds Limited Frequency"}, RateLimitedError),
    ({"code": 25, "msg": "Invalid signature"}, SignatureRejectedError),
    ({"code": 29, "msg": "Invalid app Key"}, SignatureRejectedError),
    ({"code": 27, "msg": "Invalid session:session-expired", "sub_code": "session-expired"}, AuthExpiredError),
    ({"code": 26, "msg": "Missing session"}, AuthExpiredError),
    ({"code": 15, "msg": "Remote service error", "sub_code": "isv.refresh-token-invalid"}, AuthExpiredError),
    ({"code": 10, "msg": "Service Currently Unavailable", "sub_code": "isp.service-unavailable"}, TransientError),
    ({"code": 15, "msg": "Remote service error", "sub_code": "isp.top-remote-connection-timeout"}, TransientError),
    ({"code": 15, "sub_code": "isv.logistics-offline-service-error:B150"}, TransientError),
    ({"code": 15, "sub_code": "isv.logistics-offline-service-error:B01"}, NotFoundError),
    ({"code": 15, "sub_code": "isv.trade-not-exist"}, NotFoundError),
    ({"code": 15, "sub_code": "isv.logistics-offline-service-error:B04"}, NotAllowedError),
    ({"code": 15, "sub_code": "isv.refund-status-not-support"}, NotAllowedError),
    ({"code": 40, "msg": "Missing required arguments:tid"}, BadRequestError),
    ({"code": 41, "msg": "Invalid arguments:page_size", "sub_code": "isv.invalid-parameter:page_size"},
     BadRequestError),
])
def test_given_an_error_response_then_it_maps_to_the_pipeline_error(body: dict, error: type) -> None:
    mapped = error_from(body)
    assert type(mapped) is error
    assert mapped.code == str(body["code"]) and mapped.platform == "taobao"


def test_given_a_ban_then_retry_after_is_the_banned_seconds() -> None:
    mapped = error_from({"code": 7, "sub_msg": "This ban will last for 31062 more seconds"})
    assert isinstance(mapped, RateLimitedError) and mapped.retry_after == 31062.0


def test_given_method_names_then_the_response_root_follows_the_rule() -> None:
    assert response_key("taobao.trade.fullinfo.get") == "trade_fullinfo_get_response"
    assert response_key("cainiao.waybill.ii.get") == "cainiao_waybill_ii_get_response"


def test_given_envelopes_then_parse_unwraps_or_raises() -> None:
    wrapped = httpx.Response(200, json={"trade_fullinfo_get_response": {"trade": {"tid": 1}, "request_id": "r"}})
    assert parse(wrapped, "taobao.trade.fullinfo.get")["trade"] == {"tid": 1}
    flat = httpx.Response(200, json={"trade": {"tid": 2}, "request_id": "r"})
    assert parse(flat, "taobao.trade.fullinfo.get")["trade"] == {"tid": 2}
    with pytest.raises(SignatureRejectedError):
        parse(httpx.Response(200, json={"error_response": {"code": 25, "msg": "Invalid signature"}}), "x.y")
    with pytest.raises(TransientError):
        parse(httpx.Response(502, text="<html>bad gateway</html>"), "x.y")
