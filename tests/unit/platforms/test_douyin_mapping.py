"""Douyin mapping tables, payload -> canonical shapes, and the error-code table."""
from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus, RefundState
from chalicelib.platforms.douyin import canonical as records
from chalicelib.platforms.douyin import mapping
from chalicelib.platforms.douyin.gateway import data_or_raise, error_for
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
from local.sandbox.douyin.data import CARRIER_LIST

ORDER_ROWS = [(1, OrderStatus.PENDING_PAYMENT), (105, OrderStatus.AWAITING_SHIPMENT),
              (2, OrderStatus.AWAITING_SHIPMENT), (101, OrderStatus.PARTIALLY_SHIPPED), (3, OrderStatus.SHIPPED),
              (4, OrderStatus.CANCELLED), (5, OrderStatus.COMPLETED)]
TYPE_ROWS = [(0, AfterSaleType.RETURN_AND_REFUND), (1, AfterSaleType.REFUND_ONLY), (2, AfterSaleType.REFUND_ONLY),
             (3, AfterSaleType.EXCHANGE), (4, AfterSaleType.OTHER), (5, AfterSaleType.OTHER),
             (6, AfterSaleType.PRICE_PROTECTION), (7, AfterSaleType.REISSUE), (8, AfterSaleType.REPAIR)]
STATUS_ROWS = [(0, AfterSaleStatus.PENDING_REVIEW), (3, AfterSaleStatus.AWAITING_BUYER_ACTION),
               (6, AfterSaleStatus.PENDING_REVIEW), (7, AfterSaleStatus.AWAITING_BUYER_RETURN),
               (8, AfterSaleStatus.AWAITING_RESHIP), (11, AfterSaleStatus.AWAITING_SELLER_RECEIPT),
               (12, AfterSaleStatus.REFUNDED), (13, AfterSaleStatus.AWAITING_BUYER_ACTION),
               (14, AfterSaleStatus.RESHIPPED), (27, AfterSaleStatus.REJECTED), (28, AfterSaleStatus.CLOSED),
               (29, AfterSaleStatus.REJECTED), (51, AfterSaleStatus.REFUNDED), (53, AfterSaleStatus.REFUNDED)]
CARRIER_ROWS = [("ZTO", "zhongtong"), ("YTO", "yuantong"), ("STO", "shentong"), ("YUNDA", "yunda"),
                ("SF", "shunfeng"), ("JD", "jd"), ("EMS", "ems"), ("JTSD", "jtexpress"), ("DBL", "debangkuaidi"),
                ("YZPY", "youzhengguonei")]


@pytest.mark.parametrize(("code", "expected"), ORDER_ROWS)
def test_given_each_order_status_when_mapped_then_the_unified_status_follows(code, expected) -> None:
    assert mapping.order_status(code) is expected
    assert mapping.order_status(str(code)) is expected


def test_order_status_table_is_exactly_the_documented_enum() -> None:
    assert dict(ORDER_ROWS) == mapping.ORDER_STATUS
    with pytest.raises(ValueError):
        mapping.order_status(7)


@pytest.mark.parametrize(("code", "expected"), TYPE_ROWS)
def test_given_each_after_sale_type_when_mapped_then_the_unified_type_follows(code, expected) -> None:
    assert mapping.after_sale_type(code) is expected


@pytest.mark.parametrize(("code", "expected"), STATUS_ROWS)
def test_given_each_after_sale_status_of_a_refund_when_mapped_then_the_unified_status_follows(code, expected) -> None:
    assert mapping.after_sale_status(code, kind=1) is expected


def test_after_sale_tables_are_exactly_the_tested_rows() -> None:
    assert dict(TYPE_ROWS) == mapping.AFTER_SALE_TYPE
    assert dict(STATUS_ROWS) == mapping.AFTER_SALE_STATUS


@pytest.mark.parametrize("kind", [3, 7, 8])
def test_given_success_of_a_goods_after_sale_then_it_is_reshipped_not_refunded(kind: int) -> None:
    assert mapping.after_sale_status(12, kind) is AfterSaleStatus.RESHIPPED


@pytest.mark.parametrize(("refund_status", "expected"), [(2, AfterSaleStatus.PLATFORM_PROCESSING),
                                                         (4, AfterSaleStatus.FAILED), (3, AfterSaleStatus.REFUNDED)])
def test_given_success_with_a_refund_status_then_the_money_side_decides(refund_status, expected) -> None:
    assert mapping.after_sale_status(12, 0, refund_status) is expected


def test_given_an_unknown_after_sale_status_then_it_is_seller_processing() -> None:
    assert mapping.after_sale_status(99) is AfterSaleStatus.SELLER_PROCESSING


