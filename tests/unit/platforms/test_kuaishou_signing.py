"""Kuaishou signing and push decryption: every vector of reference §3.2 and §3.6, on the client's signer
and on the sandbox's verifier."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from chalicelib.platforms.kuaishou.push import decrypt, verify_push
from chalicelib.platforms.kuaishou.signing import sign, string_to_sign
from chalicelib.services.platform_errors import PushRejectedError
from chalicelib.services.platform_types import SHANGHAI
from local.sandbox.kuaishou.push import encrypt_event
from local.sandbox.kuaishou.signing import expected_sign, sign_ok

KS1 = {
    "appkey": "ks123",
    "method": "open.seller.order.list",
    "version": "1",
    "param": '{"title":"短袖"}',
    "access_token": "token",
    "timestamp": "1583271919000",
}
KS1_STRING = (
    'access_token=token&appkey=ks123&method=open.seller.order.list&param={"title":"短袖"}'
    "&signMethod=MD5&timestamp=1583271919000&version=1&signSecret=sign-secret"
)
KS2 = {
    "appkey": "ks660340295617067960",
    "method": "open.order.cursor.list",
    "version": "1",
    "access_token": "ChFvYXV0aC5hY2Nlc3NUb2tlbh",
    "timestamp": "1700000000000",
    "signMethod": "HMAC_SHA256",
    "param": '{"orderViewStatus":1,"pageSize":50,"sort":1,"queryType":2,"beginTime":1699996400000,'
    '"endTime":1700000000000,"cursor":""}',
}
VECTORS = [
    ({**KS1, "signMethod": "MD5"}, "6005da269b372ff10945e565ef37a4c6"),
    ({**KS1, "signMethod": "HMAC_SHA256"}, "ZpPrG0oB1g/T93FyyVD+VCzRey41yqxZoCqcGg7upYM="),
    (KS2, "Sy6kQTctwSfSZQFjzHT40ZQnXROo4ufqFUUYuBV/jeI="),
]
P1_KEY = "MDEyMzQ1Njc4OWFiY2RlZg=="
P1_PLAIN = (
    '{"eventId":"e1","msgId":"m1","bizId":1001,"event":"kwaishop_order_paySuccess",'
    '"info":"{\\"oid\\":1001,\\"status\\":30}"}'
)
P1_BODY = (
    b"NDyh7Jj8WuRFJxFbufAX4UYe1tMZzDeirM8Bw3oUGm/ShDU4miU2nBRja2Wk8GcOlGy8geq2M68LUJHWAee4CQuNVF1R8ve3w6eSML9r"
    b"CYz7bB5apLk5HHplhvAbjeikrKE2hB1q+fYfkrcPqcW04o8V3HsSBdGxMY8ea4adKxY="
)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI)


def test_given_ks1_when_the_string_is_built_then_it_matches_the_reference() -> None:
    assert string_to_sign({**KS1, "signMethod": "MD5"}, "sign-secret") == KS1_STRING


@pytest.mark.parametrize(("params", "expected"), VECTORS)
def test_given_a_reference_vector_when_the_client_signs_then_the_sign_matches(params, expected) -> None:
    assert sign(params, "sign-secret") == expected


@pytest.mark.parametrize(("params", "expected"), VECTORS)
def test_given_a_reference_vector_when_the_sandbox_verifies_then_it_accepts(params, expected) -> None:
    assert expected_sign(params, "sign-secret") == expected
    assert sign_ok({**params, "sign": expected}, "sign-secret")
    assert not sign_ok({**params, "sign": expected}, "another-secret")


def test_given_non_system_keys_and_null_values_then_they_are_not_signed() -> None:
    with_extra = {**KS1, "signMethod": "MD5", "sign": "x", "extra": "ignored", "version": None}
    assert sign(with_extra, "s") == sign({k: v for k, v in KS1.items() if k != "version"} | {"signMethod": "MD5"}, "s")


def test_given_an_unknown_sign_method_then_refused() -> None:
    with pytest.raises(ValueError):
        sign({**KS1, "signMethod": "SHA1"}, "s")


def test_given_vector_ks_p1_when_decrypted_then_the_plaintext_matches() -> None:
    assert decrypt(P1_BODY, P1_KEY).decode() == P1_PLAIN


def test_given_vector_ks_p1_when_the_sandbox_encrypts_then_the_body_matches() -> None:
    assert encrypt_event(json.loads(P1_PLAIN), P1_KEY) == P1_BODY


def test_given_vector_ks_p1_when_verified_then_one_order_event() -> None:
    [event] = verify_push({}, P1_BODY, P1_KEY, now=NOW)
    assert (event.kind, event.order_no, event.message_id, event.event_type) == (
        "order",
        "1001",
        "m1",
        "kwaishop_order_paySuccess",
    )
    assert event.occurred_at == NOW  # no time in the event: the receipt time stands


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"not base64 at all!", 400),
        (P1_BODY[:-8] + b"AAAAAAA=", 401),
        (b"A" * 70_000, 413),
    ],
)
def test_given_a_forged_or_broken_body_then_rejected(body, status) -> None:
    with pytest.raises(PushRejectedError) as rejected:
        verify_push({}, body, P1_KEY, now=NOW)
    assert rejected.value.status == status


def test_given_another_key_then_rejected() -> None:
    with pytest.raises(PushRejectedError):
        verify_push({}, P1_BODY, "ZmVkY2JhOTg3NjU0MzIxMA==", now=NOW)


def test_given_an_event_for_another_app_then_rejected() -> None:
    body = encrypt_event(
        {"msgId": "m", "event": "kwaishop_order_paySuccess", "appKey": "ks-other", "info": "{}"}, P1_KEY
    )
    with pytest.raises(PushRejectedError):
        verify_push({}, body, P1_KEY, now=NOW, app_key="ks-mine")


def test_given_a_stale_event_then_rejected() -> None:
    body = encrypt_event(
        {"msgId": "m", "event": "kwaishop_order_paySuccess", "info": '{"oid":1}', "updateTime": 1_600_000_000_000},
        P1_KEY,
    )
    with pytest.raises(PushRejectedError):
        verify_push({}, body, P1_KEY, now=NOW)


def test_given_a_test_push_or_an_item_event_then_nothing_to_do() -> None:
    for message in (
        {"msgId": "m", "event": "kwaishop_order_paySuccess", "test": True},
        {"msgId": "m", "event": "kwaishop_item_auditResult", "info": "{}"},
    ):
        assert verify_push({}, encrypt_event(message, P1_KEY), P1_KEY, now=NOW) == []


def test_given_a_refund_event_then_the_case_and_order_are_named() -> None:
    body = encrypt_event(
        {
            "msgId": "m9",
            "bizId": 77,
            "userId": 5,
            "event": "kwaishop_aftersales_addRefund",
            "info": '{"refundId":77,"oid":1001,"updateTime":1795665600000}',
        },
        P1_KEY,
    )
    [event] = verify_push({}, body, P1_KEY, now=NOW)
    assert (event.kind, event.case_id, event.order_no, event.seller_id) == ("after_sale", "77", "1001", "5")
    assert event.occurred_at == datetime(2026, 11, 26, 12, 0, tzinfo=SHANGHAI)
