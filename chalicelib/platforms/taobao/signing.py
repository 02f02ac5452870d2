"""TOP request signing (reference §1.2) and the TMC connect signature (§1.8). Pure functions."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime

from chalicelib.services.platform_types import shanghai

SIGN_METHODS = ("md5", "hmac", "hmac-sha256")


def sign_string(params: Mapping[str, str], body: str = "") -> str:
    """key1value1key2value2... over the non-empty params sorted by key, `sign` excluded, body appended."""
    pairs = sorted((k, v) for k, v in params.items() if k != "sign" and k and v)
    return "".join(k + v for k, v in pairs) + body


def sign(params: Mapping[str, str], secret: str, sign_method: str = "md5", body: str = "") -> str:
    text = sign_string(params, body).encode("utf-8")
    key = secret.encode("utf-8")
    if sign_method == "md5":
        digest = hashlib.md5(key + text + key).hexdigest()
    elif sign_method == "hmac":
        digest = hmac.new(key, text, hashlib.md5).hexdigest()
    elif sign_method == "hmac-sha256":
        digest = hmac.new(key, text, hashlib.sha256).hexdigest()
    else:
        raise ValueError(f"unknown sign_method {sign_method!r}")
    return digest.upper()


def tmc_connect_sign(app_key: str, group_name: str, timestamp: str, secret: str) -> str:
    """The TMC websocket handshake signs exactly these three headers, md5, no sign_method."""
    return sign({"app_key": app_key, "group_name": group_name, "timestamp": timestamp}, secret, "md5")


def format_timestamp(moment: datetime) -> str:
    return shanghai(moment).strftime("%Y-%m-%d %H:%M:%S")
