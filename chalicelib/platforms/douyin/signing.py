"""Douyin request and push signatures (reference §1.2, §1.7), as pure functions.

param_json is marshalled the way the official Go SDK does it (keys sorted at every depth, compact, no
HTML escaping, non-ASCII literal, U+2028/2029 and control characters escaped Go-style), and the client
sends exactly the string it signed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any

HMAC_SHA256 = "hmac-sha256"
MD5 = "md5"

# Go's encoding/json escapes these; Python's json would write \b and \f and leave U+2028/2029 alone.
_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\\u2028\u2029]')
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def marshal(params: Mapping[str, Any]) -> str:
    """The canonical param_json; `{}` for no parameters."""
    return _encode(params)


def _encode(value: Any) -> str:
    if isinstance(value, Mapping):
        items = sorted((str(k), v) for k, v in value.items())
        return "{" + ",".join(f"{_quote(k)}:{_encode(v)}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode(v) for v in value) + "]"
    if isinstance(value, str):
        return _quote(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Go writes 1.0 as 1
    raise TypeError(
        f"cannot sign {type(value).__name__} {value!r}: send money as integer fen, ids as strings"
    )


def _quote(text: str) -> str:
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, text) + '"'


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT_ESCAPES.get(char) or f"\\u{ord(char):04x}"


def sign_request(
    *,
    app_key: str,
    app_secret: str,
    method: str,
    param_json: str,
    timestamp: str,
    sign_method: str = HMAC_SHA256,
) -> str:
    pattern = (
        f"{app_secret}app_key{app_key}method{method}param_json{param_json}timestamp{timestamp}v2{app_secret}"
    ).encode()
    if sign_method == HMAC_SHA256:
        return hmac.new(app_secret.encode(), pattern, hashlib.sha256).hexdigest()
    if sign_method == MD5:
        return hashlib.md5(pattern).hexdigest()
    raise ValueError(f"unknown sign_method {sign_method!r}")


def sign_push(*, app_key: str, app_secret: str, body: bytes, sign_method: str = MD5) -> str:
    """event-sign over the raw body: md5(app_key + body + secret), or its HMAC variant keyed by the secret."""
    message = app_key.encode() + body + app_secret.encode()
    if sign_method == MD5:
        return hashlib.md5(message).hexdigest()
    if sign_method == HMAC_SHA256:
        return hmac.new(app_secret.encode(), message, hashlib.sha256).hexdigest()
    raise ValueError(f"unknown sign-method {sign_method!r}")
