"""JD signing: the reference vector (§2.2, §6 #5) through the client's signer and the sandbox's verifier."""
from __future__ import annotations

import base64
import hashlib
import random
from datetime import UTC, datetime

import pytest

from chalicelib.platforms.jd.canonical import is_ciphertext
from chalicelib.platforms.jd.signing import encode_param_json, format_timestamp, sign
from chalicelib.services.platform_types import SHANGHAI
from local.sandbox.jd.wire import Tde, expected_sign, parse_timestamp, within_skew

VECTOR_SECRET = "test_secret"
VECTOR_PARAMS = {
    "360buy_param_json": '{"order_id":"123456789","optional_fields":"orderId,orderState"}',
    "access_token": "test_token", "app_key": "test_app_key", "format": "json",
    "method": "jingdong.pop.order.get", "timestamp": "2024-01-01 12:00:00", "v": "2.0",
}
VECTOR_STRING = ('test_secret360buy_param_json{"order_id":"123456789","optional_fields":"orderId,orderState"}'
                 "access_tokentest_tokenapp_keytest_app_keyformatjsonmethodjingdong.pop.order.get"
                 "timestamp2024-01-01 12:00:00v2.0test_secret")
VECTOR_SIGN = "FB4A1644E96756ED23851314E2EEA167"


def test_given_the_reference_vector_then_the_string_to_hash_gives_the_published_sign() -> None:
    assert hashlib.md5(VECTOR_STRING.encode()).hexdigest().upper() == VECTOR_SIGN


def test_given_the_reference_vector_when_the_client_signs_then_the_sign_matches() -> None:
    assert sign(VECTOR_PARAMS, VECTOR_SECRET) == VECTOR_SIGN


def test_given_the_reference_vector_when_the_sandbox_verifies_then_the_sign_matches() -> None:
    assert expected_sign(VECTOR_PARAMS, VECTOR_SECRET) == VECTOR_SIGN


def test_given_a_sign_key_and_empty_values_then_both_signers_leave_them_out() -> None:
    noisy = {**VECTOR_PARAMS, "sign": "ANYTHING", "sign_method": ""}
    assert sign(noisy, VECTOR_SECRET) == expected_sign(noisy, VECTOR_SECRET) == VECTOR_SIGN


def test_given_non_ascii_business_params_then_both_sides_hash_the_same_utf8() -> None:
    params = {**VECTOR_PARAMS, "360buy_param_json": encode_param_json({"remark": "周六发货", "flag": 1})}
    assert sign(params, "s") == expected_sign(params, "s")
    assert params["360buy_param_json"] == '{"remark":"周六发货","flag":1}'


def test_given_an_aware_time_then_the_timestamp_is_gmt8_to_the_second() -> None:
    assert format_timestamp(datetime(2024, 1, 1, 4, 0, 0, 999, tzinfo=UTC)) == "2024-01-01 12:00:00"


def test_given_a_naive_time_then_it_is_refused() -> None:
    with pytest.raises(ValueError):
        format_timestamp(datetime(2024, 1, 1, 12, 0, 0))


@pytest.mark.parametrize("text", ["2024-01-01 12:00:00", "2024-01-01 12:00:00.000+0800",
                                  "2024-01-01 04:00:00.000+0000", "2024-01-01 12:00:00+08:00"])
def test_given_each_timestamp_form_clients_send_then_the_sandbox_reads_the_same_instant(text: str) -> None:
    assert parse_timestamp(text) == datetime(2024, 1, 1, 12, 0, 0, tzinfo=SHANGHAI)


def test_given_a_timestamp_eleven_minutes_off_then_the_sandbox_refuses_it() -> None:
    now = datetime(2024, 1, 1, 12, 0, 0, tzinfo=SHANGHAI)
    assert within_skew("2024-01-01 12:09:59", now)
    assert not within_skew("2024-01-01 12:11:00", now)
    assert not within_skew("yesterday", now)


def test_given_sandbox_tde_then_the_layout_is_version_keyid_iv_cipher_and_the_client_sees_ciphertext() -> None:
    tde = Tde(seed=3, iv_source=random.Random(3))
    sealed = tde.encrypt("张三")
    raw = base64.b64decode(sealed)
    assert raw[:2] == b"\x00\x04" and raw[2:18] == tde.key_id and (len(raw) - 34) % 16 == 0
    assert tde.decrypt(sealed) == "张三"
    assert is_ciphertext(sealed) and not is_ciphertext("张三") and not is_ciphertext("138****0000")