@pytest.mark.parametrize(("ours", "theirs"), CARRIER_ROWS)
def test_given_each_common_carrier_then_the_douyin_code_is_one_douyin_lists(ours: str, theirs: str) -> None:
    assert mapping.CARRIERS[ours] == theirs
    assert theirs in {code for code, _ in CARRIER_LIST}


def test_carrier_table_is_exactly_the_tested_rows() -> None:
    assert dict(CARRIER_ROWS) == mapping.CARRIERS


@pytest.mark.parametrize(("info", "expected"), [
    ({"after_sale_status": 0, "refund_status": 0}, RefundState.NONE),
    ({"after_sale_status": 6, "refund_status": 1}, RefundState.IN_PROGRESS),
    ({"after_sale_status": 11, "refund_status": 1}, RefundState.IN_PROGRESS),
    ({"after_sale_status": 12, "refund_status": 2}, RefundState.REFUNDING),
    ({"after_sale_status": 12, "refund_status": 3}, RefundState.REFUNDED),
    ({"after_sale_status": 27, "refund_status": 1}, RefundState.NONE),
    (None, RefundState.NONE),
])
def test_given_each_line_after_sale_info_then_the_line_refund_state_follows(info, expected) -> None:
    assert mapping.line_refund_state(info) is expected


# ---------------------------------------------------------------- payloads
ORDER = {
    "order_id": "6921234567890123456", "order_status": 2, "create_time": 1763600000, "update_time": 1763603600,
    "pay_time": 1763600060, "pay_amount": 17780, "post_amount": 1000, "order_amount": 19780,
    "promotion_shop_amount": 1800, "promotion_platform_amount": 200, "promotion_talent_amount": 0,
    "buyer_words": "不要放快递柜", "seller_words": "", "seller_remark_stars": 0, "ship_time": 0,
    "encrypt_post_receiver": "~~AbC=~1~~", "encrypt_post_tel": "$$DeF=$1$$", "mask_post_receiver": "王**",
    "mask_post_tel": "138****0000",
    "post_addr": {"province": {"name": "浙江省", "id": "33"}, "city": {"name": "杭州市", "id": "3301"},
                  "town": {"name": "余杭区", "id": "330110"}, "street": {"name": "五常街道", "id": "1"},
                  "detail": "##GhI=#1##", "encrypt_detail": "##GhI=#1##"},
    "mask_post_addr": {"province": {"name": "浙江省"}, "city": {"name": "杭州市"}, "town": {"name": "余杭区"},
                       "street": {"name": "五常街道"}, "detail": "文一西路******"},
    "logistics_info": [],
    "sku_order_list": [
        {"order_id": "6921234567890123457", "parent_order_id": "6921234567890123456", "product_id": 3580000000001000,
         "product_id_str": "3580000000001000", "sku_id": 358000000000100000, "code": "SKU-000-0",
         "product_name": "纯棉短袖T恤", "spec": [{"name": "颜色", "value": "白色"}, {"name": "尺码", "value": "M"}],
         "item_num": 2, "origin_amount": 8800, "sum_amount": 17600, "pay_amount": 15800,
         "after_sale_info": {"after_sale_status": 6, "after_sale_type": 2, "refund_status": 1}},
        {"order_id": "6921234567890123458", "parent_order_id": "6921234567890123456", "product_id": 3580000000001003,
         "sku_id": 358000000000100300, "code": "SKU-003-0", "product_name": "五常大米5kg", "spec": [],
         "item_num": 1, "origin_amount": 1180, "sum_amount": 1180, "pay_amount": 980},
    ],
}


def test_given_a_realistic_order_when_mapped_then_money_is_exact_fen_and_times_are_aware() -> None:
    order = mapping.order_from_payload(ORDER)
    assert order.order_no == "6921234567890123456"
    assert order.status is OrderStatus.AWAITING_SHIPMENT and order.platform_status == "2"
    assert (order.total_fen, order.paid_fen, order.freight_fen) == (18780, 17780, 1000)
    assert (order.seller_discount_fen, order.platform_discount_fen) == (1800, 200)
    assert order.created_at == datetime(2025, 11, 20, 8, 53, 20, tzinfo=SHANGHAI)
    assert order.modified_at.utcoffset() is not None and order.paid_at is not None and order.shipped_at is None
    assert order.refund_state is RefundState.IN_PROGRESS
    assert order.buyer_memo == "不要放快递柜"
    assert order.raw is ORDER


