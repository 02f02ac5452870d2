"""Reference §6 vectors 1-4 for the client's signer and, separately, the sandbox's verifier."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from chalicelib.platforms.taobao import signing
from chalicelib.services.platform_types import SHANGHAI
from local.sandbox.taobao import signing as sandbox_signing

SECRET = "test"
DOC_PARAMS = {"app_key": "test", "fields": "nick", "format": "xml", "method": "taobao.user.seller.get",
              "session": "test", "sign_method": "md5", "timestamp": "2013-05-06 13:52:03", "v": "2.0"}
VECTORS = [
    ("md5", "72CB4D809B375A54502C09360D879C64"),
    ("hmac", "FA15A9D5B42AB2D6F3397843851ED09A"),
    ("hmac-sha256", "267B9C1C7A2FE1CE413DBB95E596616D32107AE0992BE2C22143CFCE303E8E34"),
]
TMC = {"app_key": "12345678", "group_name": "default", "timestamp": "1700000000000"}
TMC_SIGN = "B82CF1F6AF0F04E2BCF295653250C660"


def _params(method: str) -> dict[str, str]:
    return {**DOC_PARAMS, "sign_method": method}


def test_given_the_doc_example_when_joined_then_the_string_matches_the_reference() -> None:
    expected = ("testapp_keytestfieldsnickformatxmlmethodtaobao.user.seller.getsessiontest"
                "sign_methodmd5timestamp2013-05-06 13:52:03v2.0test")
    assert SECRET + signing.sign_string(DOC_PARAMS) + SECRET == expected


@pytest.mark.parametrize(("method", "expected"), VECTORS)
def test_given_a_reference_vector_when_the_client_signs_then_it_matches(method: str, expected: str) -> None:
    assert signing.sign(_params(method), SECRET, method) == expected


@pytest.mark.parametrize(("method", "expected"), VECTORS)
def test_given_a_reference_vector_when_the_sandbox_verifies_then_it_accepts(method: str, expected: str) -> None:
    assert sandbox_signing.is_valid({**_params(method), "sign": expected}, SECRET)


@pytest.mark.parametrize(("method", "expected"), VECTORS)
def test_given_a_tampered_param_when_the_sandbox_verifies_then_it_refuses(method: str, expected: str) -> None:
    assert not sandbox_signing.is_valid({**_params(method), "fields": "nick,type", "sign": expected}, SECRET)


def test_given_the_tmc_vector_when_signed_by_both_sides_then_both_match() -> None:
    assert signing.tmc_connect_sign(TMC["app_key"], TMC["group_name"], TMC["timestamp"], SECRET) == TMC_SIGN
    extra_unsigned = {"intranet_ip": "10.0.0.1", "token": "x", "minor_group": "", "filter_exp": "", "out_id": ""}
    assert sandbox_signing.tmc_connect_valid({**TMC, **extra_unsigned, "sign": TMC_SIGN}, SECRET)


def test_given_empty_values_when_signed_then_they_are_left_out_and_the_sign_key_is_ignored() -> None:
    with_empty = {**DOC_PARAMS, "partner_id": "", "sign": "ANYTHING"}
    assert signing.sign(with_empty, SECRET) == VECTORS[0][1]


def test_given_a_client_that_signs_the_bare_key_of_an_empty_value_then_the_sandbox_accepts_it() -> None:
    params = {**DOC_PARAMS, "partner_id": ""}
    text = SECRET + "".join(k + params[k] for k in sorted(params)) + SECRET
    bare_key_sign = hashlib.md5(text.encode()).hexdigest().upper()
    assert sandbox_signing.is_valid({**params, "sign": bare_key_sign}, SECRET)
    assert sandbox_signing.is_valid({**params, "sign": VECTORS[0][1]}, SECRET)


def test_given_chinese_values_when_signed_then_utf8_is_hashed_on_both_sides() -> None:
    params = {**DOC_PARAMS, "memo": "请尽快发货"}
    assert sandbox_signing.is_valid({**params, "sign": signing.sign(params, SECRET)}, SECRET)


def test_given_an_unknown_sign_method_then_the_client_refuses_and_the_sandbox_rejects() -> None:
    with pytest.raises(ValueError):
        signing.sign(DOC_PARAMS, SECRET, "sha1")
    assert not sandbox_signing.is_valid({**DOC_PARAMS, "sign_method": "sha1", "sign": "X"}, SECRET)


def test_given_an_aware_time_when_formatted_then_it_is_shanghai_wall_time() -> None:
    assert signing.format_timestamp(datetime(2013, 5, 6, 5, 52, 3, tzinfo=UTC)) == "2013-05-06 13:52:03"
    assert signing.format_timestamp(datetime(2013, 5, 6, 13, 52, 3, tzinfo=SHANGHAI)) == "2013-05-06 13:52:03"
