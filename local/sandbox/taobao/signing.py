"""The sandbox's own TOP signature check (reference §1.2), written apart from the client's signer.

Verifies over the parameters exactly as received. Real clients differ on empty values: the official
SDKs leave them out of the string, others sign the bare key name; both are accepted.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

METHODS = ("md5", "hmac", "hmac-sha256")


def _digest(text: bytes, secret: bytes, method: str) -> str:
    if method == "md5":
        return hashlib.md5(secret + text + secret).hexdigest().upper()
    algorithm = hashlib.md5 if method == "hmac" else hashlib.sha256
    return hmac.new(secret, text, algorithm).hexdigest().upper()


def _joined(params: Mapping[str, str], keep_empty: bool) -> bytes:
    keys = sorted(k for k in params if k != "sign" and (keep_empty or params[k].strip()))
    return "".join(k + params[k] for k in keys).encode("utf-8")


def candidates(params: Mapping[str, str], secret: str, method: str) -> set[str]:
    key = secret.encode("utf-8")
    return {_digest(_joined(params, keep), key, method) for keep in (False, True)}


def is_valid(params: Mapping[str, str], secret: str) -> bool:
    method = params.get("sign_method") or "md5"
    if method not in METHODS:
        return False
    return params.get("sign", "").upper() in candidates(params, secret, method)


def tmc_connect_valid(headers: Mapping[str, str], secret: str) -> bool:
    """TMC handshake: md5 over app_key, group_name and timestamp only; extra headers are unsigned."""
    signed = {k: headers.get(k, "") for k in ("app_key", "group_name", "timestamp")}
    return headers.get("sign", "").upper() in candidates(signed, secret, "md5")
