"""WeChat push verification: URL check, the tamper matrix, JSON and XML bodies, the events we keep."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from chalicelib.platforms.wechat.push import ACK, verify_push, verify_url
from chalicelib.services.platform_errors import PushRejectedError
from chalicelib.services.platform_types import SHANGHAI
from local.sandbox.wechat.crypto import seal, sorted_sha1
from local.sandbox.wechat.pusher import Subscription, build_push

TOKEN = "push-token-not-real"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
OTHER_KEY = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"
APPID = "wx0123456789abcdef"
STAMP = 1763611200
NOW = datetime.fromtimestamp(STAMP, SHANGHAI)
PAY = {"ToUserName": "gh_abc", "FromUserName": "OPENID", "CreateTime": STAMP, "MsgType": "event",
       "Event": "channels_ec_order_pay", "order_info": {"order_id": "3705115058471208928", "pay_time": STAMP}}
AFTER_SALE = {"ToUserName": "gh_abc", "FromUserName": "OPENID", "CreateTime": STAMP, "MsgType": "event",
              "Event": "channels_ec_aftersale_update",
              "finder_shop_aftersale_status_update": {"after_sale_order_id": "2000001",
                                                      "order_id": "3705115058471208928",
                                                      "status": "MERCHANT_PROCESSING"}}


def push(message=PAY, fmt="json", key=AES_KEY, appid=APPID, token=TOKEN, stamp=STAMP):
    return build_push(Subscription("http://unused", token, key, fmt), appid, message, stamp, "4242")


def verify(query, body, **kw):
    args = {"token": TOKEN, "encoding_aes_key": AES_KEY, "appid": APPID, "now": NOW, **kw}
    return verify_push(query, body, **args)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_given_a_valid_encrypted_pay_push_then_one_order_event_with_ids_and_time(fmt):
    [event] = verify(*push(fmt=fmt))
    assert (event.kind, event.event_type, event.order_no, event.seller_id) == (
        "order", "channels_ec_order_pay", "3705115058471208928", APPID)
    assert event.occurred_at == NOW and event.message_id


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_given_an_after_sale_push_then_the_case_and_order_ids_come_out(fmt):
    [event] = verify(*push(AFTER_SALE, fmt=fmt))
    assert (event.kind, event.case_id, event.order_no) == ("after_sale", "2000001", "3705115058471208928")


def test_given_the_same_message_delivered_twice_then_both_carry_the_same_message_id():
    first, second = verify(*push())[0], verify(*push())[0]    # fresh random prefix, same content
    assert first.message_id == second.message_id


def test_given_a_product_event_then_it_is_acknowledged_but_yields_nothing():
    assert verify(*push({**PAY, "Event": "product_spu_update", "product_id": "1"})) == []
    assert ACK == "success"


def _flip(text: str) -> str:
    return text[:10] + ("A" if text[10] != "A" else "B") + text[11:]


def tampered_encrypt():
    query, body = push()
    envelope = json.loads(body)
    envelope["Encrypt"] = _flip(envelope["Encrypt"])
    return query, json.dumps(envelope).encode()


def signed_but_other_key():
    encrypted = seal(json.dumps(PAY), APPID, OTHER_KEY)
    query = {"timestamp": str(STAMP), "nonce": "1", "encrypt_type": "aes",
             "signature": sorted_sha1([TOKEN, str(STAMP), "1"]),
             "msg_signature": sorted_sha1([TOKEN, str(STAMP), "1", encrypted])}
    return query, json.dumps({"ToUserName": "gh_abc", "Encrypt": encrypted}).encode()


def without(key):
    query, body = push()
    return {k: v for k, v in query.items() if k != key}, body


TAMPERS = {
    "flipped byte in Encrypt": (tampered_encrypt, 401),
    "wrong token": (lambda: push(token="someone-elses-token"), 401),
    "wrong AES key (signature valid)": (signed_but_other_key, 401),
    "stale timestamp": (lambda: push(stamp=STAMP - 3600), 401),
    "missing msg_signature": (lambda: without("msg_signature"), 401),
    "wrong appid": (lambda: push(appid="wx_not_our_shop"), 401),
    "oversize body": (lambda: (push()[0], b" " * 70_000), 413),
    "not JSON nor XML": (lambda: (push()[0], b"hello"), 400),
    "XML with a DTD": (lambda: (push()[0], b'<!DOCTYPE x [<!ENTITY a "b">]><xml><Encrypt>&a;</Encrypt></xml>'), 400),
    "missing timestamp": (lambda: without("timestamp"), 400),
}


@pytest.mark.parametrize(("make", "status"), TAMPERS.values(), ids=TAMPERS.keys())
def test_given_a_tampered_push_then_it_is_rejected_with_the_right_status(make, status):
    query, body = make()
    with pytest.raises(PushRejectedError) as rejected:
        verify(query, body)
    assert rejected.value.status == status


def test_given_a_plaintext_mode_push_then_the_url_signature_alone_authenticates_it():
    query = {"timestamp": str(STAMP), "nonce": "9", "signature": sorted_sha1([TOKEN, str(STAMP), "9"])}
    [event] = verify(query, json.dumps(PAY).encode())
    assert event.order_no == "3705115058471208928"
    with pytest.raises(PushRejectedError):
        verify({**query, "signature": "0" * 40}, json.dumps(PAY).encode())


def test_given_the_url_check_in_plain_mode_then_echostr_is_echoed():
    query = {"timestamp": str(STAMP), "nonce": "7", "echostr": "12345",
             "signature": sorted_sha1([TOKEN, str(STAMP), "7"])}
    assert verify_url(query, TOKEN, NOW) == "12345"
    with pytest.raises(PushRejectedError):
        verify_url({**query, "signature": "f" * 40}, TOKEN, NOW)


def test_given_the_url_check_in_safe_mode_then_the_decrypted_echostr_is_returned():
    echostr = seal("echo-98765", APPID, AES_KEY)
    query = {"timestamp": str(STAMP), "nonce": "7", "echostr": echostr,
             "msg_signature": sorted_sha1([TOKEN, str(STAMP), "7", echostr])}
    assert verify_url(query, TOKEN, NOW, encoding_aes_key=AES_KEY, appid=APPID) == "echo-98765"


def test_given_a_timestamp_within_the_allowed_skew_then_the_push_is_accepted():
    assert verify(*push(stamp=STAMP - 200), max_age=timedelta(minutes=5))


def test_given_no_push_token_configured_then_a_signature_over_the_empty_token_is_refused():
    query = {"timestamp": str(STAMP), "nonce": "9", "signature": sorted_sha1(["", str(STAMP), "9"])}
    for call in (lambda: verify(query, json.dumps(PAY).encode(), token=""), lambda: verify_url(query, "", NOW)):
        with pytest.raises(PushRejectedError) as refused:
            call()
        assert refused.value.status == 401


def test_given_a_safe_mode_push_without_the_url_signature_then_refused_before_the_body_is_read():
    query, _ = push()
    query = {k: v for k, v in query.items() if k != "signature"}
    with pytest.raises(PushRejectedError) as refused:
        verify(query, b"[" * 30_000 + b"]" * 30_000)
    assert (refused.value.status, refused.value.reason) == (401, "signature missing")
