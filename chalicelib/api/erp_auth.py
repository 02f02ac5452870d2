"""ERP request authentication: HMAC-SHA256 over method, canonical path (+ canonical query), timestamp,
nonce and body hash (the README's "Signing a request" defines it; services/erp_signing.py implements
it). A stale or future timestamp, an unknown or inactive key, a wrong signature or a reused nonce is a
401 before anything runs; then the client's rate limit (429) and the route's scope (403). The client's
shop scope is applied by each use case to the record it touches (ErpCtx.shop_ids): another shop's record
answers 404, like one that does not exist."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from chalice import Blueprint
from chalice.app import Request

from chalicelib import bootstrap
from chalicelib.api.http import route
from chalicelib.domain.errors import AuthenticationError, PermissionDeniedError, TooManyRequestsError

KEY, TIMESTAMP, NONCE, SIGNATURE = "X-OMS-Key", "X-OMS-Timestamp", "X-OMS-Nonce", "X-OMS-Signature"
TOLERANCE_SECONDS = 300
NONCE_TTL_SECONDS = 2 * TOLERANCE_SECONDS + 60     # longer than any timestamp we still accept
RATE_WINDOW_SECONDS = 60
NONCE_FORMAT = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KEY_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ErpCtx(NamedTuple):   # cold start: a NamedTuple is made in ~50 us, a dataclass ~450 us
    request: Request
    client: Any          # services.erp_ports.ErpClient

    @property
    def actor(self) -> str:
        return f"erp:{self.client.key_id}"

    @property
    def shop_ids(self) -> frozenset[str]:
        """The shops the client may see (empty: every shop); records of others answer 404."""
        return frozenset(self.client.shop_ids)


def erp_route(bp: Blueprint, path: str, methods: tuple[str, ...] = ("GET",), scope: str = ""
              ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return route(bp, path, methods, lambda request: ErpCtx(request, authenticate(request, scope)))


def authenticate(request: Request, scope: str) -> Any:
    from chalicelib.services.erp_signing import canonical_target, matches, string_to_sign
    headers = request.headers
    key_id, timestamp, nonce, signature = (headers.get(h, "") for h in (KEY, TIMESTAMP, NONCE, SIGNATURE))
    if not (key_id and timestamp and nonce and signature):
        raise AuthenticationError(f"signed requests carry {KEY}, {TIMESTAMP}, {NONCE} and {SIGNATURE}")
    now = bootstrap.clock().now()
    if not timestamp.isdigit() or abs(now.timestamp() - int(timestamp)) > TOLERANCE_SECONDS:
        raise AuthenticationError(f"{TIMESTAMP} is not within {TOLERANCE_SECONDS} s of the server's time")
    if not NONCE_FORMAT.match(nonce) or not KEY_FORMAT.match(key_id):
        raise AuthenticationError(f"{NONCE} must be 16-64 of A-Z a-z 0-9 - _")
    client = bootstrap.erp_clients().get(key_id)
    if client is None or not client.active:
        raise AuthenticationError("unknown or inactive key")
    message = string_to_sign(request.method, canonical_target(_path(request), _query(request)), timestamp, nonce,
                             _body(request))
    if not matches(client.valid_secrets(now), message, signature):
        raise AuthenticationError("signature does not match")
    if not bootstrap.idempotency().claim(f"erp-nonce:{key_id}:{nonce}", NONCE_TTL_SECONDS):
        raise AuthenticationError("nonce already used")
    _limit(client, int(now.timestamp()))
    if scope and scope not in client.scopes:
        raise PermissionDeniedError(f"this key lacks the scope {scope}")
    return client


def _limit(client: Any, now: int) -> None:
    window = now - now % RATE_WINDOW_SECONDS
    count = bootstrap.erp_rate_limiter().hit(client.key_id, window, 2 * RATE_WINDOW_SECONDS)
    if count > client.rate_per_minute:
        raise TooManyRequestsError(f"more than {client.rate_per_minute} requests a minute",
                                   retry_after=window + RATE_WINDOW_SECONDS - now)


def _path(request: Request) -> str:
    """The route's template with the path parameters as the gateway delivered them (percent-encoded as
    sent; canonical_target decodes each segment once): the same path whatever the stage prefix."""
    path: str = request.path
    for name, value in (request.uri_params or {}).items():
        path = path.replace("{" + name + "}", value)
    return path


def _query(request: Request) -> list[tuple[str, str]]:
    params = request.query_params
    if not params:
        return []
    return [(k, v) for k in params for v in params.getlist(k)]


def _body(request: Request) -> bytes:
    raw = request.raw_body or b""
    return raw.encode() if isinstance(raw, str) else raw
