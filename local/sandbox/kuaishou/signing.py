"""The gateway's side of Kuaishou signing, written from the reference (§3.2), not from the client:
rebuild the string from the seven system keys exactly as received, then compare."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping

_SYSTEM_KEYS = ["access_token", "appkey", "method", "param", "signMethod", "timestamp", "version"]


def expected_sign(received: Mapping[str, str], sign_secret: str) -> str:
    parts = []
    for key in _SYSTEM_KEYS:  # already in byte order: '_' < 'a'..., 'M' handled by sorted() below
        if received.get(key) is not None:
            parts.append(key + "=" + received[key])
    parts.sort(key=lambda pair: pair.split("=", 1)[0])
    plain = ("&".join(parts) + "&signSecret=" + sign_secret).encode("utf-8")
    if received.get("signMethod", "MD5") == "HMAC_SHA256":
        mac = hmac.new(sign_secret.encode("utf-8"), plain, "sha256").digest()
        return base64.b64encode(mac).decode()
    return hashlib.md5(plain).hexdigest()


def sign_ok(received: Mapping[str, str], sign_secret: str) -> bool:
    given = received.get("sign", "")
    want = expected_sign(received, sign_secret)
    if received.get("signMethod", "MD5") != "HMAC_SHA256":
        given = given.lower()  # md5Hex is lower-case; tolerate upper-case senders
    return hmac.compare_digest(given.encode(), want.encode())
