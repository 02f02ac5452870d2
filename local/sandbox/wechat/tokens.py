"""The sandbox's token desk (reference §2.1): /cgi-bin/token, /cgi-bin/stable_token and the access_token
check every /channels/ec call goes through."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from typing import Any

from local.sandbox.core import Clock
from local.sandbox.wechat.api import ApiError
from local.sandbox.wechat.state import Shop, Token

TOKEN_LIFE = 7200
STABLE_RENEW_BEFORE = 300  # the stable token endpoint hands out a new token in the last 5 minutes


class TokenDesk:
    def __init__(self, shops: dict[str, Shop], clock: Clock, rng: random.Random) -> None:
        self._shops = shops
        self._clock = clock
        self._rng = rng
        self.tokens: dict[str, Token] = {}

    def classic(self, params: dict) -> dict:
        shop = self._app(params.get("grant_type"), params.get("appid"), params.get("secret"))
        return {"access_token": self._issue(shop), "expires_in": TOKEN_LIFE}

    def stable(self, body: dict) -> dict:
        shop = self._app(body.get("grant_type"), body.get("appid"), body.get("secret"))
        current = self.tokens.get(shop.stable_token)
        left = int((current.expires_at - self._clock()).total_seconds()) if current else 0
        if body.get("force_refresh") or current is None or current.revoked or left <= STABLE_RENEW_BEFORE:
            if body.get("force_refresh") and current:
                current.revoked = True  # a forced refresh kills the previous stable token at once
            shop.stable_token, left = self._issue(shop), TOKEN_LIFE
        return {"access_token": shop.stable_token, "expires_in": left}

    def authenticate(self, value: str) -> Shop:
        if not value:
            raise ApiError(41001, "access_token missing")
        token = self.tokens.get(value)
        if token is None or token.revoked or self._shops[token.appid].auth_lapsed:
            raise ApiError(40001, "invalid credential, access_token is invalid or not latest")
        if token.expires_at <= self._clock():
            raise ApiError(42001, "access_token expired")
        return self._shops[token.appid]

    def expire_all(self, appid: str) -> None:
        past = self._clock() - timedelta(seconds=1)
        for token in self.tokens.values():
            if token.appid == appid:
                token.expires_at = past

    def _app(self, grant_type: Any, appid: Any, secret: Any) -> Shop:
        if grant_type != "client_credential":
            raise ApiError(40002, "invalid grant_type")
        shop = self._shops.get(str(appid))
        if shop is None:
            raise ApiError(40013, "invalid appid")
        if not secrets.compare_digest(str(secret), shop.secret):
            raise ApiError(40001, "invalid credential, AppSecret is wrong or does not belong to this app")
        if shop.secret_frozen:
            raise ApiError(40243, "AppSecret is frozen, unfreeze it in the console")
        return shop

    def _issue(self, shop: Shop) -> str:
        value = f"{self._rng.randint(80, 99)}_{secrets.token_urlsafe(48)}"
        self.tokens[value] = Token(shop.appid, self._clock() + timedelta(seconds=TOKEN_LIFE))
        return value
