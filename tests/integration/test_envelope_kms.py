"""Envelope encryption with data keys from KMS (moto)."""
from __future__ import annotations

from moto import mock_aws

from chalicelib.storage.envelope import Envelope, KmsKeyWrapper


def test_given_kms_when_sealing_then_data_keys_come_from_kms() -> None:
    with mock_aws():
        import boto3
        key_id = boto3.client("kms").create_key()["KeyMetadata"]["KeyId"]
        sealed = Envelope(KmsKeyWrapper(key_id)).encrypt({"token": "fake"}, "ctx")
        assert Envelope(KmsKeyWrapper(key_id)).decrypt(sealed, "ctx") == {"token": "fake"}