def test_given_exp_ship_time_and_open_id_when_mapped_then_ship_by_and_buyer_id_follow() -> None:
    order = mapping.order_from_payload({**ORDER, "exp_ship_time": 1764046400, "doudian_open_id": "1@#open"})
    assert order.ship_by_at == datetime(2025, 11, 25, 12, 53, 20, tzinfo=SHANGHAI)
    assert (order.buyer_id, order.order_type) == ("1@#open", "normal")


@pytest.mark.parametrize(("trade_type", "pre_sale_type", "expected"), [
    (0, 0, "normal"), (0, 1, "presale"), (0, 2, "normal"), (2, 0, "step_payment"), (2, 1, "step_payment")])
def test_given_a_sku_orders_presale_fields_when_mapped_then_the_order_type_follows(
        trade_type: int, pre_sale_type: int, expected: str) -> None:
    first, *rest = ORDER["sku_order_list"]
    skus = [{**first, "trade_type": trade_type, "pre_sale_type": pre_sale_type}, *rest]
    order = mapping.order_from_payload({**ORDER, "sku_order_list": skus})
    assert order.order_type == expected


def test_given_no_exp_ship_time_when_mapped_then_there_is_no_ship_by() -> None:
    order = mapping.order_from_payload({**ORDER, "exp_ship_time": 0})
    assert order.ship_by_at is None and order.buyer_id == ""


def test_given_a_realistic_order_when_mapped_then_lines_carry_ids_codes_and_discounts() -> None:
    first, second = mapping.order_from_payload(ORDER).lines
    assert (first.line_id, first.platform_sku_id, first.platform_product_id) == (
        "6921234567890123457", "358000000000100000", "3580000000001000")
    assert (first.merchant_code, first.sku_name, first.quantity) == ("SKU-000-0", "白色 M", 2)
    assert (first.unit_price_fen, first.paid_fen, first.discount_fen) == (8800, 15800, 1800)
    assert first.refund_state is RefundState.IN_PROGRESS
    assert second.platform_product_id == "3580000000001003" and second.refund_state is RefundState.NONE


def test_given_a_realistic_order_when_mapped_then_the_receiver_is_masked_and_keeps_ciphertext() -> None:
    receiver = mapping.order_from_payload(ORDER).receiver
    assert receiver is not None
    assert (receiver.name_masked, receiver.phone_masked, receiver.address_masked) == ("王**", "138****0000",
                                                                                      "文一西路******")
    assert (receiver.province, receiver.city, receiver.district, receiver.town) == ("浙江省", "杭州市", "余杭区",
                                                                                    "五常街道")
    assert receiver.ciphertext == {"encrypt_post_receiver": "~~AbC=~1~~", "encrypt_post_tel": "$$DeF=$1$$",
                                   "encrypt_detail": "##GhI=#1##"}


def test_given_a_shipped_order_when_mapped_then_carrier_and_tracking_come_from_logistics_info() -> None:
    shipped = {**ORDER, "order_status": 3, "ship_time": 1763610000,
               "logistics_info": [{"tracking_no": "ZT123", "company": "zhongtong", "ship_time": 1763610000}]}
    order = mapping.order_from_payload(shipped)
    assert (order.status, order.carrier_code, order.tracking_no) == (OrderStatus.SHIPPED, "zhongtong", "ZT123")
    assert order.shipped_at == datetime.fromtimestamp(1763610000, SHANGHAI)


LIST_ITEM = {
    "aftersale_info": {"aftersale_id": "7290001", "aftersale_type": 0, "aftersale_status": 7,
                       "related_id": "6921234567890123457", "apply_time": 1763700000, "update_time": 1763703600,
                       "status_deadline": 1763876400, "refund_amount": 7900, "aftersale_num": 1, "refund_status": 1,
                       "return_logistics_code": ""},
    "order_info": {"shop_order_id": "6921234567890123456", "related_order_info": [
        {"sku_order_id": "6921234567890123457", "aftersale_item_num": 1, "aftersale_pay_amount": 7900}]},
    "text_part": {"reason_text": "尺码不合适"},
}


def test_given_an_after_sale_list_item_when_mapped_then_ids_money_and_state_follow() -> None:
    case = records.after_sale_from_list_item(LIST_ITEM)
    assert (case.case_id, case.order_no) == ("7290001", "6921234567890123456")
    assert (case.type, case.status) == (AfterSaleType.RETURN_AND_REFUND, AfterSaleStatus.AWAITING_BUYER_RETURN)
    assert (case.platform_type, case.platform_status, case.refund_fen) == ("0", "7", 7900)
    assert case.reason == "尺码不合适" and case.has_goods_return
    assert case.lines[0].line_id == "6921234567890123457" and case.lines[0].refund_fen == 7900
    assert case.deadline_at == datetime.fromtimestamp(1763876400, SHANGHAI)
    assert case.modified_at.tzinfo is not None


