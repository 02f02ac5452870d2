"""JD mapping: every row of every table, and realistic payloads -> canonical shapes."""
from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.domain.money import yuan_to_fen
from chalicelib.domain.status import AfterSaleStatus as S
from chalicelib.domain.status import AfterSaleType as T
from chalicelib.domain.status import OrderStatus as O
from chalicelib.domain.status import RefundState
from chalicelib.platforms.jd import mapping
from chalicelib.platforms.jd.canonical import to_carriers, to_order, to_products, to_refund_apply, to_service
from chalicelib.services.platform_types import SHANGHAI

CIPHER = "AAQ" + "x" * 60   # shape of a TDE ciphertext (base64 of 0x00 0x04 ...)

ORDER_ROWS = [("WAIT_SELLER_STOCK_OUT", O.AWAITING_SHIPMENT), ("WAIT_SELLER_DELIVERY", O.AWAITING_SHIPMENT),
              ("WAIT_SEND_CODE", O.AWAITING_SHIPMENT), ("PAUSE", O.AWAITING_SHIPMENT),
              ("POP_ORDER_PAUSE", O.AWAITING_SHIPMENT), ("LOCKED", O.AWAITING_SHIPMENT),
              ("WAIT_GOODS_RECEIVE_CONFIRM", O.SHIPPED), ("FINISHED_L", O.COMPLETED),
              ("TRADE_CANCELED", O.CANCELLED), ("PARENT_TRADE_CANCELED", O.CANCELLED)]
REFUND_APPLY_ROWS = [("0", S.PENDING_REVIEW), ("1", S.PLATFORM_PROCESSING), ("2", S.REJECTED), ("3", S.REFUNDED),
                     ("4", S.FAILED), ("5", S.PLATFORM_PROCESSING), ("6", S.PLATFORM_PROCESSING),
                     ("7", S.PLATFORM_PROCESSING), ("8", S.FAILED), ("9", S.REFUNDED), ("10", S.SELLER_PROCESSING),
                     ("11", S.CLOSED)]
SERVICE_ROWS = [("10000", S.PENDING_REVIEW), ("10001", S.PENDING_REVIEW), ("10002", S.AWAITING_BUYER_ACTION),
                ("10009", S.AWAITING_BUYER_ACTION), ("10006", S.AWAITING_BUYER_ACTION),
                ("10013", S.AWAITING_BUYER_ACTION), ("13000", S.AWAITING_BUYER_ACTION), ("10004", S.REJECTED),
                ("10011", S.CLOSED), ("10005", S.AWAITING_SELLER_RECEIPT), ("10007", S.SELLER_PROCESSING),
                ("10012", S.SELLER_PROCESSING), ("10041", S.SELLER_PROCESSING), ("1100", S.SELLER_PROCESSING),
                ("12000", S.SELLER_PROCESSING), ("14000", S.SELLER_PROCESSING), ("10010", S.REFUNDED)]
TYPE_ROWS = [("1", T.REFUND_ONLY), ("11", T.REFUND_ONLY), ("10", T.RETURN_AND_REFUND), ("20", T.EXCHANGE),
             ("30", T.REPAIR), ("40", T.OTHER), ("50", T.OTHER), ("60", T.OTHER), ("70", T.OTHER),
             ("80", T.REISSUE), ("90", T.PRICE_PROTECTION), ("100", T.OTHER)]
CARRIER_ROWS = [("ZTO", "1499"), ("YTO", "463"), ("STO", "470"), ("YUNDA", "1327"), ("SF", "467"), ("JD", "2087"),
                ("EMS", "465"), ("DBL", "3046"), ("JTSD", "596494"), ("YZPY", "2170")]


@pytest.mark.parametrize(("state", "expected"), ORDER_ROWS)
def test_given_each_jd_order_state_then_it_maps_to_its_unified_status(state: str, expected: O) -> None:
    assert mapping.order_status(state) is expected


def test_given_the_order_table_then_every_row_is_tested_and_only_locked_means_refund_in_progress() -> None:
    assert dict(ORDER_ROWS) == mapping.ORDER_STATUS
    assert [s for s, _ in ORDER_ROWS if mapping.order_refund_state(s) is RefundState.IN_PROGRESS] == ["LOCKED"]
    assert mapping.order_status("NO_SUCH") is None


@pytest.mark.parametrize(("status", "expected"), REFUND_APPLY_ROWS)
def test_given_each_refund_apply_status_then_it_maps(status: str, expected: S) -> None:
    assert mapping.refund_apply_status(int(status)) is expected


@pytest.mark.parametrize(("status", "expected"), SERVICE_ROWS)
def test_given_each_service_status_of_a_return_then_it_maps(status: str, expected: S) -> None:
    assert mapping.service_status(status, T.RETURN_AND_REFUND) is expected


