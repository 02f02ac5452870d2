"""The one codec of every paged route's cursor. What storage hands back (a DynamoDB key, a position) goes
out signed with a server key and bound to the list it continues: the route, its path parameters and its
filters (the page size may change). A cursor comes back exactly as issued or is refused with a 400 naming
`cursor`: a forged, garbled or borrowed one never reaches DynamoDB, which answers a start key of the wrong
shape with an error (that was a 500). Opaque and tamper-evident, not secret: the key inside is the client's
own data."""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from chalicelib.config import settings
from chalicelib.domain.errors import ValidationError

MAC_BYTES = 18                 # 144 bits, 24 characters
UNBOUND = ("cursor", "limit")  # query parameters that do not change which list a cursor continues
MAX_LENGTH = 2048


def issue(request: Any, inner: str | None) -> str | None:
    """The cursor a client gets for storage's `inner` one (None: the list has ended)."""
    if inner is None:
        return None
    return f"{inner}.{_mac(request, inner)}"


def read(request: Any, cursor: str | None) -> str | None:
    """Storage's cursor inside one this API issued for this list; None when the client sent none."""
    if not cursor:
        return None
    import hmac  # cold start: hashlib's OpenSSL load is ~2.5 ms of import app; only paged requests need it
    inner, dot, mac = cursor.rpartition(".")
    if len(cursor) > MAX_LENGTH or not dot or not inner or not hmac.compare_digest(
            mac.encode(), _mac(request, inner).encode()):
        raise ValidationError("cursor is not one this list issued: start from the first page", field="cursor")
    return inner


def query(request: Any) -> dict[str, str]:
    """The request's query parameters with storage's cursor in place of the client's (for routes that read
    their filters and cursor from one dict)."""
    params: dict[str, str] = dict(request.query_params or {})
    inner = read(request, params.pop("cursor", None))
    return params | {"cursor": inner} if inner else params


def _mac(request: Any, inner: str) -> str:
    import base64  # cold start: as in read()
    import hashlib
    import hmac
    message = json.dumps([_scope(request), inner], ensure_ascii=False, separators=(",", ":")).encode()
    digest = hmac.new(_key(settings().jwt_secret), message, hashlib.sha256).digest()[:MAC_BYTES]
    return base64.urlsafe_b64encode(digest).decode()


def _scope(request: Any) -> list[Any]:
    context = getattr(request, "context", None) or {}
    route = context.get("resourcePath") or getattr(request, "path", "")
    path_params = sorted((request.uri_params or {}).items())
    filters = sorted((k, v) for k, v in (request.query_params or {}).items() if k not in UNBOUND and v != "")
    return [route, path_params, filters]


@lru_cache(maxsize=2)
def _key(secret: str) -> bytes:
    """Derived from the server's JWT secret (the API function's one secret, in SSM in AWS, `.state/` locally),
    so that a cursor's MAC can never be replayed as a token's signature or the other way round."""
    import hashlib  # cold start: as in read()
    import hmac
    if len(secret) < 32:
        raise RuntimeError("JWT_SECRET is missing or shorter than 32 characters")
    return hmac.new(secret.encode(), b"qihang-oms paging cursor v1", hashlib.sha256).digest()
