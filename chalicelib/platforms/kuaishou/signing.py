"""Kuaishou request signing (reference §3.2, doc 401853).

Only the seven system keys are signed, sorted by name, values raw (before URL encoding); the
secret is the app's separate signSecret, never the appSecret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping

SIGNED_KEYS = ("access_token", "appkey", "method", "param", "signMethod", "timestamp", "version")
MD5 = "MD5"
HMAC_SHA256 = "HMAC_SHA256"


def string_to_sign(params: Mapping[str, str | None], sign_secret: str) -> str:
    pairs = [f"{key}={params[key]}" for key in sorted(SIGNED_KEYS) if params.get(key) is not None]
    return "&".join(pairs) + "&signSecret=" + sign_secret


def sign(params: Mapping[str, str | None], sign_secret: str) -> str:
    """`params` carries its own signMethod; MD5 gives lower hex, HMAC_SHA256 standard Base64."""
    text = string_to_sign(params, sign_secret).encode("utf-8")
    method = params.get("signMethod") or MD5
    if method == HMAC_SHA256:
        digest = hmac.new(sign_secret.encode("utf-8"), text, hashlib.sha256).digest()
        return base64.b64encode(digest).decode("ascii")
    if method == MD5:
        return hashlib.md5(text).hexdigest()
    raise ValueError(f"unknown signMethod {method!r}")