@pytest.mark.parametrize("kind", [T.EXCHANGE, T.REPAIR, T.REISSUE])
def test_given_a_finished_goods_out_service_then_it_is_reshipped_not_refunded(kind: T) -> None:
    assert mapping.service_status(10010, kind) is S.RESHIPPED


@pytest.mark.parametrize(("expect", "expected"), TYPE_ROWS)
def test_given_each_customer_expect_then_it_maps_to_a_type(expect: str, expected: T) -> None:
    assert mapping.service_type(int(expect)) is expected


@pytest.mark.parametrize(("ours", "jd"), CARRIER_ROWS)
def test_given_each_common_carrier_then_jd_gets_its_delivery_company_id(ours: str, jd: str) -> None:
    assert mapping.CARRIERS[ours] == jd


def test_given_the_tables_then_every_row_is_covered_here() -> None:
    assert dict(REFUND_APPLY_ROWS) == mapping.REFUND_APPLY_STATUS
    assert dict(SERVICE_ROWS) == mapping.SERVICE_STATUS
    assert dict(TYPE_ROWS) == mapping.SERVICE_TYPE
    assert dict(CARRIER_ROWS) == mapping.CARRIERS


@pytest.mark.parametrize(("yuan", "fen"), [("0.10", 10), ("12.30", 1230), ("19.99", 1999), ("1", 100),
                                           (0.29, 29), ("", 0), (None, 0), ("123456.78", 12345678)])
def test_given_yuan_strings_then_fen_are_exact(yuan: object, fen: int) -> None:
    assert yuan_to_fen(yuan) == fen


def test_given_jd_time_forms_then_they_parse_aware_or_as_unset() -> None:
    assert mapping.parse_time("2026-11-20 08:30:05") == datetime(2026, 11, 20, 8, 30, 5, tzinfo=SHANGHAI)
    assert mapping.parse_time("2026-11-20 08:30:05.0") == datetime(2026, 11, 20, 8, 30, 5, tzinfo=SHANGHAI)
    assert mapping.parse_time(1700000000000) == datetime(2023, 11, 15, 6, 13, 20, tzinfo=SHANGHAI)
    assert mapping.parse_time("0001-01-01 00:00:00") is None and mapping.parse_time("1970-01-01 00:00:00") is None
    with pytest.raises(ValueError):
        yuan_to_fen("12,30")


ORDER = {
    "orderId": "290000123456", "venderId": "10000037", "orderType": "22", "payType": "4",
    "orderTotalPrice": "139.70", "orderSellerPrice": "123.71", "orderPayment": "127.71", "freightPrice": "6.00",
    "sellerDiscount": "15.99", "balanceUsed": "0.00", "orderState": "WAIT_GOODS_RECEIVE_CONFIRM",
    "orderRemark": "不要放快递柜", "venderRemark": "加急", "orderStartTime": "2026-11-19 20:01:02",
    "orderEndTime": "0001-01-01 00:00:00", "modified": "2026-11-20 09:15:00", "paymentConfirmTime": "2026-11-19 20:03:00",
    "waybill": "75000001", "logisticsId": "1499",
    "consigneeInfo": {"fullname": CIPHER, "mobile": CIPHER, "telephone": "", "fullAddress": CIPHER,
                      "province": "上海", "city": "上海市", "county": "浦东新区", "town": "张江镇"},
    "itemInfoList": [{"skuId": "10000100", "outerSkuId": "SKU-000-0", "wareId": "100001", "skuName": "纯棉短袖T恤 白色 M",
                      "jdPrice": "59.90", "itemTotal": "2"},
                     {"skuId": "10000200", "outerSkuId": "SKU-001-0", "wareId": "100002", "skuName": "加绒卫衣 默认",
                      "jdPrice": "19.90", "itemTotal": "1"}],
    "couponDetailList": [{"skuId": "10000100", "couponType": "30", "couponPrice": "5.99"},
                         {"skuId": "", "couponType": "100", "couponPrice": "10.00"},
                         {"skuId": "", "couponType": "41", "couponPrice": "2.00"}],
}


def test_given_a_realistic_order_then_money_is_exact_fen_and_times_aware() -> None:
    order = to_order(ORDER)
    assert (order.order_no, order.status, order.platform_status) == ("290000123456", O.SHIPPED,
                                                                      "WAIT_GOODS_RECEIVE_CONFIRM")
    assert (order.total_fen, order.paid_fen, order.freight_fen) == (13970, 12771, 600)
    assert (order.seller_discount_fen, order.platform_discount_fen) == (1599, 200)
    assert order.created_at == datetime(2026, 11, 19, 20, 1, 2, tzinfo=SHANGHAI)
    assert order.modified_at.tzinfo is not None and order.paid_at is not None
    assert (order.buyer_memo, order.seller_memo, order.carrier_code, order.tracking_no) == (
        "不要放快递柜", "加急", "1499", "75000001")
    assert order.raw == ORDER


