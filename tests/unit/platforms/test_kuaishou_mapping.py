"""Kuaishou mapping tables, row by row, and payload -> canonical on realistic payloads."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.domain.status import AfterSaleStatus as S
from chalicelib.domain.status import AfterSaleType, OrderStatus, RefundState
from chalicelib.platforms.kuaishou import mapping
from chalicelib.services.platform_types import SHANGHAI

ORDER_ROWS = [
    (10, OrderStatus.PENDING_PAYMENT),
    (30, OrderStatus.AWAITING_SHIPMENT),
    (40, OrderStatus.SHIPPED),
    (50, OrderStatus.SHIPPED),
    (70, OrderStatus.COMPLETED),
    (80, OrderStatus.CANCELLED),
]
AFTER_SALE_ROWS = [
    (10, S.PENDING_REVIEW),
    (12, S.REJECTED),
    (20, S.PLATFORM_PROCESSING),
    (22, S.AWAITING_BUYER_RETURN),
    (30, S.AWAITING_BUYER_RETURN),
    (40, S.AWAITING_SELLER_RECEIPT),
    (45, S.AWAITING_BUYER_ACTION),
    (50, S.PLATFORM_PROCESSING),
    (60, S.REFUNDED),
    (70, S.CLOSED),
]
TYPE_ROWS = [(1, AfterSaleType.RETURN_AND_REFUND), (10, AfterSaleType.REFUND_ONLY), (3, AfterSaleType.EXCHANGE)]
REFUND_STATE_ROWS = [
    (10, RefundState.IN_PROGRESS),
    (12, RefundState.IN_PROGRESS),
    (20, RefundState.IN_PROGRESS),
    (22, RefundState.IN_PROGRESS),
    (30, RefundState.IN_PROGRESS),
    (40, RefundState.IN_PROGRESS),
    (45, RefundState.IN_PROGRESS),
    (50, RefundState.REFUNDING),
    (60, RefundState.REFUNDED),
    (70, RefundState.NONE),
]
CARRIER_ROWS = [
    ("SF", "1", "顺丰速运"),
    ("ZTO", "2", "中通快递"),
    ("YTO", "3", "圆通速递"),
    ("STO", "4", "申通快递"),
    ("YUNDA", "5", "韵达快递"),
    ("JD", "6", "京东快递"),
    ("EMS", "7", "EMS"),
    ("JTSD", "8", "极兔速递"),
    ("DBL", "9", "德邦快递"),
    ("YZPY", "10", "邮政快递包裹"),
]
EBILL_ROWS = [
    ("SF", "SF"),
    ("ZTO", "ZTO"),
    ("YTO", "YTO"),
    ("STO", "STO"),
    ("YUNDA", "YUNDA"),
    ("JD", "JD"),
    ("EMS", "EMS"),
    ("JTSD", "JTSD"),
    ("DBL", "DBKD"),
    ("YZPY", "POSTB"),
]


@pytest.mark.parametrize(("code", "expected"), ORDER_ROWS)
def test_given_an_order_status_then_it_maps_to_the_unified_status(code, expected) -> None:
    assert mapping.order_status(code) is expected


def test_given_the_order_table_then_it_has_exactly_the_tested_rows() -> None:
    assert dict(ORDER_ROWS) == mapping.ORDER_STATUS


def test_given_an_unknown_order_status_then_it_is_held_back_as_unpaid() -> None:
    assert mapping.order_status(0) is OrderStatus.PENDING_PAYMENT


@pytest.mark.parametrize(("code", "expected"), AFTER_SALE_ROWS)
def test_given_a_refund_status_then_it_maps_to_the_unified_after_sale_status(code, expected) -> None:
    assert mapping.after_sale(refund_payload(status=code)).status is expected


def test_given_the_after_sale_tables_then_they_have_exactly_the_tested_rows() -> None:
    assert dict(AFTER_SALE_ROWS) == mapping.AFTER_SALE_STATUS
    assert dict(TYPE_ROWS) == mapping.AFTER_SALE_TYPE
    assert dict(REFUND_STATE_ROWS) == mapping.REFUND_STATE


@pytest.mark.parametrize(("way", "expected"), [*TYPE_ROWS, (99, AfterSaleType.OTHER)])
def test_given_a_handling_way_then_it_maps_to_the_after_sale_type(way, expected) -> None:
    assert mapping.after_sale(refund_payload(handlingWay=way)).type is expected


@pytest.mark.parametrize(("code", "expected"), REFUND_STATE_ROWS)
def test_given_a_refund_on_an_order_then_the_order_refund_state_follows(code, expected) -> None:
    assert mapping.refund_state([{"refundId": 1, "refundStatus": code}]) is expected


def test_given_several_refunds_then_the_most_active_state_wins() -> None:
    assert mapping.refund_state([{"refundStatus": 60}, {"refundStatus": 10}]) is RefundState.IN_PROGRESS
    assert mapping.refund_state([]) is RefundState.NONE


@pytest.mark.parametrize(("ours", "theirs", "name"), CARRIER_ROWS)
def test_given_a_common_carrier_code_then_the_kuaishou_express_code_and_name(ours, theirs, name) -> None:
    assert mapping.CARRIERS[ours] == theirs
    assert mapping.EXPRESS_CODES[int(theirs)] == name


@pytest.mark.parametrize(("ours", "theirs"), EBILL_ROWS)
def test_given_a_common_carrier_code_then_the_ebill_company_code(ours, theirs) -> None:
    assert mapping.EBILL_CARRIERS[ours] == theirs


def test_given_the_carrier_tables_then_they_cover_exactly_the_common_codes() -> None:
    common = {"ZTO", "YTO", "STO", "YUNDA", "SF", "JD", "EMS", "JTSD", "DBL", "YZPY"}
    assert set(mapping.CARRIERS) == set(mapping.EBILL_CARRIERS) == common


# ---------------------------------------------------------------- payloads
def order_payload() -> dict:
    return {
        "orderBaseInfo": {
            "oid": 2607602240240301,
            "status": 40,
            "createTime": 1795650000000,
            "payTime": 1795650060000,
            "updateTime": 1795665600000,
            "sendTime": 1795660000000,
            "totalFee": 5380,
            "expressFee": 600,
            "discountFee": 500,
            "platformDiscountFee": 0,
            "remark": "不要放快递柜",
            "sellerFlag": 2,
        },
        "orderItemInfo": {
            "orderItemId": 26076022402403011,
            "itemId": 100003,
            "skuId": 10000300,
            "relSkuId": 0,
            "skuNick": "SKU-003-0",
            "itemTitle": "五常大米5kg",
            "skuDesc": "默认",
            "num": 2,
            "price": 2640,
            "originalPrice": 2990,
            "discountFee": 500,
            "itemPicUrl": "https://p.kwaixiaodian.com/img/100003.jpg",
        },
        "orderAddress": {
            "province": "浙江省",
            "city": "杭州市",
            "district": "西湖区",
            "town": "文三路",
            "desensitiseConsignee": "张**",
            "desensitiseMobile": "138****1234",
            "desensitiseAddress": "文三路1******",
            "encryptedConsignee": "#enc-name#",
            "encryptedMobile": "#enc-phone#",
            "encryptedAddress": "#enc-addr#",
        },
        "orderLogisticsInfo": [{"expressCode": 2, "expressNo": "ZT100200300", "logisticsId": 9}],
        "orderNote": {"orderNoteInfo": [{"note": "旧备注", "createTime": 1}, {"note": "加急", "createTime": 2}]},
        "orderRefundList": [{"refundId": 5, "refundStatus": 10}],
    }


def refund_payload(**overrides: int) -> dict:
    return {
        "refundId": 1500000000000101,
        "oid": 2607602240240301,
        "orderItemId": 26076022402403011,
        "skuId": 10000300,
        "num": 2,
        "status": 10,
        "negotiateStatus": 1,
        "handlingWay": 1,
        "refundFee": 4780,
        "refundReasonDesc": "尺码不合适",
        "refundDesc": "请尽快处理",
        "createTime": 1795660000000,
        "updateTime": 1795665600000,
        "expireTime": 1795838400000,
        "returnLogistics": {"expressCode": 1, "expressNo": "SF1300000000001"},
        "refundPicList": ["https://x/1.jpg"],
        **overrides,
    }


def test_given_a_realistic_order_then_money_is_exact_fen_and_times_are_aware() -> None:
    order = mapping.order(order_payload())
    assert (order.order_no, order.platform_status, order.status) == ("2607602240240301", "40", OrderStatus.SHIPPED)
    assert (order.total_fen, order.paid_fen, order.freight_fen, order.seller_discount_fen) == (5280, 5380, 600, 500)
    [line] = order.lines
    assert (line.line_id, line.platform_sku_id, line.platform_product_id, line.merchant_code) == (
        "26076022402403011",
        "10000300",
        "100003",
        "SKU-003-0",
    )
    assert (line.quantity, line.unit_price_fen, line.paid_fen, line.discount_fen) == (2, 2640, 4780, 500)
    assert order.modified_at == datetime(2026, 11, 26, 12, 0, tzinfo=SHANGHAI)
    assert order.created_at.tzinfo is not None and order.paid_at is not None and order.shipped_at is not None
    assert (order.carrier_code, order.tracking_no) == ("2", "ZT100200300")
    assert (order.buyer_memo, order.seller_memo, order.seller_flag) == ("不要放快递柜", "加急", 2)
    assert order.refund_state is RefundState.IN_PROGRESS
    assert order.version == 1795665600000
    assert order.raw["orderBaseInfo"]["oid"] == 2607602240240301


def test_given_a_presale_order_then_its_presale_ship_time_is_the_ship_by_and_the_type_presale() -> None:
    payload = order_payload()
    payload["orderBaseInfo"] |= {"preSale": 1, "validPromiseShipmentTimeStamp": 1796256000000,
                                 "promiseTimeStampOfDelivery": 1795822800000, "buyerOpenId": "f1abc"}
    order = mapping.order(payload)
    assert order.order_type == "presale" and order.buyer_id == "f1abc"
    assert order.ship_by_at == datetime(2026, 12, 3, 8, 0, tzinfo=SHANGHAI)


def test_given_only_the_promised_time_then_it_is_the_ship_by_of_a_normal_order() -> None:
    payload = order_payload()
    payload["orderBaseInfo"] |= {"preSale": 0, "validPromiseShipmentTimeStamp": 0,
                                 "promiseTimeStampOfDelivery": 1795822800000}
    order = mapping.order(payload)
    assert order.order_type == "normal"
    assert order.ship_by_at == datetime(2026, 11, 28, 7, 40, tzinfo=SHANGHAI)


def test_given_no_promise_fields_then_there_is_no_ship_by() -> None:
    order = mapping.order(order_payload())
    assert (order.ship_by_at, order.order_type, order.buyer_id) == (None, "normal", "")


def test_given_a_realistic_order_then_the_receiver_is_masked_with_the_ciphertext_kept() -> None:
    receiver = mapping.order(order_payload()).receiver
    assert receiver is not None
    assert (receiver.name_masked, receiver.phone_masked, receiver.address_masked) == (
        "张**",
        "138****1234",
        "文三路1******",
    )
    assert (receiver.province, receiver.city, receiver.district, receiver.town) == (
        "浙江省",
        "杭州市",
        "西湖区",
        "文三路",
    )
    assert receiver.ciphertext == {
        "encryptedConsignee": "#enc-name#",
        "encryptedMobile": "#enc-phone#",
        "encryptedAddress": "#enc-addr#",
    }


def test_given_an_unpaid_order_without_address_or_logistics_then_optional_fields_are_empty() -> None:
    payload = order_payload()
    payload["orderBaseInfo"].update(status=10, payTime=0, sendTime=0)
    del payload["orderAddress"], payload["orderLogisticsInfo"], payload["orderNote"]
    order = mapping.order(payload)
    assert (order.status, order.paid_at, order.shipped_at, order.receiver) == (
        OrderStatus.PENDING_PAYMENT,
        None,
        None,
        None,
    )
    assert (order.tracking_no, order.seller_memo) == ("", "")


def test_given_a_realistic_refund_then_the_case_is_canonical() -> None:
    case = mapping.after_sale(refund_payload())
    assert (case.case_id, case.order_no, case.type, case.status) == (
        "1500000000000101",
        "2607602240240301",
        AfterSaleType.RETURN_AND_REFUND,
        S.PENDING_REVIEW,
    )
    assert (case.refund_fen, case.reason, case.buyer_note, case.has_goods_return) == (
        4780,
        "尺码不合适",
        "请尽快处理",
        True,
    )
    assert (case.return_carrier_code, case.return_tracking_no) == ("1", "SF1300000000001")
    assert case.deadline_at == datetime(2026, 11, 28, 12, 0, tzinfo=SHANGHAI)
    [line] = case.lines
    assert (line.line_id, line.platform_sku_id, line.quantity, line.refund_fen) == (
        "26076022402403011",
        "10000300",
        2,
        4780,
    )
    assert case.evidence_urls == ("https://x/1.jpg",)


def test_given_an_item_then_the_product_and_skus_are_canonical() -> None:
    product = mapping.product(
        {
            "kwaiItemId": 100003,
            "title": "五常大米5kg",
            "onOfflineStatus": 1,
            "skuList": [
                {
                    "kwaiSkuId": 10000300,
                    "skuNick": "SKU-003-0",
                    "specification": "默认",
                    "skuSalePrice": 2990,
                    "skuStock": 17,
                }
            ],
        }
    )
    [sku] = product.skus
    assert (product.platform_product_id, product.on_sale) == ("100003", True)
    assert (sku.platform_sku_id, sku.merchant_code, sku.price_fen, sku.stock) == ("10000300", "SKU-003-0", 2990, 17)
