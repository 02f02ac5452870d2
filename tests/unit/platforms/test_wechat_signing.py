"""Reference §2.4 vectors WX-1 (WxJava's own WxCryptUtilTest) and WX-2, for the client's crypto and the
sandbox's independent one."""
from __future__ import annotations

import pytest

from chalicelib.platforms.wechat import signing
from local.sandbox.wechat import crypto as sandbox_crypto

AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APPID = "wxb11529c136998cb6"
RANDOM = b"aaaabbbbccccdddd"
TOKEN, TIMESTAMP, NONCE = "pamtest", "1409304348", "xxxxxx"

WX1_MSG = "我是中文abcd123"
WX1_ENCRYPT = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
WX1_MSG_SIGNATURE = "82c962d39941aa48552f90ef55aa323dc620cc10"
WX1_URL_SIGNATURE = "76480565cbe296026c53aaacd1ad523a1ddba24f"

WX2_MSG = ('{"ToUserName":"gh_abc","FromUserName":"OPENID","CreateTime":1700000000,"MsgType":"event",'
           '"Event":"channels_ec_order_pay","order_info":{"order_id":"3705115058471208928","pay_time":1700000000}}')
WX2_ENCRYPT = ("jn1L23DB+6ELqJ+6bruv26KnzhDs0ddQtzaF5MLhG93L7ptgnTnTHKIc0odAXSGNW1z2yEp3Kv2ilUvfjhEmPy0Tz1uHR0Pb"
               "qVyhig3TEn4LxVJLUFVjrxAkgD1Q31WNly3VvFipEY33R1gzb/UBzppfMXzbYv9UZiNUigFt6i4CUO8Dy/PmDxvoqW3UqIgmXMdZZ"
               "QkG70CzGtcJEtDFv5Befe5Bg/i829S35t/qmLhNRemANeolpnmIuaIMMm0HNPewefrzMP8Ape1PQ3RZdYj2illNNM+Rp50WaZw3qCA"
               "w4VpV3LNKlyX/4scOrDnv0Z/fD/VslE08gXx2cQM/2A==")
WX2_MSG_SIGNATURE = "1d25b0e4229349f3834a539a710da94c5d15231d"

VECTORS = [(WX1_MSG, WX1_ENCRYPT, WX1_MSG_SIGNATURE), (WX2_MSG, WX2_ENCRYPT, WX2_MSG_SIGNATURE)]


@pytest.mark.parametrize(("message", "encrypted", "_sig"), VECTORS)
def test_given_a_reference_vector_when_the_client_encrypts_then_the_ciphertext_matches(message, encrypted, _sig):
    assert signing.encrypt(message, APPID, signing.aes_key(AES_KEY), RANDOM) == encrypted


@pytest.mark.parametrize(("message", "encrypted", "_sig"), VECTORS)
def test_given_a_reference_vector_when_the_client_decrypts_then_message_and_appid_come_back(message, encrypted, _sig):
    assert signing.decrypt(encrypted, signing.aes_key(AES_KEY)) == (message, APPID)


@pytest.mark.parametrize(("_msg", "encrypted", "msg_signature"), VECTORS)
def test_given_a_reference_vector_when_the_client_signs_then_msg_signature_matches(_msg, encrypted, msg_signature):
    assert signing.sha1_signature(TOKEN, TIMESTAMP, NONCE, encrypted) == msg_signature
    assert signing.signature_matches(msg_signature.upper(), TOKEN, TIMESTAMP, NONCE, encrypted)


def test_given_wx1_when_the_url_signature_is_computed_then_it_matches():
    assert signing.sha1_signature(TOKEN, TIMESTAMP, NONCE) == WX1_URL_SIGNATURE
    assert sandbox_crypto.sorted_sha1([TOKEN, TIMESTAMP, NONCE]) == WX1_URL_SIGNATURE


@pytest.mark.parametrize(("message", "encrypted", "msg_signature"), VECTORS)
def test_given_a_reference_vector_when_the_sandbox_seals_and_signs_then_both_match(message, encrypted, msg_signature):
    assert sandbox_crypto.seal(message, APPID, AES_KEY, RANDOM) == encrypted
    assert sandbox_crypto.unseal(encrypted, AES_KEY) == (message, APPID)
    assert sandbox_crypto.sorted_sha1([TOKEN, TIMESTAMP, NONCE, encrypted]) == msg_signature


def test_given_random_prefixes_when_the_two_sides_exchange_then_each_opens_the_others_ciphertext():
    key = sandbox_crypto.new_encoding_aes_key()
    for size in (0, 1, 15, 16, 31, 32, 33, 500):
        message = "订" * size
        assert signing.decrypt(sandbox_crypto.seal(message, APPID, key), signing.aes_key(key)) == (message, APPID)
        assert sandbox_crypto.unseal(signing.encrypt(message, APPID, signing.aes_key(key)), key) == (message, APPID)


@pytest.mark.parametrize("bad", ["", "not base64!!", "AAAA", WX1_ENCRYPT[:-8] + "AAAAAAA="])
def test_given_a_broken_ciphertext_when_decrypted_then_a_crypto_error_is_raised(bad):
    with pytest.raises(signing.CryptoError):
        signing.decrypt(bad, signing.aes_key(AES_KEY))


@pytest.mark.parametrize("bad_key", ["short", AES_KEY + "H", "!" * 43])
def test_given_a_malformed_encoding_aes_key_then_it_is_refused(bad_key):
    with pytest.raises(signing.CryptoError):
        signing.aes_key(bad_key)
