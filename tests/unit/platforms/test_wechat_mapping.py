"""Every row of the WeChat mapping tables, and a realistic order / after-sale / product payload."""
from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.domain.status import AfterSaleStatus, AfterSaleType, OrderStatus, RefundState
from chalicelib.platforms.wechat.mapping import (
    AFTER_SALE_STATUS,
    AFTER_SALE_TYPE,
    CARRIERS,
    ORDER_STATUS,
    to_after_sale,
    to_order,
    to_product,
)
from chalicelib.services.platform_types import SHANGHAI

EXPECTED_ORDER_STATUS = {
    10: OrderStatus.PENDING_PAYMENT, 20: OrderStatus.AWAITING_SHIPMENT, 21: OrderStatus.PARTIALLY_SHIPPED,
    30: OrderStatus.SHIPPED, 100: OrderStatus.COMPLETED, 190: OrderStatus.CANCELLED, 200: OrderStatus.CANCELLED,
    250: OrderStatus.CANCELLED,
}
EXPECTED_AFTER_SALE_STATUS = {
    "USER_CANCELD": AfterSaleStatus.CLOSED, "MERCHANT_PROCESSING": AfterSaleStatus.PENDING_REVIEW,
    "MERCHANT_REJECT_REFUND": AfterSaleStatus.REJECTED, "MERCHANT_REJECT_RETURN": AfterSaleStatus.REJECTED,
    "USER_WAIT_RETURN": AfterSaleStatus.AWAITING_BUYER_RETURN, "RETURN_CLOSED": AfterSaleStatus.CLOSED,
    "MERCHANT_WAIT_RECEIPT": AfterSaleStatus.AWAITING_SELLER_RECEIPT,
    "MERCHANT_OVERDUE_REFUND": AfterSaleStatus.SELLER_PROCESSING,
    "MERCHANT_REFUND_SUCCESS": AfterSaleStatus.REFUNDED, "MERCHANT_RETURN_SUCCESS": AfterSaleStatus.REFUNDED,
    "PLATFORM_REFUNDING": AfterSaleStatus.PLATFORM_PROCESSING, "PLATFORM_REFUND_FAIL": AfterSaleStatus.FAILED,
    "MERCHANT_REFUND_RETRY_FAIL": AfterSaleStatus.FAILED, "MERCHANT_FAIL": AfterSaleStatus.CLOSED,
    "USER_WAIT_CONFIRM": AfterSaleStatus.AWAITING_BUYER_ACTION,
    "USER_WAIT_CONFIRM_UPDATE": AfterSaleStatus.AWAITING_BUYER_ACTION,
    "USER_WAIT_HANDLE_MERCHANT_AFTER_SALE": AfterSaleStatus.AWAITING_BUYER_ACTION,
}
EXPECTED_TYPES = {"REFUND": AfterSaleType.REFUND_ONLY, "RETURN": AfterSaleType.RETURN_AND_REFUND,
                  "EXCHANGE": AfterSaleType.EXCHANGE}
EXPECTED_CARRIERS = {"ZTO": "ZTO", "YTO": "YTO", "STO": "STO", "YUNDA": "YUNDA", "SF": "SF", "JD": "JD",
                     "EMS": "EMS", "JTSD": "JTSD", "DBL": "DBL", "YZPY": "YZPY"}


@pytest.mark.parametrize(("code", "expected"), EXPECTED_ORDER_STATUS.items())
def test_given_each_wechat_order_status_then_it_maps_to_the_unified_one(code, expected):
    assert ORDER_STATUS[code] is expected


def test_given_the_order_status_table_then_it_has_exactly_the_documented_rows():
    assert ORDER_STATUS == EXPECTED_ORDER_STATUS


@pytest.mark.parametrize(("status", "expected"), EXPECTED_AFTER_SALE_STATUS.items())
def test_given_each_after_sale_status_then_it_maps_to_the_unified_one(status, expected):
    assert AFTER_SALE_STATUS[status] is expected


def test_given_the_after_sale_tables_then_they_have_exactly_the_documented_rows():
    assert AFTER_SALE_STATUS == EXPECTED_AFTER_SALE_STATUS
    assert AFTER_SALE_TYPE == EXPECTED_TYPES


@pytest.mark.parametrize(("ours", "theirs"), EXPECTED_CARRIERS.items())
def test_given_each_common_carrier_code_then_wechat_delivery_id_is_known(ours, theirs):
    assert CARRIERS[ours] == theirs


ORDER = {
    "order_id": "3705115058471208928", "status": 21, "create_time": 1763600000, "update_time": 1763603600,
    "openid": "oXyz",
    "order_detail": {
        "product_infos": [
            {"product_id": "10000001000", "sku_id": "1000000100000", "sku_cnt": 2, "sale_price": 2990,
             "real_price": 5580, "title": "纯棉短袖T恤", "sku_code": "SKU-000-0", "out_sku_id": "OUT-1",
             "thumb_img": "https://mmecimage.cn/p/1.jpg", "sku_attrs": [{"attr_key": "规格", "attr_value": "白色 M"}],
             "on_aftersale_sku_cnt": 0, "finish_aftersale_sku_cnt": 0},
            {"product_id": "10000001001", "sku_id": "1000000100100", "sku_cnt": 1, "sale_price": 8800,
             "real_price": 8800, "title": "加绒卫衣", "sku_code": "", "out_sku_id": "OUT-2",
             "sku_attrs": [], "on_aftersale_sku_cnt": 1, "finish_aftersale_sku_cnt": 0},
        ],
        "price_info": {"product_price": 14780, "order_price": 14980, "freight": 600, "discounted_price": 400,
                       "merchant_discounted_price": 400, "cash_coupon_discounted_price": 0},
        "pay_info": {"pay_time": 1763600100, "transaction_id": "4200000001"},
        "delivery_info": {
            "address_info": {"user_name": "张*", "tel_number": "138****5678", "province_name": "浙江省",
                             "city_name": "杭州市", "county_name": "西湖区", "detail_info": "文三路****",
                             "hash_code": "abc123"},
            "delivery_product_info": [{"waybill_id": "ZT123", "delivery_id": "ZTO", "delivery_time": 1763603000,
                                       "product_infos": [{"product_id": "10000001000", "sku_id": "1000000100000",
                                                          "product_cnt": 2}]}],
            "ewaybill_order_code": "EOC-CIPHER",
        },
        "ext_info": {"customer_notes": "不要放快递柜", "merchant_notes": "VIP"},
    },
    "aftersale_detail": {"aftersale_order_list": [{"aftersale_order_id": "99"}], "on_aftersale_order_cnt": 1},
}


