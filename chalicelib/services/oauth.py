"""OAuth for third-party-app shops: the authorise URL carries a state that is HMAC-signed, expires, names
the shop and platform, and is good once; the public callback exchanges the code and stores the tokens.
Self-authorising platforms (Douyin self-built apps, WeChat) take the direct route: one token call."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.domain.errors import AuthenticationError, ValidationError
from chalicelib.domain.platform import Platform
from chalicelib.domain.shops import Shop
from chalicelib.services.platform_ports import PlatformClient, PlatformDirectory
from chalicelib.services.ports import IdempotencyStore, ShopStore
from chalicelib.services.shop_admin import require, self_authorising, seller_in_token, store_tokens

STATE_TTL = timedelta(minutes=15)
Clients = Callable[[Shop], PlatformClient]


@dataclass(frozen=True)
class State:
    shop_id: str
    platform: Platform
    expires: int           # unix seconds
    nonce: str


def _key(secret: str) -> bytes:
    # a key of its own, derived: a leaked state signature says nothing about the JWT key it comes from
    return hmac.new(secret.encode(), b"qihang-oms oauth state v1", hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_state(secret: str, shop: Shop, now: datetime, ttl: timedelta = STATE_TTL) -> str:
    payload = json.dumps({"s": shop.shop_id, "p": shop.platform.value, "e": int((now + ttl).timestamp()),
                          "n": secrets.token_urlsafe(12)}, separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(hmac.new(_key(secret), payload, hashlib.sha256).digest())}"


def verify_state(secret: str, state: str, platform: Platform, now: datetime) -> State:
    try:
        body, signature = state.split(".")
        payload = _unb64(body)
        good = hmac.compare_digest(_unb64(signature), hmac.new(_key(secret), payload, hashlib.sha256).digest())
        data = json.loads(payload) if good else None
    except (ValueError, UnicodeDecodeError) as exc:
        raise AuthenticationError("the OAuth state is not one we issued") from exc
    if not isinstance(data, dict):
        raise AuthenticationError("the OAuth state is not one we issued")
    parsed = State(str(data["s"]), Platform(data["p"]), int(data["e"]), str(data["n"]))
    if parsed.platform is not platform:
        raise AuthenticationError("the OAuth state belongs to another platform")
    if parsed.expires < now.timestamp():
        raise AuthenticationError("the OAuth state expired: start the authorisation again")
    return parsed


def authorise_url(shops: ShopStore, clients: Clients, shop_id: str, redirect_uri: str, secret: str,
                  now: datetime) -> str:
    shop = require(shops, shop_id)
    if shop.platform is Platform.WECHAT:
        raise ValidationError("WeChat shops are authorised by their appid and secret: use the direct route",
                              field="mode")
    return clients(shop).authorize_url(redirect_uri, sign_state(secret, shop, now))


def complete_authorisation(shops: ShopStore, clients: Clients, platforms: PlatformDirectory,
                           used_states: IdempotencyStore, platform: Platform, code: str, state: str,
                           redirect_uri: str, secret: str, now: datetime) -> Shop:
    """The callback: a forged, expired, reused or other-platform state is refused before any call."""
    if not code:
        raise ValidationError("the platform sent no authorisation code", field="code")
    parsed = verify_state(secret, state, platform, now)
    if not used_states.claim(f"oauth-state:{parsed.nonce}", int(STATE_TTL.total_seconds()) * 2):
        raise AuthenticationError("the OAuth state was already used")
    shop = require(shops, parsed.shop_id)
    tokens = clients(shop).exchange_code(code, redirect_uri)
    seller = tokens.seller_id if seller_in_token(platforms, shop.platform) else ""
    return store_tokens(shops, shop.shop_id, tokens, seller_id=seller)


def authorise_directly(shops: ShopStore, clients: Clients, platforms: PlatformDirectory, shop_id: str) -> Shop:
    """Douyin self-built apps (authorization_self from the shop id) and WeChat (appid + secret)."""
    shop = require(shops, shop_id)
    if not self_authorising(platforms, shop.platform):
        raise ValidationError(f"{shop.platform.value} shops authorise through the platform's page: use the "
                              "authorise link, or paste the tokens of a self-built app", field="mode")
    tokens = clients(shop).exchange_code("", "")
    return store_tokens(shops, shop.shop_id, tokens)
