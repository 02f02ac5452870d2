"""POP signatures (reference platforms-tao-jd-pdd.md §3.2 and §3.8). Pure functions."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping


def sign(params: Mapping[str, str], client_secret: str) -> str:
    """upper(md5(secret + k1v1k2v2... + secret)), keys sorted, `sign` itself and empty values left out.

    The official PHP SDK sorts by key (ksort) and skips "" values; sorting the joined k+v strings
    instead (as one Go SDK does) differs when a key is a prefix of another."""
    body = "".join(f"{key}{params[key]}" for key in sorted(params) if key != "sign" and params[key] != "")
    return hashlib.md5(f"{client_secret}{body}{client_secret}".encode()).hexdigest().upper()


def message_ws_sign(client_id: str, timestamp_ms: str, client_secret: str) -> str:
    """PMC websocket connect sign: base64 of the lower-case hex md5 string (not of the raw digest)."""
    digest = hashlib.md5(f"{client_id}{timestamp_ms}{client_secret}".encode()).hexdigest()
    return base64.b64encode(digest.encode()).decode()
