"""The ERP signatures, both ways (stdlib only). The recipe is defined once, in the README's section
"Signing a request" (the text of SIGNING_RECIPE below, which a test keeps identical to it); this module
implements it for the server.

Webhooks to the ERP (Stripe style): header `OMS-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`, each v1 an
HMAC-SHA256 over `<t>.<raw body>` with one of the client's valid secrets (two during a rotation overlap).
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import quote, unquote

SIGNING_RECIPE = """\
Headers of every request to /erp/v1:
  X-OMS-Key        your key id
  X-OMS-Timestamp  unix seconds, within 300 s of the server's clock
  X-OMS-Nonce      16-64 characters of A-Z a-z 0-9 - _, never used before by your key
  X-OMS-Signature  lower-case hex of HMAC-SHA256(key = your secret as UTF-8, message = STRING_TO_SIGN as UTF-8)

ENCODE(s) = the UTF-8 bytes of s, each byte other than A-Z a-z 0-9 - . _ ~ written as %XX
            (upper-case hex; RFC 3986 unreserved). A space is %20, "+" is %2B, ":" is %3A.

STRING_TO_SIGN = these five lines joined by "\\n" (no newline at the end):
  METHOD           upper case (GET, POST, PUT)
  TARGET           CANONICAL_PATH, or CANONICAL_PATH + "?" + CANONICAL_QUERY when the query has a pair
  TIMESTAMP        exactly as sent in X-OMS-Timestamp
  NONCE            exactly as sent in X-OMS-Nonce
  BODY_HASH        lower-case hex SHA-256 of the raw body bytes (of zero bytes when there is no body)

CANONICAL_PATH   the path from /erp/v1 on (no scheme, host, stage or query), split at "/"; each segment
                 percent-decoded once (UTF-8) and written again with ENCODE; joined with "/".
                 Equal to the path you send when you write each id or code with ENCODE.
CANONICAL_QUERY  each pair of the query (a name without "=" has the value ""), name and value
                 percent-decoded once and written again with ENCODE, as NAME=VALUE; sorted by
                 encoded name, then encoded value (byte order); joined with "&".
                 In the URL write a plus as %2B and a space as %20: a gateway may read a bare "+"
                 in a query as a space.

Examples (the path parameter's value, then CANONICAL_PATH):
  红色-M        /erp/v1/stock/%E7%BA%A2%E8%89%B2-M
  SKU 001       /erp/v1/stock/SKU%20001
  S1-A+B        /erp/v1/orders/S1-A%2BB
  S1-PDD:7      /erp/v1/after-sales/S1-PDD%3A7
Query ?b=2&a=x%20y&a=1 gives CANONICAL_QUERY a=1&a=x%20y&b=2.
"""


def encode(value: str) -> str:
    return quote(value, safe="-_.~")


def canonical_segments(path: str) -> str:
    return "/".join(encode(unquote(segment)) for segment in path.split("/"))


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    """Pairs as the gateway hands them over: already percent-decoded."""
    return "&".join(f"{k}={v}" for k, v in sorted((encode(k), encode(v)) for k, v in pairs))


def canonical_target(raw_path: str, decoded_pairs: Iterable[tuple[str, str]] = ()) -> str:
    """`raw_path` as the client sent it (percent-encoded or not); `decoded_pairs` the query's pairs."""
    path = canonical_segments(raw_path)
    query = canonical_query(decoded_pairs)
    return f"{path}?{query}" if query else path


def string_to_sign(method: str, target: str, timestamp: str, nonce: str, body: bytes) -> str:
    return "\n".join((method.upper(), target, timestamp, nonce, hashlib.sha256(body).hexdigest()))


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
