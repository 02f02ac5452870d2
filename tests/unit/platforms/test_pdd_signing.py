"""Reference §3.2 / §3.8 / §6 vectors 6 and 7, for the client's signer and the sandbox's verifier."""
from __future__ import annotations

import hashlib

import pytest

from chalicelib.platforms.pdd.signing import message_ws_sign, sign
from local.sandbox.pdd.wire import md5_sign, signature_ok, ws_sign

VECTOR_PARAMS = {
    "type": "pdd.order.information.get", "client_id": "test_client_id", "access_token": "test_token",
    "timestamp": "1700000000", "data_type": "JSON", "order_sn": "231101-123456789012345",
}
VECTOR_SECRET = "testSecret"
VECTOR_SIGN = "6AB5BAB752AC45A5F44F89F8382EEAEA"
WS_VECTOR = ("test_client_id", "1700000000000", "testSecret", "OGJhMzQ4ZjdlZWI0NmRkNjFhYjkwZjU2ZGZkNTdhMGU=")


def test_given_the_reference_params_when_the_client_signs_then_the_vector_comes_out() -> None:
    assert sign(VECTOR_PARAMS, VECTOR_SECRET) == VECTOR_SIGN


def test_given_the_reference_params_when_the_sandbox_signs_then_the_vector_comes_out() -> None:
    assert md5_sign(VECTOR_PARAMS, VECTOR_SECRET, keep_empty=False) == VECTOR_SIGN


def test_given_the_vector_sign_when_the_sandbox_verifies_then_it_is_accepted() -> None:
    assert signature_ok({**VECTOR_PARAMS, "sign": VECTOR_SIGN}, VECTOR_SECRET)


def test_given_a_lower_case_vector_sign_when_verified_then_it_is_accepted() -> None:
    assert signature_ok({**VECTOR_PARAMS, "sign": VECTOR_SIGN.lower()}, VECTOR_SECRET)


def test_given_a_tampered_param_when_the_sandbox_verifies_then_it_is_refused() -> None:
    assert not signature_ok({**VECTOR_PARAMS, "order_sn": "231101-000", "sign": VECTOR_SIGN}, VECTOR_SECRET)


def test_given_the_sign_param_itself_when_signing_then_it_is_left_out() -> None:
    assert sign({**VECTOR_PARAMS, "sign": "whatever"}, VECTOR_SECRET) == VECTOR_SIGN


def test_given_an_empty_value_when_the_client_signs_then_it_is_skipped_as_the_php_sdk_does() -> None:
    assert sign({**VECTOR_PARAMS, "note": ""}, VECTOR_SECRET) == VECTOR_SIGN


def test_given_a_client_that_signs_the_bare_key_of_an_empty_value_then_the_sandbox_accepts_it() -> None:
    params = {**VECTOR_PARAMS, "note": ""}
    bare_key_sign = md5_sign(params, VECTOR_SECRET, keep_empty=True)
    assert bare_key_sign != VECTOR_SIGN
    assert signature_ok({**params, "sign": bare_key_sign}, VECTOR_SECRET)
    assert signature_ok({**params, "sign": VECTOR_SIGN}, VECTOR_SECRET)


def test_given_a_key_that_prefixes_another_then_keys_are_sorted_not_the_joined_pairs() -> None:
    # ksort gives a, a_b -> "aza_b1"; sorting the joined strings would put "a_b1" before "az"
    params = {"a": "z", "a_b": "1"}
    expected = hashlib.md5(b"saza_b1s").hexdigest().upper()
    assert sign(params, "s") == expected
    assert md5_sign(params, "s", keep_empty=False) == expected


@pytest.mark.parametrize("signer", [message_ws_sign, ws_sign])
def test_given_the_ws_vector_when_signed_then_base64_of_the_hex_digest_comes_out(signer) -> None:
    client_id, ts, secret, expected = WS_VECTOR
    assert signer(client_id, ts, secret) == expected
    assert expected.endswith("=")
