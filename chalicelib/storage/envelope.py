"""Envelope encryption for secrets and buyer PII: each value gets AES-256-GCM under a data key, and the
data key is wrapped by a master key — KMS in AWS (GenerateDataKey / Decrypt), a local key file in the
local runtime. Data keys are cached briefly, as the AWS Encryption SDK's caching manager does, so a
batch of orders costs one KMS call, not one per order."""
from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from chalicelib.config import settings

DATA_KEY_TTL_SECONDS = 300
DATA_KEY_MAX_USES = 10_000


class KeyWrapper(Protocol):
    key_id: str
    def new_data_key(self) -> tuple[bytes, bytes]: ...   # (plaintext, wrapped)
    def unwrap(self, wrapped: bytes) -> bytes: ...


class LocalKeyWrapper:
    """The local runtime's master key: 32 random bytes in a 0600 file in the state folder."""

    def __init__(self, master_key: bytes, key_id: str = "local") -> None:
        if len(master_key) != 32:
            raise ValueError("local master key must be 32 bytes")
        self._master = master_key
        self.key_id = key_id

    @classmethod
    def from_file(cls, path: str) -> LocalKeyWrapper:
        with open(path, "rb") as fh:
            return cls(base64.b64decode(fh.read().strip()))

    def new_data_key(self) -> tuple[bytes, bytes]:
        plain = os.urandom(32)
        return plain, _seal(self._master, plain, b"datakey")

    def unwrap(self, wrapped: bytes) -> bytes:
        return _open(self._master, wrapped, b"datakey")


class KmsKeyWrapper:
    def __init__(self, key_id: str, client: Any = None) -> None:
        self.key_id = key_id
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3  # cold start: boto3 costs ~1.0 s (importtime, dev box); only callers of this pay
            self._client = boto3.client("kms")
        return self._client

    def new_data_key(self) -> tuple[bytes, bytes]:
        out = self.client.generate_data_key(KeyId=self.key_id, KeySpec="AES_256")
        return out["Plaintext"], out["CiphertextBlob"]

    def unwrap(self, wrapped: bytes) -> bytes:
        return bytes(self.client.decrypt(CiphertextBlob=wrapped, KeyId=self.key_id)["Plaintext"])


@dataclass
class _CachedKey:
    plain: bytes
    wrapped: bytes
    born: float
    uses: int = 0


class Envelope:
    def __init__(self, wrapper: KeyWrapper) -> None:
        self._wrapper = wrapper
        self._current: _CachedKey | None = None
        self._unwrapped: dict[bytes, bytes] = {}
        self._lock = threading.Lock()

    def encrypt(self, value: Any, context: str) -> str:
        """JSON-encodes `value`; `context` (e.g. "shop:<id>:secrets") is bound as associated data, so a
        blob copied onto another record does not decrypt there."""
        key = self._data_key()
        sealed = _seal(key.plain, json.dumps(value, ensure_ascii=False).encode(), context.encode())
        return json.dumps({"v": 1, "kid": self._wrapper.key_id, "edk": _b64(key.wrapped), "ct": _b64(sealed)})

    def decrypt(self, blob: str, context: str) -> Any:
        data = json.loads(blob)
        wrapped = base64.b64decode(data["edk"])
        plain_key = self._unwrapped.get(wrapped)
        if plain_key is None:
            plain_key = self._wrapper.unwrap(wrapped)
            self._unwrapped[wrapped] = plain_key
        return json.loads(_open(plain_key, base64.b64decode(data["ct"]), context.encode()))

    def _data_key(self) -> _CachedKey:
        with self._lock:
            key = self._current
            if key is None or key.uses >= DATA_KEY_MAX_USES or time.monotonic() - key.born > DATA_KEY_TTL_SECONDS:
                plain, wrapped = self._wrapper.new_data_key()
                key = self._current = _CachedKey(plain, wrapped, time.monotonic())
                self._unwrapped[wrapped] = plain
            key.uses += 1
            return key


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # cold start: ~80 ms, on first secret
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _open(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # cold start: ~80 ms, on first secret
    return AESGCM(key).decrypt(sealed[:12], sealed[12:], aad)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@cache
def default_envelope() -> Envelope:
    cfg = settings()
    if cfg.local_key_file:
        return Envelope(LocalKeyWrapper.from_file(cfg.local_key_file))
    if cfg.secrets_key_id:
        return Envelope(KmsKeyWrapper(cfg.secrets_key_id))
    raise RuntimeError("no master key: set SECRETS_KEY_ID (KMS) or OMS_LOCAL_KEY_FILE (local runtime)")
