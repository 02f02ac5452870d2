"""Xiaohongshu mapping tables, row by row, and payload -> canonical on realistic payloads."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.domain.money import yuan_to_fen
from chalicelib.domain.status import AfterSaleStatus as S
from chalicelib.domain.status import AfterSaleType, OrderStatus, RefundState
from chalicelib.platforms.xhs import mapping
from chalicelib.services.platform_types import SHANGHAI

ORDER_ROWS = [
    (1, OrderStatus.PENDING_PAYMENT),
    (2, OrderStatus.AWAITING_SHIPMENT),
    (3, OrderStatus.AWAITING_SHIPMENT),
    (4, OrderStatus.AWAITING_SHIPMENT),
    (5, OrderStatus.PARTIALLY_SHIPPED),
    (6, OrderStatus.SHIPPED),
    (7, OrderStatus.COMPLETED),
    (8, OrderStatus.CANCELLED),
    (9, OrderStatus.CANCELLED),
    (10, OrderStatus.SHIPPED),
]
REFUND_STATE_ROWS = [
    (1, RefundState.NONE),
    (2, RefundState.IN_PROGRESS),
    (3, RefundState.REFUNDED),
    (4, RefundState.NONE),
    (5, RefundState.NONE),
    (6, RefundState.IN_PROGRESS),
]
TYPE_ROWS = [
    (1, AfterSaleType.RETURN_AND_REFUND),
    (2, AfterSaleType.EXCHANGE),
    (3, AfterSaleType.REFUND_ONLY),
    (4, AfterSaleType.REFUND_ONLY),
    (5, AfterSaleType.REFUND_ONLY),
]
STATUS_ROWS = [
    (1, S.PENDING_REVIEW),
    (2, S.AWAITING_BUYER_RETURN),
    (3, S.AWAITING_SELLER_RECEIPT),
    (4, S.REFUNDED),
    (5, S.CLOSED),
    (6, S.CLOSED),
    (9, S.REJECTED),
    (9001, S.REJECTED),
    (11, S.SELLER_PROCESSING),
    (12, S.AWAITING_RESHIP),
    (13, S.AWAITING_BUYER_ACTION),
    (14, S.PLATFORM_PROCESSING),
]
CARRIER_ROWS = [
    ("ZTO", "zhongtong"),
    ("YTO", "yuantong"),
    ("STO", "shentong"),
    ("YUNDA", "yunda"),
    ("SF", "shunfeng"),
    ("JD", "jd"),
    ("EMS", "ems"),
    ("JTSD", "jtexpress"),
    ("DBL", "debangkuaidi"),
    ("YZPY", "youzhengguonei"),
]


@pytest.mark.parametrize(("code", "expected"), ORDER_ROWS)
def test_given_an_order_status_then_the_unified_status(code, expected) -> None:
    assert mapping.order_status(code) is expected


@pytest.mark.parametrize(("code", "expected"), REFUND_STATE_ROWS)
def test_given_an_order_after_sales_status_then_the_refund_state(code, expected) -> None:
    assert mapping.order(order_payload(orderAfterSalesStatus=code), {}).refund_state is expected


@pytest.mark.parametrize(("code", "expected"), TYPE_ROWS)
def test_given_a_return_type_then_the_after_sale_type(code, expected) -> None:
    assert mapping.after_sale(case_payload(returnType=code)).type is expected


@pytest.mark.parametrize(("code", "expected"), STATUS_ROWS)
def test_given_an_after_sale_status_then_the_unified_status(code, expected) -> None:
    assert mapping.after_sale(case_payload(status=code, returnType=1)).status is expected


def test_given_a_completed_exchange_then_reshipped_not_refunded() -> None:
    assert mapping.after_sale_status(4, 2) is S.RESHIPPED


@pytest.mark.parametrize(("ours", "theirs"), CARRIER_ROWS)
def test_given_a_common_carrier_code_then_the_xhs_code(ours, theirs) -> None:
    assert mapping.CARRIERS[ours] == theirs


def test_given_the_tables_then_they_have_exactly_the_tested_rows() -> None:
    assert dict(ORDER_ROWS) == mapping.ORDER_STATUS
    assert dict(REFUND_STATE_ROWS) == mapping.REFUND_STATE
    assert dict(TYPE_ROWS) == mapping.AFTER_SALE_TYPE
    assert dict(STATUS_ROWS) == mapping.AFTER_SALE_STATUS
    assert dict(CARRIER_ROWS) == mapping.CARRIERS


def test_given_unknown_codes_then_held_back_or_other() -> None:
    assert mapping.order_status(99) is OrderStatus.PENDING_PAYMENT
    assert mapping.after_sale(case_payload(returnType=77)).type is AfterSaleType.OTHER


@pytest.mark.parametrize(
    ("yuan", "fen"), [(53.8, 5380), (0.1, 10), (19.99, 1999), (0.07, 7), ("12.3", 1230), (None, 0)]
)
def test_given_yuan_floats_then_fen_are_exact(yuan, fen) -> None:
    assert yuan_to_fen(yuan) == fen


def order_payload(**overrides) -> dict:
    return {
        "orderId": "P7126000000000014",
        "orderType": 1,
        "orderStatus": 6,
        "orderAfterSalesStatus": 1,
        "createdTime": 1795650000000,
        "paidTime": 1795650060000,
        "updateTime": 1795665600000,
        "deliveryTime": 1795660000000,
        "receiverProvinceName": "浙江省",
        "receiverCityName": "杭州市",
        "receiverDistrictName": "西湖区",
        "customerRemark": "周末送货",
        "sellerRemark": "加急",
        "sellerRemarkFlag": 2,
        "receiverName": "#c-name#",
        "receiverPhone": "#c-phone#",
        "receiverAddress": "#c-addr#",
        "openAddressId": "oa1",
        "totalPayAmount": 6580,
        "totalShippingFree": 800,
        "totalMerchantDiscount": 200,
        "totalRedDiscount": 100,
        "expressTrackingNo": "ZT100",
        "expressCompanyCode": "zhongtong",
        "skuList": [
            {
                "skuId": "60000000",
                "itemId": "600000",
                "skuName": "纯棉短袖T恤",
                "erpcode": "SKU-000-0",
                "skuSpec": "白色 M",
                "skuQuantity": 2,
                "totalPaidAmount": 3680,
                "totalMerchantDiscount": 200,
                "totalRedDiscount": 100,
                "skuDetailList": [{"skuId": "60000000", "pricePerSku": 1990, "rawPricePerSku": 1990}],
            },
            {
                "skuId": "60100000",
                "itemId": "601000",
                "skuName": "加绒卫衣",
                "erpcode": "SKU-001-0",
                "skuSpec": "默认",
                "skuQuantity": 1,
                "totalPaidAmount": 2100,
                "skuDetailList": [{"pricePerSku": 2100}],
            },
        ],
        **overrides,
    }


def case_payload(**overrides) -> dict:
    info = {
        "returnsId": "R800000001",
        "returnType": 1,
        "reasonNameZh": "尺码不合适",
        "status": 1,
        "orderId": "P7126000000000014",
        "applyTime": 1795660000000,
        "updatedAt": 1795665600000,
        "expireTime": 1795924800000,
        "desc": "麻烦尽快",
        "proofPhotos": ["https://x/1.jpg"],
        "expectedRefundAmountYuan": 36.8,
        "refundAmountYuan": 36.8,
        "skus": [{"skuId": "60000000", "appliedCount": 2, "appliedTotalAmountYuan": 36.8}],
        **overrides,
    }
    return {
        "afterSaleInfo": info,
        "logisticsInfo": {"after_sale": {"expressNo": "SF1", "expressCompanyCode": "shunfeng"}},
    }


def test_given_a_realistic_order_then_money_is_fen_times_aware_and_lines_complete() -> None:
    masked = {"#c-name#": "王*", "#c-phone#": "138****0000", "#c-addr#": "文一西路******"}
    order = mapping.order(order_payload(), masked)
    assert (order.order_no, order.status, order.platform_status) == ("P7126000000000014", OrderStatus.SHIPPED, "6")
    assert (order.total_fen, order.paid_fen, order.freight_fen) == (6080, 6580, 800)
    assert (order.seller_discount_fen, order.platform_discount_fen) == (200, 100)
    first, second = order.lines
    assert (
        first.line_id,
        first.merchant_code,
        first.quantity,
        first.unit_price_fen,
        first.paid_fen,
        first.discount_fen,
    ) == ("60000000", "SKU-000-0", 2, 1990, 3680, 300)
    assert (second.unit_price_fen, second.paid_fen, second.platform_product_id) == (2100, 2100, "601000")
    assert order.modified_at == datetime(2026, 11, 26, 12, 0, tzinfo=SHANGHAI)
    assert (order.carrier_code, order.tracking_no, order.buyer_memo, order.seller_memo, order.seller_flag) == (
        "zhongtong",
        "ZT100",
        "周末送货",
        "加急",
        2,
    )
    receiver = order.receiver
    assert receiver is not None
    assert (receiver.name_masked, receiver.phone_masked, receiver.address_masked) == (
        "王*",
        "138****0000",
        "文一西路******",
    )
    assert receiver.ciphertext == {
        "receiverName": "#c-name#",
        "receiverPhone": "#c-phone#",
        "receiverAddress": "#c-addr#",
        "openAddressId": "oa1",
    }
    assert order.raw["orderId"] == "P7126000000000014"


def test_given_a_realistic_case_then_yuan_become_fen_and_the_return_is_kept() -> None:
    case = mapping.after_sale(case_payload())
    assert (case.case_id, case.order_no, case.refund_fen, case.has_goods_return) == (
        "R800000001",
        "P7126000000000014",
        3680,
        True,
    )
    assert (case.return_tracking_no, case.return_carrier_code, case.reason, case.buyer_note) == (
        "SF1",
        "shunfeng",
        "尺码不合适",
        "麻烦尽快",
    )
    [line] = case.lines
    assert (line.line_id, line.quantity, line.refund_fen) == ("60000000", 2, 3680)
    assert case.deadline_at == datetime(2026, 11, 29, 12, 0, tzinfo=SHANGHAI)
    assert case.evidence_urls == ("https://x/1.jpg",)


def test_given_sku_rows_then_products_are_grouped_by_item() -> None:
    rows = [
        {
            "skuId": "1",
            "itemId": "I",
            "itemName": "T恤",
            "skuName": "M",
            "erpCode": "A",
            "price": 990,
            "stock": 3,
            "buyable": True,
        },
        {
            "skuId": "2",
            "itemId": "I",
            "itemName": "T恤",
            "skuName": "L",
            "erpCode": "B",
            "price": 990,
            "stock": 0,
            "buyable": False,
        },
    ]
    [product] = mapping.products(rows)
    assert (product.platform_product_id, product.on_sale, [s.merchant_code for s in product.skus]) == (
        "I",
        True,
        ["A", "B"],
    )
