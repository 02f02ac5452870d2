"""Merchant authorisation (reference §3.5): service-market authorise page, then the signed
pdd.pop.auth.token.create / refresh gateway calls."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from chalicelib.platforms.pdd.gateway import Gateway
from chalicelib.platforms.pdd.mapping import as_int
from chalicelib.services.platform_errors import TransientError
from chalicelib.services.platform_types import SHANGHAI, ShopCredentials, TokenSet

AUTHORIZE_HOST = "https://fuwu.pinduoduo.com"
AUTHORIZE_PATH = "/service-market/auth"


def authorize_url(credentials: ShopCredentials, redirect_uri: str, state: str) -> str:
    query = urlencode(
        {
            "response_type": "code",
            "client_id": credentials.app_key,
            "redirect_uri": redirect_uri,
            "state": state,
            "view": "web",
        }
    )
    return f"{(credentials.base_url or AUTHORIZE_HOST).rstrip('/')}{AUTHORIZE_PATH}?{query}"


def exchange_code(gateway: Gateway, code: str) -> TokenSet:
    return _token_set(gateway.call("pdd.pop.auth.token.create", {"code": code}, authorized=False))


def refresh(gateway: Gateway, refresh_token: str) -> TokenSet:
    return _token_set(
        gateway.call("pdd.pop.auth.token.refresh", {"refresh_token": refresh_token}, authorized=False)
    )


def _token_set(body: dict[str, Any]) -> TokenSet:
    now = datetime.now(SHANGHAI)
    if not body.get("access_token"):   # not POP speaking (a wrong base URL): retried, never a parked shop
        raise TransientError("the token answer holds no access_token", code="no_token", platform="pdd")
    return TokenSet(
        access_token=str(body["access_token"]),
        expires_at=_at(body.get("expires_at")) or now + timedelta(seconds=as_int(body.get("expires_in"))),
        refresh_token=str(body.get("refresh_token") or ""),
        refresh_expires_at=_at(body.get("refresh_token_expires_at")),
        seller_id=str(body.get("owner_id") or ""),
        raw=body,
    )


def _at(epoch_seconds: Any) -> datetime | None:
    value = as_int(epoch_seconds)
    return datetime.fromtimestamp(value, SHANGHAI) if value else None
