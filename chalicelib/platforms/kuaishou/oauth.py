"""Kuaishou OAuth (reference §3.4, doc 401716): 48 h access tokens, 180-day refresh tokens that ROTATE.

The refresh answer carries a new refresh token and the old one dies within minutes, so the caller
must store the returned TokenSet (both tokens) atomically before using the new access token.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx

from chalicelib.platforms.envelope import json_object
from chalicelib.platforms.http import Transport
from chalicelib.platforms.kuaishou.gateway import GATEWAY, PLATFORM
from chalicelib.services.platform_errors import (
    AuthExpiredError,
    BadRequestError,
    PlatformError,
    SignatureRejectedError,
    TransientError,
)
from chalicelib.services.platform_types import SHANGHAI, ShopCredentials, TokenSet

AUTHORIZE_URL = "https://open.kwaixiaodian.com/oauth/authorize"
SCOPES = "merchant_order,merchant_item,merchant_refund,merchant_logistics"

UNAUTHORIZED_CLIENT, ACCESS_DENIED, INVALID_GRANT, SERVER_ERROR = 100200101, 100200102, 100200105, 100200500


def oauth_error(code: int, error: str, message: str) -> PlatformError:
    kw = {"code": str(code), "sub_code": error, "platform": PLATFORM}
    if code == UNAUTHORIZED_CLIENT:
        return SignatureRejectedError(message, **kw)
    if code in (ACCESS_DENIED, INVALID_GRANT):
        return AuthExpiredError(message, **kw)  # dead code or refresh token: the seller must authorise again
    if code == SERVER_ERROR:
        return TransientError(message, **kw)
    return BadRequestError(message, **kw)


def token_set(response: httpx.Response, now: datetime) -> TokenSet:
    payload = json_object(response, PLATFORM)
    result = int(payload.get("result", 0) or 0)
    if result != 1:
        raise oauth_error(result, str(payload.get("error", "")), str(payload.get("error_msg") or "oauth failed"))
    refresh_in = payload.get("refresh_token_expires_in")
    return TokenSet(
        access_token=str(payload["access_token"]),
        expires_at=now + timedelta(seconds=int(payload.get("expires_in", 172800))),
        refresh_token=str(payload.get("refresh_token", "")),
        refresh_expires_at=now + timedelta(seconds=int(refresh_in)) if refresh_in else None,
        seller_id=str(payload.get("open_id", "")),
        raw=payload,
    )


class OAuth:
    def __init__(self, credentials: ShopCredentials, transport: Transport) -> None:
        self.credentials = credentials
        self.transport = transport
        self.base_url = (credentials.base_url or GATEWAY).rstrip("/")

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        base = (
            f"{self.credentials.base_url.rstrip('/')}/oauth/authorize" if self.credentials.base_url else AUTHORIZE_URL
        )
        query = {
            "app_id": self.credentials.app_key,
            "redirect_uri": redirect_uri,
            "scope": SCOPES,
            "response_type": "code",
            "state": state,
        }
        return f"{base}?{urlencode(query)}"

    def exchange_code(self, code: str) -> TokenSet:
        params = {
            "app_id": self.credentials.app_key,
            "grant_type": "code",
            "code": code,
            "app_secret": self.credentials.app_secret,
        }
        return self._call(lambda: httpx.Request("GET", f"{self.base_url}/oauth2/access_token", params=params))

    def refresh(self, refresh_token: str) -> TokenSet:
        form = {
            "app_id": self.credentials.app_key,
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "app_secret": self.credentials.app_secret,
        }
        return self._call(lambda: httpx.Request("POST", f"{self.base_url}/oauth2/refresh_token", data=form))

    def _call(self, build: Any) -> TokenSet:
        return self.transport.request(build, lambda response: token_set(response, datetime.now(SHANGHAI)))
