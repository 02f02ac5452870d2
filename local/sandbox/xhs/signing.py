"""The gateway's side of Xiaohongshu signing, from the reference (§4.2): the method, then appId,
timestamp and version in that (lower-cased key) order as a query string, then the secret, md5."""

from __future__ import annotations

import hashlib
import hmac


def expected_sign(method: str, app_id: str, timestamp: str, version: str, secret: str) -> str:
    signed = {"appId": app_id, "timestamp": timestamp, "version": version}
    query = "&".join(f"{k}={signed[k]}" for k in sorted(signed, key=str.lower))
    return hashlib.md5(f"{method}?{query}{secret}".encode()).hexdigest()


def sign_ok(given: str, method: str, app_id: str, timestamp: str, version: str, secret: str) -> bool:
    want = expected_sign(method, app_id, timestamp, version, secret)
    return hmac.compare_digest(given.lower().encode(), want.encode())
