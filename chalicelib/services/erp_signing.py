"""The ERP signatures, both ways (stdlib only).

Requests from the ERP: HMAC-SHA256 (hex) with the client's secret over five lines joined by "\\n":
    METHOD            upper case
    PATH              the URL path, percent-decoded, plus "?" and the canonical query when there is one
                      (pairs sorted, each part percent-encoded with only A-Z a-z 0-9 - _ . ~ left bare)
    TIMESTAMP         unix seconds, as sent in X-OMS-Timestamp
    NONCE             as sent in X-OMS-Nonce (16-64 of A-Z a-z 0-9 - _), never reused
    SHA256(BODY)      hex of the raw body bytes (of b"" when there is none)

Webhooks to the ERP (Stripe style): header `OMS-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`, each v1 an
HMAC-SHA256 over `<t>.<raw body>` with one of the client's valid secrets (two during a rotation overlap).
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import quote

SAFE = "-_.~"


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    return "&".join(f"{quote(k, safe=SAFE)}={quote(v, safe=SAFE)}" for k, v in sorted(pairs))


def canonical_path(path: str, pairs: Iterable[tuple[str, str]] = ()) -> str:
    query = canonical_query(pairs)
    return f"{path}?{query}" if query else path


def string_to_sign(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return "\n".join((method.upper(), path, timestamp, nonce, hashlib.sha256(body).hexdigest()))


def hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def matches(secrets: Iterable[str], message: str, signature: str) -> bool:
    """Constant-time against every valid secret (rotation overlap)."""
    found = False
    for secret in secrets:
        found |= hmac.compare_digest(hmac_hex(secret, message.encode()), signature.lower())
    return found


def webhook_signature(secrets: Iterable[str], timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return ",".join([f"t={timestamp}", *(f"v1={hmac_hex(s, signed)}" for s in secrets)])
