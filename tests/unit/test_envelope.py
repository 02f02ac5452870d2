"""Envelope encryption: round trip, context binding, tamper detection (KMS through moto: tests/integration/test_envelope_kms.py)."""
from __future__ import annotations

import base64
import json
import os

import pytest
from cryptography.exceptions import InvalidTag

from chalicelib.storage.envelope import Envelope, LocalKeyWrapper


@pytest.fixture
def envelope() -> Envelope:
    return Envelope(LocalKeyWrapper(os.urandom(32)))


def test_given_a_secret_when_sealed_then_it_opens_with_the_same_context_only(envelope: Envelope) -> None:
    blob = envelope.encrypt({"app_secret": "fake-secret", "phone": "13800001234"}, "shop:s1:secrets")
    assert "fake-secret" not in blob and "13800001234" not in blob
    assert envelope.decrypt(blob, "shop:s1:secrets")["app_secret"] == "fake-secret"
    with pytest.raises(InvalidTag):
        envelope.decrypt(blob, "shop:s2:secrets")


def test_given_a_flipped_byte_then_decryption_fails(envelope: Envelope) -> None:
    blob = json.loads(envelope.encrypt("x", "c"))
    ct = bytearray(base64.b64decode(blob["ct"]))
    ct[-1] ^= 1
    blob["ct"] = base64.b64encode(bytes(ct)).decode()
    with pytest.raises(InvalidTag):
        envelope.decrypt(json.dumps(blob), "c")


def test_given_many_values_then_one_data_key_serves_them(envelope: Envelope) -> None:
    keys = {json.loads(envelope.encrypt(n, "c"))["edk"] for n in range(50)}
    assert len(keys) == 1
