"""Douyin signature test vectors (reference §1.3, §1.7 DY-P1), for the client's signer and, separately,
for the sandbox's verifier."""
from __future__ import annotations

import json

import pytest

from chalicelib.platforms.douyin.signing import marshal, sign_push, sign_request
from local.sandbox.douyin.pushes import push_signature
from local.sandbox.douyin.wire import canonical_forms, expected_sign, parse_timestamp, signature_matches

APP_KEY = "7000000000000000001"
SECRET = "secret-abc"
TS = "1700000000"

DY1_PARAMS = {"order_id": "6918145219930011234", "company_code": "zhongtong", "logistics_code": "ZT123456789",
              "is_refund_reject": False}
DY1_JSON = ('{"company_code":"zhongtong","is_refund_reject":false,"logistics_code":"ZT123456789",'
            '"order_id":"6918145219930011234"}')
DY1_HMAC = "6702f90c354696f6f247535ff69e13e83645a063cf4a713a57cd87420ed58e08"
DY1_MD5 = "320fb121e236e14c1fdbd81251a86874"
DY2_PARAMS = {"size": 20, "page": 0, "update_time_start": 1700000000, "update_time_end": 1700003600,
              "order_by": "update_time", "combine_status": [{"order_status": "2", "main_status": ""}]}
DY2_JSON = ('{"combine_status":[{"main_status":"","order_status":"2"}],"order_by":"update_time","page":0,'
            '"size":20,"update_time_end":1700003600,"update_time_start":1700000000}')
DY2_HMAC = "08b5fd9c37c3e30fd3f301f67ad87efeb8abefb8bc1eb8a7971a8c8d8e842ed1"
DY3_HMAC = "7088d87c5e27bef22be3b041267013446b03c01230d62a3fc2ed0428a1e47de8"
DY4_PARAMS = {"plain_text": "&<>='/ô汉😀", "auth_id": "12345"}
DY4_JSON = '{"auth_id":"12345","plain_text":"&<>=\'/ô汉😀"}'
DYP1_BODY = (b'[{"tag":"101","msg_id":"7000001","data":"{\\"p_id\\":4781320682406083640,\\"s_ids\\":'
             b'[4781320682406083640],\\"shop_id\\":1234,\\"order_status\\":2,\\"order_type\\":0,\\"biz\\":2,'
             b'\\"pay_type\\":1,\\"pay_time\\":1700000000,\\"pay_amount\\":100}"}]')
DYP1_MD5 = "4764300e27b57fc966b459cfa639c4b0"
DYP1_HMAC = "07abca0aa31e2bde034f7a6c603b1fedbf7f6fe46a4110c5b0102d90f21aacb7"


def _query(method: str, sign: str, sign_method: str = "hmac-sha256") -> dict[str, str]:
    return {"app_key": APP_KEY, "method": method, "timestamp": TS, "v": "2", "sign": sign, "sign_method": sign_method}


# ---------------------------------------------------------------- client signer
@pytest.mark.parametrize(("params", "expected"), [(DY1_PARAMS, DY1_JSON), (DY2_PARAMS, DY2_JSON), ({}, "{}"),
                                                  (DY4_PARAMS, DY4_JSON)])
def test_given_reference_params_when_marshalled_then_param_json_matches_the_vector(params, expected) -> None:
    assert marshal(params) == expected


@pytest.mark.parametrize(("method", "param_json", "sign_method", "expected"), [
    ("order.logisticsAdd", DY1_JSON, "hmac-sha256", DY1_HMAC),
    ("order.logisticsAdd", DY1_JSON, "md5", DY1_MD5),
    ("order.searchList", DY2_JSON, "hmac-sha256", DY2_HMAC),
    ("logistics.getShopKey", "{}", "hmac-sha256", DY3_HMAC),
])
def test_given_a_reference_vector_when_the_client_signs_then_the_sign_matches(method, param_json, sign_method,
                                                                              expected) -> None:
    assert sign_request(app_key=APP_KEY, app_secret=SECRET, method=method, param_json=param_json,
                        timestamp=TS, sign_method=sign_method) == expected


