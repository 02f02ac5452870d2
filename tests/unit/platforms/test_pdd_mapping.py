"""Every row of the PDD mapping tables, the error table, and payload -> canonical on realistic payloads."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from chalicelib.domain.money import yuan_to_fen
from chalicelib.domain.platform import Platform
from chalicelib.domain.status import AfterSaleStatus as S
from chalicelib.domain.status import AfterSaleType as T
from chalicelib.domain.status import OrderStatus as O
from chalicelib.domain.status import RefundState as R
from chalicelib.platforms.pdd import mapping
from chalicelib.platforms.pdd.canonical import allocate, to_after_sale, to_order, to_product, to_waybill_accounts
from chalicelib.platforms.pdd.errors import error_from
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


@pytest.mark.parametrize(("value", "expected"), [(1, O.AWAITING_SHIPMENT), (2, O.SHIPPED), (3, O.COMPLETED)])
def test_given_each_order_status_when_confirmed_without_refund_then_it_maps(value, expected) -> None:
    assert mapping.ORDER_STATUS[value] is expected
    assert mapping.order_status(value, 1, 1) is expected


def test_given_the_order_status_table_then_it_has_exactly_the_reference_values() -> None:
    assert set(mapping.ORDER_STATUS) == {1, 2, 3}


@pytest.mark.parametrize(("order_status", "refund", "confirm", "expected"), [
    (1, 1, 2, O.CANCELLED),           # 已取消
    (1, 1, 0, O.PENDING_PAYMENT),     # 未成交: the group has not formed
    (1, 4, 1, O.CANCELLED),           # refunded in full before shipping (seed: refund_status 4 -> 11)
    (2, 4, 1, O.CANCELLED),
    (1, 2, 1, O.AWAITING_SHIPMENT),   # an after-sale in progress is a hold, not a status
    (2, 3, 1, O.SHIPPED),
])
def test_given_confirm_and_refund_overrides_then_the_status_follows(order_status, refund, confirm, expected) -> None:
    assert mapping.order_status(order_status, refund, confirm) is expected


@pytest.mark.parametrize(("value", "expected"), [
    (1, R.NONE), (2, R.IN_PROGRESS), (3, R.REFUNDING), (4, R.REFUNDED)])
def test_given_each_refund_status_then_the_refund_state_maps(value, expected) -> None:
    assert mapping.REFUND_STATE[value] is expected
    assert len(mapping.REFUND_STATE) == 4


@pytest.mark.parametrize(("value", "expected"), [
    (2, T.REFUND_ONLY), (3, T.RETURN_AND_REFUND), (4, T.EXCHANGE), (5, T.REISSUE), (6, T.REPAIR)])
def test_given_each_list_after_sale_type_then_it_maps(value, expected) -> None:
    assert mapping.LIST_AFTER_SALE_TYPE[value] is expected
    assert len(mapping.LIST_AFTER_SALE_TYPE) == 5


@pytest.mark.parametrize(("value", "expected"), [
    (1, T.REFUND_ONLY), (2, T.RETURN_AND_REFUND), (3, T.EXCHANGE), (4, T.REISSUE), (5, T.REPAIR)])
def test_given_each_detail_after_sale_type_then_it_maps_one_lower_than_the_list(value, expected) -> None:
    assert mapping.DETAIL_AFTER_SALE_TYPE[value] is expected
    assert len(mapping.DETAIL_AFTER_SALE_TYPE) == 5


AFTER_SALE_ROWS = [
    (0, S.CLOSED), (2, S.PENDING_REVIEW), (3, S.PENDING_REVIEW), (4, S.PLATFORM_PROCESSING),
    (5, S.PLATFORM_PROCESSING), (6, S.REJECTED), (7, S.AWAITING_BUYER_RETURN), (8, S.PLATFORM_PROCESSING),
    (9, S.CLOSED), (10, S.REFUNDED), (11, S.CLOSED), (12, S.CLOSED), (13, S.CLOSED), (14, S.PENDING_REVIEW),
    (15, S.AWAITING_BUYER_ACTION), (16, S.RESHIPPED), (17, S.FAILED), (18, S.AWAITING_BUYER_ACTION),
    (21, S.PENDING_REVIEW), (22, S.AWAITING_BUYER_RETURN), (24, S.CLOSED), (25, S.RESHIPPED),
    (27, S.AWAITING_BUYER_ACTION), (31, S.AWAITING_BUYER_ACTION), (32, S.AWAITING_RESHIP),
    (33, S.SELLER_PROCESSING),
]


@pytest.mark.parametrize(("value", "expected"), AFTER_SALE_ROWS)
def test_given_each_after_sales_status_then_it_maps(value, expected) -> None:
    assert mapping.AFTER_SALE_STATUS[value] is expected
    assert mapping.after_sale_status(value, "") is expected


def test_given_the_after_sale_table_then_every_reference_value_has_a_row() -> None:
    assert set(mapping.AFTER_SALE_STATUS) == {value for value, _ in AFTER_SALE_ROWS}


def test_given_a_return_case_pending_with_the_buyers_tracking_no_then_it_awaits_seller_receipt() -> None:
    assert mapping.after_sale_status(3, "YT123") is S.AWAITING_SELLER_RECEIPT
    assert mapping.after_sale_status(2, "YT123") is S.PENDING_REVIEW


@pytest.mark.parametrize(("ours", "theirs"), [
    ("ZTO", "ZTO"), ("YTO", "YTO"), ("STO", "STO"), ("YUNDA", "YUNDA"), ("SF", "SF"), ("JD", "JD"),
    ("EMS", "EMS"), ("JTSD", "JTSD"), ("DBL", "DEBANGWULIU"), ("YZPY", "YZXB")])
def test_given_each_common_carrier_then_the_pdd_code_maps(ours, theirs) -> None:
    assert mapping.CARRIERS[ours] == theirs
    assert len(mapping.CARRIERS) == 10


@pytest.mark.parametrize(("tag", "name"), [(1, "红色"), (2, "黄色"), (3, "绿色"), (4, "蓝色"), (5, "紫色")])
def test_given_each_memo_tag_then_its_name_fits_three_characters(tag, name) -> None:
    assert mapping.MEMO_TAGS[tag] == name
    assert len(name) <= 3


@pytest.mark.parametrize(("yuan", "fen"), [
    ("12.34", 1234), (Decimal("0.1"), 10), (19.9, 1990), (0, 0), ("", 0), (None, 0), ("1288.00", 128800)])
def test_given_yuan_amounts_then_fen_are_exact(yuan, fen) -> None:
    assert yuan_to_fen(yuan) == fen


def test_given_an_amount_finer_than_a_fen_then_it_rounds_half_up_like_every_platform() -> None:
    assert (yuan_to_fen("0.001"), yuan_to_fen("0.005")) == (0, 1)


@pytest.mark.parametrize("value", ["2026-11-20 11:59:59", 1795147199, "1795147199", 1795147199000])
def test_given_each_time_format_then_it_parses_aware_in_beijing(value) -> None:
    parsed = mapping.pdd_time(value)
    assert parsed == datetime(2026, 11, 20, 11, 59, 59, tzinfo=SHANGHAI)
    assert parsed.utcoffset() is not None


def test_given_a_case_id_then_it_splits_back_into_order_sn_and_after_sales_id() -> None:
    case = mapping.case_id("231101-123456789012345", 7001)
    assert mapping.split_case_id(case) == ("231101-123456789012345", "7001")
    with pytest.raises(ValueError):
        mapping.split_case_id("7001")


@pytest.mark.parametrize(("code", "error"), [
    (10019, AuthExpiredError), (20032, AuthExpiredError), (20004, SignatureRejectedError),
    (10016, SignatureRejectedError), (20005, SignatureRejectedError), (20031, SignatureRejectedError),
    (52101, RateLimitedError), (70031, RateLimitedError), (70032, RateLimitedError), (70036, RateLimitedError),
    (50000, TransientError), (52001, TransientError), (52002, TransientError), (52102, TransientError),
    (52103, TransientError), (50001, NotAllowedError), (50002, NotAllowedError), (10000, BadRequestError),
    (10001, BadRequestError), (10017, BadRequestError), (21001, BadRequestError), (52004, BadRequestError)])
def test_given_each_error_code_then_the_pipeline_error_type_maps(code, error) -> None:
    raised = error_from({"error_code": code, "error_msg": "m", "sub_code": None, "sub_msg": "detail"})
    assert type(raised) is error
    assert raised.code == str(code)
    assert str(raised) == "detail"


def test_given_a_ban_then_the_retry_after_is_too_long_to_spin_on() -> None:
    assert error_from({"error_code": 70033}).retry_after > 60
    assert error_from({"error_code": 52101}).retry_after <= 1


def test_given_a_business_error_saying_not_found_then_not_found_is_raised() -> None:
    assert type(error_from({"error_code": 50001, "sub_msg": "订单不存在"})) is NotFoundError


def test_given_weights_when_allocating_then_shares_are_proportional_and_sum_exactly() -> None:
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(0, [5, 5]) == [0, 0]
    assert sum(allocate(999, [3980, 1990, 12900])) == 999


ORDER_PAYLOAD = {
    "order_sn": "261120-000001123456789", "order_status": 1, "refund_status": 1, "confirm_status": 1,
    "created_time": "2026-11-20 09:00:00", "confirm_time": "2026-11-20 09:01:00", "pay_time": "2026-11-20 09:01:00",
    "updated_at": "2026-11-20 10:30:00", "shipping_time": "", "goods_amount": Decimal("99.70"),
    "discount_amount": Decimal("7.00"), "seller_discount": Decimal("5.00"), "platform_discount": Decimal("2.00"),
    "postage": Decimal("8.00"), "pay_amount": Decimal("100.70"), "logistics_id": 0, "tracking_number": "",
    "remark": "加急", "remark_tag": 1, "buyer_memo": "不要放快递柜",
    "receiver_name": "~AbCd~", "receiver_phone": "$EfGh$", "receiver_address": "#IjKl#", "address": "#IjKl#",
    "receiver_name_mask": "张*", "receiver_phone_mask": "138****5678", "receiver_address_mask": "望京街道******",
    "province": "北京市", "city": "北京市", "town": "朝阳区",
    "item_list": [
        {"goods_id": 10000001, "sku_id": 1000000100, "goods_name": "纯棉短袖T恤", "goods_spec": "白色 M",
         "goods_count": 2, "goods_price": Decimal("39.90"), "outer_id": "SKU-001-0", "outer_goods_id": "G-1"},
        {"goods_id": 10000002, "sku_id": 1000000200, "goods_name": "加绒卫衣", "goods_spec": "默认",
         "goods_count": 1, "goods_price": Decimal("19.90"), "outer_id": "SKU-002-0", "outer_goods_id": "G-2"},
    ],
}


def test_given_a_realistic_order_payload_then_money_is_exact_fen_and_times_aware() -> None:
    order = to_order(ORDER_PAYLOAD)
    assert (order.platform, order.order_no, order.status) == (Platform.PDD, "261120-000001123456789",
                                                              O.AWAITING_SHIPMENT)
    assert (order.total_fen, order.paid_fen, order.freight_fen) == (9970, 10070, 800)
    assert (order.seller_discount_fen, order.platform_discount_fen) == (500, 200)
    assert order.modified_at == datetime(2026, 11, 20, 10, 30, tzinfo=SHANGHAI)
    assert order.created_at.tzinfo is not None and order.paid_at is not None
    assert (order.seller_memo, order.seller_flag, order.buyer_memo) == ("加急", 1, "不要放快递柜")
    assert order.raw is ORDER_PAYLOAD


def test_given_a_realistic_order_payload_then_lines_carry_the_discount_split_exactly() -> None:
    lines = to_order(ORDER_PAYLOAD).lines
    assert [line.line_id for line in lines] == ["1000000100", "1000000200"]
    assert [(line.unit_price_fen, line.quantity, line.merchant_code) for line in lines] == [
        (3990, 2, "SKU-001-0"), (1990, 1, "SKU-002-0")]
    assert sum(line.discount_fen for line in lines) == 700
    assert sum(line.paid_fen for line in lines) == 9970 - 700


def test_given_a_realistic_order_payload_then_the_receiver_is_masked_and_keeps_ciphertext() -> None:
    receiver = to_order(ORDER_PAYLOAD).receiver
    assert receiver is not None
    assert (receiver.name_masked, receiver.phone_masked, receiver.district) == ("张*", "138****5678", "朝阳区")
    assert receiver.ciphertext == {"receiver_name": "~AbCd~", "receiver_phone": "$EfGh$",
                                   "receiver_address": "#IjKl#", "address": "#IjKl#"}


def test_given_a_shipped_order_then_its_carrier_code_comes_from_the_logistics_id() -> None:
    shipped = {**ORDER_PAYLOAD, "order_status": 2, "logistics_id": 115, "tracking_number": "ZT1",
               "shipping_time": "2026-11-20 11:00:00", "receiver_name": "", "receiver_phone": "",
               "receiver_address": "", "address": ""}
    order = to_order(shipped, {115: "ZTO"}.__getitem__)
    assert (order.status, order.carrier_code, order.tracking_no) == (O.SHIPPED, "ZTO", "ZT1")
    assert order.receiver is not None and order.receiver.ciphertext == {}


REFUND_ROW = {
    "id": 7001, "order_sn": "261120-000001123456789", "after_sales_status": 3, "after_sales_type": 3,
    "after_sale_reason": "尺码不合适", "refund_amount": "39.90", "goods_id": 10000001, "sku_id": 1000000100,
    "goods_number": 1, "tracking_number": "YT0000000001", "shipping_name": "圆通快递",
    "created_time": "2026-11-20 10:00:00", "updated_time": "2026-11-20 10:40:00",
}


def test_given_a_refund_list_row_then_the_case_maps_with_exact_fen() -> None:
    case = to_after_sale(REFUND_ROW, mapping.LIST_AFTER_SALE_TYPE)
    assert case.case_id == "261120-000001123456789:7001"
    assert (case.type, case.status, case.refund_fen) == (T.RETURN_AND_REFUND, S.AWAITING_SELLER_RECEIPT, 3990)
    assert (case.return_tracking_no, case.return_carrier_code, case.has_goods_return) == (
        "YT0000000001", "圆通快递", True)
    assert case.modified_at == datetime(2026, 11, 20, 10, 40, tzinfo=SHANGHAI)
    assert case.lines[0].platform_sku_id == "1000000100"


def test_given_a_refund_detail_then_the_detail_type_enum_is_used() -> None:
    detail = {"id": 7002, "order_sn": "261120-1", "after_sales_status": 2, "after_sales_type": 1,
              "after_sales_reason": "不想要了", "refund_amount": "10.00", "express_no": "", "images": ["u"],
              "remark": "拍错了", "created_time": "2026-11-20 10:00:00", "updated_time": "2026-11-20 10:00:00",
              "expire_time": "2026-11-22 10:00:00"}
    case = to_after_sale(detail, mapping.DETAIL_AFTER_SALE_TYPE)
    assert (case.type, case.status, case.reason, case.buyer_note) == (
        T.REFUND_ONLY, S.PENDING_REVIEW, "不想要了", "拍错了")
    assert case.evidence_urls == ("u",) and case.deadline_at is not None


def test_given_a_goods_payload_then_skus_carry_merchant_codes_and_stock() -> None:
    product = to_product({"goods_id": 1, "goods_name": "保温杯", "is_onsale": 1, "sku_list": [
        {"sku_id": 11, "spec": "500ml", "sku_quantity": 7, "outer_id": "CUP-500"}]})
    assert product.on_sale and [(s.platform_sku_id, s.merchant_code, s.stock) for s in product.skus] == [
        ("11", "CUP-500", 7)]


def test_given_a_waybill_subscription_then_one_account_per_branch_address() -> None:
    [account] = to_waybill_accounts({"wp_code": "ZTO", "branch_account_cols": [{
        "branch_code": "B1", "branch_name": "朝阳网点", "quantity": 998,
        "shipp_address_cols": [{"province": "北京市", "city": "北京市", "district": "朝阳区", "detail": "望京1号"}]}]})
    assert (account.account_id, account.carrier_code, account.remaining) == ("ZTO:B1", "ZTO", 998)
    assert account.sender_address.detail == "望京1号"
