"""JD OAuth 2 (open-oauth.jd.com, reference §2.5): authorise, exchange the code, refresh.

Unlike the seed (which sent the app key as `app_secret`), the exchange and refresh send the app secret.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx

from chalicelib.platforms.http import Transport
from chalicelib.services.platform_errors import AuthExpiredError, BadRequestError, TransientError
from chalicelib.services.platform_types import SHANGHAI, ShopCredentials, TokenSet

OAUTH_URL = "https://open-oauth.jd.com"
SCOPE = "snsapi_base"
_DEAD_GRANT_CODES = frozenset({"401", "402", "403", "405"})   # [I] code/refresh token invalid or expired


class JdOAuth:
    def __init__(self, credentials: ShopCredentials, transport: Transport,
                 clock: Callable[[], datetime] = lambda: datetime.now(SHANGHAI)) -> None:
        self.credentials = credentials
        self.transport = transport
        self.clock = clock
        self.base = (credentials.extra.get("oauth_base_url") or credentials.base_url or OAUTH_URL).rstrip("/")

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        query = {"app_key": self.credentials.app_key, "response_type": "code", "redirect_uri": redirect_uri,
                 "state": state, "scope": SCOPE}
        return f"{self.base}/oauth2/to_login?{urlencode(query)}"

    def exchange_code(self, code: str) -> TokenSet:
        return self._token("access_token", {"grant_type": "authorization_code", "code": code})

    def refresh(self, refresh_token: str) -> TokenSet:
        return self._token("refresh_token", {"grant_type": "refresh_token", "refresh_token": refresh_token})

    def _token(self, path: str, grant: dict[str, str]) -> TokenSet:
        query = {"app_key": self.credentials.app_key, "app_secret": self.credentials.app_secret, **grant}
        url = f"{self.base}/oauth2/{path}?{urlencode(query)}"
        return self.transport.request(lambda: httpx.Request("GET", url), self._parse)

    def _parse(self, response: httpx.Response) -> TokenSet:
        try:
            payload: dict[str, Any] = response.json()
        except json.JSONDecodeError as exc:
            raise TransientError("token answer is not JSON", code="bad_json", platform="jd") from exc
        code = str(payload.get("code", "0"))
        if code != "0" or "access_token" not in payload:
            kind = AuthExpiredError if code in _DEAD_GRANT_CODES else BadRequestError
            raise kind(str(payload.get("msg") or "token refused"), code=code, platform="jd")
        now = self.clock()
        return TokenSet(
            access_token=str(payload["access_token"]), refresh_token=str(payload.get("refresh_token", "")),
            expires_at=now + timedelta(seconds=int(payload.get("expires_in") or 0)),
            seller_id=str(payload.get("venderId") or payload.get("uid") or self.credentials.seller_id),
            raw=payload,
        )