@pytest.mark.parametrize(("sign_method", "expected"), [("md5", DYP1_MD5), ("hmac-sha256", DYP1_HMAC)])
def test_given_vector_dy_p1_when_the_client_signs_the_push_then_event_sign_matches(sign_method, expected) -> None:
    assert sign_push(app_key=APP_KEY, app_secret=SECRET, body=DYP1_BODY, sign_method=sign_method) == expected


def test_given_go_only_escapes_when_marshalled_then_they_follow_go_not_python() -> None:
    text = marshal({"s": "a\u2028b\u2029c\bd\fe\n\t\"\\<>&", "n": [{"z": 1, "a": 2.0}]})
    assert text == '{"n":[{"a":2,"z":1}],"s":"a\\u2028b\\u2029c\\u0008d\\u000ce\\n\\t\\"\\\\<>&"}'


def test_given_a_fractional_float_when_marshalled_then_it_is_refused() -> None:
    with pytest.raises(TypeError):
        marshal({"amount": 12.5})


def test_given_the_marshalled_text_when_parsed_then_it_round_trips() -> None:
    assert json.loads(marshal(DY4_PARAMS)) == DY4_PARAMS


# ---------------------------------------------------------------- sandbox verifier
@pytest.mark.parametrize(("method", "param_json", "sign_method", "expected"), [
    ("order.logisticsAdd", DY1_JSON, "hmac-sha256", DY1_HMAC),
    ("order.logisticsAdd", DY1_JSON, "md5", DY1_MD5),
    ("order.searchList", DY2_JSON, "hmac-sha256", DY2_HMAC),
    ("logistics.getShopKey", "{}", "hmac-sha256", DY3_HMAC),
])
def test_given_a_reference_vector_when_the_sandbox_computes_then_the_sign_matches(method, param_json, sign_method,
                                                                                  expected) -> None:
    assert expected_sign(SECRET, APP_KEY, method, param_json, TS, sign_method) == expected


def test_given_dy1_sent_unsorted_when_the_sandbox_verifies_then_the_canonical_form_matches() -> None:
    unsorted = json.dumps(DY1_PARAMS, separators=(",", ":"))
    assert DY1_JSON in canonical_forms(unsorted)
    assert signature_matches(DY1_HMAC, SECRET, _query("order.logisticsAdd", DY1_HMAC), unsorted)


def test_given_dy2_with_spaces_when_the_sandbox_verifies_then_it_is_accepted() -> None:
    assert signature_matches(DY2_HMAC, SECRET, _query("order.searchList", DY2_HMAC), json.dumps(DY2_PARAMS))


def test_given_dy4_when_the_sandbox_canonicalises_then_html_and_unicode_stay_literal() -> None:
    forms = canonical_forms('{"plain_text":"&<>=\'/ô汉😀","auth_id":"12345"}')
    assert DY4_JSON in forms
    assert '{"auth_id":"12345","plain_text":"\\u0026\\u003c\\u003e=\'/ô汉😀"}' in forms   # the Java SDK's form


def test_given_no_sign_method_when_the_sandbox_verifies_then_md5_is_assumed() -> None:
    query = _query("order.logisticsAdd", DY1_MD5)
    del query["sign_method"]
    assert signature_matches(DY1_MD5, SECRET, query, DY1_JSON)


def test_given_a_wrong_secret_when_the_sandbox_verifies_then_it_refuses() -> None:
    assert not signature_matches(DY1_HMAC, "other-secret", _query("order.logisticsAdd", DY1_HMAC), DY1_JSON)


@pytest.mark.parametrize(("sign_method", "expected"), [("md5", DYP1_MD5), ("hmac-sha256", DYP1_HMAC)])
def test_given_vector_dy_p1_when_the_sandbox_signs_the_push_then_event_sign_matches(sign_method, expected) -> None:
    assert push_signature(APP_KEY, SECRET, DYP1_BODY, sign_method) == expected


@pytest.mark.parametrize("raw", ["1700000000", "1700000000000", "2023-11-15 06:13:20"])
def test_given_each_timestamp_form_when_parsed_then_all_mean_the_same_instant(raw: str) -> None:
    parsed = parse_timestamp(raw)
    assert parsed is not None and parsed.timestamp() == 1700000000