def test_given_the_buyers_open_id_then_it_is_the_buyer_id_and_no_ship_by_or_presale_is_invented() -> None:
    order = to_order({**ORDER, "open_id_buyer": "jd-open-1"})
    assert (order.buyer_id, order.order_type, order.ship_by_at) == ("jd-open-1", "normal", None)


def test_given_coupons_then_line_discounts_add_up_to_what_the_buyer_paid_for_goods() -> None:
    first, second = to_order(ORDER).lines
    assert (first.line_id, first.merchant_code, first.quantity, first.unit_price_fen) == ("10000100", "SKU-000-0", 2,
                                                                                          5990)
    # 5.99 on the SKU; 12.00 of order coupons spread 11980:1990 -> 1029 / 170, the remainder fen on the last line
    assert (first.discount_fen, second.discount_fen) == (599 + 1029, 171)
    assert first.paid_fen + second.paid_fen == 12771 - 600


def test_given_a_tde_consignee_then_only_masks_are_stored_and_the_ciphertext_is_kept() -> None:
    receiver = to_order(ORDER).receiver
    assert receiver is not None
    assert (receiver.name_masked, receiver.phone_masked) == ("***", "***")
    assert receiver.address_masked == "上海上海市浦东新区张江镇***"
    assert receiver.ciphertext == {"fullname": CIPHER, "mobile": CIPHER, "fullAddress": CIPHER}


def test_given_a_plaintext_consignee_then_it_is_masked() -> None:
    plain = {**ORDER, "consigneeInfo": {"fullname": "王小明", "mobile": "13812345678", "province": "北京"}}
    receiver = to_order(plain).receiver
    assert receiver is not None and (receiver.name_masked, receiver.phone_masked) == ("王**", "138****5678")
    assert receiver.ciphertext == {}


def test_given_an_unknown_state_then_the_order_is_refused_loudly() -> None:
    with pytest.raises(ValueError, match="orderState"):
        to_order({**ORDER, "orderState": "SOMETHING_NEW"})


def test_given_a_refund_apply_then_it_is_a_refund_only_case_in_fen() -> None:
    case = to_refund_apply({"id": 5501, "orderId": "290000123456", "buyerId": "jd_1", "applyTime": "2026-11-20 10:00:00",
                            "applyRefundSum": 12771, "status": 0, "checkTime": "", "checkUserName": ""})
    assert (case.case_id, case.type, case.status, case.refund_fen) == ("RA5501", T.REFUND_ONLY, S.PENDING_REVIEW, 12771)
    assert case.modified_at == case.created_at == datetime(2026, 11, 20, 10, tzinfo=SHANGHAI)


def test_given_a_service_order_then_type_status_line_and_times_map() -> None:
    case = to_service({"serviceId": 700001, "afsApplyId": 800001, "orderId": 290000123456, "skuId": 10000100,
                       "wareId": 100001, "serviceCount": 2, "customerExpect": 10, "serviceStatus": 10005,
                       "applyTime": "2026-11-20 10:00:00", "updateDate": "2026-11-20 11:00:00",
                       "applyRefundSum": 11980, "questionDesc": "尺码不合适", "sysVersion": 2})
    assert (case.case_id, case.order_no, case.type, case.status) == ("700001", "290000123456", T.RETURN_AND_REFUND,
                                                                     S.AWAITING_SELLER_RECEIPT)
    assert case.has_goods_return and case.reason == "尺码不合适" and case.refund_fen == 11980
    assert case.lines[0].platform_sku_id == "10000100" and case.lines[0].quantity == 2
    assert case.modified_at == datetime(2026, 11, 20, 11, tzinfo=SHANGHAI)


def test_given_flat_skus_then_products_group_them_by_ware() -> None:
    rows = [{"skuId": 1, "wareId": 9, "outerId": "A", "jdPrice": 59.9, "stockNum": 3, "status": 1, "wareTitle": "T恤",
             "skuName": "白色 M"},
            {"skuId": 2, "wareId": 9, "outerId": "B", "jdPrice": "59.90", "stockNum": 0, "status": 2,
             "wareTitle": "T恤", "skuName": "黑色 XL"}]
    [product] = to_products(rows)
    assert product.platform_product_id == "9" and product.on_sale
    assert [(s.platform_sku_id, s.merchant_code, s.price_fen, s.stock) for s in product.skus] == [
        ("1", "A", 5990, 3), ("2", "B", 5990, 0)]


def test_given_delivery_companies_then_carriers_keep_jd_ids() -> None:
    assert [(c.code, c.name) for c in to_carriers([{"id": 1499, "name": "中通快递"}])] == [("1499", "中通快递")]