def test_given_an_after_sale_detail_when_mapped_then_its_own_field_names_are_read() -> None:
    detail = {"process_info": {
        "after_sale_info": {"after_sale_id": 7290001, "after_sale_status": 11, "after_sale_type": 0,
                            "refund_status": 1, "refund_total_amount": 7900, "apply_time": 1763700000,
                            "update_time": 1763710000, "reason": "尺码不合适", "reason_remark": "大了一号",
                            "evidence": ["https://img.example/1.jpg"], "status_deadline": 0},
        "logistics_info": {"return": {"tracking_no": "YD778899", "company_code": "yunda"}}},
        "order_info": {"shop_order_id": 6921234567890123456, "sku_order_infos": [
            {"sku_order_id": 6921234567890123457, "sku_id": 358000000000100000, "after_sale_item_count": 1}]}}
    case = records.after_sale_from_detail(detail)
    assert (case.case_id, case.order_no, case.status) == ("7290001", "6921234567890123456",
                                                          AfterSaleStatus.AWAITING_SELLER_RECEIPT)
    assert (case.return_carrier_code, case.return_tracking_no) == ("yunda", "YD778899")
    assert (case.buyer_note, case.evidence_urls) == ("大了一号", ("https://img.example/1.jpg",))
    assert case.lines[0].platform_sku_id == "358000000000100000" and case.deadline_at is None


def test_given_a_product_with_skus_when_mapped_then_codes_prices_and_stock_follow() -> None:
    product = records.product_from_payload({"product_id": 3580000000001000, "name": "纯棉短袖T恤", "status": 0},
                                           [{"id": 358000000000100000, "code": "SKU-000-0",
                                             "spec_detail_name1": "白色", "spec_detail_name2": "M",
                                             "price": 8800, "stock_num": 12}])
    sku = product.skus[0]
    assert (product.platform_product_id, product.on_sale) == ("3580000000001000", True)
    assert (sku.platform_sku_id, sku.merchant_code, sku.sku_name, sku.price_fen, sku.stock) == (
        "358000000000100000", "SKU-000-0", "白色 M", 8800, 12)


def test_given_a_token_payload_when_mapped_then_expiry_is_relative_to_now() -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)
    tokens = records.token_from_payload({"access_token": "at", "expires_in": 604800, "refresh_token": "rt",
                                         "shop_id": 4460001}, now)
    assert (tokens.access_token, tokens.refresh_token, tokens.seller_id) == ("at", "rt", "4460001")
    assert (tokens.expires_at - now).days == 7 and tokens.refresh_expires_at is not None


# ---------------------------------------------------------------- error codes
@pytest.mark.parametrize(("code", "sub_code", "message", "expected"), [
    (60000, "", "触发限流", RateLimitedError),
    (20000, "isp.service-error", "", TransientError),
    (20001, "", "内部超时", TransientError),
    (40003, "isv.signature-invalid", "", SignatureRejectedError),
    (40001, "isv.signature-missing", "", SignatureRejectedError),
    (50001, "dop.token-generate-failed:app-secret-invalid", "", SignatureRejectedError),
    (30002, "", "IP不在白名单", SignatureRejectedError),
    (40003, "isv.access-token-expired", "", AuthExpiredError),
    (40003, "isv.access-token-no-existed", "", AuthExpiredError),
    (30001, "dop.authorization-closed", "", AuthExpiredError),
    (50001, "dop.token-generate-failed:token-expired", "", AuthExpiredError),
    (50001, "dop.token-generate-failed:code-invalid", "", AuthExpiredError),
    (50002, "isv.business-failed:31009", "", AuthExpiredError),
    (40004, "isv.parameter-invalid", "订单不存在", NotFoundError),
    (50002, "isv.business-failed:x", "订单状态不允许发货", NotAllowedError),
    (30001, "isv.app-permissions-insufficient", "", NotAllowedError),
    (40004, "isv.parameter-invalid", "size须在1-100之间", BadRequestError),
    (40003, "isv.timestamp-invalid", "", BadRequestError),
])
def test_given_each_douyin_error_code_then_the_right_error_type_is_raised(code, sub_code, message, expected) -> None:
    error = error_for(code, sub_code, message)
    assert type(error) is expected
    assert (error.code, error.sub_code, error.platform) == (str(code), sub_code, "douyin")


def test_given_a_legacy_envelope_then_err_no_zero_is_success_and_others_fail() -> None:
    assert data_or_raise({"err_no": 0, "message": "success", "data": {"x": 1}}) == {"x": 1}
    with pytest.raises(BadRequestError):
        data_or_raise({"err_no": 30001, "message": "失败"})
