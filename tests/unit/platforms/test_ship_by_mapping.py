"""Presale, order type, buyer id and the promised ship-by time, per platform (reference: platforms-*.md;
PDD's step_order_info -> step payment is inferred [I])."""
from __future__ import annotations

from datetime import datetime

from chalicelib.platforms.pdd.canonical import to_order as pdd_order
from chalicelib.platforms.taobao.mapping import trade_to_order
from chalicelib.platforms.xhs.mapping import order as xhs_order
from chalicelib.services.platform_types import SHANGHAI

MS = 1_795_000_000_000


def test_given_an_xhs_deposit_presale_then_step_payment_with_its_promised_ship_by_time_and_buyer() -> None:
    order = xhs_order({"orderId": "P1", "orderStatus": 4, "createdTime": MS, "updateTime": MS, "orderType": 2,
                       "promiseLastDeliveryTime": MS + 3_600_000, "userId": "u-9"}, {})
    assert (order.order_type, order.buyer_id) == ("step_payment", "u-9")
    assert order.ship_by_at == datetime.fromtimestamp((MS + 3_600_000) / 1000, SHANGHAI)
    full = xhs_order({"orderId": "P2", "orderStatus": 4, "createdTime": MS, "updateTime": MS, "orderType": 3}, {})
    assert full.order_type == "presale" and full.ship_by_at is None


def test_given_a_pdd_order_then_last_ship_time_is_the_ship_by_time() -> None:
    order = pdd_order({"order_sn": "2601", "order_status": 1, "refund_status": 1, "confirm_status": 1,
                       "created_time": "2026-11-20 10:00:00", "updated_at": "2026-11-20 10:00:00",
                       "last_ship_time": "2026-11-22 10:00:00", "step_order_info": {"step": 1}})
    assert order.ship_by_at == datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI)
    assert order.order_type == "step_payment"


def test_given_a_taobao_step_or_cod_trade_then_its_type_and_buyer_open_uid_map() -> None:
    base = {"tid": "1", "status": "WAIT_SELLER_SEND_GOODS", "created": "2026-11-20 10:00:00",
            "modified": "2026-11-20 10:00:00", "buyer_open_uid": "AAE-open"}
    assert trade_to_order({**base, "type": "step"}).order_type == "step_payment"
    assert trade_to_order({**base, "type": "cod"}).order_type == "cod"
    assert trade_to_order(base).buyer_id == "AAE-open"