def test_given_a_realistic_order_when_mapped_then_money_is_exact_fen_and_times_are_aware():
    order = to_order(ORDER)
    assert (order.order_no, order.status, order.platform_status) == ("3705115058471208928",
                                                                    OrderStatus.PARTIALLY_SHIPPED, "21")
    assert (order.total_fen, order.paid_fen, order.freight_fen, order.seller_discount_fen) == (14780, 14980, 600, 400)
    assert order.created_at == datetime(2025, 11, 20, 8, 53, 20, tzinfo=SHANGHAI)
    assert order.modified_at.utcoffset() is not None and order.paid_at is not None
    assert (order.carrier_code, order.tracking_no, order.buyer_memo, order.seller_memo) == (
        "ZTO", "ZT123", "不要放快递柜", "VIP")
    assert order.refund_state is RefundState.IN_PROGRESS
    assert order.raw is ORDER


def test_given_a_realistic_order_when_mapped_then_lines_carry_skus_codes_and_discounts():
    first, second = to_order(ORDER).lines
    assert (first.line_id, first.platform_product_id, first.merchant_code, first.sku_name) == (
        "1000000100000", "10000001000", "SKU-000-0", "白色 M")
    assert (first.quantity, first.unit_price_fen, first.paid_fen, first.discount_fen) == (2, 2990, 5580, 400)
    assert second.merchant_code == "OUT-2" and second.refund_state is RefundState.IN_PROGRESS


def test_given_a_masked_address_when_mapped_then_only_masked_text_and_handles_are_kept():
    receiver = to_order(ORDER).receiver
    assert receiver is not None
    assert (receiver.name_masked, receiver.phone_masked, receiver.address_masked) == ("张*", "138****5678", "文三路****")
    assert dict(receiver.ciphertext) == {"ewaybill_order_code": "EOC-CIPHER", "hash_code": "abc123"}


def test_given_an_order_cancelled_by_full_after_sale_then_it_is_cancelled_and_refunded():
    order = to_order({**ORDER, "status": 200, "aftersale_detail": {}})
    assert (order.status, order.refund_state) == (OrderStatus.CANCELLED, RefundState.REFUNDED)


CASE = {
    "after_sale_order_id": "2000001", "status": "MERCHANT_WAIT_RECEIPT", "type": "RETURN",
    "order_id": "3705115058471208928", "product_info": {"product_id": "10000001000", "sku_id": "1000000100000",
                                                         "count": 2},
    "refund_info": {"amount": 5580}, "return_info": {"waybill_id": "SF99", "delivery_id": "SF"},
    "details": {"desc": "尺码不合适", "prove_imgs": ["https://img/1.jpg"]}, "reason": "1", "reason_text": "不想要了",
    "create_time": 1763600000, "update_time": 1763610000, "deadline": 3600,
}


def test_given_a_return_case_when_mapped_then_status_type_money_and_return_parcel_are_kept():
    fetched = datetime(2026, 1, 1, tzinfo=SHANGHAI)
    case = to_after_sale(CASE, fetched_at=fetched)
    assert (case.type, case.status, case.refund_fen) == (AfterSaleType.RETURN_AND_REFUND,
                                                         AfterSaleStatus.AWAITING_SELLER_RECEIPT, 5580)
    assert (case.return_carrier_code, case.return_tracking_no, case.has_goods_return) == ("SF", "SF99", True)
    assert case.lines[0].line_id == "1000000100000" and case.lines[0].quantity == 2
    assert (case.reason, case.buyer_note, case.evidence_urls) == ("不想要了", "尺码不合适", ("https://img/1.jpg",))
    assert case.deadline_at == datetime(2026, 1, 1, 1, tzinfo=SHANGHAI)
    assert case.modified_at.tzinfo is not None


def test_given_a_product_when_mapped_then_skus_carry_codes_prices_and_stock():
    product = to_product({"product_id": 10000001000, "title": "T恤", "status": 5, "skus": [
        {"sku_id": 1000000100000, "sku_code": "SKU-000-0", "sale_price": 2990, "stock_num": 7,
         "sku_attrs": [{"attr_key": "颜色", "attr_value": "白色"}, {"attr_key": "尺码", "attr_value": "M"}]}]})
    [sku] = product.skus
    assert product.on_sale and product.platform_product_id == "10000001000"
    assert (sku.platform_sku_id, sku.merchant_code, sku.price_fen, sku.stock, sku.sku_name) == (
        "1000000100000", "SKU-000-0", 2990, 7, "白色 M")
