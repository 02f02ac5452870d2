"""Douyin push verification: the tamper matrix, and messages -> PushEvents."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from chalicelib.platforms.douyin.push import ACK_BODY, ack_response, verify_push
from chalicelib.platforms.douyin.signing import sign_push
from chalicelib.services.platform_errors import PushRejectedError
from chalicelib.services.platform_types import SHANGHAI

APP_KEY = "7000000000000000001"
SECRET = "secret-abc"
DYP1_BODY = (b'[{"tag":"101","msg_id":"7000001","data":"{\\"p_id\\":4781320682406083640,\\"s_ids\\":'
             b'[4781320682406083640],\\"shop_id\\":1234,\\"order_status\\":2,\\"order_type\\":0,\\"biz\\":2,'
             b'\\"pay_type\\":1,\\"pay_time\\":1700000000,\\"pay_amount\\":100}"}]')
DYP1_MD5 = "4764300e27b57fc966b459cfa639c4b0"
EVENT_AT = datetime.fromtimestamp(1700000000, SHANGHAI)
NOW = EVENT_AT + timedelta(seconds=30)


def _headers(sign: str = DYP1_MD5, **extra: str) -> dict[str, str]:
    return {"app-id": APP_KEY, "event-sign": sign, **extra}


def _body(*messages: tuple[str, str, dict]) -> bytes:
    array = [{"tag": tag, "msg_id": msg_id, "data": json.dumps(data, separators=(",", ":"))}
             for tag, msg_id, data in messages]
    return json.dumps(array, separators=(",", ":"), ensure_ascii=False).encode()


def _signed(body: bytes, method: str = "md5") -> dict[str, str]:
    headers = _headers(sign_push(app_key=APP_KEY, app_secret=SECRET, body=body, sign_method=method))
    if method != "md5":
        headers["sign-method"] = method
    return headers


def test_given_vector_dy_p1_when_verified_then_one_paid_order_event_comes_out() -> None:
    [event] = verify_push(_headers(), DYP1_BODY, APP_KEY, SECRET, NOW)
    assert (event.kind, event.event_type, event.order_no) == ("order", "101", "4781320682406083640")
    assert (event.seller_id, event.message_id, event.case_id) == ("1234", "7000001", "")
    assert event.occurred_at == EVENT_AT and event.payload["pay_amount"] == 100


def test_given_header_names_in_any_case_when_verified_then_they_are_found() -> None:
    assert verify_push({"App-Id": APP_KEY, "Event-Sign": DYP1_MD5.upper()}, DYP1_BODY, APP_KEY, SECRET, NOW)


def test_given_the_hmac_variant_with_its_sign_method_header_when_verified_then_it_is_accepted() -> None:
    headers = _headers("07abca0aa31e2bde034f7a6c603b1fedbf7f6fe46a4110c5b0102d90f21aacb7",
                       **{"sign-method": "hmac-sha256"})
    assert len(verify_push(headers, DYP1_BODY, APP_KEY, SECRET, NOW)) == 1


# ---------------------------------------------------------------- the tamper matrix
def _flip(body: bytes, at: int) -> bytes:
    return body[:at] + bytes([body[at] ^ 0x01]) + body[at + 1:]


TAMPERED = {
    "flipped byte": (_headers(), _flip(DYP1_BODY, 60), SECRET, NOW, 401),
    "flipped first byte": (_headers(), _flip(DYP1_BODY, 0), SECRET, NOW, 401),
    "wrong secret": (_headers(), DYP1_BODY, "not-the-secret", NOW, 401),
    "stale timestamp": (_headers(), DYP1_BODY, SECRET, EVENT_AT + timedelta(minutes=6), 401),
    "from the future": (_headers(), DYP1_BODY, SECRET, EVENT_AT - timedelta(minutes=6), 401),
    "missing event-sign": ({"app-id": APP_KEY}, DYP1_BODY, SECRET, NOW, 401),
    "empty event-sign": (_headers(""), DYP1_BODY, SECRET, NOW, 401),
    "another app's push": ({**_headers(), "app-id": "7000000000000000002"}, DYP1_BODY, SECRET, NOW, 401),
    "unknown sign-method": (_headers(**{"sign-method": "sha1"}), DYP1_BODY, SECRET, NOW, 401),
    "md5 sign under the hmac header": (_headers(**{"sign-method": "hmac-sha256"}), DYP1_BODY, SECRET, NOW, 401),
    "re-serialised JSON body": (_headers(), json.dumps(json.loads(DYP1_BODY)).encode(), SECRET, NOW, 401),
    "re-serialised compact body": (_headers(), json.dumps(json.loads(DYP1_BODY), separators=(",", ":"),
                                                          sort_keys=True).encode(), SECRET, NOW, 401),
    "oversize body": (_headers(), DYP1_BODY + b" " * (1 << 20), SECRET, NOW, 413),
}


@pytest.mark.parametrize("case", list(TAMPERED), ids=list(TAMPERED))
def test_given_a_tampered_push_when_verified_then_it_is_rejected_with_its_status(case: str) -> None:
    headers, body, secret, now, status = TAMPERED[case]
    with pytest.raises(PushRejectedError) as rejected:
        verify_push(headers, body, APP_KEY, secret, now)
    assert rejected.value.status == status


def test_given_a_small_size_limit_when_a_valid_push_exceeds_it_then_413_comes_before_the_signature() -> None:
    with pytest.raises(PushRejectedError) as rejected:
        verify_push({}, DYP1_BODY, APP_KEY, SECRET, NOW, max_bytes=100)
    assert rejected.value.status == 413


@pytest.mark.parametrize("body", [
    b"not json", b'{"tag":"101"}', b"[]", b'[{"tag":"101","msg_id":"1","data":"not json"}]',
    b'[{"tag":"101","data":"{}"}]', b'[{"tag":"101","msg_id":"1","data":"[1]"}]',
    b'[{"tag":"101","msg_id":"1","data":"{\\"shop_id\\":1,\\"update_time\\":1700000000}"}]',
    b'[{"tag":"200","msg_id":"1","data":"{\\"p_id\\":5,\\"update_time\\":1700000000}"}]',
    b'[{"tag":"101","msg_id":"1","data":"{\\"p_id\\":5}"}]',
    b'[{"tag":"101","msg_id":"1","data":"{\\"p_id\\":5,\\"update_time\\":\\"yesterday\\"}"}]',
], ids=["not json", "not an array", "empty array", "data not json", "no msg_id", "data not object",
        "no order id", "after-sale without id", "no event time", "unreadable time"])
def test_given_a_correctly_signed_but_malformed_push_then_it_is_rejected_as_400(body: bytes) -> None:
    with pytest.raises(PushRejectedError) as rejected:
        verify_push(_signed(body), body, APP_KEY, SECRET, NOW)
    assert rejected.value.status == 400


# ---------------------------------------------------------------- messages -> events
def test_given_order_and_after_sale_messages_then_each_becomes_an_event_with_its_ids() -> None:
    body = _body(
        ("100", "m1", {"p_id": 6921, "s_ids": [6922], "shop_id": 4460001, "create_time": 1700000000}),
        ("102", "m2", {"p_id": 6921, "shop_id": 4460001, "update_time": 1700000010,
                       "logistics_msg": {"express_company_id": "zhongtong", "logistics_code": "ZT1"}}),
        ("106", "m3", {"p_id": 6921, "shop_id": 4460001, "cancel_time": 1700000020}),
        ("105", "m4", {"p_id": 6921, "shop_id": 4460001, "update_time": 1700000005}),
        ("200", "m5", {"aftersale_id": 7290001, "p_id": 6921, "s_id": 6922, "shop_id": 4460001,
                       "apply_time": 1700000000, "update_time": 1700000030}),
        ("206", "m6", {"aftersale_id": 7290001, "p_id": 6921, "shop_id": 4460001, "success_time": 1700000040}),
    )
    events = verify_push(_signed(body), body, APP_KEY, SECRET, NOW)
    assert [(e.kind, e.event_type, e.message_id) for e in events] == [
        ("order", "100", "m1"), ("order", "102", "m2"), ("order", "106", "m3"), ("order", "105", "m4"),
        ("after_sale", "200", "m5"), ("after_sale", "206", "m6")]
    assert {e.order_no for e in events} == {"6921"} and events[4].case_id == "7290001"
    assert events[2].occurred_at == datetime.fromtimestamp(1700000020, SHANGHAI)


def test_given_time_strings_when_verified_then_they_are_read_as_event_times() -> None:
    body = _body(("201", "m1", {"aftersale_id": 1, "p_id": 2, "update_time": "2023-11-15T06:13:20+08:00"}),
                 ("101", "m2", {"p_id": 2, "pay_time": 1700000000000}))
    first, second = verify_push(_signed(body), body, APP_KEY, SECRET, NOW)
    assert first.occurred_at == EVENT_AT == second.occurred_at


def test_given_a_product_message_then_it_is_verified_and_skipped() -> None:
    body = _body(("400", "m1", {"product_id": 1, "update_time": 1700000000}))
    assert verify_push(_signed(body), body, APP_KEY, SECRET, NOW) == []


def test_given_an_old_message_batched_with_a_fresh_one_then_the_newest_decides_freshness() -> None:
    body = _body(("100", "m1", {"p_id": 1, "create_time": 1699990000}),
                 ("101", "m2", {"p_id": 1, "pay_time": 1700000000}))
    assert len(verify_push(_signed(body), body, APP_KEY, SECRET, NOW)) == 2


def test_the_ack_is_exactly_what_douyin_expects() -> None:
    assert ACK_BODY == b'{"code":0,"msg":"success"}'
    status, headers, body = ack_response()
    assert (status, body) == (200, ACK_BODY) and headers["Content-Type"] == "application/json"


def test_given_a_shop_without_an_app_secret_then_a_push_signed_without_one_is_refused() -> None:
    forged = sign_push(app_key=APP_KEY, app_secret="", body=DYP1_BODY, sign_method="md5")
    with pytest.raises(PushRejectedError) as refused:
        verify_push(_headers(forged), DYP1_BODY, APP_KEY, "", NOW)
    assert refused.value.status == 401
