"""Xiaohongshu signing (every vector of reference §4.2, client signer and sandbox verifier) and push parsing."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from chalicelib.platforms.xhs.push import message_id, verify_push
from chalicelib.platforms.xhs.signing import sign, string_to_sign
from chalicelib.services.platform_errors import PushRejectedError
from chalicelib.services.platform_types import SHANGHAI
from local.sandbox.xhs.signing import expected_sign, sign_ok

XHS1 = ("order.getOrderList", "21d6abc748be8de0", "1612518379", "2.0", "429aabca3aee9ef9e4a858210")
XHS2 = ("oauth.getAccessToken", "appid123", "1700000000", "2.0", "secret456")
VECTORS = [(XHS1, "50784d5e650e33afc5fe0202044f9b0f"), (XHS2, "b6b0e000d410003b13df2fb096c3cc0a")]
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)


def test_given_xhs1_then_the_string_has_the_secret_right_after_the_version() -> None:
    assert string_to_sign(*XHS1) == (
        "order.getOrderList?appId=21d6abc748be8de0&timestamp=1612518379&version=2.0429aabca3aee9ef9e4a858210"
    )


@pytest.mark.parametrize(("inputs", "expected"), VECTORS)
def test_given_a_reference_vector_when_the_client_signs_then_it_matches(inputs, expected) -> None:
    assert sign(*inputs) == expected


@pytest.mark.parametrize(("inputs", "expected"), VECTORS)
def test_given_a_reference_vector_when_the_sandbox_verifies_then_it_accepts(inputs, expected) -> None:
    assert expected_sign(*inputs) == expected
    assert sign_ok(expected, *inputs)
    assert sign_ok(expected.upper(), *inputs)
    assert not sign_ok(expected, *inputs[:4], "another-secret")


def push(*messages: dict) -> bytes:
    return json.dumps(list(messages), ensure_ascii=False).encode()


def message(tag: str, **data) -> dict:
    return {"msgTag": tag, "sellerId": "5f01", "data": json.dumps(data)}


def test_given_an_order_and_an_after_sale_message_then_two_events() -> None:
    body = push(
        message("msg_fulfillment_status_change", orderId="P1", orderStatus=6, updateTime=1795665600000),
        message("msg_after_sale_create", returnsId="R9", orderId="P1", returnType=1, updateTime=1795665600000),
    )
    order, case = verify_push({}, body, now=NOW, seller_ids={"5f01"})
    assert (order.kind, order.order_no, order.seller_id) == ("order", "P1", "5f01")
    assert (case.kind, case.case_id, case.order_no) == ("after_sale", "R9", "P1")
    assert order.occurred_at == datetime(2026, 11, 26, 12, 0, tzinfo=SHANGHAI)


def test_given_the_same_message_twice_then_the_ids_match_and_differ_from_others() -> None:
    one = message("msg_fulfillment_status_change", orderId="P1", orderStatus=4)
    other = message("msg_fulfillment_status_change", orderId="P1", orderStatus=6)
    assert message_id(one) == message_id(dict(one)) != message_id(other)


def test_given_item_messages_then_nothing_to_do() -> None:
    assert verify_push({}, push(message("msg_item_create", itemId="I1")), now=NOW) == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"not json", 400),
        (b'{"no": "tag"}', 400),
        (b"[1, 2]", 400),
        (b"[" + b" " * 300_000 + b"]", 413),
        (push({"msgTag": "msg_fulfillment_status_change", "sellerId": "5f01", "data": "{broken"}), 400),
    ],
)
def test_given_a_malformed_body_then_rejected(body, status) -> None:
    with pytest.raises(PushRejectedError) as rejected:
        verify_push({}, body, now=NOW)
    assert rejected.value.status == status


def test_given_a_seller_we_do_not_serve_then_rejected() -> None:
    with pytest.raises(PushRejectedError) as rejected:
        verify_push({}, push(message("msg_fulfillment_status_change", orderId="P1")), now=NOW, seller_ids={"other"})
    assert rejected.value.status == 401


def test_given_a_stale_message_then_rejected() -> None:
    with pytest.raises(PushRejectedError):
        verify_push({}, push(message("msg_fulfillment_status_change", orderId="P1", updateTime=1600000000000)), now=NOW)
