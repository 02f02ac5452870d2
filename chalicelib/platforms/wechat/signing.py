"""WeChat message crypto (reference §2.4, WxJava `WxCryptUtil`): sha1 signatures and the AES-256-CBC
envelope of pushes. Pure functions; the test vectors WX-1 and WX-2 pin them."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# WeChat pads to 32 bytes although AES blocks are 16 (PKCS#7 with its own block size).
PAD_BLOCK = 32
RANDOM_PREFIX = 16


class CryptoError(ValueError):
    """The ciphertext, its padding or its framing is not what WeChat produces."""


def sha1_signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signature_matches(expected: str, *parts: str) -> bool:
    return hmac.compare_digest(sha1_signature(*parts), expected.strip().lower())


def aes_key(encoding_aes_key: str) -> bytes:
    if len(encoding_aes_key) != 43:
        raise CryptoError("EncodingAESKey must be 43 characters")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error as exc:
        raise CryptoError("EncodingAESKey is not base64") from exc
    if len(key) != 32:
        raise CryptoError("EncodingAESKey does not decode to 32 bytes")
    return key


def encrypt(message: str, appid: str, key: bytes, random_prefix: bytes | None = None) -> str:
    prefix = random_prefix if random_prefix is not None else os.urandom(RANDOM_PREFIX)
    body = message.encode("utf-8")
    plain = prefix + struct.pack(">I", len(body)) + body + appid.encode("utf-8")
    pad = PAD_BLOCK - len(plain) % PAD_BLOCK
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    cipher = encryptor.update(plain + bytes([pad]) * pad) + encryptor.finalize()
    return base64.b64encode(cipher).decode("ascii")


def decrypt(ciphertext_b64: str, key: bytes) -> tuple[str, str]:
    """Returns (message, appid)."""
    try:
        cipher = base64.b64decode(ciphertext_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CryptoError("Encrypt is not base64") from exc
    if not cipher or len(cipher) % 16:
        raise CryptoError("ciphertext is not a whole number of AES blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = _unpad(decryptor.update(cipher) + decryptor.finalize())
    if len(plain) < RANDOM_PREFIX + 4:
        raise CryptoError("plaintext too short")
    (length,) = struct.unpack(">I", plain[RANDOM_PREFIX : RANDOM_PREFIX + 4])
    body_end = RANDOM_PREFIX + 4 + length
    if body_end > len(plain):
        raise CryptoError("message length runs past the plaintext")
    try:
        return plain[RANDOM_PREFIX + 4 : body_end].decode("utf-8"), plain[body_end:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CryptoError("plaintext is not UTF-8") from exc


def _unpad(padded: bytes) -> bytes:
    pad = padded[-1]
    if not 1 <= pad <= PAD_BLOCK or padded[-pad:] != bytes([pad]) * pad:
        raise CryptoError("bad PKCS#7 padding")
    return padded[:-pad]
