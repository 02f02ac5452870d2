"""The sandbox's own WeChat message crypto, written from the reference (§2.4) and independent of the
client's: sha1 over the sorted strings, AES-256-CBC with IV = key[:16], PKCS#7 padded to 32 bytes,
plaintext = random(16) + len(4, big-endian) + msg + appid."""

from __future__ import annotations

import base64
import hashlib
import secrets

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def sorted_sha1(values: list[str]) -> str:
    digest = hashlib.sha1()
    for value in sorted(values):
        digest.update(value.encode("utf-8"))
    return digest.hexdigest()


def key_from(encoding_aes_key: str) -> bytes:
    return base64.b64decode(encoding_aes_key + "=")


def seal(message: str, appid: str, encoding_aes_key: str, random16: bytes | None = None) -> str:
    key = key_from(encoding_aes_key)
    msg = message.encode("utf-8")
    framed = (random16 or secrets.token_bytes(16)) + len(msg).to_bytes(4, "big") + msg + appid.encode("utf-8")
    fill = 32 - (len(framed) % 32)
    framed += fill.to_bytes(1, "big") * fill
    cipher = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(cipher.update(framed) + cipher.finalize()).decode()


def unseal(ciphertext: str, encoding_aes_key: str) -> tuple[str, str]:
    key = key_from(encoding_aes_key)
    plain = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor().update(base64.b64decode(ciphertext))
    plain = plain[: len(plain) - plain[-1]]
    size = int.from_bytes(plain[16:20], "big")
    return plain[20 : 20 + size].decode("utf-8"), plain[20 + size :].decode("utf-8")


def new_encoding_aes_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()[:43]
